//! The kit driver: one sqlx `MySqlConnection` per kit connection. The kit supplies the
//! pool, transactions, cancellation and streaming plumbing; this module only says how a
//! statement runs on MySQL.
//!
//! Every statement runs as a prepared statement (binary protocol, cached per connection),
//! parameters or not, because the server parses a statement to prepare as exactly one
//! statement: `SELECT 1; DROP TABLE t` is a syntax error, never two statements. Plain text
//! (which the server splits at `;`, as sqlx connects with multi-statements on) is used
//! only for a parameterless statement the server refused to prepare with error 1295
//! ("not supported in the prepared statement protocol"): the server reports that after
//! parsing the text as one statement, so the same text run as a query is that one
//! statement too. MariaDB 10.11 prepares nearly every kind (DDL, `SET`, `SHOW`,
//! `LOCK TABLES`, `CREATE PROCEDURE`, …); MySQL 8 refuses more (`LOCK TABLES`,
//! `CREATE TRIGGER`, …), which then run as text. Transaction control from the kit
//! (`BEGIN`, `COMMIT`, `SAVEPOINT`, fixed text) runs as text.

use std::{
    borrow::Cow,
    sync::{Arc, OnceLock},
};

use futures_util::TryStreamExt;
use plugorm_plugin_api::{
    kit::{
        driver::{cancel_request, rows_affected},
        lexer::{statement_kind, Lexicon},
        BatchSink, Cancel, CancelFuture, Driver, DriverConnection, KitPool,
    },
    DbError, DbResult, ExecResult, Pool, PoolOptions, Rows, Sql,
};
use sqlx_core::{
    column::Column as _, connection::Connection as _, executor::Executor as _, query::Query,
    sql_str::AssertSqlSafe, statement::Statement as _, Either,
};
use sqlx_mysql::{MySql, MySqlArguments, MySqlConnectOptions, MySqlConnection};

use crate::{
    bind::bind_all,
    decode::rows_to_batches,
    error::{ends_connection, translate, translate_statement},
    lock::LockSupport,
    server::Server,
    table_options::TableOptions,
    url,
};

/// The server error for a statement kind the prepared-statement protocol does not take
/// (`ER_UNSUPPORTED_PS`).
const UNSUPPORTED_PS: &str = "1295";

/// What a pool adds to the statements it runs.
#[derive(Debug, Default)]
pub(crate) struct Settings {
    pub table_options: TableOptions,
}

impl Settings {
    /// The statement as it is sent: a CREATE TABLE gets the URL's table options.
    fn prepare<'s>(&self, sql: &'s Sql) -> Cow<'s, Sql> {
        match self.table_options.apply(&sql.text) {
            Some(text) => Cow::Owned(Sql {
                text: text.into(),
                params: sql.params.clone(),
            }),
            None => Cow::Borrowed(sql),
        }
    }
}

/// The statement text for sqlx. It is audited by construction: the dialect's renderer
/// binds every value as a parameter and quotes identifiers; raw SQL is the application's
/// own text, with its values bound too.
fn audited(text: &str) -> AssertSqlSafe<&str> {
    AssertSqlSafe(text)
}

/// `sql` as a prepared statement with its parameters bound.
fn prepared(sql: &Sql) -> DbResult<Query<'_, MySql, MySqlArguments>> {
    bind_all(sqlx_core::query::query(audited(&sql.text)), sql)
}

/// Opens a pool for `url_text`; the kit applies `options`.
///
/// The first connection is opened right away (by the kit), so a refused connection, a
/// failed login or a TLS problem is reported with its cause, prefixed with the URL's
/// `host:port/database`; it also reads the server's version for the locking syntax (see
/// [`LockSupport`]).
pub(crate) async fn open(url_text: &str, options: PoolOptions) -> DbResult<Arc<dyn Pool>> {
    let parsed = url::parse(url_text)?;
    // A build with the SQL Server plugin has rustls with two crypto providers
    // (tiberius pulls aws-lc-rs), and sqlx's `VERIFY_CA` verifier asks for the
    // process default, which rustls cannot then pick: ring, as sqlx uses.
    let _ = rustls::crypto::ring::default_provider().install_default();
    let server = Arc::new(OnceLock::new());
    let driver = MysqlDriver {
        options: parsed.connect,
        label: parsed.label.clone(),
        settings: Arc::new(Settings {
            table_options: parsed.table_options,
        }),
        server: server.clone(),
    };
    let pool = KitPool::open(driver, options).await.map_err(|e| match e {
        // The driver's own connect errors carry the label already.
        e @ DbError::Connect { .. } => e,
        other => connect_error(&parsed.label, other),
    })?;
    let server = server.get().map(Server::describe).unwrap_or_default();
    tracing::info!(database = %parsed.label, %server, "mysql pool opened");
    Ok(pool)
}

