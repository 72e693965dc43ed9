//! The two traits a dialect implements to get a pool from the kit: [`Driver`] opens
//! connections, [`DriverConnection`] runs statements on one of them.
//!
//! Everything else (pooling, transactions, cancellation, streaming, the runtime) is the
//! kit's. A driver's methods take `&mut self`: the kit guarantees one statement at a time
//! per connection, and that every statement it starts runs to its end even when the
//! caller stops waiting (cancelled on the server first, see [`Cancel`]), so a driver
//! never sees a half-read result.

use std::{future::Future, pin::Pin, sync::Arc};

use crate::{row::Rows, sql::ExecResult, DbResult, Sql};

use super::{
    lexer::{statement_kind, Lexicon, StatementKind},
    stream::BatchSink,
};

/// Where a connection's statements run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Threading {
    /// Async drivers over sockets (sqlx, tiberius): statements run in the caller's task,
    /// inside the plugin runtime's context; a statement abandoned mid-flight finishes as a
    /// task on the plugin runtime.
    #[default]
    Task,
    /// On a thread of the connection's own, which the driver may block (rusqlite, ODBC,
    /// any C client library). Statements reach it through a channel, one hand-off each way.
    OwnThread,
    /// For blocking drivers in embedded use, opt-in: plain statements (execute, query,
    /// `BEGIN` / `COMMIT` / `ROLLBACK`, savepoints) run synchronously on the caller's
    /// thread, inside the poll of the caller's future: no thread hand-off at all. The
    /// rest stays on the connection's own thread, as with [`Threading::OwnThread`]:
    /// streams (which block on the reader's channel, and that may not happen inside an
    /// async context), pings, and the rollback of a transaction or lease dropped while
    /// open.
    ///
    /// Its hazards, why it is not the default:
    ///
    /// - A statement occupies the caller's thread until it ends: a long statement stalls
    ///   every other task of that runtime thread (all of them on a current-thread
    ///   runtime).
    /// - It cannot be abandoned mid-flight: it completes inside one poll, so a
    ///   `tokio::time::timeout` around it (a session's statement timeout) fires only
    ///   after it ended, and dropping its future stops nothing. Only a statement still
    ///   waiting for its connection is skipped. Bound long statements in the database
    ///   instead, or use [`Threading::OwnThread`].
    /// - Lock waits block the thread too: a driver that waits for a lock held by another
    ///   connection (SQLite's `busy_timeout`) waits on the caller's thread. Two
    ///   connections used from one current-thread runtime can then wait on each other
    ///   until that timeout (the holder's task cannot run to release the lock): the
    ///   waiting one fails with a busy error.
    ///
    /// ```
    /// use plugorm_plugin_api::kit::Threading;
    /// assert_ne!(Threading::Inline, Threading::default());
    /// assert!(Threading::Inline.runs_on_caller() && !Threading::OwnThread.runs_on_caller());
    /// ```
    Inline,
}

impl Threading {
    /// True when plain statements run in the caller's task or thread ([`Threading::Task`],
    /// [`Threading::Inline`]) rather than being handed to a connection thread.
    ///
    /// ```
    /// use plugorm_plugin_api::kit::Threading;
    /// assert!(Threading::Task.runs_on_caller());
    /// assert!(!Threading::OwnThread.runs_on_caller());
    /// ```
    pub fn runs_on_caller(self) -> bool {
        matches!(self, Threading::Task | Threading::Inline)
    }

    /// True when the connection's worker gets a thread of its own, which the driver may
    /// block ([`Threading::OwnThread`], [`Threading::Inline`]).
    ///
    /// ```
    /// use plugorm_plugin_api::kit::Threading;
    /// assert!(Threading::Inline.has_own_thread() && !Threading::Task.has_own_thread());
    /// ```
    pub fn has_own_thread(self) -> bool {
        matches!(self, Threading::OwnThread | Threading::Inline)
    }
}

