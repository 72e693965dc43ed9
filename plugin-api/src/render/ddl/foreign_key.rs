//! FOREIGN KEY constraints: written inside `CREATE TABLE`, added to an existing table
//! with `ALTER TABLE … ADD CONSTRAINT`, and dropped by name.
//!
//! The form is GORM's: `CONSTRAINT "fk_users_pets" FOREIGN KEY ("user_id") REFERENCES
//! "users"("id")`, then ` ON DELETE <action>` and ` ON UPDATE <action>` (delete first)
//! when the model declares them. Actions are checked against the five SQL knows, since
//! they are written into the DDL, not bound.

use super::{alter_table, finish, require_name, require_table, write_ddl_table};
use crate::{
    migrate::ForeignKeySchema,
    render::{SqlRenderer, SqlWriter},
    statement::TableRef,
    DbError, DbResult, Sql,
};

/// The referential actions SQL defines, in their canonical spelling.
const ACTIONS: [&str; 5] = [
    "CASCADE",
    "SET NULL",
    "SET DEFAULT",
    "RESTRICT",
    "NO ACTION",
];

/// A referential action in canonical upper case (`set  null` → `SET NULL`), `None` when
/// empty, or an error naming the constraint for anything else.
///
/// ```
/// use plugorm_plugin_api::render::ddl::referential_action;
/// assert_eq!(referential_action("fk", "on delete", " set  null ").unwrap(), Some("SET NULL"));
/// assert_eq!(referential_action("fk", "on delete", "").unwrap(), None);
/// assert!(referential_action("fk", "on delete", "CASCADE; DROP TABLE x").is_err());
/// ```
pub fn referential_action(
    constraint: &str,
    which: &str,
    action: &str,
) -> DbResult<Option<&'static str>> {
    let words: Vec<&str> = action.split_whitespace().collect();
    if words.is_empty() {
        return Ok(None);
    }
    let spelled = words.join(" ").to_ascii_uppercase();
    ACTIONS
        .iter()
        .find(|a| **a == spelled)
        .copied()
        .map(Some)
        .ok_or_else(|| {
            DbError::Render(format!(
                "foreign key `{constraint}`: invalid {which} action `{action}` (expected one of {})",
                ACTIONS.join(", ")
            ))
        })
}

fn write_columns<R: SqlRenderer + ?Sized>(r: &R, w: &mut SqlWriter, columns: &[&str]) {
    w.push('(');
    for (i, c) in columns.iter().enumerate() {
        if i > 0 {
            w.push(',');
        }
        r.write_ident(w, c);
    }
    w.push(')');
}

/// Writes `CONSTRAINT "name" FOREIGN KEY ("c") REFERENCES "t"("id")[ ON DELETE a][ ON
/// UPDATE a]`, refusing an empty name, column list or referenced table, lists of
/// different lengths and unknown actions.
///
/// ```
/// use plugorm_plugin_api::migrate::ForeignKeySchema;
/// use plugorm_plugin_api::render::{ddl, SqlRenderer, SqlWriter};
/// use plugorm_plugin_api::statement::TableRef;
/// struct Ansi;
/// impl SqlRenderer for Ansi {}
/// let fk = ForeignKeySchema::new("fk_users_pets", ["user_id"], TableRef::new("users"), ["id"])
///     .on_delete("cascade");
/// let mut w = SqlWriter::default();
/// ddl::write_foreign_key(&Ansi, &mut w, &fk).unwrap();
/// assert_eq!(
///     w.text(),
///     r#"CONSTRAINT "fk_users_pets" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE"#
/// );
/// ```
pub fn write_foreign_key<R: SqlRenderer + ?Sized>(
    r: &R,
    w: &mut SqlWriter,
    fk: &ForeignKeySchema,
) -> DbResult<()> {
    require_name("constraint", &fk.name, "a FOREIGN KEY")?;
    let name = fk.name.as_str();
    require_table(
        &fk.referenced_table,
        &format!("the references of foreign key `{name}`"),
    )?;
    let columns: Vec<&str> = fk.columns.iter().map(|c| c.as_str()).collect();
    let referenced: Vec<&str> = fk.referenced_columns.iter().map(|c| c.as_str()).collect();
    if columns.is_empty() || columns.len() != referenced.len() {
        return Err(DbError::Render(format!(
            "foreign key `{name}` has {} column(s) referencing {} column(s); it needs one or more, as many on each side",
            columns.len(),
            referenced.len()
        )));
    }
    for c in columns.iter().chain(&referenced) {
        require_name("column", c, &format!("foreign key `{name}`"))?;
    }
    let on_delete = referential_action(name, "ON DELETE", &fk.on_delete)?;
    let on_update = referential_action(name, "ON UPDATE", &fk.on_update)?;
    w.push_str("CONSTRAINT ");
    r.write_ident(w, name);
    w.push_str(" FOREIGN KEY ");
    write_columns(r, w, &columns);
    w.push_str(" REFERENCES ");
    write_ddl_table(r, w, &fk.referenced_table);
    write_columns(r, w, &referenced);
    if let Some(a) = on_delete {
        w.push_str(" ON DELETE ");
        w.push_str(a);
    }
    if let Some(a) = on_update {
        w.push_str(" ON UPDATE ");
        w.push_str(a);
    }
    Ok(())
}

/// `ALTER TABLE t ADD CONSTRAINT …` (G133).
///
/// ```
/// use plugorm_plugin_api::migrate::ForeignKeySchema;
/// use plugorm_plugin_api::render::{ddl, SqlRenderer};
/// use plugorm_plugin_api::statement::TableRef;
/// struct Ansi;
/// impl SqlRenderer for Ansi {}
/// let fk = ForeignKeySchema::new("fk_users_pets", ["user_id"], TableRef::new("users"), ["id"]);
/// let sql = ddl::add_foreign_key(&Ansi, &TableRef::new("pets"), &fk).unwrap();
/// assert_eq!(
///     sql[0].text.as_str(),
///     r#"ALTER TABLE "pets" ADD CONSTRAINT "fk_users_pets" FOREIGN KEY ("user_id") REFERENCES "users"("id")"#
/// );
/// ```
pub fn add_foreign_key<R: SqlRenderer + ?Sized>(
    r: &R,
    table: &TableRef,
    fk: &ForeignKeySchema,
) -> DbResult<Vec<Sql>> {
    require_table(table, "ADD CONSTRAINT")?;
    let mut w = alter_table(r, table);
    w.push_str("ADD ");
    write_foreign_key(r, &mut w, fk)?;
    Ok(vec![finish(w)])
}

/// `ALTER TABLE t DROP CONSTRAINT name` (G133).
///
/// ```
/// use plugorm_plugin_api::render::{ddl, SqlRenderer};
/// use plugorm_plugin_api::statement::TableRef;
/// struct Ansi;
/// impl SqlRenderer for Ansi {}
/// let sql = ddl::drop_constraint(&Ansi, &TableRef::new("pets"), "fk_users_pets").unwrap();
/// assert_eq!(sql[0].text.as_str(), r#"ALTER TABLE "pets" DROP CONSTRAINT "fk_users_pets""#);
/// ```
pub fn drop_constraint<R: SqlRenderer + ?Sized>(
    r: &R,
    table: &TableRef,
    name: &str,
) -> DbResult<Vec<Sql>> {
    require_table(table, "DROP CONSTRAINT")?;
    require_name("constraint", name, "DROP CONSTRAINT")?;
    let mut w = alter_table(r, table);
    w.push_str("DROP CONSTRAINT ");
    r.write_ident(&mut w, name);
    Ok(vec![finish(w)])
}
