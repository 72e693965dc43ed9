//! The kit's own tests, on an in-memory driver that keeps SQLite's transaction rules
//! (`BEGIN` inside a transaction is an error) and records what each connection saw.

use std::{
    sync::{
        atomic::{AtomicBool, AtomicU32, AtomicUsize, Ordering},
        Arc, Mutex,
    },
    time::Duration,
};

use crate::{
    kit::{BatchSink, Cancel, CancelFuture, Driver, DriverConnection, KitPool, Threading},
    row::{ColumnBuilder, ColumnKind, RowBatch, Rows},
    sql::ExecResult,
    DbError, DbResult, Pool, PoolOptions, Sql,
};

#[derive(Default)]
struct Log {
    open: AtomicU32,
    max_open: AtomicU32,
    batches_sent: AtomicUsize,
    threads: Mutex<Vec<String>>,
    /// Statements that reached a connection, in order.
    seen: Mutex<Vec<String>>,
    /// Bumped to make the "server" end every connection opened before.
    epoch: AtomicU32,
    /// Statements a cancel stopped.
    interrupted: AtomicU32,
    /// Cancel requests made, and flags cleared after them.
    cancels: AtomicU32,
    clears: AtomicU32,
}

/// The fake connection's interrupt: a flag its blocking sleep looks at every millisecond,
/// as SQLite's progress handler or `sqlite3_interrupt` would.
struct FakeInterrupt {
    raised: AtomicBool,
    log: Arc<Log>,
}

impl Cancel for FakeInterrupt {
    fn cancel(&self) -> CancelFuture {
        self.log.cancels.fetch_add(1, Ordering::SeqCst);
        self.raised.store(true, Ordering::SeqCst);
        Box::pin(async {})
    }
    fn clear(&self) {
        self.log.clears.fetch_add(1, Ordering::SeqCst);
        self.raised.store(false, Ordering::SeqCst);
    }
}

struct Fake {
    log: Arc<Log>,
    threading: Threading,
    check_after_idle: Option<Duration>,
    /// Whether connections offer a canceller.
    cancellable: bool,
}

struct FakeConn {
    log: Arc<Log>,
    in_tx: bool,
    blocking: bool,
    epoch: u32,
    broken: bool,
    interrupt: Option<Arc<FakeInterrupt>>,
}

impl Driver for Fake {
    type Connection = FakeConn;
    async fn connect(&self) -> DbResult<FakeConn> {
        let n = self.log.open.fetch_add(1, Ordering::SeqCst) + 1;
        self.log.max_open.fetch_max(n, Ordering::SeqCst);
        Ok(FakeConn {
            log: self.log.clone(),
            in_tx: false,
            blocking: self.threading.has_own_thread(),
            epoch: self.log.epoch.load(Ordering::SeqCst),
            broken: false,
            interrupt: self.cancellable.then(|| {
                Arc::new(FakeInterrupt {
                    raised: AtomicBool::new(false),
                    log: self.log.clone(),
                })
            }),
        })
    }
    fn threading(&self) -> Threading {
        self.threading
    }
    fn check_after_idle(&self) -> Option<Duration> {
        self.check_after_idle
    }
}

impl Drop for FakeConn {
    fn drop(&mut self) {
        self.log.open.fetch_sub(1, Ordering::SeqCst);
    }
}

