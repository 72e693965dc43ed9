//! [`Db`]: a database handle — the dialect, its pool (or a transaction on it), the
//! callback processors and the session settings. Cheap to clone; every session method
//! returns a new handle.

mod open;
mod raw;
mod retry;
mod session;
mod transaction;

pub use open::{default_registry, open};
pub use retry::RetryPolicy;
pub use transaction::Tx;
pub(crate) use transaction::TxState;

use std::sync::Arc;

use plugorm_plugin_api::{Dialect, Executor, Pool, PoolStats};

use crate::{
    callbacks::{CallbackApi, Callbacks},
    exec::Runner,
    session::Session,
    Result,
};

/// An open database.
///
/// ```no_run
/// # async fn run() -> Result<(), plugorm::Error> {
/// let db = plugorm::open("sqlite::memory:").await?;
/// db.exec("CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT)", ()).await?;
/// db.exec("INSERT INTO t (name) VALUES (?)", ("a",)).await?;
/// let rows = db.raw("SELECT id, name FROM t WHERE name IN ?", (vec!["a", "b"],)).await?;
/// # Ok(()) }
/// ```
///
/// # Where each method lives
///
/// DB_MAP
#[derive(Clone)]
pub struct Db {
    pub(crate) shared: Arc<Shared>,
    pub(crate) conn: Conn,
    pub(crate) session: Arc<Session>,
}

pub(crate) struct Shared {
    pub(crate) dialect: Arc<dyn Dialect>,
    pub(crate) pool: Arc<dyn Pool>,
    pub(crate) callbacks: Arc<Callbacks>,
    pub(crate) url: String,
}

/// Where statements run.
#[derive(Clone)]
pub(crate) enum Conn {
    Pool,
    Tx(Arc<TxState>),
}

impl std::fmt::Debug for Db {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Db")
            .field("dialect", &self.shared.dialect.name())
            .field("url", &self.shared.url)
            .field("in_transaction", &self.in_transaction())
            .field("session", &self.session)
            .finish()
    }
}

impl Db {
    pub(crate) fn new(
        dialect: Arc<dyn Dialect>,
        pool: Arc<dyn Pool>,
        callbacks: Callbacks,
        url: String,
    ) -> Db {
        Db {
            shared: Arc::new(Shared {
                dialect,
                pool,
                callbacks: Arc::new(callbacks),
                url,
            }),
            conn: Conn::Pool,
            session: Arc::new(Session::default()),
        }
    }

    /// The dialect this database speaks.
    pub fn dialect(&self) -> &Arc<dyn Dialect> {
        &self.shared.dialect
    }

    /// The connection pool.
    pub fn pool(&self) -> &Arc<dyn Pool> {
        &self.shared.pool
    }

    /// The session settings of this handle.
    pub fn session(&self) -> &Session {
        &self.session
    }

    /// The callback processors (shared by every session of this database).
    pub fn callbacks(&self) -> CallbackApi {
        CallbackApi(self.shared.callbacks.clone())
    }

    /// True when this handle runs inside a transaction.
    pub fn in_transaction(&self) -> bool {
        matches!(self.conn, Conn::Tx(_))
    }

    pub(crate) fn executor(&self) -> &dyn Executor {
        match &self.conn {
            Conn::Pool => &*self.shared.pool,
            Conn::Tx(t) => &*t.tx,
        }
    }

    /// What running a statement needs of this handle and its session.
    pub(crate) fn runner(&self) -> Runner<'_> {
        let s = &*self.session;
        Runner {
            dialect: &*self.shared.dialect,
            executor: self.executor(),
            cache: s.prepared.as_deref(),
            dry_run: s.dry_run,
            captured: s.captured.as_deref(),
            timeout: s.timeout,
            slow_threshold: s.slow_threshold,
        }
    }

    /// Checks that the database answers.
    pub async fn ping(&self) -> Result<()> {
        Ok(self.shared.pool.ping().await?)
    }

    /// Pool counters.
    pub fn pool_stats(&self) -> PoolStats {
        self.shared.pool.stats()
    }

    /// Closes the pool.
    pub async fn close(&self) -> Result<()> {
        Ok(self.shared.pool.close().await?)
    }
}
