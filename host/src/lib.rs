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
mod exec;
mod from_row;
pub mod hints;
pub mod loader;
pub mod log;
pub mod migrations;
pub mod migrator;
pub mod model;
mod pool_settings;
mod query;
mod registry;
mod routed;
pub mod serializer;
mod serializer_table;
mod services;
mod session;
mod write;

pub use args::{IntoArg, IntoArgs, ListItem};
pub use db::{default_registry, open, Db, RetryPolicy, Tx};
pub use error::{redact_url, Error, Result};
pub use exec::PreparedStats;
pub use from_row::FromRow;
pub use model::{relation, FieldType, Hooks, Model};
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
pub use query::{ModelStream, Query, QuerySource, RowCursor, ScanStream, Table};
pub use registry::{LoadedPlugin, Origin, Registry};
pub use session::{ConflictUpdate, NowFn, OnConflict, Session};
pub use write::{Record, Tracked};

// Each plugin feature names its plugin crate so the linker keeps its `inventory`
// registration (an unnamed crate is dropped silently).
#[cfg(feature = "dbresolver")]
use plugorm_dbresolver as _;
#[cfg(feature = "hints")]
use plugorm_hints as _;
#[cfg(feature = "mysql")]
use plugorm_mysql as _;
#[cfg(feature = "postgres")]
use plugorm_postgres as _;
#[cfg(feature = "prometheus")]
use plugorm_prometheus as _;
#[cfg(feature = "serializer")]
use plugorm_serializer as _;
#[cfg(feature = "sharding")]
use plugorm_sharding as _;
#[cfg(feature = "soft-delete")]
use plugorm_soft_delete as _;
#[cfg(feature = "sqlite")]
use plugorm_sqlite as _;
#[cfg(feature = "sqlserver")]
use plugorm_sqlserver as _;