impl FakeConn {
    async fn run(&mut self, text: &str) -> DbResult<u64> {
        // Like a socket, the connection learns that the server ended it when it is used.
        if self.epoch < self.log.epoch.load(Ordering::SeqCst) {
            self.broken = true;
            return Err(DbError::Other("server closed the connection".into()));
        }
        if let Ok(mut seen) = self.log.seen.lock() {
            seen.push(text.to_string());
        }
        if let Some(name) = std::thread::current().name() {
            if let Ok(mut t) = self.log.threads.lock() {
                t.push(name.to_string());
            }
        }
        if let Some(ms) = text.strip_prefix("SLEEP ") {
            let ms: u64 = ms.parse().map_err(|_| DbError::Other("bad sleep".into()))?;
            if self.blocking {
                let until = std::time::Instant::now() + Duration::from_millis(ms);
                while std::time::Instant::now() < until {
                    if self
                        .interrupt
                        .as_ref()
                        .is_some_and(|i| i.raised.load(Ordering::SeqCst))
                    {
                        self.log.interrupted.fetch_add(1, Ordering::SeqCst);
                        return Err(DbError::Other("interrupted".into()));
                    }
                    std::thread::sleep(Duration::from_millis(1));
                }
            } else {
                tokio::time::sleep(Duration::from_millis(ms)).await;
            }
            return Ok(0);
        }
        match text {
            "BEGIN" if self.in_tx => Err(DbError::Database {
                code: None,
                message: "cannot start a transaction within a transaction".into(),
            }),
            "BEGIN" => {
                self.in_tx = true;
                Ok(0)
            }
            "COMMIT" | "ROLLBACK" => {
                self.in_tx = false;
                Ok(0)
            }
            "IN_TX" => Ok(u64::from(self.in_tx)),
            _ => Ok(1),
        }
    }
}

fn one_column(values: impl IntoIterator<Item = i64>) -> RowBatch {
    let mut b = ColumnBuilder::new(ColumnKind::I64);
    let mut n = 0;
    for v in values {
        b.push_i64(v);
        n += 1;
    }
    RowBatch {
        columns: vec![b.finish()].into(),
        len: n,
    }
}

impl DriverConnection for FakeConn {
    fn is_broken(&self) -> bool {
        self.broken
    }
    fn canceller(&self) -> Option<Arc<dyn Cancel>> {
        self.interrupt.clone().map(|i| i as Arc<dyn Cancel>)
    }
    async fn execute(&mut self, sql: &Sql) -> DbResult<ExecResult> {
        let n = self.run(&sql.text).await?;
        Ok(ExecResult {
            rows_affected: n,
            last_insert_id: None.into(),
        })
    }
    async fn query(&mut self, sql: &Sql) -> DbResult<Rows> {
        let n = self.run(&sql.text).await?;
        Ok(Rows::new(vec!["v".into()], vec![one_column([n as i64])]))
    }
    async fn stream(&mut self, _sql: &Sql, sink: &mut BatchSink) -> DbResult<()> {
        if self.blocking {
            // A blocking driver streams from synchronous code, as rusqlite must.
            sink.names_blocking(vec!["v".into()]);
            for i in 0..1_000 {
                let batch = one_column((0..sink.batch_rows() as i64).map(|r| r + i));
                self.log.batches_sent.fetch_add(1, Ordering::SeqCst);
                if !sink.send_blocking(batch) {
                    return Ok(());
                }
            }
            return Ok(());
        }
        sink.names(vec!["v".into()]).await;
        for i in 0..1_000 {
            let batch = one_column((0..sink.batch_rows() as i64).map(|r| r + i));
            self.log.batches_sent.fetch_add(1, Ordering::SeqCst);
            if !sink.send(batch).await {
                return Ok(());
            }
        }
        Ok(())
    }
}

async fn pool(max: u32, threading: Threading) -> (Arc<dyn Pool>, Arc<Log>) {
    let log = Arc::new(Log::default());
    let options = PoolOptions {
        max_connections: max,
        connect_timeout_ms: 5_000,
        ..PoolOptions::default()
    };
    let driver = Fake {
        log: log.clone(),
        threading,
        check_after_idle: None,
        cancellable: false,
    };
    (KitPool::open(driver, options).await.unwrap(), log)
}

