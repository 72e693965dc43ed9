//! Bulk updates of a [`Query`] (by condition, without model hooks), and how a bulk
//! UPDATE or DELETE runs through its chain.

use plugorm_plugin_api::{
    schema::TimeTracking,
    statement::{Assignment, Statement, Update},
    steps::BuiltinStep,
    types::Text,
    Processor,
};

use super::{Query, QuerySource};
use crate::{
    args::IntoArg,
    chain::{ChainRun, Execute, Operation, Stage},
    model::{time_value, touch_updated, touch_updated_in, WriteKind},
    Error, Model, Result,
};

/// Runs an UPDATE or DELETE built from a query through its processor; the rows affected.
pub(crate) async fn run_bulk<T: QuerySource>(
    q: &Query<T>,
    processor: Processor,
    stmt: Statement,
    what: &'static str,
) -> Result<u64> {
    q.check_bulk(what)?;
    let mut op = Execute::default();
    ChainRun::start(&q.db, processor, T::model_schema(), stmt, q.extras.unscoped)
        .drive(&mut op)
        .await?;
    Ok(op.affected)
}

impl<T: QuerySource> Query<T> {
    /// What every bulk UPDATE or DELETE checks first: a builder error the query kept, the
    /// soft-delete guard, and a WHERE clause unless global writes are allowed.
    fn check_bulk(&self, what: &'static str) -> Result<()> {
        self.check_deferred()?;
        crate::chain::soft_delete::guard(&self.db, T::source_schema(), self.extras.unscoped)?;
        if self.where_list.is_empty() && !self.db.session.allow_global_update {
            return Err(Error::MissingWhereClause(what));
        }
        Ok(())
    }

    /// Runs `UPDATE … SET set` on every matching row, with the auto-update time appended
    /// when `touch` (and hooks are not skipped).
    async fn run_update(&self, mut set: Vec<Assignment>, touch: bool) -> Result<u64> {
        if touch && !self.db.session.skip_hooks {
            touch_updated_in(T::source_schema(), &self.db, &mut set);
        }
        run_bulk(
            self,
            Processor::Update,
            self.update_statement(set),
            "UPDATE",
        )
        .await
    }

    /// The column of a field an update names, refused when the field is not updatable.
    /// A builder error the query kept comes first: it was made before this name.
    fn updatable_column(&self, name: &str) -> Result<Text> {
        self.written_column(name, WriteKind::Update)
    }

    fn update_statement(&self, set: Vec<Assignment>) -> Statement {
        let mut u = Update::new(self.table_ref());
        u.set = set.into();
        u.conditions = self.where_list.to_conditions().into();
        // GORM's `Order(..).Limit(..).Update(..)`: written where the dialect can
        // (MySQL), refused elsewhere — never dropped, which would update every row.
        u.order_by = self.select.order_by.clone();
        u.limit = self.select.limit;
        Statement::Update(u)
    }

    /// `UPDATE … SET column = value` (plus the auto-update time) on every matching row.
    /// The value may be an expression: `Expr::raw("price * ? + ?", …)`.
    pub async fn update(&self, column: &str, value: impl IntoArg) -> Result<u64> {
        let set = vec![Assignment {
            column: self.updatable_column(column)?,
            value: value.into_arg(),
        }];
        self.run_update(set, true).await
    }

