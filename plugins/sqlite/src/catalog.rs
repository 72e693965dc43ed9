//! Catalog reads of the migrator: the main database's tables (its own `sqlite_` tables left out) and its name.

use plugorm_plugin_api::{
    render::{SqlRenderer, SqlWriter},
    DbResult, Sql, Value,
};

/// `SELECT name FROM sqlite_master WHERE type = ? AND substr(name, 1, 7) <> ?`, bound `table` and `sqlite_`.
pub(crate) fn list_tables<R: SqlRenderer + ?Sized>(r: &R) -> DbResult<Vec<Sql>> {
    let mut w = SqlWriter::default();
    w.push_str("SELECT name FROM sqlite_master WHERE type = ");
    r.write_param(&mut w, Value::Text("table".into()).into_ffi());
    w.push_str(" AND substr(name, 1, 7) <> ");
    r.write_param(&mut w, Value::Text("sqlite_".into()).into_ffi());
    w.push_str(" ORDER BY name");
    Ok(vec![w.finish()])
}

/// The first attached database's name (`main`), as GORM reads `PRAGMA database_list`.
pub(crate) fn current_database() -> DbResult<Vec<Sql>> {
    let mut w = SqlWriter::default();
    w.push_str("SELECT name FROM pragma_database_list ORDER BY seq LIMIT 1");
    Ok(vec![w.finish()])
}
