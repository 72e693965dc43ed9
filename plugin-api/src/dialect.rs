//! The [`Dialect`] trait: what a database plugin provides.

use std::{sync::Arc, time::Duration};

use crate::types::Optional;
use abi_stable::StableAbi;

use crate::{
    connection::{BoxFuture, Pool},
    migrate::{Ddl, TableInfo},
    render::{render_with_capabilities, SqlRenderer},
    row::Rows,
    statement::{Statement, TableRef},
    DbError, DbResult, Sql,
};

/// How a dialect writes an upsert.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UpsertStyle {
    /// `ON CONFLICT (…) DO …` (SQLite, PostgreSQL).
    OnConflict,
    /// `ON DUPLICATE KEY UPDATE …` (MySQL, MariaDB).
    OnDuplicateKey,
    /// `MERGE` (SQL Server).
    Merge,
    /// No upsert.
    None,
}

/// Which row of a multi-row `INSERT` the driver's reported insert id belongs to; the host
/// derives the other rows' keys from it when the dialect has no `RETURNING`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InsertIdRow {
    /// The last row's key (SQLite's `last_insert_rowid()`); earlier rows count down.
    Last,
    /// The first row's key (MySQL / MariaDB `LAST_INSERT_ID()`); later rows count up
    /// (consecutive keys, `auto_increment_increment = 1`).
    First,
}

/// What a dialect can do; the host plans statements around it.
///
/// `#[non_exhaustive]`: a later 0.2 release may add a capability (with a default that
/// keeps today's behaviour), so start from [`Capabilities::default`] and set fields.
///
/// ```
/// use plugorm_plugin_api::dialect::Capabilities;
/// let c = Capabilities::default();
/// assert!(c.savepoints);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct Capabilities {
    /// `INSERT … RETURNING` (or OUTPUT) reads back generated values.
    pub returning: bool,
    pub savepoints: bool,
    pub upsert: UpsertStyle,
    /// Row locks (`FOR UPDATE`). False: [`Dialect::render`]'s default renders no locking
    /// clause (as GORM's sqlite driver), and the host refuses a locking read outside a
    /// transaction, where the clause would have protected nothing.
    pub row_locks: bool,
    /// The most bound parameters one statement may carry.
    pub max_params: u32,
    /// Which row of a batch `ExecResult::last_insert_id` names.
    pub insert_id_row: InsertIdRow,
    /// After an `INSERT` of one row, `ExecResult::last_insert_id` is exactly that row's
    /// auto-increment key (SQLite's `last_insert_rowid()`, MySQL's `LAST_INSERT_ID()`).
    /// The host then creates one record without `RETURNING` when the key is all it reads
    /// back, which SQLite answers about 3 µs faster per INSERT. Default false: the host
    /// keeps `RETURNING` (a plugin built against 0.2.0 reads as false). Added in 0.2.1.
    pub insert_id_exact: bool,
    /// DDL takes part in transactions: a migration that fails half-way is rolled back
    /// whole (PostgreSQL, SQLite, SQL Server; not MySQL / MariaDB, which commit each DDL
    /// statement). Default false (a plugin built before 0.2.5 reads as false). Added in
    /// 0.2.5.
    pub transactional_ddl: bool,
}

impl Default for Capabilities {
    fn default() -> Capabilities {
        Capabilities {
            returning: true,
            savepoints: true,
            upsert: UpsertStyle::OnConflict,
            row_locks: true,
            max_params: 32_766,
            insert_id_row: InsertIdRow::Last,
            insert_id_exact: false,
            transactional_ddl: false,
        }
    }
}

/// Pool settings from the URL's query string or from `plugins.toml`.
///
/// ```
/// use plugorm_plugin_api::dialect::PoolOptions;
/// let o = PoolOptions { max_connections: 4, ..PoolOptions::default() };
/// assert_eq!(o.max_connections, 4);
/// ```
#[repr(C)]
#[derive(StableAbi, Debug, Clone, Copy, PartialEq, Eq)]
pub struct PoolOptions {
    pub max_connections: u32,
    pub min_connections: u32,
    pub connect_timeout_ms: u64,
    pub idle_timeout_ms: Optional<u64>,
    pub max_lifetime_ms: Optional<u64>,
}

impl Default for PoolOptions {
    fn default() -> PoolOptions {
        PoolOptions {
            max_connections: 10,
            min_connections: 0,
            connect_timeout_ms: 30_000,
            idle_timeout_ms: Optional::Some(600_000),
            max_lifetime_ms: Optional::Some(1_800_000),
        }
    }
}