/// A connect failure, named by the database it was for.
fn connect_error(label: &str, e: DbError) -> DbError {
    DbError::Connect {
        message: match e {
            DbError::Connect { message } => format!("{label}: {message}"),
            other => format!("{label}: {other}"),
        },
    }
}

/// Opens sqlx connections to one database.
struct MysqlDriver {
    options: MySqlConnectOptions,
    /// `host:port/database`, for connect errors (never the password).
    label: String,
    settings: Arc<Settings>,
    /// The server, read on the first connection.
    server: Arc<OnceLock<Server>>,
}

impl MysqlDriver {
    /// Reads the server's version (once per pool) and records its locking syntax.
    async fn read_server(&self, conn: &mut MySqlConnection) -> DbResult<()> {
        if self.server.get().is_some() {
            return Ok(());
        }
        let version: String = sqlx_core::query_scalar::query_scalar("SELECT VERSION()")
            .fetch_one(conn)
            .await
            .map_err(translate)?;
        let server = Server::parse(&version);
        LockSupport::record(&server);
        let _ = self.server.set(server);
        Ok(())
    }
}

impl Driver for MysqlDriver {
    type Connection = MysqlConnection;

    /// A server ends idle sessions (restarts, `wait_timeout`, an administrator's kill):
    /// a connection idle for a second is pinged before it serves a statement.
    fn check_after_idle(&self) -> Option<std::time::Duration> {
        Some(std::time::Duration::from_secs(1))
    }

    async fn connect(&self) -> DbResult<MysqlConnection> {
        let connected = async {
            let mut conn = MySqlConnection::connect_with(&self.options)
                .await
                .map_err(translate)?;
            self.read_server(&mut conn).await?;
            let id: u64 = sqlx_core::query_scalar::query_scalar("SELECT CONNECTION_ID()")
                .fetch_one(&mut conn)
                .await
                .map_err(translate)?;
            Ok((conn, id))
        };
        let (conn, id) = connected.await.map_err(|e| connect_error(&self.label, e))?;
        Ok(MysqlConnection {
            conn,
            canceller: Arc::new(MysqlCancel {
                options: self.options.clone(),
                id,
            }),
            settings: self.settings.clone(),
            broken: false,
        })
    }

    /// Backticks: MySQL reads a double-quoted name as a string unless `ANSI_QUOTES` is on.
    fn quote_savepoint(&self, name: &str) -> String {
        format!("`{}`", name.replace('`', "``"))
    }

    /// Backslash escapes and `#` comments, for the kit's reading of a statement's keyword.
    fn lexicon(&self) -> Lexicon {
        Lexicon::MYSQL
    }
}

/// One connection.
struct MysqlConnection {
    conn: MySqlConnection,
    settings: Arc<Settings>,
    /// Set after an error that ended the session or left the protocol's state unknown
    /// (see [`ends_connection`]): the kit then closes the connection.
    broken: bool,
    canceller: Arc<MysqlCancel>,
}

/// Stops the statement running on one server thread with `KILL QUERY`, from a
/// connection of its own. The statement fails with 1317 and the session stays usable; a
/// `KILL QUERY` that arrives while the session is idle does not touch its next statement.
struct MysqlCancel {
    options: MySqlConnectOptions,
    /// The server's id of the session (`CONNECTION_ID()`).
    id: u64,
}

impl Cancel for MysqlCancel {
    fn cancel(&self) -> CancelFuture {
        let options = self.options.clone();
        let id = self.id;
        cancel_request(id, async move {
            let mut conn = MySqlConnection::connect_with(&options).await?;
            // `KILL` cannot be prepared; the id is the server's own integer.
            conn.execute(AssertSqlSafe(format!("KILL QUERY {id}")))
                .await?;
            conn.close().await
        })
    }
}

impl MysqlConnection {
    /// Translates a sqlx error, noting whether it left the connection unusable.
    fn failed(&mut self, e: sqlx_core::Error) -> DbError {
        self.broken |= ends_connection(&e);
        translate_statement(e)
    }

    /// True when `sql` must run as text: it has no parameters and the server refused to
    /// prepare it (see the module documentation). Preparing here costs no extra round trip:
    /// the prepared statement goes into the connection's statement cache, where running it
    /// finds it (with `statement-cache-capacity=0` it is prepared twice).
    async fn as_text(&mut self, sql: &Sql) -> DbResult<bool> {
        if !sql.params.is_empty() {
            return Ok(false);
        }
        let text = sqlx_core::sql_str::SqlSafeStr::into_sql_str(audited(&sql.text));
        match self.conn.prepare(text).await {
            Ok(_) => Ok(false),
            Err(e) => match self.failed(e) {
                DbError::Database { code: Some(c), .. } if c == UNSUPPORTED_PS => Ok(true),
                other => Err(other),
            },
        }
    }
}

