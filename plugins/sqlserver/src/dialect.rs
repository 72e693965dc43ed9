//! The SQL Server dialect: rendering overrides, capabilities and introspection.

use std::sync::Arc;

use plugorm_plugin_api::{
    dialect::{Capabilities, Dialect, PoolOptions, UpsertStyle},
    migrate::{ForeignKeySchema, TableInfo},
    render::{SqlRenderer, SqlWriter},
    runtime::in_runtime,
    schema::{FieldSchema, IndexSchema, ModelSchema},
    statement::{Delete, Insert, Lock, Select, TableRef, Update},
    BoxFuture, DbResult, Pool, Rows, Sql,
};

use crate::{ddl, driver, introspect, paging, select, write};

/// The most parameters one statement binds: SQL Server takes 2100 per request, and a
/// parameterised statement spends two of them on `sp_executesql`'s own `@stmt` and
/// `@params`.
const MAX_PARAMS: u32 = 2098;

/// The SQL Server dialect, writing SQL as GORM's sqlserver driver does: `"x"` identifiers,
/// `@p1` parameters, literal `OFFSET … FETCH NEXT …` paging ordered by the primary key
/// when the query has no order, `OUTPUT INSERTED.…` to read keys back:
///
/// ```
/// use plugorm_plugin_api::{statement::{Expr, Insert, Select, Statement, TableRef}, Dialect};
/// let d = plugorm_sqlserver::SqlServerDialect::new();
/// let mut q = Select::from_table(TableRef::new("users"));
/// q.filter(Expr::col("users", "name").eq("jinzhu"));
/// q.primary_key = Some("id".into()).into();
/// q.limit = Some(10).into();
/// let sql = d.render(&Statement::Select(q)).unwrap();
/// assert_eq!(
///     sql.text.as_str(),
///     r#"SELECT * FROM "users" WHERE "users"."name" = @p1 ORDER BY "id" OFFSET 0 ROW FETCH NEXT 10 ROWS ONLY"#
/// );
/// let mut ins = Insert::new(TableRef::new("users"), ["name".into()]);
/// ins.rows.push(vec![Expr::value("jinzhu")].into());
/// ins.returning.push("id".into());
/// let sql = d.render(&Statement::Insert(ins)).unwrap();
/// assert_eq!(sql.text.as_str(), r#"INSERT INTO "users" ("name") OUTPUT INSERTED."id" VALUES (@p1);"#);
/// ```
///
/// Upserts are `MERGE` statements, row locks table hints (`WITH (UPDLOCK, ROWLOCK)`, where
/// GORM writes T-SQL's missing `FOR UPDATE`), and DDL uses GORM's sqlserver types:
///
/// ```
/// use plugorm_plugin_api::{migrate::Ddl, schema::{DataType, FieldSchema}, statement::TableRef, Dialect};
/// let mut name = FieldSchema::new("name", "name", DataType::String);
/// name.size = 100;
/// name.not_null = true;
/// let ddl = Ddl::AlterColumn { table: TableRef::new("pets"), field: name };
/// let sql = plugorm_sqlserver::SqlServerDialect::new().render_ddl(&ddl).unwrap();
/// assert_eq!(sql[0].text.as_str(), r#"ALTER TABLE "pets" ALTER COLUMN "name" nvarchar(100) NOT NULL"#);
/// ```
#[derive(Debug, Clone, Copy, Default)]
pub struct SqlServerDialect {}

impl SqlServerDialect {
    /// The dialect.
    ///
    /// ```
    /// use plugorm_plugin_api::Dialect;
    /// assert_eq!(plugorm_sqlserver::SqlServerDialect::new().name(), "sqlserver");
    /// ```
    pub fn new() -> SqlServerDialect {
        SqlServerDialect {}
    }
}

impl SqlRenderer for SqlServerDialect {
    /// `@p1`, `@p2`, … by position.
    fn write_placeholder(&self, w: &mut SqlWriter, index: usize) {
        w.push_str("@p");
        w.push_str(&index.to_string());
    }

    fn write_select(&self, w: &mut SqlWriter, s: &Select) -> DbResult<()> {
        select::write_select(self, w, s)
    }

    fn write_limit_offset(
        &self,
        w: &mut SqlWriter,
        limit: Option<u64>,
        offset: Option<u64>,
        s: &Select,
    ) -> DbResult<()> {
        paging::write_paging(self, w, limit, offset, s);
        Ok(())
    }

    /// Locks are table hints, written by `write_select` after each table; nothing trails.
    fn write_lock(&self, _w: &mut SqlWriter, _lock: &Lock) -> DbResult<()> {
        Ok(())
    }

    fn write_insert(&self, w: &mut SqlWriter, ins: &Insert) -> DbResult<()> {
        write::write_insert(self, w, ins)
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

    fn write_column_definition(&self, w: &mut SqlWriter, field: &FieldSchema) -> DbResult<()> {
        ddl::write_column_definition(self, w, field)
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

    fn ddl_alter_column(&self, table: &TableRef, field: &FieldSchema) -> DbResult<Vec<Sql>> {
        ddl::alter_column(self, table, field)
    }

    fn ddl_create_index(&self, table: &TableRef, index: &IndexSchema) -> DbResult<Vec<Sql>> {
        ddl::create_index(self, table, index)
    }

    fn ddl_drop_index(&self, table: &TableRef, name: &str) -> DbResult<Vec<Sql>> {
        ddl::drop_index(self, table, name)
    }

    fn ddl_rename_column(&self, table: &TableRef, from: &str, to: &str) -> DbResult<Vec<Sql>> {
        ddl::rename_column(self, table, from, to)
    }

    fn ddl_rename_index(&self, table: &TableRef, from: &str, to: &str) -> DbResult<Vec<Sql>> {
        ddl::rename_index(self, table, from, to)
    }

    fn ddl_rename_table(&self, table: &TableRef, to: &str) -> DbResult<Vec<Sql>> {
        ddl::rename_table(self, table, to)
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
        crate::bind::LEXICON
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

impl Dialect for SqlServerDialect {
    fn name(&self) -> &str {
        "sqlserver"
    }

    fn url_schemes(&self) -> Vec<String> {
        vec!["sqlserver".into(), "mssql".into()]
    }

    /// `OUTPUT` reads generated keys and defaults back (`returning`), upserts are MERGE,
    /// row locks are table hints, savepoints `SAVE TRANSACTION`, and a statement binds at
    /// most 2098 parameters.
    fn capabilities(&self) -> Capabilities {
        let mut c = Capabilities::default();
        c.returning = true;
        c.savepoints = true;
        c.upsert = UpsertStyle::Merge;
        c.row_locks = true;
        c.max_params = MAX_PARAMS;
        c.transactional_ddl = true;
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
