//! Statements run in the caller's own task: the fast path for async drivers, and the
//! inline path for blocking ones (`Threading::Inline`: the driver's future completes
//! inside one poll, so the statement runs on the caller's thread and can never be left
//! mid-flight; only one still waiting for the connection's lock can be abandoned).
//!
//! Why: handing each statement to the connection's worker task costs two thread
//! wake-ups per statement (there and back). Here the caller locks the connection's cell
//! and polls the driver's future itself, inside the plugin runtime's context; only the
//! socket's readiness comes from the plugin runtime's reactor. What the worker model
//! guaranteed still holds: a caller that goes away mid-statement hands the rest of the
//! statement (and the release of its lease) to a task on the plugin runtime, which runs it
//! to the end before anything else can use the connection; a caller that goes away before
//! its statement started has it skipped. A statement whose caller went away mid-flight
//! is cancelled on the server when the driver can ([`Cancel`]), so a timed-out
//! `SLEEP(3)` frees its connection at once instead of three seconds later.

use std::{
    future::Future,
    pin::Pin,
    sync::{
        atomic::{AtomicBool, Ordering},
        Arc, Mutex, Weak,
    },
    task::{Context, Poll},
    time::Duration,
};

use tokio::task::JoinHandle;

use super::{
    driver::{Cancel, Driver, DriverConnection},
    pool::Shared,
    worker::{self, ConnInfo, Release, SavepointOp, SharedCell},
};
use crate::{connection::BoxFuture, row::Rows, runtime, sql::ExecResult, DbError, DbResult, Sql};

/// Runs plain statements on one connection from the caller's task.
pub(crate) trait Direct: Send + Sync {
    /// `sql` without rows; inside transaction `tx` when given; releasing the lease after.
    fn execute(
        &self,
        tx: Option<u64>,
        sql: Arc<Sql>,
        release: Option<Release>,
    ) -> BoxFuture<ExecResult>;
    /// `sql` with its rows.
    fn query(&self, tx: Option<u64>, sql: Arc<Sql>, release: Option<Release>) -> BoxFuture<Rows>;
    /// Starts a transaction; its id.
    fn begin(&self) -> BoxFuture<u64>;
    /// Commits (`true`) or rolls back transaction `tx`.
    fn finish(&self, tx: u64, commit: bool) -> BoxFuture<()>;
    /// A savepoint statement inside transaction `tx`.
    fn savepoint(&self, tx: u64, kind: SavepointOp, name: String) -> BoxFuture<()>;
}

struct Runner<D: Driver> {
    cell: SharedCell<D::Connection>,
    info: Arc<ConnInfo>,
    shared: Weak<Shared>,
    driver: Arc<D>,
    canceller: Option<Arc<dyn Cancel>>,
}

/// The direct runner of a connection.
pub(crate) fn runner<D: Driver>(
    cell: SharedCell<D::Connection>,
    driver: Arc<D>,
    info: Arc<ConnInfo>,
    shared: Weak<Shared>,
    canceller: Option<Arc<dyn Cancel>>,
) -> Arc<dyn Direct> {
    Arc::new(Runner {
        cell,
        info,
        shared,
        driver,
        canceller,
    })
}

/// How long the kit waits for a cancel request to finish before it lets the connection
/// go on: a server that does not answer the cancel must not hold the connection forever.
const CANCEL_WAIT: Duration = Duration::from_secs(10);

/// One operation's life as its caller and its runner see it. The caller leaving and the
/// statement starting are decided under one lock, so a statement is either skipped or
/// cancelled, never left running unnoticed. Shared by the direct path (here) and the
/// connection worker's (`worker.rs`, for `Threading::OwnThread` drivers).
pub(crate) struct Flight {
    /// The caller dropped the operation's future.
    abandoned: AtomicBool,
    phase: Mutex<Phase>,
    canceller: Option<Arc<dyn Cancel>>,
}

