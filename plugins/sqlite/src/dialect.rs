//! The SQLite dialect: rendering overrides and connection URLs.

use std::sync::Arc;

use crate::{ddl, driver::SqliteDriver, introspect, rebuild, url};
use plugorm_plugin_api::{
    dialect::{Capabilities, Dialect, PoolOptions},
    kit::KitPool,
    migrate::{ForeignKeySchema, TableChange, TableInfo},
    render::{defaults, SqlRenderer, SqlWriter},
    runtime::in_runtime,
    schema::{FieldSchema, IndexSchema, ModelSchema},
    statement::{Expr, Insert, Select, TableRef},
    types::Optional,
    BoxFuture, DbResult, Pool, Rows, Sql,
};

/// The SQLite dialect.
///
/// ```
/// use plugorm_plugin_api::{statement::{Select, Statement, TableRef}, Dialect};
/// let mut q = Select::from_table(TableRef::new("users"));
/// q.limit = Some(1).into();
/// let sql = plugorm_sqlite::SqliteDialect.render(&Statement::Select(q)).unwrap();
/// assert_eq!(sql.text.as_str(), "SELECT * FROM `users` LIMIT 1");
/// ```
///
/// DDL follows GORM's sqlite driver (types `integer`, `numeric`, `real`, `text`, `blob`,
/// `datetime`; an auto-increment key is `integer PRIMARY KEY AUTOINCREMENT`). SQLite has
/// no ALTER COLUMN: [`Ddl::AlterColumn`] is refused in place with
/// [`DbError::Unsupported`](plugorm_plugin_api::DbError::Unsupported), and the migrator
/// rebuilds the table instead ([`Ddl::RebuildTable`]).
///
/// ```
/// use plugorm_plugin_api::{migrate::Ddl, schema::{DataType, FieldSchema}, statement::TableRef, Dialect};
/// let ddl = Ddl::AddColumn { table: TableRef::new("users"), field: FieldSchema::new("age", "age", DataType::Int) };
/// let sql = Dialect::render_ddl(&plugorm_sqlite::SqliteDialect, &ddl).unwrap();
/// assert_eq!(sql[0].text.as_str(), "ALTER TABLE `users` ADD `age` integer");
/// ```
///
/// SQLite has no row locks ([`Capabilities::row_locks`] is false): a locking clause renders
/// as nothing, as in GORM's sqlite driver (the host refuses locking reads outside a
/// transaction, whose `BEGIN IMMEDIATE` takes the database's write lock instead):
///
/// ```
/// use plugorm_plugin_api::{statement::{Lock, LockStrength, LockWait, Select, Statement, TableRef}, Dialect};
/// let mut q = Select::from_table(TableRef::new("users"));
/// q.lock = Some(Lock { strength: LockStrength::Update, of: Default::default(), wait: LockWait::Wait }).into();
/// q.offset = Some(3).into();
/// let sql = plugorm_sqlite::SqliteDialect.render(&Statement::Select(q)).unwrap();
/// assert_eq!(sql.text.as_str(), "SELECT * FROM `users` LIMIT -1 OFFSET 3");
/// ```
///
/// SQLite takes no `DEFAULT` among the VALUES of an INSERT: the host's `DEFAULT` for a row
/// without the auto-increment key (others in the INSERT set theirs) is written `NULL`,
/// which makes SQLite assign the next rowid, as GORM's sqlite driver does:
///
/// ```
/// use plugorm_plugin_api::{statement::{Expr, Insert, Statement, TableRef}, Dialect};
/// let mut ins = Insert::new(TableRef::new("users"), ["name".into(), "id".into()]);
/// ins.rows = vec![
///     vec![Expr::value("kept"), Expr::value(7)].into(),
///     vec![Expr::value("new"), Expr::raw("DEFAULT", [])].into(),
/// ]
/// .into();
/// let sql = plugorm_sqlite::SqliteDialect.render(&Statement::Insert(ins)).unwrap();
/// assert_eq!(sql.text.as_str(), "INSERT INTO `users` (`name`,`id`) VALUES (?,?),(?,NULL)");
/// ```
#[derive(Debug, Clone, Copy, Default)]
pub struct SqliteDialect;

impl SqlRenderer for SqliteDialect {
    fn quote_char(&self) -> char {
        '`'
    }

    /// SQLite writes LIMIT / OFFSET as literals (as GORM's driver does); an offset alone
    /// needs `LIMIT -1`.
    fn write_limit_offset(
        &self,
        w: &mut SqlWriter,
        limit: Option<u64>,
        offset: Option<u64>,
        _select: &Select,
    ) -> DbResult<()> {
        match (limit, offset) {
            (Some(l), o) => {
                w.push_str(&format!(" LIMIT {l}"));
                if let Some(o) = o {
                    w.push_str(&format!(" OFFSET {o}"));
                }
            }
            (None, Some(o)) => w.push_str(&format!(" LIMIT -1 OFFSET {o}")),
            (None, None) => {}
        }
        Ok(())
    }

    /// SQLite takes no `DEFAULT` among VALUES: a row without the auto-increment key, in
    /// an INSERT where other rows set theirs, writes `NULL`, which makes SQLite assign the
    /// next rowid (GORM's sqlite `DefaultValueOf`). The host marks such a value as the raw
    /// SQL `DEFAULT`, which the other dialects write as is.
    fn write_insert_values(&self, w: &mut SqlWriter, ins: &Insert) -> DbResult<()> {
        if !ins
            .rows
            .iter()
            .flat_map(|r| r.iter())
            .any(is_default_marker)
        {
            return defaults::write_insert_values(self, w, ins);
        }
        let mut ins = ins.clone();
        for value in ins.rows.iter_mut().flat_map(|r| r.iter_mut()) {
            if is_default_marker(value) {
                *value = Expr::raw("NULL", []);
            }
        }
        defaults::write_insert_values(self, w, &ins)
    }

