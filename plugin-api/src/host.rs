//! What the host offers feature plugins (plugin API 0.2.2): pools opened through the
//! loaded dialects, the pools the host runs, the loaded plugins, a view of every
//! operation the host completes, (0.2.3) rewriters of the SQL text the host renders, and
//! (0.2.4) named field serializers ([`crate::serializer`]).
//!
//! A feature plugin never links a dialect. Where it needs a database (read/write
//! splitting, sharding across databases, metrics collectors) it asks the [`Host`] it was
//! initialized with ([`crate::FeaturePlugin::initialize_with_host`]) to open a pool by URL;
//! the host opens it through whichever loaded dialect serves the URL's scheme, gives it a
//! [`PoolId`], and runs a statement there when a callback names that id in the
//! [`crate::setting::POOL`] setting.
//!
//! ```
//! use std::sync::Arc;
//! use plugorm_plugin_api::host::{Host, Observer, OperationEvent};
//!
//! struct CountErrors(std::sync::atomic::AtomicU64);
//! impl Observer for CountErrors {
//!     fn observe(&self, event: &OperationEvent) {
//!         if event.error.is_some() {
//!             self.0.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
//!         }
//!     }
//! }
//! // A host that offers nothing (what a plugin sees in a unit test).
//! let host = Host::detached();
//! host.add_observer(Arc::new(CountErrors(Default::default())));
//! assert!(host.open_pool("postgres://db/app", Default::default()).is_err());
//! assert!(host.pools().is_empty());
//! ```

use std::sync::Arc;

use abi_stable::StableAbi;

use crate::{
    dialect::PoolOptions,
    feature::{Processor, Setting},
    types::{List, Optional, Text},
    DbError, DbResult, Pool, Sql,
};

pub use crate::serializer::{SerializeContext, Serializer};

/// The host's number for a pool, unique within the process; what a callback writes into
/// [`crate::setting::POOL`] to run a statement there.
pub type PoolId = u64;

/// A pool the host runs: the database's own, or one opened for a plugin.
#[derive(Clone)]
pub struct HostPool {
    pub id: PoolId,
    /// The URL without its password (for logs and metric labels).
    pub label: String,
    /// The dialect serving it (`postgres`).
    pub dialect: String,
    pub pool: Arc<dyn Pool>,
}

impl std::fmt::Debug for HostPool {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("HostPool")
            .field("id", &self.id)
            .field("label", &self.label)
            .field("dialect", &self.dialect)
            .finish_non_exhaustive()
    }
}

/// A loaded plugin, as the host reports it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PluginInfo {
    pub name: String,
    /// The plugin's own version.
    pub version: String,
    /// `dialect` or `feature`.
    pub kind: String,
    /// The plugin-API version it was built against.
    pub api_version: String,
    /// True when linked into the binary, false when loaded from a library.
    pub linked: bool,
}

/// One operation the host completed: a create, query, update or delete of a model, a row
/// query or raw SQL, with everything it ran (a create with its associations is one).
#[repr(C)]
#[derive(StableAbi, Debug, Clone, PartialEq)]
pub struct OperationEvent {
    pub processor: Processor,
    /// The statement's table (empty for raw SQL).
    pub table: Text,
    /// The pool it ran on.
    pub pool: PoolId,
    /// The dialect's name (`postgres`).
    pub database: Text,
    pub elapsed_nanos: u64,
    /// Rows written (create, update, delete, raw) or returned (query, row).
    pub rows: u64,
    /// The error's kind (`unique_violation`, `timeout`, `record_not_found`…) when it failed.
    pub error: Optional<Text>,
    /// Room to grow without changing this layout.
    pub extra: List<Setting>,
}

/// Sees every operation the host completes. Called on the caller's task right after the
/// operation, so it must be quick and must not block (update counters; hand anything
/// slow to a thread of its own).
pub trait Observer: Send + Sync + 'static {
    fn observe(&self, event: &OperationEvent);
}

/// What a [`SqlRewriter`] is told about the statement it rewrites (plugin API 0.2.3).
#[repr(C)]
#[derive(StableAbi, Debug, Clone, PartialEq, Eq, Default)]
pub struct RewriteContext {
    /// The dialect's name (`postgres`, `mysql`, `sqlite`, `sqlserver`).
    pub dialect: Text,
    /// The session's plugin settings ([`crate::feature::Setting`]s set with the host's
    /// `Db::plugin_setting`), in the order they were set.
    pub settings: List<Setting>,
    /// Room to grow without changing this layout.
    pub extra: List<Setting>,
}

