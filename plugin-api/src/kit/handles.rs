//! The [`crate::Pool`], [`crate::Connection`] and [`crate::Transaction`] the kit gives a
//! driver: thin handles that send operations to a connection's worker and await its
//! reply. Dropping a handle's future never disturbs the connection (the worker finishes
//! the statement); dropping a transaction queues its rollback.

use std::{sync::Arc, time::Duration};

use tokio::sync::oneshot;

use super::{
    direct::{Direct, Flight},
    driver::Driver,
    pool::{Lease, Limits, Shared},
    stream::BatchSink,
    worker::{self, Msg, Op, Release, Reply, SavepointOp, WorkerHandle},
};
use crate::{
    connection::{BoxFuture, Connection, Executor, Pool, PoolStats, RowStream, Transaction},
    dialect::PoolOptions,
    row::Rows,
    sql::ExecResult,
    DbError, DbResult, Sql,
};

/// Refuses SQL text the database could misread: a NUL byte ends a C string early in
/// every client library, so the statement the server sees would not be the one given.
pub fn check_text(text: &str) -> DbResult<()> {
    match text.find('\0') {
        None => Ok(()),
        Some(at) => Err(DbError::InvalidSql(format!(
            "the statement contains a NUL byte at offset {at}"
        ))),
    }
}

/// Awaits a worker's reply.
async fn answer<T>(rx: oneshot::Receiver<DbResult<T>>) -> DbResult<T> {
    rx.await.unwrap_or_else(|_| Err(worker::gone()))
}

/// Cancels the statement of a dropped [`answer_or_cancel`] if the worker is running it.
struct AbandonOnDrop(Option<Arc<Flight>>);

impl Drop for AbandonOnDrop {
    fn drop(&mut self) {
        if let Some(flight) = self.0.take() {
            flight.abandon(crate::runtime::spawner().ok().as_ref());
        }
    }
}

/// Awaits a worker's reply to a plain statement. Dropped before the reply came (a
/// `with_timeout` deadline, a dropped future), it cancels the statement the worker runs
/// through the driver's [`super::Cancel`], or has it skipped if it had not started.
async fn answer_or_cancel<T>(
    rx: oneshot::Receiver<DbResult<T>>,
    flight: Option<Arc<Flight>>,
) -> DbResult<T> {
    let mut guard = AbandonOnDrop(flight);
    let r = answer(rx).await;
    guard.0 = None;
    r
}

/// Builds an operation and its reply channel.
fn op<T>(make: impl FnOnce(Reply<T>) -> Op) -> (Op, oneshot::Receiver<DbResult<T>>) {
    let (tx, rx) = oneshot::channel();
    (make(tx), rx)
}

/// A pool of driver connections. Build one with [`KitPool::open`].
pub struct KitPool {
    shared: Arc<Shared>,
}

impl KitPool {
    /// Opens a pool: connects once right away (so a bad address, password or TLS setting
    /// is reported now, with the driver's own message), then up to `min_connections`.
    ///
    /// ```no_run
    /// # use plugorm_plugin_api::{kit::{Driver, DriverConnection, KitPool}, DbResult, ExecResult, Rows, Sql, PoolOptions};
    /// # struct D; struct C;
    /// # impl Driver for D { type Connection = C; async fn connect(&self) -> DbResult<C> { Ok(C) } }
    /// # impl DriverConnection for C {
    /// #     async fn execute(&mut self, _: &Sql) -> DbResult<ExecResult> { Ok(ExecResult::default()) }
    /// #     async fn query(&mut self, _: &Sql) -> DbResult<Rows> { Ok(Rows::default()) }
    /// # }
    /// # async fn f() -> DbResult<()> {
    /// let pool = KitPool::open(D, PoolOptions::default()).await?;
    /// pool.execute(Sql::new("CREATE TABLE t (v INTEGER)", [])).await?;
    /// # Ok(()) }
    /// ```
    pub async fn open<D: Driver>(driver: D, options: PoolOptions) -> DbResult<Arc<dyn Pool>> {
        let limits = Limits::from_options(&options);
        let shared = Shared::new(Arc::new(driver), limits);
        let first = shared.open_connection().await?;
        shared.add_idle(first);
        for _ in 1..limits.min {
            let h = shared.open_connection().await?;
            shared.add_idle(h);
        }
        if limits.idle_timeout.is_some() || limits.max_lifetime.is_some() {
            start_reaper(&shared);
        }
        Ok(Arc::new(KitPool { shared }))
    }

