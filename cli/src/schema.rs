//! `plugorm schema URL`: the introspected schema of a database, as text, as JSON, or as a
//! Mermaid ER diagram (`--format mermaid`), one table after the other in name order.

use plugorm::migrator::TableInfo;
use serde_json::json;

/// How the schema is printed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// Aligned text, a block per table.
    Text,
    /// One JSON object: `{"tables": [{name, columns, indexes, foreign_keys}]}`.
    Json,
    /// A Mermaid `erDiagram`: entities with their columns (PK, FK, UK), and a
    /// relationship per foreign key.
    Mermaid,
}

/// Every table of the database `db` is connected to, described, in name order.
pub async fn read(db: &plugorm::Db) -> plugorm::Result<Vec<(String, TableInfo)>> {
    let m = db.migrator();
    let mut tables = Vec::new();
    for name in m.get_tables().await? {
        let info = m.describe_table(&name).await?;
        tables.push((name, info));
    }
    Ok(tables)
}

/// The schema of `tables` (name, description) in `format`.
pub fn render(tables: &[(String, TableInfo)], format: Format) -> String {
    match format {
        Format::Text => text(tables),
        Format::Json => json_text(tables),
        Format::Mermaid => mermaid(tables),
    }
}

fn text(tables: &[(String, TableInfo)]) -> String {
    let mut out = String::new();
    for (name, t) in tables {
        out.push_str(name);
        out.push('\n');
        let width = t.columns.iter().map(|c| c.name.len()).max().unwrap_or(0);
        let type_width = t
            .columns
            .iter()
            .map(|c| c.sql_type.len())
            .max()
            .unwrap_or(0);
        for c in t.columns.iter() {
            let mut line = format!(
                "  {:width$}  {:type_width$}  {}",
                c.name.as_str(),
                c.sql_type.as_str(),
                if c.nullable { "NULL" } else { "NOT NULL" },
            );
            if c.primary_key {
                line.push_str("  PRIMARY KEY");
            }
            if let Some(d) = c.default.as_ref() {
                line.push_str(&format!("  DEFAULT {d}"));
            }
            out.push_str(line.trim_end());
            out.push('\n');
        }
        for i in t.indexes.iter().filter(|i| !i.primary) {
            let cols: Vec<&str> = i.columns.iter().map(|c| c.as_str()).collect();
            out.push_str(&format!(
                "  {}index {} ({})\n",
                if i.unique { "unique " } else { "" },
                i.name,
                cols.join(", ")
            ));
        }
        for fk in t.foreign_keys.iter() {
            let cols: Vec<&str> = fk.columns.iter().map(|c| c.as_str()).collect();
            let refs: Vec<&str> = fk.referenced_columns.iter().map(|c| c.as_str()).collect();
            out.push_str(&format!(
                "  foreign key {} ({}) -> {} ({}) ON DELETE {} ON UPDATE {}\n",
                fk.name,
                cols.join(", "),
                fk.referenced_table,
                refs.join(", "),
                fk.on_delete,
                fk.on_update
            ));
        }
        out.push('\n');
    }
    out
}

fn json_text(tables: &[(String, TableInfo)]) -> String {
    let tables: Vec<serde_json::Value> = tables
        .iter()
        .map(|(name, t)| {
            json!({
                "name": name,
                "columns": t.columns.iter().map(|c| json!({
                    "name": c.name.as_str(),
                    "type": c.sql_type.as_str(),
                    "nullable": c.nullable,
                    "primary_key": c.primary_key,
                    "default": c.default.as_ref().map(|d| d.to_string()),
                    "size": c.size,
                })).collect::<Vec<_>>(),
                "indexes": t.indexes.iter().map(|i| json!({
                    "name": i.name.as_str(),
                    "unique": i.unique,
                    "primary": i.primary,
                    "columns": i.columns.iter().map(|c| c.as_str()).collect::<Vec<_>>(),
                })).collect::<Vec<_>>(),
                "foreign_keys": t.foreign_keys.iter().map(|f| json!({
                    "name": f.name.as_str(),
                    "columns": f.columns.iter().map(|c| c.as_str()).collect::<Vec<_>>(),
                    "referenced_table": f.referenced_table.as_str(),
                    "referenced_columns": f.referenced_columns.iter().map(|c| c.as_str()).collect::<Vec<_>>(),
                    "on_delete": f.on_delete.as_str(),
                    "on_update": f.on_update.as_str(),
                })).collect::<Vec<_>>(),
            })
        })
        .collect();
    let mut out = serde_json::to_string_pretty(&json!({ "tables": tables })).unwrap_or_default();
    out.push('\n');
    out
}

