//! Pool, connection and transaction over sqlx.
//!
//! Statements with parameters run as prepared statements (binary protocol, cached per
//! connection); statements without any run as plain text queries, which MySQL accepts for
//! every statement kind and which keep one-off DDL out of the statement cache.
//!
//! A transaction holds its connection through an owned lock, issues `BEGIN` / `COMMIT` /
//! `ROLLBACK` itself and, when dropped unfinished, rolls back on the plugin runtime before
//! the connection returns to the pool. (MySQL commits implicitly before DDL: a CREATE
//! TABLE inside a transaction ends it.)

use std::{sync::Arc, time::Duration};

use plugorm_plugin_api::{
    runtime::{self, in_runtime},
    BoxFuture, Connection, DbError, DbResult, ExecResult, Executor, Pool, PoolOptions, PoolStats,
    RowStream, Rows, Sql, Transaction,
};
use sqlx_core::{pool::PoolConnection, sql_str::AssertSqlSafe};
use sqlx_mysql::{MySql, MySqlConnection};
use tokio::sync::{Mutex, OwnedMutexGuard};

use crate::{
    bind::bind_all, decode::rows_to_batches, error::translate, lock::LockSupport, server::Server,
    stream, table_options::TableOptions, url,
};

type SqlxPool = sqlx_core::pool::Pool<MySql>;

/// The statement text for sqlx. It is audited by construction: the dialect's renderer
/// binds every value as a parameter and quotes identifiers; raw SQL is the application's
/// own text, with its values bound too.
fn audited(text: &str) -> AssertSqlSafe<&str> {
    AssertSqlSafe(text)
}

/// What a pool adds to the statements it runs.
#[derive(Debug, Default)]
pub(crate) struct Settings {
    pub table_options: TableOptions,
}

impl Settings {
    /// The statement as it is sent: a CREATE TABLE gets the URL's table options.
    fn prepare(&self, mut sql: Sql) -> Sql {
        if let Some(text) = self.table_options.apply(&sql.text) {
            sql.text = text.into();
        }
        sql
    }
}

pub(crate) async fn run_execute<'c, E>(e: E, sql: &Sql) -> DbResult<ExecResult>
where
    E: sqlx_core::executor::Executor<'c, Database = MySql>,
{
    let r = if sql.params.is_empty() {
        sqlx_core::raw_sql::raw_sql(audited(&sql.text))
            .execute(e)
            .await
    } else {
        bind_all(sqlx_core::query::query(audited(&sql.text)), &sql.params)?
            .execute(e)
            .await
    }
    .map_err(translate)?;
    Ok(ExecResult {
        rows_affected: r.rows_affected(),
        // MySQL reports 0 when the statement generated no key; for a multi-row INSERT
        // the id is the *first* row's.
        last_insert_id: i64::try_from(r.last_insert_id())
            .ok()
            .filter(|id| *id > 0)
            .into(),
    })
}

pub(crate) async fn run_query<'c, E>(e: E, sql: &Sql) -> DbResult<Rows>
where
    E: sqlx_core::executor::Executor<'c, Database = MySql>,
{
    let rows = if sql.params.is_empty() {
        sqlx_core::raw_sql::raw_sql(audited(&sql.text))
            .fetch_all(e)
            .await
    } else {
        bind_all(sqlx_core::query::query(audited(&sql.text)), &sql.params)?
            .fetch_all(e)
            .await
    }
    .map_err(translate)?;
    rows_to_batches(&rows)
}

/// Quotes a savepoint name as an identifier.
fn savepoint_ident(name: &str) -> String {
    format!("`{}`", name.replace('`', "``"))
}

