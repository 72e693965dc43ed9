//! Statement trees and rendered SQL on a [`Db`]: run, render, stream. Every statement of the
//! crate — a query's SELECT, a write, a migration — reaches the database through
//! [`Db::execute_statement`] / [`Db::query_statement`] here, which hand it to
//! [`crate::exec`].

use std::future::Future;

use plugorm_plugin_api::{statement::Statement, ExecResult, RowStream, Rows, Sql};

use super::Db;
use crate::{args::IntoArgs, Error, Result};

impl Db {
    /// Runs a rendered statement that returns no rows (the one path every write takes).
    pub async fn execute_sql(&self, sql: Sql) -> Result<ExecResult> {
        self.runner().execute(sql).await
    }

    /// Runs a rendered query (the one path every read takes).
    pub async fn query_sql(&self, sql: Sql) -> Result<Rows> {
        self.runner().query(sql).await
    }

    /// Renders and runs a statement tree that returns no rows (after the statement
    /// pass: plugins may rewrite and route it).
    pub async fn execute_statement(&self, stmt: &Statement) -> Result<ExecResult> {
        match self.statement_pass(stmt, false)? {
            Some((db, stmt)) => db.execute_here(&stmt).await,
            None => self.execute_here(stmt).await,
        }
    }

    /// Renders and runs a statement tree that returns rows (after the statement pass:
    /// plugins may rewrite, route or fan it out).
    pub async fn query_statement(&self, stmt: &Statement) -> Result<Rows> {
        match self.statement_pass(stmt, true)? {
            Some((db, stmt)) => db.query_here(&stmt).await,
            None => self.query_here(stmt).await,
        }
    }

    /// Renders and runs a statement tree that returns no rows, as it is, on this handle.
    pub(crate) async fn execute_here(&self, stmt: &Statement) -> Result<ExecResult> {
        let runner = self.runner();
        runner.execute(runner.render(stmt)?).await
    }

    /// Renders and runs a statement tree that returns rows, as it is, on this handle (on
    /// each of its tables when it is fanned out).
    pub(crate) async fn query_here(&self, stmt: &Statement) -> Result<Rows> {
        if let super::Conn::FanOut(targets) = &self.conn {
            return targets.query(stmt).await;
        }
        let runner = self.runner();
        runner.query(runner.render(stmt)?).await
    }

    /// Streams the rows of a rendered query (dry run: an empty stream).
    pub async fn query_stream_sql(&self, sql: Sql, batch_rows: u32) -> Result<Box<dyn RowStream>> {
        self.runner().query_stream(sql, batch_rows).await
    }

    /// Renders a statement tree without running it.
    pub fn render(&self, stmt: &Statement) -> Result<Sql> {
        self.runner().render(stmt)
    }

    /// Renders a raw template with its arguments without running it (rewritten by the
    /// plugins' rewriters, as a statement that runs is).
    pub fn render_raw(&self, sql: &str, args: impl IntoArgs) -> Result<Sql> {
        self.runner().render_raw(sql, args)
    }

    /// The statement's text with each placeholder replaced by its value, written as a
    /// literal of this database's dialect (GORM's `Dialector.Explain`): what the SQL log
    /// shows (`plugorm::log`). Strings are quoted with `'` doubled (and `\` doubled on
    /// MySQL), bytes in hex, timestamps as `'2006-01-02 15:04:05.999'`; a `?` or `$1`
    /// inside a quoted string, a quoted name or a comment stays as it is.
    ///
    /// The text is for reading, not for running: run the statement itself, whose values
    /// are bound.
    ///
    /// ```no_run
    /// # async fn run(db: plugorm::Db) -> Result<(), plugorm::Error> {
    /// let dry = db.dry_run();
    /// // `??` is a literal `?` in raw SQL: here one inside a string.
    /// dry.exec("UPDATE users SET name = ? WHERE id = ? AND note <> '??'", ("O'Brien", 7)).await?;
    /// let sql = &dry.dry_run_statements()[0];
    /// // On SQLite or MySQL; PostgreSQL's text has `$1` and `$2` in place of the `?`s.
    /// assert_eq!(sql.text.as_str(), "UPDATE users SET name = ? WHERE id = ? AND note <> '?'");
    /// assert_eq!(db.explain(sql), "UPDATE users SET name = 'O''Brien' WHERE id = 7 AND note <> '?'");
    /// # Ok(()) }
    /// ```
    pub fn explain(&self, sql: &Sql) -> String {
        crate::log::explain(&sql.text, &sql.params, &self.shared.explain)
    }

    /// Runs `f` on a dry-run session and returns the last statement it rendered
    /// (GORM's `ToSQL`).
    ///
    /// ```no_run
    /// # async fn run(db: plugorm::Db) -> Result<(), plugorm::Error> {
    /// let sql = db.to_sql(|tx| async move { tx.exec("DELETE FROM t WHERE id = ?", (1,)).await }).await?;
    /// assert_eq!(sql.text.as_str(), "DELETE FROM t WHERE id = ?");
    /// # Ok(()) }
    /// ```
    pub async fn to_sql<F, Fut, R>(&self, f: F) -> Result<Sql>
    where
        F: FnOnce(Db) -> Fut,
        Fut: Future<Output = Result<R>>,
    {
        let dry = self.dry_run();
        f(dry.clone()).await?;
        dry.dry_run_statements()
            .pop()
            .ok_or_else(|| Error::DryRunUnsupported("the closure rendered no statement".into()))
    }
}
