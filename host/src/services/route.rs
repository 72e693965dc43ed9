//! Where a routing callback sent a statement: the pools named in the
//! [`setting::POOL`](plugorm_plugin_api::setting::POOL) setting (read by the chain), as
//! an [`Executor`].
//!
//! The first pool runs the statement. A read (`query`, `query_stream`) moves on to the
//! next pool only while the one before could not be reached ([`DbError::Connect`],
//! [`DbError::ConnectionLost`]): a replica that is down falls back to the next choice
//! without failing the read. A write never moves on: it may have reached the server.

use std::sync::Arc;

use plugorm_plugin_api::{
    host::PoolId, BoxFuture, DbError, ExecResult, Executor, Pool, RowStream, Rows, Sql,
};

/// The pools a statement was routed to, in order of preference.
#[derive(Clone)]
pub(crate) struct Route {
    pools: Arc<[(PoolId, Arc<dyn Pool>)]>,
}

impl Route {
    /// The route through `pools`, in order of preference; `None` for no pool.
    pub(crate) fn new(pools: Vec<(PoolId, Arc<dyn Pool>)>) -> Option<Route> {
        (!pools.is_empty()).then(|| Route {
            pools: pools.into(),
        })
    }

    /// The pool of first choice (transactions begin there).
    pub(crate) fn first(&self) -> (PoolId, &Arc<dyn Pool>) {
        let (id, pool) = &self.pools[0];
        (*id, pool)
    }
}

/// True when the pool could not be reached at all, so the read never ran there.
fn unreachable(e: &DbError) -> bool {
    matches!(e, DbError::Connect { .. } | DbError::ConnectionLost { .. })
}

/// Runs `call` on each pool in turn while the one before was unreachable.
fn first_reachable<T: Send + 'static>(
    pools: Arc<[(PoolId, Arc<dyn Pool>)]>,
    call: impl Fn(&Arc<dyn Pool>) -> BoxFuture<T> + Send + 'static,
) -> BoxFuture<T> {
    Box::pin(async move {
        let mut first_error = None;
        for (id, pool) in pools.iter() {
            match call(pool).await {
                Err(e) if unreachable(&e) => {
                    tracing::warn!(
                        target: "plugorm::route",
                        pool = id,
                        error = %e,
                        "pool unreachable; the read moves on to the next choice"
                    );
                    first_error.get_or_insert(e);
                }
                other => return other,
            }
        }
        Err(first_error.unwrap_or_else(|| DbError::Pool("no pool to run the read on".into())))
    })
}

impl Executor for Route {
    fn execute(&self, sql: Sql) -> BoxFuture<ExecResult> {
        self.first().1.execute(sql)
    }
    fn query(&self, sql: Sql) -> BoxFuture<Rows> {
        // One choice (a shard, a source): no fall-over, so the statement is not copied.
        if self.pools.len() == 1 {
            return self.first().1.query(sql);
        }
        first_reachable(Arc::clone(&self.pools), move |p| p.query(sql.clone()))
    }
    fn query_stream(&self, sql: Sql, batch_rows: u32) -> BoxFuture<Box<dyn RowStream>> {
        if self.pools.len() == 1 {
            return self.first().1.query_stream(sql, batch_rows);
        }
        first_reachable(Arc::clone(&self.pools), move |p| {
            p.query_stream(sql.clone(), batch_rows)
        })
    }
}
