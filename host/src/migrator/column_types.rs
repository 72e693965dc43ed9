//! GORM's `ColumnTypes`: each column of a model's table as the database describes it,
//! read through the dialect's introspection.

use plugorm_plugin_api::{
    migrate::{ColumnInfo, Ddl, TableInfo},
    statement::TableRef,
    DbError,
};

use super::{model_table, Migrator};
use crate::{model::Model, Error, Result};

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
    /// The column's comment (PostgreSQL's `COMMENT ON COLUMN`, MySQL's `COMMENT`, SQL
    /// Server's `MS_Description`); `None` where there is none, and on SQLite, which has no
    /// comments.
    pub comment: Option<String>,
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
            comment: None,
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
        let table = model_table::<T>();
        let info = self.describe_ref(&table).await?;
        let mut columns: Vec<ColumnType> = info
            .columns
            .iter()
            .map(|c| ColumnType::from_info(c, &info))
            .collect();
        if columns.is_empty() {
            return Ok(columns);
        }
        let comments = self.column_comments(&table).await?;
        for c in &mut columns {
            c.comment = comments
                .iter()
                .find(|(name, _)| name.eq_ignore_ascii_case(&c.name))
                .map(|(_, comment)| comment.clone());
        }
        Ok(columns)
    }

    /// `(column, comment)` of each commented column; none from a dialect without
    /// comments (or older than the read, 0.2.4).
    async fn column_comments(&self, table: &TableRef) -> Result<Vec<(String, String)>> {
        let read = Ddl::ColumnComments {
            table: table.clone(),
        };
        let what = "reading the column comments";
        let rows = match self.read(&read, what).await {
            Ok(rows) => rows,
            Err(Error::Db(DbError::Unsupported(_))) => return Ok(Vec::new()),
            Err(e) => return Err(e),
        };
        let mut out = Vec::new();
        for row in rows.iter() {
            let name = row.get_at::<String>(0).map_err(Error::from)?;
            let comment = row.get_at::<Option<String>>(1).map_err(Error::from)?;
            if let Some(comment) = comment.filter(|c| !c.is_empty()) {
                out.push((name, comment));
            }
        }
        Ok(out)
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
