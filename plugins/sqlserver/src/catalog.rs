//! Catalog reads of the migrator: the default schema's base tables and the database's name.

use plugorm_plugin_api::{
    render::{ddl, SqlRenderer, SqlWriter},
    statement::TableRef,
    DbResult, Sql, Value,
};

/// `INFORMATION_SCHEMA.TABLES` of `SCHEMA_NAME()` (the user's default schema) in `DB_NAME()`.
pub(crate) fn list_tables<R: SqlRenderer + ?Sized>(r: &R) -> DbResult<Vec<Sql>> {
    let mut w = SqlWriter::default();
    w.push_str(
        "SELECT TABLE_NAME FROM INFORMATION_SCHEMA.TABLES \
         WHERE TABLE_CATALOG = DB_NAME() AND TABLE_SCHEMA = SCHEMA_NAME() AND TABLE_TYPE = ",
    );
    r.write_param(&mut w, Value::Text("BASE TABLE".into()).into_ffi());
    w.push_str(" ORDER BY TABLE_NAME");
    Ok(vec![w.finish()])
}

/// `SELECT DB_NAME()`.
pub(crate) fn current_database() -> DbResult<Vec<Sql>> {
    let mut w = SqlWriter::default();
    w.push_str("SELECT DB_NAME()");
    Ok(vec![w.finish()])
}

/// Where the table's constraints are listed by name: `INFORMATION_SCHEMA`, in the user's
/// default schema unless the table names one.
pub(crate) const CONSTRAINTS: ddl::ConstraintCatalog<'static> = ddl::ConstraintCatalog {
    relation: "INFORMATION_SCHEMA.TABLE_CONSTRAINTS",
    filter: "TABLE_CATALOG = DB_NAME() AND ",
    schema_column: "TABLE_SCHEMA",
    current_schema: "SCHEMA_NAME()",
    table_column: "TABLE_NAME",
    name_column: "CONSTRAINT_NAME",
};

/// Each column's `MS_Description` extended property (what SQL Server tools show as its
/// description), in the user's default schema unless the table names one.
pub(crate) fn column_comments<R: SqlRenderer + ?Sized>(
    r: &R,
    table: &TableRef,
) -> DbResult<Vec<Sql>> {
    let mut w = SqlWriter::default();
    w.push_str(
        "SELECT c.name, CAST(p.value AS nvarchar(4000)) FROM sys.columns c \
         LEFT JOIN sys.extended_properties p ON p.class = 1 AND p.major_id = c.object_id \
         AND p.minor_id = c.column_id AND p.name = 'MS_Description' \
         WHERE c.object_id = OBJECT_ID(QUOTENAME(",
    );
    ddl::write_schema_value(r, &mut w, table, "SCHEMA_NAME()");
    w.push_str(") + '.' + QUOTENAME(");
    r.write_param(&mut w, Value::Text(table.name.clone()).into_ffi());
    w.push_str(")) ORDER BY c.column_id");
    Ok(vec![w.finish()])
}
