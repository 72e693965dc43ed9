//! Raw SQL: run as it is (`exec`, `raw`, `raw_stream`), read into models, maps and
//! scalars, and with named arguments (GORM's `db.Raw("… @name …", sql.Named("name",
//! v))`). Like GORM's `Exec` and `Raw(…).Rows()`, it runs through the raw and row
//! processors, so plugins see it (a read/write router sends a raw SELECT to a replica).

use plugorm_plugin_api::{
    row::Decode,
    statement::{RawSql, Statement},
    steps::BuiltinStep,
    ExecResult, Processor, RowStream, Rows, Value,
};

use super::clauses::named_to_positional;
use crate::{
    args::IntoArgs,
    chain::{ChainRun, Fetch, Operation, Stage},
    Db, FromRow, Result,
};

/// Rows per batch [`Db::raw_stream`] asks the plugin for.
const STREAM_BATCH: u32 = 512;

impl Db {
    /// Streams the rows of raw SQL in batches. The row processor's callbacks see the
    /// statement first (a router may send it to a replica).
    pub async fn raw_stream(&self, sql: &str, args: impl IntoArgs) -> Result<Box<dyn RowStream>> {
        let (db, stmt) = self.route_only(Processor::Row, raw_statement(sql, args), None)?;
        let (db, stmt) = match db.statement_pass(&stmt, true)? {
            Some(passed) => passed,
            None => (db, stmt),
        };
        let sql = db.render(&stmt)?;
        db.query_stream_sql(sql, STREAM_BATCH).await
    }

    /// Runs a statement that returns no rows; `?` placeholders take `args` (a `Vec` or
    /// slice argument expands to a list). It runs through the raw processor, so feature
    /// plugins see it (GORM's `Exec`).
    pub async fn exec(&self, sql: &str, args: impl IntoArgs) -> Result<ExecResult> {
        self.exec_raw_statement(raw_statement(sql, args)).await
    }

    /// Runs a raw statement (text and arguments) through the raw processor.
    pub(crate) async fn exec_raw_statement(&self, stmt: Statement) -> Result<ExecResult> {
        let mut op = RunRaw::default();
        ChainRun::start(self, Processor::Raw, None, stmt, false)
            .drive(&mut op)
            .await?;
        Ok(op.result)
    }

    /// Runs a raw query (text and arguments) through the row processor.
    pub(crate) async fn query_raw_statement(&self, stmt: Statement) -> Result<Rows> {
        let mut op = Fetch::default();
        ChainRun::start(self, Processor::Row, None, stmt, false)
            .drive(&mut op)
            .await?;
        Ok(op.rows)
    }

    /// Runs a query and returns its rows; `?` placeholders take `args`. It runs through
    /// the row processor, so feature plugins see it (GORM's `Raw(…).Rows()`).
    pub async fn raw(&self, sql: &str, args: impl IntoArgs) -> Result<Rows> {
        self.query_raw_statement(raw_statement(sql, args)).await
    }

    /// Runs a query whose `@name` placeholders take the values named in `named` (each
    /// occurrence binds its own parameter; `@@` is a literal `@`, and text inside quotes
    /// is left alone). A name with no value is a clear error naming it.
    ///
    /// ```no_run
    /// # async fn run(db: plugorm::Db) -> Result<(), plugorm::Error> {
    /// use plugorm::Value;
    /// let rows = db
    ///     .raw_named(
    ///         "SELECT * FROM users WHERE name1 = @name OR name2 = @name",
    ///         &[("name", Value::from("jinzhu"))],
    ///     )
    ///     .await?;
    /// # Ok(()) }
    /// ```
    pub async fn raw_named(&self, sql: &str, named: &[(&str, Value)]) -> Result<Rows> {
        let stmt = Statement::Raw(named_to_positional(sql, named)?);
        self.query_raw_statement(stmt).await
    }

    /// Like [`Db::raw_named`], decoding every row into a `T` (columns matched by name).
    ///
    /// ```no_run
    /// # use plugorm::{Model, Value};
    /// # async fn run<User: Model>(db: plugorm::Db) -> Result<(), plugorm::Error> {
    /// let users: Vec<User> = db
    ///     .raw_named_as("SELECT * FROM users WHERE age > @age", &[("age", Value::from(18))])
    ///     .await?;
    /// # Ok(()) }
    /// ```
    pub async fn raw_named_as<T: FromRow>(
        &self,
        sql: &str,
        named: &[(&str, Value)],
    ) -> Result<Vec<T>> {
        T::from_rows(&self.raw_named(sql, named).await?)
    }

    /// Runs a statement that returns no rows, with named arguments (see
    /// [`Db::raw_named`]).
    ///
    /// ```no_run
    /// # async fn run(db: plugorm::Db) -> Result<(), plugorm::Error> {
    /// use plugorm::Value;
    /// db.exec_named("UPDATE users SET age = @age WHERE age < @age", &[("age", Value::from(18))])
    ///     .await?;
    /// # Ok(()) }
    /// ```
    pub async fn exec_named(&self, sql: &str, named: &[(&str, Value)]) -> Result<ExecResult> {
        let stmt = Statement::Raw(named_to_positional(sql, named)?);
        self.exec_raw_statement(stmt).await
    }

    /// Runs raw SQL and reads every row into a `T`: a model or a struct deriving `Model`
    /// (columns matched by name), a map, or a tuple (columns by position) — any
    /// [`FromRow`] type (GORM's `Raw(..).Scan(&dest)`).
    ///
    /// ```no_run
    /// # use plugorm::Model;
    /// # async fn run<User: Model>(db: plugorm::Db) -> Result<(), plugorm::Error> {
    /// let users: Vec<User> = db.raw_as("SELECT * FROM users WHERE age > ?", (18,)).await?;
    /// let pairs: Vec<(String, i64)> = db.raw_as("SELECT name, age FROM users", ()).await?;
    /// # Ok(()) }
    /// ```
    pub async fn raw_as<T: FromRow>(
        &self,
        sql: &str,
        args: impl crate::IntoArgs,
    ) -> Result<Vec<T>> {
        T::from_rows(&self.raw(sql, args).await?)
    }

    /// Runs raw SQL and returns the first column of the first row.
    pub async fn raw_scalar<V: Decode>(
        &self,
        sql: &str,
        args: impl crate::IntoArgs,
    ) -> Result<Option<V>> {
        let rows = self.raw(sql, args).await?;
        let first = rows.iter().next().map(|r| r.get_at::<V>(0));
        Ok(first.transpose()?)
    }

    /// Runs raw SQL and returns every row as a map from column name to value.
    pub async fn raw_maps(
        &self,
        sql: &str,
        args: impl crate::IntoArgs,
    ) -> Result<Vec<std::collections::BTreeMap<String, plugorm_plugin_api::Value>>> {
        FromRow::from_rows(&self.raw(sql, args).await?)
    }
}

/// Raw SQL as a statement the callbacks can read.
fn raw_statement(sql: &str, args: impl IntoArgs) -> Statement {
    Statement::Raw(RawSql {
        sql: sql.into(),
        args: args.into_args().into(),
    })
}

/// Runs raw SQL that returns no rows at its step, keeping the driver's answer.
#[derive(Default)]
struct RunRaw {
    result: ExecResult,
}

impl Operation for RunRaw {
    async fn step(&mut self, step: BuiltinStep, stage: Stage<'_>) -> Result<()> {
        if step.runs_statement() {
            self.result = stage.db.execute_statement(stage.statement).await?;
        }
        Ok(())
    }

    fn rows(&self) -> u64 {
        self.result.rows_affected
    }
}
