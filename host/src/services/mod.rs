//! The host's services to feature plugins (plugin API 0.2.2): pools opened through the
//! loaded dialects, the pools every database of the registry runs, the loaded plugins,
//! observers of every operation, and (0.2.3) rewriters of the SQL text of every statement.
//!
//! One [`Services`] belongs to a registry: its feature plugins are initialized with it
//! (after every plugin is loaded, so a feature may open a pool of any loaded dialect),
//! and each database the registry opens is attached to it ([`Services::add_database`]):
//! the database's pool gets a [`PoolId`], statements may be routed to the plugins' pools
//! by id, and the observers registered so far see its operations.
//!
//! This module sits below the handle and the registry: it knows the loaded dialects as
//! the loader hands them over ([`LoadedDialect`]), not the registry itself.

mod lazy_pool;
pub(crate) mod route;

use std::sync::{
    atomic::{AtomicU64, Ordering},
    Arc, Mutex, MutexGuard, RwLock, Weak,
};

use plugorm_plugin_api::{
    host::{redact, HostApi, HostPool, Observer, PluginInfo, PoolId, Serializer, SqlRewriter},
    DbError, DbResult, Dialect, Pool, PoolOptions,
};

use crate::pool_settings::{layered_options, url_scheme, PoolSettings};

use lazy_pool::LazyPool;

/// A loaded dialect plugin, as pools are opened through it.
pub(crate) struct LoadedDialect {
    pub dialect: Arc<dyn Dialect>,
    /// Its `[plugin.pool]` settings from plugins.toml.
    pub pool: PoolSettings,
}

/// Pool ids are unique in the process, so an id from one registry never names another's
/// pool by accident.
static NEXT_POOL_ID: AtomicU64 = AtomicU64::new(1);

fn next_pool_id() -> PoolId {
    NEXT_POOL_ID.fetch_add(1, Ordering::Relaxed)
}

/// A database's own pool, held weakly: closing and dropping the database releases it.
struct DatabasePool {
    id: PoolId,
    label: String,
    dialect: String,
    pool: Weak<dyn Pool>,
}

/// The services of one registry (see the module documentation).
#[derive(Default)]
pub(crate) struct Services {
    /// The loaded dialects, in load order.
    dialects: Vec<LoadedDialect>,
    plugins: Vec<PluginInfo>,
    /// Pools opened for plugins: kept for the registry's life.
    opened: Mutex<Vec<HostPool>>,
    databases: Mutex<Vec<DatabasePool>>,
    observers: RwLock<Vec<Arc<dyn Observer>>>,
    rewriters: RwLock<Vec<Arc<dyn SqlRewriter>>>,
    /// The field serializers the plugins offered (0.2.4).
    pub(crate) serializers: crate::serializer_table::Offered,
}

/// What a newly opened database keeps of its registry's services.
pub(crate) struct Attached {
    pub pool_id: PoolId,
    pub observers: Vec<Arc<dyn Observer>>,
    pub rewriters: Vec<Arc<dyn SqlRewriter>>,
}

/// A copy of a list plugins add to (recovering from poison: pushes cannot panic).
fn snapshot<T: Clone>(list: &RwLock<Vec<T>>) -> Vec<T> {
    match list.read() {
        Ok(v) => v.clone(),
        Err(p) => p.into_inner().clone(),
    }
}

fn push<T>(list: &RwLock<Vec<T>>, item: T) {
    match list.write() {
        Ok(mut v) => v.push(item),
        Err(p) => p.into_inner().push(item),
    }
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    // Plain pushes and reads that cannot panic: recover from poison.
    m.lock().unwrap_or_else(|p| p.into_inner())
}

impl Services {
    /// The services of a registry whose plugins are all loaded.
    pub(crate) fn new(dialects: Vec<LoadedDialect>, plugins: Vec<PluginInfo>) -> Services {
        Services {
            dialects,
            plugins,
            ..Services::default()
        }
    }

    /// Records a newly opened database's own pool: its id, and the observers and
    /// rewriters registered so far (what the database keeps).
    pub(crate) fn add_database(
        &self,
        label: &str,
        dialect: &str,
        pool: &Arc<dyn Pool>,
    ) -> Attached {
        let id = next_pool_id();
        let mut databases = lock(&self.databases);
        databases.retain(|d| d.pool.strong_count() > 0);
        databases.push(DatabasePool {
            id,
            label: label.to_string(),
            dialect: dialect.to_string(),
            pool: Arc::downgrade(pool),
        });
        drop(databases);
        Attached {
            pool_id: id,
            observers: snapshot(&self.observers),
            rewriters: snapshot(&self.rewriters),
        }
    }

    /// The pool with this id: one opened for a plugin, or a database's own that is still
    /// open.
    pub(crate) fn pool(&self, id: PoolId) -> Option<Arc<dyn Pool>> {
        if let Some(p) = lock(&self.opened).iter().find(|p| p.id == id) {
            return Some(Arc::clone(&p.pool));
        }
        lock(&self.databases)
            .iter()
            .find(|d| d.id == id)
            .and_then(|d| d.pool.upgrade())
    }
}

impl HostApi for Services {
    fn open_pool(&self, url: &str, options: PoolOptions) -> DbResult<HostPool> {
        let invalid = |reason: String| DbError::InvalidUrl {
            url: redact(url),
            reason,
        };
        let scheme = url_scheme(url).map_err(|r| invalid(r.into()))?;
        let loaded = self
            .dialects
            .iter()
            .find(|d| d.dialect.url_schemes().iter().any(|s| s == scheme))
            .ok_or_else(|| {
                let mut served: Vec<String> = self
                    .dialects
                    .iter()
                    .flat_map(|d| d.dialect.url_schemes())
                    .collect();
                served.sort();
                invalid(format!(
                    "no loaded dialect serves `{scheme}:` URLs; loaded dialects serve: {}",
                    if served.is_empty() {
                        "none".into()
                    } else {
                        served.join(", ")
                    }
                ))
            })?;
        let (driver_url, options) = layered_options(&loaded.pool, url, options).map_err(invalid)?;
        let dialect = Arc::clone(&loaded.dialect);
        let opened = HostPool {
            id: next_pool_id(),
            label: redact(&driver_url),
            dialect: dialect.name().to_string(),
            pool: Arc::new(LazyPool::new(dialect, driver_url, options)),
        };
        lock(&self.opened).push(opened.clone());
        Ok(opened)
    }

    fn pools(&self) -> Vec<HostPool> {
        let mut pools: Vec<HostPool> = lock(&self.databases)
            .iter()
            .filter_map(|d| {
                Some(HostPool {
                    id: d.id,
                    label: d.label.clone(),
                    dialect: d.dialect.clone(),
                    pool: d.pool.upgrade()?,
                })
            })
            .collect();
        pools.extend(lock(&self.opened).iter().cloned());
        pools
    }

    fn plugins(&self) -> Vec<PluginInfo> {
        self.plugins.clone()
    }

    fn add_observer(&self, observer: Arc<dyn Observer>) {
        push(&self.observers, observer);
    }

    fn add_rewriter(&self, rewriter: Arc<dyn SqlRewriter>) {
        push(&self.rewriters, rewriter);
    }

    fn add_serializer(&self, name: &str, serializer: Arc<dyn Serializer>) {
        self.serializers.add(name, serializer);
    }
}
