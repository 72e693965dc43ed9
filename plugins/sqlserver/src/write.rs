//! INSERT, UPDATE and DELETE with SQL Server's `OUTPUT` clause in place of `RETURNING`,
//! as GORM's sqlserver driver writes them:
//!
//! * `INSERT INTO "t" ("a","b") OUTPUT INSERTED."id" VALUES (@p1,@p2);` — the OUTPUT
//!   between the column list and VALUES, the statement ending in `;` (G72, G74);
//! * `UPDATE "t" SET "a"=@p1 OUTPUT INSERTED.* WHERE …` (G104) and
//!   `DELETE FROM "t" OUTPUT DELETED.* WHERE …` (G113), columns as
//!   `"DELETED"."code","DELETED"."price"` (G114);
//! * an upsert is a MERGE (see `merge`);
//! * a key the caller sets in an IDENTITY column is written inside
//!   `SET IDENTITY_INSERT "t" ON;…;SET IDENTITY_INSERT "t" OFF;` (G73, see `identity`).
//!
//! Where T-SQL needs another form than GORM writes:
//!
//! * a row of defaults reads its keys back too: `INSERT INTO "t" OUTPUT INSERTED."id"
//!   DEFAULT VALUES;` (GORM leaves OUTPUT out there), and several such rows are one MERGE
//!   (an INSERT has one DEFAULT VALUES row at most);
//! * more than 1000 rows, the most an INSERT's VALUES list may hold, are inserted from a
//!   derived table: `INSERT INTO "t" ("a") OUTPUT … SELECT * FROM (VALUES (@p1),…) AS
//!   excluded ("a");`;
//! * an aliased table (`db.table("users u")`) is updated and deleted through FROM:
//!   `UPDATE "u" SET … FROM "users" "u" WHERE …` (T-SQL has no alias after UPDATE);
//! * UPDATE and DELETE keep no ORDER BY / LIMIT (G103: GORM drops them too).

use plugorm_plugin_api::{
    render::{ddl::write_ddl_table, defaults, SqlRenderer, SqlWriter},
    statement::{Delete, Insert, TableRef, Update},
    types::{Optional, Text},
    DbError, DbResult,
};

use crate::{identity, merge};

/// The most rows an `INSERT … VALUES` list may hold in SQL Server.
const MAX_VALUES_ROWS: usize = 1000;

/// Which pseudo-table an OUTPUT clause reads.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Output {
    Inserted,
    Deleted,
}

impl Output {
    fn name(self) -> &'static str {
        match self {
            Output::Inserted => "INSERTED",
            Output::Deleted => "DELETED",
        }
    }
}

/// ` OUTPUT INSERTED."id", INSERTED."name"` (GORM's form for INSERT and MERGE), or
/// ` OUTPUT INSERTED.*`; nothing without columns.
pub(crate) fn write_output_inserted<R: SqlRenderer + ?Sized>(
    r: &R,
    w: &mut SqlWriter,
    cols: &[Text],
) {
    if cols.is_empty() {
        return;
    }
    w.push_str(" OUTPUT");
    for (i, c) in cols.iter().enumerate() {
        if i > 0 {
            w.push(',');
        }
        w.push_str(" INSERTED.");
        write_column_or_star(r, w, c);
    }
}

/// ` OUTPUT DELETED.*` or ` OUTPUT "DELETED"."a","DELETED"."b"` (GORM's form for UPDATE
/// and DELETE); nothing without columns.
fn write_output<R: SqlRenderer + ?Sized>(r: &R, w: &mut SqlWriter, cols: &[Text], of: Output) {
    if cols.is_empty() {
        return;
    }
    w.push_str(" OUTPUT ");
    for (i, c) in cols.iter().enumerate() {
        if i > 0 {
            w.push(',');
        }
        if c.as_str() == "*" {
            w.push_str(of.name());
            w.push_str(".*");
        } else {
            r.write_ident(w, of.name());
            w.push('.');
            r.write_ident(w, c);
        }
    }
}

fn write_column_or_star<R: SqlRenderer + ?Sized>(r: &R, w: &mut SqlWriter, c: &Text) {
    if c.as_str() == "*" {
        w.push('*');
    } else {
        r.write_ident(w, c);
    }
}

/// ` ("a","b")`.
pub(crate) fn write_column_list<R: SqlRenderer + ?Sized>(r: &R, w: &mut SqlWriter, cols: &[Text]) {
    w.push_str(" (");
    r.write_column_names(w, cols);
    w.push(')');
}

