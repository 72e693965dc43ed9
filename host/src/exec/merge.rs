//! Merging the rows of one SELECT run on several tables ([`setting::FAN_OUT`]): what each
//! table is asked, and how their rows become the answer one table would have given.
//!
//! * Rows are concatenated in target order, then sorted by the ORDER BY columns (a
//!   stable sort, NULL first as SQLite and MySQL sort it), then OFFSET and LIMIT apply.
//!   Each table is asked for `LIMIT + OFFSET` rows and no offset, which is enough.
//! * A bare `count(*)` / `COUNT(col)` is summed.
//! * GROUP BY, HAVING, DISTINCT and other aggregates cannot be merged this way: refused
//!   before anything runs, rather than answered wrong.
//!
//! [`setting::FAN_OUT`]: plugorm_plugin_api::setting::FAN_OUT

use std::cmp::Ordering;

use plugorm_plugin_api::{
    row::RowsBuilder,
    statement::{Expr, Select},
    types::Optional,
    Rows, Value,
};

/// What a fanned-out SELECT merges.
#[derive(Debug)]
pub(crate) struct MergePlan {
    count: bool,
    /// ORDER BY column names (as the rows name them) and whether descending.
    order: Vec<(String, bool)>,
    limit: Option<u64>,
    offset: u64,
}

const AGGREGATES: [&str; 5] = ["count(", "sum(", "avg(", "min(", "max("];

impl MergePlan {
    /// The plan for `select`, or why its rows cannot be merged.
    pub(crate) fn of(select: &Select) -> Result<MergePlan, String> {
        if !select.group_by.is_empty() || !select.having.is_empty() {
            return Err("GROUP BY / HAVING".into());
        }
        if select.distinct {
            return Err("DISTINCT".into());
        }
        let count = match select.columns.as_slice() {
            [only] => is_plain_count(&only.expr),
            _ => false,
        };
        if !count {
            if let Some(agg) = select.columns.iter().find(|c| is_aggregate(&c.expr)) {
                return Err(format!("the aggregate `{:?}`", agg.expr));
            }
        }
        let order = select
            .order_by
            .iter()
            .map(|o| order_column(&o.expr).map(|(c, desc)| (c, o.desc != desc)))
            .collect::<Result<Vec<_>, _>>()?;
        Ok(MergePlan {
            count,
            order,
            limit: select.limit.into_option(),
            offset: select.offset.into_option().unwrap_or(0),
        })
    }

    /// What each table is asked: the whole page up to the offset's end, from its start.
    pub(crate) fn per_target(&self, select: &Select) -> Select {
        let mut s = select.clone();
        if self.offset > 0 {
            s.offset = Optional::None;
            s.limit = self.limit.map(|l| l.saturating_add(self.offset)).into();
        }
        s
    }

    /// The merged answer.
    pub(crate) fn merge(&self, parts: Vec<Rows>) -> Result<Rows, String> {
        let names: Vec<String> = parts
            .first()
            .map(|r| r.column_names().map(str::to_string).collect())
            .unwrap_or_default();
        if self.count {
            let mut total: i64 = 0;
            for part in &parts {
                if let Some(row) = part.iter().next() {
                    let n: i64 = row.get_at(0).map_err(|e| e.to_string())?;
                    total = total.saturating_add(n);
                }
            }
            let mut b = RowsBuilder::new(names);
            b.push_row([Value::I64(total)]);
            return Ok(b.finish());
        }
        let keys = self
            .order
            .iter()
            .map(|(name, desc)| {
                names
                    .iter()
                    .position(|n| n.eq_ignore_ascii_case(name))
                    .map(|i| (i, *desc))
                    .ok_or_else(|| {
                        format!("ORDER BY `{name}`, which is not among the columns read")
                    })
            })
            .collect::<Result<Vec<_>, _>>()?;
        let mut rows: Vec<Vec<Value>> = Vec::new();
        for part in &parts {
            for row in part.iter() {
                let cells = (0..row.len())
                    .map(|i| row.cell(i).map(|c| c.to_value()))
                    .collect::<Result<Vec<_>, _>>()
                    .map_err(|e| e.to_string())?;
                rows.push(cells);
            }
        }
        rows.sort_by(|a, b| {
            for &(i, desc) in &keys {
                let o = compare(&a[i], &b[i]);
                let o = if desc { o.reverse() } else { o };
                if o != Ordering::Equal {
                    return o;
                }
            }
            Ordering::Equal
        });
        let skip = usize::try_from(self.offset).unwrap_or(usize::MAX);
        let take = self
            .limit
            .map_or(usize::MAX, |l| usize::try_from(l).unwrap_or(usize::MAX));
        let mut b = RowsBuilder::new(names);
        for row in rows.into_iter().skip(skip).take(take) {
            b.push_row(row);
        }
        Ok(b.finish())
    }
}

