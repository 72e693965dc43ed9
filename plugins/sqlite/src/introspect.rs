//! Describing a table from SQLite's catalogue, for AutoMigrate.
//!
//! Three queries, every value bound as a parameter (the optional schema name is an
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
    kit::introspect::{self, declared_size},
    migrate::{ColumnInfo, ForeignKeyInfo, IndexInfo, TableInfo},
    render::SqlRenderer,
    render::SqlWriter,
    statement::TableRef,
    types::{Optional, Text},
    DbError, DbResult, Rows, Sql, Value,
};

const QUERIES: usize = 5;

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
                "SELECT cid, name, type, `notnull` AS not_null, dflt_value, pk \
                 FROM pragma_table_info(?) ORDER BY cid",
                [text(name)],
            ),
            Sql::new(
                "SELECT il.seq AS seq, il.name AS index_name, il.`unique` AS is_unique, \
                 il.origin AS origin, ii.seqno AS seqno, ii.name AS column_name \
                 FROM pragma_index_list(?) AS il JOIN pragma_index_info(il.name) AS ii \
                 ORDER BY il.seq, ii.seqno",
                [text(name)],
            ),
        ),
        Some(s) => (
            Sql::new(
                "SELECT cid, name, type, `notnull` AS not_null, dflt_value, pk \
                 FROM pragma_table_info(?, ?) ORDER BY cid",
                [text(name), text(s)],
            ),
            Sql::new(
                "SELECT il.seq AS seq, il.name AS index_name, il.`unique` AS is_unique, \
                 il.origin AS origin, ii.seqno AS seqno, ii.name AS column_name \
                 FROM pragma_index_list(?, ?) AS il JOIN pragma_index_info(il.name, ?) AS ii \
                 ORDER BY il.seq, ii.seqno",
                [text(name), text(s), text(s)],
            ),
        ),
    };
    Ok(vec![exists, columns, indexes, foreign_keys, master])
}

/// One row per column pair of each foreign key, in key order.
const FOREIGN_KEYS: &str =
    "SELECT id, seq, \"table\" AS referenced_table, \"from\" AS column_name, \
     \"to\" AS referenced_column, on_update, on_delete \
     FROM pragma_foreign_key_list({args}) ORDER BY id, seq";

fn context(table: &TableRef, what: &str, e: DbError) -> DbError {
    DbError::Decode {
        detail: format!("sqlite description of table `{}` ({what}): {e}", table.name),
    }
}

/// Reads the results of [`queries`] into a [`TableInfo`].
pub(crate) fn parse(table: &TableRef, results: Vec<Rows>) -> DbResult<TableInfo> {
    if results.len() != QUERIES {
        return Err(DbError::Decode {
            detail: format!(
                "sqlite description of table `{}`: expected {QUERIES} result sets, got {}",
                table.name,
                results.len()
            ),
        });
    }
    let (exists_rows, column_rows, index_rows) = (&results[0], &results[1], &results[2]);
    let (fk_rows, master_rows) = (&results[3], &results[4]);

    let mut count = 0i64;
    for row in exists_rows.iter() {
        count += row
            .get::<i64>("n")
            .map_err(|e| context(table, "existence", e))?;
    }
    if count == 0 {
        return Ok(TableInfo::default());
    }

    let mut columns = Vec::with_capacity(column_rows.len());
    for row in column_rows.iter() {
        let read = || -> DbResult<ColumnInfo> {
            let sql_type = row.get::<Option<String>>("type")?.unwrap_or_default();
            let sql_type = sql_type.trim().to_ascii_lowercase();
            let primary_key = row.get::<i64>("pk")? > 0;
            let not_null = row.get::<i64>("not_null")? != 0;
            Ok(ColumnInfo {
                name: row.get::<String>("name")?.into(),
                size: declared_size(&sql_type),
                sql_type: sql_type.into(),
                nullable: !not_null && !primary_key,
                default: match row.get::<Option<String>>("dflt_value")? {
                    Some(d) => Optional::Some(d.into()),
                    None => Optional::None,
                },
                primary_key,
            })
        };
        columns.push(read().map_err(|e| context(table, "columns", e))?);
    }

    let mut indexes: Vec<IndexInfo> = Vec::new();
    for row in index_rows.iter() {
        let read = || -> DbResult<(String, bool, bool, Option<String>)> {
            Ok((
                row.get::<String>("index_name")?,
                row.get::<i64>("is_unique")? != 0,
                row.get::<Option<String>>("origin")?.as_deref() == Some("pk"),
                row.get::<Option<String>>("column_name")?,
            ))
        };
        let (name, unique, primary, column) = read().map_err(|e| context(table, "indexes", e))?;
        // Rows come in index order, so an index's members are contiguous; an expression
        // member has no column name.
        match indexes.last_mut() {
            Some(last) if last.name.as_str() == name => {
                if let Some(c) = column {
                    last.columns.push(c.into());
                }
            }
            _ => indexes.push(IndexInfo {
                name: Text::from(name),
                unique,
                primary,
                columns: column.into_iter().map(Text::from).collect(),
            }),
        }
    }

    let mut create_sql = String::new();
    for row in master_rows.iter() {
        let sql = row
            .get::<Option<String>>("sql")
            .map_err(|e| context(table, "definition", e))?;
        create_sql = sql.unwrap_or_default();
    }
    let named = introspect::named_foreign_keys(&create_sql);
    let mut foreign_keys: Vec<(i64, ForeignKeyInfo)> = Vec::new();
    for row in fk_rows.iter() {
        let read = || -> DbResult<(i64, String, String, Option<String>, String, String)> {
            Ok((
                row.get::<i64>("id")?,
                row.get::<String>("referenced_table")?,
                row.get::<String>("column_name")?,
                row.get::<Option<String>>("referenced_column")?,
                row.get::<String>("on_delete")?,
                row.get::<String>("on_update")?,
            ))
        };
        let (id, referenced_table, column, referenced, on_delete, on_update) =
            read().map_err(|e| context(table, "foreign keys", e))?;
        match foreign_keys.last_mut() {
            Some((last, fk)) if *last == id => {
                fk.columns.push(column.into());
                fk.referenced_columns
                    .push(referenced.unwrap_or_default().into());
            }
            _ => foreign_keys.push((
                id,
                ForeignKeyInfo {
                    name: Text::new(),
                    columns: vec![Text::from(column)].into(),
                    referenced_table: referenced_table.into(),
                    referenced_columns: vec![Text::from(referenced.unwrap_or_default())].into(),
                    on_delete: on_delete.to_ascii_uppercase().into(),
                    on_update: on_update.to_ascii_uppercase().into(),
                },
            )),
        }
    }
    let foreign_keys: Vec<ForeignKeyInfo> = foreign_keys
        .into_iter()
        .map(|(_, mut fk)| {
            let columns: Vec<&str> = fk.columns.iter().map(|c| c.as_str()).collect();
            if let Some(name) = introspect::constraint_name_for(&named, &columns) {
                fk.name = name.into();
            }
            fk
        })
        .collect();

    Ok(TableInfo {
        exists: true,
        columns: columns.into(),
        indexes: indexes.into(),
        foreign_keys: foreign_keys.into(),
    })
}
