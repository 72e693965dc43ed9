//! The crossing counters, on a pool exported through the boundary's vtables and imported
//! back, as a plugin library's pool reaches the host.

use std::{
    sync::{
        atomic::{AtomicBool, Ordering},
        Arc,
    },
    task::Poll,
    time::Duration,
};

use abi_stable::std_types::RStr;

use super::{
    crossings::{self, Crossings},
    export::export_pool,
    import::import_pool,
    log::host_services,
    LogRecord,
};
use crate::{
    connection::{BoxFuture, Connection, Executor, Pool, PoolStats, RowStream, Transaction},
    row::Rows,
    sql::ExecResult,
    DbError, Sql,
};

/// A pool whose `execute` is pending once and woken from another thread (as a driver's IO
/// thread wakes the host's task); everything else fails at once.
struct OncePendingPool;

fn refused<T: Send + 'static>() -> BoxFuture<T> {
    Box::pin(std::future::ready(Err(DbError::Pool(
        "not in this test".into(),
    ))))
}

impl Executor for OncePendingPool {
    fn execute(&self, _sql: Sql) -> BoxFuture<ExecResult> {
        let woken = Arc::new(AtomicBool::new(false));
        Box::pin(std::future::poll_fn(move |cx| {
            if woken.load(Ordering::SeqCst) {
                return Poll::Ready(Ok(ExecResult::default()));
            }
            let (flag, waker) = (woken.clone(), cx.waker().clone());
            std::thread::spawn(move || {
                std::thread::sleep(Duration::from_millis(5));
                flag.store(true, Ordering::SeqCst);
                waker.wake();
            });
            Poll::Pending
        }))
    }
    fn query_stream(&self, _sql: Sql, _batch_rows: u32) -> BoxFuture<Box<dyn RowStream>> {
        refused()
    }
    fn query(&self, _sql: Sql) -> BoxFuture<Rows> {
        refused()
    }
}

impl Pool for OncePendingPool {
    fn acquire(&self) -> BoxFuture<Arc<dyn Connection>> {
        refused()
    }
    fn begin(&self) -> BoxFuture<Arc<dyn Transaction>> {
        refused()
    }
    fn ping(&self) -> BoxFuture<()> {
        Box::pin(std::future::ready(Ok(())))
    }
    fn stats(&self) -> PoolStats {
        PoolStats::default()
    }
    fn close(&self) -> BoxFuture<()> {
        refused()
    }
}

fn spent<T>(f: impl FnOnce() -> T) -> (T, Crossings) {
    let before = crossings::snapshot();
    let v = f();
    (v, crossings::snapshot().since(before))
}

#[test]
fn calls_polls_drops_and_wakes_across_the_boundary_are_counted() {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let pool = import_pool(export_pool(Arc::new(OncePendingPool)), true);

    // A ready future: the call, one poll, the future's drop.
    let (r, c) = spent(|| rt.block_on(pool.ping()));
    assert!(r.is_ok());
    assert_eq!(c.into_plugin, 3);

    // A synchronous call.
    let (_, c) = spent(|| pool.stats());
    assert_eq!(c.into_plugin, 1);

    // Pending once, then woken by another thread: the call, two polls, the drop, and
    // (with wake counting on) the plugin's wake of the host's task.
    crossings::count_wakes(true);
    let (r, c) = spent(|| rt.block_on(pool.execute(Sql::new("x", []))));
    crossings::count_wakes(false);
    assert!(r.is_ok());
    assert_eq!(c.into_plugin, 4);
    assert!(c.wakes >= 1, "the wake was not counted: {c:?}");

    // Dropping the imported pool runs the plugin's destructor.
    let (_, c) = spent(|| drop(pool));
    assert_eq!(c.into_plugin, 1);
}

#[test]
fn a_plugins_log_event_is_a_crossing_into_the_host() {
    let host = host_services();
    let record = LogRecord {
        level: 3,
        plugin: RStr::from_str("test"),
        target: RStr::from_str("test"),
        message: RStr::from_str("hello"),
    };
    let (_, c) = spent(|| (host.log())(&record));
    assert!(c.into_host >= 1, "the log event was not counted: {c:?}");
}
