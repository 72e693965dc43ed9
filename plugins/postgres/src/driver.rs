//! The connection the driver kit runs: one raw sqlx `PgConnection` per kit worker.
//!
//! Pooling, transactions, cancellation and the stream channel are the kit's
//! ([`plugorm_plugin_api::kit`]); what stays here is PostgreSQL's own: opening a
//! connection with the URL's settings, running a statement through [`crate::exec`]
//! (prepare, bind, the stale-plan retry), streaming rows batch by batch, and telling the
//! kit when the socket is gone.

use std::sync::Arc;

use futures_util::TryStreamExt;
use plugorm_plugin_api::{
    kit::{
        driver::cancel_request, lexer::Lexicon, BatchSink, Cancel, CancelFuture, Driver,
        DriverConnection,
    },
    DbError, DbResult, ExecResult, Rows, Sql, Value,
};
use sqlx_core::{connection::Connection as _, statement::Statement as _};
use sqlx_postgres::{PgConnectOptions, PgConnection, Postgres};

use crate::{
    bind, decode,
    error::{breaks_connection, connect_error, translate},
    exec::{self, Failure, Mode},
    options::Target,
};

/// Opens PostgreSQL connections for the kit's pool.
pub(crate) struct PgDriver {
    target: Target,
}

impl PgDriver {
    pub(crate) fn new(target: Target) -> PgDriver {
        PgDriver { target }
    }
}

impl Driver for PgDriver {
    type Connection = PgConn;

    /// Dollar quotes, `E'…'` strings and nested comments, for the kit's reading of a
    /// statement's leading keyword (a query's `SELECT n` tag counts no written rows).
    fn lexicon(&self) -> Lexicon {
        Lexicon::POSTGRES
    }

    /// A server ends idle sessions (restarts, `wait_timeout`, an administrator's kill):
    /// a connection idle for a second is pinged before it serves a statement.
    fn check_after_idle(&self) -> Option<std::time::Duration> {
        Some(std::time::Duration::from_secs(1))
    }

    /// Connects and applies the session settings sqlx's start-up packet would override
    /// (`TimeZone`, `DateStyle`); a failure names the server, never the password.
    async fn connect(&self) -> DbResult<PgConn> {
        let target = &self.target;
        let failed = |e| connect_error(&target.label, e);
        let mut conn = PgConnection::connect_with(&target.connect)
            .await
            .map_err(failed)?;
        for (key, value) in &target.session {
            // The value is bound, so any text is safe; the server checks the name.
            sqlx_core::query::query::<Postgres>("SELECT set_config($1, $2, false)")
                .bind(key.as_str())
                .bind(value.as_str())
                .execute(&mut conn)
                .await
                .map_err(failed)?;
        }
        let pid: i32 = sqlx_core::query_scalar::query_scalar("SELECT pg_backend_pid()")
            .fetch_one(&mut conn)
            .await
            .map_err(failed)?;
        Ok(PgConn {
            conn,
            canceller: Arc::new(PgCancel {
                connect: target.connect.clone(),
                pid,
            }),
            mode: Mode {
                cache: target.cache,
                in_tx: false,
            },
            broken: false,
        })
    }
}

/// One connection, as the kit's worker drives it.
pub(crate) struct PgConn {
    conn: PgConnection,
    /// The statement cache (the URL's `statement-cache-capacity`) and whether a
    /// transaction is open, as seen from [`DriverConnection::control`]: inside one a
    /// stale plan is not retried, the transaction being aborted already.
    mode: Mode,
    /// The socket or the session failed: the kit must not reuse this connection.
    broken: bool,
    canceller: Arc<PgCancel>,
}

/// Cancels the statement running in one server process (`pg_cancel_backend`, from a
/// connection of its own with the same credentials). Sent while the statement's own
/// connection is idle, it is ignored by the server.
struct PgCancel {
    connect: PgConnectOptions,
    pid: i32,
}

impl Cancel for PgCancel {
    fn cancel(&self) -> CancelFuture {
        let connect = self.connect.clone();
        let pid = self.pid;
        cancel_request(pid as u64, async move {
            let mut conn = PgConnection::connect_with(&connect).await?;
            sqlx_core::query::query::<Postgres>("SELECT pg_cancel_backend($1)")
                .bind(pid)
                .execute(&mut conn)
                .await?;
            conn.close().await
        })
    }
}

impl PgConn {
    /// Translates a failure, noting first whether it broke the connection.
    fn settle<T>(&mut self, r: Result<T, Failure>) -> DbResult<T> {
        r.map_err(|f| {
            if let Failure::Driver(e) = &f {
                self.broken |= breaks_connection(e);
            }
            f.into_db()
        })
    }
}

