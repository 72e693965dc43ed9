//! Faults a production database throws at an application, injected for real on every
//! database: statements that outlive their deadline, sessions the server ends (idle in
//! the pool or mid-transaction, one at a time or in a storm), deadlocks, serialization
//! failures, a busy SQLite file, an exhausted pool, and text holding a second statement.
//! Each test checks what the application sees (a typed error, a retry that succeeds) and
//! that nothing was lost or half-written. Cancelled statements (dropped futures and
//! streams) are `faults/cancellation.rs`.

#[path = "faults/cancellation.rs"]
mod cancellation;

use std::{
    sync::{
        atomic::{AtomicBool, AtomicUsize, Ordering},
        Arc,
    },
    time::Duration,
};

use plugorm::{plugin_api::DbError, Db, Error, RetryPolicy};
use plugorm_tests::matrix::Backend;

fn is_timeout<T: std::fmt::Debug>(r: &Result<T, Error>) -> bool {
    matches!(r, Err(Error::Db(DbError::Timeout(_))))
}

/// A statement past its `with_timeout` deadline is cancelled on the server, so the
/// connection it held serves the next statement at once. The pool has one connection
/// and waits at most 5 s for it: without the cancel, the next statement would wait for
/// the minute-long statement and fail.
async fn a_timed_out_statement_is_cancelled_on_the_server(backend: Backend) {
    let pool = "[plugin.pool]\nmax_connections = 1\nconnect_timeout = \"5s\"\n";
    let Some(db) = backend.open_file(pool).await else {
        return;
    };
    let limit = Duration::from_millis(300);
    let r = db.with_timeout(limit).raw(backend.endless_sql(), ()).await;
    assert!(is_timeout(&r), "{r:?}");
    let one: i64 = db
        .raw_scalar("SELECT 1", ())
        .await
        .expect("the only connection is free again")
        .unwrap();
    assert_eq!(one, 1);

    // Inside a transaction: the closure gets the timeout, the transaction rolls back, and
    // the connection serves again.
    db.exec("CREATE TABLE kept (v INTEGER)", ()).await.unwrap();
    let r: Result<(), Error> = db
        .transaction(|tx| async move {
            tx.exec("INSERT INTO kept (v) VALUES (?)", (1,)).await?;
            tx.with_timeout(limit)
                .raw(backend.endless_sql(), ())
                .await?;
            Ok(())
        })
        .await;
    assert!(is_timeout(&r), "{r:?}");
    let n: i64 = db
        .raw_scalar("SELECT COUNT(*) FROM kept", ())
        .await
        .expect("the connection serves after the cancelled transaction")
        .unwrap();
    assert_eq!(n, 0, "the timed-out transaction was rolled back");
}

/// A session the server ended while its connection sat in the pool (within the second
/// in which pooled connections are not pinged) costs the application nothing: the
/// statement, read or write, runs once on a new connection. Twenty kills in a row.
async fn a_statement_on_a_connection_killed_in_the_pool_runs_on_a_new_one(backend: Backend) {
    let Some((who, kill)) = backend.session_sql() else {
        return;
    };
    let Some(db) = backend.open("[plugin.pool]\nmax_connections = 1\n").await else {
        return;
    };
    let Some(admin) = backend.open("").await else {
        return;
    };
    db.exec("CREATE TABLE writes (v INTEGER)", ())
        .await
        .unwrap();
    for i in 0..20i64 {
        let id: i64 = db.raw_scalar(who, ()).await.unwrap().unwrap();
        admin.exec(kill, (id,)).await.unwrap();
        if i % 2 == 0 {
            let now: i64 = db
                .raw_scalar(who, ())
                .await
                .unwrap_or_else(|e| panic!("kill {i}: the read failed: {e}"))
                .unwrap();
            assert_ne!(now, id, "kill {i}: the read ran on a new session");
        } else {
            db.exec("INSERT INTO writes (v) VALUES (?)", (i,))
                .await
                .unwrap_or_else(|e| panic!("kill {i}: the write failed: {e}"));
        }
    }
    let n: i64 = db
        .raw_scalar("SELECT COUNT(*) FROM writes", ())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(n, 10, "each write ran exactly once");
}

