//! Pool, connection and transaction over sqlx.
//!
//! A transaction holds its connection through an owned lock and issues `BEGIN` /
//! `COMMIT` / `ROLLBACK` itself; dropped unfinished, it rolls back on the plugin runtime
//! before the connection returns to the pool, so a half-done transaction never leaks
//! into the pool. A query future dropped mid-flight leaves its connection to sqlx, which
//! drains the pending result before the connection is used again.

use std::sync::Arc;

use plugorm_plugin_api::{
    runtime::{self, in_runtime},
    BoxFuture, Connection, DbError, DbResult, ExecResult, Executor, Pool, PoolStats, RowStream,
    Rows, Sql, Transaction,
};
use sqlx_core::{connection::Connection as _, pool::PoolConnection};
use sqlx_postgres::Postgres;
use tokio::sync::{Mutex, OwnedMutexGuard};

use crate::{
    error::translate,
    exec::{self, quote_ident, Mode},
    stream,
};

type PgConn = PoolConnection<Postgres>;
type SharedConn = Arc<Mutex<PgConn>>;

/// A PostgreSQL pool.
pub(crate) struct PgPool {
    pool: sqlx_postgres::PgPool,
    cache: bool,
}

impl PgPool {
    pub(crate) fn new(pool: sqlx_postgres::PgPool, cache: bool) -> PgPool {
        PgPool { pool, cache }
    }

    fn mode(&self) -> Mode {
        Mode {
            cache: self.cache,
            in_tx: false,
        }
    }
}

impl Executor for PgPool {
    fn execute(&self, sql: Sql) -> BoxFuture<ExecResult> {
        let (pool, mode) = (self.pool.clone(), self.mode());
        Box::pin(in_runtime(async move {
            let mut conn = pool.acquire().await.map_err(translate)?;
            exec::execute(&mut conn, &sql, mode).await
        }))
    }

    fn query(&self, sql: Sql) -> BoxFuture<Rows> {
        let (pool, mode) = (self.pool.clone(), self.mode());
        Box::pin(in_runtime(async move {
            let mut conn = pool.acquire().await.map_err(translate)?;
            exec::query_all(&mut conn, &sql, mode).await
        }))
    }

    fn query_stream(&self, sql: Sql, batch_rows: u32) -> BoxFuture<Box<dyn RowStream>> {
        let (pool, mode) = (self.pool.clone(), self.mode());
        Box::pin(in_runtime(stream::start(move |tx| async move {
            match pool.acquire().await {
                Ok(mut conn) => stream::produce(&mut conn, &sql, batch_rows, mode, &tx).await,
                Err(e) => stream::fail(&tx, translate(e)).await,
            }
        })))
    }
}

async fn begin_on(conn: SharedConn, cache: bool) -> DbResult<Arc<dyn Transaction>> {
    let mut guard = conn.lock_owned().await;
    exec::control(&mut guard, "BEGIN".into()).await?;
    Ok(Arc::new(PgTransaction {
        state: Arc::new(Mutex::new(Some(guard))),
        cache,
    }) as Arc<dyn Transaction>)
}

impl Pool for PgPool {
    fn acquire(&self) -> BoxFuture<Arc<dyn Connection>> {
        let (pool, cache) = (self.pool.clone(), self.cache);
        Box::pin(in_runtime(async move {
            let conn = pool.acquire().await.map_err(translate)?;
            Ok(Arc::new(PgConnection {
                conn: Arc::new(Mutex::new(conn)),
                cache,
            }) as Arc<dyn Connection>)
        }))
    }

    fn begin(&self) -> BoxFuture<Arc<dyn Transaction>> {
        let (pool, cache) = (self.pool.clone(), self.cache);
        Box::pin(in_runtime(async move {
            let conn = pool.acquire().await.map_err(translate)?;
            begin_on(Arc::new(Mutex::new(conn)), cache).await
        }))
    }