/// `(@p1,@p2),(@p3,@p4)` — the rows of MERGE's source or of a derived table, each as
/// wide as the column list.
pub(crate) fn write_rows<R: SqlRenderer + ?Sized>(
    r: &R,
    w: &mut SqlWriter,
    ins: &Insert,
) -> DbResult<()> {
    for (n, row) in ins.rows.iter().enumerate() {
        if row.len() != ins.columns.len() {
            let (got, want) = (row.len(), ins.columns.len());
            return Err(DbError::Render(format!(
                "insert row {n} has {got} values for {want} columns"
            )));
        }
        w.push_str(if n == 0 { "(" } else { ",(" });
        r.write_expr_list(w, row)?;
        w.push(')');
    }
    Ok(())
}

/// The dialect's INSERT (see the module documentation); a key set by the caller in an
/// IDENTITY column is written inside `SET IDENTITY_INSERT … ON; … OFF;` (see `identity`).
pub(crate) fn write_insert<R: SqlRenderer + ?Sized>(
    r: &R,
    w: &mut SqlWriter,
    ins: &Insert,
) -> DbResult<()> {
    match identity::explicit_column(ins) {
        Some(column) => {
            identity::write_enveloped(r, w, ins, column, |w| write_statement(r, w, ins))
        }
        None => write_statement(r, w, ins),
    }
}

/// The INSERT (or MERGE) itself.
fn write_statement<R: SqlRenderer + ?Sized>(
    r: &R,
    w: &mut SqlWriter,
    ins: &Insert,
) -> DbResult<()> {
    if let Some(conflict) = merge::applies(ins) {
        return merge::write_merge(r, w, ins, conflict);
    }
    if ins.columns.is_empty() {
        if ins.rows.len() > 1 {
            return merge::write_default_rows(r, w, ins);
        }
        w.push_str("INSERT INTO ");
        write_ddl_table(r, w, &ins.table);
        write_output_inserted(r, w, &ins.returning);
        w.push_str(" DEFAULT VALUES;");
        return Ok(());
    }
    if ins.rows.is_empty() {
        return Err(DbError::Render(format!(
            "INSERT into `{}` without any row",
            ins.table.name
        )));
    }
    w.push_str("INSERT INTO ");
    write_ddl_table(r, w, &ins.table);
    write_column_list(r, w, &ins.columns);
    write_output_inserted(r, w, &ins.returning);
    if ins.rows.len() > MAX_VALUES_ROWS {
        w.push_str(" SELECT * FROM (VALUES ");
        write_rows(r, w, ins)?;
        w.push_str(") AS excluded");
        write_column_list(r, w, &ins.columns);
    } else {
        defaults::write_insert_values(r, w, ins)?;
    }
    w.push(';');
    Ok(())
}

/// `UPDATE "t"` or, for an aliased table, `UPDATE "a"` (its FROM comes later).
fn write_target<R: SqlRenderer + ?Sized>(r: &R, w: &mut SqlWriter, table: &TableRef) {
    match &table.alias {
        Optional::Some(alias) => r.write_ident(w, alias),
        Optional::None => r.write_table(w, table),
    }
}

/// ` FROM "t" "a"` for an aliased table.
fn write_alias_from<R: SqlRenderer + ?Sized>(r: &R, w: &mut SqlWriter, table: &TableRef) {
    if table.alias.is_some() {
        w.push_str(" FROM ");
        r.write_table(w, table);
    }
}

/// `UPDATE t SET … [OUTPUT …] [FROM t a] WHERE …` (GORM's clause order: UPDATE, SET,
/// RETURNING as OUTPUT, FROM, WHERE).
pub(crate) fn write_update<R: SqlRenderer + ?Sized>(
    r: &R,
    w: &mut SqlWriter,
    u: &Update,
) -> DbResult<()> {
    if u.set.is_empty() {
        return Err(DbError::Render("UPDATE without any column to set".into()));
    }
    defaults::refuse_limited("UPDATE", &u.order_by, u.limit.into_option())?;
    w.push_str("UPDATE ");
    write_target(r, w, &u.table);
    w.push_str(" SET ");
    r.write_assignments(w, &u.set)?;
    write_output(r, w, &u.returning, Output::Inserted);
    write_alias_from(r, w, &u.table);
    r.write_where(w, &u.conditions)
}

/// `DELETE FROM t [OUTPUT …] WHERE …`, or `DELETE a [OUTPUT …] FROM t a WHERE …` for an
/// aliased table (GORM's order: DELETE, FROM, RETURNING as OUTPUT, WHERE).
pub(crate) fn write_delete<R: SqlRenderer + ?Sized>(
    r: &R,
    w: &mut SqlWriter,
    d: &Delete,
) -> DbResult<()> {
    defaults::refuse_limited("DELETE", &d.order_by, d.limit.into_option())?;
    w.push_str("DELETE ");
    if d.table.alias.is_none() {
        w.push_str("FROM ");
    }
    write_target(r, w, &d.table);
    write_output(r, w, &d.returning, Output::Deleted);
    write_alias_from(r, w, &d.table);
    r.write_where(w, &d.conditions)
}
