//! A pool opened for a plugin, connecting on first use: a plugin is initialized before
//! any statement runs (and synchronously), and a replica that is down when the
//! application starts must not stop it from starting.

use std::sync::Arc;

use plugorm_plugin_api::{
    BoxFuture, Connection, Dialect, ExecResult, Executor, Pool, PoolOptions, PoolStats, PoolWaits,
    RowStream, Rows, Sql, Transaction,
};
use tokio::sync::OnceCell;

/// Connects through `dialect` the first time a statement, a transaction or a ping needs
/// it; a failed connect is reported to that caller and tried again by the next.
pub(crate) struct LazyPool(Arc<Inner>);

struct Inner {
    dialect: Arc<dyn Dialect>,
    url: String,
    options: PoolOptions,
    pool: OnceCell<Arc<dyn Pool>>,
}

impl LazyPool {
    pub(crate) fn new(dialect: Arc<dyn Dialect>, url: String, options: PoolOptions) -> LazyPool {
        LazyPool(Arc::new(Inner {
            dialect,
            url,
            options,
            pool: OnceCell::new(),
        }))
    }
}

impl Inner {
    async fn pool(&self) -> plugorm_plugin_api::DbResult<Arc<dyn Pool>> {
        self.pool
            .get_or_try_init(|| self.dialect.connect(&self.url, self.options))
            .await
            .cloned()
    }
}

/// Runs `f` on the connected pool.
macro_rules! on_pool {
    ($self:ident, |$p:ident| $call:expr) => {{
        let inner = Arc::clone(&$self.0);
        Box::pin(async move {
            let $p = inner.pool().await?;
            $call.await
        })
    }};
}

impl Executor for LazyPool {
    fn execute(&self, sql: Sql) -> BoxFuture<ExecResult> {
        on_pool!(self, |p| p.execute(sql))
    }
    fn query(&self, sql: Sql) -> BoxFuture<Rows> {
        on_pool!(self, |p| p.query(sql))
    }
    fn query_stream(&self, sql: Sql, batch_rows: u32) -> BoxFuture<Box<dyn RowStream>> {
        on_pool!(self, |p| p.query_stream(sql, batch_rows))
    }
}

impl Pool for LazyPool {
    fn acquire(&self) -> BoxFuture<Arc<dyn Connection>> {
        on_pool!(self, |p| p.acquire())
    }
    fn begin(&self) -> BoxFuture<Arc<dyn Transaction>> {
        on_pool!(self, |p| p.begin())
    }
    fn ping(&self) -> BoxFuture<()> {
        on_pool!(self, |p| p.ping())
    }
    fn stats(&self) -> PoolStats {
        match self.0.pool.get() {
            Some(p) => p.stats(),
            None => PoolStats {
                max_connections: self.0.options.max_connections,
                ..PoolStats::default()
            },
        }
    }
    fn waits(&self) -> PoolWaits {
        self.0.pool.get().map(|p| p.waits()).unwrap_or_default()
    }
    fn close(&self) -> BoxFuture<()> {
        match self.0.pool.get() {
            Some(p) => p.close(),
            None => Box::pin(std::future::ready(Ok(()))),
        }
    }
}
