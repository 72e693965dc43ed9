//! Paging: `OFFSET m ROWS FETCH NEXT n ROWS ONLY`, written as literals as GORM's sqlserver
//! driver writes them, with the ORDER BY that SQL Server requires before `OFFSET`.
//!
//! | limit / offset | written |
//! | --- | --- |
//! | `n` | ` OFFSET 0 ROW FETCH NEXT n ROWS ONLY` (GORM's singular `ROW`) |
//! | `n`, `m` | ` OFFSET m ROWS FETCH NEXT n ROWS ONLY` |
//! | —, `m` | ` OFFSET m ROWS` |
//! | `0` | nothing here: the SELECT says `TOP (0)` (SQL Server refuses `FETCH NEXT 0`) |
//!
//! Without an ORDER BY of its own the statement is ordered first, as GORM does: by the
//! model's primary key, unqualified (` ORDER BY "id"`), or ` ORDER BY (SELECT NULL)` when
//! there is none. Two deliberate differences keep that order valid where GORM's is not:
//! with joins the key is qualified by the FROM table (an unqualified `"id"` would be
//! ambiguous), and a `DISTINCT` select orders by its first column (`ORDER BY 1`), since
//! SQL Server refuses an ORDER BY item missing from a DISTINCT select list; a grouped
//! select orders by `(SELECT NULL)` (the key is usually not grouped).

use plugorm_plugin_api::{
    render::{SqlRenderer, SqlWriter},
    statement::{FromItem, Select},
    types::Optional,
};

/// The largest row count SQL Server's `OFFSET` / `FETCH` accept (a `bigint`).
const MAX_ROWS: u64 = i64::MAX as u64;

/// True when the SELECT returns no row because its limit is 0 (written as `TOP (0)`).
pub(crate) fn zero_rows(s: &Select) -> bool {
    s.limit.into_option() == Some(0)
}

/// Writes the paging clause of `s` (see the module documentation).
pub(crate) fn write_paging<R: SqlRenderer + ?Sized>(
    r: &R,
    w: &mut SqlWriter,
    limit: Option<u64>,
    offset: Option<u64>,
    s: &Select,
) {
    let offset = offset.filter(|o| *o > 0).map(|o| o.min(MAX_ROWS));
    let limit = limit.map(|l| l.min(MAX_ROWS));
    if limit == Some(0) || (limit.is_none() && offset.is_none()) {
        return;
    }
    if s.order_by.is_empty() {
        write_fallback_order(r, w, s);
    }
    match offset {
        Some(o) => {
            w.push_str(" OFFSET ");
            w.push_str(&o.to_string());
            w.push_str(" ROWS");
        }
        None => w.push_str(" OFFSET 0 ROW"),
    }
    if let Some(l) = limit {
        w.push_str(" FETCH NEXT ");
        w.push_str(&l.to_string());
        w.push_str(" ROWS ONLY");
    }
}

/// ` ORDER BY "id"`, ` ORDER BY "t"."id"` (with joins), ` ORDER BY 1` (DISTINCT) or
/// ` ORDER BY (SELECT NULL)`.
fn write_fallback_order<R: SqlRenderer + ?Sized>(r: &R, w: &mut SqlWriter, s: &Select) {
    w.push_str(" ORDER BY ");
    if s.distinct {
        w.push('1');
        return;
    }
    match (&s.primary_key, s.group_by.is_empty()) {
        (Optional::Some(key), true) => {
            if let (false, FromItem::Table(t)) = (s.joins.is_empty(), &s.from) {
                r.write_ident(w, t.reference_name());
                w.push('.');
            }
            r.write_ident(w, key);
        }
        _ => w.push_str("(SELECT NULL)"),
    }
}

#[cfg(test)]
mod tests {
    use plugorm_plugin_api::{
        render::render,
        statement::{Expr, FromItem, Join, JoinKind, Select, Statement, TableRef},
    };

    use crate::SqlServerDialect;

    fn paged(limit: Option<u64>, offset: Option<u64>) -> Select {
        let mut q = Select::from_table(TableRef::new("users"));
        q.limit = limit.into();
        q.offset = offset.into();
        q.primary_key = Some("id".into()).into();
        q
    }

    fn text(q: Select) -> String {
        render(&SqlServerDialect::new(), &Statement::Select(q))
            .map(|s| s.text.to_string())
            .unwrap_or_else(|e| e.to_string())
    }

    #[test]
    fn limit_and_offset_forms() {
        assert_eq!(
            text(paged(Some(3), None)),
            r#"SELECT * FROM "users" ORDER BY "id" OFFSET 0 ROW FETCH NEXT 3 ROWS ONLY"#
        );
        assert_eq!(
            text(paged(None, Some(4))),
            r#"SELECT * FROM "users" ORDER BY "id" OFFSET 4 ROWS"#
        );
        assert_eq!(
            text(paged(Some(3), Some(4))),
            r#"SELECT * FROM "users" ORDER BY "id" OFFSET 4 ROWS FETCH NEXT 3 ROWS ONLY"#
        );
        assert_eq!(text(paged(None, Some(0))), r#"SELECT * FROM "users""#);
        assert_eq!(
            text(paged(Some(0), Some(4))),
            r#"SELECT TOP (0) * FROM "users""#
        );
        assert_eq!(
            text(paged(Some(u64::MAX), None)),
            r#"SELECT * FROM "users" ORDER BY "id" OFFSET 0 ROW FETCH NEXT 9223372036854775807 ROWS ONLY"#
        );
    }

    #[test]
    fn fallback_orders_stay_valid() {
        let mut q = paged(Some(1), None);
        q.distinct = true;
        q.column(Expr::bare_col("name"));
        assert_eq!(
            text(q),
            r#"SELECT DISTINCT "name" FROM "users" ORDER BY 1 OFFSET 0 ROW FETCH NEXT 1 ROWS ONLY"#
        );
        let mut q = paged(Some(1), None);
        q.group_by.push(Expr::bare_col("name"));
        assert!(text(q).contains(r#"GROUP BY "name" ORDER BY (SELECT NULL) OFFSET"#));
        let mut q = paged(Some(1), None);
        q.from = FromItem::Table(TableRef::new("users").alias("u"));
        q.joins.push(Join {
            kind: JoinKind::Left,
            target: FromItem::Table(TableRef::new("pets").alias("p")),
            on: Some(Expr::col("p", "user_id").op(
                plugorm_plugin_api::statement::BinOp::Eq,
                Expr::col("u", "id"),
            ))
            .into(),
        });
        assert!(
            text(q).ends_with(r#"ORDER BY "u"."id" OFFSET 0 ROW FETCH NEXT 1 ROWS ONLY"#),
            "an unqualified key would be ambiguous across the join"
        );
    }
}
