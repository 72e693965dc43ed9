//! The connection traits a dialect plugin implements: [`Pool`], [`Connection`],
//! [`Transaction`], all built on [`Executor`].
//!
//! Every method returns a `'static` future and never blocks. A plugin's futures run their
//! IO on the plugin's own runtime (see [`crate::runtime`]).

use std::{future::Future, pin::Pin, sync::Arc};

use abi_stable::StableAbi;

use crate::{
    row::{RowBatch, Rows},
    sql::ExecResult,
    DbResult, Sql,
};

/// A boxed, sendable, `'static` future resolving to a [`DbResult`].
pub type BoxFuture<T> = Pin<Box<dyn Future<Output = DbResult<T>> + Send + 'static>>;

/// Rows delivered batch by batch as the database produces them.
///
/// Dropping the stream stops the query and releases its connection. A dialect that cannot
/// stream gets the default [`Executor::query_stream`], which reads everything first.
pub trait RowStream: Send + Sync {
    /// The column names, in select-list order; known before the first batch, and given
    /// for a result without rows too.
    fn names(&self) -> Vec<String>;
    /// The next batch, or `None` after the last.
    fn next_batch(&self) -> BoxFuture<Option<RowBatch>>;
}

/// Runs statements.
pub trait Executor: Send + Sync {
    /// Runs a statement for its effect (GORM's `Exec`).
    ///
    /// Any statement may be given, including one that returns rows (`SELECT 1`,
    /// `INSERT … RETURNING id`): it runs to its end, exactly as through
    /// [`Executor::query`], and its rows are read and dropped. `rows_affected` counts the
    /// rows the statement wrote, the same on every dialect:
    ///
    /// - a data-changing statement (`INSERT`, `UPDATE`, `DELETE`, `REPLACE`, `MERGE`,
    ///   with or without `RETURNING`): the rows inserted, updated or deleted;
    /// - a query (`SELECT`, `VALUES`, `SHOW`, `WITH … SELECT`): 0 — never the number of
    ///   rows it returned, nor a count left over from an earlier statement;
    /// - anything else (DDL, `SET`, `CALL`): what the database reports.
    ///
    /// `last_insert_id` is the key the database generated, where it reports one (never
    /// for a query). The driver kit ([`crate::kit`]) holds every driver to the rule for
    /// queries, whatever the driver counted, and [`crate::kit::driver::rows_affected`]
    /// gives a driver the whole rule.
    ///
    /// ```no_run
    /// # async fn run(db: &dyn plugorm_plugin_api::Executor) -> plugorm_plugin_api::DbResult<()> {
    /// use plugorm_plugin_api::Sql;
    /// let r = db.execute(Sql::new("INSERT INTO t (v) VALUES (1), (2) RETURNING id", [])).await?;
    /// assert_eq!(r.rows_affected, 2);
    /// assert_eq!(db.execute(Sql::new("SELECT v FROM t", [])).await?.rows_affected, 0);
    /// # Ok(()) }
    /// ```
    fn execute(&self, sql: Sql) -> BoxFuture<ExecResult>;
    /// Runs a statement and returns all its rows, in batches, with its column names —
    /// also when no row matched (`SELECT id, name FROM t WHERE 1 = 0` is named `id`,
    /// `name`, with no batch or only empty ones).
    ///
    /// ```no_run
    /// # async fn run(db: &dyn plugorm_plugin_api::Executor) -> plugorm_plugin_api::DbResult<()> {
    /// use plugorm_plugin_api::Sql;
    /// let rows = db.query(Sql::new("SELECT id, name FROM t WHERE 1 = 0", [])).await?;
    /// assert!(rows.is_empty());
    /// assert_eq!(rows.column_names().collect::<Vec<_>>(), ["id", "name"]);
    /// # Ok(()) }
    /// ```
    fn query(&self, sql: Sql) -> BoxFuture<Rows>;
    /// Runs a statement and streams its rows in batches of about `batch_rows`, holding
    /// at most a couple of batches in memory.
    fn query_stream(&self, sql: Sql, batch_rows: u32) -> BoxFuture<Box<dyn RowStream>> {
        let _ = batch_rows;
        let all = self.query(sql);
        Box::pin(async move { Ok(Box::new(BufferedStream::new(all.await?)) as Box<dyn RowStream>) })
    }
}

/// A stream over rows already read (the default for dialects that cannot stream).
pub struct BufferedStream {
    names: Vec<String>,
    batches: std::sync::Mutex<std::collections::VecDeque<RowBatch>>,
}

