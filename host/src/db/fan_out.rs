//! A read a callback spread over several tables of several pools
//! ([`setting::FAN_OUT`]): the handle that runs it on each and merges the rows
//! ([`crate::exec::MergePlan`]).
//!
//! Only a SELECT fans out, and only from the query and row processors (the chain checks):
//! a write must name its shard. Inside a transaction every target must be on the
//! transaction's pool, and the reads run one after another on its connection; otherwise
//! they run on their pools at once.

use std::sync::Arc;

use futures_util::future::try_join_all;
use plugorm_plugin_api::{
    setting,
    statement::{FromItem, Statement, TableRef},
    target::parse_targets,
    BoxFuture, DbError, ExecResult, Executor, RowStream, Rows, Sql,
};

use super::{Conn, Db};
use crate::{exec::MergePlan, Error, Result};

/// The tables a read runs on, each with the handle that reaches its pool.
#[derive(Clone)]
pub(crate) struct FanOut {
    targets: Arc<[(Db, TableRef)]>,
}

impl FanOut {
    /// The pool of the first target (for observers).
    pub(crate) fn first_pool(&self) -> plugorm_plugin_api::host::PoolId {
        self.targets[0].0.pool_id()
    }
}

impl Db {
    /// This handle with its reads run on the targets a [`setting::FAN_OUT`] value
    /// names. A malformed value, an unknown pool, or a pool other than the transaction's
    /// inside a transaction is the callback's error.
    pub(crate) fn fan_out_to(&self, value: &str) -> Result<Db> {
        let targets = parse_targets(value).map_err(|e| {
            Error::Callback(format!(
                "a callback fanned the read out to `{value}` (`{}`): {e}",
                setting::FAN_OUT
            ))
        })?;
        let mut handles = Vec::with_capacity(targets.len());
        for t in targets {
            let db = self.on_pool(
                t.pool,
                &format!("table `{}` of a fanned-out read", t.table.name),
            )?;
            handles.push((db, t.table));
        }
        if handles.is_empty() {
            return Err(Error::Callback(
                "a callback fanned the read out to no table".into(),
            ));
        }
        Ok(Db {
            shared: Arc::clone(&self.shared),
            conn: Conn::FanOut(FanOut {
                targets: handles.into(),
            }),
            session: Arc::clone(&self.session),
        })
    }
}

impl FanOut {
    /// Runs `stmt` (a SELECT from one table) on every target, the table replaced by the
    /// target's, and merges the rows.
    pub(crate) async fn query(&self, stmt: &Statement) -> Result<Rows> {
        let Statement::Select(select) = stmt else {
            return Err(refused("it is not a SELECT"));
        };
        let FromItem::Table(own) = &select.from else {
            return Err(refused("it does not read one table"));
        };
        let plan = MergePlan::of(select).map_err(|why| refused(&format!("it has {why}")))?;
        let asked = Statement::Select(plan.per_target(select));
        let statements = self.targets.iter().map(|(db, table)| {
            let mut s = asked.clone();
            s.retarget(own.name.as_str(), table);
            (db, s)
        });
        let parts = if self.targets[0].0.in_transaction() {
            // One connection: one read at a time.
            let mut parts = Vec::with_capacity(self.targets.len());
            for (db, s) in statements {
                parts.push(Box::pin(db.query_here(&s)).await?);
            }
            parts
        } else {
            try_join_all(statements.map(|(db, s)| async move { Box::pin(db.query_here(&s)).await }))
                .await?
        };
        plan.merge(parts)
            .map_err(|why| refused(&format!("its rows cannot be merged: {why}")))
    }
}

fn refused(why: &str) -> Error {
    Error::Db(DbError::Unsupported(format!(
        "a read fanned out to several tables must be a SELECT of rows the host can merge, \
         and {why}"
    )))
}

/// What runs SQL text on a fanned-out handle: nothing. Text cannot be moved to another
/// table; only statement trees fan out.
impl Executor for FanOut {
    fn execute(&self, _: Sql) -> BoxFuture<ExecResult> {
        Box::pin(async { Err(text_refused()) })
    }
    fn query(&self, _: Sql) -> BoxFuture<Rows> {
        Box::pin(async { Err(text_refused()) })
    }
    fn query_stream(&self, _: Sql, _: u32) -> BoxFuture<Box<dyn RowStream>> {
        Box::pin(async { Err(text_refused()) })
    }
}

fn text_refused() -> DbError {
    DbError::Unsupported(
        "a statement fanned out to several tables runs only as a SELECT the host builds; \
         rendered SQL text, writes and streams must name one table"
            .into(),
    )
}
