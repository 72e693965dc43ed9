//! The connection worker: one task (or thread) owns one driver connection and runs the
//! messages sent to it, in order.
//!
//! Why a worker: the statement a caller started always runs to its end on the worker,
//! even when the caller's future is dropped, so a cancelled caller never leaves a
//! connection mid-protocol; and "roll back and rejoin the pool" is just one more message
//! in the queue, so it runs after whatever was in flight and before the connection serves
//! anyone else. No connection can rejoin the pool inside a transaction, whatever point a
//! caller was cancelled at. For async drivers the statements themselves usually run in
//! the caller's task instead (`direct.rs`), sharing the connection's cell with the worker
//! under one first-come-first-served lock.

use std::{
    panic::AssertUnwindSafe,
    sync::{
        atomic::{AtomicBool, Ordering},
        Arc, Weak,
    },
    time::Instant,
};

use futures_util::FutureExt as _;
use tokio::sync::{mpsc, oneshot, OwnedSemaphorePermit};

use super::{
    direct::Flight,
    driver::{Cancel, Driver, DriverConnection},
    pool::Shared,
    stream::BatchSink,
};
use crate::{ffi::export::panic_message, row::Rows, sql::ExecResult, DbError, DbResult, Sql};

/// The error a caller sees when its connection's worker is gone.
pub(crate) fn gone() -> DbError {
    DbError::Pool("the connection was closed while the statement ran".into())
}

pub(crate) type Reply<T> = oneshot::Sender<DbResult<T>>;

/// One piece of work for a connection. A plain statement carries its [`Flight`]: a
/// caller that goes away while the worker runs it cancels it through the driver's
/// [`Cancel`], and one that goes away before it started has it skipped.
pub(crate) enum Op {
    Execute(Arc<Sql>, Reply<ExecResult>, Arc<Flight>),
    Query(Arc<Sql>, Reply<Rows>, Arc<Flight>),
    Stream(Sql, BatchSink),
    Ping(Reply<()>),
    /// Starts a transaction; replies with its id.
    Begin(Reply<u64>),
    /// Savepoint control (`SAVEPOINT`, `ROLLBACK TO SAVEPOINT`, `RELEASE SAVEPOINT`).
    Savepoint(SavepointOp, String, Reply<()>),
    /// `COMMIT` (true) or `ROLLBACK` (false).
    Finish(bool, Reply<()>),
}

/// The three savepoint statements.
#[derive(Debug, Clone, Copy)]
pub(crate) enum SavepointOp {
    Create,
    RollbackTo,
    Release,
}

/// A lease ending: the connection rolls back what is open and rejoins the pool.
pub(crate) struct Release {
    pub(crate) handle: WorkerHandle,
    pub(crate) permit: Option<OwnedSemaphorePermit>,
}

pub(crate) enum Msg {
    /// Runs `op`; inside transaction `tx` when given (refused once that one ended).
    Run {
        tx: Option<u64>,
        op: Op,
        release: Option<Release>,
    },
    /// Rolls back transaction `tx` if it is still open (its handle was dropped).
    EndTx(u64),
    /// The lease ended.
    Release(Release),
}

/// Facts about a connection, shared by its handles.
pub(crate) struct ConnInfo {
    pub(crate) born: Instant,
    /// Set by the worker when the connection is unusable or closed.
    pub(crate) dead: AtomicBool,
}

/// The sending side of a worker; cloned into leases and the idle list.
#[derive(Clone)]
pub(crate) struct WorkerHandle {
    tx: mpsc::UnboundedSender<Msg>,
    /// Runs plain statements in the caller's task (async drivers; see `direct.rs`).
    pub(crate) direct: Option<Arc<dyn super::direct::Direct>>,
    /// Stops the connection's running statement (the driver's [`Cancel`], if any): the
    /// statements this worker runs are cancelled through it when their caller goes away.
    pub(crate) canceller: Option<Arc<dyn Cancel>>,
    pub(crate) info: Arc<ConnInfo>,
    /// When it last joined the idle list.
    pub(crate) idle_since: Instant,
}