/// A session killed mid-transaction is one typed error on every server:
/// `ConnectionLost`, not whatever the client library called it.
async fn a_connection_lost_mid_transaction_is_typed(backend: Backend) {
    let Some((who, kill)) = backend.session_sql() else {
        return;
    };
    let Some(db) = backend.open("").await else {
        return;
    };
    let Some(admin) = backend.open("").await else {
        return;
    };
    let tx = db.begin().await.unwrap();
    let id: i64 = tx.raw_scalar(who, ()).await.unwrap().unwrap();
    admin.exec(kill, (id,)).await.unwrap();
    let r = tx.raw("SELECT 1", ()).await;
    assert!(
        matches!(r, Err(Error::Db(DbError::ConnectionLost { .. }))),
        "{r:?}"
    );
    assert!(!r.unwrap_err().is_retryable());
    drop(tx);
    db.ping().await.expect("the pool serves after the loss");
}

/// A session the server ends while a statement runs on it fails that statement as
/// `ConnectionLost` (an administrator's kill is not undone by a retry); the pool of one
/// connection replaces it. SQLite has no server to end a session: there the statement
/// runs to its end.
async fn a_session_ended_mid_statement_fails_it_as_connection_lost_and_is_replaced(
    backend: Backend,
) {
    let Some(db) = backend.open("[plugin.pool]\nmax_connections = 1\n").await else {
        return;
    };
    let Some((who, kill)) = backend.session_sql() else {
        assert_eq!(backend, Backend::Sqlite);
        let n: i64 = db.raw_scalar("SELECT 1", ()).await.unwrap().unwrap();
        assert_eq!(n, 1);
        return;
    };
    let Some(admin) = backend.open("").await else {
        return;
    };
    let id: i64 = db.raw_scalar(who, ()).await.unwrap().unwrap();
    let slow = {
        let db = (*db).clone();
        tokio::spawn(async move { db.raw(backend.endless_sql(), ()).await })
    };
    tokio::time::sleep(Duration::from_millis(300)).await;
    admin.exec(kill, (id,)).await.unwrap();
    match slow.await.unwrap() {
        Err(Error::Db(DbError::ConnectionLost { .. })) => {}
        other => panic!("expected ConnectionLost, got {other:?}"),
    }
    let now: i64 = db.raw_scalar(who, ()).await.unwrap().unwrap();
    assert_ne!(now, id, "the ended session was replaced");
}

/// Forty writers at once on one pool (on SQLite, one database file): every row lands.
async fn concurrent_writers_all_land(backend: Backend) {
    let Some(db) = backend.open_file("").await else {
        return;
    };
    db.exec("CREATE TABLE t (id INTEGER PRIMARY KEY, v INTEGER)", ())
        .await
        .unwrap();
    let tasks: Vec<_> = (0..40)
        .map(|i| {
            let db = (*db).clone();
            let insert = "INSERT INTO t (id, v) VALUES (?, ?)";
            tokio::spawn(async move { db.exec(insert, (i + 1, i)).await })
        })
        .collect();
    for t in tasks {
        t.await.unwrap().unwrap();
    }
    let rows = db
        .raw("SELECT count(*) AS n, sum(v) AS s FROM t", ())
        .await
        .unwrap();
    let row = rows.iter().next().unwrap();
    assert_eq!(
        (row.get::<i64>("n").unwrap(), row.get::<i64>("s").unwrap()),
        (40, 780)
    );
}

/// Two transactions that lock two rows in opposite orders: on the servers one is the
/// deadlock victim (a typed, retryable `Deadlock`); on SQLite, whose transactions take the
/// write lock at BEGIN, they queue instead. Run with `transaction_with_retry`, both
/// commit, and the rows hold both transfers.
async fn deadlocks_are_typed_and_retried(backend: Backend) {
    let Some(db) = backend.open_file("").await else {
        return;
    };
    db.exec(
        "CREATE TABLE acct (id INTEGER PRIMARY KEY, v INTEGER NOT NULL)",
        (),
    )
    .await
    .unwrap();
    db.exec("INSERT INTO acct (id, v) VALUES (1, 100), (2, 100)", ())
        .await
        .unwrap();

    // Plain transactions: on a server, one of the two fails as the deadlock victim.
    let results = opposite_transfers(&db, false).await;
    if backend != Backend::Sqlite {
        let victims: Vec<&Error> = results.iter().filter_map(|r| r.as_ref().err()).collect();
        assert_eq!(victims.len(), 1, "{results:?}");
        assert!(
            matches!(victims[0], Error::Db(DbError::Deadlock { .. })),
            "{victims:?}"
        );
        assert!(victims[0].is_retryable());
    }
    let committed = results.iter().filter(|r| r.is_ok()).count() as i64;

    // With retry: both commit.
    let results = opposite_transfers(&db, true).await;
    assert!(results.iter().all(Result::is_ok), "{results:?}");
    let v1: i64 = db
        .raw_scalar("SELECT v FROM acct WHERE id = 1", ())
        .await
        .unwrap()
        .unwrap();
    let v2: i64 = db
        .raw_scalar("SELECT v FROM acct WHERE id = 2", ())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(v1 + v2, 200, "no transfer was half applied");
    assert_eq!(
        v1,
        100 - committed - 2,
        "each committed transfer counted once"
    );
}

