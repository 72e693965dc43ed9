//! The finishers every query has, with a model or without one ([`Table`](super::Table)):
//! count, pluck, exists, and reading rows into maps or any [`FromRow`] type.

use std::collections::BTreeMap;

use plugorm_plugin_api::{
    row::Decode,
    statement::{Expr, SelectItem},
    Value,
};

use super::{Query, QuerySource};
use crate::{chain::Fetch, FromRow, Result};

impl<T: QuerySource> Query<T> {
    /// The number of matching rows: `count(*)`; `COUNT(DISTINCT(col))` after
    /// `distinct().select(&["col"])`; `COUNT(col)` (the non-NULL values) after
    /// `select(&["col"])`; the select itself when it is a count
    /// (`select(&["count(distinct(name))"])`); the number of groups after `group`. ORDER BY, LIMIT and OFFSET
    /// are dropped.
    pub async fn count(&self) -> Result<i64> {
        let mut s = self.build_select();
        // The columns the caller chose (`select`, `omit`), not the model's list that
        // joins bring: those are counted as rows.
        let chosen = !self.select.columns.is_empty() || !self.extras.omits.is_empty();
        let columns = if chosen {
            s.columns.to_vec()
        } else {
            Vec::new()
        };
        let single = match columns.as_slice() {
            [only] => Some(only.expr.clone()),
            _ => None,
        };
        let inner = match single {
            // A select that already counts (`count(distinct(name))`) is kept, as GORM
            // keeps it.
            Some(Expr::Raw(r)) if r.sql.to_ascii_lowercase().contains("count(") => Expr::Raw(r),
            Some(col) if self.select.distinct => count_of(Expr::Func {
                name: "DISTINCT".into(),
                args: vec![col].into(),
            }),
            Some(col @ Expr::Column(_)) => count_of(col),
            _ if self.select.distinct && !columns.is_empty() => {
                let cols: Vec<String> = columns
                    .iter()
                    .filter_map(|c| match &c.expr {
                        Expr::Column(col) => Some(col.name.to_string()),
                        _ => None,
                    })
                    .collect();
                Expr::raw(format!("count(DISTINCT {})", cols.join(",")), [])
            }
            _ => Expr::raw("count(*)", []),
        };
        s.distinct = false;
        s.columns = vec![SelectItem { expr: inner }].into();
        s.order_by = Default::default();
        s.limit = None.into();
        s.offset = None.into();
        let grouped = !s.group_by.is_empty();
        let rows = self.run_rows(s).await?;
        if grouped {
            return Ok(rows.len() as i64);
        }
        let first = rows.iter().next().map(|row| row.get_at::<i64>(0));
        Ok(first.transpose()?.unwrap_or(0))
    }

    /// One column of every matching row. `column` is a model field (Rust or column name)
    /// or else a column name the dialect quotes as an identifier (`table.column` is
    /// quoted part by part); it is never raw SQL — read an expression with
    /// [`Query::select`] and [`Query::rows`] instead. A bare name is written unqualified,
    /// as GORM writes it (`SELECT "name" FROM …`); qualify it (`users.name`) when a join
    /// makes it ambiguous.
    ///
    /// ```no_run
    /// # use plugorm::Model;
    /// # async fn run<User: Model>(db: plugorm::Db) -> Result<(), plugorm::Error> {
    /// let names: Vec<String> = db.model::<User>().pluck("name").await?;
    /// # Ok(()) }
    /// ```
    pub async fn pluck<V: Decode>(&self, column: &str) -> Result<Vec<V>> {
        let mut s = self.build_select();
        let expr = self.column_expr(column, false);
        s.columns = vec![SelectItem { expr }].into();
        let rows = self.run_rows(s).await?;
        rows.iter().map(|r| Ok(r.get_at::<V>(0)?)).collect()
    }

    /// Runs a SELECT through the query processor and returns its raw rows.
    pub(super) async fn run_rows(
        &self,
        select: plugorm_plugin_api::statement::Select,
    ) -> Result<plugorm_plugin_api::Rows> {
        let mut op = Fetch::default();
        self.read_chain(select, Some(false))?.drive(&mut op).await?;
        Ok(op.rows)
    }

    /// Whether any row matches (`SELECT 1 … LIMIT 1`).
    pub async fn exists(&self) -> Result<bool> {
        let mut s = self.build_select();
        s.columns = vec![SelectItem {
            expr: Expr::raw("1", []),
        }]
        .into();
        s.order_by = Default::default();
        s.limit = Some(1).into();
        Ok(!self.run_rows(s).await?.is_empty())
    }

    /// Every matching row as a map from column name to value.
    ///
    /// ```no_run
    /// # async fn run(db: plugorm::Db) -> Result<(), plugorm::Error> {
    /// let rows = db.table("users").filter("age > ?", (18,)).find_maps().await?;
    /// # Ok(()) }
    /// ```
    pub async fn find_maps(&self) -> Result<Vec<BTreeMap<String, Value>>> {
        self.scan().await
    }

    /// Every matching row read into `S` (GORM's `Scan`): a model or a plain struct
    /// deriving [`Model`](crate::Model) (columns by name), a map, or a tuple (columns
    /// by position) — see [`FromRow`]. Reads the chain's select list (`*` when none).
    ///
    /// ```no_run
    /// # use plugorm::Model;
    /// # async fn run<User: Model>(db: plugorm::Db) -> Result<(), plugorm::Error> {
    /// let totals: Vec<(String, i64)> = db.model::<User>()
    ///     .select(&["name", "sum(age) AS total"])
    ///     .group("name")
    ///     .scan()
    ///     .await?;
    /// # Ok(()) }
    /// ```
    pub async fn scan<S: FromRow>(&self) -> Result<Vec<S>> {
        let rows = self.run_rows(self.build_select()).await?;
        S::from_rows(&rows)
    }
}

/// `COUNT(expr)`.
fn count_of(expr: Expr) -> Expr {
    Expr::Func {
        name: "COUNT".into(),
        args: vec![expr].into(),
    }
}