enum Phase {
    /// Not started, or finished.
    Idle,
    /// The statement is on the server.
    Running,
    /// The caller left mid-statement and a cancel request is on its way.
    Cancelling(JoinHandle<()>),
}

impl Flight {
    pub(crate) fn new(canceller: Option<Arc<dyn Cancel>>) -> Arc<Flight> {
        Arc::new(Flight {
            abandoned: AtomicBool::new(false),
            phase: Mutex::new(Phase::Idle),
            canceller,
        })
    }

    fn abandoned(&self) -> bool {
        self.abandoned.load(Ordering::Acquire)
    }

    fn phase(&self) -> std::sync::MutexGuard<'_, Phase> {
        // The lock guards a plain enum: a panic elsewhere cannot leave it inconsistent.
        self.phase.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Marks the statement as sent; false when its caller already left (skip it).
    pub(crate) fn start(&self) -> bool {
        let mut phase = self.phase();
        if self.abandoned() {
            return false;
        }
        *phase = Phase::Running;
        true
    }

    /// The statement is over: waits for a cancel request still in flight, so it cannot
    /// reach the server after the connection has moved on to another statement.
    pub(crate) async fn end(&self) {
        let cancelling = std::mem::replace(&mut *self.phase(), Phase::Idle);
        if let Phase::Cancelling(request) = cancelling {
            let _ = tokio::time::timeout(CANCEL_WAIT, request).await;
            if let Some(canceller) = &self.canceller {
                canceller.clear();
            }
        }
    }

    /// The caller left: a running statement is cancelled (when the driver can).
    pub(crate) fn abandon(&self, rt: Option<&tokio::runtime::Handle>) {
        self.abandoned.store(true, Ordering::Release);
        let mut phase = self.phase();
        if let (Phase::Running, Some(canceller), Some(rt)) = (&*phase, &self.canceller, rt) {
            *phase = Phase::Cancelling(rt.spawn(canceller.cancel()));
        }
    }
}

/// What to run.
enum Kind {
    Execute(Arc<Sql>),
    Query(Arc<Sql>),
    Begin,
    Finish(bool),
    Savepoint(SavepointOp, String),
}

enum Outcome {
    Exec(ExecResult),
    Rows(Rows),
    Begun(u64),
    Done,
}

fn mismatch<T>() -> DbResult<T> {
    Err(DbError::Other(
        "the connection answered another kind of operation".into(),
    ))
}

impl<D: Driver> Runner<D> {
    fn run(
        &self,
        scope: Option<u64>,
        kind: Kind,
        release: Option<Release>,
    ) -> FinishOnDrop<DbResult<Outcome>> {
        let cell = self.cell.clone();
        let driver = self.driver.clone();
        let info = self.info.clone();
        let shared = self.shared.clone();
        let flight = Flight::new(self.canceller.clone());
        let caller = flight.clone();
        let work = async move {
            let mut guard = cell.lock_owned().await;
            let worker::Cell { conn, tx } = &mut *guard;
            let Some(conn) = conn.as_mut() else {
                return Err(worker::gone());
            };
            let result = if flight.abandoned() {
                // The caller left before the statement started: it never runs.
                Err(worker::gone())
            } else if scope.is_some() && tx.open != scope {
                Err(DbError::TransactionFinished)
            } else {
                match kind {
                    Kind::Execute(sql) if flight.start() => {
                        let r = conn.execute(&sql).await.map(|r| {
                            Outcome::Exec(super::driver::settle(&driver.lexicon(), &sql, r))
                        });
                        flight.end().await;
                        r
                    }
                    Kind::Query(sql) if flight.start() => {
                        let r = conn.query(&sql).await.map(Outcome::Rows);
                        flight.end().await;
                        r
                    }
                    Kind::Execute(_) | Kind::Query(_) => Err(worker::gone()),
                    Kind::Begin => {
                        let r = worker::begin(&*driver, conn, tx).await;
                        if r.is_ok() && flight.abandoned() {
                            // Nobody holds this transaction: end it now.
                            let _ = worker::finish(conn, tx, false).await;
                        }
                        r.map(Outcome::Begun)
                    }
                    Kind::Finish(commit) => worker::finish(conn, tx, commit)
                        .await
                        .map(|()| Outcome::Done),
                    Kind::Savepoint(op, name) => worker::savepoint(&*driver, conn, op, &name)
                        .await
                        .map(|()| Outcome::Done),
                }
            };
            let healthy = match release {
                Some(r) => worker::rejoin(conn, tx, r, &shared).await,
                None => !conn.is_broken(),
            };
            if !healthy {
                // The worker closes it on its next message or when its last handle goes.
                info.dead.store(true, Ordering::Release);
            }
            result
        };
        FinishOnDrop {
            fut: Some(Box::pin(runtime::in_runtime(work))),
            flight: caller,
        }
    }
}