/// Runs two transfers at once, one locking row 1 then row 2, the other the reverse,
/// meeting in the middle on their first attempt.
async fn opposite_transfers(db: &Db, retry: bool) -> Vec<Result<(), Error>> {
    two_at_once(db, retry, |lane, tx, met| async move {
        let (first, second) = if lane == 0 { (1i64, 2i64) } else { (2, 1) };
        // Row 1 always loses one unit and row 2 gains it, in either order.
        let delta = if first == 1 { -1 } else { 1 };
        tx.exec("UPDATE acct SET v = v + ? WHERE id = ?", (delta, first))
            .await?;
        if let Some(met) = met {
            // Meet the other transaction while holding the first lock (on SQLite the
            // other waits at BEGIN, so do not wait for it long).
            let _ = tokio::time::timeout(Duration::from_secs(1), met.wait()).await;
        }
        tx.exec("UPDATE acct SET v = v + ? WHERE id = ?", (-delta, second))
            .await?;
        Ok(())
    })
    .await
}

/// Runs `work(lane, tx, meeting)` as two transactions at once (lanes 0 and 1), through
/// `transaction_with_retry` or plain `transaction`. `meeting` is a barrier both lanes
/// reach on their first attempt, `None` on retries.
async fn two_at_once<W, F>(db: &Db, retry: bool, work: W) -> Vec<Result<(), Error>>
where
    W: Fn(usize, Db, Option<Arc<tokio::sync::Barrier>>) -> F + Clone + Send + Sync + 'static,
    F: std::future::Future<Output = Result<(), Error>> + Send,
{
    let met = Arc::new(tokio::sync::Barrier::new(2));
    let mut tasks = Vec::new();
    for lane in 0..2 {
        let db = db.clone();
        let met = met.clone();
        let work = work.clone();
        let first_attempt = Arc::new(AtomicBool::new(true));
        tasks.push(tokio::spawn(async move {
            let attempt = move |tx: Db| {
                let first = first_attempt.swap(false, Ordering::AcqRel);
                work(lane, tx, first.then(|| met.clone()))
            };
            if retry {
                db.transaction_with_retry(RetryPolicy::default().attempts(10), attempt)
                    .await
            } else {
                db.transaction(attempt).await
            }
        }));
    }
    let mut results = Vec::new();
    for t in tasks {
        results.push(t.await.expect("the task ran"));
    }
    results
}

/// Text holding a second statement after a `;` is refused on every database, by the
/// API that runs one statement, and nothing of it runs.
async fn one_call_runs_one_statement(backend: Backend) {
    let Some(db) = backend.open("").await else {
        return;
    };
    db.exec("CREATE TABLE canary (v INTEGER)", ())
        .await
        .unwrap();
    let attacks = [
        "INSERT INTO canary (v) VALUES (1); DROP TABLE canary",
        "INSERT INTO canary (v) VALUES (1);DROP TABLE canary;",
        "DELETE FROM canary; INSERT INTO canary (v) VALUES (2)",
    ];
    for text in attacks {
        let r = db.exec(text, ()).await;
        assert!(r.is_err(), "{text}: {r:?}");
        let r = db.raw(text, ()).await;
        assert!(r.is_err(), "{text}: {r:?}");
        let tx = db.begin().await.unwrap();
        let r = tx.exec(text, ()).await;
        assert!(r.is_err(), "{text}: {r:?}");
        drop(tx);
    }
    let n: i64 = db
        .raw_scalar("SELECT COUNT(*) FROM canary", ())
        .await
        .expect("the canary table is still there")
        .unwrap();
    assert_eq!(n, 0, "nothing of the refused text ran");
    // A trailing semicolon and comments are one statement.
    db.exec("INSERT INTO canary (v) VALUES (?); -- the end", (3,))
        .await
        .unwrap();
    let s: String = db
        .raw_scalar("SELECT ';' AS s -- ; DROP TABLE canary", ())
        .await
        .unwrap_or_else(|e| panic!("a semicolon inside a string is no statement end: {e}"))
        .unwrap();
    assert_eq!(s, ";");
}