    /// Runs one operation on a connection leased for just that operation.
    fn once<T: Send + 'static>(
        &self,
        make: impl FnOnce(Reply<T>) -> Op + Send + 'static,
    ) -> BoxFuture<T> {
        let shared = self.shared.clone();
        Box::pin(async move {
            let (handle, release, _) = shared.lease_one().await?;
            send_once(&handle, release, None, make).await
        })
    }
}

/// Sends one operation to a connection's worker, which releases the lease after it.
async fn send_once<T: Send + 'static>(
    handle: &WorkerHandle,
    release: Release,
    flight: Option<Arc<Flight>>,
    make: impl FnOnce(Reply<T>) -> Op,
) -> DbResult<T> {
    let (op, rx) = op(make);
    let msg = Msg::Run {
        tx: None,
        op,
        release: Some(release),
    };
    handle.send(msg).map_err(|_| worker::gone())?;
    answer_or_cancel(rx, flight).await
}

/// Closes idle connections past their limits, every so often, while the pool lives.
fn start_reaper(shared: &Arc<Shared>) {
    let limits = shared.limits;
    let shortest = [limits.idle_timeout, limits.max_lifetime]
        .into_iter()
        .flatten()
        .min()
        .unwrap_or(Duration::from_secs(60));
    let every = (shortest / 2).clamp(Duration::from_millis(100), Duration::from_secs(30));
    let weak = Arc::downgrade(shared);
    if let Ok(rt) = crate::runtime::spawner() {
        rt.spawn(async move {
            let mut tick = tokio::time::interval(every);
            tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            loop {
                tick.tick().await;
                match weak.upgrade() {
                    Some(s) => s.prune(),
                    None => return,
                }
            }
        });
    }
}

/// Runs a statement in the caller's task (inside transaction `tx`, releasing `release`).
type DirectRun<T> = fn(&dyn Direct, Option<u64>, Arc<Sql>, Option<Release>) -> BoxFuture<T>;

/// How one kind of statement runs: in the caller's task, or as a worker message.
struct Route<T> {
    direct: DirectRun<T>,
    message: fn(Arc<Sql>, Reply<T>, Arc<Flight>) -> Op,
}

const EXECUTE: Route<ExecResult> = Route {
    direct: |d, tx, sql, release| d.execute(tx, sql, release),
    message: Op::Execute,
};

const QUERY: Route<Rows> = Route {
    direct: |d, tx, sql, release| d.query(tx, sql, release),
    message: Op::Query,
};

impl KitPool {
    /// One statement on a connection leased for just that statement.
    fn statement<T: Send + 'static>(&self, sql: Sql, route: Route<T>) -> BoxFuture<T> {
        if let Err(e) = check_text(&sql.text) {
            return Box::pin(std::future::ready(Err(e)));
        }
        let shared = self.shared.clone();
        let sql = Arc::new(sql);
        Box::pin(async move {
            let (handle, release, reused) = shared.lease_one().await?;
            let sent = std::time::Instant::now();
            match run_leased(handle, release, sql.clone(), &route).await {
                Err(DbError::ConnectionLost { message })
                    if reused && sent.elapsed() < DEAD_ON_ARRIVAL =>
                {
                    // The server ended the session while it sat in the pool (unpinged:
                    // used within the driver's `check_after_idle`), and the first answer
                    // said so: the statement never ran. Once more, on a connection opened
                    // for it. A session ended later, mid-statement (an administrator
                    // stopping a runaway query), is not retried.
                    tracing::debug!(%message, "a pooled connection was found closed; running the statement on a new one");
                    let (handle, release) = shared.lease_new().await?;
                    run_leased(handle, release, sql, &route).await
                }
                r => r,
            }
        })
    }
}

/// How soon a statement on a pooled connection must fail as `ConnectionLost` to count
/// as sent to a session that was already gone (one round trip to a closed socket), and
/// so be run again on a new connection.
const DEAD_ON_ARRIVAL: std::time::Duration = std::time::Duration::from_millis(250);

