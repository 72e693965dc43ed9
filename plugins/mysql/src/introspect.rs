//! Describing a table from `information_schema`, for AutoMigrate.
//!
//! Three queries on the table's database (the URL's database, `DATABASE()`, unless the
//! table is qualified as `database.table`), every name bound as a parameter:
//!
//! 1. existence: `TABLES` rows of type `BASE TABLE`;
//! 2. columns: `COLUMNS`, in ordinal order;
//! 3. indexes: `STATISTICS`, one row per indexed column, in index order (unique
//!    constraints are unique indexes in MySQL; the primary key is the index `PRIMARY`);
//! 4. foreign keys: `KEY_COLUMN_USAGE` rows that reference a table, one per column pair in
//!    key order, with the actions from `REFERENTIAL_CONSTRAINTS`.
//!
//! Types are reported as the server writes them, lower case, with the display widths of
//! integer types (`bigint(20)`, MariaDB and MySQL < 8.0.19) dropped so both servers read
//! alike — except `tinyint(1)`, MySQL's boolean.

use plugorm_plugin_api::{
    kit::introspect::{self, group_indexes, IndexRow},
    migrate::{ColumnInfo, TableInfo},
    statement::TableRef,
    types::{Optional, Text},
    DbError, DbResult, Rows, Sql, Value,
};

const QUERIES: usize = 4;

fn text(s: &str) -> Value {
    Value::Text(s.into())
}

/// The introspection queries for a table (see the module documentation).
pub(crate) fn queries(table: &TableRef) -> DbResult<Vec<Sql>> {
    if table.name.trim().is_empty() {
        return Err(DbError::Render(
            "cannot describe a table with an empty name".into(),
        ));
    }
    let schema = table.schema.as_ref().map(|s| s.as_str());
    let (db_cond, mut params) = match schema {
        Some(s) => ("TABLE_SCHEMA = ?", vec![text(s)]),
        None => ("TABLE_SCHEMA = DATABASE()", vec![]),
    };
    params.push(text(&table.name));
    let q = |sql: String| Sql::new(sql, params.clone());
    Ok(vec![
        q(format!(
            "SELECT count(*) AS n FROM information_schema.TABLES \
             WHERE {db_cond} AND TABLE_NAME = ? AND TABLE_TYPE = 'BASE TABLE'"
        )),
        q(format!(
            "SELECT COLUMN_NAME AS name, COLUMN_TYPE AS column_type, IS_NULLABLE AS is_nullable, \
             COLUMN_DEFAULT AS column_default, COLUMN_KEY AS column_key, \
             CHARACTER_MAXIMUM_LENGTH AS char_length, DATA_TYPE AS data_type \
             FROM information_schema.COLUMNS WHERE {db_cond} AND TABLE_NAME = ? \
             ORDER BY ORDINAL_POSITION"
        )),
        q(format!(
            "SELECT INDEX_NAME AS index_name, NON_UNIQUE AS non_unique, \
             SEQ_IN_INDEX AS seq, COLUMN_NAME AS column_name \
             FROM information_schema.STATISTICS WHERE {db_cond} AND TABLE_NAME = ? \
             ORDER BY INDEX_NAME, SEQ_IN_INDEX"
        )),
        q(format!(
            "SELECT k.CONSTRAINT_NAME AS name, k.COLUMN_NAME AS column_name, \
             k.REFERENCED_TABLE_NAME AS referenced_table, \
             k.REFERENCED_COLUMN_NAME AS referenced_column, \
             r.DELETE_RULE AS on_delete, r.UPDATE_RULE AS on_update \
             FROM information_schema.KEY_COLUMN_USAGE k \
             JOIN information_schema.REFERENTIAL_CONSTRAINTS r \
             ON r.CONSTRAINT_SCHEMA = k.CONSTRAINT_SCHEMA AND r.CONSTRAINT_NAME = k.CONSTRAINT_NAME \
             AND r.TABLE_NAME = k.TABLE_NAME \
             WHERE k.{db_cond} AND k.TABLE_NAME = ? AND k.REFERENCED_TABLE_NAME IS NOT NULL \
             ORDER BY k.CONSTRAINT_NAME, k.ORDINAL_POSITION"
        )),
    ])
}

