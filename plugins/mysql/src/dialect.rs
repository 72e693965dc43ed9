//! The MySQL / MariaDB dialect: rendering overrides and connection URLs.

use std::sync::Arc;

use plugorm_plugin_api::{
    dialect::{Capabilities, Dialect, InsertIdRow, PoolOptions, UpsertStyle},
    migrate::{ForeignKeySchema, TableInfo},
    render::{defaults, SqlRenderer, SqlWriter},
    runtime::in_runtime,
    schema::{FieldSchema, IndexColumn, IndexSchema, ModelSchema},
    statement::{Conflict, Delete, Insert, Lock, Select, TableRef, Update},
    types::Text,
    BoxFuture, DbResult, Pool, Rows, Sql,
};

use crate::{ddl, driver, introspect, lock, write, LockSupport};

/// `LIMIT` for an offset without a limit: MySQL has no OFFSET alone, and its manual's
/// form of "all the remaining rows" is the largest unsigned 64-bit number.
const NO_LIMIT: &str = "18446744073709551615";

/// The MySQL / MariaDB dialect.
///
/// ```
/// use plugorm_plugin_api::{statement::{Select, Statement, TableRef}, Dialect};
/// let mut q = Select::from_table(TableRef::new("users"));
/// q.offset = Some(20).into();
/// let sql = plugorm_mysql::MysqlDialect::new().render(&Statement::Select(q)).unwrap();
/// assert_eq!(sql.text.as_str(), "SELECT * FROM `users` LIMIT 18446744073709551615 OFFSET ?");
/// assert_eq!(sql.params.len(), 1);
/// ```
///
/// Locking clauses follow what the servers this process has connected to accept
/// ([`LockSupport::current`]); [`MysqlDialect::with_locks`] fixes that set instead.
///
/// ```
/// use plugorm_plugin_api::{migrate::Ddl, schema::{DataType, FieldSchema}, statement::TableRef, Dialect};
/// let ddl = Ddl::AddColumn { table: TableRef::new("users"), field: FieldSchema::new("age", "age", DataType::UInt) };
/// let sql = Dialect::render_ddl(&plugorm_mysql::MysqlDialect::new(), &ddl).unwrap();
/// assert_eq!(sql[0].text.as_str(), "ALTER TABLE `users` ADD `age` bigint unsigned");
/// ```
#[derive(Debug, Clone, Copy, Default)]
pub struct MysqlDialect {
    locks: Option<LockSupport>,
}

impl MysqlDialect {
    /// The dialect, with locking syntax chosen from the servers connected to.
    pub fn new() -> MysqlDialect {
        MysqlDialect { locks: None }
    }

    /// The dialect writing locks for servers that accept `locks` (renders without
    /// connecting, for one known kind of server).
    ///
    /// ```
    /// use plugorm_mysql::{LockSupport, MysqlDialect};
    /// let d = MysqlDialect::with_locks(LockSupport::MARIADB_10_6);
    /// # let _ = d;
    /// ```
    pub fn with_locks(locks: LockSupport) -> MysqlDialect {
        MysqlDialect { locks: Some(locks) }
    }

    fn lock_support(&self) -> LockSupport {
        self.locks.unwrap_or_else(LockSupport::current)
    }
}

impl SqlRenderer for MysqlDialect {
    fn quote_char(&self) -> char {
        '`'
    }

    /// `LIMIT ? OFFSET ?`, both bound; an offset alone gets the largest limit.
    fn write_limit_offset(
        &self,
        w: &mut SqlWriter,
        limit: Option<u64>,
        offset: Option<u64>,
        select: &Select,
    ) -> DbResult<()> {
        match (limit, offset) {
            (None, Some(o)) => {
                w.push_str(" LIMIT ");
                w.push_str(NO_LIMIT);
                defaults::write_offset(self, w, o);
                Ok(())
            }
            _ => defaults::write_limit_offset(self, w, limit, offset, select),
        }
    }

    fn write_lock(&self, w: &mut SqlWriter, lock: &Lock) -> DbResult<()> {
        lock::write_lock(self, w, lock, self.lock_support())
    }

    /// ` VALUES (?,?)`, or ` () VALUES ()` for rows of defaults.
    fn write_insert_values(&self, w: &mut SqlWriter, ins: &Insert) -> DbResult<()> {
        write::write_values(self, w, ins)
    }