impl BufferedStream {
    /// Streams the batches of `rows`.
    pub fn new(rows: Rows) -> BufferedStream {
        BufferedStream {
            names: rows.names.iter().map(|n| n.to_string()).collect(),
            batches: std::sync::Mutex::new(rows.batches.into_iter().collect()),
        }
    }
}

impl RowStream for BufferedStream {
    fn names(&self) -> Vec<String> {
        self.names.clone()
    }
    fn next_batch(&self) -> BoxFuture<Option<RowBatch>> {
        let next = match self.batches.lock() {
            Ok(mut q) => q.pop_front(),
            Err(_) => None,
        };
        Box::pin(std::future::ready(Ok(next)))
    }
}

/// Counters a pool reports (for metrics plugins and `plugorm plugins list`).
#[repr(C)]
#[derive(StableAbi, Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct PoolStats {
    /// Connections open now.
    pub connections: u32,
    /// Of those, idle.
    pub idle: u32,
    /// The configured maximum.
    pub max_connections: u32,
}

/// How often and how long callers waited for a free connection (plugin API 0.2.2; a
/// pool that does not count reports zeros).
#[repr(C)]
#[derive(StableAbi, Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct PoolWaits {
    /// Acquisitions that found every connection in use and waited.
    pub count: u64,
    /// Their total wait, in nanoseconds.
    pub nanos: u64,
}

/// A pool of connections to one database.
pub trait Pool: Executor {
    /// Takes one connection out of the pool until it is dropped.
    fn acquire(&self) -> BoxFuture<Arc<dyn Connection>>;
    /// Starts a transaction on a connection of its own.
    fn begin(&self) -> BoxFuture<Arc<dyn Transaction>>;
    /// Checks that the database answers.
    fn ping(&self) -> BoxFuture<()>;
    /// Current counters.
    fn stats(&self) -> PoolStats;
    /// Waits for a free connection so far (zeros unless the pool counts them; the
    /// driver kit's pool does).
    fn waits(&self) -> PoolWaits {
        PoolWaits::default()
    }
    /// Closes every connection; later calls fail with [`crate::DbError::Pool`].
    fn close(&self) -> BoxFuture<()>;
}

/// One connection, held until dropped.
pub trait Connection: Executor {
    /// Starts a transaction on this connection. The connection is busy until it ends.
    ///
    /// A connection holds one transaction at a time: while the transaction `begin`
    /// returned is open (neither committed, rolled back nor dropped), a second `begin`
    /// fails with [`crate::DbError::TransactionAlreadyOpen`] and sends nothing to the
    /// database, and the open transaction goes on unchanged. Nesting is what savepoints
    /// are for ([`Transaction::savepoint`]; the host's `transaction` inside a
    /// transaction takes one), as in GORM, where `Begin` on a transaction is
    /// `ErrInvalidTransaction` and a nested `Transaction` is a savepoint. The driver kit
    /// ([`crate::kit`]) enforces this for every dialect built on it.
    ///
    /// ```no_run
    /// # async fn run(conn: std::sync::Arc<dyn plugorm_plugin_api::Connection>) -> plugorm_plugin_api::DbResult<()> {
    /// use plugorm_plugin_api::DbError;
    /// let tx = conn.begin().await?;
    /// assert!(matches!(conn.begin().await, Err(DbError::TransactionAlreadyOpen)));
    /// tx.commit().await?;
    /// let again = conn.begin().await?; // the connection is free again
    /// # Ok(()) }
    /// ```
    fn begin(&self) -> BoxFuture<Arc<dyn Transaction>>;
    /// Checks that the connection is alive.
    fn ping(&self) -> BoxFuture<()>;
}

/// A transaction. Dropping it without [`Transaction::commit`] rolls it back.
pub trait Transaction: Executor {
    /// `SAVEPOINT name` (the name is quoted by the dialect).
    fn savepoint(&self, name: &str) -> BoxFuture<()>;
    /// `ROLLBACK TO SAVEPOINT name`.
    fn rollback_to(&self, name: &str) -> BoxFuture<()>;
    /// `RELEASE SAVEPOINT name`.
    fn release(&self, name: &str) -> BoxFuture<()>;
    /// Commits; later calls fail with [`crate::DbError::TransactionFinished`].
    fn commit(&self) -> BoxFuture<()>;
    /// Rolls back; later calls fail with [`crate::DbError::TransactionFinished`].
    fn rollback(&self) -> BoxFuture<()>;
}