plugorm_tests::matrix!(
    #[runtime(flavor = "multi_thread", worker_threads = 2)]
    a_timed_out_statement_is_cancelled_on_the_server,
    a_statement_on_a_connection_killed_in_the_pool_runs_on_a_new_one,
    a_connection_lost_mid_transaction_is_typed,
    concurrent_writers_all_land,
    #[runtime(flavor = "multi_thread", worker_threads = 2)]
    a_session_ended_mid_statement_fails_it_as_connection_lost_and_is_replaced,
    #[runtime(flavor = "multi_thread", worker_threads = 2)]
    deadlocks_are_typed_and_retried,
    one_call_runs_one_statement,
);

/// SQLite: eight transactions that each read a counter and then write it, at once. Each
/// begins IMMEDIATE (takes the write lock at BEGIN), so they queue instead of failing
/// with `SQLITE_BUSY_SNAPSHOT` when a reader turns writer, and no increment is lost.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_transactions_that_read_then_write_queue_instead_of_failing() {
    let Some(db) = Backend::Sqlite.open_file("").await else {
        return;
    };
    db.exec("CREATE TABLE counter (n INTEGER NOT NULL)", ())
        .await
        .unwrap();
    db.exec("INSERT INTO counter (n) VALUES (0)", ())
        .await
        .unwrap();
    let failures = Arc::new(AtomicUsize::new(0));
    let mut tasks = Vec::new();
    for _ in 0..8 {
        let db = db.clone();
        let failures = failures.clone();
        tasks.push(tokio::spawn(async move {
            let r: Result<(), Error> = db
                .transaction(|tx| async move {
                    let n: i64 = tx
                        .raw_scalar("SELECT n FROM counter", ())
                        .await?
                        .unwrap_or_default();
                    tokio::time::sleep(Duration::from_millis(20)).await;
                    tx.exec("UPDATE counter SET n = ?", (n + 1,)).await?;
                    Ok(())
                })
                .await;
            if let Err(e) = r {
                eprintln!("{e}");
                failures.fetch_add(1, Ordering::Relaxed);
            }
        }));
    }
    for t in tasks {
        t.await.unwrap();
    }
    assert_eq!(failures.load(Ordering::Relaxed), 0);
    let n: i64 = db
        .raw_scalar("SELECT n FROM counter", ())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(n, 8, "no increment was lost");
}

/// SQLite: a writer that cannot get the lock within the busy timeout gets the typed,
/// retryable `Busy`, and the retry helper gets through once the lock is free.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_busy_is_typed_and_retryable() {
    let Some(db) = Backend::Sqlite.open_file("").await else {
        return;
    };
    db.exec("CREATE TABLE t (v INTEGER)", ()).await.unwrap();
    let holder = db.begin().await.unwrap();
    holder
        .exec("INSERT INTO t (v) VALUES (1)", ())
        .await
        .unwrap();
    let other = db.clone();
    let r: Result<(), Error> = other
        .transaction(|tx| async move {
            tx.exec("INSERT INTO t (v) VALUES (2)", ()).await?;
            Ok(())
        })
        .await;
    assert!(matches!(r, Err(Error::Db(DbError::Busy { .. }))), "{r:?}");
    assert!(r.unwrap_err().is_retryable());
    // Free the lock shortly; the retry helper waits it out.
    let release = tokio::spawn(async move {
        tokio::time::sleep(Duration::from_millis(200)).await;
        holder.commit().await
    });
    db.transaction_with_retry(RetryPolicy::default().attempts(5), |tx| async move {
        tx.exec("INSERT INTO t (v) VALUES (3)", ()).await?;
        Ok(())
    })
    .await
    .unwrap();
    release.await.unwrap().unwrap();
    let n: i64 = db
        .raw_scalar("SELECT COUNT(*) FROM t", ())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        n, 2,
        "the held insert and the retried one; the busy one wrote nothing"
    );
}

