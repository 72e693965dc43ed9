//! GORM's `ColumnTypes`: each column of a model's table as the database describes it,
//! read through the dialect's introspection.

use plugorm_plugin_api::migrate::{ColumnInfo, TableInfo};

use super::{model_table, Migrator};
use crate::{model::Model, Result};

/// One column as the database describes it (GORM's `ColumnType`).
///
/// ```
/// use plugorm::migrator::ColumnType;
/// let c = ColumnType::default();
/// assert!(c.precision.is_none());
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ColumnType {
    pub name: String,
    /// The type's name without its size (`varchar`, `numeric`, `character varying`).
    pub database_type: String,
    /// The full type as the catalog gives it (`varchar(100)`, `numeric(10,2)`).
    pub column_type: String,
    pub nullable: bool,
    pub primary_key: bool,
    /// A single-column UNIQUE index or constraint covers the column.
    pub unique: bool,
    /// The default expression as the database keeps it.
    pub default: Option<String>,
    /// The declared length of a character or binary type.
    pub length: Option<u32>,
    /// The declared precision and scale of a numeric type (`numeric(p,s)`).
    pub precision: Option<u32>,
    pub scale: Option<u32>,
}

impl ColumnType {
    /// The column as the table's description gives it.
    fn from_info(column: &ColumnInfo, table: &TableInfo) -> ColumnType {
        let column_type = column.sql_type.to_string();
        let (database_type, args) = split_type(&column_type);
        let numeric = ["numeric", "decimal", "dec"]
            .iter()
            .any(|t| database_type.eq_ignore_ascii_case(t));
        let (precision, scale) = match (numeric, args.as_slice()) {
            (true, [p]) => (Some(*p), Some(0)),
            (true, [p, s]) => (Some(*p), Some(*s)),
            _ => (None, None),
        };
        let length = match (numeric, column.size, args.as_slice()) {
            (false, n, _) if n > 0 => Some(n),
            (false, _, [n]) => Some(*n),
            _ => None,
        };
        let unique = table.indexes.iter().any(|i| {
            i.unique
                && i.columns.len() == 1
                && i.columns[0].as_str().eq_ignore_ascii_case(&column.name)
        });
        ColumnType {
            name: column.name.to_string(),
            database_type,
            column_type,
            nullable: column.nullable,
            primary_key: column.primary_key,
            unique,
            default: column.default.as_ref().map(|d| d.to_string()),
            length,
            precision,
            scale,
        }
    }
}

/// `varchar(100)` → (`varchar`, [100]); `numeric(10, 2) unsigned` → (`numeric`, [10, 2]).
/// Arguments that are no numbers (`enum('a','b')`) give none.
fn split_type(sql_type: &str) -> (String, Vec<u32>) {
    let Some((name, rest)) = sql_type.split_once('(') else {
        return (sql_type.trim().to_string(), Vec::new());
    };
    let inside = rest.split_once(')').map(|(a, _)| a).unwrap_or(rest);
    let args: Option<Vec<u32>> = inside.split(',').map(|a| a.trim().parse().ok()).collect();
    (name.trim().to_string(), args.unwrap_or_default())
}

impl Migrator {
    /// The columns of the model's table as the database describes them, in the
    /// table's order (GORM's `ColumnTypes`); empty when the table does not exist.
    ///
    /// ```no_run
    /// # async fn run<User: plugorm::Model>(db: plugorm::Db) -> plugorm::Result<()> {
    /// for c in db.migrator().column_types::<User>().await? {
    ///     println!("{} {} nullable={} unique={}", c.name, c.column_type, c.nullable, c.unique);
    /// }
    /// # Ok(()) }
    /// ```
    pub async fn column_types<T: Model>(&self) -> Result<Vec<ColumnType>> {
        let info = self.describe_ref(&model_table::<T>()).await?;
        Ok(info
            .columns
            .iter()
            .map(|c| ColumnType::from_info(c, &info))
            .collect())
    }
}

#[cfg(test)]
mod tests {
    use super::split_type;

    #[test]
    fn types_split_into_name_and_numbers() {
        assert_eq!(split_type("varchar(100)"), ("varchar".into(), vec![100]));
        assert_eq!(
            split_type("numeric(10, 2) unsigned"),
            ("numeric".into(), vec![10, 2])
        );
        assert_eq!(split_type("text"), ("text".into(), vec![]));
        assert_eq!(split_type("enum('a','b')"), ("enum".into(), vec![]));
    }
}
