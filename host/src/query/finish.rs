//! The reading finishers of a model [`Query`]: find, first, take, last, find_as, tracked reads
//! (count, pluck and scan, which need no model, are in `scan.rs`).

use plugorm_plugin_api::{
    statement::{Expr, OrderBy, SelectItem},
    steps::BuiltinStep,
};

use super::Query;
use crate::{
    chain::{Operation, Stage},
    decode, Error, Model, Result,
};

impl<T: Model> Query<T> {
    /// Runs a SELECT through the query processor, then `after_find` on every row.
    async fn run_select(&self, select: plugorm_plugin_api::statement::Select) -> Result<Vec<T>> {
        let mut op = FindModels {
            preloads: &self.extras.preloads,
            found: Vec::new(),
        };
        self.read_chain(select, Some(true))?.drive(&mut op).await?;
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

    fn rows(&self) -> u64 {
        self.found.len() as u64
    }
}