impl WorkerHandle {
    /// Queues a message; for a dead worker the message is dropped (releasing any permit
    /// it carries) and `Err` returned.
    pub(crate) fn send(&self, msg: Msg) -> Result<(), ()> {
        self.tx.send(msg).map_err(drop)
    }

    pub(crate) fn is_dead(&self) -> bool {
        self.info.dead.load(Ordering::Acquire) || self.tx.is_closed()
    }
}

/// Starts a worker: it connects, reports the outcome, then serves messages until every
/// handle is gone.
pub(crate) async fn spawn<D: Driver>(
    driver: Arc<D>,
    shared: Weak<Shared>,
) -> DbResult<WorkerHandle> {
    let (tx, rx) = mpsc::unbounded_channel();
    let (ready_tx, ready_rx) = oneshot::channel::<DbResult<Ready>>();
    let info = Arc::new(ConnInfo {
        born: Instant::now(),
        dead: AtomicBool::new(false),
    });
    let work = run(driver.clone(), rx, ready_tx, info.clone(), shared);
    // Inline drivers keep a thread too: it runs their streams and the rollbacks of
    // dropped transactions, which may block.
    if driver.threading().has_own_thread() {
        let no_thread = |e| DbError::Other(format!("cannot start a connection thread: {e}"));
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(no_thread)?;
        std::thread::Builder::new()
            .name("plugorm-conn".into())
            .spawn(move || rt.block_on(work))
            .map_err(no_thread)?;
    } else {
        crate::runtime::spawner()?.spawn(work);
    }
    match ready_rx.await {
        Ok(Ok((direct, canceller))) => Ok(WorkerHandle {
            tx,
            direct,
            canceller,
            info,
            idle_since: Instant::now(),
        }),
        Ok(Err(e)) => Err(e),
        Err(_) => Err(DbError::Connect {
            message: "the connection's worker stopped while connecting".into(),
        }),
    }
}

/// What a worker reports once connected: its direct runner (async drivers) and the
/// connection's canceller.
type Ready = (
    Option<Arc<dyn super::direct::Direct>>,
    Option<Arc<dyn Cancel>>,
);

/// Counts the worker in the pool's size while it lives.
struct Alive(Weak<Shared>);

impl Drop for Alive {
    fn drop(&mut self) {
        if let Some(shared) = self.0.upgrade() {
            shared.connection_ended();
        }
    }
}

/// The transaction state of one connection.
pub(crate) struct TxState {
    pub(crate) open: Option<u64>,
    next_id: u64,
}

/// A connection and its transaction state, shared by the worker and the callers that
/// run statements directly; the lock orders them (tokio's mutex is first come, first
/// served).
pub(crate) struct Cell<C> {
    /// `None` once the worker closed the connection.
    pub(crate) conn: Option<C>,
    pub(crate) tx: TxState,
}

pub(crate) type SharedCell<C> = Arc<tokio::sync::Mutex<Cell<C>>>;

