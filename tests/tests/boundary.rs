//! The async boundary on every backend: futures dropped mid-flight leave the process and
//! the pool healthy; dropped transactions roll back.

use std::time::Duration;

use plugorm::{Db, Model};
use plugorm_tests::matrix::Backend;

plugorm_tests::matrix!(
    #[runtime(flavor = "multi_thread", worker_threads = 2)]
    cancelled_queries_leave_the_pool_healthy,
    #[runtime(flavor = "multi_thread", worker_threads = 2)]
    dropped_transaction_rolls_back_and_frees_its_connection,
    #[runtime(flavor = "multi_thread", worker_threads = 2)]
    transaction_future_cancelled_mid_commit_leaves_no_half_state,
    plugin_works_from_many_host_runtimes,
);

/// `entries`: a key and a text, created by AutoMigrate.
#[derive(Model, Debug, Default, Clone)]
struct Entry {
    id: i64,
    v: String,
}

/// A statement that takes a while on the server and counts 200,000 generated rows as `n`.
fn slow(backend: Backend) -> &'static str {
    backend.pick(
        "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 200000) SELECT count(*) AS n FROM c",
        "SELECT count(*) AS n FROM generate_series(1, 200000)",
        // MySQL 8 caps recursive CTEs at 1,000 levels: 10^5 digit combinations, twice.
        "WITH d(n) AS (SELECT 0 UNION ALL SELECT 1 UNION ALL SELECT 2 UNION ALL SELECT 3 \
         UNION ALL SELECT 4 UNION ALL SELECT 5 UNION ALL SELECT 6 UNION ALL SELECT 7 \
         UNION ALL SELECT 8 UNION ALL SELECT 9) \
         SELECT count(*) AS n FROM d a, d b, d c, d e, d f, (SELECT 0 AS n UNION ALL SELECT 1) g",
    )
}

async fn count_entries(db: &Db) -> i64 {
    db.raw("SELECT count(*) AS n FROM entries", ())
        .await
        .unwrap()
        .iter()
        .next()
        .unwrap()
        .get("n")
        .unwrap()
}

async fn cancelled_queries_leave_the_pool_healthy(backend: Backend) {
    let Some(db) = backend.open_file("").await else {
        return;
    };
    db.auto_migrate::<Entry>().await.unwrap();
    let mut cancelled = 0;
    let mut finished = 0;
    for i in 0..60u64 {
        let db = db.clone();
        // Timeouts from 0 to ~6 ms: most queries are dropped mid-flight.
        let limit = Duration::from_micros((i % 12) * 500);
        let work = async move {
            if i % 3 == 0 {
                db.exec("INSERT INTO entries (v) VALUES (?)", (format!("row{i}"),))
                    .await
                    .map(|_| ())
            } else {
                db.raw(slow(backend), ()).await.map(|_| ())
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
    let rows = db.raw(slow(backend), ()).await.unwrap();
    assert_eq!(
        rows.iter().next().unwrap().get::<i64>("n").unwrap(),
        200_000
    );
    let n = count_entries(&db).await;
    assert!(n <= 20, "{n} rows");
    // A connection dropped mid-query goes back to the pool once the driver has cleaned it
    // up in the background (on a server: read the rest of the result, or reconnect).
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    let stats = loop {
        let stats = db.pool_stats();
        if stats.idle == stats.connections || tokio::time::Instant::now() > deadline {
            break stats;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    };
    assert_eq!(
        stats.idle, stats.connections,
        "no connection leaked: {stats:?} ({finished} finished)"
    );
}

async fn dropped_transaction_rolls_back_and_frees_its_connection(backend: Backend) {
    // One connection: the next statement can only run once the rollback released it.
    let Some(db) = backend.open("[plugin.pool]\nmax_connections = 1\n").await else {
        return;
    };
    assert_eq!(db.pool_stats().max_connections, 1);
    db.auto_migrate::<Entry>().await.unwrap();
    {
        let tx = db.begin().await.unwrap();
        tx.exec("INSERT INTO entries (v) VALUES (?)", ("lost",))
            .await
            .unwrap();
    }
    let n = tokio::time::timeout(Duration::from_secs(5), count_entries(&db))
        .await
        .expect("the connection came back");
    assert_eq!(n, 0);
}

async fn transaction_future_cancelled_mid_commit_leaves_no_half_state(backend: Backend) {
    let Some(db) = backend.open_file("").await else {
        return;
    };
    db.auto_migrate::<Entry>().await.unwrap();
    for i in 0..30u64 {
        let db2 = db.clone();
        let work = async move {
            let tx = db2.begin().await?;
            tx.exec("INSERT INTO entries (v) VALUES (?)", ("a",))
                .await?;
            tx.exec("INSERT INTO entries (v) VALUES (?)", ("b",))
                .await?;
            tx.commit().await
        };
        let _ = tokio::time::timeout(Duration::from_micros(i * 150), work).await;
    }
    tokio::time::sleep(Duration::from_millis(100)).await;
    let n = count_entries(&db).await;
    assert_eq!(n % 2, 0, "transactions are all-or-nothing: {n} rows");
}

async fn plugin_works_from_many_host_runtimes(backend: Backend) {
    // Each #[tokio::test] has its own runtime; the pool lives on the plugin's runtime, so
    // a pool created on one host runtime works on another.
    let Some(db) = backend.open("").await else {
        return;
    };
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
