//! Inserting a key the caller chose into an IDENTITY column (G73).
//!
//! SQL Server refuses a value for an IDENTITY column unless the session turned
//! `IDENTITY_INSERT` on for that table, so GORM's sqlserver driver writes
//!
//! ```text
//! SET IDENTITY_INSERT "users" ON;INSERT INTO "users" (…,"id") OUTPUT INSERTED."id" VALUES (…);SET IDENTITY_INSERT "users" OFF;
//! ```
//!
//! The host asks for this without naming it: an INSERT whose `returning` list names a
//! column that is also among its `columns` writes a key the database would otherwise
//! generate (the model's auto-increment key, which the plugin's DDL makes IDENTITY).
//!
//! The three statements are one envelope: the driver accepts exactly this shape where it
//! otherwise runs one statement per call ([`split_envelope`]). With parameters the text
//! runs through `sp_executesql`, and SQL Server restores a `SET` made inside it when the
//! call returns, so a failed INSERT never leaves the session's `IDENTITY_INSERT` on.
//!
//! With `IDENTITY_INSERT` on, every row must give the key (`DEFAULT` is refused by the
//! server), so a batch where some rows set the key and others leave it to the database is
//! refused before anything is sent, naming the column.

use plugorm_plugin_api::{
    render::{ddl::write_ddl_table, SqlRenderer, SqlWriter},
    statement::{Expr, Insert},
    types::Text,
    DbError, DbResult,
};

const ON: &str = "SET IDENTITY_INSERT ";

/// The identity column an INSERT writes explicitly, if any (see the module docs).
pub(crate) fn explicit_column(ins: &Insert) -> Option<&Text> {
    ins.returning
        .iter()
        .find(|r| r.as_str() != "*" && ins.columns.iter().any(|c| c == *r))
}

/// Writes `SET IDENTITY_INSERT <table> ON;`, the statement `body` writes, then
/// `SET IDENTITY_INSERT <table> OFF;`; refuses rows that leave the key to the database.
pub(crate) fn write_enveloped<R: SqlRenderer + ?Sized>(
    r: &R,
    w: &mut SqlWriter,
    ins: &Insert,
    column: &Text,
    body: impl FnOnce(&mut SqlWriter) -> DbResult<()>,
) -> DbResult<()> {
    refuse_generated_rows(ins, column)?;
    w.push_str(ON);
    write_ddl_table(r, w, &ins.table);
    w.push_str(" ON;");
    body(w)?;
    w.push_str(ON);
    write_ddl_table(r, w, &ins.table);
    w.push_str(" OFF;");
    Ok(())
}

fn refuse_generated_rows(ins: &Insert, column: &Text) -> DbResult<()> {
    let Some(at) = ins.columns.iter().position(|c| c == column) else {
        return Ok(());
    };
    let generated: Vec<String> = ins
        .rows
        .iter()
        .enumerate()
        .filter(|(_, row)| {
            matches!(row.get(at), Some(Expr::Raw(raw))
                if raw.args.is_empty() && raw.sql.trim().eq_ignore_ascii_case("DEFAULT"))
        })
        .map(|(n, _)| n.to_string())
        .collect();
    if generated.is_empty() {
        return Ok(());
    }
    Err(DbError::Render(format!(
        "SQL Server cannot insert rows that set the identity column `{}` of `{}` together \
         with rows that leave it to the database (rows {}): insert the records with a key \
         and those without one in separate calls",
        column,
        ins.table.name,
        generated.join(", ")
    )))
}

/// The statement inside an identity-insert envelope, or `None` when `text` is not one.
///
/// The envelope is exactly `SET IDENTITY_INSERT <t> ON;<statement>SET IDENTITY_INSERT <t>
/// OFF;` with the same table both times, as [`write_enveloped`] writes it; the caller
/// still checks that `<statement>` is one statement.
///
/// ```ignore
/// let t = r#"SET IDENTITY_INSERT "u" ON;INSERT INTO "u" ("id") VALUES (@p1);SET IDENTITY_INSERT "u" OFF;"#;
/// assert_eq!(split_envelope(t), Some(r#"INSERT INTO "u" ("id") VALUES (@p1);"#));
/// ```
pub(crate) fn split_envelope(text: &str) -> Option<&str> {
    let rest = text.strip_prefix(ON)?;
    let on_end = rest.find(" ON;")?;
    let table = &rest[..on_end];
    if table.is_empty() || table.contains(';') {
        return None;
    }
    let body = &rest[on_end + " ON;".len()..];
    let off = format!("{ON}{table} OFF;");
    let inner = body.strip_suffix(off.as_str())?;
    let inner_trimmed = inner.trim_start();
    let verb = inner_trimmed
        .split(|c: char| !c.is_ascii_alphabetic())
        .next()
        .unwrap_or_default();
    (verb.eq_ignore_ascii_case("INSERT") || verb.eq_ignore_ascii_case("MERGE")).then_some(inner)
}

#[cfg(test)]
mod tests {
    use super::split_envelope;

    #[test]
    fn the_envelope_yields_its_one_statement() {
        let t = r#"SET IDENTITY_INSERT "u" ON;INSERT INTO "u" ("id") VALUES (@p1);SET IDENTITY_INSERT "u" OFF;"#;
        assert_eq!(
            split_envelope(t),
            Some(r#"INSERT INTO "u" ("id") VALUES (@p1);"#)
        );
        let m = r#"SET IDENTITY_INSERT "s"."u" ON;MERGE INTO "s"."u" USING (VALUES(@p1)) AS excluded ("id") ON 1 = 0 WHEN NOT MATCHED THEN INSERT ("id") VALUES ("excluded"."id");SET IDENTITY_INSERT "s"."u" OFF;"#;
        assert!(split_envelope(m).is_some_and(|s| s.starts_with("MERGE INTO")));
    }

    #[test]
    fn anything_else_is_not_an_envelope() {
        for t in [
            r#"INSERT INTO "u" ("id") VALUES (@p1)"#,
            // Another table turned off than on.
            r#"SET IDENTITY_INSERT "u" ON;INSERT INTO "u" ("id") VALUES (@p1);SET IDENTITY_INSERT "v" OFF;"#,
            // Not an insert inside.
            r#"SET IDENTITY_INSERT "u" ON;DELETE FROM "u";SET IDENTITY_INSERT "u" OFF;"#,
            // Left on.
            r#"SET IDENTITY_INSERT "u" ON;INSERT INTO "u" ("id") VALUES (@p1);"#,
            // Something after the envelope.
            r#"SET IDENTITY_INSERT "u" ON;INSERT INTO "u" ("id") VALUES (@p1);SET IDENTITY_INSERT "u" OFF;DROP TABLE x;"#,
            r#"SET IDENTITY_INSERT ; ON;INSERT INTO "u" VALUES (1);SET IDENTITY_INSERT ; OFF;"#,
        ] {
            assert_eq!(split_envelope(t), None, "{t}");
        }
    }
}
