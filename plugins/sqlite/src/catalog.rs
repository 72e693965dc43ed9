//! Catalog reads of the migrator: the main database's tables (its own `sqlite_` tables left out) and its name.

use plugorm_plugin_api::{
    render::{ddl, SqlRenderer, SqlWriter},
    statement::TableRef,
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

/// Whether the table's stored definition names the constraint: SQLite lists named
/// constraints nowhere else, so, as GORM's sqlite migrator does, the `CREATE TABLE` text is
/// matched for `CONSTRAINT <name> ` in each of SQLite's quoting styles (the name's `%`,
/// `_` and `\` escaped for LIKE, which ignores ASCII case as SQLite's names do).
pub(crate) fn has_constraint<R: SqlRenderer + ?Sized>(
    r: &R,
    table: &TableRef,
    name: &str,
) -> DbResult<Vec<Sql>> {
    let text = |t: String| Value::Text(t.into()).into_ffi();
    let mut escaped = String::new();
    for c in name.chars() {
        if matches!(c, '%' | '_' | '\\') {
            escaped.push('\\');
        }
        escaped.push(c);
    }
    let doubled = |q: char| escaped.replace(q, &format!("{q}{q}"));
    let patterns = [
        format!("%CONSTRAINT \"{}\" %", doubled('"')),
        format!("%CONSTRAINT `{}` %", doubled('`')),
        format!("%CONSTRAINT [{escaped}] %"),
        format!("%CONSTRAINT {escaped} %"),
    ];
    let mut w = SqlWriter::default();
    w.push_str("SELECT COUNT(*) FROM ");
    ddl::write_schema_prefix(r, &mut w, table);
    w.push_str("sqlite_master WHERE type = 'table' AND tbl_name = ");
    r.write_param(&mut w, text(table.name.to_string()));
    w.push_str(" COLLATE NOCASE AND (");
    for (i, pattern) in patterns.into_iter().enumerate() {
        if i > 0 {
            w.push_str(" OR ");
        }
        w.push_str("sql LIKE ");
        r.write_param(&mut w, text(pattern));
        w.push_str(" ESCAPE '\\'");
    }
    w.push(')');
    Ok(vec![w.finish()])
}
