//! SQL Server's SELECT: the default clause order (GORM's), with two places where T-SQL
//! differs from the generic form:
//!
//! * row locks are table hints written right after each locked table of FROM and JOIN
//!   (`FROM "users" WITH (UPDLOCK, ROWLOCK)`), not a trailing `FOR UPDATE` (see `lock`);
//! * a limit of 0 is `SELECT TOP (0)`, because SQL Server refuses `FETCH NEXT 0 ROWS`;
//!   other limits and offsets are the paging clause after ORDER BY (see `paging`);
//! * a sub-query with an ORDER BY but no paging gets ` OFFSET 0 ROWS`: T-SQL refuses
//!   ORDER BY in a sub-query or derived table without TOP or OFFSET (GORM writes it
//!   bare, which the server rejects). The order itself means nothing to the outer query.

use plugorm_plugin_api::{
    render::{defaults, SqlRenderer, SqlWriter},
    statement::{FromItem, Join, JoinKind, Select},
    DbResult,
};

use crate::{lock::TableHint, paging};

/// Writes a SELECT (the dialect's [`SqlRenderer::write_select`]).
pub(crate) fn write_select<R: SqlRenderer + ?Sized>(
    r: &R,
    w: &mut SqlWriter,
    s: &Select,
) -> DbResult<()> {
    let mut hint = match s.lock.as_ref() {
        Some(lock) if w.row_locks() => Some(TableHint::new(lock)),
        _ => None,
    };
    // A statement starts with its SELECT; anything written before makes this a sub-query.
    let nested = !w.text().is_empty();
    w.push_str("SELECT ");
    if s.distinct {
        w.push_str("DISTINCT ");
    }
    if paging::zero_rows(s) {
        w.push_str("TOP (0) ");
    }
    defaults::write_select_columns(r, w, s)?;
    if !matches!(s.from, FromItem::Nothing) {
        w.push_str(" FROM ");
        write_hinted(r, w, &s.from, hint.as_mut())?;
    }
    for join in s.joins.iter() {
        write_join(r, w, join, hint.as_mut())?;
    }
    defaults::write_select_tail(r, w, s)?;
    let paged = s.limit.is_some() || s.offset.into_option().is_some_and(|o| o > 0);
    if nested && !s.order_by.is_empty() && !paged {
        w.push_str(" OFFSET 0 ROWS");
    }
    hint.map_or(Ok(()), TableHint::finish)
}

/// A FROM or JOIN item, with the lock's hint after a table.
fn write_hinted<R: SqlRenderer + ?Sized>(
    r: &R,
    w: &mut SqlWriter,
    item: &FromItem,
    hint: Option<&mut TableHint<'_>>,
) -> DbResult<()> {
    r.write_from(w, item)?;
    match (item, hint) {
        (FromItem::Table(t), Some(h)) => h.after_table(w, t),
        (FromItem::Raw(_), Some(h)) => h.after_raw(w),
        _ => {}
    }
    Ok(())
}