/// `count(*)` or `COUNT(col)`: per-table counts that add up (not `COUNT(DISTINCT …)`).
fn is_plain_count(e: &Expr) -> bool {
    match e {
        Expr::Func { name, args } => {
            name.as_str().eq_ignore_ascii_case("count")
                && matches!(args.as_slice(), [Expr::Star(_) | Expr::Column(_)])
        }
        Expr::Raw(r) => r.sql.as_str().trim().eq_ignore_ascii_case("count(*)"),
        Expr::Alias { expr, .. } => is_plain_count(expr),
        _ => false,
    }
}

fn is_aggregate(e: &Expr) -> bool {
    match e {
        Expr::Func { name, .. } => {
            let name = name.as_str().to_ascii_lowercase();
            AGGREGATES.iter().any(|a| a.trim_end_matches('(') == name)
        }
        Expr::Raw(r) => {
            let text = r.sql.as_str().to_ascii_lowercase().replace(' ', "");
            AGGREGATES.iter().any(|a| text.contains(a))
        }
        Expr::Alias { expr, .. } => is_aggregate(expr),
        _ => false,
    }
}

/// The column an ORDER BY item sorts by — a column, or raw text naming one with an
/// optional `ASC` / `DESC` — and whether the text says `DESC`.
fn order_column(e: &Expr) -> Result<(String, bool), String> {
    match e {
        Expr::Column(c) => Ok((c.name.to_string(), false)),
        Expr::Raw(r) if r.args.is_empty() => {
            let text = r.sql.as_str().trim();
            let mut words = text.split_whitespace();
            let name = words.next().unwrap_or_default();
            let rest: Vec<&str> = words.collect();
            let simple = name
                .chars()
                .all(|c| c.is_alphanumeric() || "_.\"`[]".contains(c));
            let desc = match rest.as_slice() {
                [] => false,
                [w] if w.eq_ignore_ascii_case("asc") => false,
                [w] if w.eq_ignore_ascii_case("desc") => true,
                _ => return Err(format!("ORDER BY `{text}` (name a column)")),
            };
            if !simple {
                return Err(format!("ORDER BY `{text}` (name a column)"));
            }
            let last = name.rsplit('.').next().unwrap_or(name);
            Ok((last.trim_matches(|c| "\"`[]".contains(c)).to_string(), desc))
        }
        other => Err(format!("ORDER BY `{other:?}` (name a column)")),
    }
}

/// The order of two cells as the databases sort them: NULL first, numbers by value
/// (integers and floats together), then each kind by its own order.
fn compare(a: &Value, b: &Value) -> Ordering {
    use Value::*;
    match (a, b) {
        (Null, Null) => Ordering::Equal,
        (Null, _) => Ordering::Less,
        (_, Null) => Ordering::Greater,
        (I64(x), I64(y)) => x.cmp(y),
        (Bool(x), Bool(y)) => x.cmp(y),
        (Text(x), Text(y)) => x.as_str().cmp(y.as_str()),
        (Bytes(x), Bytes(y)) => x.as_slice().cmp(y.as_slice()),
        (Date(x), Date(y)) => x.cmp(y),
        (Time(x), Time(y)) => x.cmp(y),
        (Timestamp(x), Timestamp(y)) => x.cmp(y),
        _ => match (number(a), number(b)) {
            (Some(x), Some(y)) => x.total_cmp(&y),
            _ => format!("{a:?}").cmp(&format!("{b:?}")),
        },
    }
}