/// Opens a pool for `url` with every field of `options` applied.
///
/// One connection is made first, directly, so a refused connection, a failed login or a
/// TLS problem is reported with its cause (a pool only reports that no connection came
/// in time); it also reads the server's version for the locking syntax (see
/// [`LockSupport`]). The pool then opens its connections as they are needed, keeping
/// `min_connections` open.
pub(crate) async fn open(url_text: &str, options: PoolOptions) -> DbResult<Arc<MysqlPool>> {
    let parsed = url::parse(url_text)?;
    let label = parsed.label.clone();
    let failed = |e: DbError| DbError::Connect {
        message: match e {
            DbError::Connect { message } => format!("{label}: {message}"),
            other => format!("{label}: {other}"),
        },
    };
    let timeout = options.connect_timeout();
    let first = tokio::time::timeout(timeout, async {
        let mut conn =
            <MySqlConnection as sqlx_core::connection::Connection>::connect_with(&parsed.connect)
                .await
                .map_err(translate)?;
        let version: String = sqlx_core::query_scalar::query_scalar("SELECT VERSION()")
            .fetch_one(&mut conn)
            .await
            .map_err(translate)?;
        let _ = sqlx_core::connection::Connection::close(conn).await;
        Ok::<_, DbError>(version)
    })
    .await
    .map_err(|_| {
        failed(DbError::Timeout(format!(
            "no connection within the connect timeout of {} ms",
            timeout.as_millis()
        )))
    })?
    .map_err(failed)?;
    let server = Server::parse(&first);
    LockSupport::record(&server);
    let pool = sqlx_core::pool::PoolOptions::<MySql>::new()
        .max_connections(options.max_connections.max(1))
        .min_connections(options.min_connections)
        .acquire_timeout(timeout)
        .idle_timeout(
            options
                .idle_timeout_ms
                .into_option()
                .map(Duration::from_millis),
        )
        .max_lifetime(
            options
                .max_lifetime_ms
                .into_option()
                .map(Duration::from_millis),
        )
        .connect_lazy_with(parsed.connect);
    tracing::info!(database = %parsed.label, server = %server.describe(), "mysql pool opened");
    Ok(Arc::new(MysqlPool {
        pool,
        settings: Arc::new(Settings {
            table_options: parsed.table_options,
        }),
    }))
}

/// A MySQL / MariaDB pool.
pub(crate) struct MysqlPool {
    pool: SqlxPool,
    settings: Arc<Settings>,
}

impl Executor for MysqlPool {
    fn execute(&self, sql: Sql) -> BoxFuture<ExecResult> {
        let pool = self.pool.clone();
        let sql = self.settings.prepare(sql);
        Box::pin(in_runtime(async move { run_execute(&pool, &sql).await }))
    }

    fn query(&self, sql: Sql) -> BoxFuture<Rows> {
        let pool = self.pool.clone();
        Box::pin(in_runtime(async move { run_query(&pool, &sql).await }))
    }

    fn query_stream(&self, sql: Sql, batch_rows: u32) -> BoxFuture<Box<dyn RowStream>> {
        let pool = self.pool.clone();
        Box::pin(in_runtime(stream::start(move |tx| async move {
            match pool.acquire().await {
                Ok(mut conn) => {
                    stream::produce(&mut conn, &sql, batch_rows.max(1) as usize, &tx).await
                }
                Err(e) => {
                    let _ = tx.send(stream::failed(translate(e))).await;
                }
            }
        })))
    }
}

type SharedConn = Arc<Mutex<PoolConnection<MySql>>>;

async fn begin_on(conn: SharedConn, settings: Arc<Settings>) -> DbResult<Arc<dyn Transaction>> {
    let mut guard = conn.lock_owned().await;
    sqlx_core::raw_sql::raw_sql(audited("BEGIN"))
        .execute(&mut **guard)
        .await
        .map_err(translate)?;
    Ok(Arc::new(MysqlTransaction {
        state: Arc::new(Mutex::new(Some(guard))),
        settings,
    }) as Arc<dyn Transaction>)
}

