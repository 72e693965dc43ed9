//! The default rendering steps as free functions (sea-query style): the default methods
//! of [`SqlRenderer`] delegate here, so a dialect overriding a method can call the
//! default for the parts it does not change.
//!
//! ```
//! use plugorm_plugin_api::render::{defaults, render, SqlRenderer, SqlWriter};
//! use plugorm_plugin_api::statement::{Select, Statement, TableRef};
//! use plugorm_plugin_api::DbResult;
//! struct Pg;
//! impl SqlRenderer for Pg {
//!     // PostgreSQL accepts OFFSET alone; everything else is the default.
//!     fn write_limit_offset(&self, w: &mut SqlWriter, limit: Option<u64>, offset: Option<u64>, s: &Select) -> DbResult<()> {
//!         match (limit, offset) {
//!             (None, Some(o)) => { defaults::write_offset(self, w, o); Ok(()) }
//!             _ => defaults::write_limit_offset(self, w, limit, offset, s),
//!         }
//!     }
//! }
//! let mut q = Select::from_table(TableRef::new("t"));
//! q.offset = Some(5).into();
//! assert_eq!(render(&Pg, &Statement::Select(q)).unwrap().text.as_str(), r#"SELECT * FROM "t" OFFSET ?"#);
//! ```

use super::{SqlRenderer, SqlWriter};
use crate::{
    statement::{
        ConflictAction, Delete, FromItem, Insert, JoinKind, Lock, LockStrength, LockWait, Select,
        Update,
    },
    DbError, DbResult,
};

/// The default [`SqlRenderer::write_select`].
///
/// ```
/// use plugorm_plugin_api::render::{defaults, SqlRenderer, SqlWriter};
/// use plugorm_plugin_api::statement::*;
/// struct Ansi;
/// impl SqlRenderer for Ansi {}
/// let mut w = SqlWriter::default();
/// defaults::write_select(&Ansi, &mut w, &Select::from_table(TableRef::new("t"))).unwrap();
/// assert_eq!(w.text(), r#"SELECT * FROM "t""#);
/// ```
pub fn write_select<R: SqlRenderer + ?Sized>(r: &R, w: &mut SqlWriter, s: &Select) -> DbResult<()> {
    w.push_str("SELECT ");
    if s.distinct {
        w.push_str("DISTINCT ");
    }
    write_select_columns(r, w, s)?;
    if !matches!(s.from, FromItem::Nothing) {
        w.push_str(" FROM ");
        r.write_from(w, &s.from)?;
    }
    for join in s.joins.iter() {
        w.push(' ');
        let kw = match join.kind {
            JoinKind::Inner => "INNER JOIN ",
            JoinKind::Left => "LEFT JOIN ",
            JoinKind::Right => "RIGHT JOIN ",
            JoinKind::Cross => "CROSS JOIN ",
        };
        if let FromItem::Raw(raw) = &join.target {
            // Raw join text carries its own keyword (`JOIN emails ON …`).
            super::expr::write_raw(r, w, raw)?;
            continue;
        }
        w.push_str(kw);
        r.write_from(w, &join.target)?;
        if let crate::types::Optional::Some(on) = &join.on {
            w.push_str(" ON ");
            r.write_expr(w, on)?;
        }
    }
    write_select_tail(r, w, s)?;
    if let crate::types::Optional::Some(lock) = &s.lock {
        // A dialect without row locks renders no locking clause (GORM's sqlite driver
        // drops it); the host refuses such reads outside a transaction.
        if w.row_locks() {
            r.write_lock(w, lock)?;
        }
    }
    Ok(())
}

/// The select list of [`write_select`]: `*`, or the columns separated by commas. For a
/// dialect that writes its own SELECT head (SQL Server's `TOP`).
///
/// ```
/// use plugorm_plugin_api::render::{defaults, SqlRenderer, SqlWriter};
/// use plugorm_plugin_api::statement::*;
/// struct Ansi;
/// impl SqlRenderer for Ansi {}
/// let mut w = SqlWriter::default();
/// defaults::write_select_columns(&Ansi, &mut w, &Select::from_table(TableRef::new("t"))).unwrap();
/// assert_eq!(w.text(), "*");
/// ```
pub fn write_select_columns<R: SqlRenderer + ?Sized>(
    r: &R,
    w: &mut SqlWriter,
    s: &Select,
) -> DbResult<()> {
    if s.columns.is_empty() {
        w.push('*');
    }
    for (i, item) in s.columns.iter().enumerate() {
        if i > 0 {
            w.push(',');
        }
        r.write_expr(w, &item.expr)?;
    }
    Ok(())
}

