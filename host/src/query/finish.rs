//! The reading finishers of [`Query`]: find, first, take, last, count, pluck.

use plugorm_plugin_api::{
    row::Decode,
    statement::{Expr, OrderBy, SelectItem, Statement},
    steps::BuiltinStep,
    Processor,
};

use super::Query;
use crate::{
    chain::{ChainRun, Fetch, Operation, Stage},
    decode, Error, Model, Result,
};

impl<T: Model> Query<T> {
    /// Runs a SELECT through the query processor, then `after_find` on every row.
    async fn run_select(
        &self,
        mut select: plugorm_plugin_api::statement::Select,
    ) -> Result<Vec<T>> {
        self.check_read()?;
        crate::chain::soft_delete::guard(&self.db, T::schema(), self.extras.unscoped)?;
        crate::query::preload::joins::apply::<T>(
            &self.db,
            &self.extras.preloads,
            &mut select,
            &self.qualifier(),
            true,
        )?;
        let mut op = FindModels {
            preloads: &self.extras.preloads,
            found: Vec::new(),
        };
        ChainRun::start(
            &self.db,
            Processor::Query,
            Some(T::schema()),
            Statement::Select(select),
            self.extras.unscoped,
        )
        .drive(&mut op)
        .await?;
        Ok(op.found)
    }

    /// Every matching row (an empty `Vec` is not an error).
    pub async fn find(&self) -> Result<Vec<T>> {
        self.run_select(self.build_select()).await
    }

    fn pk_order(&self, desc: bool) -> Vec<OrderBy> {
        let q = self.qualifier();
        T::schema()
            .primary_keys()
            .map(|f| OrderBy {
                expr: Expr::col(q.clone(), f.column.as_str()),
                desc,
            })
            .collect()
    }

    async fn one(&self, order: Option<bool>) -> Result<T> {
        let mut s = self.build_select();
        if let Some(desc) = order {
            let mut o = s.order_by.to_vec();
            o.extend(self.pk_order(desc));
            s.order_by = o.into();
        }
        s.limit = Some(1).into();
        let dry = self.db.session.dry_run;
        match self.run_select(s).await?.into_iter().next() {
            Some(v) => Ok(v),
            None if dry => Ok(T::new_default()),
            None => Err(Error::RecordNotFound),
        }
    }

    /// The first row by primary key; [`Error::RecordNotFound`] when none matches.
    pub async fn first(&self) -> Result<T> {
        self.one(Some(false)).await
    }

    /// One row in no particular order; [`Error::RecordNotFound`] when none matches.
    pub async fn take(&self) -> Result<T> {
        self.one(None).await
    }

    /// The last row by primary key; [`Error::RecordNotFound`] when none matches.
    pub async fn last(&self) -> Result<T> {
        self.one(Some(true)).await
    }