fn sql(text: &str) -> Sql {
    Sql::new(text.to_string(), [])
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cancelled_transactions_never_leave_a_pooled_connection_inside_a_transaction() {
    let (pool, _log) = pool(4, Threading::Task).await;
    let mut tasks = Vec::new();
    for i in 0..300u64 {
        let pool = pool.clone();
        tasks.push(tokio::spawn(async move {
            // Cancelled at a different point each time: while waiting for a connection,
            // during BEGIN, mid-statement, or before COMMIT.
            let work = async {
                let tx = pool.begin().await?;
                tx.execute(sql(&format!("SLEEP {}", i % 3))).await?;
                tx.execute(sql("INSERT")).await?;
                tx.commit().await
            };
            let _ = tokio::time::timeout(Duration::from_micros(200 * (i % 17)), work).await;
        }));
    }
    for t in tasks {
        t.await.unwrap();
    }
    // Every connection of the pool now starts a transaction cleanly.
    let mut held = Vec::new();
    for _ in 0..4 {
        held.push(pool.begin().await.expect("a clean connection"));
    }
    for tx in &held {
        let rows = tx.query(sql("IN_TX")).await.unwrap();
        assert_eq!(rows.iter().next().unwrap().get_at::<i64>(0).unwrap(), 1);
    }
    drop(held);
    for _ in 0..8 {
        let rows = pool.query(sql("IN_TX")).await.unwrap();
        assert_eq!(rows.iter().next().unwrap().get_at::<i64>(0).unwrap(), 0);
    }
}

#[tokio::test(flavor = "current_thread")]
async fn a_dropped_transaction_rolls_back_before_its_connection_serves_again() {
    for threading in [Threading::Task, Threading::OwnThread, Threading::Inline] {
        let (pool, log) = pool(1, threading).await;
        let tx = pool.begin().await.unwrap();
        tx.execute(sql("INSERT")).await.unwrap();
        drop(tx);
        pool.execute(sql("NEXT")).await.unwrap();
        let seen = log.seen.lock().unwrap().clone();
        assert_eq!(
            seen,
            ["BEGIN", "INSERT", "ROLLBACK", "NEXT"],
            "{threading:?}"
        );
    }
}

#[tokio::test(flavor = "current_thread")]
async fn a_finished_transaction_refuses_further_work() {
    let (pool, log) = pool(1, Threading::Task).await;
    let tx = pool.begin().await.unwrap();
    tx.commit().await.unwrap();
    assert_eq!(
        tx.execute(sql("LATE")).await.unwrap_err(),
        DbError::TransactionFinished
    );
    assert_eq!(
        tx.rollback().await.unwrap_err(),
        DbError::TransactionFinished
    );
    drop(tx);
    let seen = log.seen.lock().unwrap().clone();
    assert_eq!(seen, ["BEGIN", "COMMIT"], "no statement ran after COMMIT");
}

#[tokio::test(flavor = "current_thread")]
async fn a_second_begin_on_a_connection_is_refused_and_sends_nothing() {
    for threading in [Threading::Task, Threading::OwnThread, Threading::Inline] {
        let (pool, log) = pool(1, threading).await;
        let conn = pool.acquire().await.unwrap();
        let tx = conn.begin().await.unwrap();
        let again = conn.begin().await.map(|_| ());
        assert_eq!(again, Err(DbError::TransactionAlreadyOpen), "{threading:?}");
        tx.execute(sql("INSERT"))
            .await
            .expect("the first one is open");
        tx.commit().await.unwrap();
        let next = conn.begin().await.expect("free again after COMMIT");
        // The lease ends with its last holder.
        drop((tx, next, conn));
        pool.execute(sql("NEXT")).await.unwrap();
        let seen = log.seen.lock().unwrap().clone();
        assert_eq!(
            seen,
            ["BEGIN", "INSERT", "COMMIT", "BEGIN", "ROLLBACK", "NEXT"],
            "{threading:?}: the refused BEGIN never reached the database"
        );
    }
}

#[tokio::test(flavor = "current_thread")]
async fn execute_of_a_query_reports_no_rows_affected_whatever_the_driver_counted() {
    // The fake driver counts 1 for every statement it does not know.
    for threading in [Threading::Task, Threading::OwnThread, Threading::Inline] {
        let (pool, log) = pool(1, threading).await;
        let select = pool.execute(sql("SELECT v FROM t")).await.unwrap();
        assert_eq!(select.rows_affected, 0, "{threading:?}");
        let with = pool
            .execute(sql("WITH x AS (SELECT 1) SELECT * FROM x"))
            .await;
        assert_eq!(with.unwrap().rows_affected, 0, "{threading:?}");
        let insert = pool
            .execute(sql("INSERT INTO t VALUES (1) RETURNING v"))
            .await;
        assert_eq!(insert.unwrap().rows_affected, 1, "{threading:?}");
        let tx = pool.begin().await.unwrap();
        assert_eq!(tx.execute(sql("select 1")).await.unwrap().rows_affected, 0);
        tx.rollback().await.unwrap();
        let seen = log.seen.lock().unwrap().clone();
        assert!(
            seen.contains(&"SELECT v FROM t".to_string()),
            "the query ran"
        );
    }
}

#[tokio::test(flavor = "current_thread")]
async fn savepoints_are_quoted_by_the_driver() {
    let (pool, log) = pool(1, Threading::Task).await;
    let tx = pool.begin().await.unwrap();
    tx.savepoint("sp\"1").await.unwrap();
    tx.rollback_to("sp\"1").await.unwrap();
    tx.release("sp\"1").await.unwrap();
    tx.rollback().await.unwrap();
    let seen = log.seen.lock().unwrap().clone();
    assert_eq!(
        seen,
        [
            "BEGIN",
            "SAVEPOINT \"sp\"\"1\"",
            "ROLLBACK TO SAVEPOINT \"sp\"\"1\"",
            "RELEASE SAVEPOINT \"sp\"\"1\"",
            "ROLLBACK"
        ]
    );
}

#[tokio::test(flavor = "current_thread")]
async fn nul_bytes_are_refused_before_reaching_the_driver() {
    let (pool, log) = pool(1, Threading::Task).await;
    let e = pool.query(sql("SELECT 1\0")).await.unwrap_err();
    assert!(
        matches!(e, DbError::InvalidSql(ref m) if m.contains("offset 8")),
        "{e}"
    );
    let tx = pool.begin().await.unwrap();
    assert!(matches!(
        tx.savepoint("a\0b").await,
        Err(DbError::InvalidSql(_))
    ));
    assert!(matches!(
        tx.execute(sql("\0")).await,
        Err(DbError::InvalidSql(_))
    ));
    tx.rollback().await.unwrap();
    let seen = log.seen.lock().unwrap().clone();
    assert_eq!(seen, ["BEGIN", "ROLLBACK"]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_pool_never_opens_more_than_its_maximum() {
    let (pool, log) = pool(3, Threading::Task).await;
    let mut tasks = Vec::new();
    for _ in 0..40 {
        let pool = pool.clone();
        tasks.push(tokio::spawn(async move {
            pool.execute(sql("SLEEP 2")).await.unwrap();
        }));
    }
    for t in tasks {
        t.await.unwrap();
    }
    assert_eq!(log.max_open.load(Ordering::SeqCst), 3);
    let stats = pool.stats();
    assert_eq!((stats.connections, stats.idle), (3, 3), "{stats:?}");
    pool.close().await.unwrap();
    assert_eq!(
        log.open.load(Ordering::SeqCst),
        0,
        "close closed every connection"
    );
    assert!(matches!(
        pool.execute(sql("X")).await,
        Err(DbError::Pool(_))
    ));
}

#[tokio::test(flavor = "current_thread")]
async fn a_busy_pool_times_out_with_a_typed_error() {
    let log = Arc::new(Log::default());
    let options = PoolOptions {
        max_connections: 1,
        connect_timeout_ms: 50,
        ..PoolOptions::default()
    };
    let driver = Fake {
        log,
        threading: Threading::Task,
        check_after_idle: None,
        cancellable: false,
    };
    let pool = KitPool::open(driver, options).await.unwrap();
    let held = pool.acquire().await.unwrap();
    let e = pool.execute(sql("X")).await.unwrap_err();
    assert!(
        matches!(e, DbError::Timeout(ref m) if m.contains("all 1 in use")),
        "{e}"
    );
    drop(held);
    pool.execute(sql("X")).await.unwrap();
}

#[tokio::test(flavor = "current_thread")]
async fn a_stream_holds_at_most_two_batches_and_stops_when_dropped() {
    for threading in [Threading::Task, Threading::OwnThread, Threading::Inline] {
        stream_holds_at_most_two_batches(threading).await;
    }
}

/// A blocking driver's stream, sent from synchronous code, crosses whole (a thousand
/// batches: far past tokio's cooperative budget of one task poll).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_blocking_drivers_stream_crosses_whole() {
    let (pool, log) = pool(1, Threading::OwnThread).await;
    assert_eq!(streamed_rows(&pool, 3).await, 3_000);
    assert_eq!(log.batches_sent.load(Ordering::SeqCst), 1_000);
    pool.execute(sql("NEXT")).await.unwrap();
}

/// How many rows the fake stream `ALL` gives in batches of `batch_rows`.
async fn streamed_rows(pool: &Arc<dyn Pool>, batch_rows: u32) -> u64 {
    let stream = pool.query_stream(sql("ALL"), batch_rows).await.unwrap();
    let mut rows = 0;
    while let Some(batch) = stream.next_batch().await.unwrap() {
        rows += batch.len;
    }
    rows
}

async fn stream_holds_at_most_two_batches(threading: Threading) {
    let (pool, log) = pool(1, threading).await;
    let stream = pool.query_stream(sql("ALL"), 10).await.unwrap();
    assert_eq!(stream.names(), ["v"]);
    let first = stream.next_batch().await.unwrap().unwrap();
    assert_eq!(first.len, 10);
    tokio::time::sleep(Duration::from_millis(20)).await;
    // One read, one queued, one being sent: the producer waits for the reader.
    assert!(log.batches_sent.load(Ordering::SeqCst) <= 3);
    drop(stream);
    // The connection is released once the driver sees the reader gone.
    let rows = tokio::time::timeout(Duration::from_secs(5), pool.query(sql("NEXT")))
        .await
        .expect("the stream's connection came back")
        .unwrap();
    assert_eq!(rows.len(), 1);
    assert!(log.batches_sent.load(Ordering::SeqCst) <= 4);
}

#[tokio::test(flavor = "current_thread")]
async fn a_blocking_driver_runs_on_a_connection_thread_of_its_own() {
    let (pool, log) = pool(2, Threading::OwnThread).await;
    // The caller's single-threaded runtime stays free while the driver blocks.
    let slow = pool.execute(sql("SLEEP 50"));
    let ticker = async {
        let mut ticks = 0;
        for _ in 0..5 {
            tokio::time::sleep(Duration::from_millis(5)).await;
            ticks += 1;
        }
        ticks
    };
    let (r, ticks) = tokio::join!(slow, ticker);
    r.unwrap();
    assert_eq!(ticks, 5);
    let threads = log.threads.lock().unwrap().clone();
    assert!(threads.iter().all(|t| t == "plugorm-conn"), "{threads:?}");
}

#[tokio::test(flavor = "current_thread")]
async fn a_connection_idle_past_the_drivers_limit_is_checked_before_it_is_lent() {
    for check in [None, Some(Duration::from_millis(5))] {
        let log = Arc::new(Log::default());
        let driver = Fake {
            log: log.clone(),
            threading: Threading::Task,
            check_after_idle: check,
            cancellable: false,
        };
        let pool = KitPool::open(driver, PoolOptions::default()).await.unwrap();
        pool.execute(sql("FIRST")).await.unwrap();
        // The server ends the idle session.
        log.epoch.fetch_add(1, Ordering::SeqCst);
        tokio::time::sleep(Duration::from_millis(20)).await;
        let r = pool.execute(sql("SECOND")).await;
        match check {
            None => assert!(r.is_err(), "without a check the dead connection is lent"),
            Some(_) => {
                r.expect("the dead connection was replaced before the statement");
            }
        }
        // Either way the dead connection is gone and the pool serves.
        pool.execute(sql("THIRD")).await.unwrap();
        // The dead connection's worker closes it just after answering.
        for _ in 0..100 {
            if pool.stats().connections == 1 {
                break;
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        assert_eq!(pool.stats().connections, 1);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_statement_abandoned_mid_flight_finishes_and_one_not_started_never_runs() {
    let (pool, log) = pool(1, Threading::Task).await;
    // Cut mid-statement: it runs to its end on the runtime before the connection serves
    // the next caller.
    let cut = tokio::time::timeout(Duration::from_millis(10), pool.execute(sql("SLEEP 60"))).await;
    assert!(cut.is_err(), "the timeout fired");
    pool.execute(sql("NEXT")).await.unwrap();
    assert_eq!(log.seen.lock().unwrap().clone(), ["SLEEP 60", "NEXT"]);

    // Queued behind a running statement on the same connection, then abandoned: never runs.
    let conn = pool.acquire().await.unwrap();
    let (busy, queued) = tokio::join!(
        conn.execute(sql("SLEEP 60")),
        tokio::time::timeout(Duration::from_millis(10), conn.execute(sql("SKIPPED"))),
    );
    busy.unwrap();
    assert!(queued.is_err(), "the queued statement was abandoned");
    conn.execute(sql("AFTER")).await.unwrap();
    let seen = log.seen.lock().unwrap().clone();
    assert_eq!(seen, ["SLEEP 60", "NEXT", "SLEEP 60", "AFTER"]);
}

/// A one-connection pool of a blocking driver whose connections can be cancelled.
async fn cancellable_blocking_pool() -> (Arc<dyn Pool>, Arc<Log>) {
    cancellable_pool(Threading::OwnThread).await
}

/// A one-connection pool whose connections can be cancelled.
async fn cancellable_pool(threading: Threading) -> (Arc<dyn Pool>, Arc<Log>) {
    let log = Arc::new(Log::default());
    let driver = Fake {
        log: log.clone(),
        threading,
        check_after_idle: None,
        cancellable: true,
    };
    let options = PoolOptions {
        max_connections: 1,
        ..PoolOptions::default()
    };
    (KitPool::open(driver, options).await.unwrap(), log)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_blocking_drivers_abandoned_statement_is_cancelled_on_its_thread() {
    let (pool, log) = cancellable_blocking_pool().await;
    let started = std::time::Instant::now();
    // Through the pool, through a leased connection, and inside a transaction: each cut
    // 20 ms into a 10 s statement that the connection thread runs blocking.
    let cut = tokio::time::timeout(Duration::from_millis(20), pool.execute(sql("SLEEP 10000")));
    assert!(cut.await.is_err(), "the timeout fired");
    pool.execute(sql("NEXT"))
        .await
        .expect("the connection serves again");
    let conn = pool.acquire().await.unwrap();
    let cut = tokio::time::timeout(Duration::from_millis(20), conn.query(sql("SLEEP 10000")));
    assert!(cut.await.is_err());
    conn.execute(sql("AFTER")).await.unwrap();
    drop(conn);
    let tx = pool.begin().await.unwrap();
    let cut = tokio::time::timeout(Duration::from_millis(20), tx.execute(sql("SLEEP 10000")));
    assert!(cut.await.is_err());
    tx.commit().await.unwrap();
    drop(tx);
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "the statements were interrupted, not waited for: {:?}",
        started.elapsed()
    );
    assert_eq!(log.interrupted.load(Ordering::SeqCst), 3);
    assert_eq!(log.cancels.load(Ordering::SeqCst), 3);
    assert_eq!(
        log.clears.load(Ordering::SeqCst),
        3,
        "each cancel is cleared before the next statement"
    );
    let seen = log.seen.lock().unwrap().clone();
    assert_eq!(
        seen,
        [
            "SLEEP 10000",
            "NEXT",
            "SLEEP 10000",
            "AFTER",
            "BEGIN",
            "SLEEP 10000",
            "COMMIT"
        ]
    );
    // A statement that finishes in time is never cancelled.
    pool.execute(sql("SLEEP 5")).await.unwrap();
    assert_eq!(log.cancels.load(Ordering::SeqCst), 3);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_blocking_drivers_statement_abandoned_before_it_started_never_runs() {
    let (pool, log) = cancellable_blocking_pool().await;
    let conn = pool.acquire().await.unwrap();
    let (busy, queued) = tokio::join!(
        conn.execute(sql("SLEEP 80")),
        tokio::time::timeout(Duration::from_millis(10), conn.execute(sql("SKIPPED"))),
    );
    busy.expect("the running statement is not the one cancelled");
    assert!(queued.is_err());
    conn.execute(sql("AFTER")).await.unwrap();
    assert_eq!(log.seen.lock().unwrap().clone(), ["SLEEP 80", "AFTER"]);
    assert_eq!(log.cancels.load(Ordering::SeqCst), 0);
}

/// The thread names the fake driver recorded since the last call.
fn threads_seen(log: &Log) -> Vec<String> {
    std::mem::take(&mut *log.threads.lock().unwrap())
}

#[tokio::test(flavor = "current_thread")]
async fn inline_runs_plain_statements_on_the_callers_thread_and_streams_on_its_own() {
    let (pool, log) = pool(1, Threading::Inline).await;
    let caller = std::thread::current().name().map(String::from);
    let caller = caller.expect("the test thread has a name");
    pool.execute(sql("INSERT")).await.unwrap();
    let rows = pool.query(sql("IN_TX")).await.unwrap();
    assert_eq!(rows.iter().next().unwrap().get_at::<i64>(0).unwrap(), 0);
    let tx = pool.begin().await.unwrap();
    tx.savepoint("a").await.unwrap();
    let rows = tx.query(sql("IN_TX")).await.unwrap();
    assert_eq!(rows.iter().next().unwrap().get_at::<i64>(0).unwrap(), 1);
    tx.release("a").await.unwrap();
    tx.commit().await.unwrap();
    drop(tx);
    let threads = threads_seen(&log);
    assert_eq!(threads.len(), 7, "{threads:?}");
    assert!(threads.iter().all(|t| *t == caller), "{threads:?}");

    // A stream blocks on its reader: it runs on the connection's own thread (blocking
    // this test's one runtime thread would never let the reader below run).
    assert_eq!(streamed_rows(&pool, 5).await, 5_000);
    assert_eq!(log.batches_sent.load(Ordering::SeqCst), 1_000);
    pool.execute(sql("NEXT")).await.unwrap();
    let seen = log.seen.lock().unwrap().clone();
    assert_eq!(
        seen,
        [
            "INSERT",
            "IN_TX",
            "BEGIN",
            "SAVEPOINT \"a\"",
            "IN_TX",
            "RELEASE SAVEPOINT \"a\"",
            "COMMIT",
            "NEXT"
        ]
    );
}

#[tokio::test(flavor = "current_thread")]
async fn inline_rolls_back_a_connection_dropped_inside_its_transaction() {
    let (pool, log) = pool(1, Threading::Inline).await;
    let conn = pool.acquire().await.unwrap();
    let tx = conn.begin().await.unwrap();
    drop((tx, conn));
    let rows = pool.query(sql("IN_TX")).await.unwrap();
    assert_eq!(rows.iter().next().unwrap().get_at::<i64>(0).unwrap(), 0);
    let seen = log.seen.lock().unwrap().clone();
    assert_eq!(seen, ["BEGIN", "ROLLBACK", "IN_TX"]);
}

/// The documented limit: an inline statement completes inside the poll that started it,
/// so a timeout around it cannot cut it; one still waiting for its connection is skipped.
#[tokio::test(flavor = "current_thread")]
async fn an_inline_statement_runs_to_its_end_and_one_still_waiting_is_skipped() {
    let (pool, log) = cancellable_pool(Threading::Inline).await;
    let started = std::time::Instant::now();
    let r = tokio::time::timeout(Duration::from_millis(5), pool.execute(sql("SLEEP 40"))).await;
    assert!(r.is_ok(), "it ended before the timeout was looked at");
    assert!(started.elapsed() >= Duration::from_millis(40));
    assert_eq!(log.cancels.load(Ordering::SeqCst), 0);

    // A stream holds the connection on its thread; a statement queued behind it and
    // abandoned never runs.
    let conn = pool.acquire().await.unwrap();
    let stream = conn.query_stream(sql("ALL"), 1).await.unwrap();
    let queued = tokio::time::timeout(Duration::from_millis(20), conn.execute(sql("SKIPPED")));
    assert!(
        queued.await.is_err(),
        "it waited for the stream's connection"
    );
    drop(stream);
    conn.execute(sql("AFTER")).await.unwrap();
    let seen = log.seen.lock().unwrap().clone();
    assert_eq!(seen, ["SLEEP 40", "AFTER"]);
}