impl<D: Driver> Runner<D> {
    fn done(&self, run: FinishOnDrop<DbResult<Outcome>>) -> BoxFuture<()> {
        Box::pin(async move {
            match run.await? {
                Outcome::Done => Ok(()),
                _ => mismatch(),
            }
        })
    }
}

impl<D: Driver> Direct for Runner<D> {
    fn execute(
        &self,
        tx: Option<u64>,
        sql: Arc<Sql>,
        release: Option<Release>,
    ) -> BoxFuture<ExecResult> {
        let run = self.run(tx, Kind::Execute(sql), release);
        Box::pin(async move {
            match run.await? {
                Outcome::Exec(r) => Ok(r),
                _ => mismatch(),
            }
        })
    }

    fn query(&self, tx: Option<u64>, sql: Arc<Sql>, release: Option<Release>) -> BoxFuture<Rows> {
        let run = self.run(tx, Kind::Query(sql), release);
        Box::pin(async move {
            match run.await? {
                Outcome::Rows(r) => Ok(r),
                _ => mismatch(),
            }
        })
    }

    fn begin(&self) -> BoxFuture<u64> {
        let run = self.run(None, Kind::Begin, None);
        Box::pin(async move {
            match run.await? {
                Outcome::Begun(id) => Ok(id),
                _ => mismatch(),
            }
        })
    }

    fn finish(&self, tx: u64, commit: bool) -> BoxFuture<()> {
        self.done(self.run(Some(tx), Kind::Finish(commit), None))
    }

    fn savepoint(&self, tx: u64, kind: SavepointOp, name: String) -> BoxFuture<()> {
        self.done(self.run(Some(tx), Kind::Savepoint(kind, name), None))
    }
}

/// A statement's future that, when dropped before it finished, finishes on the plugin
/// runtime instead of stopping wherever it was (cancelled on the server first).
struct FinishOnDrop<T: Send + 'static> {
    fut: Option<Pin<Box<dyn Future<Output = T> + Send>>>,
    flight: Arc<Flight>,
}

impl<T: Send + 'static> Future for FinishOnDrop<T> {
    type Output = T;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<T> {
        let Some(fut) = self.fut.as_mut() else {
            return Poll::Pending; // polled after completion: never again ready
        };
        match fut.as_mut().poll(cx) {
            Poll::Ready(v) => {
                self.fut = None;
                Poll::Ready(v)
            }
            Poll::Pending => Poll::Pending,
        }
    }
}

impl<T: Send + 'static> Drop for FinishOnDrop<T> {
    fn drop(&mut self) {
        if let Some(fut) = self.fut.take() {
            let rt = runtime::spawner().ok();
            self.flight.abandon(rt.as_ref());
            match rt {
                Some(rt) => {
                    rt.spawn(async move {
                        let _ = fut.await;
                    });
                }
                // No runtime (the OS refused its threads): dropping the statement
                // mid-way is all that is left; the connection is then unusable.
                None => drop(fut),
            }
        }
    }
}