/// `bigint(20) unsigned` → `bigint unsigned`; `tinyint(1)` stays (MySQL's boolean).
fn normalize_type(column_type: &str) -> String {
    let t = column_type.trim().to_ascii_lowercase();
    for int in ["tinyint", "smallint", "mediumint", "bigint", "int"] {
        let Some(rest) = t.strip_prefix(int) else {
            continue;
        };
        let Some(inner) = rest.strip_prefix('(') else {
            return t;
        };
        let Some((width, tail)) = inner.split_once(')') else {
            return t;
        };
        if int == "tinyint" && width == "1" {
            return t;
        }
        return format!("{int}{tail}");
    }
    t
}

/// The declared length of a character or binary type (`varchar(100)` → 100), else 0.
fn declared_size(data_type: &str, char_length: Option<i64>) -> u32 {
    match data_type {
        "char" | "varchar" | "binary" | "varbinary" => {
            char_length.and_then(|n| u32::try_from(n).ok()).unwrap_or(0)
        }
        _ => 0,
    }
}

/// A default as the server reports it; MariaDB writes a NULL default as the text `NULL`.
fn default_of(raw: Option<String>) -> Optional<Text> {
    match raw {
        Some(d) if !d.eq_ignore_ascii_case("null") => Optional::Some(d.into()),
        _ => Optional::None,
    }
}

fn context(table: &TableRef, what: &str, e: DbError) -> DbError {
    DbError::Decode {
        detail: format!("mysql description of table `{}` ({what}): {e}", table.name),
    }
}

/// Reads the results of [`queries`] into a [`TableInfo`].
pub(crate) fn parse(table: &TableRef, results: Vec<Rows>) -> DbResult<TableInfo> {
    if results.len() != QUERIES {
        return Err(DbError::Decode {
            detail: format!(
                "mysql description of table `{}`: expected {QUERIES} result sets, got {}",
                table.name,
                results.len()
            ),
        });
    }
    let (exists_rows, column_rows, index_rows) = (&results[0], &results[1], &results[2]);
    let fk_rows = &results[3];
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
            let column_type = row.get::<String>("column_type")?;
            let data_type = row.get::<String>("data_type")?.to_ascii_lowercase();
            Ok(ColumnInfo {
                name: row.get::<String>("name")?.into(),
                size: declared_size(&data_type, row.get::<Option<i64>>("char_length")?),
                sql_type: normalize_type(&column_type).into(),
                nullable: row
                    .get::<String>("is_nullable")?
                    .eq_ignore_ascii_case("yes"),
                default: default_of(row.get::<Option<String>>("column_default")?),
                primary_key: row.get::<String>("column_key")?.eq_ignore_ascii_case("pri"),
            })
        };
        columns.push(read().map_err(|e| context(table, "columns", e))?);
    }

    let mut index_members = Vec::new();
    for row in index_rows.iter() {
        let read = || -> DbResult<IndexRow> {
            let name: String = row.get("index_name")?;
            Ok(IndexRow {
                primary: name == "PRIMARY",
                name,
                unique: row.get::<i64>("non_unique")? == 0,
                // A functional key part (MySQL 8) has no column name.
                column: row.get("column_name")?,
            })
        };
        index_members.push(read().map_err(|e| context(table, "indexes", e))?);
    }
    // Rows come ordered by index and by constraint, so each one's rows are contiguous.
    let indexes = group_indexes(index_members);
    let foreign_keys = introspect::foreign_keys(fk_rows, |a| a.to_ascii_uppercase())
        .map_err(|e| context(table, "foreign keys", e))?;

    Ok(TableInfo {
        exists: true,
        columns: columns.into(),
        indexes: indexes.into(),
        foreign_keys: foreign_keys.into(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn types_sizes_defaults() {
        assert_eq!(normalize_type("bigint(20) unsigned"), "bigint unsigned");
        assert_eq!(normalize_type("INT(11)"), "int");
        assert_eq!(normalize_type("tinyint(1)"), "tinyint(1)");
        assert_eq!(normalize_type("tinyint(4)"), "tinyint");
        assert_eq!(normalize_type("varchar(191)"), "varchar(191)");
        assert_eq!(normalize_type("decimal(10,2)"), "decimal(10,2)");
        assert_eq!(declared_size("varchar", Some(191)), 191);
        assert_eq!(declared_size("longtext", Some(4_294_967_295)), 0);
        assert!(default_of(Some("NULL".into())).is_none());
        assert_eq!(
            default_of(Some("'x'".into()))
                .map(|d| d.to_string())
                .into_option()
                .as_deref(),
            Some("'x'")
        );
    }
}