/// PostgreSQL: two SERIALIZABLE transactions that each read what the other writes: one
/// fails with the typed, retryable `SerializationFailure`; with the retry helper both
/// commit.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_serialization_failures_are_typed_and_retried() {
    let Some(db) = Backend::Postgres.open("").await else {
        return;
    };
    db.exec(
        "CREATE TABLE doctors (name TEXT, on_call BOOLEAN NOT NULL)",
        (),
    )
    .await
    .unwrap();
    let results = write_skew(&db, false).await;
    let failed: Vec<&Error> = results.iter().filter_map(|r| r.as_ref().err()).collect();
    assert_eq!(failed.len(), 1, "{results:?}");
    assert!(
        matches!(failed[0], Error::Db(DbError::SerializationFailure { .. })),
        "{failed:?}"
    );
    assert!(failed[0].is_retryable());
    let results = write_skew(&db, true).await;
    assert!(results.iter().all(Result::is_ok), "{results:?}");
}

/// Two serializable transactions each count the rows and insert one: a write skew the
/// server must refuse for one of them on the first attempt.
async fn write_skew(db: &Db, retry: bool) -> Vec<Result<(), Error>> {
    two_at_once(db, retry, |lane, tx, met| async move {
        tx.exec("SET TRANSACTION ISOLATION LEVEL SERIALIZABLE", ())
            .await?;
        let n: i64 = tx
            .raw_scalar("SELECT COUNT(*) FROM doctors WHERE on_call", ())
            .await?
            .unwrap_or_default();
        if let Some(met) = met {
            met.wait().await;
        }
        tx.exec(
            "INSERT INTO doctors (name, on_call) VALUES (?, ?)",
            (format!("{lane}-{n}"), true),
        )
        .await?;
        Ok(())
    })
    .await
}

/// A server port that refuses connections is reported at once, as a connect error
/// naming the address, not after the connect timeout (here a minute).
async fn a_refused_connection_is_reported_at_once(backend: Backend) {
    let Some(db) = backend.open("").await else {
        return;
    };
    let Some(url) = backend.pick(
        None,
        Some("postgres://postgres@127.0.0.1:1/test?connect_timeout=60"),
        Some("mysql://root@127.0.0.1:1/test?connect_timeout=60"),
    ) else {
        return;
    };
    let registry = db.registry();
    let open = registry.open(url);
    let r = tokio::time::timeout(Duration::from_secs(10), open)
        .await
        .expect("the refusal came before the connect timeout");
    match r {
        Err(Error::Db(DbError::Connect { message })) => {
            assert!(message.contains("127.0.0.1:1"), "{message}")
        }
        Err(other) => panic!("expected a connect error, got {other}"),
        Ok(_) => panic!("connected to a closed port"),
    }
}

plugorm_tests::matrix!(a_refused_connection_is_reported_at_once);

/// The sessions of the pool under test, for the killer below: on PostgreSQL (where the
/// tests share a database, each in its own schema) by the pool's `application_name`, on
/// MariaDB by the test's own database.
fn sessions_sql(backend: Backend) -> &'static str {
    backend.pick(
        "",
        "SELECT pid::bigint AS id FROM pg_stat_activity WHERE application_name = ?",
        "SELECT ID AS id FROM information_schema.PROCESSLIST WHERE DB = ? AND ID <> CONNECTION_ID()",
    )
}

