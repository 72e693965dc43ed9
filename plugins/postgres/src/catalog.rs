//! Catalog reads of the migrator: the current schema's base tables and the database's name, as text.

use plugorm_plugin_api::{
    render::{ddl, SqlRenderer, SqlWriter},
    statement::TableRef,
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

/// Each column's comment (`col_description`), in the current schema unless the table
/// names one.
pub(crate) fn column_comments<R: SqlRenderer + ?Sized>(
    r: &R,
    table: &TableRef,
) -> DbResult<Vec<Sql>> {
    let mut w = SqlWriter::default();
    w.push_str(
        "SELECT a.attname::text, col_description(a.attrelid, a.attnum) FROM pg_attribute a \
         JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace \
         WHERE c.relname = ",
    );
    r.write_param(&mut w, Value::Text(table.name.clone()).into_ffi());
    w.push_str(" AND n.nspname = ");
    ddl::write_schema_value(r, &mut w, table, "CURRENT_SCHEMA()");
    w.push_str(" AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum");
    Ok(vec![w.finish()])
}

/// The first half of the two-key advisory lock of migrations: "pmig" (an arbitrary
/// constant), the second half being the current schema's hash.
const MIGRATION_LOCK_KEY: i32 = 0x706d_6967;

/// `pg_advisory_lock(key, hashtext(current_schema()))`, which waits as long as it takes
/// (as a query answering 1), and its unlock.
pub(crate) fn migration_lock<R: SqlRenderer + ?Sized>(r: &R, acquire: bool) -> DbResult<Vec<Sql>> {
    let mut w = SqlWriter::default();
    if acquire {
        w.push_str("SELECT 1 FROM (SELECT pg_advisory_lock(");
    } else {
        w.push_str("SELECT pg_advisory_unlock(");
    }
    r.write_param(&mut w, Value::I64(i64::from(MIGRATION_LOCK_KEY)).into_ffi());
    w.push_str("::int, hashtext(current_schema()))");
    if acquire {
        w.push_str(") AS l");
    }
    Ok(vec![w.finish()])
}
