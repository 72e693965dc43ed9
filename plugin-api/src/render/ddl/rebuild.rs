//! The statements of a table rebuild ([`crate::migrate::Ddl::RebuildTable`]), for a
//! dialect whose `ALTER TABLE` cannot make a change: create the table anew under a
//! temporary name from its stored definition with only that change made, copy every row,
//! drop the old table, give the new one its name. Every other column, check, collation
//! and table option survives, byte for byte.

use super::{require_name, write_check, write_ddl_table, write_foreign_key, write_schema_prefix};
use crate::{
    kit::{
        definition::{spanned_tokens, DefinitionItem, ItemKind, TableDefinition, Token},
        lexer::Lexicon,
    },
    migrate::TableChange,
    render::{SqlRenderer, SqlWriter},
    statement::TableRef,
    types::Text,
    DbError, DbResult, Sql,
};

/// The suffix of the table a rebuild creates before it takes the old one's name.
/// GORM's sqlite migrator's name for it, so the statements are the ones it runs.
pub const REBUILD_SUFFIX: &str = "__temp";

/// `CREATE TABLE t__temp (…changed…)`, `INSERT INTO t__temp(cols) SELECT cols FROM t`,
/// `DROP TABLE t`, `ALTER TABLE t__temp RENAME TO t` (GORM's sqlite migrator's four
/// statements), then each of `dependents` (the stored `CREATE INDEX` / `CREATE TRIGGER`
/// statements the drop removed), its name qualified by the table's schema when the
/// table has one (a stored statement names none, and unqualified it would land in the
/// default schema).
/// `definition` is the stored `CREATE TABLE`, read with `lexicon`; a definition that is
/// not of that shape is refused with [`DbError::Unsupported`], and a change naming a
/// column or constraint the table lacks with [`DbError::Render`].
///
/// ```
/// use plugorm_plugin_api::{kit::lexer::Lexicon, migrate::TableChange, render::{ddl, SqlRenderer}};
/// use plugorm_plugin_api::statement::TableRef;
/// struct Ansi;
/// impl SqlRenderer for Ansi {}
/// let stored = "CREATE TABLE t (a int, b int, CONSTRAINT ck CHECK (a > b))";
/// let drop = TableChange::DropConstraint { name: "ck".into() };
/// let sql = ddl::rebuild_table(&Ansi, Lexicon::STANDARD, &TableRef::new("t"), stored, &[], &drop).unwrap();
/// assert_eq!(sql[0].text.as_str(), r#"CREATE TABLE "t__temp" (a int,b int)"#);
/// assert_eq!(sql[1].text.as_str(), r#"INSERT INTO "t__temp"("a","b") SELECT "a","b" FROM "t""#);
/// assert_eq!(sql[3].text.as_str(), r#"ALTER TABLE "t__temp" RENAME TO "t""#);
/// ```
pub fn rebuild_table<R: SqlRenderer + ?Sized>(
    r: &R,
    lexicon: Lexicon,
    table: &TableRef,
    definition: &str,
    dependents: &[Text],
    change: &TableChange,
) -> DbResult<Vec<Sql>> {
    require_name("table", &table.name, "a table rebuild")?;
    let mut parsed = TableDefinition::parse(definition, lexicon).ok_or_else(|| {
        DbError::Unsupported(format!(
            "cannot read the stored definition of table `{}` to rebuild it: {definition}",
            table.name
        ))
    })?;
    apply(r, lexicon, &mut parsed, table, change)?;
    let temp = TableRef {
        name: format!("{}{REBUILD_SUFFIX}", table.name).into(),
        ..table.clone()
    };
    let columns = parsed.stored_columns();

    let mut create = SqlWriter::default();
    create.push_str("CREATE TABLE ");
    write_ddl_table(r, &mut create, &temp);
    create.push_str(" (");
    let bodies: Vec<&str> = parsed.items.iter().map(|i| i.text.as_str()).collect();
    create.push_str(&bodies.join(","));
    create.push(')');
    create.push_str(&parsed.tail);

    let mut copy = SqlWriter::default();
    copy.push_str("INSERT INTO ");
    write_ddl_table(r, &mut copy, &temp);
    copy.push('(');
    write_names(r, &mut copy, &columns);
    copy.push_str(") SELECT ");
    write_names(r, &mut copy, &columns);
    copy.push_str(" FROM ");
    write_ddl_table(r, &mut copy, table);

    let mut drop = SqlWriter::default();
    drop.push_str("DROP TABLE ");
    write_ddl_table(r, &mut drop, table);

    let mut rename = SqlWriter::default();
    rename.push_str("ALTER TABLE ");
    write_ddl_table(r, &mut rename, &temp);
    rename.push_str(" RENAME TO ");
    r.write_ident(&mut rename, &table.name);

    let mut out = vec![
        create.finish(),
        copy.finish(),
        drop.finish(),
        rename.finish(),
    ];
    for dependent in dependents {
        out.push(Sql::new(qualified(r, lexicon, table, dependent), []));
    }
    Ok(out)
}

