//! INSERT / UPDATE / DELETE as MySQL writes them: `ON DUPLICATE KEY UPDATE`, rows of
//! defaults, and `ORDER BY … LIMIT ?` on UPDATE and DELETE (GORM's mysql clause order).

use plugorm_plugin_api::{
    render::{defaults, SqlRenderer, SqlWriter},
    statement::{Conflict, ConflictAction, Delete, Expr, Insert, Update},
    types::Optional,
    DbError, DbResult, Value,
};

/// ` VALUES (?,?),(?,?)`; rows that take every default are ` () VALUES (),()` (MySQL has
/// no `DEFAULT VALUES`).
pub(crate) fn write_values<R: SqlRenderer + ?Sized>(
    r: &R,
    w: &mut SqlWriter,
    ins: &Insert,
) -> DbResult<()> {
    if ins.columns.is_empty() {
        w.push_str(" () VALUES ");
        for i in 0..ins.rows.len().max(1) {
            if i > 0 {
                w.push(',');
            }
            w.push_str("()");
        }
        return Ok(());
    }
    defaults::write_insert_values(r, w, ins)
}

/// `excluded.c` — the value the INSERT proposed for `c` — is `VALUES(c)` in MySQL.
fn excluded_column(e: &Expr) -> Option<&str> {
    match e {
        Expr::Column(c) => match &c.table {
            Optional::Some(t) if t.as_str().eq_ignore_ascii_case("excluded") => Some(&c.name),
            _ => None,
        },
        _ => None,
    }
}

fn write_values_of<R: SqlRenderer + ?Sized>(r: &R, w: &mut SqlWriter, column: &str) {
    w.push_str("VALUES(");
    r.write_ident(w, column);
    w.push(')');
}

/// ` ON DUPLICATE KEY UPDATE …`. MySQL's clause applies to any unique key, so the
/// conflict target is not written; "do nothing" assigns the first target column (or the
/// first inserted column) to itself; a condition (`DO UPDATE … WHERE`) has no MySQL form
/// and is refused.
pub(crate) fn write_on_duplicate_key<R: SqlRenderer + ?Sized>(
    r: &R,
    w: &mut SqlWriter,
    ins: &Insert,
    conflict: &Conflict,
) -> DbResult<()> {
    if conflict.condition.is_some() {
        return Err(DbError::Unsupported(format!(
            "MySQL's ON DUPLICATE KEY UPDATE has no WHERE condition (upsert into `{}`); \
             filter the rows before inserting, or write the condition into the assignments with IF()",
            ins.table.name
        )));
    }
    w.push_str(" ON DUPLICATE KEY UPDATE ");
    match &conflict.action {
        ConflictAction::DoNothing => {
            let column = conflict
                .target
                .first()
                .or_else(|| ins.columns.first())
                .ok_or_else(|| {
                    DbError::Render(format!(
                        "an upsert into `{}` that does nothing needs a key or an inserted column",
                        ins.table.name
                    ))
                })?;
            r.write_ident(w, column);
            w.push('=');
            r.write_ident(w, column);
        }
        ConflictAction::UpdateColumns(cols) => {
            if cols.is_empty() {
                return Err(DbError::Render(format!(
                    "an upsert into `{}` with no column to update",
                    ins.table.name
                )));
            }
            for (i, c) in cols.iter().enumerate() {
                if i > 0 {
                    w.push(',');
                }
                r.write_ident(w, c);
                w.push('=');
                write_values_of(r, w, c);
            }
        }
        ConflictAction::Update(set) => {
            if set.is_empty() {
                return Err(DbError::Render(format!(
                    "an upsert into `{}` with no assignment",
                    ins.table.name
                )));
            }
            for (i, a) in set.iter().enumerate() {
                if i > 0 {
                    w.push(',');
                }
                r.write_ident(w, &a.column);
                w.push('=');
                match excluded_column(&a.value) {
                    Some(c) => write_values_of(r, w, c),
                    None => r.write_expr(w, &a.value)?,
                }
            }
        }
    }
    Ok(())
}

fn write_limit<R: SqlRenderer + ?Sized>(r: &R, w: &mut SqlWriter, limit: Option<u64>) {
    if let Some(l) = limit {
        w.push_str(" LIMIT ");
        r.write_param(w, Value::from(l).into());
    }
}

/// `UPDATE t SET … WHERE … ORDER BY … LIMIT ?`.
pub(crate) fn write_update<R: SqlRenderer + ?Sized>(
    r: &R,
    w: &mut SqlWriter,
    u: &Update,
) -> DbResult<()> {
    if u.set.is_empty() {
        return Err(DbError::Render("UPDATE without any column to set".into()));
    }
    w.push_str("UPDATE ");
    r.write_table(w, &u.table);
    w.push_str(" SET ");
    r.write_assignments(w, &u.set)?;
    r.write_where(w, &u.conditions)?;
    r.write_order_by(w, &u.order_by)?;
    write_limit(r, w, u.limit.into_option());
    r.write_returning(w, &u.returning);
    Ok(())
}

/// `DELETE FROM t WHERE … ORDER BY … LIMIT ?`.
pub(crate) fn write_delete<R: SqlRenderer + ?Sized>(
    r: &R,
    w: &mut SqlWriter,
    d: &Delete,
) -> DbResult<()> {
    w.push_str("DELETE FROM ");
    r.write_table(w, &d.table);
    r.write_where(w, &d.conditions)?;
    r.write_order_by(w, &d.order_by)?;
    write_limit(r, w, d.limit.into_option());
    r.write_returning(w, &d.returning);
    Ok(())
}
