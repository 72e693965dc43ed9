//! Raw SQL read into models, maps and scalars, and raw SQL with named arguments (GORM's
//! `db.Raw("… @name …", sql.Named("name", v))`). Untyped raw SQL (`exec`, `raw`) is on
//! `Db` itself, in `db/raw.rs`.

use plugorm_plugin_api::{row::Decode, statement::Statement, ExecResult, Rows, Value};

use super::clauses::named_to_positional;
use crate::{Db, FromRow, Result};

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
        self.execute_statement(&stmt).await
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
