//! Grouping introspection rows into [`IndexInfo`] and [`ForeignKeyInfo`]: catalogs list
//! one row per (index, column) or (constraint, column pair), ordered so that one index's
//! or one key's rows are contiguous; these fold them into one description each.
//!
//! A dialect whose catalog queries name their result columns by the conventions below
//! needs no parsing code of its own: [`table_info`] reads the four (or five) results into
//! a [`TableInfo`].

mod constraint_names;

pub use constraint_names::{name_for as constraint_name_for, parse as named_foreign_keys};

use crate::types::Text;

use crate::{
    migrate::{ColumnInfo, ForeignKeyInfo, IndexInfo, TableInfo},
    row::Rows,
    statement::TableRef,
    DbError, DbResult,
};

/// Reads the results of four catalog queries, in this order and with these result
/// column names, into a [`TableInfo`] (what [`crate::Dialect::parse_introspection`]
/// returns):
///
/// 1. existence: one or more rows of `n`, the number of matching tables (0: the table
///    does not exist, and the other results are ignored);
/// 2. columns, in table order: `name`, `type` (the declared type; lower-cased here),
///    `not_null` (true or non-zero), `default` (text or NULL), `primary_key` (true or
///    non-zero) and, optionally, `size` (else the length in the type, `varchar(64)` → 64);
/// 3. indexes, one row per member column, an index's rows contiguous: `name`, `unique`,
///    `primary`, `column_name` (NULL for an expression member), as [`group_indexes`];
/// 4. foreign keys, as [`foreign_keys`] reads them (actions upper-cased);
/// 5. optionally, the table's definition: a row with `sql`, its `CREATE TABLE` text, for a
///    catalog that does not name foreign keys: the catalog's `name` then only groups a
///    key's rows, and a key takes the name of the `CONSTRAINT name FOREIGN KEY (…)` on its
///    columns there, or none ([`named_foreign_keys`]).
///
/// Booleans may come as booleans or integers, so SQLite pragmas and `information_schema`
/// views both fit.
///
/// ```
/// use plugorm_plugin_api::{kit::introspect::table_info, statement::TableRef, Rows};
/// let missing = vec![Rows::default(), Rows::default(), Rows::default(), Rows::default()];
/// assert!(!table_info(&TableRef::new("t"), missing).unwrap().exists);
/// ```
pub fn table_info(table: &TableRef, results: Vec<Rows>) -> DbResult<TableInfo> {
    let context = |what: &str, e: DbError| DbError::Decode {
        detail: format!("description of table `{}` ({what}): {e}", table.name),
    };
    let given = results.len();
    let mut results = results.into_iter();
    let (Some(exists), Some(columns), Some(indexes), Some(fks), definition, None) = (
        results.next(),
        results.next(),
        results.next(),
        results.next(),
        results.next(),
        results.next(),
    ) else {
        return Err(DbError::Decode {
            detail: format!(
                "description of table `{}`: expected 4 or 5 result sets, got {given}",
                table.name
            ),
        });
    };
    let mut count = 0i64;
    for row in exists.iter() {
        count += row.get::<i64>("n").map_err(|e| context("existence", e))?;
    }
    if count == 0 {
        return Ok(TableInfo::default());
    }
    let sized = columns.column_index("size").is_some();
    let mut out = Vec::with_capacity(columns.len());
    for row in columns.iter() {
        let read = || -> DbResult<ColumnInfo> {
            let sql_type = row.get::<Option<String>>("type")?.unwrap_or_default();
            let sql_type = sql_type.trim().to_ascii_lowercase();
            let primary_key = row.get::<bool>("primary_key")?;
            let size = match sized {
                true => row.get::<Option<u32>>("size")?.unwrap_or(0),
                false => declared_size(&sql_type),
            };
            Ok(ColumnInfo {
                name: row.get::<String>("name")?.into(),
                size,
                sql_type: sql_type.into(),
                nullable: !row.get::<bool>("not_null")? && !primary_key,
                default: row.get::<Option<String>>("default")?.map(Text::from).into(),
                primary_key,
            })
        };
        out.push(read().map_err(|e| context("columns", e))?);
    }
    let mut index_rows = Vec::with_capacity(indexes.len());
    for row in indexes.iter() {
        let read = || -> DbResult<IndexRow> {
            Ok(IndexRow {
                name: row.get("name")?,
                unique: row.get("unique")?,
                primary: row.get("primary")?,
                column: row.get("column_name")?,
            })
        };
        index_rows.push(read().map_err(|e| context("indexes", e))?);
    }
    let mut fks = foreign_keys(&fks, |a| a.trim().to_ascii_uppercase())
        .map_err(|e| context("foreign keys", e))?;
    if let Some(definition) = definition {
        let mut text = String::new();
        for row in definition.iter() {
            let sql = row.get::<Option<String>>("sql");
            text = sql
                .map_err(|e| context("definition", e))?
                .unwrap_or_default();
        }
        let named = named_foreign_keys(&text);
        for fk in &mut fks {
            let columns: Vec<&str> = fk.columns.iter().map(|c| c.as_str()).collect();
            fk.name = constraint_name_for(&named, &columns)
                .unwrap_or_default()
                .into();
        }
    }
    Ok(TableInfo {
        exists: true,
        columns: out.into(),
        indexes: group_indexes(index_rows).into(),
        foreign_keys: fks.into(),
    })
}

