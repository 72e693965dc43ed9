//! A database that renders and runs nothing: [`Registry::open_dry_run`]. The dialect's
//! SQL of any call can be seen without a server (GORM's `DryRun` with
//! `DisableAutomaticPing`), which is how the SQL of a dialect whose server is not at hand
//! is checked.

use std::sync::Arc;

use plugorm_plugin_api::{
    BoxFuture, Connection, DbError, ExecResult, Executor, Pool, PoolStats, Rows, Sql, Transaction,
};

use crate::{Db, Registry, Result};

impl Registry {
    /// A dry-run [`Db`] for the dialect that serves `url`'s scheme, with no connection:
    /// every statement is rendered and recorded ([`Db::dry_run_statements`]), none is
    /// sent, finishers return empty results, and nothing is ever opened — only the
    /// scheme of `url` is read.
    ///
    /// ```no_run
    /// # async fn run(registry: plugorm::Registry) -> Result<(), plugorm::Error> {
    /// let db = registry.open_dry_run("sqlserver://")?;
    /// db.table("users").limit(5).find_maps().await?;
    /// let sql = db.dry_run_statements();
    /// // SELECT * FROM "users" ORDER BY (SELECT NULL) OFFSET 0 ROW FETCH NEXT 5 ROWS ONLY
    /// # Ok(()) }
    /// ```
    pub fn open_dry_run(&self, url: &str) -> Result<Db> {
        let (_, dialect) = self.dialect_for_url(url)?;
        let label = format!("{}: (dry run, no connection)", dialect.name());
        let db = Db::new(
            &self.services,
            dialect,
            Arc::new(NoServer),
            self.session_callbacks()?,
            label,
        );
        Ok(db.dry_run())
    }
}

/// The pool of a dry-run database: transactions open and close (nothing runs in them),
/// and a statement that somehow reaches it is refused.
struct NoServer;

fn refused<T: Send + 'static>() -> BoxFuture<T> {
    Box::pin(std::future::ready(Err(DbError::Unsupported(
        "a dry-run database has no connection: nothing is run".into(),
    ))))
}

impl Executor for NoServer {
    fn execute(&self, _sql: Sql) -> BoxFuture<ExecResult> {
        refused()
    }
    fn query(&self, _sql: Sql) -> BoxFuture<Rows> {
        refused()
    }
}

impl Pool for NoServer {
    fn acquire(&self) -> BoxFuture<Arc<dyn Connection>> {
        Box::pin(std::future::ready(Ok(
            Arc::new(NoServer) as Arc<dyn Connection>
        )))
    }
    fn begin(&self) -> BoxFuture<Arc<dyn Transaction>> {
        Box::pin(std::future::ready(Ok(
            Arc::new(NoServer) as Arc<dyn Transaction>
        )))
    }
    fn ping(&self) -> BoxFuture<()> {
        Box::pin(std::future::ready(Ok(())))
    }
    fn stats(&self) -> PoolStats {
        PoolStats::default()
    }
    fn close(&self) -> BoxFuture<()> {
        Box::pin(std::future::ready(Ok(())))
    }
}

impl Connection for NoServer {
    fn begin(&self) -> BoxFuture<Arc<dyn Transaction>> {
        Pool::begin(self)
    }
    fn ping(&self) -> BoxFuture<()> {
        Pool::ping(self)
    }
}

impl Transaction for NoServer {
    fn savepoint(&self, _name: &str) -> BoxFuture<()> {
        Box::pin(std::future::ready(Ok(())))
    }
    fn rollback_to(&self, _name: &str) -> BoxFuture<()> {
        Box::pin(std::future::ready(Ok(())))
    }
    fn release(&self, _name: &str) -> BoxFuture<()> {
        Box::pin(std::future::ready(Ok(())))
    }
    fn commit(&self) -> BoxFuture<()> {
        Box::pin(std::future::ready(Ok(())))
    }
    fn rollback(&self) -> BoxFuture<()> {
        Box::pin(std::future::ready(Ok(())))
    }
}