impl MysqlConnection {
    /// The column names of `sql`, for a result without rows (sqlx names a result's
    /// columns with its rows only): from its prepared statement, which the statement
    /// cache holds once the statement ran, so no round trip. A statement the server runs
    /// only as text (error 1295) cannot be prepared, and its empty result stays unnamed.
    async fn column_names(&mut self, sql: &Sql) -> DbResult<Vec<String>> {
        let text = sqlx_core::sql_str::SqlSafeStr::into_sql_str(audited(&sql.text));
        match self.conn.prepare(text).await {
            Ok(statement) => Ok(statement
                .columns()
                .iter()
                .map(|c| c.name().to_string())
                .collect()),
            Err(e) => match self.failed(e) {
                DbError::Database { code: Some(c), .. } if c == UNSUPPORTED_PS => Ok(Vec::new()),
                other => Err(other),
            },
        }
    }
}

impl DriverConnection for MysqlConnection {
    /// Reads every result and row the statement sends: MariaDB ends the result of an
    /// `INSERT … RETURNING` with an EOF packet that counts nothing, so a write's rows
    /// returned stand for the rows it wrote (`rows_affected` of the plugin API's kit).
    async fn execute(&mut self, sql: &Sql) -> DbResult<ExecResult> {
        let sql = self.settings.prepare(sql);
        let mut results = if self.as_text(&sql).await? {
            self.conn.fetch_many(audited(&sql.text))
        } else {
            self.conn.fetch_many(prepared(&sql)?)
        };
        let (mut reported, mut returned, mut last_id) = (0u64, 0u64, 0u64);
        let read = loop {
            match results.try_next().await {
                Ok(Some(Either::Left(done))) => {
                    reported += done.rows_affected();
                    last_id = done.last_insert_id();
                }
                Ok(Some(Either::Right(_row))) => returned += 1,
                Ok(None) => break Ok(()),
                Err(e) => break Err(e),
            }
        };
        drop(results);
        read.map_err(|e| self.failed(e))?;
        let kind = statement_kind(&sql.text, &Lexicon::MYSQL);
        Ok(ExecResult {
            rows_affected: rows_affected(kind, reported, returned),
            // MySQL reports 0 when the statement generated no key; for a multi-row INSERT
            // the id is the *first* row's.
            last_insert_id: i64::try_from(last_id).ok().filter(|id| *id > 0).into(),
        })
    }

    async fn query(&mut self, sql: &Sql) -> DbResult<Rows> {
        let rows = if self.as_text(sql).await? {
            self.conn.fetch_all(audited(&sql.text)).await
        } else {
            prepared(sql)?.fetch_all(&mut self.conn).await
        };
        let rows = rows.map_err(|e| self.failed(e))?;
        if rows.is_empty() {
            let names = self.column_names(sql).await?;
            return Ok(Rows::new(
                names.into_iter().map(Into::into).collect(),
                vec![],
            ));
        }
        rows_to_batches(&rows)
    }

    /// Reads rows as they arrive, `sink.batch_rows()` at a time. Stopping early leaves
    /// the rest of the result on the socket; sqlx discards it before the next statement.
    async fn stream(&mut self, sql: &Sql, sink: &mut BatchSink) -> DbResult<()> {
        let batch_rows = sink.batch_rows();
        let text = self.as_text(sql).await?;
        let mut rows = if text {
            self.conn.fetch(audited(&sql.text))
        } else {
            prepared(sql)?.fetch(&mut self.conn)
        };
        let mut buf = Vec::with_capacity(batch_rows);
        let mut named = false;
        loop {
            let next = rows.try_next().await;
            let row = match next {
                Ok(row) => row,
                Err(e) => {
                    drop(rows);
                    return Err(self.failed(e));
                }
            };
            let done = row.is_none();
            buf.extend(row);
            if buf.len() < batch_rows && !done {
                continue;
            }
            if !buf.is_empty() {
                let batch = rows_to_batches(&buf)?;
                buf.clear();
                // The names go with the first batch only (the sink sends them once).
                named = true;
                if !sink.send_rows(batch).await {
                    return Ok(()); // the reader is gone
                }
            }
            if done {
                break;
            }
        }
        drop(rows);
        if !named {
            let names = self.column_names(sql).await?;
            sink.names(names).await;
        }
        Ok(())
    }

    /// Transaction control runs as text: fixed statements from the kit (savepoint names
    /// quoted by [`Driver::quote_savepoint`]), some of which MySQL does not prepare.
    async fn control(&mut self, command: &str) -> DbResult<()> {
        let r = self.conn.execute(audited(command)).await;
        r.map(drop).map_err(|e| self.failed(e))
    }

    /// The protocol's own ping (`COM_PING`), no statement.
    async fn ping(&mut self) -> DbResult<()> {
        let r = self.conn.ping().await;
        r.map_err(|e| self.failed(e))
    }

    fn canceller(&self) -> Option<Arc<dyn Cancel>> {
        Some(self.canceller.clone())
    }

    fn is_broken(&self) -> bool {
        self.broken
    }

    async fn close(self) {
        // The server learns the session ended (`COM_QUIT`); a failure here changes nothing.
        let _ = self.conn.close().await;
    }
}