impl PoolOptions {
    /// The connect timeout as a [`Duration`].
    pub fn connect_timeout(&self) -> Duration {
        Duration::from_millis(self.connect_timeout_ms)
    }
}

/// A database dialect: renders statements and opens pools.
///
/// Rendering has one way in: implement [`crate::render::SqlRenderer`] (overriding only
/// what differs from the default SQL) and return it from [`Dialect::renderer`]; the
/// defaults of [`Dialect::render`] and [`Dialect::render_ddl`] delegate to it, honouring
/// [`Dialect::capabilities`] (no locking clause without [`Capabilities::row_locks`]).
///
/// ```
/// use std::sync::Arc;
/// use plugorm_plugin_api::{
///     dialect::{Capabilities, Dialect, PoolOptions}, migrate::Ddl, render::SqlRenderer,
///     statement::{Select, Statement, TableRef}, BoxFuture, DbError, Pool,
/// };
/// struct Ansi;
/// impl SqlRenderer for Ansi {}
/// impl Dialect for Ansi {
///     fn name(&self) -> &str { "ansi" }
///     fn url_schemes(&self) -> Vec<String> { vec!["ansi".into()] }
///     fn capabilities(&self) -> Capabilities { Capabilities::default() }
///     fn renderer(&self) -> Option<&dyn SqlRenderer> { Some(self) }
///     fn connect(&self, _url: &str, _o: PoolOptions) -> BoxFuture<Arc<dyn Pool>> {
///         Box::pin(async { Err(DbError::Unsupported("no driver".into())) })
///     }
/// }
/// let q = Statement::Select(Select::from_table(TableRef::new("t")));
/// assert_eq!(Ansi.render(&q).unwrap().text.as_str(), r#"SELECT * FROM "t""#);
/// let drop = Ddl::DropTable { table: TableRef::new("t"), if_exists: true };
/// assert_eq!(Ansi.render_ddl(&drop).unwrap()[0].text.as_str(), r#"DROP TABLE IF EXISTS "t""#);
/// ```
pub trait Dialect: Send + Sync + 'static {
    /// The dialect's name (`sqlite`).
    fn name(&self) -> &str;
    /// The URL schemes it serves (`sqlite`, `sqlite3`).
    fn url_schemes(&self) -> Vec<String>;
    /// What it can do.
    fn capabilities(&self) -> Capabilities;
    /// The dialect's SQL renderer, which the defaults of [`Dialect::render`] and
    /// [`Dialect::render_ddl`] use. `None` (the default) for a dialect that overrides both
    /// (the host's view of a loaded plugin does).
    fn renderer(&self) -> Option<&dyn SqlRenderer> {
        None
    }
    /// Renders a statement into text and parameters: by default
    /// [`crate::render::render_with_capabilities`] with [`Dialect::renderer`].
    fn render(&self, stmt: &Statement) -> DbResult<Sql> {
        let r = self.renderer().ok_or_else(|| no_renderer(self.name()))?;
        render_with_capabilities(r, stmt, &self.capabilities())
    }
    /// Opens a pool for a URL with one of [`Dialect::url_schemes`].
    fn connect(&self, url: &str, options: PoolOptions) -> BoxFuture<Arc<dyn Pool>>;
    /// Renders a DDL operation into one or more statements: by default
    /// [`crate::render::ddl::render_ddl`] with [`Dialect::renderer`], which dispatches to
    /// the renderer's `ddl_*` methods.
    fn render_ddl(&self, ddl: &Ddl) -> DbResult<Vec<Sql>> {
        let r = self.renderer().ok_or_else(|| no_renderer(self.name()))?;
        crate::render::ddl::render_ddl(r, ddl)
    }
    /// The queries whose results describe a table (run in order by the host).
    fn introspection_queries(&self, table: &TableRef) -> DbResult<Vec<Sql>> {
        let _ = table;
        Err(DbError::Unsupported(format!(
            "the {} dialect cannot describe tables",
            self.name()
        )))
    }
    /// Reads the results of [`Dialect::introspection_queries`] into a table description.
    fn parse_introspection(&self, table: &TableRef, results: Vec<Rows>) -> DbResult<TableInfo> {
        let _ = (table, results);
        Err(DbError::Unsupported(format!(
            "the {} dialect cannot describe tables",
            self.name()
        )))
    }
}

fn no_renderer(dialect: &str) -> DbError {
    DbError::Unsupported(format!(
        "the {dialect} dialect has no SQL renderer (Dialect::renderer)"
    ))
}