/// Sixteen tasks commit two-row transactions while another connection kills the pool's
/// sessions at random, mid-transaction or idle, for two seconds. Afterwards every
/// acknowledged commit has both rows, no transaction is half applied, and the pool
/// serves.
async fn commits_survive_a_storm_of_killed_sessions(backend: Backend) {
    let Some((_, kill)) = backend.session_sql() else {
        return;
    };
    let Some(admin) = backend.open("").await else {
        return;
    };
    let name = format!("plugorm_storm_{}", std::process::id());
    let (url, victims) = match backend {
        Backend::Postgres => (admin.url_with(&format!("application_name={name}")), name),
        _ => {
            let database: String = admin
                .raw_scalar("SELECT DATABASE()", ())
                .await
                .unwrap()
                .unwrap();
            (admin.url().to_string(), database)
        }
    };
    let registry = admin.registry();
    let db = registry.open(&url).await.unwrap();
    db.exec("CREATE TABLE pairs (tag BIGINT NOT NULL)", ())
        .await
        .unwrap();
    let killer_db = (*admin).clone();
    let until = std::time::Instant::now() + Duration::from_secs(2);
    let killer = tokio::spawn(async move {
        let mut kills = 0u64;
        while std::time::Instant::now() < until {
            let ids: Vec<i64> = killer_db
                .raw(sessions_sql(backend), (victims.as_str(),))
                .await
                .map(|rows| rows.iter().filter_map(|r| r.get("id").ok()).collect())
                .unwrap_or_default();
            if let Some(id) = ids.get(kills as usize % ids.len().max(1)) {
                if killer_db.exec(kill, (*id,)).await.is_ok() {
                    kills += 1;
                }
            }
            tokio::time::sleep(Duration::from_millis(15)).await;
        }
        kills
    });
    let acked = Arc::new(std::sync::Mutex::new(Vec::new()));
    let failed = Arc::new(AtomicUsize::new(0));
    let mut tasks = Vec::new();
    for lane in 0..16i64 {
        let db = db.clone();
        let acked = acked.clone();
        let failed = failed.clone();
        tasks.push(tokio::spawn(async move {
            let mut n = 0i64;
            while std::time::Instant::now() < until {
                let tag = lane * 1_000_000 + n;
                n += 1;
                let r: Result<(), Error> = db
                    .transaction(|tx| async move {
                        tx.exec("INSERT INTO pairs (tag) VALUES (?)", (tag,))
                            .await?;
                        tx.exec("INSERT INTO pairs (tag) VALUES (?)", (tag,))
                            .await?;
                        Ok(())
                    })
                    .await;
                match r {
                    Ok(()) => acked.lock().unwrap().push(tag),
                    Err(_) => {
                        failed.fetch_add(1, Ordering::Relaxed);
                    }
                }
            }
        }));
    }
    for t in tasks {
        t.await.unwrap();
    }
    let kills = killer.await.unwrap();
    let rows = db
        .raw("SELECT tag, COUNT(*) AS n FROM pairs GROUP BY tag", ())
        .await
        .expect("the pool serves after the storm");
    let mut present = std::collections::HashMap::new();
    for row in rows.iter() {
        let (tag, n): (i64, i64) = (row.get("tag").unwrap(), row.get("n").unwrap());
        assert_eq!(n, 2, "transaction {tag} was half applied");
        present.insert(tag, n);
    }
    let acked = acked.lock().unwrap().clone();
    for tag in &acked {
        assert!(
            present.contains_key(tag),
            "acknowledged commit {tag} is missing"
        );
    }
    assert!(kills > 0, "no session was killed: the storm tested nothing");
    eprintln!(
        "{}: {kills} sessions killed, {} commits acknowledged and present, {} transactions failed",
        backend.name(),
        acked.len(),
        failed.load(Ordering::Relaxed)
    );
}

/// A pool whose connections are all held answers a further statement with a typed
/// timeout naming the setting to raise, after `connect_timeout`, and serves again once
/// a connection is back.
async fn an_exhausted_pool_times_out_with_a_typed_error_and_recovers(backend: Backend) {
    let pool = "[plugin.pool]\nmax_connections = 2\nconnect_timeout = \"300ms\"\n";
    let Some(db) = backend.open_file(pool).await else {
        return;
    };
    let first = db.pool().acquire().await.unwrap();
    let second = db.pool().acquire().await.unwrap();
    let r = db.raw_scalar::<i64>("SELECT 1", ()).await;
    match r {
        Err(Error::Db(DbError::Timeout(message))) => {
            assert!(message.contains("max_connections"), "{message}")
        }
        other => panic!("expected a pool timeout, got {other:?}"),
    }
    drop(first);
    let one: i64 = db.raw_scalar("SELECT 1", ()).await.unwrap().unwrap();
    assert_eq!(one, 1);
    drop(second);
}

plugorm_tests::matrix!(
    #[runtime(flavor = "multi_thread", worker_threads = 4)]
    commits_survive_a_storm_of_killed_sessions,
    an_exhausted_pool_times_out_with_a_typed_error_and_recovers,
);
