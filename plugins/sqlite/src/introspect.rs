//! Describing a table from SQLite's catalogue, for AutoMigrate: the queries, with their
//! results named as `kit::introspect::table_info` reads them.
//!
//! Five queries, every value bound as a parameter (the optional schema name is an
//! identifier and is quoted):
//!
//! 1. existence: `sqlite_master` rows of type `table` with the name (case-insensitive, as
//!    SQLite compares names);
//! 2. columns: `pragma_table_info(table)`;
//! 3. indexes: `pragma_index_list(table)` joined with `pragma_index_info(index)`, one row
//!    per indexed column, in index order;
//! 4. foreign keys: `pragma_foreign_key_list(table)`, one row per column pair;
//! 5. the table's `CREATE TABLE` text from `sqlite_master`: SQLite keeps no constraint
//!    names in its catalogue, so they are read from there
//!    ([`plugorm_plugin_api::kit::introspect::named_foreign_keys`]).

use plugorm_plugin_api::{
    kit::introspect, migrate::TableInfo, render::SqlRenderer, render::SqlWriter,
    statement::TableRef, DbError, DbResult, Rows, Sql, Value,
};

fn text(s: &str) -> Value {
    Value::Text(s.into())
}

/// The introspection queries for a table (see the module documentation).
pub(crate) fn queries<R: SqlRenderer + ?Sized>(r: &R, table: &TableRef) -> DbResult<Vec<Sql>> {
    if table.name.trim().is_empty() {
        return Err(DbError::Render(
            "cannot describe a table with an empty name".into(),
        ));
    }
    let name = table.name.as_str();
    let schema = table.schema.as_ref().map(|s| s.as_str());

    let mut exists = SqlWriter::default();
    exists.push_str("SELECT count(*) AS n FROM ");
    if let Some(s) = schema {
        r.write_ident(&mut exists, s);
        exists.push('.');
    }
    exists.push_str("sqlite_master WHERE type = ? AND name = ? COLLATE NOCASE");
    let exists = Sql::new(exists.finish().text, [text("table"), text(name)]);

    let mut master = SqlWriter::default();
    master.push_str("SELECT sql FROM ");
    if let Some(s) = schema {
        r.write_ident(&mut master, s);
        master.push('.');
    }
    master.push_str("sqlite_master WHERE type = ? AND name = ? COLLATE NOCASE");
    let master = Sql::new(master.finish().text, [text("table"), text(name)]);
    let foreign_keys = match schema {
        None => Sql::new(FOREIGN_KEYS.replace("{args}", "?"), [text(name)]),
        Some(s) => Sql::new(
            FOREIGN_KEYS.replace("{args}", "?, ?"),
            [text(name), text(s)],
        ),
    };

    let (columns, indexes) = match schema {
        None => (
            Sql::new(
                "SELECT name, type, `notnull` AS not_null, dflt_value AS `default`, \
                 pk > 0 AS primary_key FROM pragma_table_info(?) ORDER BY cid",
                [text(name)],
            ),
            Sql::new(
                "SELECT il.name AS name, il.`unique` AS `unique`, il.origin = 'pk' AS `primary`, \
                 ii.name AS column_name \
                 FROM pragma_index_list(?) AS il JOIN pragma_index_info(il.name) AS ii \
                 ORDER BY il.seq, ii.seqno",
                [text(name)],
            ),
        ),
        Some(s) => (
            Sql::new(
                "SELECT name, type, `notnull` AS not_null, dflt_value AS `default`, \
                 pk > 0 AS primary_key FROM pragma_table_info(?, ?) ORDER BY cid",
                [text(name), text(s)],
            ),
            Sql::new(
                "SELECT il.name AS name, il.`unique` AS `unique`, il.origin = 'pk' AS `primary`, \
                 ii.name AS column_name \
                 FROM pragma_index_list(?, ?) AS il JOIN pragma_index_info(il.name, ?) AS ii \
                 ORDER BY il.seq, ii.seqno",
                [text(name), text(s), text(s)],
            ),
        ),
    };
    Ok(vec![exists, columns, indexes, foreign_keys, master])
}

/// One row per column pair of each foreign key, in key order.
/// `name` only groups a key's rows: the definition names the key (or it has none).
const FOREIGN_KEYS: &str =
    "SELECT 'fk_' || id AS name, \"table\" AS referenced_table, \"from\" AS column_name, \
     coalesce(\"to\", '') AS referenced_column, on_update, on_delete \
     FROM pragma_foreign_key_list({args}) ORDER BY id, seq";

/// Reads the results of [`queries`] into a [`TableInfo`]: named as the kit's reader
/// expects them, the definition last.
pub(crate) fn parse(table: &TableRef, results: Vec<Rows>) -> DbResult<TableInfo> {
    introspect::table_info(table, results)
}