fn number(v: &Value) -> Option<f64> {
    match v {
        Value::I64(i) => Some(*i as f64),
        Value::F64(f) => Some(*f),
        Value::Decimal(d) => d.as_str().parse().ok(),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use plugorm_plugin_api::{
        statement::{OrderBy, SelectItem, TableRef},
        types::Text,
    };

    use super::*;

    fn rows(ids: &[Option<i64>]) -> Rows {
        let mut b = RowsBuilder::new(vec!["id".into(), "name".into()]);
        for id in ids {
            b.push_row([Value::from(*id), Value::Text(Text::from("n"))]);
        }
        b.finish()
    }

    fn ids(r: &Rows) -> Vec<Option<i64>> {
        r.iter()
            .map(|row| row.get_at::<Option<i64>>(0).unwrap())
            .collect()
    }

    #[test]
    fn order_offset_and_limit_apply_to_the_merged_rows() {
        let mut s = Select::from_table(TableRef::new("orders"));
        s.order_by.push(OrderBy::desc(Expr::bare_col("id")));
        s.limit = Optional::Some(3);
        s.offset = Optional::Some(1);
        let plan = MergePlan::of(&s).unwrap();
        let asked = plan.per_target(&s);
        assert_eq!(
            (asked.limit, asked.offset),
            (Optional::Some(4), Optional::None)
        );
        let merged = plan
            .merge(vec![
                rows(&[Some(9), Some(4), None]),
                rows(&[Some(7), Some(5)]),
            ])
            .unwrap();
        assert_eq!(ids(&merged), vec![Some(7), Some(5), Some(4)]);
    }

    #[test]
    fn a_count_is_summed_and_what_cannot_merge_is_refused() {
        let mut s = Select::from_table(TableRef::new("orders"));
        s.columns.push(SelectItem {
            expr: Expr::raw("count(*)", []),
        });
        let plan = MergePlan::of(&s).unwrap();
        let part = |n: i64| {
            let mut b = RowsBuilder::new(vec!["count(*)".into()]);
            b.push_row([Value::I64(n)]);
            b.finish()
        };
        let total = plan.merge(vec![part(2), part(5)]).unwrap();
        assert_eq!(total.iter().next().unwrap().get_at::<i64>(0).unwrap(), 7);

        let mut grouped = s.clone();
        grouped.group_by.push(Expr::bare_col("user_id"));
        assert!(MergePlan::of(&grouped).unwrap_err().contains("GROUP BY"));
        let mut summed = Select::from_table(TableRef::new("orders"));
        summed.columns.push(SelectItem {
            expr: Expr::raw("sum(amount) AS total", []),
        });
        assert!(MergePlan::of(&summed).unwrap_err().contains("aggregate"));
        let mut by_expr = Select::from_table(TableRef::new("orders"));
        by_expr
            .order_by
            .push(OrderBy::asc(Expr::raw("length(name)", [])));
        assert!(MergePlan::of(&by_expr).unwrap_err().contains("ORDER BY"));
    }

    #[test]
    fn an_order_column_missing_from_the_rows_is_refused() {
        let mut s = Select::from_table(TableRef::new("orders"));
        s.order_by
            .push(OrderBy::asc(Expr::raw("\"orders\".\"price\"", [])));
        let plan = MergePlan::of(&s).unwrap();
        assert!(plan
            .merge(vec![rows(&[Some(1)])])
            .unwrap_err()
            .contains("price"));
    }
}
