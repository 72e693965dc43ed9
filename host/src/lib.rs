//! # plugorm
//!
//! A GORM-style ORM for Rust, built as a plugin host: database dialects and features are
//! plugins, loaded from `plugins.toml` at run time or linked statically.
//!
//! ```no_run
//! # async fn run() -> Result<(), plugorm::Error> {
//! let db = plugorm::open("sqlite::memory:").await?;
//! let rows = db.raw("SELECT 1 AS one", ()).await?;
//! assert_eq!(rows.iter().next().unwrap().get::<i64>("one")?, 1);
//! # Ok(()) }
//! ```

mod args;
pub mod association;
pub mod callbacks;
mod chain;
pub mod config;
mod db;
mod decode;
mod error;
pub mod loader;
pub mod migrator;
pub mod model;
mod pool_settings;
mod preload;
mod query;
mod registry;
pub mod relation;
mod retry;
mod session;
mod write;

pub use args::{IntoArg, IntoArgs, ListItem};
pub use db::{Db, Tx};
pub use error::{redact_url, Error, Result};
pub use model::{FieldType, Hooks, Model};
/// `#[derive(Model)]`: GORM's conventions and `#[orm(…)]` attributes (reference below).
///
/// ```
/// use plugorm::Model;
///
/// #[derive(Model, Debug, Default, Clone)]
/// struct User {
///     id: i64,                                   // primary key, auto-increment
///     #[orm(size = 64, not_null, unique_index)]
///     email: String,
///     #[orm(index = "idx_users_name_age")]
///     name: String,
///     #[orm(index(name = "idx_users_name_age", sort = "desc"))]
///     age: i32,
///     #[orm(default = "member")]
///     role: String,
///     #[orm(embedded_prefix = "home_")]
///     address: Address,                          // columns home_street, home_city
///     #[orm(readonly)]
///     score: i64,                                // read, never written
///     #[orm(ignore)]
///     session_cache: Vec<String>,                // not a column at all
///     created_at: chrono::NaiveDateTime,         // set on create
///     updated_at: chrono::NaiveDateTime,         // set on create and update
///     #[orm(soft_delete)]
///     deleted_at: Option<chrono::NaiveDateTime>, // needs the soft-delete plugin
/// }
///
/// #[derive(Model, Debug, Default, Clone)]
/// struct Address {
///     street: String,
///     city: String,
/// }
///
/// let schema = User::schema();
/// assert_eq!(schema.table, "users");
/// let columns: Vec<&str> = schema.fields.iter().map(|f| f.column.as_str()).collect();
/// assert_eq!(
///     columns,
///     ["id", "email", "name", "age", "role", "home_street", "home_city", "score",
///      "created_at", "updated_at", "deleted_at"]
/// );
/// assert!(schema.fields[0].primary_key && schema.fields[0].auto_increment);
/// assert_eq!(schema.indexes[1].name, "idx_users_name_age");
///
/// // Typed column handles build conditions the compiler checks.
/// let adults = User::AGE.gte(18);
/// let by_name = User::NAME.asc();
///
/// # async fn run(db: plugorm::Db) -> plugorm::Result<()> {
/// db.auto_migrate::<User>().await?;
/// let mut u = User { email: "ann@example.com".into(), name: "Ann".into(), age: 30, ..Default::default() };
/// db.create(&mut u).await?;                      // u.id, created_at, updated_at and role are set
/// let found: Vec<User> = db.model::<User>().filter_expr(User::AGE.gte(18)).find().await?;
/// # Ok(()) }
/// ```
pub use plugorm_derive::Model;
pub use plugorm_plugin_api::{
    self as plugin_api, statement, DbError, Decode, ExecResult, PoolOptions, Row, Rows, Sql, Value,
};
pub use query::{ModelStream, PreparedStats, Query, RowCursor};
pub use registry::{LoadedPlugin, Origin, Registry};
pub use retry::RetryPolicy;
pub use session::{ConflictUpdate, NowFn, OnConflict, Session};
pub use write::{Record, Tracked};