impl Pool for MysqlPool {
    fn acquire(&self) -> BoxFuture<Arc<dyn Connection>> {
        let pool = self.pool.clone();
        let settings = self.settings.clone();
        Box::pin(in_runtime(async move {
            let conn = pool.acquire().await.map_err(translate)?;
            Ok(Arc::new(MysqlConn {
                conn: Arc::new(Mutex::new(conn)),
                settings,
            }) as Arc<dyn Connection>)
        }))
    }

    fn begin(&self) -> BoxFuture<Arc<dyn Transaction>> {
        let pool = self.pool.clone();
        let settings = self.settings.clone();
        Box::pin(in_runtime(async move {
            let conn = pool.acquire().await.map_err(translate)?;
            begin_on(Arc::new(Mutex::new(conn)), settings).await
        }))
    }

    fn ping(&self) -> BoxFuture<()> {
        let pool = self.pool.clone();
        Box::pin(in_runtime(async move {
            let mut conn = pool.acquire().await.map_err(translate)?;
            sqlx_core::connection::Connection::ping(&mut *conn)
                .await
                .map_err(translate)
        }))
    }

    fn stats(&self) -> PoolStats {
        PoolStats {
            connections: self.pool.size(),
            idle: u32::try_from(self.pool.num_idle()).unwrap_or(u32::MAX),
            max_connections: self.pool.options().get_max_connections(),
        }
    }

    fn close(&self) -> BoxFuture<()> {
        let pool = self.pool.clone();
        Box::pin(in_runtime(async move {
            pool.close().await;
            Ok(())
        }))
    }
}

/// One connection taken from the pool.
struct MysqlConn {
    conn: SharedConn,
    settings: Arc<Settings>,
}

impl Executor for MysqlConn {
    fn execute(&self, sql: Sql) -> BoxFuture<ExecResult> {
        let conn = self.conn.clone();
        let sql = self.settings.prepare(sql);
        Box::pin(in_runtime(async move {
            let mut c = conn.lock().await;
            run_execute(&mut **c, &sql).await
        }))
    }

    fn query(&self, sql: Sql) -> BoxFuture<Rows> {
        let conn = self.conn.clone();
        Box::pin(in_runtime(async move {
            let mut c = conn.lock().await;
            run_query(&mut **c, &sql).await
        }))
    }

    fn query_stream(&self, sql: Sql, batch_rows: u32) -> BoxFuture<Box<dyn RowStream>> {
        let conn = self.conn.clone();
        Box::pin(in_runtime(stream::start(move |tx| async move {
            let mut c = conn.lock_owned().await;
            stream::produce(&mut c, &sql, batch_rows.max(1) as usize, &tx).await
        })))
    }
}

impl Connection for MysqlConn {
    fn begin(&self) -> BoxFuture<Arc<dyn Transaction>> {
        let conn = self.conn.clone();
        Box::pin(in_runtime(begin_on(conn, self.settings.clone())))
    }

    fn ping(&self) -> BoxFuture<()> {
        let conn = self.conn.clone();
        Box::pin(in_runtime(async move {
            let mut c = conn.lock().await;
            sqlx_core::connection::Connection::ping(&mut **c)
                .await
                .map_err(translate)
        }))
    }
}

type TxState = Arc<Mutex<Option<OwnedMutexGuard<PoolConnection<MySql>>>>>;

/// A transaction; the state is `None` once committed or rolled back.
struct MysqlTransaction {
    state: TxState,
    settings: Arc<Settings>,
}

