//! Catalog reads of the migrator: the current schema's base tables and the database's name, as text.

use plugorm_plugin_api::{
    render::{ddl, SqlRenderer, SqlWriter},
    DbResult, Sql, Value,
};

/// `information_schema.tables` of `CURRENT_SCHEMA()`, the names cast to text (they are `sql_identifier`).
pub(crate) fn list_tables<R: SqlRenderer + ?Sized>(r: &R) -> DbResult<Vec<Sql>> {
    let mut w = SqlWriter::default();
    w.push_str(
        "SELECT table_name::text FROM information_schema.tables \
         WHERE table_schema = CURRENT_SCHEMA() AND table_type = ",
    );
    r.write_param(&mut w, Value::Text("BASE TABLE".into()).into_ffi());
    w.push_str(" ORDER BY 1");
    Ok(vec![w.finish()])
}

/// `SELECT CURRENT_DATABASE()::text`.
pub(crate) fn current_database() -> DbResult<Vec<Sql>> {
    let mut w = SqlWriter::default();
    w.push_str("SELECT CURRENT_DATABASE()::text");
    Ok(vec![w.finish()])
}

/// Where the table's constraints are listed by name: `information_schema` (names cast to
/// text: they are `sql_identifier`), in the current schema unless the table names one.
pub(crate) const CONSTRAINTS: ddl::ConstraintCatalog<'static> = ddl::ConstraintCatalog {
    schema_column: "table_schema::text",
    current_schema: "CURRENT_SCHEMA()",
    table_column: "table_name::text",
    name_column: "constraint_name::text",
    ..ddl::ConstraintCatalog::STANDARD
};