/// Everything of [`write_select`] after FROM and the joins: WHERE, GROUP BY, HAVING,
/// ORDER BY and the paging clause (not the row lock). For a dialect that writes its own
/// FROM (SQL Server's table hints).
///
/// ```
/// use plugorm_plugin_api::render::{defaults, SqlRenderer, SqlWriter};
/// use plugorm_plugin_api::statement::*;
/// struct Ansi;
/// impl SqlRenderer for Ansi {}
/// let mut q = Select::from_table(TableRef::new("t"));
/// q.group_by.push(Expr::bare_col("a"));
/// let mut w = SqlWriter::default();
/// defaults::write_select_tail(&Ansi, &mut w, &q).unwrap();
/// assert_eq!(w.text(), r#" GROUP BY "a""#);
/// ```
pub fn write_select_tail<R: SqlRenderer + ?Sized>(
    r: &R,
    w: &mut SqlWriter,
    s: &Select,
) -> DbResult<()> {
    r.write_where(w, &s.conditions)?;
    if !s.group_by.is_empty() {
        w.push_str(" GROUP BY ");
        r.write_expr_list(w, &s.group_by)?;
    }
    if !s.having.is_empty() {
        w.push_str(" HAVING ");
        super::expr::write_condition_list(r, w, &s.having)?;
    }
    r.write_order_by(w, &s.order_by)?;
    r.write_limit_offset(w, s.limit.into_option(), s.offset.into_option(), s)
}

/// The `LIMIT` written for an offset without a limit: the largest signed 64-bit number,
/// which SQLite, MySQL / MariaDB, PostgreSQL and DuckDB all accept as "every remaining
/// row" (SQLite and MySQL reject `OFFSET` without `LIMIT`).
///
/// ```
/// assert_eq!(plugorm_plugin_api::render::defaults::NO_LIMIT, i64::MAX as u64);
/// ```
pub const NO_LIMIT: u64 = i64::MAX as u64;

/// ` LIMIT ?`, bound.
///
/// ```
/// use plugorm_plugin_api::render::{defaults, SqlRenderer, SqlWriter};
/// struct Ansi;
/// impl SqlRenderer for Ansi {}
/// let mut w = SqlWriter::default();
/// defaults::write_limit(&Ansi, &mut w, 10);
/// assert_eq!(w.text(), " LIMIT ?");
/// ```
pub fn write_limit<R: SqlRenderer + ?Sized>(r: &R, w: &mut SqlWriter, limit: u64) {
    w.push_str(" LIMIT ");
    r.write_param(w, crate::Value::from(limit).into_ffi());
}

/// ` OFFSET ?`, bound.
///
/// ```
/// use plugorm_plugin_api::render::{defaults, SqlRenderer, SqlWriter};
/// struct Ansi;
/// impl SqlRenderer for Ansi {}
/// let mut w = SqlWriter::default();
/// defaults::write_offset(&Ansi, &mut w, 5);
/// assert_eq!(w.text(), " OFFSET ?");
/// ```
pub fn write_offset<R: SqlRenderer + ?Sized>(r: &R, w: &mut SqlWriter, offset: u64) {
    w.push_str(" OFFSET ");
    r.write_param(w, crate::Value::from(offset).into_ffi());
}

/// The default [`SqlRenderer::write_limit_offset`]: ` LIMIT ? OFFSET ?`, both bound
/// (GORM's generic form); an offset alone gets ` LIMIT 9223372036854775807 OFFSET ?`
/// ([`NO_LIMIT`]) so the default is valid on SQLite and MySQL too.
///
/// ```
/// use plugorm_plugin_api::render::{defaults, SqlRenderer, SqlWriter};
/// use plugorm_plugin_api::statement::{Select, TableRef};
/// struct Ansi;
/// impl SqlRenderer for Ansi {}
/// let s = Select::from_table(TableRef::new("t"));
/// let mut w = SqlWriter::default();
/// defaults::write_limit_offset(&Ansi, &mut w, None, Some(5), &s).unwrap();
/// assert_eq!(w.text(), " LIMIT 9223372036854775807 OFFSET ?");
/// ```
pub fn write_limit_offset<R: SqlRenderer + ?Sized>(
    r: &R,
    w: &mut SqlWriter,
    limit: Option<u64>,
    offset: Option<u64>,
    _select: &Select,
) -> DbResult<()> {
    match (limit, offset) {
        (Some(l), o) => {
            write_limit(r, w, l);
            if let Some(o) = o {
                write_offset(r, w, o);
            }
        }
        (None, Some(o)) => {
            w.push_str(" LIMIT ");
            w.push_str(&NO_LIMIT.to_string());
            write_offset(r, w, o);
        }
        (None, None) => {}
    }
    Ok(())
}