/// A name Mermaid reads as one word: anything else becomes `_`.
fn word(s: &str) -> String {
    let w: String = s
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || "_-()[]".contains(c) {
                c
            } else {
                '_'
            }
        })
        .collect();
    if w.is_empty() {
        "_".into()
    } else {
        w
    }
}

fn mermaid(tables: &[(String, TableInfo)]) -> String {
    let mut out = String::from("erDiagram\n");
    for (name, t) in tables {
        out.push_str(&format!("    {} {{\n", word(name)));
        for c in t.columns.iter() {
            let mut keys = Vec::new();
            if c.primary_key {
                keys.push("PK");
            }
            if t.foreign_keys
                .iter()
                .any(|f| f.columns.iter().any(|x| x.as_str() == c.name.as_str()))
            {
                keys.push("FK");
            }
            if t.indexes.iter().any(|i| {
                i.unique
                    && !i.primary
                    && i.columns.len() == 1
                    && i.columns[0].as_str() == c.name.as_str()
            }) {
                keys.push("UK");
            }
            let keys = if keys.is_empty() {
                String::new()
            } else {
                format!(" {}", keys.join(", "))
            };
            out.push_str(&format!(
                "        {} {}{keys}\n",
                word(c.sql_type.as_str()),
                word(c.name.as_str())
            ));
        }
        out.push_str("    }\n");
    }
    for (name, t) in tables {
        for f in t.foreign_keys.iter() {
            let optional = f
                .columns
                .iter()
                .any(|col| t.column(col.as_str()).is_some_and(|c| c.nullable));
            let parent_end = if optional { "o|" } else { "||" };
            out.push_str(&format!(
                "    {} }}o--{parent_end} {} : \"{}\"\n",
                word(name),
                word(f.referenced_table.as_str()),
                word(f.name.as_str())
            ));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use plugorm::migrator::{ColumnInfo, ForeignKeyInfo, IndexInfo};

    use super::*;

    fn column(name: &str, sql_type: &str, nullable: bool, pk: bool) -> ColumnInfo {
        ColumnInfo {
            name: name.into(),
            sql_type: sql_type.into(),
            nullable,
            default: None.into(),
            primary_key: pk,
            size: 0,
        }
    }

    fn sample() -> Vec<(String, TableInfo)> {
        let users = TableInfo {
            exists: true,
            columns: vec![
                column("id", "bigint", false, true),
                column("email", "character varying(64)", false, false),
            ]
            .into(),
            indexes: vec![IndexInfo {
                name: "uni_users_email".into(),
                unique: true,
                primary: false,
                columns: vec!["email".into()].into(),
            }]
            .into(),
            foreign_keys: Default::default(),
        };
        let pets = TableInfo {
            exists: true,
            columns: vec![
                column("id", "bigint", false, true),
                column("user_id", "bigint", true, false),
            ]
            .into(),
            indexes: Default::default(),
            foreign_keys: vec![ForeignKeyInfo {
                name: "fk_users_pets".into(),
                columns: vec!["user_id".into()].into(),
                referenced_table: "users".into(),
                referenced_columns: vec!["id".into()].into(),
                on_delete: "CASCADE".into(),
                on_update: "NO ACTION".into(),
            }]
            .into(),
        };
        vec![("pets".into(), pets), ("users".into(), users)]
    }

    #[test]
    fn mermaid_marks_keys_and_draws_each_foreign_key() {
        let m = render(&sample(), Format::Mermaid);
        assert!(m.starts_with("erDiagram\n"), "{m}");
        assert!(m.contains("        bigint user_id FK\n"), "{m}");
        assert!(
            m.contains("        character_varying(64) email UK\n"),
            "{m}"
        );
        assert!(
            m.contains("    pets }o--o| users : \"fk_users_pets\"\n"),
            "{m}"
        );
    }

    #[test]
    fn json_and_text_carry_every_part() {
        let j: serde_json::Value = serde_json::from_str(&render(&sample(), Format::Json)).unwrap();
        assert_eq!(j["tables"][0]["name"], "pets");
        assert_eq!(
            j["tables"][0]["foreign_keys"][0]["referenced_table"],
            "users"
        );
        assert_eq!(j["tables"][1]["indexes"][0]["unique"], true);
        let t = render(&sample(), Format::Text);
        assert!(
            t.contains("foreign key fk_users_pets (user_id) -> users (id) ON DELETE CASCADE"),
            "{t}"
        );
        assert!(t.contains("unique index uni_users_email (email)"), "{t}");
        assert!(t.contains("PRIMARY KEY"), "{t}");
    }
}