impl RewriteContext {
    /// The value of the session setting `key`, if set.
    ///
    /// ```
    /// use plugorm_plugin_api::{host::RewriteContext, Setting};
    /// let ctx = RewriteContext {
    ///     dialect: "mysql".into(),
    ///     settings: vec![Setting { key: "hints:optimizer".into(), value: "NO_ICP(t)".into() }].into(),
    ///     ..Default::default()
    /// };
    /// assert_eq!(ctx.setting("hints:optimizer"), Some("NO_ICP(t)"));
    /// assert_eq!(ctx.setting("hints:comment"), None);
    /// ```
    pub fn setting(&self, key: &str) -> Option<&str> {
        self.settings
            .iter()
            .find(|s| s.key.as_str() == key)
            .map(|s| s.value.as_str())
    }
}

/// Rewrites the text of every statement the host renders for a session that has plugin
/// settings (plugin API 0.2.3): optimizer hints and comments that must sit at textual
/// positions the statement tree has no place for. Runs after rendering (and after the
/// prepared-statement cache), before the statement runs or a dry run records it; its
/// error is the statement's error. It must keep the parameters and their placeholders
/// as they are.
///
/// ```
/// use plugorm_plugin_api::{host::{RewriteContext, SqlRewriter}, DbResult, Sql};
///
/// struct Tag;
/// impl SqlRewriter for Tag {
///     fn rewrite(&self, ctx: &RewriteContext, sql: &mut Sql) -> DbResult<()> {
///         if let Some(tag) = ctx.setting("tag:name") {
///             sql.text = format!("/* {tag} */ {}", sql.text).into();
///         }
///         Ok(())
///     }
/// }
/// let mut sql = Sql::new("SELECT 1", []);
/// let ctx = RewriteContext {
///     settings: vec![plugorm_plugin_api::Setting { key: "tag:name".into(), value: "report".into() }].into(),
///     ..Default::default()
/// };
/// Tag.rewrite(&ctx, &mut sql).unwrap();
/// assert_eq!(sql.text.as_str(), "/* report */ SELECT 1");
/// ```
pub trait SqlRewriter: Send + Sync + 'static {
    fn rewrite(&self, ctx: &RewriteContext, sql: &mut Sql) -> DbResult<()>;
}

/// The services behind a [`Host`]: implemented by the host (and by the boundary's
/// proxy in a plugin loaded from a library). Plugins use [`Host`].
pub trait HostApi: Send + Sync + 'static {
    /// Opens a pool on `url` through the loaded dialect that serves its scheme. The pool
    /// connects on first use, so a server that is down is reported by the statement
    /// that needs it (and by [`Pool::ping`]), not here; an unknown scheme or a malformed
    /// URL is an error now.
    fn open_pool(&self, url: &str, options: PoolOptions) -> DbResult<HostPool>;
    /// Every pool the host runs now (each open database's own and those opened for
    /// plugins).
    fn pools(&self) -> Vec<HostPool>;
    /// The loaded plugins.
    fn plugins(&self) -> Vec<PluginInfo>;
    /// Adds an observer of every operation of every database opened from now on.
    fn add_observer(&self, observer: Arc<dyn Observer>);
    /// Adds a rewriter of the SQL text of every database opened from now on (0.2.3).
    fn add_rewriter(&self, rewriter: Arc<dyn SqlRewriter>);
    /// Offers the field serializer `name` (case-insensitive) to the models of every
    /// database of this host (0.2.4). A host without serializer support drops it, and a
    /// model naming it is then refused as naming an unknown serializer.
    fn add_serializer(&self, name: &str, serializer: Arc<dyn Serializer>) {
        let _ = (name, serializer);
    }
}

/// What the host offers a feature plugin; cheap to clone and to keep (a plugin may call
/// it from its own threads at any time).
#[derive(Clone)]
pub struct Host(Arc<dyn HostApi>);

impl Host {
    /// Wraps the host's services.
    pub fn new(api: Arc<dyn HostApi>) -> Host {
        Host(api)
    }

    /// A host that offers nothing: opening a pool fails, no pools, no plugins, observers
    /// and rewriters are dropped. What a plugin sees when initialized through the older
    /// [`crate::FeaturePlugin::initialize`] path, and handy in unit tests.
    pub fn detached() -> Host {
        Host(Arc::new(Detached))
    }

