//! Raw SQL with named arguments (GORM's `db.Raw("… @name …", sql.Named("name", v))`).

use plugorm_plugin_api::{statement::Statement, ExecResult, Rows, Value};

use super::clauses::named_to_positional;
use crate::{decode, Db, Model, Result};

impl Db {
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
        self.query_statement(&stmt).await
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
    pub async fn raw_named_as<T: Model>(
        &self,
        sql: &str,
        named: &[(&str, Value)],
    ) -> Result<Vec<T>> {
        decode::decode_all::<T>(&self.raw_named(sql, named).await?)
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
        self.execute_statement(&stmt).await
    }
}