/// Runs one statement on a leased connection, the lease ending with it.
async fn run_leased<T: Send + 'static>(
    handle: WorkerHandle,
    release: Release,
    sql: Arc<Sql>,
    route: &Route<T>,
) -> DbResult<T> {
    match &handle.direct {
        Some(direct) => (route.direct)(&**direct, None, sql, Some(release)).await,
        None => {
            let flight = Flight::new(handle.canceller.clone());
            let op = |r| (route.message)(sql, r, flight.clone());
            send_once(&handle, release, Some(flight.clone()), op).await
        }
    }
}

impl Executor for KitPool {
    fn execute(&self, sql: Sql) -> BoxFuture<ExecResult> {
        self.statement(sql, EXECUTE)
    }

    fn query(&self, sql: Sql) -> BoxFuture<Rows> {
        self.statement(sql, QUERY)
    }

    fn query_stream(&self, sql: Sql, batch_rows: u32) -> BoxFuture<Box<dyn RowStream>> {
        let shared = self.shared.clone();
        Box::pin(async move {
            check_text(&sql.text)?;
            let lease = shared.lease().await?;
            let (handle, release) = lease.into_release().ok_or_else(worker::gone)?;
            let (sink, stream) = BatchSink::pair(batch_rows);
            let msg = Msg::Run {
                tx: None,
                op: Op::Stream(sql, sink),
                release: Some(release),
            };
            handle.send(msg).map_err(|_| worker::gone())?;
            stream.await
        })
    }
}

impl Pool for KitPool {
    fn acquire(&self) -> BoxFuture<Arc<dyn Connection>> {
        let shared = self.shared.clone();
        Box::pin(async move {
            let lease = shared.lease().await?;
            Ok(Arc::new(KitConnection {
                lease: Arc::new(lease),
            }) as Arc<dyn Connection>)
        })
    }

    fn begin(&self) -> BoxFuture<Arc<dyn Transaction>> {
        let shared = self.shared.clone();
        Box::pin(async move {
            let lease = Arc::new(shared.lease().await?);
            begin_on(lease).await
        })
    }

    fn ping(&self) -> BoxFuture<()> {
        self.once(Op::Ping)
    }

    fn stats(&self) -> PoolStats {
        self.shared.stats()
    }

    fn waits(&self) -> crate::PoolWaits {
        self.shared.waits()
    }

    fn close(&self) -> BoxFuture<()> {
        let shared = self.shared.clone();
        Box::pin(async move {
            shared.close().await;
            Ok(())
        })
    }
}

/// Sends an operation on a leased connection and awaits the reply.
fn on_lease<T: Send + 'static>(
    lease: &Arc<Lease>,
    tx: Option<u64>,
    make: impl FnOnce(Reply<T>) -> Op,
) -> BoxFuture<T> {
    on_lease_flight(lease, tx, None, make)
}

/// [`on_lease`] for a plain statement with its [`Flight`] (see [`answer_or_cancel`]).
fn on_lease_flight<T: Send + 'static>(
    lease: &Arc<Lease>,
    tx: Option<u64>,
    flight: Option<Arc<Flight>>,
    make: impl FnOnce(Reply<T>) -> Op,
) -> BoxFuture<T> {
    let (op, rx) = op(make);
    let sent = lease.handle().and_then(|h| {
        h.send(Msg::Run {
            tx,
            op,
            release: None,
        })
        .map_err(|_| worker::gone())
    });
    Box::pin(async move {
        sent?;
        answer_or_cancel(rx, flight).await
    })
}

fn stream_on_lease(
    lease: &Arc<Lease>,
    tx: Option<u64>,
    sql: Sql,
    batch_rows: u32,
) -> BoxFuture<Box<dyn RowStream>> {
    if let Err(e) = check_text(&sql.text) {
        return Box::pin(std::future::ready(Err(e)));
    }
    let (sink, stream) = BatchSink::pair(batch_rows);
    let sent = lease.handle().and_then(|h| {
        h.send(Msg::Run {
            tx,
            op: Op::Stream(sql, sink),
            release: None,
        })
        .map_err(|_| worker::gone())
    });
    Box::pin(async move {
        sent?;
        stream.await
    })
}