// Each plugin feature names its plugin crate so the linker keeps its `inventory`
// registration (an unnamed crate is dropped silently).
#[cfg(feature = "mysql")]
use plugorm_mysql as _;
#[cfg(feature = "postgres")]
use plugorm_postgres as _;
#[cfg(feature = "soft-delete")]
use plugorm_soft_delete as _;
#[cfg(feature = "sqlite")]
use plugorm_sqlite as _;

use std::{path::Path, sync::OnceLock};

use config::PluginsConfig;

impl Registry {
    /// Loads the statically linked plugins and those a configuration names.
    pub fn load(config: &PluginsConfig) -> Result<Registry> {
        Ok(loader::load(config)?)
    }

    /// Reads a `plugins.toml` and loads its plugins.
    pub fn from_config_file(path: impl AsRef<Path>) -> Result<Registry> {
        let config = PluginsConfig::load(path.as_ref())?;
        Registry::load(&config)
    }

    /// Opens a database by URL, with default pool options (adjusted by the dialect's
    /// `[plugin.pool]` in `plugins.toml` and by pool keys in the URL).
    pub async fn open(&self, url: &str) -> Result<Db> {
        self.open_with(url, PoolOptions::default()).await
    }

    /// Opens a database by URL; the scheme picks the dialect.
    ///
    /// The pool gets `options`, then the dialect's `[plugin.pool]` settings from
    /// `plugins.toml`, then the pool keys of the URL's query string
    /// ([`config::PoolSettings`]), each layer overriding what it sets: the application
    /// gives defaults, the operator tunes them without recompiling.
    ///
    /// ```no_run
    /// # async fn run(registry: plugorm::Registry) -> Result<(), plugorm::Error> {
    /// let db = registry
    ///     .open("postgres://app@db/app?sslmode=require&max_connections=20&idle_timeout=5m")
    ///     .await?;
    /// # Ok(()) }
    /// ```
    pub async fn open_with(&self, url: &str, options: PoolOptions) -> Result<Db> {
        let scheme = url_scheme(url)?;
        let (plugin, dialect) =
            self.dialect_plugin_for_scheme(scheme)
                .ok_or_else(|| Error::UnknownScheme {
                    url: redact_url(url),
                    scheme: scheme.to_string(),
                    available: self.schemes(),
                })?;
        let bad_pool = |reason: String| Error::InvalidUrl {
            url: redact_url(url),
            reason,
        };
        let (driver_url, from_url) = config::split_pool_keys(url).map_err(bad_pool)?;
        let options = from_url.apply(plugin.pool.apply(options));
        pool_settings::check(&options).map_err(bad_pool)?;
        let url = driver_url.as_str();
        let callbacks = callbacks::Callbacks::with_defaults();
        for spec in self.callbacks() {
            callbacks.register_spec(spec)?;
        }
        let pool = dialect.connect(url, options).await?;
        Ok(Db::new(dialect, pool, callbacks, redact_url(url)))
    }
}

fn url_scheme(url: &str) -> Result<&str> {
    let bad = |reason: &str| Error::InvalidUrl {
        url: redact_url(url),
        reason: reason.into(),
    };
    let (scheme, _) = url
        .split_once(':')
        .ok_or_else(|| bad("no scheme (expected `scheme:…`, e.g. `sqlite::memory:`)"))?;
    let valid = scheme
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic())
        && scheme
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c));
    if !valid {
        return Err(bad(
            "the scheme must start with a letter and hold only letters, digits, `+`, `-`, `.`",
        ));
    }
    Ok(scheme)
}

static DEFAULT_REGISTRY: OnceLock<Registry> = OnceLock::new();

/// The process-wide registry: statically linked plugins plus those in the default
/// configuration ([`config::default_config_path`]). A missing file means "no configured
/// plugins"; a broken one is an error.
pub fn default_registry() -> Result<&'static Registry> {
    if let Some(r) = DEFAULT_REGISTRY.get() {
        return Ok(r);
    }
    let path = config::default_config_path();
    let config = if path.exists() {
        PluginsConfig::load(&path)?
    } else {
        PluginsConfig {
            path,
            ..PluginsConfig::default()
        }
    };
    let registry = Registry::load(&config)?;
    Ok(DEFAULT_REGISTRY.get_or_init(|| registry))
}

/// Opens a database through the [`default_registry`].
pub async fn open(url: &str) -> Result<Db> {
    default_registry()?.open(url).await
}
