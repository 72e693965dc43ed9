//! [`Db`]: a database handle — the dialect, its pool (or a transaction on it), the
//! callback processors and the session settings. Cheap to clone; every session method
//! returns a new handle.

mod dry;
mod fan_out;
mod idle;
mod open;
mod raw;
mod retry;
mod route;
mod session;
mod statement_pass;
mod transaction;

pub(crate) use idle::{run_once_idle, spawn_once_idle};
pub use open::{default_registry, open};
pub use retry::RetryPolicy;
pub use transaction::Tx;
pub(crate) use transaction::TxState;

use std::sync::Arc;

use plugorm_plugin_api::{
    host::{Observer, PoolId, SqlRewriter},
    Dialect, Executor, Pool, PoolStats,
};

use crate::{
    callbacks::{CallbackApi, Callbacks},
    exec::{Rewrite, Runner},
    log::ExplainStyle,
    services::{route::Route, Services},
    session::Session,
    Result,
};

/// An open database: a handle, cheap to clone. Its methods, one file per concern (paths
/// under `host/src/`):
///
/// | concern | file | main methods |
/// |---|---|---|
/// | opening | `db/open.rs` | [`crate::open`], [`Registry::open`](crate::Registry::open), [`Registry::open_with`](crate::Registry::open_with) |
/// | the handle | `db/mod.rs` | [`Db::dialect`], [`Db::pool`], [`Db::callbacks`], [`Db::in_transaction`], [`Db::ping`], [`Db::pool_stats`], [`Db::close`] |
/// | session settings | `db/session.rs` | [`Db::dry_run`], [`Db::skip_hooks`], [`Db::with_timeout`], [`Db::on_conflict`], [`Db::prepare_stmt`], [`Db::omit_associations`], … |
/// | statement trees and rendered SQL | `db/raw.rs` | [`Db::execute_statement`], [`Db::query_statement`], [`Db::render`], [`Db::to_sql`], [`Db::explain`] |
/// | where statements run | `db/route.rs` | the callbacks' settings, routing to plugin pools |
/// | transactions | `db/transaction.rs` | [`Db::begin`], [`Db::transaction`], [`Db::transaction_with_retry`], [`Db::savepoint`] |
/// | queries | `query/mod.rs` (see [`Query`](crate::Query)) | [`Db::model`] |
/// | raw SQL (through the raw and row processors) | `query/raw.rs` | [`Db::exec`], [`Db::raw`], [`Db::raw_stream`], [`Db::raw_as`], [`Db::raw_scalar`], [`Db::raw_maps`], [`Db::raw_named`] |
/// | preloading records in hand | `query/preload/api.rs` | [`Db::preload`] |
/// | writes | `write/mod.rs` | [`Db::create`], [`Db::create_many`], [`Db::save`], [`Db::delete`], [`Db::record`], [`Db::save_changes`] |
/// | association mode | `association/mode.rs` | [`Db::association`] |
/// | migrations | `migrator/mod.rs` | [`Db::auto_migrate`], [`Db::auto_migrate_all`], [`Db::migrator`] |
/// | versioned migrations | `migrations/mod.rs` | [`Db::migrations`] |
///
/// Every statement reaches the database the same way: built by `query/` or `write/`, run
/// through its processor's chain (`chain/`: callbacks, plugins, the built-in steps), then
/// rendered and executed by `exec/` (render cache, timeout, dry run), and logged by `log/`.
///
/// # Example
///
/// ```no_run
/// # async fn run() -> Result<(), plugorm::Error> {
/// let db = plugorm::open("sqlite::memory:").await?;
/// db.exec("CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT)", ()).await?;
/// db.exec("INSERT INTO t (name) VALUES (?)", ("a",)).await?;
/// let rows = db.raw("SELECT id, name FROM t WHERE name IN ?", (vec!["a", "b"],)).await?;
/// # Ok(()) }
/// ```
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
    /// How the SQL log inlines this dialect's parameters (read once, at open).
    pub(crate) explain: ExplainStyle,
    /// The registry's services: the pools a callback may route to.
    pub(crate) services: Arc<Services>,
    /// This database's own pool's id among them.
    pub(crate) pool_id: PoolId,
    /// Who sees each operation (empty: nothing is measured).
    pub(crate) observers: Vec<Arc<dyn Observer>>,
    /// What rewrites each rendered statement of a session with plugin settings (empty:
    /// the rendered text runs as it is).
    pub(crate) rewriters: Vec<Arc<dyn SqlRewriter>>,
}

/// Where statements run.
#[derive(Clone)]
pub(crate) enum Conn {
    Pool,
    /// Pools a routing callback chose (see `services::route`).
    Routed(Route),
    /// Tables on pools a read is spread over (see `db::fan_out`).
    FanOut(fan_out::FanOut),
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
    /// A newly opened database, attached to its registry's `services`: its pool gets an
    /// id among theirs, statements may be routed to their pools, and the observers and
    /// rewriters registered so far see its operations and statements.
    pub(crate) fn new(
        services: &Arc<Services>,
        dialect: Arc<dyn Dialect>,
        pool: Arc<dyn Pool>,
        callbacks: Callbacks,
        url: String,
    ) -> Db {
        let attached = services.add_database(&url, dialect.name(), &pool);
        Db {
            shared: Arc::new(Shared {
                explain: ExplainStyle::of(&*dialect),
                dialect,
                pool,
                callbacks: Arc::new(callbacks),
                url,
                services: Arc::clone(services),
                pool_id: attached.pool_id,
                observers: attached.observers,
                rewriters: attached.rewriters,
            }),
            conn: Conn::Pool,
            session: Arc::new(Session::default()),
        }
    }

    /// This handle with its statements sent where a routing callback chose; inside a
    /// transaction everything stays on the transaction's connection.
    pub(crate) fn routed(&self, route: Route) -> Db {
        match self.conn {
            Conn::Tx(_) => self.clone(),
            Conn::Pool | Conn::Routed(_) | Conn::FanOut(_) => Db {
                shared: Arc::clone(&self.shared),
                conn: Conn::Routed(route),
                session: Arc::clone(&self.session),
            },
        }
    }

    /// The id of the pool this handle's statements run on.
    pub(crate) fn pool_id(&self) -> PoolId {
        match &self.conn {
            Conn::Pool => self.shared.pool_id,
            Conn::Routed(r) => r.first().0,
            Conn::FanOut(f) => f.first_pool(),
            Conn::Tx(t) => t.pool_id,
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
            Conn::Routed(r) => r,
            Conn::FanOut(f) => f,
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
            explain: &self.shared.explain,
            rewrite: Rewrite {
                rewriters: &self.shared.rewriters,
                dialect: self.shared.dialect.name(),
                settings: &s.plugin_settings,
            },
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