impl DriverConnection for PgConn {
    async fn execute(&mut self, sql: &Sql) -> DbResult<ExecResult> {
        let r = exec::execute(&mut self.conn, sql, self.mode).await;
        self.settle(r)
    }

    async fn query(&mut self, sql: &Sql) -> DbResult<Rows> {
        let r = exec::query_all(&mut self.conn, sql, self.mode).await;
        self.settle(r)
    }

    /// Streams with the stale-plan retry of [`exec`]: it is only possible while nothing
    /// was sent to the reader, so the names wait for the first answer from the server.
    async fn stream(&mut self, sql: &Sql, sink: &mut BatchSink) -> DbResult<()> {
        let values = bind::values(sql)?;
        let mode = self.mode;
        let mut retried = false;
        loop {
            match attempt(&mut self.conn, sql, &values, mode, sink).await {
                Ok(()) => return Ok(()),
                Err((f, false)) if !retried && f.retryable(mode) => {
                    let r = exec::recover(&mut self.conn).await;
                    self.settle(r)?;
                    retried = true;
                }
                Err((f, _)) => return self.settle(Err(f)),
            }
        }
    }

    /// `BEGIN`, `COMMIT`, `ROLLBACK` and savepoints through the simple protocol, noting
    /// whether a transaction is open (a `ROLLBACK TO SAVEPOINT` leaves it open).
    async fn control(&mut self, command: &str) -> DbResult<()> {
        let r = exec::control(&mut self.conn, command).await;
        match command {
            "BEGIN" => self.mode.in_tx = r.is_ok(),
            // Even a failed COMMIT ends the transaction on the server; the kit follows it
            // with a ROLLBACK, and a failed ROLLBACK closes the connection.
            "COMMIT" | "ROLLBACK" => self.mode.in_tx = false,
            _ => {}
        }
        self.settle(r)
    }

    /// The protocol's own round trip (a `Sync`), which no statement log shows.
    async fn ping(&mut self) -> DbResult<()> {
        let r = self.conn.ping().await.map_err(Failure::Driver);
        self.settle(r)
    }

    fn canceller(&self) -> Option<Arc<dyn Cancel>> {
        Some(self.canceller.clone())
    }

    fn is_broken(&self) -> bool {
        self.broken
    }

    /// Says goodbye to the server (`Terminate`) so it logs no lost connection.
    async fn close(self) {
        if let Err(e) = self.conn.close().await {
            tracing::debug!(error = %translate(e), "closing a postgres connection failed");
        }
    }
}

/// One run of a streamed query; the error says whether anything was sent already.
async fn attempt(
    conn: &mut PgConnection,
    sql: &Sql,
    values: &[&Value],
    mode: Mode,
    sink: &mut BatchSink,
) -> Result<(), (Failure, bool)> {
    let batch_rows = sink.batch_rows();
    let mut bound = exec::bind(conn, sql, values, mode)
        .await
        .map_err(|f| (f, false))?;
    let arguments = std::mem::take(&mut bound.arguments);
    // From the prepared statement, so an empty result has its names too.
    let mut readers = bound
        .statement
        .as_ref()
        .map(|s| decode::readers(s.columns()));
    let mut sent = false;
    let mut rows = exec::query(sql, &bound, arguments).fetch(&mut *conn);
    let mut buf = Vec::with_capacity(batch_rows.min(decode::BATCH * 8));
    loop {
        let next = rows
            .try_next()
            .await
            .map_err(|e| (Failure::Driver(e), sent))?;
        let done = next.is_none();
        if !sent {
            if readers.is_none() {
                readers = next
                    .as_ref()
                    .map(|row| decode::readers(sqlx_core::row::Row::columns(row)));
            }
            let names = readers.as_deref().map(decode::names).unwrap_or_default();
            sent = true;
            if !sink.names(names).await {
                return Ok(()); // the reader is gone
            }
        }
        if let Some(row) = next {
            buf.push(row);
            if buf.len() < batch_rows {
                continue;
            }
        }
        if !buf.is_empty() {
            let batch = match readers.as_deref() {
                Some(r) => decode::batch(r, &buf),
                None => Err(DbError::Decode {
                    detail: "rows arrived without column descriptions".into(),
                }),
            };
            let batch = batch.map_err(|e| (Failure::Final(e), true))?;
            buf.clear();
            if !sink.send(batch).await {
                return Ok(()); // the reader is gone
            }
        }
        if done {
            return Ok(());
        }
    }
}
