//! Catalog reads of the migrator: the current database's base tables and its name.

use plugorm_plugin_api::{
    render::{ddl, SqlRenderer, SqlWriter},
    statement::TableRef,
    DbResult, Sql, Value,
};

/// `information_schema.TABLES` of `DATABASE()`.
pub(crate) fn list_tables<R: SqlRenderer + ?Sized>(r: &R) -> DbResult<Vec<Sql>> {
    let mut w = SqlWriter::default();
    w.push_str(
        "SELECT TABLE_NAME FROM information_schema.TABLES \
         WHERE TABLE_SCHEMA = DATABASE() AND TABLE_TYPE = ",
    );
    r.write_param(&mut w, Value::Text("BASE TABLE".into()).into_ffi());
    w.push_str(" ORDER BY TABLE_NAME");
    Ok(vec![w.finish()])
}

/// `SELECT DATABASE()`.
pub(crate) fn current_database() -> DbResult<Vec<Sql>> {
    let mut w = SqlWriter::default();
    w.push_str("SELECT DATABASE()");
    Ok(vec![w.finish()])
}

/// Where the table's constraints are listed by name: `information_schema`, in the current
/// database unless the table names one.
pub(crate) const CONSTRAINTS: ddl::ConstraintCatalog<'static> = ddl::ConstraintCatalog {
    relation: "information_schema.TABLE_CONSTRAINTS",
    schema_column: "CONSTRAINT_SCHEMA",
    current_schema: "DATABASE()",
    table_column: "TABLE_NAME",
    name_column: "CONSTRAINT_NAME",
    ..ddl::ConstraintCatalog::STANDARD
};

/// Each column's `COLUMN_COMMENT`, in the current database unless the table names one.
pub(crate) fn column_comments<R: SqlRenderer + ?Sized>(
    r: &R,
    table: &TableRef,
) -> DbResult<Vec<Sql>> {
    let mut w = SqlWriter::default();
    w.push_str(
        "SELECT COLUMN_NAME, COLUMN_COMMENT FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = ",
    );
    ddl::write_schema_value(r, &mut w, table, "DATABASE()");
    w.push_str(" AND TABLE_NAME = ");
    r.write_param(&mut w, Value::Text(table.name.clone()).into_ffi());
    w.push_str(" ORDER BY ORDINAL_POSITION");
    Ok(vec![w.finish()])
}

/// How long `GET_LOCK` waits for another run, in seconds.
const MIGRATION_LOCK_WAIT_SECS: i64 = 3600;

/// The lock's name: one per database (names are at most 64 characters).
const MIGRATION_LOCK_NAME: &str = "LEFT(CONCAT('plugorm_migrations:', DATABASE()), 64)";

/// `GET_LOCK(name, 3600)` (1 once granted, 0 after the wait), and `RELEASE_LOCK(name)`.
pub(crate) fn migration_lock<R: SqlRenderer + ?Sized>(r: &R, acquire: bool) -> DbResult<Vec<Sql>> {
    let mut w = SqlWriter::default();
    if acquire {
        w.push_str("SELECT GET_LOCK(");
        w.push_str(MIGRATION_LOCK_NAME);
        w.push_str(", ");
        r.write_param(&mut w, Value::I64(MIGRATION_LOCK_WAIT_SECS).into_ffi());
        w.push(')');
    } else {
        w.push_str("SELECT RELEASE_LOCK(");
        w.push_str(MIGRATION_LOCK_NAME);
        w.push(')');
    }
    Ok(vec![w.finish()])
}