async fn run<D: Driver>(
    driver: Arc<D>,
    mut rx: mpsc::UnboundedReceiver<Msg>,
    ready: oneshot::Sender<DbResult<Ready>>,
    info: Arc<ConnInfo>,
    shared: Weak<Shared>,
) {
    let conn = AssertUnwindSafe(driver.connect()).catch_unwind().await;
    let conn = match conn {
        Ok(Ok(c)) => c,
        Ok(Err(e)) => {
            let _ = ready.send(Err(e));
            return;
        }
        Err(p) => {
            let _ = ready.send(Err(DbError::Panicked(panic_message(&*p))));
            return;
        }
    };
    let _alive = match shared.upgrade() {
        Some(s) => {
            s.connection_started();
            Alive(shared.clone())
        }
        None => return,
    };
    let canceller = conn.canceller();
    let cell: SharedCell<D::Connection> = Arc::new(tokio::sync::Mutex::new(Cell {
        conn: Some(conn),
        tx: TxState {
            open: None,
            next_id: 1,
        },
    }));
    // `Inline`: a blocking driver's future completes inside the one poll the direct
    // path gives it, so its statements run on the caller's thread.
    let direct = driver.threading().runs_on_caller().then(|| {
        super::direct::runner(
            cell.clone(),
            driver.clone(),
            info.clone(),
            shared.clone(),
            canceller.clone(),
        )
    });
    if ready.send(Ok((direct, canceller))).is_err() {
        // The caller stopped waiting (connect timeout): nobody will use this connection.
        close(&cell).await;
        return;
    }
    while let Some(msg) = rx.recv().await {
        let mut guard = cell.lock().await;
        let Cell { conn, tx } = &mut *guard;
        let Some(conn) = conn.as_mut() else {
            break;
        };
        let healthy = AssertUnwindSafe(handle(&*driver, conn, tx, msg, &shared))
            .catch_unwind()
            .await
            .unwrap_or(false);
        if !healthy || conn.is_broken() || info.dead.load(Ordering::Acquire) {
            break;
        }
    }
    info.dead.store(true, Ordering::Release);
    rx.close();
    // Messages still queued drop here: their callers get `gone()`, their permits return.
    while rx.try_recv().is_ok() {}
    close(&cell).await;
}

/// Closes the connection; later direct statements find it gone.
async fn close<C: DriverConnection>(cell: &SharedCell<C>) {
    let conn = cell.lock().await.conn.take();
    if let Some(conn) = conn {
        conn.close().await;
    }
}

/// Handles one message; false when the connection must be closed.
async fn handle<D: Driver>(
    driver: &D,
    conn: &mut D::Connection,
    tx: &mut TxState,
    msg: Msg,
    shared: &Weak<Shared>,
) -> bool {
    match msg {
        Msg::Run {
            tx: scope,
            op,
            release,
        } => {
            let done = run_op(driver, conn, tx, scope, op).await;
            // Back on the idle list before the caller hears the answer, so the caller's
            // next statement finds this connection free.
            let healthy = match release {
                Some(r) => rejoin(conn, tx, r, shared).await,
                None => true,
            };
            done.deliver();
            healthy
        }
        Msg::EndTx(id) => {
            if tx.open == Some(id) {
                tx.open = None;
                return conn.control("ROLLBACK").await.is_ok();
            }
            true
        }
        Msg::Release(r) => rejoin(conn, tx, r, shared).await,
    }
}

/// Ends a lease: an open transaction is rolled back (a failed rollback closes the
/// connection), then the connection joins the idle list and the permit is released.
pub(crate) async fn rejoin<C: DriverConnection>(
    conn: &mut C,
    tx: &mut TxState,
    release: Release,
    shared: &Weak<Shared>,
) -> bool {
    if tx.open.take().is_some() && conn.control("ROLLBACK").await.is_err() {
        return false;
    }
    if conn.is_broken() {
        return false;
    }
    match shared.upgrade() {
        Some(s) => s.rejoin(release),
        None => false,
    }
}

/// An answer not yet sent to its caller.
enum Done {
    Nothing,
    Exec(Reply<ExecResult>, DbResult<ExecResult>),
    Rows(Reply<Rows>, DbResult<Rows>),
}

impl Done {
    fn deliver(self) {
        match self {
            Done::Nothing => {}
            Done::Exec(reply, r) => drop(reply.send(r)),
            Done::Rows(reply, r) => drop(reply.send(r)),
        }
    }
}

