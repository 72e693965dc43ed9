//! The spare connection: the last connection a statement finished with, kept checked out
//! so the next statement skips the pool.
//!
//! Why: a sqlx pool round trip is expensive from a plugin. `acquire` arms a timeout timer,
//! which wakes the plugin runtime's worker thread; dropping the `PoolConnection` spawns a
//! task on that worker which pings the connection (another trip to sqlx's SQLite thread)
//! before the next `acquire` can have it. For a sequential caller that tripled the cost of
//! a trivial statement. A connection that just finished a statement without error is in
//! a known state, so handing it straight to the next statement is safe; anything else
//! (an error, a cancelled future, a connection held longer than [`MAX_HOLD`]) goes back
//! through the pool as before, so sqlx still checks it and still applies the pool's
//! lifetime and idle limits.

use std::{
    sync::Mutex,
    time::{Duration, Instant},
};

use plugorm_plugin_api::{runtime, DbResult};
use sqlx::{pool::PoolConnection, Sqlite, SqlitePool};

use crate::error::translate;

/// How long a connection may stay out of the pool before it is returned to it (where
/// sqlx applies `max_lifetime` and `idle_timeout`).
pub(crate) const MAX_HOLD: Duration = Duration::from_secs(1);

/// A connection taken from the pool, with the time it was taken.
pub(crate) struct Held {
    pub(crate) conn: PoolConnection<Sqlite>,
    since: Instant,
}

impl std::ops::Deref for Held {
    type Target = sqlx::SqliteConnection;
    fn deref(&self) -> &sqlx::SqliteConnection {
        &self.conn
    }
}

impl std::ops::DerefMut for Held {
    fn deref_mut(&mut self) -> &mut sqlx::SqliteConnection {
        &mut self.conn
    }
}

/// At most one idle connection kept out of the pool.
#[derive(Default)]
pub(crate) struct Spare {
    slot: Mutex<Option<Held>>,
}

impl Spare {
    /// The spare connection if there is a fresh one, else one from the pool (without the
    /// timer when one is idle). Must run inside the plugin runtime.
    pub(crate) async fn take(&self, pool: &SqlitePool) -> DbResult<Held> {
        let spare = self.slot.lock().ok().and_then(|mut s| s.take());
        if let Some(held) = spare {
            if held.since.elapsed() < MAX_HOLD {
                return Ok(held);
            }
            drop(held); // back to the pool, which checks it
        }
        let conn = match pool.try_acquire() {
            Some(c) => c,
            None => pool.acquire().await.map_err(translate)?,
        };
        Ok(Held {
            conn,
            since: Instant::now(),
        })
    }

    /// Keeps a connection that finished its statement without error for the next one
    /// (or returns it to the pool when a spare is already kept or it is held too long).
    /// Must run inside the plugin runtime.
    pub(crate) fn give_back(&self, held: Held) {
        if held.since.elapsed() >= MAX_HOLD {
            return;
        }
        if let Ok(mut slot) = self.slot.lock() {
            if slot.is_none() {
                *slot = Some(held);
            }
        }
    }

    /// Returns the spare connection to the pool (before closing it, or for statistics).
    pub(crate) fn release(&self) {
        let spare = self.slot.lock().ok().and_then(|mut s| s.take());
        if spare.is_some() {
            let _guard = runtime::handle().ok().map(|h| h.enter());
            drop(spare);
        }
    }

    /// 1 while a spare connection is kept (it is idle, though the pool counts it as in use).
    pub(crate) fn count(&self) -> usize {
        self.slot
            .lock()
            .map(|s| usize::from(s.is_some()))
            .unwrap_or(0)
    }
}

impl Drop for Spare {
    /// A dropped `PoolConnection` spawns on the runtime: drop it inside the plugin's.
    fn drop(&mut self) {
        self.release();
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use plugorm_plugin_api::{Dialect, PoolOptions, Sql, Value};

    use crate::SqliteDialect;

    async fn one_connection_pool() -> std::sync::Arc<dyn plugorm_plugin_api::Pool> {
        let options = PoolOptions {
            max_connections: 1,
            ..PoolOptions::default()
        };
        SqliteDialect
            .connect("sqlite::memory:", options)
            .await
            .expect("in-memory pool")
    }

    #[tokio::test(flavor = "current_thread")]
    async fn the_kept_connection_serves_every_path_of_a_one_connection_pool() {
        let pool = one_connection_pool().await;
        pool.execute(Sql::new("CREATE TABLE t (v INTEGER)", []))
            .await
            .unwrap();
        // Each of these needs the pool's only connection, which the spare holds between
        // statements: none may wait for the pool (that would time out after 30 s).
        let wait = Duration::from_secs(5);
        for i in 0..3 {
            tokio::time::timeout(
                wait,
                pool.execute(Sql::new("INSERT INTO t VALUES (?)", [Value::I64(i)])),
            )
            .await
            .expect("execute did not wait")
            .unwrap();
        }
        let tx = tokio::time::timeout(wait, pool.begin())
            .await
            .unwrap()
            .unwrap();
        tx.execute(Sql::new("INSERT INTO t VALUES (10)", []))
            .await
            .unwrap();
        tx.commit().await.unwrap();
        tokio::time::timeout(wait, pool.ping())
            .await
            .unwrap()
            .unwrap();
        let conn = tokio::time::timeout(wait, pool.acquire())
            .await
            .unwrap()
            .unwrap();
        let rows = conn
            .query(Sql::new("SELECT sum(v) AS s FROM t", []))
            .await
            .unwrap();
        assert_eq!(rows.iter().next().unwrap().get::<i64>("s").unwrap(), 13);
        drop(conn);
        let stats = pool.stats();
        assert_eq!(stats.connections, 1);
        tokio::time::timeout(wait, pool.close())
            .await
            .expect("close waited for the kept connection")
            .unwrap();
    }

    #[tokio::test(flavor = "current_thread")]
    async fn a_failed_statement_leaves_the_pool_usable_and_idle() {
        let pool = one_connection_pool().await;
        let err = pool.query(Sql::new("SELECT * FROM missing", [])).await;
        assert!(err.is_err(), "{err:?}");
        let rows = tokio::time::timeout(
            Duration::from_secs(5),
            pool.query(Sql::new("SELECT 7 AS v", [])),
        )
        .await
        .expect("the failed statement's connection came back to the pool")
        .unwrap();
        assert_eq!(rows.iter().next().unwrap().get::<i64>("v").unwrap(), 7);
        let stats = pool.stats();
        assert_eq!(stats.idle, stats.connections, "{stats:?}");
    }
}
