//! Catalog reads of the migrator: the default schema's base tables and the database's name.

use plugorm_plugin_api::{
    render::{ddl, SqlRenderer, SqlWriter},
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