impl MysqlTransaction {
    /// Runs a statement on the transaction's connection.
    fn with_conn<T, F>(&self, f: F) -> BoxFuture<T>
    where
        T: Send + 'static,
        F: for<'c> FnOnce(
                &'c mut MySqlConnection,
            ) -> std::pin::Pin<
                Box<dyn std::future::Future<Output = DbResult<T>> + Send + 'c>,
            > + Send
            + 'static,
    {
        let state = self.state.clone();
        Box::pin(in_runtime(async move {
            let mut guard = state.lock().await;
            let conn = guard.as_mut().ok_or(DbError::TransactionFinished)?;
            f(conn).await
        }))
    }

    /// Runs `COMMIT` or `ROLLBACK` and releases the connection.
    fn finish(&self, sql: &'static str) -> BoxFuture<()> {
        let state = self.state.clone();
        Box::pin(in_runtime(async move {
            let mut guard = state.lock().await;
            let mut conn = guard.take().ok_or(DbError::TransactionFinished)?;
            let result = sqlx_core::raw_sql::raw_sql(audited(sql))
                .execute(&mut **conn)
                .await
                .map_err(translate);
            if result.is_err() {
                // The connection's state is unknown (a failed COMMIT may leave the
                // transaction open): it must not go back to the pool.
                let _ = sqlx_core::raw_sql::raw_sql(audited("ROLLBACK"))
                    .execute(&mut **conn)
                    .await;
                conn.close_on_drop();
            }
            result.map(|_| ())
        }))
    }

    fn control(&self, sql: String) -> BoxFuture<()> {
        self.with_conn(move |c| {
            Box::pin(async move {
                sqlx_core::raw_sql::raw_sql(AssertSqlSafe(sql))
                    .execute(c)
                    .await
                    .map_err(translate)
                    .map(|_| ())
            })
        })
    }
}

impl Executor for MysqlTransaction {
    fn execute(&self, sql: Sql) -> BoxFuture<ExecResult> {
        let sql = self.settings.prepare(sql);
        self.with_conn(move |c| Box::pin(async move { run_execute(c, &sql).await }))
    }

    fn query(&self, sql: Sql) -> BoxFuture<Rows> {
        self.with_conn(move |c| Box::pin(async move { run_query(c, &sql).await }))
    }

    fn query_stream(&self, sql: Sql, batch_rows: u32) -> BoxFuture<Box<dyn RowStream>> {
        let state = self.state.clone();
        Box::pin(in_runtime(stream::start(move |tx| async move {
            let mut guard = state.lock_owned().await;
            match guard.as_mut() {
                Some(conn) => stream::produce(conn, &sql, batch_rows.max(1) as usize, &tx).await,
                None => {
                    let _ = tx.send(stream::failed(DbError::TransactionFinished)).await;
                }
            }
        })))
    }
}

impl Transaction for MysqlTransaction {
    fn savepoint(&self, name: &str) -> BoxFuture<()> {
        self.control(format!("SAVEPOINT {}", savepoint_ident(name)))
    }

    fn rollback_to(&self, name: &str) -> BoxFuture<()> {
        self.control(format!("ROLLBACK TO SAVEPOINT {}", savepoint_ident(name)))
    }

    fn release(&self, name: &str) -> BoxFuture<()> {
        self.control(format!("RELEASE SAVEPOINT {}", savepoint_ident(name)))
    }

    fn commit(&self) -> BoxFuture<()> {
        self.finish("COMMIT")
    }

    fn rollback(&self) -> BoxFuture<()> {
        self.finish("ROLLBACK")
    }
}

impl Drop for MysqlTransaction {
    /// An unfinished transaction is rolled back on the plugin runtime; the connection is
    /// released only after that, so the pool never hands out a connection mid-transaction.
    fn drop(&mut self) {
        let state = self.state.clone();
        let Ok(handle) = runtime::handle() else {
            return;
        };
        handle.spawn(async move {
            let mut guard = state.lock().await;
            if let Some(mut conn) = guard.take() {
                let rollback = sqlx_core::raw_sql::raw_sql(audited("ROLLBACK"))
                    .execute(&mut **conn)
                    .await;
                if let Err(e) = rollback {
                    tracing::warn!(error = %e, "rollback of a dropped transaction failed; closing its connection");
                    conn.close_on_drop();
                }
            }
        });
    }
}