    /// The number of matching rows: `count(*)`; `COUNT(DISTINCT(col))` after
    /// `distinct().select(&["col"])`; `COUNT(col)` (the non-NULL values) after
    /// `select(&["col"])`; the number of groups after `group`. ORDER BY, LIMIT and OFFSET
    /// are dropped.
    pub async fn count(&self) -> Result<i64> {
        let mut s = self.build_select();
        let single = match s.columns.as_slice() {
            [only] => Some(only.expr.clone()),
            _ => None,
        };
        let inner = match single {
            Some(col) if self.select.distinct => count_of(Expr::Func {
                name: "DISTINCT".into(),
                args: vec![col].into(),
            }),
            Some(col @ Expr::Column(_)) => count_of(col),
            _ if self.select.distinct && !s.columns.is_empty() => {
                let cols: Vec<String> = s
                    .columns
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
    /// [`Query::select`] and [`Query::rows`] instead.
    ///
    /// ```no_run
    /// # use plugorm::Model;
    /// # async fn run<User: Model>(db: plugorm::Db) -> Result<(), plugorm::Error> {
    /// let names: Vec<String> = db.model::<User>().pluck("name").await?;
    /// # Ok(()) }
    /// ```
    pub async fn pluck<V: Decode>(&self, column: &str) -> Result<Vec<V>> {
        let mut s = self.build_select();
        let expr = self.column_expr(column, true);
        s.columns = vec![SelectItem { expr }].into();
        let rows = self.run_rows(s).await?;
        rows.iter().map(|r| Ok(r.get_at::<V>(0)?)).collect()
    }

    /// Runs a SELECT through the query processor and returns its raw rows.
    pub(super) async fn run_rows(
        &self,
        mut select: plugorm_plugin_api::statement::Select,
    ) -> Result<plugorm_plugin_api::Rows> {
        self.check_read()?;
        crate::chain::soft_delete::guard(&self.db, T::schema(), self.extras.unscoped)?;
        let q = self.qualifier();
        crate::query::preload::joins::apply::<T>(
            &self.db,
            &self.extras.preloads,
            &mut select,
            &q,
            false,
        )?;
        let mut op = Fetch::default();
        ChainRun::start(
            &self.db,
            Processor::Query,
            Some(T::schema()),
            Statement::Select(select),
            self.extras.unscoped,
        )
        .drive(&mut op)
        .await?;
        Ok(op.rows)
    }

    /// Renders the SELECT `find` would run, after plugin callbacks, without running it.
    pub async fn find_sql(&self) -> Result<plugorm_plugin_api::Sql> {
        let q = Query {
            db: self.db.dry_run(),
            ..self.clone()
        };
        q.find().await?;
        q.db.dry_run_statements()
            .pop()
            .ok_or_else(|| Error::DryRunUnsupported("no statement".into()))
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
    pub async fn find_maps(
        &self,
    ) -> Result<Vec<std::collections::BTreeMap<String, plugorm_plugin_api::Value>>> {
        let rows = self.run_rows(self.build_select()).await?;
        rows_to_maps(&rows)
    }

    /// Every matching row decoded into another model `U` (GORM's smart select: only
    /// `U`'s columns are read, from `T`'s table).
    pub async fn find_as<U: Model>(&self) -> Result<Vec<U>> {
        let mut s = self.build_select();
        if self.select.columns.is_empty() {
            let q = self.qualifier();
            s.columns = U::schema()
                .fields
                .iter()
                .filter(|f| f.readable && T::schema().field_by_column(f.column.as_str()).is_some())
                .map(|f| SelectItem {
                    expr: Expr::col(q.clone(), f.column.as_str()),
                })
                .collect();
        }
        let rows = self.run_rows(s).await?;
        decode::decode_all::<U>(&rows)
    }

    /// The first matching record, tracked for [`Db::save_changes`](crate::Db::save_changes).
    pub async fn first_tracked(&self) -> Result<crate::Tracked<T>> {
        Ok(crate::Tracked::new(self.first().await?))
    }

    /// Every matching record, tracked.
    pub async fn find_tracked(&self) -> Result<Vec<crate::Tracked<T>>> {
        Ok(self
            .find()
            .await?
            .into_iter()
            .map(crate::Tracked::new)
            .collect())
    }
}

/// The built-in steps of reading models: the SELECT decoded, preloads, `after_find`.
struct FindModels<'q, T> {
    preloads: &'q [crate::query::preload::PreloadRequest],
    found: Vec<T>,
}

impl<T: Model> Operation for FindModels<'_, T> {
    async fn step(&mut self, step: BuiltinStep, stage: Stage<'_>) -> Result<()> {
        let db = stage.db;
        match step {
            BuiltinStep::Query => {
                let rows = db.query_statement(stage.statement).await?;
                self.found = decode::decode_all::<T>(&rows)?;
                crate::query::preload::joins::assign::<T>(self.preloads, &rows, &mut self.found)
            }
            BuiltinStep::Preload if !self.preloads.is_empty() => {
                crate::query::preload::load_requested(db, &mut self.found, self.preloads).await
            }
            BuiltinStep::AfterQuery if !db.session.skip_hooks => {
                for item in self.found.iter_mut() {
                    item.after_find(db).await?;
                }
                Ok(())
            }
            _ => Ok(()),
        }
    }
}

/// `COUNT(expr)`.
fn count_of(expr: Expr) -> Expr {
    Expr::Func {
        name: "COUNT".into(),
        args: vec![expr].into(),
    }
}

/// Rows as maps from column name to value.
pub(crate) fn rows_to_maps(
    rows: &plugorm_plugin_api::Rows,
) -> Result<Vec<std::collections::BTreeMap<String, plugorm_plugin_api::Value>>> {
    let names: Vec<String> = rows.column_names().map(str::to_string).collect();
    rows.iter()
        .map(|r| {
            names
                .iter()
                .enumerate()
                .map(|(i, n)| Ok((n.clone(), r.get_at::<plugorm_plugin_api::Value>(i)?)))
                .collect()
        })
        .collect()
}
