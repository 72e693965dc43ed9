//! The SQLite pool on the driver kit: every path of a one-connection pool, failure
//! recovery, and two regressions (a storm of cancelled transactions on a file database,
//! SQL text with a NUL byte).

use std::{
    future::Future,
    path::PathBuf,
    sync::{
        atomic::{AtomicU64, Ordering},
        Arc,
    },
    time::Duration,
};

use plugorm_plugin_api::{DbError, DbResult, Dialect, Executor, Pool, PoolOptions, Sql, Value};
use plugorm_sqlite::SqliteDialect;

/// Long enough for any statement here; a call that hits it was waiting for something
/// that never came.
const PROMPT: Duration = Duration::from_secs(5);

/// A database file in the temp dir, removed (with its WAL files) when dropped.
struct TempDb(PathBuf);

impl TempDb {
    fn new(tag: &str) -> TempDb {
        static NEXT: AtomicU64 = AtomicU64::new(0);
        let n = NEXT.fetch_add(1, Ordering::Relaxed);
        let name = format!("plugorm-sqlite-{tag}-{}-{n}.db", std::process::id());
        TempDb(std::env::temp_dir().join(name))
    }

    fn url(&self) -> String {
        format!("sqlite://{}", self.0.display())
    }
}

impl Drop for TempDb {
    fn drop(&mut self) {
        for suffix in ["", "-wal", "-shm"] {
            let mut p = self.0.clone().into_os_string();
            p.push(suffix);
            let _ = std::fs::remove_file(p);
        }
    }
}

/// Awaits `f` and unwraps its result, failing when it takes longer than [`PROMPT`].
async fn prompt<T>(f: impl Future<Output = DbResult<T>>) -> T {
    let r = tokio::time::timeout(PROMPT, f).await;
    r.expect("waited too long").unwrap()
}

async fn open(url: &str, max_connections: u32) -> Arc<dyn Pool> {
    let options = PoolOptions {
        max_connections,
        ..PoolOptions::default()
    };
    SqliteDialect.connect(url, options).await.unwrap()
}

/// The first column of the first row of `sql`.
async fn scalar(on: &(impl Executor + ?Sized), sql: &str) -> i64 {
    let rows = prompt(on.query(Sql::new(sql, []))).await;
    let n = rows.iter().next().unwrap().get_at::<i64>(0).unwrap();
    n
}

#[tokio::test(flavor = "current_thread")]
async fn a_one_connection_pool_serves_every_path_without_waiting() {
    let pool = open("sqlite::memory:", 1).await;
    pool.execute(Sql::new("CREATE TABLE t (v INTEGER)", []))
        .await
        .unwrap();
    // Each of these needs the pool's only connection: none may wait for another holder
    // of it (that would hit the timeout).
    for i in 0..3 {
        prompt(pool.execute(Sql::new("INSERT INTO t VALUES (?)", [Value::I64(i)]))).await;
    }
    let tx = prompt(pool.begin()).await;
    tx.execute(Sql::new("INSERT INTO t VALUES (10)", []))
        .await
        .unwrap();
    tx.commit().await.unwrap();
    // The kit keeps a transaction's connection until its handle is dropped.
    drop(tx);
    prompt(pool.ping()).await;
    let conn = prompt(pool.acquire()).await;
    assert_eq!(scalar(&*conn, "SELECT sum(v) FROM t").await, 13);
    drop(conn);
    let stream = prompt(pool.query_stream(Sql::new("SELECT v FROM t", []), 2)).await;
    assert_eq!(stream.names(), vec!["v".to_string()]);
    let mut seen = 0;
    while let Some(batch) = stream.next_batch().await.unwrap() {
        assert!(batch.len <= 2, "{}", batch.len);
        seen += batch.len;
    }
    assert_eq!(seen, 4);
    assert_eq!(pool.stats().connections, 1);
    prompt(pool.close()).await;
}

#[tokio::test(flavor = "current_thread")]
async fn a_failed_statement_leaves_the_pool_usable_and_idle() {
    let pool = open("sqlite::memory:", 1).await;
    let err = pool.query(Sql::new("SELECT * FROM missing", [])).await;
    assert!(err.is_err(), "{err:?}");
    assert_eq!(scalar(&*pool, "SELECT 7").await, 7);
    let stats = pool.stats();
    assert_eq!(stats.idle, stats.connections, "{stats:?}");
}