/// Opens connections to one database: what a dialect implements to get a
/// [`crate::Pool`] from [`super::KitPool::open`].
///
/// ```
/// use plugorm_plugin_api::kit::{Driver, DriverConnection};
/// use plugorm_plugin_api::{DbResult, ExecResult, Rows, Sql};
///
/// /// A driver whose connections answer every query with no rows.
/// struct Silent;
/// struct SilentConn;
///
/// impl Driver for Silent {
///     type Connection = SilentConn;
///     async fn connect(&self) -> DbResult<SilentConn> { Ok(SilentConn) }
/// }
/// impl DriverConnection for SilentConn {
///     async fn execute(&mut self, _sql: &Sql) -> DbResult<ExecResult> { Ok(ExecResult::default()) }
///     async fn query(&mut self, _sql: &Sql) -> DbResult<Rows> { Ok(Rows::default()) }
/// }
/// ```
pub trait Driver: Send + Sync + 'static {
    /// One open connection.
    type Connection: DriverConnection;

    /// Opens a new connection. The kit applies the pool's connect timeout around it.
    fn connect(&self) -> impl Future<Output = DbResult<Self::Connection>> + Send;

    /// Where the connections' statements run (default: tasks on the plugin runtime).
    fn threading(&self) -> Threading {
        Threading::Task
    }

    /// Quotes a savepoint name as an identifier (default: SQL's double quotes).
    fn quote_savepoint(&self, name: &str) -> String {
        format!("\"{}\"", name.replace('"', "\"\""))
    }

    /// How long a connection may sit idle in the pool before the kit pings it on its way
    /// out (default: never). A server closes idle sessions (restarts, idle timeouts,
    /// `pg_terminate_backend`); a connection idle this long is checked first so the
    /// caller's statement is not the one that finds it dead. A busy pool never pays for it.
    fn check_after_idle(&self) -> Option<std::time::Duration> {
        None
    }

    /// The statement that starts a transaction (default `BEGIN`).
    fn begin_sql(&self) -> &'static str {
        "BEGIN"
    }

    /// How the database's SQL text quotes and comments (default standard SQL's): the kit
    /// reads a statement's leading keyword with it to hold every driver to
    /// [`crate::Executor::execute`]'s rule that a query reports no rows affected.
    ///
    /// ```
    /// use plugorm_plugin_api::kit::{lexer::Lexicon, Driver, DriverConnection};
    /// use plugorm_plugin_api::{DbResult, ExecResult, Rows, Sql};
    /// struct Maria;
    /// struct Conn;
    /// impl Driver for Maria {
    ///     type Connection = Conn;
    ///     async fn connect(&self) -> DbResult<Conn> { Ok(Conn) }
    ///     fn lexicon(&self) -> Lexicon { Lexicon::MYSQL }
    /// }
    /// impl DriverConnection for Conn {
    ///     async fn execute(&mut self, _: &Sql) -> DbResult<ExecResult> { Ok(ExecResult::default()) }
    ///     async fn query(&mut self, _: &Sql) -> DbResult<Rows> { Ok(Rows::default()) }
    /// }
    /// assert_eq!(Maria.lexicon(), Lexicon::MYSQL);
    /// ```
    fn lexicon(&self) -> Lexicon {
        Lexicon::STANDARD
    }
}

/// The future of [`Cancel::cancel`].
pub type CancelFuture = Pin<Box<dyn Future<Output = ()> + Send + 'static>>;