/// A stored `CREATE [UNIQUE] INDEX | [TEMP] TRIGGER [IF NOT EXISTS] name …` with `name`
/// qualified by the table's schema, when it has one and the name has none.
///
/// ```ignore
/// // `CREATE INDEX i ON t(a)` of `aux.t` → `CREATE INDEX "aux".i ON t(a)`
/// ```
fn qualified<R: SqlRenderer + ?Sized>(
    r: &R,
    lexicon: Lexicon,
    table: &TableRef,
    stored: &str,
) -> String {
    if table.schema.is_none() {
        return stored.to_string();
    }
    let tokens = spanned_tokens(stored, lexicon);
    const LEAD: [&str; 8] = [
        "CREATE",
        "UNIQUE",
        "INDEX",
        "TEMP",
        "TEMPORARY",
        "TRIGGER",
        "IF",
        "NOT",
    ];
    let mut at = 0;
    while tokens
        .get(at)
        .is_some_and(|(_, t)| LEAD.iter().any(|k| t.is_keyword(k)) || t.is_keyword("EXISTS"))
    {
        at += 1;
    }
    let (Some((name, _)), after) = (tokens.get(at), tokens.get(at + 1)) else {
        return stored.to_string();
    };
    if after.is_some_and(|(_, t)| *t == Token::Punct('.')) {
        return stored.to_string();
    }
    let mut w = SqlWriter::default();
    write_schema_prefix(r, &mut w, table);
    let prefix = w.finish().text;
    format!(
        "{}{prefix}{}",
        stored.get(..name.start).unwrap_or_default(),
        stored.get(name.start..).unwrap_or_default()
    )
}

fn write_names<R: SqlRenderer + ?Sized>(r: &R, w: &mut SqlWriter, names: &[&str]) {
    for (i, name) in names.iter().enumerate() {
        if i > 0 {
            w.push(',');
        }
        r.write_ident(w, name);
    }
}

/// Makes `change` in the definition: one item replaced, added or left out.
fn apply<R: SqlRenderer + ?Sized>(
    r: &R,
    lexicon: Lexicon,
    d: &mut TableDefinition,
    table: &TableRef,
    change: &TableChange,
) -> DbResult<()> {
    match change {
        TableChange::AlterColumn { field } => {
            let at = d.column(&field.column).ok_or_else(|| {
                DbError::Render(format!(
                    "table `{}` has no column `{}` to alter",
                    table.name, field.column
                ))
            })?;
            let mut w = SqlWriter::default();
            r.write_column_definition(&mut w, field)?;
            d.items[at].text = w.finish().text.to_string();
        }
        TableChange::AddForeignKey { foreign_key } => {
            if d.constraint(&foreign_key.name).is_some() {
                return Err(DbError::Render(format!(
                    "table `{}` already has a constraint named `{}`",
                    table.name, foreign_key.name
                )));
            }
            let mut w = SqlWriter::default();
            write_foreign_key(r, &mut w, foreign_key)?;
            d.items.push(DefinitionItem {
                text: w.finish().text.to_string(),
                kind: ItemKind::Constraint {
                    name: Some(foreign_key.name.to_string()),
                },
            });
        }
        TableChange::AddCheck { name, expression } => {
            if d.constraint(name).is_some() {
                return Err(DbError::Render(format!(
                    "table `{}` already has a constraint named `{name}`",
                    table.name
                )));
            }
            let mut w = SqlWriter::default();
            write_check(r, &mut w, name, expression);
            d.items.push(DefinitionItem {
                text: w.finish().text.to_string(),
                kind: ItemKind::Constraint {
                    name: Some(name.to_string()),
                },
            });
        }
        TableChange::DropConstraint { name } => {
            if let Some(at) = d.constraint(name) {
                d.items.remove(at);
                return Ok(());
            }
            // A check written inside a column's definition (SQLite's ADD COLUMN puts it
            // there): the column stays, without it.
            let inline = d
                .items
                .iter()
                .enumerate()
                .find_map(|(i, item)| Some((i, item.without_check(name, lexicon)?)));
            let Some((at, text)) = inline else {
                return Err(DbError::Render(format!(
                    "table `{}` has no constraint named `{name}`",
                    table.name
                )));
            };
            d.items[at].text = text;
        }
    }
    Ok(())
}