/// A statement on a leased connection: in the caller's task when the driver allows,
/// else through the connection's worker.
fn statement_on<T: Send + 'static>(
    lease: &Arc<Lease>,
    tx: Option<u64>,
    sql: Sql,
    route: Route<T>,
) -> BoxFuture<T> {
    if let Err(e) = check_text(&sql.text) {
        return Box::pin(std::future::ready(Err(e)));
    }
    match lease
        .handle()
        .map(|h| (h.direct.clone(), h.canceller.clone()))
    {
        Ok((Some(direct), _)) => (route.direct)(&*direct, tx, Arc::new(sql), None),
        Ok((None, canceller)) => {
            let flight = Flight::new(canceller);
            let op = |r| (route.message)(Arc::new(sql), r, flight.clone());
            on_lease_flight(lease, tx, Some(flight.clone()), op)
        }
        Err(e) => Box::pin(std::future::ready(Err(e))),
    }
}

async fn begin_on(lease: Arc<Lease>) -> DbResult<Arc<dyn Transaction>> {
    let id = match lease.handle()?.direct.clone() {
        Some(direct) => direct.begin().await?,
        None => on_lease(&lease, None, Op::Begin).await?,
    };
    Ok(Arc::new(KitTransaction { lease, id }) as Arc<dyn Transaction>)
}

/// One connection leased until dropped.
struct KitConnection {
    lease: Arc<Lease>,
}

impl Executor for KitConnection {
    fn execute(&self, sql: Sql) -> BoxFuture<ExecResult> {
        statement_on(&self.lease, None, sql, EXECUTE)
    }

    fn query(&self, sql: Sql) -> BoxFuture<Rows> {
        statement_on(&self.lease, None, sql, QUERY)
    }

    fn query_stream(&self, sql: Sql, batch_rows: u32) -> BoxFuture<Box<dyn RowStream>> {
        stream_on_lease(&self.lease, None, sql, batch_rows)
    }
}

impl Connection for KitConnection {
    fn begin(&self) -> BoxFuture<Arc<dyn Transaction>> {
        Box::pin(begin_on(self.lease.clone()))
    }

    fn ping(&self) -> BoxFuture<()> {
        on_lease(&self.lease, None, Op::Ping)
    }
}

/// A transaction: its id on the connection's worker, which refuses the id once the
/// transaction ended.
struct KitTransaction {
    lease: Arc<Lease>,
    id: u64,
}

impl KitTransaction {
    fn finish(&self, commit: bool) -> BoxFuture<()> {
        match self.lease.handle().map(|h| h.direct.clone()) {
            Ok(Some(direct)) => direct.finish(self.id, commit),
            _ => on_lease(&self.lease, Some(self.id), move |r| Op::Finish(commit, r)),
        }
    }

    fn savepoint_op(&self, kind: SavepointOp, name: &str) -> BoxFuture<()> {
        if let Err(e) = check_text(name) {
            return Box::pin(std::future::ready(Err(e)));
        }
        let name = name.to_string();
        match self.lease.handle().map(|h| h.direct.clone()) {
            Ok(Some(direct)) => direct.savepoint(self.id, kind, name),
            _ => on_lease(&self.lease, Some(self.id), move |r| {
                Op::Savepoint(kind, name, r)
            }),
        }
    }
}

impl Executor for KitTransaction {
    fn execute(&self, sql: Sql) -> BoxFuture<ExecResult> {
        statement_on(&self.lease, Some(self.id), sql, EXECUTE)
    }

    fn query(&self, sql: Sql) -> BoxFuture<Rows> {
        statement_on(&self.lease, Some(self.id), sql, QUERY)
    }

    fn query_stream(&self, sql: Sql, batch_rows: u32) -> BoxFuture<Box<dyn RowStream>> {
        stream_on_lease(&self.lease, Some(self.id), sql, batch_rows)
    }
}

impl Transaction for KitTransaction {
    fn savepoint(&self, name: &str) -> BoxFuture<()> {
        self.savepoint_op(SavepointOp::Create, name)
    }

    fn rollback_to(&self, name: &str) -> BoxFuture<()> {
        self.savepoint_op(SavepointOp::RollbackTo, name)
    }

    fn release(&self, name: &str) -> BoxFuture<()> {
        self.savepoint_op(SavepointOp::Release, name)
    }

    fn commit(&self) -> BoxFuture<()> {
        self.finish(true)
    }

    fn rollback(&self) -> BoxFuture<()> {
        self.finish(false)
    }
}

impl Drop for KitTransaction {
    /// Queues the rollback of a transaction still open: it runs after any statement in
    /// flight and before the connection serves anyone else.
    fn drop(&mut self) {
        if let Ok(h) = self.lease.handle() {
            let _ = h.send(Msg::EndTx(self.id));
        }
    }
}