/// Runs one operation; the answers of plain statements are returned, to be sent after
/// the connection is released (see `handle`); the others are sent here.
async fn run_op<D: Driver>(
    driver: &D,
    conn: &mut D::Connection,
    tx: &mut TxState,
    scope: Option<u64>,
    op: Op,
) -> Done {
    if let Some(id) = scope {
        if tx.open != Some(id) {
            refuse(op, DbError::TransactionFinished).await;
            return Done::Nothing;
        }
    }
    match op {
        // A caller that stopped waiting before its statement started never runs it; one
        // that stops mid-statement has it cancelled (`Flight::abandon`), and the
        // connection runs nothing else until that cancel request has finished.
        Op::Execute(sql, reply, flight) if !reply.is_closed() && flight.start() => {
            let r = conn.execute(&sql).await;
            flight.end().await;
            let r = r.map(|r| super::driver::settle(&driver.lexicon(), &sql, r));
            return Done::Exec(reply, r);
        }
        Op::Query(sql, reply, flight) if !reply.is_closed() && flight.start() => {
            let r = conn.query(&sql).await;
            flight.end().await;
            return Done::Rows(reply, r);
        }
        Op::Execute(..) | Op::Query(..) => {}
        Op::Stream(sql, mut sink) => {
            if !sink.is_closed() {
                match conn.stream(&sql, &mut sink).await {
                    Ok(()) => sink.finish().await,
                    Err(e) => sink.fail(e).await,
                }
            }
        }
        Op::Ping(reply) => {
            let _ = reply.send(conn.ping().await);
        }
        Op::Begin(reply) => {
            let r = begin(driver, conn, tx).await;
            if reply.is_closed() && r.is_ok() {
                // Nobody holds this transaction: end it now.
                let _ = finish(conn, tx, false).await;
            }
            let _ = reply.send(r);
        }
        Op::Savepoint(kind, name, reply) => {
            let _ = reply.send(savepoint(driver, conn, kind, &name).await);
        }
        Op::Finish(commit, reply) => {
            let _ = reply.send(finish(conn, tx, commit).await);
        }
    }
    Done::Nothing
}

/// Starts a transaction; its id.
pub(crate) async fn begin<D: Driver>(
    driver: &D,
    conn: &mut D::Connection,
    tx: &mut TxState,
) -> DbResult<u64> {
    if tx.open.is_some() {
        return Err(DbError::TransactionAlreadyOpen);
    }
    conn.control(driver.begin_sql()).await?;
    let id = tx.next_id;
    tx.next_id += 1;
    tx.open = Some(id);
    Ok(id)
}

/// `SAVEPOINT`, `ROLLBACK TO SAVEPOINT` or `RELEASE SAVEPOINT`, the name quoted by the
/// driver.
pub(crate) async fn savepoint<D: Driver>(
    driver: &D,
    conn: &mut D::Connection,
    kind: SavepointOp,
    name: &str,
) -> DbResult<()> {
    let name = driver.quote_savepoint(name);
    let text = match kind {
        SavepointOp::Create => format!("SAVEPOINT {name}"),
        SavepointOp::RollbackTo => format!("ROLLBACK TO SAVEPOINT {name}"),
        SavepointOp::Release => format!("RELEASE SAVEPOINT {name}"),
    };
    conn.control(&text).await
}

/// `COMMIT` or `ROLLBACK`. A failed COMMIT may leave the transaction open: it is rolled
/// back here so the connection is clean, and the COMMIT's error is reported.
pub(crate) async fn finish<C: DriverConnection>(
    conn: &mut C,
    tx: &mut TxState,
    commit: bool,
) -> DbResult<()> {
    tx.open = None;
    if !commit {
        return conn.control("ROLLBACK").await;
    }
    let r = conn.control("COMMIT").await;
    if r.is_err() {
        let _ = conn.control("ROLLBACK").await;
    }
    r
}

/// Answers an operation that cannot run with `e`.
async fn refuse(op: Op, e: DbError) {
    match op {
        Op::Execute(_, r, _) => drop(r.send(Err(e))),
        Op::Query(_, r, _) => drop(r.send(Err(e))),
        Op::Stream(_, mut sink) => sink.fail(e).await,
        Op::Ping(r) | Op::Savepoint(_, _, r) | Op::Finish(_, r) => drop(r.send(Err(e))),
        Op::Begin(r) => drop(r.send(Err(e))),
    }
}