/// The declared length of a character or binary type (`varchar(100)` → 100), else 0.
///
/// ```
/// use plugorm_plugin_api::kit::introspect::declared_size;
/// assert_eq!(declared_size("varchar(100)"), 100);
/// assert_eq!(declared_size("decimal(10,2)"), 0);
/// ```
pub fn declared_size(sql_type: &str) -> u32 {
    let lower = sql_type.to_ascii_lowercase();
    let sized = ["char", "text", "clob", "binary", "blob"]
        .iter()
        .any(|k| lower.contains(k));
    let Some((_, rest)) = lower.split_once('(').filter(|_| sized) else {
        return 0;
    };
    let digits: String = rest
        .trim_start()
        .chars()
        .take_while(|c| c.is_ascii_digit())
        .collect();
    digits.parse().unwrap_or(0)
}

/// One catalog row of an index: its name, whether it is unique or the primary key's,
/// and one member column (`None` for an expression member).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IndexRow {
    pub name: String,
    pub unique: bool,
    pub primary: bool,
    pub column: Option<String>,
}

/// Folds contiguous rows of the same index into one [`IndexInfo`] each, members in row
/// order.
///
/// ```
/// use plugorm_plugin_api::kit::introspect::{group_indexes, IndexRow};
/// let row = |name: &str, column: &str| IndexRow {
///     name: name.into(), unique: true, primary: false, column: Some(column.into()),
/// };
/// let ix = group_indexes([row("ab", "a"), row("ab", "b"), row("c", "c")]);
/// assert_eq!(ix.len(), 2);
/// assert_eq!(ix[0].columns.len(), 2);
/// ```
pub fn group_indexes(rows: impl IntoIterator<Item = IndexRow>) -> Vec<IndexInfo> {
    let mut out: Vec<IndexInfo> = Vec::new();
    for row in rows {
        match out.last_mut() {
            Some(last) if last.name.as_str() == row.name => {
                if let Some(c) = row.column {
                    last.columns.push(c.into());
                }
            }
            _ => out.push(IndexInfo {
                name: row.name.into(),
                unique: row.unique,
                primary: row.primary,
                columns: row.column.into_iter().map(Text::from).collect(),
            }),
        }
    }
    out
}

