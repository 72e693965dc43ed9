//! Grouping introspection rows into [`IndexInfo`] and [`ForeignKeyInfo`]: catalogs list
//! one row per (index, column) or (constraint, column pair), ordered so that one index's
//! or one key's rows are contiguous; these fold them into one description each.

use crate::types::Text;

use crate::{
    migrate::{ForeignKeyInfo, IndexInfo},
    row::Rows,
    DbResult,
};

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

    fn text_rows(names: &[&str], rows: &[&[&str]]) -> Rows {
        let columns: Vec<_> = (0..names.len())
            .map(|c| {
                let mut b = ColumnBuilder::new(ColumnKind::TEXT);
                for r in rows {
                    b.push_text(r[c]);
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

    #[test]
    fn composite_foreign_keys_keep_their_column_pairs_in_order() {
        let names = [
            "name",
            "column_name",
            "referenced_table",
            "referenced_column",
            "on_delete",
            "on_update",
        ];
        let rows = text_rows(
            &names,
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
