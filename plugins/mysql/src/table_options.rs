//! [`TableOptions`]: the storage engine, default character set and collation of the tables
//! a database creates.
//!
//! They are set per database URL (`mysql://…/app?engine=InnoDB&table_charset=utf8mb4&
//! table_collation=utf8mb4_unicode_ci`), because the same model may be migrated into
//! databases with different needs, and the operator — not the model — knows them. The
//! pool appends them to every `CREATE TABLE` it runs whose definition ends at its closing
//! parenthesis (so a statement that names its own options, or `CREATE TABLE … SELECT`, is
//! left alone); without any, the server's defaults apply, as with GORM.

use plugorm_plugin_api::{DbError, DbResult};

/// Table options for `CREATE TABLE`.
///
/// ```
/// use plugorm_mysql::TableOptions;
/// let mut o = TableOptions::default();
/// o.set("engine", "InnoDB").unwrap();
/// o.set("table_charset", "utf8mb4").unwrap();
/// assert_eq!(o.clause(), " ENGINE=InnoDB DEFAULT CHARSET=utf8mb4");
/// assert!(o.set("engine", "InnoDB; DROP TABLE x").is_err());
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TableOptions {
    pub engine: Option<String>,
    pub charset: Option<String>,
    pub collation: Option<String>,
}

/// The URL query keys this module reads.
pub(crate) const KEYS: [&str; 3] = ["engine", "table_charset", "table_collation"];

impl TableOptions {
    /// Sets one option from its URL key; the value must be a plain name (letters, digits,
    /// `_`), since it is written into DDL, not bound.
    pub fn set(&mut self, key: &str, value: &str) -> DbResult<()> {
        let value = value.trim();
        if value.is_empty() || !value.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
            return Err(DbError::Config {
                key: Some(key.to_string()),
                message: format!(
                    "`{key}` must be a name made of letters, digits and `_` (such as InnoDB or utf8mb4), not `{value}`"
                ),
            });
        }
        let slot = match key {
            "engine" => &mut self.engine,
            "table_charset" => &mut self.charset,
            "table_collation" => &mut self.collation,
            other => {
                return Err(DbError::Config {
                    key: Some(other.to_string()),
                    message: format!(
                        "unknown table option `{other}` (known: {})",
                        KEYS.join(", ")
                    ),
                })
            }
        };
        *slot = Some(value.to_string());
        Ok(())
    }

    /// True when no option is set.
    pub fn is_empty(&self) -> bool {
        self.engine.is_none() && self.charset.is_none() && self.collation.is_none()
    }

    /// The text appended after `CREATE TABLE t (…)`: ` ENGINE=e DEFAULT CHARSET=c
    /// COLLATE=k`, each part only when set.
    pub fn clause(&self) -> String {
        let mut out = String::new();
        if let Some(e) = &self.engine {
            out.push_str(&format!(" ENGINE={e}"));
        }
        if let Some(c) = &self.charset {
            out.push_str(&format!(" DEFAULT CHARSET={c}"));
        }
        if let Some(c) = &self.collation {
            out.push_str(&format!(" COLLATE={c}"));
        }
        out
    }

    /// `text` with the options appended when it is a `CREATE TABLE` that names none of its
    /// own (see the module documentation); `None` when it is left as it is.
    pub(crate) fn apply(&self, text: &str) -> Option<String> {
        if self.is_empty() {
            return None;
        }
        let trimmed = text.trim_end();
        let head: String = trimmed
            .trim_start()
            .chars()
            .take(13)
            .collect::<String>()
            .to_ascii_uppercase();
        let plain = head == "CREATE TABLE "
            && trimmed.ends_with(')')
            && !trimmed.to_ascii_uppercase().contains(" SELECT ");
        plain.then(|| format!("{trimmed}{}", self.clause()))
    }
}

#[cfg(test)]
mod tests {
    use super::TableOptions;

    fn all() -> TableOptions {
        let mut o = TableOptions::default();
        o.set("engine", "InnoDB").unwrap();
        o.set("table_charset", "utf8mb4").unwrap();
        o.set("table_collation", "utf8mb4_unicode_ci").unwrap();
        o
    }

    #[test]
    fn appended_only_to_plain_create_table() {
        let o = all();
        assert_eq!(
            o.apply("CREATE TABLE `t` (`a` int)").as_deref(),
            Some("CREATE TABLE `t` (`a` int) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci")
        );
        assert_eq!(o.apply("create table t (a int) ENGINE=MyISAM"), None);
        assert_eq!(o.apply("CREATE TABLE t AS SELECT (1)"), None);
        assert_eq!(o.apply("INSERT INTO t VALUES (1)"), None);
        assert_eq!(
            TableOptions::default().apply("CREATE TABLE t (a int)"),
            None
        );
    }

    #[test]
    fn bad_names_are_refused_with_the_key() {
        let mut o = TableOptions::default();
        let e = o.set("table_collation", "x y").unwrap_err().to_string();
        assert!(e.contains("table_collation"), "{e}");
        assert!(o.set("nope", "x").is_err());
    }
}