/// The default [`SqlRenderer::write_lock`].
///
/// ```
/// use plugorm_plugin_api::render::{defaults, SqlRenderer, SqlWriter};
/// use plugorm_plugin_api::statement::*;
/// struct Ansi;
/// impl SqlRenderer for Ansi {}
/// let mut w = SqlWriter::default();
/// let lock = Lock { strength: LockStrength::Share, of: Default::default(), wait: LockWait::NoWait };
/// defaults::write_lock(&Ansi, &mut w, &lock).unwrap();
/// assert_eq!(w.text(), " FOR SHARE NOWAIT");
/// ```
pub fn write_lock<R: SqlRenderer + ?Sized>(r: &R, w: &mut SqlWriter, lock: &Lock) -> DbResult<()> {
    w.push_str(match lock.strength {
        LockStrength::Update => " FOR UPDATE",
        LockStrength::Share => " FOR SHARE",
        LockStrength::NoKeyUpdate => " FOR NO KEY UPDATE",
        LockStrength::KeyShare => " FOR KEY SHARE",
    });
    if !lock.of.is_empty() {
        w.push_str(" OF ");
        for (i, t) in lock.of.iter().enumerate() {
            if i > 0 {
                w.push(',');
            }
            r.write_ident(w, t);
        }
    }
    match lock.wait {
        LockWait::Wait => {}
        LockWait::NoWait => w.push_str(" NOWAIT"),
        LockWait::SkipLocked => w.push_str(" SKIP LOCKED"),
    }
    Ok(())
}

/// The default [`SqlRenderer::write_insert`].
///
/// ```
/// use plugorm_plugin_api::render::{defaults, SqlRenderer, SqlWriter};
/// use plugorm_plugin_api::statement::*;
/// struct Ansi;
/// impl SqlRenderer for Ansi {}
/// let mut w = SqlWriter::default();
/// let mut ins = Insert::new(TableRef::new("t"), ["a".into()]);
/// ins.rows.push(vec![Expr::value(1i64)].into());
/// defaults::write_insert(&Ansi, &mut w, &ins).unwrap();
/// assert_eq!(w.text(), r#"INSERT INTO "t" ("a") VALUES (?)"#);
/// ```
pub fn write_insert<R: SqlRenderer + ?Sized>(
    r: &R,
    w: &mut SqlWriter,
    ins: &Insert,
) -> DbResult<()> {
    w.push_str("INSERT INTO ");
    r.write_table(w, &ins.table);
    r.write_insert_columns(w, ins);
    r.write_insert_values(w, ins)?;
    if let crate::types::Optional::Some(conflict) = &ins.on_conflict {
        r.write_on_conflict(w, ins, conflict)?;
    }
    r.write_returning(w, &ins.returning);
    Ok(())
}

/// The default [`SqlRenderer::write_insert_values`].
///
/// ```
/// use plugorm_plugin_api::render::{defaults, SqlRenderer, SqlWriter};
/// use plugorm_plugin_api::statement::*;
/// struct Ansi;
/// impl SqlRenderer for Ansi {}
/// let mut w = SqlWriter::default();
/// let ins = Insert::new(TableRef::new("t"), []);
/// defaults::write_insert_values(&Ansi, &mut w, &ins).unwrap();
/// assert_eq!(w.text(), " DEFAULT VALUES");
/// ```
pub fn write_insert_values<R: SqlRenderer + ?Sized>(
    r: &R,
    w: &mut SqlWriter,
    ins: &Insert,
) -> DbResult<()> {
    if ins.columns.is_empty() {
        w.push_str(" DEFAULT VALUES");
        return Ok(());
    }
    w.push_str(" VALUES ");
    for (n, row) in ins.rows.iter().enumerate() {
        if row.len() != ins.columns.len() {
            return Err(DbError::Render(format!(
                "insert row {n} has {} values for {} columns",
                row.len(),
                ins.columns.len()
            )));
        }
        if n > 0 {
            w.push(',');
        }
        w.push('(');
        for (i, v) in row.iter().enumerate() {
            if i > 0 {
                w.push(',');
            }
            r.write_expr(w, v)?;
        }
        w.push(')');
    }
    Ok(())
}