    /// See [`HostApi::open_pool`].
    ///
    /// ```
    /// let e = plugorm_plugin_api::host::Host::detached()
    ///     .open_pool("sqlite::memory:", Default::default())
    ///     .unwrap_err();
    /// assert!(e.to_string().contains("no host services"));
    /// ```
    pub fn open_pool(&self, url: &str, options: PoolOptions) -> DbResult<HostPool> {
        self.0.open_pool(url, options)
    }

    /// See [`HostApi::pools`].
    pub fn pools(&self) -> Vec<HostPool> {
        self.0.pools()
    }

    /// See [`HostApi::plugins`].
    pub fn plugins(&self) -> Vec<PluginInfo> {
        self.0.plugins()
    }

    /// See [`HostApi::add_observer`].
    pub fn add_observer(&self, observer: Arc<dyn Observer>) {
        self.0.add_observer(observer)
    }

    /// See [`HostApi::add_rewriter`]; a detached host drops it.
    ///
    /// ```
    /// use std::sync::Arc;
    /// use plugorm_plugin_api::{host::{Host, RewriteContext, SqlRewriter}, DbResult, Sql};
    /// struct Nothing;
    /// impl SqlRewriter for Nothing {
    ///     fn rewrite(&self, _: &RewriteContext, _: &mut Sql) -> DbResult<()> { Ok(()) }
    /// }
    /// Host::detached().add_rewriter(Arc::new(Nothing));
    /// ```
    pub fn add_rewriter(&self, rewriter: Arc<dyn SqlRewriter>) {
        self.0.add_rewriter(rewriter)
    }

    /// See [`HostApi::add_serializer`]; a detached host drops it.
    ///
    /// ```
    /// use std::sync::Arc;
    /// use plugorm_plugin_api::{host::{Host, SerializeContext, Serializer}, DbResult, Value};
    /// struct AsText;
    /// impl Serializer for AsText {
    ///     fn encode(&self, _: &SerializeContext, v: serde_json::Value) -> DbResult<Value> {
    ///         Ok(Value::Text(v.to_string().into()))
    ///     }
    ///     fn decode(&self, ctx: &SerializeContext, v: Value) -> DbResult<serde_json::Value> {
    ///         let text = v.text_form().ok_or_else(|| ctx.error("not text"))?;
    ///         serde_json::from_str(&text).map_err(|e| ctx.error(e))
    ///     }
    /// }
    /// Host::detached().add_serializer("as_text", Arc::new(AsText));
    /// ```
    pub fn add_serializer(&self, name: &str, serializer: Arc<dyn Serializer>) {
        self.0.add_serializer(name, serializer)
    }
}

impl std::fmt::Debug for Host {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Host")
    }
}

struct Detached;

impl HostApi for Detached {
    fn open_pool(&self, url: &str, _: PoolOptions) -> DbResult<HostPool> {
        Err(DbError::Unsupported(format!(
            "cannot open a pool on `{}`: the plugin was initialized with no host services \
             (a host older than plugin API 0.2.2, or a unit test)",
            redact(url)
        )))
    }
    fn pools(&self) -> Vec<HostPool> {
        Vec::new()
    }
    fn plugins(&self) -> Vec<PluginInfo> {
        Vec::new()
    }
    fn add_observer(&self, _: Arc<dyn Observer>) {}
    fn add_rewriter(&self, _: Arc<dyn SqlRewriter>) {}
}

/// `url` without the password of its user part (`postgres://app:***@db/app`), for logs,
/// errors and metric labels.
///
/// ```
/// use plugorm_plugin_api::host::redact;
/// assert_eq!(redact("postgres://app:s3cret@db:5432/app"), "postgres://app:***@db:5432/app");
/// assert_eq!(redact("mysql://root@127.0.0.1/test"), "mysql://root@127.0.0.1/test");
/// assert_eq!(redact("sqlite::memory:"), "sqlite::memory:");
/// ```
pub fn redact(url: &str) -> String {
    let Some(scheme_end) = url.find("://") else {
        return url.to_string();
    };
    let rest = &url[scheme_end + 3..];
    let authority_end = rest.find(['/', '?']).unwrap_or(rest.len());
    let authority = &rest[..authority_end];
    let Some(at) = authority.rfind('@') else {
        return url.to_string();
    };
    match authority[..at].find(':') {
        Some(colon) => format!(
            "{}{}:***{}",
            &url[..scheme_end + 3],
            &authority[..colon],
            &rest[at..]
        ),
        None => url.to_string(),
    }
}
