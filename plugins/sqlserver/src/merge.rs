//! Upserts as `MERGE`, the form GORM's sqlserver driver writes (G82–G84, G86, G90):
//!
//! ```text
//! MERGE INTO "t" USING (VALUES(@p1,@p2),(@p3,@p4)) AS excluded ("k","a")
//!   ON "t"."k" = "excluded"."k"
//!   WHEN MATCHED THEN UPDATE SET "a"="excluded"."a"        -- not for "do nothing"
//!   WHEN NOT MATCHED THEN INSERT ("k","a") VALUES ("excluded"."k","excluded"."a")
//!   OUTPUT INSERTED."id";                                  -- when keys are read back
//! ```
//!
//! (one line in the real text). As in GORM, a MERGE is written only when every conflict
//! column is among the inserted ones; otherwise no inserted row can match an existing one
//! (a generated key is not known before the insert) and the statement is a plain INSERT
//! (G85, G88, G89). The conflict target is the statement's (the host defaults it to the
//! primary key, as GORM's MERGE always uses the key). Target columns are left out of the
//! update list (the match makes them equal already; an identity column cannot be updated),
//! and an update condition becomes `WHEN MATCHED AND <condition>`.

use plugorm_plugin_api::{
    render::{ddl::write_ddl_table, SqlRenderer, SqlWriter},
    statement::{Assignment, Conflict, ConflictAction, Expr, Insert},
    DbError, DbResult,
};

use crate::write::{write_column_list, write_output_inserted, write_rows};

/// The source alias GORM gives the inserted rows.
const SOURCE: &str = "excluded";

/// The conflict clause to write as a MERGE, when the INSERT has one that applies.
pub(crate) fn applies(ins: &Insert) -> Option<&Conflict> {
    let conflict = ins.on_conflict.as_ref()?;
    let all_inserted = !conflict.target.is_empty()
        && conflict
            .target
            .iter()
            .all(|t| ins.columns.iter().any(|c| c == t));
    all_inserted.then_some(conflict)
}

/// `"excluded"."c"`.
fn write_source_column<R: SqlRenderer + ?Sized>(r: &R, w: &mut SqlWriter, column: &str) {
    r.write_ident(w, SOURCE);
    w.push('.');
    r.write_ident(w, column);
}

/// The assignments of `WHEN MATCHED THEN UPDATE SET`, without the target columns;
/// `None` for "do nothing" (or when only target columns were to be set).
fn updates(conflict: &Conflict) -> DbResult<Option<Vec<Assignment>>> {
    let set: Vec<Assignment> = match &conflict.action {
        ConflictAction::DoNothing => return Ok(None),
        ConflictAction::UpdateColumns(cols) => cols
            .iter()
            .map(|c| Assignment {
                column: c.clone(),
                value: Expr::col(SOURCE, c.clone()),
            })
            .collect(),
        ConflictAction::Update(set) => set.to_vec(),
    };
    if set.is_empty() {
        return Err(DbError::Render(
            "upsert (MERGE) with an update but no column to set".into(),
        ));
    }
    let set: Vec<Assignment> = set
        .into_iter()
        .filter(|a| !conflict.target.iter().any(|t| t == &a.column))
        .collect();
    Ok(Some(set).filter(|s| !s.is_empty()))
}

/// Writes the MERGE of an upsert (see the module documentation).
pub(crate) fn write_merge<R: SqlRenderer + ?Sized>(
    r: &R,
    w: &mut SqlWriter,
    ins: &Insert,
    conflict: &Conflict,
) -> DbResult<()> {
    let set = updates(conflict)?;
    w.push_str("MERGE INTO ");
    r.write_table(w, &ins.table);
    w.push_str(" USING (VALUES");
    write_rows(r, w, ins)?;
    w.push_str(") AS ");
    w.push_str(SOURCE);
    write_column_list(r, w, &ins.columns);
    w.push_str(" ON ");
    let target = ins.table.reference_name();
    for (i, column) in conflict.target.iter().enumerate() {
        if i > 0 {
            w.push_str(" AND ");
        }
        r.write_ident(w, target);
        w.push('.');
        r.write_ident(w, column);
        w.push_str(" = ");
        write_source_column(r, w, column);
    }
    if let Some(set) = set {
        w.push_str(" WHEN MATCHED");
        if let Some(condition) = conflict.condition.as_ref() {
            w.push_str(" AND ");
            r.write_expr(w, condition)?;
        }
        w.push_str(" THEN UPDATE SET ");
        r.write_assignments(w, &set)?;
    }
    w.push_str(" WHEN NOT MATCHED THEN INSERT");
    write_column_list(r, w, &ins.columns);
    w.push_str(" VALUES (");
    for (i, column) in ins.columns.iter().enumerate() {
        if i > 0 {
            w.push(',');
        }
        write_source_column(r, w, column);
    }
    w.push(')');
    write_output_inserted(r, w, &ins.returning);
    w.push(';');
    Ok(())
}

/// Several rows of defaults: an INSERT has at most one `DEFAULT VALUES` row, a MERGE
/// that never matches inserts one per source row:
/// `MERGE INTO "t" USING (VALUES (1),(1)) AS excluded ("n") ON 1 = 0 WHEN NOT MATCHED
/// THEN INSERT DEFAULT VALUES OUTPUT INSERTED."id";`.
pub(crate) fn write_default_rows<R: SqlRenderer + ?Sized>(
    r: &R,
    w: &mut SqlWriter,
    ins: &Insert,
) -> DbResult<()> {
    w.push_str("MERGE INTO ");
    write_ddl_table(r, w, &ins.table);
    w.push_str(" USING (VALUES ");
    let rows = vec!["(1)"; ins.rows.len()];
    w.push_str(&rows.join(","));
    w.push_str(") AS ");
    w.push_str(SOURCE);
    write_column_list(r, w, &["n".into()]);
    w.push_str(" ON 1 = 0 WHEN NOT MATCHED THEN INSERT DEFAULT VALUES");
    write_output_inserted(r, w, &ins.returning);
    w.push(';');
    Ok(())
}