/// ` LEFT JOIN "t" "a" ON …`; raw join text carries its own keyword and condition.
fn write_join<R: SqlRenderer + ?Sized>(
    r: &R,
    w: &mut SqlWriter,
    join: &Join,
    hint: Option<&mut TableHint<'_>>,
) -> DbResult<()> {
    w.push(' ');
    if matches!(join.target, FromItem::Raw(_)) {
        return r.write_from(w, &join.target);
    }
    w.push_str(match join.kind {
        JoinKind::Inner => "INNER JOIN ",
        JoinKind::Left => "LEFT JOIN ",
        JoinKind::Right => "RIGHT JOIN ",
        JoinKind::Cross => "CROSS JOIN ",
    });
    write_hinted(r, w, &join.target, hint)?;
    if let Some(on) = join.on.as_ref() {
        w.push_str(" ON ");
        r.write_expr(w, on)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use plugorm_plugin_api::{
        dialect::Capabilities,
        render::{render, render_with_capabilities},
        statement::{
            BinOp, Expr, FromItem, Join, JoinKind, Lock, LockStrength, LockWait, RawSql, Select,
            Statement, TableRef,
        },
        types::Boxed,
        DbError,
    };

    use crate::SqlServerDialect;

    fn locked(of: &[&str]) -> Select {
        let mut q = Select::from_table(TableRef::new("users").alias("u"));
        q.joins.push(Join {
            kind: JoinKind::Inner,
            target: FromItem::Table(TableRef::new("pets")),
            on: Some(Expr::col("pets", "user_id").op(BinOp::Eq, Expr::col("u", "id"))).into(),
        });
        q.filter(Expr::col("u", "age").gt(18i64));
        q.lock = Some(Lock {
            strength: LockStrength::Update,
            of: of.iter().map(|t| (*t).into()).collect(),
            wait: LockWait::NoWait,
        })
        .into();
        q
    }

    fn text(q: Select) -> Result<String, DbError> {
        render(&SqlServerDialect::new(), &Statement::Select(q)).map(|s| s.text.to_string())
    }

    #[test]
    fn hints_follow_the_locked_tables() {
        assert_eq!(
            text(locked(&[])).unwrap(),
            r#"SELECT * FROM "users" "u" WITH (UPDLOCK, ROWLOCK, NOWAIT) INNER JOIN "pets" WITH (UPDLOCK, ROWLOCK, NOWAIT) ON "pets"."user_id" = "u"."id" WHERE "u"."age" > @p1"#
        );
        assert_eq!(
            text(locked(&["U"])).unwrap(),
            r#"SELECT * FROM "users" "u" WITH (UPDLOCK, ROWLOCK, NOWAIT) INNER JOIN "pets" ON "pets"."user_id" = "u"."id" WHERE "u"."age" > @p1"#
        );
        let unknown = text(locked(&["pets", "emails"])).unwrap_err();
        assert!(matches!(unknown, DbError::Unsupported(_)), "{unknown}");
        assert!(unknown.to_string().contains("emails"), "{unknown}");
    }

    #[test]
    fn a_lock_without_a_table_is_refused_and_raw_from_gets_the_hint() {
        let mut q = locked(&[]);
        q.joins.clear();
        q.from = FromItem::Subquery {
            query: Boxed::new(Select::from_table(TableRef::new("users"))),
            alias: "s".into(),
        };
        assert!(matches!(text(q), Err(DbError::Unsupported(_))));
        let mut q = locked(&[]);
        q.joins.clear();
        q.conditions.clear();
        q.from = FromItem::Raw(RawSql::new("users AS u", []));
        assert_eq!(
            text(q).unwrap(),
            "SELECT * FROM users AS u WITH (UPDLOCK, ROWLOCK, NOWAIT)"
        );
    }

    #[test]
    fn a_dialect_without_row_locks_writes_no_hint() {
        let mut caps = Capabilities::default();
        caps.row_locks = false;
        let mut q = locked(&[]);
        q.joins.clear();
        let sql = render_with_capabilities(&SqlServerDialect::new(), &Statement::Select(q), &caps)
            .unwrap();
        assert!(!sql.text.contains("WITH"), "{}", sql.text);
    }

    #[test]
    fn sub_queries_render_with_the_dialect_and_keep_numbering() {
        let mut inner = Select::from_table(TableRef::new("users"));
        inner.column(Expr::bare_col("id"));
        inner.filter(Expr::raw("age > ?", [18i64.into()]));
        inner.limit = Some(5).into();
        let mut q = Select::from_table(TableRef::new("pets"));
        q.filter(Expr::raw("name = ?", ["x".into()]));
        q.filter(Expr::InSelect {
            expr: Boxed::new(Expr::bare_col("user_id")),
            query: Boxed::new(inner),
            negated: false,
        });
        q.having
            .push(Expr::raw("a = ? OR b = ?", [1i64.into(), 2i64.into()]));
        q.having.push(Expr::raw("c = ?", [3i64.into()]));
        q.group_by.push(Expr::bare_col("name"));
        assert_eq!(
            text(q).unwrap(),
            r#"SELECT * FROM "pets" WHERE name = @p1 AND "user_id" IN (SELECT "id" FROM "users" WHERE age > @p2 ORDER BY (SELECT NULL) OFFSET 0 ROW FETCH NEXT 5 ROWS ONLY) GROUP BY "name" HAVING (a = @p3 OR b = @p4) AND c = @p5"#
        );
    }

    #[test]
    fn an_ordered_sub_query_without_paging_gets_offset_zero() {
        let mut inner = Select::from_table(TableRef::new("users"));
        inner.column(Expr::bare_col("name"));
        inner
            .order_by
            .push(plugorm_plugin_api::statement::OrderBy::asc(Expr::bare_col(
                "name",
            )));
        let mut outer = inner.clone();
        outer.from = FromItem::Subquery {
            query: Boxed::new(inner.clone()),
            alias: "u".into(),
        };
        assert_eq!(
            text(outer).unwrap(),
            r#"SELECT "name" FROM (SELECT "name" FROM "users" ORDER BY "name" OFFSET 0 ROWS) AS "u" ORDER BY "name""#,
            "the outer statement keeps its plain ORDER BY"
        );
    }
}
