//! Pool, connection and transaction over sqlx.
//!
//! A transaction holds its connection through an owned lock, issues `BEGIN` / `COMMIT` /
//! `ROLLBACK` itself and, when dropped unfinished, rolls back on the plugin runtime before
//! the connection returns to the pool: a half-done transaction never leaks into the pool.
//! Statements on the pool and transactions begun on it take their connection from the
//! [`Spare`] first (see `spare.rs` for why).

use std::sync::Arc;

use futures_util::TryStreamExt;
use plugorm_plugin_api::{
    runtime::{self, in_runtime},
    BoxFuture, Connection, DbError, DbResult, ExecResult, Executor, Pool, PoolStats, RowStream,
    Rows, Sql, Transaction,
};
use sqlx::{pool::PoolConnection, Sqlite};
use tokio::sync::{Mutex, OwnedMutexGuard};

use crate::{
    bind::bind_all,
    decode::RowsBuilder,
    error::translate,
    spare::{Held, Spare},
    stream,
};

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
    let mut rows = q.fetch(e);
    let mut out = RowsBuilder::default();
    while let Some(row) = rows.try_next().await.map_err(translate)? {
        out.push(&row)?;
    }
    Ok(out.finish())
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
    spare: Arc<Spare>,
}

impl SqlitePool {
    pub(crate) fn new(pool: sqlx::SqlitePool) -> SqlitePool {
        SqlitePool {
            pool,
            spare: Arc::new(Spare::default()),
        }
    }

    fn parts(&self) -> (sqlx::SqlitePool, Arc<Spare>) {
        (self.pool.clone(), self.spare.clone())
    }
}

impl Executor for SqlitePool {
    fn execute(&self, sql: Sql) -> BoxFuture<ExecResult> {
        let (pool, spare) = self.parts();
        Box::pin(in_runtime(async move {
            let mut held = spare.take(&pool).await?;
            let r = run_execute(&mut *held, &sql).await;
            if r.is_ok() {
                spare.give_back(held);
            }
            r
        }))
    }

    fn query(&self, sql: Sql) -> BoxFuture<Rows> {
        let (pool, spare) = self.parts();
        Box::pin(in_runtime(async move {
            let mut held = spare.take(&pool).await?;
            let r = run_query(&mut *held, &sql).await;
            if r.is_ok() {
                spare.give_back(held);
            }
            r
        }))
    }

    fn query_stream(&self, sql: Sql, batch_rows: u32) -> BoxFuture<Box<dyn RowStream>> {
        let (pool, spare) = self.parts();
        Box::pin(in_runtime(stream::start(move |tx| async move {
            match spare.take(&pool).await {
                Ok(mut held) => {
                    stream::produce(&mut held, &sql, batch_rows.max(1) as usize, &tx).await
                }
                Err(e) => {
                    let _ = tx.send(stream::failed(e)).await;
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
        state: Arc::new(Mutex::new(Some(TxConn::Shared(guard)))),
        spare: None,
    }) as Arc<dyn Transaction>)
}

impl Pool for SqlitePool {
    fn acquire(&self) -> BoxFuture<Arc<dyn Connection>> {
        let (pool, spare) = self.parts();
        Box::pin(in_runtime(async move {
            let held = spare.take(&pool).await?;
            Ok(Arc::new(SqliteConnection {
                conn: Arc::new(Mutex::new(held.conn)),
            }) as Arc<dyn Connection>)
        }))
    }

    fn begin(&self) -> BoxFuture<Arc<dyn Transaction>> {
        let (pool, spare) = self.parts();
        Box::pin(in_runtime(async move {
            let mut held = spare.take(&pool).await?;
            sqlx::query("BEGIN")
                .execute(&mut *held)
                .await
                .map_err(translate)?;
            Ok(Arc::new(SqliteTransaction {
                state: Arc::new(Mutex::new(Some(TxConn::Held(held)))),
                spare: Some(spare),
            }) as Arc<dyn Transaction>)
        }))
    }

    fn ping(&self) -> BoxFuture<()> {
        let (pool, spare) = self.parts();
        Box::pin(in_runtime(async move {
            let mut held = spare.take(&pool).await?;
            sqlx::query("SELECT 1")
                .execute(&mut *held)
                .await
                .map_err(translate)?;
            spare.give_back(held);
            Ok(())
        }))
    }

    fn stats(&self) -> PoolStats {
        let idle = self.pool.num_idle() + self.spare.count();
        PoolStats {
            connections: self.pool.size(),
            idle: u32::try_from(idle).unwrap_or(u32::MAX),
            max_connections: self.pool.options().get_max_connections(),
        }
    }

    fn close(&self) -> BoxFuture<()> {
        let (pool, spare) = self.parts();
        Box::pin(in_runtime(async move {
            // sqlx waits for every checked-out connection, the spare one included.
            spare.release();
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

/// A transaction's connection: its own (begun on the pool) or an acquired connection's.
enum TxConn {
    Held(Held),
    Shared(OwnedMutexGuard<PoolConnection<Sqlite>>),
}

impl TxConn {
    fn pool_conn(&mut self) -> &mut PoolConnection<Sqlite> {
        match self {
            TxConn::Held(h) => &mut h.conn,
            TxConn::Shared(g) => g,
        }
    }

    fn conn(&mut self) -> &mut sqlx::SqliteConnection {
        self.pool_conn()
    }
}

type TxState = Arc<Mutex<Option<TxConn>>>;

/// A transaction; the state is `None` once committed or rolled back.
struct SqliteTransaction {
    state: TxState,
    /// Where the connection goes after a clean COMMIT or ROLLBACK (pool transactions).
    spare: Option<Arc<Spare>>,
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
            f(conn.conn()).await
        }))
    }

    /// Runs `COMMIT` or `ROLLBACK` and releases the connection.
    fn finish(&self, sql: &'static str) -> BoxFuture<()> {
        let state = self.state.clone();
        let spare = self.spare.clone();
        Box::pin(in_runtime(async move {
            let mut guard = state.lock().await;
            let mut conn = guard.take().ok_or(DbError::TransactionFinished)?;
            let result = sqlx::query(sql)
                .execute(conn.conn())
                .await
                .map_err(translate);
            if result.is_err() && sql == "COMMIT" {
                // A failed COMMIT leaves the transaction open: undo it before the
                // connection goes back to the pool.
                let _ = sqlx::query("ROLLBACK").execute(conn.conn()).await;
            }
            if let (Ok(_), Some(spare), TxConn::Held(held)) = (&result, spare, conn) {
                spare.give_back(held);
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
                Some(conn) => {
                    stream::produce(conn.conn(), &sql, batch_rows.max(1) as usize, &tx).await
                }
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
        // Committed or rolled back already: nothing to undo, no task to spawn.
        if self.state.try_lock().is_ok_and(|s| s.is_none()) {
            return;
        }
        let state = self.state.clone();
        let Ok(handle) = runtime::handle() else {
            return;
        };
        handle.spawn(async move {
            let mut guard = state.lock().await;
            if let Some(mut conn) = guard.take() {
                if let Err(e) = sqlx::query("ROLLBACK").execute(conn.conn()).await {
                    tracing::warn!(error = %e, "rollback of a dropped transaction failed; closing its connection");
                    conn.pool_conn().close_on_drop();
                }
            }
        });
    }
}