/// Stops the statement running on one connection, from another task: PostgreSQL's
/// `pg_cancel_backend`, MySQL's `KILL QUERY`, SQLite's interrupt.
///
/// ```
/// use plugorm_plugin_api::kit::driver::{Cancel, CancelFuture};
/// use std::sync::{atomic::{AtomicBool, Ordering}, Arc};
///
/// /// Raises a flag that the connection's statement loop checks.
/// struct Flag(Arc<AtomicBool>);
///
/// impl Cancel for Flag {
///     fn cancel(&self) -> CancelFuture {
///         self.0.store(true, Ordering::Release);
///         Box::pin(async {})
///     }
///
///     fn clear(&self) {
///         self.0.store(false, Ordering::Release);
///     }
/// }
/// ```
pub trait Cancel: Send + Sync + 'static {
    /// Asks the database to stop the statement now running on the connection (or about
    /// to run: the kit may call this just before the driver's `execute` or `query` sends
    /// it). Failures are the driver's to log: the statement then simply runs to its end.
    fn cancel(&self) -> CancelFuture;

    /// Called once the cancelled statement has ended and the future of
    /// [`Cancel::cancel`] has finished, before the connection runs anything else: undoes
    /// what `cancel` left behind, such as a raised flag (default: nothing).
    fn clear(&self) {}
}

/// A [`Cancel`] that raises a flag, for databases that stop a statement from inside:
/// SQLite's progress handler (or any driver callback that runs every so many steps)
/// reads [`CancelFlag::is_raised`] and ends the statement when it is. Raised before the
/// statement started, it still stops it; the kit lowers it once the statement ended.
///
/// ```
/// use std::sync::Arc;
/// use plugorm_plugin_api::kit::{Cancel, CancelFlag};
/// let flag = Arc::new(CancelFlag::default());
/// let seen_by_the_driver = flag.clone();
/// drop(flag.cancel());
/// assert!(seen_by_the_driver.is_raised());
/// flag.clear();
/// assert!(!seen_by_the_driver.is_raised());
/// ```
#[derive(Debug, Default)]
pub struct CancelFlag(std::sync::atomic::AtomicBool);

impl CancelFlag {
    /// True between a [`Cancel::cancel`] and the kit's [`Cancel::clear`].
    pub fn is_raised(&self) -> bool {
        self.0.load(std::sync::atomic::Ordering::Acquire)
    }
}

impl Cancel for CancelFlag {
    fn cancel(&self) -> CancelFuture {
        self.0.store(true, std::sync::atomic::Ordering::Release);
        Box::pin(async {})
    }

    fn clear(&self) {
        self.0.store(false, std::sync::atomic::Ordering::Release);
    }
}

/// How long a cancel request through [`cancel_request`] may take.
pub const CANCEL_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(5);

/// Runs a cancel request that goes through a connection of its own (PostgreSQL's
/// `pg_cancel_backend`, MySQL's `KILL QUERY`) within [`CANCEL_TIMEOUT`], logging how it
/// ended: what a [`Cancel`] of a server database returns.
///
/// ```
/// use plugorm_plugin_api::kit::driver::{cancel_request, CancelFuture};
/// fn cancel(session: u64) -> CancelFuture {
///     cancel_request(session, async { Ok::<(), std::io::Error>(()) })
/// }
/// ```
pub fn cancel_request<E: std::fmt::Display>(
    session: u64,
    request: impl Future<Output = Result<(), E>> + Send + 'static,
) -> CancelFuture {
    Box::pin(async move {
        match tokio::time::timeout(CANCEL_TIMEOUT, request).await {
            Ok(Ok(())) => tracing::debug!(session, "cancelled an abandoned statement"),
            Ok(Err(e)) => {
                tracing::warn!(session, error = %e, "cancelling an abandoned statement failed")
            }
            Err(_) => tracing::warn!(session, "cancelling an abandoned statement timed out"),
        }
    })
}

/// The `rows_affected` that [`crate::Executor::execute`] reports for a statement of
/// `kind` (see [`super::lexer::statement_kind`]), from what the database `reported` and
/// how many rows the statement `returned` (read and dropped): a query writes nothing, so
/// 0 whatever the database counted (PostgreSQL's `SELECT n` tag, SQLite's count left
/// from an earlier write); a write counts the rows it wrote, which a server that sends a
/// `RETURNING` result reports as 0 (MariaDB) but returned one row each for; any other
/// statement, what the database reports.
///
/// ```
/// use plugorm_plugin_api::kit::{driver::rows_affected, lexer::StatementKind};
/// assert_eq!(rows_affected(StatementKind::Query, 3, 3), 0);
/// assert_eq!(rows_affected(StatementKind::Write, 0, 2), 2);
/// assert_eq!(rows_affected(StatementKind::Write, 5, 0), 5);
/// assert_eq!(rows_affected(StatementKind::Other, 7, 0), 7);
/// ```
pub fn rows_affected(kind: StatementKind, reported: u64, returned: u64) -> u64 {
    match kind {
        StatementKind::Query => 0,
        StatementKind::Write => reported.max(returned),
        StatementKind::Other => reported,
    }
}

