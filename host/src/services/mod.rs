//! The host's services to feature plugins (plugin API 0.2.2): pools opened through the
//! loaded dialects, the pools every database of the registry runs, the loaded plugins,
//! and observers of every operation.
//!
//! One [`Services`] belongs to a [`Registry`]: its feature plugins are initialized with
//! it (after every plugin is loaded, so a feature may open a pool of any loaded dialect),
//! and each database the registry opens is attached to it ([`Services::attach`]): the
//! database's pool gets a [`PoolId`], statements may be routed to the plugins' pools by
//! id, and the observers registered so far see its operations.

mod lazy_pool;
pub(crate) mod observe;
pub(crate) mod route;

use std::sync::{
    atomic::{AtomicU64, Ordering},
    Arc, Mutex, MutexGuard, RwLock, Weak,
};

use plugorm_plugin_api::{
    host::{redact, HostApi, HostPool, Observer, PluginInfo, PoolId},
    DbError, DbResult, Pool, PoolOptions,
};

use crate::{
    db::{layered_options, Db},
    registry::Origin,
    Error, Registry,
};

use lazy_pool::LazyPool;

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
    /// The registry as loaded (its dialects), before the feature plugins were initialized
    /// (none for a registry built empty).
    loaded: Option<Registry>,
    /// Pools opened for plugins: kept for the registry's life.
    opened: Mutex<Vec<HostPool>>,
    databases: Mutex<Vec<DatabasePool>>,
    observers: RwLock<Vec<Arc<dyn Observer>>>,
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    // Plain pushes and reads that cannot panic: recover from poison.
    m.lock().unwrap_or_else(|p| p.into_inner())
}

impl Services {
    /// The services of a registry whose plugins are all loaded.
    pub(crate) fn new(loaded: Registry) -> Services {
        Services {
            loaded: Some(loaded),
            ..Services::default()
        }
    }

    /// Gives a newly opened database its pool id, the pools it may be routed to and the
    /// observers registered so far.
    pub(crate) fn attach(self: &Arc<Services>, db: Db) -> Db {
        let id = next_pool_id();
        let mut databases = lock(&self.databases);
        databases.retain(|d| d.pool.strong_count() > 0);
        databases.push(DatabasePool {
            id,
            label: db.shared.url.clone(),
            dialect: db.shared.dialect.name().to_string(),
            pool: Arc::downgrade(&db.shared.pool),
        });
        drop(databases);
        let observers = match self.observers.read() {
            Ok(o) => o.clone(),
            Err(p) => p.into_inner().clone(),
        };
        db.attached(Arc::clone(self), id, observers)
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
        let invalid = |e: Error| DbError::InvalidUrl {
            url: redact(url),
            reason: e.to_string(),
        };
        let loaded = self.loaded.as_ref().ok_or_else(|| DbError::InvalidUrl {
            url: redact(url),
            reason: "this registry has no plugins loaded".into(),
        })?;
        let (plugin, dialect) = loaded.dialect_for_url(url).map_err(invalid)?;
        let (driver_url, options) = layered_options(plugin, url, options).map_err(invalid)?;
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
        self.loaded
            .iter()
            .flat_map(|r| r.plugins())
            .map(|p| PluginInfo {
                name: p.manifest.name.to_string(),
                version: p.manifest.version.to_string(),
                kind: p.manifest.kind.to_string(),
                api_version: p.manifest.api_version.to_string(),
                linked: p.origin == Origin::Static,
            })
            .collect()
    }

    fn add_observer(&self, observer: Arc<dyn Observer>) {
        match self.observers.write() {
            Ok(mut o) => o.push(observer),
            Err(p) => p.into_inner().push(observer),
        }
    }
}
