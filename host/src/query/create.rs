//! Creating a row from column / value pairs of a [`Query`]'s model (GORM's
//! `Create(map)`): no hooks, no automatic timestamps.

use plugorm_plugin_api::{
    statement::{Expr, Insert, Statement},
    steps::BuiltinStep,
    types::List,
    Processor, Value,
};

use super::{Query, QuerySource};
use crate::{
    chain::{ChainRun, Operation, Stage},
    Result,
};

impl<T: QuerySource> Query<T> {
    /// Creates a row from column / value pairs (GORM's `Create(map)`): no hooks, no
    /// automatic timestamps; returns the generated primary key, where there is one.
    /// Without a model (`db.table(..)`) there is no key column to read back: the
    /// driver's last insert id where the dialect has one (SQLite, MySQL), else `None`.
    ///
    /// ```no_run
    /// # async fn run(db: plugorm::Db) -> Result<(), plugorm::Error> {
    /// db.table("audit_log").create_map([("action", "login"), ("actor", "ann")]).await?;
    /// # Ok(()) }
    /// ```
    pub async fn create_map<V: Into<Value>>(
        &self,
        pairs: impl IntoIterator<Item = (&'static str, V)>,
    ) -> Result<Option<Value>> {
        self.create_map_expr(pairs.into_iter().map(|(k, v)| (k, Expr::value(v.into()))))
            .await
    }

    /// Like [`Query::create_map`](crate::Query::create_map), with SQL expressions and
    /// functions as values (GORM's `clause.Expr` in a create map): each value is any
    /// [`IntoArg`](crate::IntoArg) — a plain value, `Expr::raw("?+1", …)`, a function
    /// call, a sub-query.
    ///
    /// ```no_run
    /// # use plugorm::{Model, Value};
    /// # use plugorm::plugin_api::statement::Expr;
    /// # async fn run<User: Model>(db: plugorm::Db) -> Result<(), plugorm::Error> {
    /// // INSERT INTO `users` (`age`,`name`) VALUES (?+1,upper(?))
    /// db.model::<User>()
    ///     .create_map_expr([
    ///         ("age", Expr::raw("?+1", [Value::from(17)])),
    ///         ("name", Expr::raw("upper(?)", [Value::from("jinzhu")])),
    ///     ])
    ///     .await?;
    /// # Ok(()) }
    /// ```
    pub async fn create_map_expr<A: crate::IntoArg>(
        &self,
        pairs: impl IntoIterator<Item = (&'static str, A)>,
    ) -> Result<Option<Value>> {
        crate::chain::soft_delete::guard(&self.db, T::source_schema(), false)?;
        let mut columns = Vec::new();
        let mut row = Vec::new();
        for (k, v) in pairs {
            columns.push(self.written_column(k, crate::model::WriteKind::Create)?);
            row.push(v.into_arg());
        }
        let mut pairs: Vec<_> = columns.into_iter().zip(row).collect();
        pairs.sort_by(|a, b| a.0.cmp(&b.0));
        let mut ins = Insert::new(self.table_ref(), pairs.iter().map(|p| p.0.clone()));
        ins.rows = vec![pairs.into_iter().map(|p| p.1).collect::<List<_>>()].into();
        let pk = T::source_schema().primary_keys().next();
        let mut op = CreateMap {
            pk,
            id: None,
            affected: 0,
        };
        ChainRun::start(
            &self.db,
            Processor::Create,
            T::model_schema(),
            Statement::Insert(ins),
            false,
        )
        .drive(&mut op)
        .await?;
        Ok(op.id)
    }
}

/// The create step of a map create: the INSERT, reading the generated key back.
struct CreateMap {
    pk: Option<&'static plugorm_plugin_api::schema::FieldSchema>,
    id: Option<Value>,
    /// Rows the INSERT wrote (for observers).
    affected: u64,
}

impl Operation for CreateMap {
    async fn step(&mut self, step: BuiltinStep, stage: Stage<'_>) -> Result<()> {
        if step != BuiltinStep::Create {
            return Ok(());
        }
        let Statement::Insert(ins) = &mut *stage.statement else {
            return Ok(());
        };
        match self.pk {
            Some(pk) if stage.db.dialect().capabilities().returning => {
                ins.returning = vec![pk.column.clone()].into();
                let rows = stage.db.query_statement(stage.statement).await?;
                self.affected = rows.len() as u64;
                let first = rows.iter().next().map(|r| r.get_at::<Value>(0));
                self.id = first.transpose()?;
            }
            _ => {
                let r = stage.db.execute_statement(stage.statement).await?;
                self.affected = r.rows_affected;
                self.id = r
                    .last_insert_id
                    .into_option()
                    .filter(|i| *i > 0)
                    .map(Value::I64);
            }
        }
        Ok(())
    }

    fn rows(&self) -> u64 {
        self.affected
    }
}