    fn write_on_conflict(
        &self,
        w: &mut SqlWriter,
        ins: &Insert,
        conflict: &Conflict,
    ) -> DbResult<()> {
        write::write_on_duplicate_key(self, w, ins, conflict)
    }

    /// MySQL has no RETURNING (GORM's mysql driver leaves the clause out, G104/G113); keys
    /// come back through `LAST_INSERT_ID()`.
    fn write_returning(&self, _w: &mut SqlWriter, cols: &[Text]) {
        if !cols.is_empty() {
            tracing::debug!(?cols, "mysql has no RETURNING; clause left out");
        }
    }

    fn write_update(&self, w: &mut SqlWriter, u: &Update) -> DbResult<()> {
        write::write_update(self, w, u)
    }

    fn write_delete(&self, w: &mut SqlWriter, d: &Delete) -> DbResult<()> {
        write::write_delete(self, w, d)
    }

    fn column_type(&self, field: &FieldSchema) -> DbResult<String> {
        Ok(ddl::column_type(field))
    }

    fn write_index_column(
        &self,
        w: &mut SqlWriter,
        index_name: &str,
        column: &IndexColumn,
    ) -> DbResult<()> {
        ddl::write_index_column(self, w, index_name, column)
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

    fn write_column_definition(&self, w: &mut SqlWriter, field: &FieldSchema) -> DbResult<()> {
        ddl::write_column_definition(self, w, field)
    }

    fn ddl_alter_column(&self, table: &TableRef, field: &FieldSchema) -> DbResult<Vec<Sql>> {
        ddl::alter_column(self, table, field)
    }

    fn ddl_create_index(&self, table: &TableRef, index: &IndexSchema) -> DbResult<Vec<Sql>> {
        ddl::create_index(self, table, index)
    }

    fn ddl_rename_index(&self, table: &TableRef, from: &str, to: &str) -> DbResult<Vec<Sql>> {
        ddl::rename_index(self, table, from, to)
    }

    fn ddl_drop_index(&self, table: &TableRef, name: &str) -> DbResult<Vec<Sql>> {
        ddl::drop_index(self, table, name)
    }

    fn ddl_list_tables(&self) -> DbResult<Vec<Sql>> {
        crate::catalog::list_tables(self)
    }

    fn ddl_current_database(&self) -> DbResult<Vec<Sql>> {
        crate::catalog::current_database()
    }

    fn lexicon(&self) -> plugorm_plugin_api::kit::lexer::Lexicon {
        plugorm_plugin_api::kit::lexer::Lexicon::MYSQL
    }

    fn ddl_migration_lock(&self, acquire: bool) -> DbResult<Vec<Sql>> {
        crate::catalog::migration_lock(self, acquire)
    }

    fn ddl_column_comments(&self, table: &TableRef) -> DbResult<Vec<Sql>> {
        crate::catalog::column_comments(self, table)
    }

    fn ddl_has_constraint(&self, table: &TableRef, name: &str) -> DbResult<Vec<Sql>> {
        plugorm_plugin_api::render::ddl::has_constraint(
            self,
            table,
            name,
            &crate::catalog::CONSTRAINTS,
        )
    }
}

impl Dialect for MysqlDialect {
    fn name(&self) -> &str {
        "mysql"
    }

    fn url_schemes(&self) -> Vec<String> {
        vec!["mysql".into(), "mariadb".into()]
    }

    fn capabilities(&self) -> Capabilities {
        let mut c = Capabilities::default();
        c.returning = false;
        c.upsert = UpsertStyle::OnDuplicateKey;
        c.max_params = 65_535;
        c.insert_id_row = InsertIdRow::First;
        c.insert_id_exact = true;
        c
    }

    fn renderer(&self) -> Option<&dyn SqlRenderer> {
        Some(self)
    }

    fn introspection_queries(&self, table: &TableRef) -> DbResult<Vec<Sql>> {
        introspect::queries(table)
    }

    fn parse_introspection(&self, table: &TableRef, results: Vec<Rows>) -> DbResult<TableInfo> {
        introspect::parse(table, results)
    }

    fn connect(&self, url: &str, options: PoolOptions) -> BoxFuture<Arc<dyn Pool>> {
        let url = url.to_string();
        Box::pin(in_runtime(async move { driver::open(&url, options).await }))
    }
}