    /// GORM's sqlite types (see the `ddl` module).
    fn column_type(&self, field: &FieldSchema) -> DbResult<String> {
        Ok(ddl::column_type(field))
    }

    fn ddl_create_table(&self, table: &TableRef, schema: &ModelSchema) -> DbResult<Vec<Sql>> {
        ddl::create_table(self, table, schema, &[])
    }

    fn ddl_create_table_with_foreign_keys(
        &self,
        table: &TableRef,
        schema: &ModelSchema,
        foreign_keys: &[ForeignKeySchema],
    ) -> DbResult<Vec<Sql>> {
        ddl::create_table(self, table, schema, foreign_keys)
    }

    fn ddl_add_foreign_key(&self, table: &TableRef, fk: &ForeignKeySchema) -> DbResult<Vec<Sql>> {
        ddl::add_foreign_key(table, fk)
    }

    fn ddl_drop_constraint(&self, table: &TableRef, name: &str) -> DbResult<Vec<Sql>> {
        ddl::drop_constraint(table, name)
    }

    fn ddl_add_column(&self, table: &TableRef, field: &FieldSchema) -> DbResult<Vec<Sql>> {
        ddl::add_column(self, table, field)
    }

    fn ddl_alter_column(&self, table: &TableRef, field: &FieldSchema) -> DbResult<Vec<Sql>> {
        ddl::alter_column(table, field)
    }

    fn ddl_create_index(&self, table: &TableRef, index: &IndexSchema) -> DbResult<Vec<Sql>> {
        ddl::create_index(self, table, index)
    }

    fn ddl_rename_index(&self, table: &TableRef, from: &str, to: &str) -> DbResult<Vec<Sql>> {
        ddl::rename_index(table, from, to)
    }

    fn ddl_create_view(
        &self,
        view: &TableRef,
        query: &str,
        replace: bool,
        check_option: &str,
    ) -> DbResult<Vec<Sql>> {
        ddl::create_view(self, view, query, replace, check_option)
    }

    fn ddl_list_tables(&self) -> DbResult<Vec<Sql>> {
        crate::catalog::list_tables(self)
    }

    fn ddl_current_database(&self) -> DbResult<Vec<Sql>> {
        crate::catalog::current_database()
    }

    fn lexicon(&self) -> plugorm_plugin_api::kit::lexer::Lexicon {
        plugorm_plugin_api::kit::lexer::Lexicon::SQLITE
    }

    fn ddl_table_definition(&self, table: &TableRef) -> DbResult<Vec<Sql>> {
        rebuild::table_definition(self, table)
    }

    fn ddl_rebuild_table(
        &self,
        table: &TableRef,
        definition: &str,
        dependents: &[plugorm_plugin_api::types::Text],
        change: &TableChange,
    ) -> DbResult<Vec<Sql>> {
        rebuild::rebuild_table(self, table, definition, dependents, change)
    }

    fn ddl_rebuild_session(&self, enter: bool) -> DbResult<Vec<Sql>> {
        rebuild::session(enter)
    }

    fn ddl_foreign_key_violations(&self, table: &TableRef) -> DbResult<Vec<Sql>> {
        rebuild::foreign_key_violations(self, table)
    }

    fn ddl_add_check(&self, table: &TableRef, name: &str, _expression: &str) -> DbResult<Vec<Sql>> {
        ddl::add_check(table, name)
    }

    fn ddl_has_constraint(&self, table: &TableRef, name: &str) -> DbResult<Vec<Sql>> {
        crate::catalog::has_constraint(self, table, name)
    }
}

/// The host's `DEFAULT` value in an INSERT row.
fn is_default_marker(e: &Expr) -> bool {
    matches!(e, Expr::Raw(r) if r.args.is_empty() && r.sql.as_str() == "DEFAULT")
}

impl Dialect for SqliteDialect {
    fn name(&self) -> &str {
        "sqlite"
    }

    fn url_schemes(&self) -> Vec<String> {
        vec!["sqlite".into()]
    }

    fn capabilities(&self) -> Capabilities {
        let mut c = Capabilities::default();
        c.row_locks = false;
        c.insert_id_exact = true;
        c.transactional_ddl = true;
        c
    }

    fn renderer(&self) -> Option<&dyn SqlRenderer> {
        Some(self)
    }

    fn introspection_queries(&self, table: &TableRef) -> DbResult<Vec<Sql>> {
        introspect::queries(self, table)
    }

    fn parse_introspection(&self, table: &TableRef, results: Vec<Rows>) -> DbResult<TableInfo> {
        introspect::parse(table, results)
    }

    fn connect(&self, url: &str, options: PoolOptions) -> BoxFuture<Arc<dyn Pool>> {
        let url = url.to_string();
        Box::pin(in_runtime(async move {
            let (driver, options) = driver_for(&url, options)?;
            let label = driver.url.label.clone();
            let pool = KitPool::open(driver, options).await?;
            tracing::info!(database = %label, "sqlite pool opened");
            Ok(pool)
        }))
    }
}

/// Turns a URL into a driver and the pool options for the kit. An in-memory database
/// lives in its one connection, so that connection is the whole pool and never expires.
pub(crate) fn driver_for(url: &str, options: PoolOptions) -> DbResult<(SqliteDriver, PoolOptions)> {
    let url = url::parse(url)?;
    let options = match url.target {
        url::Target::Memory => PoolOptions {
            max_connections: 1,
            min_connections: 1,
            idle_timeout_ms: Optional::None,
            max_lifetime_ms: Optional::None,
            ..options
        },
        url::Target::Named { .. } => options,
    };
    Ok((SqliteDriver { url }, options))
}
