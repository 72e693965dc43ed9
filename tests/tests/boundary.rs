//! The async boundary: futures dropped mid-flight leave the process and the pool healthy;
//! dropped transactions roll back.

use std::time::Duration;

use plugorm_tests::{sqlite_file, sqlite_memory};

const SLOW: &str = "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 200000) SELECT count(*) AS n FROM c";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cancelled_queries_leave_the_pool_healthy() {
    let (db, _dir) = sqlite_file().await;
    db.exec("CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)", ())
        .await
        .unwrap();
    let mut cancelled = 0;
    let mut finished = 0;
    for i in 0..60u64 {
        let db = db.clone();
        // Timeouts from 0 to ~6 ms: most queries are dropped mid-flight.
        let limit = Duration::from_micros((i % 12) * 500);
        let work = async move {
            if i % 3 == 0 {
                db.exec("INSERT INTO t (v) VALUES (?)", (format!("row{i}"),))
                    .await
                    .map(|_| ())
            } else {
                db.raw(SLOW, ()).await.map(|_| ())
            }
        };
        match tokio::time::timeout(limit, work).await {
            Err(_) => cancelled += 1,
            Ok(r) => {
                r.unwrap();
                finished += 1;
            }
        }
    }
    assert!(
        cancelled > 0,
        "some futures must have been dropped mid-flight"
    );
    // The pool still works, every connection came back, and data is consistent.
    let rows = db.raw(SLOW, ()).await.unwrap();
    assert_eq!(
        rows.iter().next().unwrap().get::<i64>("n").unwrap(),
        200_000
    );
    let n: i64 = db
        .raw("SELECT count(*) AS n FROM t", ())
        .await
        .unwrap()
        .iter()
        .next()
        .unwrap()
        .get("n")
        .unwrap();
    assert!(n <= 20, "{n} rows");
    tokio::time::sleep(Duration::from_millis(50)).await;
    let stats = db.pool_stats();
    assert_eq!(
        stats.idle, stats.connections,
        "no connection leaked: {stats:?} ({finished} finished)"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn dropped_transaction_rolls_back_and_frees_its_connection() {
    // One connection: the next statement can only run once the rollback released it.
    let db = sqlite_memory().await;
    db.exec("CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)", ())
        .await
        .unwrap();
    {
        let tx = db.begin().await.unwrap();
        tx.exec("INSERT INTO t (v) VALUES (?)", ("lost",))
            .await
            .unwrap();
    }
    let rows = tokio::time::timeout(
        Duration::from_secs(5),
        db.raw("SELECT count(*) AS n FROM t", ()),
    )
    .await
    .expect("the connection came back")
    .unwrap();
    assert_eq!(rows.iter().next().unwrap().get::<i64>("n").unwrap(), 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn transaction_future_cancelled_mid_commit_leaves_no_half_state() {
    let (db, _dir) = sqlite_file().await;
    db.exec("CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)", ())
        .await
        .unwrap();
    for i in 0..30u64 {
        let db2 = db.clone();
        let work = async move {
            let tx = db2.begin().await?;
            tx.exec("INSERT INTO t (v) VALUES (?)", ("a",)).await?;
            tx.exec("INSERT INTO t (v) VALUES (?)", ("b",)).await?;
            tx.commit().await
        };
        let _ = tokio::time::timeout(Duration::from_micros(i * 150), work).await;
    }
    tokio::time::sleep(Duration::from_millis(100)).await;
    let n: i64 = db
        .raw("SELECT count(*) AS n FROM t", ())
        .await
        .unwrap()
        .iter()
        .next()
        .unwrap()
        .get("n")
        .unwrap();
    assert_eq!(n % 2, 0, "transactions are all-or-nothing: {n} rows");
}

#[tokio::test]
async fn plugin_works_from_many_host_runtimes() {
    // Each #[tokio::test] has its own runtime; the pool lives on the plugin's runtime, so
    // a pool created on one host runtime works on another.
    let db = sqlite_memory().await;
    let db2 = db.clone();
    let handle = std::thread::spawn(move || {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        rt.block_on(async {
            db2.raw("SELECT 41 + 1 AS v", ())
                .await
                .unwrap()
                .iter()
                .next()
                .unwrap()
                .get::<i64>("v")
                .unwrap()
        })
    });
    assert_eq!(handle.join().unwrap(), 42);
    assert_eq!(db.raw("SELECT 1 AS v", ()).await.unwrap().len(), 1);
}