#[tokio::test(flavor = "current_thread")]
async fn a_stream_dropped_early_leaves_its_connection_usable() {
    let pool = open("sqlite::memory:", 1).await;
    let sql = "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 50000) \
               SELECT i FROM n";
    let stream = pool.query_stream(Sql::new(sql, []), 100).await.unwrap();
    let first = stream.next_batch().await.unwrap().unwrap();
    assert_eq!(first.len, 100);
    drop(stream);
    let rows = prompt(pool.query(Sql::new("SELECT 1 AS n", []))).await;
    assert_eq!(rows.len(), 1);
}

/// A transaction that INSERTs until it is cancelled, counting its INSERTs in `written`;
/// it never commits.
async fn cancelled_tx(pool: &Arc<dyn Pool>, i: u64, written: &AtomicU64) -> Result<(), DbError> {
    let tx = pool.begin().await?;
    for k in 0..20 {
        let tag = Value::Text(format!("storm-{i}-{k}").into());
        tx.execute(Sql::new("INSERT INTO t (tag) VALUES (?)", [tag]))
            .await?;
        written.fetch_add(1, Ordering::Relaxed);
    }
    std::future::pending().await
}

/// Regression: transactions cancelled at any await point (while their INSERTs are in
/// flight) must leave no pooled connection inside a transaction and none of their rows.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_storm_of_cancelled_transactions_leaves_every_connection_clean() {
    const CONNECTIONS: u32 = 4;
    let db = TempDb::new("storm");
    let pool = open(&db.url(), CONNECTIONS).await;
    pool.execute(Sql::new(
        "CREATE TABLE t (id INTEGER PRIMARY KEY, tag TEXT NOT NULL)",
        [],
    ))
    .await
    .unwrap();

    // INSERTs that completed inside a (then cancelled) transaction.
    let written = Arc::new(AtomicU64::new(0));
    // Six lanes of 50 transactions: more lanes than connections, so some transactions
    // are cut while waiting for one, and the rest at every later stage.
    let storm: Vec<_> = (0..6u64)
        .map(|lane| {
            let pool = pool.clone();
            let written = written.clone();
            tokio::spawn(async move {
                for n in 0..50 {
                    let i = lane * 50 + n;
                    let deadline = Duration::from_micros((i * 97) % 3000);
                    let _ = tokio::time::timeout(deadline, cancelled_tx(&pool, i, &written)).await;
                }
            })
        })
        .collect();
    for task in storm {
        task.await.unwrap();
    }
    let written = written.load(Ordering::Relaxed);
    assert!(
        written > 0,
        "no INSERT ran before the deadlines: the storm tested nothing"
    );

    // Every connection, all held at once, starts a (deferred, lock-free) transaction:
    // none was left inside one. (The kit's own transactions begin IMMEDIATE, so only one
    // can be open at a time.)
    let mut held = Vec::new();
    for _ in 0..CONNECTIONS {
        let conn = prompt(pool.acquire()).await;
        prompt(conn.execute(Sql::new("BEGIN DEFERRED", []))).await;
        assert_eq!(scalar(&*conn, "SELECT count(*) FROM t").await, 0);
        held.push(conn);
    }
    assert_eq!(pool.stats().connections, CONNECTIONS);
    for conn in held {
        prompt(conn.execute(Sql::new("ROLLBACK", []))).await;
    }

    let inserts: Vec<_> = (0..40)
        .map(|i| {
            let pool = pool.clone();
            tokio::spawn(async move {
                let sql = Sql::new(
                    "INSERT INTO t (tag) VALUES (?)",
                    [Value::Text(format!("plain-{i}").into())],
                );
                prompt(pool.execute(sql)).await
            })
        })
        .collect();
    for task in inserts {
        task.await.unwrap();
    }
    assert_eq!(
        scalar(&*pool, "SELECT count(*) FROM t WHERE tag LIKE 'storm-%'").await,
        0,
        "rows of cancelled transactions ({written} INSERTs ran) are visible"
    );
    assert_eq!(scalar(&*pool, "SELECT count(*) FROM t").await, 40);
    prompt(pool.close()).await;
}

/// Regression: SQL text with a NUL byte is refused at once, and the pool still closes.
#[tokio::test(flavor = "current_thread")]
async fn sql_with_a_nul_byte_is_refused_and_the_pool_closes() {
    let db = TempDb::new("nul");
    let pool = open(&db.url(), 2).await;
    let r = tokio::time::timeout(PROMPT, pool.query(Sql::new("SELECT 1\0", [])))
        .await
        .expect("refused promptly");
    assert!(matches!(r, Err(DbError::InvalidSql(_))), "{r:?}");
    tokio::time::timeout(PROMPT, pool.close())
        .await
        .expect("close returned promptly")
        .unwrap();
}