/// The default [`SqlRenderer::write_on_conflict`].
///
/// ```
/// use plugorm_plugin_api::render::{defaults, SqlRenderer, SqlWriter};
/// use plugorm_plugin_api::statement::*;
/// struct Ansi;
/// impl SqlRenderer for Ansi {}
/// let mut w = SqlWriter::default();
/// let ins = Insert::new(TableRef::new("t"), ["a".into()]);
/// let c = Conflict { target: Default::default(), action: ConflictAction::DoNothing, condition: None.into() };
/// defaults::write_on_conflict(&Ansi, &mut w, &ins, &c).unwrap();
/// assert_eq!(w.text(), " ON CONFLICT DO NOTHING");
/// ```
pub fn write_on_conflict<R: SqlRenderer + ?Sized>(
    r: &R,
    w: &mut SqlWriter,
    _ins: &Insert,
    conflict: &crate::statement::Conflict,
) -> DbResult<()> {
    let nothing = matches!(conflict.action, ConflictAction::DoNothing);
    if matches!(&conflict.action, ConflictAction::UpdateColumns(c) if c.is_empty())
        || matches!(&conflict.action, ConflictAction::Update(s) if s.is_empty())
    {
        return Err(DbError::Render(
            "ON CONFLICT DO UPDATE with no column to set".into(),
        ));
    }
    w.push_str(" ON CONFLICT");
    if !conflict.target.is_empty() && !nothing {
        w.push_str(" (");
        for (i, c) in conflict.target.iter().enumerate() {
            if i > 0 {
                w.push(',');
            }
            r.write_ident(w, c);
        }
        w.push(')');
    }
    match &conflict.action {
        ConflictAction::DoNothing => w.push_str(" DO NOTHING"),
        ConflictAction::UpdateColumns(cols) => {
            w.push_str(" DO UPDATE SET ");
            for (i, c) in cols.iter().enumerate() {
                if i > 0 {
                    w.push(',');
                }
                r.write_ident(w, c);
                w.push('=');
                r.write_ident(w, "excluded");
                w.push('.');
                r.write_ident(w, c);
            }
        }
        ConflictAction::Update(set) => {
            w.push_str(" DO UPDATE SET ");
            r.write_assignments(w, set)?;
        }
    }
    // The condition limits which conflicting rows are updated; DO NOTHING updates none,
    // so it has no WHERE (SQL has none there either).
    if let (false, crate::types::Optional::Some(cond)) = (nothing, &conflict.condition) {
        w.push_str(" WHERE ");
        r.write_expr(w, cond)?;
    }
    Ok(())
}

/// The default [`SqlRenderer::write_returning`].
///
/// ```
/// use plugorm_plugin_api::render::{defaults, SqlRenderer, SqlWriter};
/// use plugorm_plugin_api::statement::*;
/// struct Ansi;
/// impl SqlRenderer for Ansi {}
/// let mut w = SqlWriter::default();
/// defaults::write_returning(&Ansi, &mut w, &["id".into()]);
/// assert_eq!(w.text(), r#" RETURNING "id""#);
/// ```
pub fn write_returning<R: SqlRenderer + ?Sized>(
    r: &R,
    w: &mut SqlWriter,
    cols: &[crate::types::Text],
) {
    if cols.is_empty() {
        return;
    }
    w.push_str(" RETURNING ");
    r.write_column_names(w, cols);
}

/// The default [`SqlRenderer::write_update`].
///
/// ```
/// use plugorm_plugin_api::render::{defaults, SqlRenderer, SqlWriter};
/// use plugorm_plugin_api::statement::*;
/// struct Ansi;
/// impl SqlRenderer for Ansi {}
/// let mut w = SqlWriter::default();
/// let mut u = Update::new(TableRef::new("t"));
/// u.set.push(Assignment { column: "a".into(), value: Expr::value(1i64) });
/// defaults::write_update(&Ansi, &mut w, &u).unwrap();
/// assert_eq!(w.text(), r#"UPDATE "t" SET "a"=?"#);
/// ```
pub fn write_update<R: SqlRenderer + ?Sized>(r: &R, w: &mut SqlWriter, u: &Update) -> DbResult<()> {
    if u.set.is_empty() {
        return Err(DbError::Render("UPDATE without any column to set".into()));
    }
    refuse_limited("UPDATE", &u.order_by, u.limit.into_option())?;
    w.push_str("UPDATE ");
    r.write_table(w, &u.table);
    w.push_str(" SET ");
    r.write_assignments(w, &u.set)?;
    r.write_where(w, &u.conditions)?;
    r.write_returning(w, &u.returning);
    Ok(())
}