/// What the kit hands back from a driver's `execute`: for a query, no rows affected and
/// no generated key, whatever the driver counted (a driver need not special-case
/// queries; a write's count is the driver's, see [`rows_affected`]).
pub(crate) fn settle(lexicon: &Lexicon, sql: &Sql, result: ExecResult) -> ExecResult {
    match statement_kind(&sql.text, lexicon) {
        StatementKind::Query => ExecResult::default(),
        _ => result,
    }
}

/// One open connection: runs one statement at a time.
///
/// Only [`DriverConnection::execute`] and [`DriverConnection::query`] are required; a
/// driver that can read rows as they arrive overrides [`DriverConnection::stream`].
pub trait DriverConnection: Send + 'static {
    /// Runs a statement for its effect, as [`crate::Executor::execute`] specifies: a
    /// statement that returns rows runs to its end and its rows are dropped;
    /// `rows_affected` follows [`rows_affected`].
    fn execute(&mut self, sql: &Sql) -> impl Future<Output = DbResult<ExecResult>> + Send;

    /// Runs a statement and returns all its rows, and its column names even when there
    /// are no rows ([`crate::Executor::query`]).
    fn query(&mut self, sql: &Sql) -> impl Future<Output = DbResult<Rows>> + Send;

    /// Runs a statement and hands its rows to `sink` batch by batch: first
    /// [`BatchSink::names`] (sent for a result without rows too), then [`BatchSink::send`] per batch of about
    /// [`BatchSink::batch_rows`] rows, stopping when `send` returns `false` (the reader is
    /// gone). The default reads everything with [`DriverConnection::query`] first.
    fn stream(
        &mut self,
        sql: &Sql,
        sink: &mut BatchSink,
    ) -> impl Future<Output = DbResult<()>> + Send {
        async move {
            let rows = self.query(sql).await?;
            sink.send_rows(rows).await;
            Ok(())
        }
    }

    /// Runs transaction control without parameters (`BEGIN`, `COMMIT`,
    /// `SAVEPOINT "sp1"`). The default runs it through [`DriverConnection::execute`].
    fn control(&mut self, command: &str) -> impl Future<Output = DbResult<()>> + Send {
        let sql = Sql::new(command.to_string(), []);
        async move { self.execute(&sql).await.map(|_| ()) }
    }

    /// Checks that the connection answers (default: `SELECT 1`).
    fn ping(&mut self) -> impl Future<Output = DbResult<()>> + Send {
        let sql = Sql::new("SELECT 1", []);
        async move { self.query(&sql).await.map(|_| ()) }
    }

    /// A handle that stops this connection's running statement from outside it, if the
    /// database can do that (default: none). The kit uses it when the caller of a
    /// statement goes away mid-statement (a `with_timeout` deadline, a dropped future):
    /// the statement is cancelled on the server instead of running to its end while it
    /// holds the connection, and the connection serves nobody else until both the
    /// statement and the cancel have finished, so a late cancel cannot hit another
    /// statement.
    fn canceller(&self) -> Option<Arc<dyn Cancel>> {
        None
    }

    /// True once the connection can no longer be used (its socket failed): the kit then
    /// closes it instead of returning it to the pool.
    fn is_broken(&self) -> bool {
        false
    }

    /// Closes the connection cleanly (default: drops it).
    fn close(self) -> impl Future<Output = ()> + Send
    where
        Self: Sized,
    {
        async move { drop(self) }
    }
}
