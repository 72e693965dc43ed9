//! Pool, connection and transaction over sqlx.
//!
//! A transaction holds its connection through an owned lock, issues `BEGIN` / `COMMIT` /
//! `ROLLBACK` itself and, when dropped unfinished, rolls back on the plugin runtime before
//! the connection returns to the pool: a half-done transaction never leaks into the pool.

use std::sync::Arc;

use plugorm_plugin_api::{
    runtime::{self, in_runtime},
    BoxFuture, Connection, DbError, DbResult, ExecResult, Executor, Pool, PoolStats, RowStream,
    Rows, Sql, Transaction,
};
use sqlx::{pool::PoolConnection, Sqlite};
use tokio::sync::{Mutex, OwnedMutexGuard};

use crate::{bind::bind_all, decode::rows_to_batches, error::translate, stream};

async fn run_execute<'c, E>(e: E, sql: &Sql) -> DbResult<ExecResult>
where
    E: sqlx::Executor<'c, Database = Sqlite>,
{
    let q = bind_all(sqlx::query(audited(sql)), &sql.params)?;
    let r = q.execute(e).await.map_err(translate)?;
    Ok(ExecResult {
        rows_affected: r.rows_affected(),
        last_insert_id: Some(r.last_insert_rowid()).into(),
    })
}

async fn run_query<'c, E>(e: E, sql: &Sql) -> DbResult<Rows>
where
    E: sqlx::Executor<'c, Database = Sqlite>,
{
    let q = bind_all(sqlx::query(audited(sql)), &sql.params)?;
    let rows = q.fetch_all(e).await.map_err(translate)?;
    rows_to_batches(&rows)
}

/// The statement text for sqlx. It is audited by construction: the dialect's renderer
/// binds every value as a parameter and writes identifiers quoted; raw SQL is the
/// application's own text, with its values bound too.
pub(crate) fn audited(sql: &Sql) -> sqlx::AssertSqlSafe<&str> {
    sqlx::AssertSqlSafe(sql.text.as_str())
}

/// Quotes a savepoint name as an identifier.
fn savepoint_ident(name: &str) -> String {
    format!("`{}`", name.replace('`', "``"))
}

/// A SQLite pool.
pub(crate) struct SqlitePool {
    pool: sqlx::SqlitePool,
}

impl SqlitePool {
    pub(crate) fn new(pool: sqlx::SqlitePool) -> SqlitePool {
        SqlitePool { pool }
    }
}

impl Executor for SqlitePool {
    fn execute(&self, sql: Sql) -> BoxFuture<ExecResult> {
        let pool = self.pool.clone();
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

type SharedConn = Arc<Mutex<PoolConnection<Sqlite>>>;

async fn begin_on(conn: SharedConn) -> DbResult<Arc<dyn Transaction>> {
    let mut guard = conn.lock_owned().await;
    sqlx::query("BEGIN")
        .execute(&mut **guard)
        .await
        .map_err(translate)?;
    Ok(Arc::new(SqliteTransaction {
        state: Arc::new(Mutex::new(Some(guard))),
    }) as Arc<dyn Transaction>)
}

impl Pool for SqlitePool {
    fn acquire(&self) -> BoxFuture<Arc<dyn Connection>> {
        let pool = self.pool.clone();
        Box::pin(in_runtime(async move {
            let conn = pool.acquire().await.map_err(translate)?;
            Ok(Arc::new(SqliteConnection {
                conn: Arc::new(Mutex::new(conn)),
            }) as Arc<dyn Connection>)
        }))
    }

    fn begin(&self) -> BoxFuture<Arc<dyn Transaction>> {
        let pool = self.pool.clone();
        Box::pin(in_runtime(async move {
            let conn = pool.acquire().await.map_err(translate)?;
            begin_on(Arc::new(Mutex::new(conn))).await
        }))
    }

    fn ping(&self) -> BoxFuture<()> {
        let pool = self.pool.clone();
        Box::pin(in_runtime(async move {
            sqlx::query("SELECT 1")
                .execute(&pool)
                .await
                .map_err(translate)
                .map(|_| ())
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
struct SqliteConnection {
    conn: SharedConn,
}

impl Executor for SqliteConnection {
    fn execute(&self, sql: Sql) -> BoxFuture<ExecResult> {
        let conn = self.conn.clone();
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

impl Connection for SqliteConnection {
    fn begin(&self) -> BoxFuture<Arc<dyn Transaction>> {
        let conn = self.conn.clone();
        Box::pin(in_runtime(begin_on(conn)))
    }

    fn ping(&self) -> BoxFuture<()> {
        let conn = self.conn.clone();
        Box::pin(in_runtime(async move {
            let mut c = conn.lock().await;
            sqlx::query("SELECT 1")
                .execute(&mut **c)
                .await
                .map_err(translate)
                .map(|_| ())
        }))
    }
}

type TxState = Arc<Mutex<Option<OwnedMutexGuard<PoolConnection<Sqlite>>>>>;

/// A transaction; the state is `None` once committed or rolled back.
struct SqliteTransaction {
    state: TxState,
}

impl SqliteTransaction {
    /// Runs a statement on the transaction's connection.
    fn with_conn<T, F>(&self, f: F) -> BoxFuture<T>
    where
        T: Send + 'static,
        F: for<'c> FnOnce(
                &'c mut sqlx::SqliteConnection,
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
            let result = sqlx::query(sql)
                .execute(&mut **conn)
                .await
                .map_err(translate);
            if result.is_err() && sql == "COMMIT" {
                // A failed COMMIT leaves the transaction open: undo it before the
                // connection goes back to the pool.
                let _ = sqlx::query("ROLLBACK").execute(&mut **conn).await;
            }
            result.map(|_| ())
        }))
    }

    fn control(&self, sql: String) -> BoxFuture<()> {
        self.with_conn(move |c| {
            Box::pin(async move {
                sqlx::query(sqlx::AssertSqlSafe(sql))
                    .execute(c)
                    .await
                    .map_err(translate)
                    .map(|_| ())
            })
        })
    }
}

impl Executor for SqliteTransaction {
    fn execute(&self, sql: Sql) -> BoxFuture<ExecResult> {
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

impl Transaction for SqliteTransaction {
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

impl Drop for SqliteTransaction {
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
                if let Err(e) = sqlx::query("ROLLBACK").execute(&mut **conn).await {
                    tracing::warn!(error = %e, "rollback of a dropped transaction failed; closing its connection");
                    conn.close_on_drop();
                }
            }
        });
    }
}