    fn ping(&self) -> BoxFuture<()> {
        let pool = self.pool.clone();
        Box::pin(in_runtime(async move {
            let mut conn = pool.acquire().await.map_err(translate)?;
            conn.ping().await.map_err(translate)
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
struct PgConnection {
    conn: SharedConn,
    cache: bool,
}

impl PgConnection {
    fn mode(&self) -> Mode {
        Mode {
            cache: self.cache,
            in_tx: false,
        }
    }
}

impl Executor for PgConnection {
    fn execute(&self, sql: Sql) -> BoxFuture<ExecResult> {
        let (conn, mode) = (self.conn.clone(), self.mode());
        Box::pin(in_runtime(async move {
            let mut c = conn.lock().await;
            exec::execute(&mut c, &sql, mode).await
        }))
    }

    fn query(&self, sql: Sql) -> BoxFuture<Rows> {
        let (conn, mode) = (self.conn.clone(), self.mode());
        Box::pin(in_runtime(async move {
            let mut c = conn.lock().await;
            exec::query_all(&mut c, &sql, mode).await
        }))
    }

    fn query_stream(&self, sql: Sql, batch_rows: u32) -> BoxFuture<Box<dyn RowStream>> {
        let (conn, mode) = (self.conn.clone(), self.mode());
        Box::pin(in_runtime(stream::start(move |tx| async move {
            let mut c = conn.lock_owned().await;
            stream::produce(&mut c, &sql, batch_rows, mode, &tx).await
        })))
    }
}

impl Connection for PgConnection {
    fn begin(&self) -> BoxFuture<Arc<dyn Transaction>> {
        let (conn, cache) = (self.conn.clone(), self.cache);
        Box::pin(in_runtime(begin_on(conn, cache)))
    }

    fn ping(&self) -> BoxFuture<()> {
        let conn = self.conn.clone();
        Box::pin(in_runtime(async move {
            let mut c = conn.lock().await;
            c.ping().await.map_err(translate)
        }))
    }
}

type TxState = Arc<Mutex<Option<OwnedMutexGuard<PgConn>>>>;

/// A transaction; the state is `None` once committed or rolled back.
struct PgTransaction {
    state: TxState,
    cache: bool,
}

impl PgTransaction {
    fn mode(&self) -> Mode {
        Mode {
            cache: self.cache,
            in_tx: true,
        }
    }

    /// Runs `COMMIT` or `ROLLBACK` and releases the connection.
    fn finish(&self, sql: &'static str) -> BoxFuture<()> {
        let state = self.state.clone();
        Box::pin(in_runtime(async move {
            let mut guard = state.lock().await;
            let mut conn = guard.take().ok_or(DbError::TransactionFinished)?;
            let result = exec::control(&mut conn, sql.into()).await;
            if result.is_err() && sql == "COMMIT" {
                // A COMMIT that failed to reach the server leaves the transaction open:
                // undo it before the connection goes back to the pool.
                let _ = exec::control(&mut conn, "ROLLBACK".into()).await;
            }
            result
        }))
    }

    fn control(&self, sql: String) -> BoxFuture<()> {
        let state = self.state.clone();
        Box::pin(in_runtime(async move {
            let mut guard = state.lock().await;
            let conn = guard.as_mut().ok_or(DbError::TransactionFinished)?;
            exec::control(conn, sql).await
        }))
    }
}

impl Executor for PgTransaction {
    fn execute(&self, sql: Sql) -> BoxFuture<ExecResult> {
        let (state, mode) = (self.state.clone(), self.mode());
        Box::pin(in_runtime(async move {
            let mut guard = state.lock().await;
            let conn = guard.as_mut().ok_or(DbError::TransactionFinished)?;
            exec::execute(conn, &sql, mode).await
        }))
    }

    fn query(&self, sql: Sql) -> BoxFuture<Rows> {
        let (state, mode) = (self.state.clone(), self.mode());
        Box::pin(in_runtime(async move {
            let mut guard = state.lock().await;
            let conn = guard.as_mut().ok_or(DbError::TransactionFinished)?;
            exec::query_all(conn, &sql, mode).await
        }))
    }

    fn query_stream(&self, sql: Sql, batch_rows: u32) -> BoxFuture<Box<dyn RowStream>> {
        let (state, mode) = (self.state.clone(), self.mode());
        Box::pin(in_runtime(stream::start(move |tx| async move {
            let mut guard = state.lock_owned().await;
            match guard.as_mut() {
                Some(conn) => stream::produce(conn, &sql, batch_rows, mode, &tx).await,
                None => stream::fail(&tx, DbError::TransactionFinished).await,
            }
        })))
    }
}

impl Transaction for PgTransaction {
    fn savepoint(&self, name: &str) -> BoxFuture<()> {
        self.control(format!("SAVEPOINT {}", quote_ident(name)))
    }

    fn rollback_to(&self, name: &str) -> BoxFuture<()> {
        self.control(format!("ROLLBACK TO SAVEPOINT {}", quote_ident(name)))
    }

    fn release(&self, name: &str) -> BoxFuture<()> {
        self.control(format!("RELEASE SAVEPOINT {}", quote_ident(name)))
    }

    fn commit(&self) -> BoxFuture<()> {
        self.finish("COMMIT")
    }

    fn rollback(&self) -> BoxFuture<()> {
        self.finish("ROLLBACK")
    }
}

impl Drop for PgTransaction {
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
                if let Err(e) = exec::control(&mut conn, "ROLLBACK".into()).await {
                    tracing::warn!(error = %e, "rollback of a dropped transaction failed; closing its connection");
                    conn.close_on_drop();
                }
            }
        });
    }
}