/// Reads foreign-key rows with the columns `name`, `column_name`, `referenced_table`,
/// `referenced_column`, `on_delete` and `on_update` (ordered by constraint, then column
/// position) into one [`ForeignKeyInfo`] per constraint. `action` writes a referential
/// action the way [`ForeignKeyInfo`] keeps it (upper case, `NO ACTION`).
///
/// ```
/// use plugorm_plugin_api::{kit::introspect::foreign_keys, Rows};
/// let none = foreign_keys(&Rows::default(), |a| a.to_uppercase()).unwrap();
/// assert!(none.is_empty());
/// ```
pub fn foreign_keys(rows: &Rows, action: impl Fn(&str) -> String) -> DbResult<Vec<ForeignKeyInfo>> {
    let mut out: Vec<ForeignKeyInfo> = Vec::new();
    for row in rows.iter() {
        let name: String = row.get("name")?;
        let column: String = row.get("column_name")?;
        let referenced: String = row.get("referenced_column")?;
        match out.last_mut() {
            Some(last) if last.name.as_str() == name => {
                last.columns.push(column.into());
                last.referenced_columns.push(referenced.into());
            }
            _ => out.push(ForeignKeyInfo {
                name: name.into(),
                columns: vec![Text::from(column)].into(),
                referenced_table: row.get::<String>("referenced_table")?.into(),
                referenced_columns: vec![Text::from(referenced)].into(),
                on_delete: action(&row.get::<String>("on_delete")?).into(),
                on_update: action(&row.get::<String>("on_update")?).into(),
            }),
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::row::{ColumnBuilder, ColumnKind, RowBatch};
    use crate::types::Optional;

    /// One result of `names` columns of `kind`, a row per `rows` entry.
    fn rows_of<T>(
        names: &[&str],
        rows: &[&[T]],
        kind: ColumnKind,
        push: impl Fn(&mut ColumnBuilder, &T),
    ) -> Rows {
        let columns: Vec<_> = (0..names.len())
            .map(|c| {
                let mut b = ColumnBuilder::new(kind);
                for r in rows {
                    push(&mut b, &r[c]);
                }
                b.finish()
            })
            .collect();
        let batch = RowBatch {
            columns: columns.into(),
            len: rows.len() as u64,
        };
        Rows::new(names.iter().map(|n| (*n).into()).collect(), vec![batch])
    }

    fn text_rows(names: &[&str], rows: &[&[&str]]) -> Rows {
        rows_of(names, rows, ColumnKind::TEXT, |b, v| b.push_text(v))
    }

    /// The result columns [`foreign_keys`] reads.
    const FK_COLUMNS: [&str; 6] = [
        "name",
        "column_name",
        "referenced_table",
        "referenced_column",
        "on_delete",
        "on_update",
    ];

    #[test]
    fn composite_foreign_keys_keep_their_column_pairs_in_order() {
        let rows = text_rows(
            &FK_COLUMNS,
            &[
                &["fk_ab", "a", "parents", "x", "cascade", "no action"],
                &["fk_ab", "b", "parents", "y", "cascade", "no action"],
                &["fk_c", "c", "others", "id", "set null", "restrict"],
            ],
        );
        let fks = foreign_keys(&rows, |a| a.to_uppercase()).unwrap();
        assert_eq!(fks.len(), 2);
        assert_eq!(
            fks[0].columns.as_slice(),
            [Text::from("a"), Text::from("b")]
        );
        assert_eq!(
            fks[0].referenced_columns.as_slice(),
            [Text::from("x"), Text::from("y")]
        );
        assert_eq!(fks[0].on_delete.as_str(), "CASCADE");
        assert_eq!(fks[1].on_delete.as_str(), "SET NULL");
        assert_eq!(fks[1].referenced_table.as_str(), "others");
    }

    #[test]
    fn a_missing_column_is_a_decode_error_naming_it() {
        let rows = text_rows(&["name"], &[&["fk"]]);
        let e = foreign_keys(&rows, str::to_string).unwrap_err();
        assert!(e.to_string().contains("column_name"), "{e}");
    }

    fn int_rows(names: &[&str], rows: &[&[i64]]) -> Rows {
        rows_of(names, rows, ColumnKind::I64, |b, v| b.push_i64(*v))
    }

    /// `rows` of text columns followed by integer columns, as one result.
    fn joined(text: Rows, ints: Rows) -> Rows {
        let mut names: Vec<Text> = text.names.iter().cloned().collect();
        names.extend(ints.names.iter().cloned());
        let mut columns: Vec<_> = text.batches[0].columns.iter().cloned().collect();
        columns.extend(ints.batches[0].columns.iter().cloned());
        let len = text.batches[0].len;
        Rows::new(
            names,
            vec![RowBatch {
                columns: columns.into(),
                len,
            }],
        )
    }

    #[test]
    fn conventional_results_read_into_a_table_description() {
        let exists = int_rows(&["n"], &[&[1]]);
        let columns = joined(
            text_rows(
                &["name", "type", "default"],
                &[&["id", "INTEGER", "0"], &["code", "VARCHAR(32)", "x"]],
            ),
            int_rows(&["not_null", "primary_key"], &[&[1, 1], &[0, 0]]),
        );
        let indexes = joined(
            text_rows(
                &["name", "column_name"],
                &[&["idx_ab", "a"], &["idx_ab", "b"]],
            ),
            int_rows(&["unique", "primary"], &[&[1, 0], &[1, 0]]),
        );
        let fks = text_rows(
            &FK_COLUMNS,
            &[&["fk", "code", "codes", "id", "cascade", "no action"]],
        );
        let t = TableRef::new("t");
        let info = table_info(&t, vec![exists, columns, indexes, fks]).unwrap();
        assert!(info.exists);
        assert_eq!(info.columns.len(), 2);
        assert_eq!(info.columns[0].sql_type.as_str(), "integer");
        assert!(info.columns[0].primary_key && !info.columns[0].nullable);
        assert!(info.columns[1].nullable);
        assert_eq!(info.columns[1].size, 32);
        assert_eq!(info.columns[1].default, Optional::Some(Text::from("x")));
        assert_eq!(info.indexes.len(), 1);
        assert!(info.indexes[0].unique);
        assert_eq!(info.indexes[0].columns.len(), 2);
        assert_eq!(info.foreign_keys[0].on_delete.as_str(), "CASCADE");

        let e = table_info(&t, vec![int_rows(&["n"], &[&[1]])]).unwrap_err();
        assert!(e.to_string().contains("expected 4 or 5 result sets"), "{e}");
        let missing_column = vec![
            int_rows(&["n"], &[&[1]]),
            text_rows(&["name"], &[&["id"]]),
            Rows::default(),
            Rows::default(),
        ];
        let e = table_info(&t, missing_column).unwrap_err();
        assert!(e.to_string().contains("columns"), "{e}");
    }

    #[test]
    fn a_definition_names_the_foreign_keys_the_catalog_leaves_unnamed() {
        let results = |definition: Option<&str>| {
            let mut r = vec![
                int_rows(&["n"], &[&[1]]),
                Rows::default(),
                Rows::default(),
                text_rows(
                    &FK_COLUMNS,
                    &[&["fk_0", "code", "codes", "id", "cascade", "no action"]],
                ),
            ];
            r.extend(definition.map(|d| text_rows(&["sql"], &[&[d]])));
            r
        };
        let t = TableRef::new("t");
        let unnamed = table_info(&t, results(None)).unwrap();
        assert_eq!(unnamed.foreign_keys[0].name.as_str(), "fk_0");
        let sql = "CREATE TABLE t (code varchar(32), \
                   CONSTRAINT `fk_t_codes` FOREIGN KEY (`code`) REFERENCES codes(id))";
        let named = table_info(&t, results(Some(sql))).unwrap();
        assert_eq!(named.foreign_keys[0].name.as_str(), "fk_t_codes");
        let anonymous = "CREATE TABLE t (code varchar(32) REFERENCES codes(id))";
        let none = table_info(&t, results(Some(anonymous))).unwrap();
        assert_eq!(none.foreign_keys[0].name.as_str(), "");
    }

    #[test]
    fn sizes() {
        assert_eq!(declared_size("varchar(100)"), 100);
        assert_eq!(declared_size("CHARACTER( 20 )"), 20);
        assert_eq!(declared_size("integer"), 0);
        assert_eq!(declared_size("decimal(10,2)"), 0);
        assert_eq!(declared_size("varchar("), 0);
        assert_eq!(declared_size("varchar(99999999999999)"), 0);
    }

    #[test]
    fn expression_members_are_skipped() {
        let ix = group_indexes([
            IndexRow {
                name: "f".into(),
                unique: false,
                primary: false,
                column: None,
            },
            IndexRow {
                name: "f".into(),
                unique: false,
                primary: false,
                column: Some("b".into()),
            },
        ]);
        assert_eq!(ix.len(), 1);
        assert_eq!(ix[0].columns.as_slice(), [Text::from("b")]);
    }
}