    /// `UPDATE` of several columns; keys are sorted (as GORM sorts map keys), then the
    /// auto-update time is appended.
    pub async fn updates_map<A: IntoArg>(
        &self,
        pairs: impl IntoIterator<Item = (&'static str, A)>,
    ) -> Result<u64> {
        let mut set = Vec::new();
        for (k, v) in pairs {
            set.push(Assignment {
                column: self.updatable_column(k)?,
                value: v.into_arg(),
            });
        }
        set.sort_by(|a, b| a.column.cmp(&b.column));
        self.run_update(set, true).await
    }

    /// Like [`Query::update`] without the auto-update time (GORM's `UpdateColumn`).
    pub async fn update_column(&self, column: &str, value: impl IntoArg) -> Result<u64> {
        let set = vec![Assignment {
            column: self.updatable_column(column)?,
            value: value.into_arg(),
        }];
        self.run_update(set, false).await
    }

    fn returning_supported(&self) -> Result<()> {
        if self.db.dialect().capabilities().returning {
            Ok(())
        } else {
            Err(Error::Db(plugorm_plugin_api::DbError::Unsupported(
                format!(
                    "the {} dialect cannot return modified rows (RETURNING)",
                    self.db.dialect().name()
                ),
            )))
        }
    }
}

impl<T: Model> Query<T> {
    /// `UPDATE` of the non-zero fields of `values` (GORM's `Updates(struct)`), in the
    /// model's field order with the auto-update time at its own place, set to now
    /// (`SET updated_at=?,name=?` for a GORM-shaped model, G95).
    ///
    /// ```no_run
    /// # use plugorm::Model;
    /// # async fn run<User: Model + Default>(db: plugorm::Db) -> Result<(), plugorm::Error> {
    /// let n = db.model::<User>().filter("age < ?", (18,)).updates(&User::default()).await?;
    /// # Ok(()) }
    /// ```
    pub async fn updates(&self, values: &T) -> Result<u64> {
        self.check_deferred()?;
        let touch = !self.db.session.skip_hooks;
        let now = self.db.session.now();
        let mut set = Vec::new();
        for (i, f) in T::schema().fields.iter().enumerate() {
            let value = if touch && f.auto_update_time != TimeTracking::None && f.updatable {
                time_value(f, f.auto_update_time, now)
            } else if f.updatable && !f.primary_key && !values.is_zero_at(i) {
                values.try_value_at(i)?
            } else {
                continue;
            };
            set.push(Assignment {
                column: f.column.clone(),
                value: plugorm_plugin_api::statement::Expr::value(value),
            });
        }
        if set.is_empty() {
            return Ok(0);
        }
        self.run_update(set, false).await
    }

    pub(super) async fn run_returning(
        &self,
        processor: Processor,
        mut stmt: Statement,
        what: &'static str,
    ) -> Result<Vec<T>> {
        self.check_deferred()?;
        self.returning_supported()?;
        self.check_bulk(what)?;
        match &mut stmt {
            Statement::Update(u) => u.returning = vec!["*".into()].into(),
            Statement::Delete(d) => d.returning = vec!["*".into()].into(),
            _ => {}
        }
        let mut op = Returning { rows: Vec::new() };
        ChainRun::start(
            &self.db,
            processor,
            T::model_schema(),
            stmt,
            self.extras.unscoped,
        )
        .drive(&mut op)
        .await?;
        Ok(op.rows)
    }

    /// Like [`Query::update`], returning the modified rows (`RETURNING *`; PostgreSQL,
    /// SQLite; an `Unsupported` error elsewhere).
    pub async fn update_returning(&self, column: &str, value: impl IntoArg) -> Result<Vec<T>> {
        let mut set = vec![Assignment {
            column: self.updatable_column(column)?,
            value: value.into_arg(),
        }];
        if !self.db.session.skip_hooks {
            touch_updated::<T>(&self.db, &mut set);
        }
        self.run_returning(Processor::Update, self.update_statement(set), "UPDATE")
            .await
    }
}

/// Runs an UPDATE or DELETE with `RETURNING *` at its step and decodes the rows (inside
/// the chain, so a decoding error rolls the write back).
struct Returning<T> {
    rows: Vec<T>,
}

impl<T: Model> Operation for Returning<T> {
    async fn step(&mut self, step: BuiltinStep, stage: Stage<'_>) -> Result<()> {
        if step.runs_statement() {
            let rows = stage.db.query_statement(stage.statement).await?;
            self.rows = crate::decode::decode_all::<T>(&rows)?;
        }
        Ok(())
    }

    fn rows(&self) -> u64 {
        self.rows.len() as u64
    }
}