/// The default [`SqlRenderer::write_delete`].
///
/// ```
/// use plugorm_plugin_api::render::{defaults, SqlRenderer, SqlWriter};
/// use plugorm_plugin_api::statement::*;
/// struct Ansi;
/// impl SqlRenderer for Ansi {}
/// let mut w = SqlWriter::default();
/// defaults::write_delete(&Ansi, &mut w, &Delete::new(TableRef::new("t"))).unwrap();
/// assert_eq!(w.text(), r#"DELETE FROM "t""#);
/// ```
pub fn write_delete<R: SqlRenderer + ?Sized>(r: &R, w: &mut SqlWriter, d: &Delete) -> DbResult<()> {
    refuse_limited("DELETE", &d.order_by, d.limit.into_option())?;
    w.push_str("DELETE FROM ");
    r.write_table(w, &d.table);
    r.write_where(w, &d.conditions)?;
    r.write_returning(w, &d.returning);
    Ok(())
}

/// The default renderer writes no ORDER BY / LIMIT on UPDATE and DELETE (standard SQL
/// has none): a write that asks for them is refused, never run on more rows than asked.
/// A dialect that writes its own UPDATE / DELETE without them calls this too.
///
/// ```
/// use plugorm_plugin_api::render::defaults;
/// assert!(defaults::refuse_limited("UPDATE", &[], None).is_ok());
/// assert!(defaults::refuse_limited("DELETE", &[], Some(10)).is_err());
/// ```
pub fn refuse_limited(
    verb: &str,
    order_by: &[crate::statement::OrderBy],
    limit: Option<u64>,
) -> DbResult<()> {
    if order_by.is_empty() && limit.is_none() {
        return Ok(());
    }
    Err(DbError::Unsupported(format!(
        "{verb} with ORDER BY or LIMIT: this dialect cannot order or limit an {verb} \
         (MySQL and MariaDB can); select the keys first, then {verb} by key"
    )))
}

#[cfg(test)]
mod tests {
    use crate::{
        dialect::Capabilities,
        render::{render, render_with_capabilities, SqlRenderer},
        statement::{Lock, LockStrength, LockWait, Select, Statement, TableRef},
    };

    struct Ansi;
    impl SqlRenderer for Ansi {}

    fn select(limit: Option<u64>, offset: Option<u64>) -> Statement {
        let mut q = Select::from_table(TableRef::new("t"));
        q.limit = limit.into();
        q.offset = offset.into();
        Statement::Select(q)
    }

    #[test]
    fn limit_offset_default_is_valid_without_a_limit() {
        let text = |l, o| render(&Ansi, &select(l, o)).unwrap().text.to_string();
        assert_eq!(text(None, None), r#"SELECT * FROM "t""#);
        assert_eq!(text(Some(3), None), r#"SELECT * FROM "t" LIMIT ?"#);
        assert_eq!(
            text(Some(3), Some(4)),
            r#"SELECT * FROM "t" LIMIT ? OFFSET ?"#
        );
        assert_eq!(
            text(None, Some(4)),
            r#"SELECT * FROM "t" LIMIT 9223372036854775807 OFFSET ?"#
        );
        assert_eq!(
            render(&Ansi, &select(None, Some(4))).unwrap().params.len(),
            1
        );
    }

    #[test]
    fn no_row_locks_renders_no_locking_clause_in_subqueries_too() {
        let lock = Lock {
            strength: LockStrength::Update,
            of: Default::default(),
            wait: LockWait::SkipLocked,
        };
        let mut inner = Select::from_table(TableRef::new("u"));
        inner.lock = Some(lock.clone()).into();
        let mut outer = Select::from_table(TableRef::new("t"));
        outer.from = crate::statement::FromItem::Subquery {
            query: crate::types::Boxed::new(inner),
            alias: "s".into(),
        };
        outer.lock = Some(lock).into();
        let q = Statement::Select(outer);
        let none = Capabilities {
            row_locks: false,
            ..Capabilities::default()
        };
        let with = render_with_capabilities(&Ansi, &q, &Capabilities::default()).unwrap();
        assert_eq!(with.text.matches("FOR UPDATE SKIP LOCKED").count(), 2);
        let without = render_with_capabilities(&Ansi, &q, &none).unwrap();
        assert!(!without.text.contains("FOR"), "{}", without.text);
    }
}
