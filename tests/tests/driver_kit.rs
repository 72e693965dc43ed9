//! What the driver kit guarantees on every database, through the host and the plugins as
//! loaded: transactions cancelled at any point leave no connection inside a transaction
//! and no half-applied change, and SQL text with a NUL byte is refused, never sent.

use std::time::Duration;

use plugorm::{plugin_api::DbError, Error, Sql};
use plugorm_tests::matrix::Backend;

/// Three hundred transactions, each cancelled (a timeout around `db.transaction`) at a
/// different point: waiting for a connection, during BEGIN, between or inside the two
/// INSERTs, or during COMMIT. Afterwards every committed transaction wrote both of its
/// rows and every cancelled one none, and every connection of the pool starts a
/// transaction cleanly.
async fn cancelled_transactions_leave_every_connection_clean(backend: Backend) {
    let Some(db) = backend.open_file("").await else {
        return;
    };
    db.exec("CREATE TABLE ledger (v INTEGER NOT NULL)", ())
        .await
        .unwrap();
    let mut tasks = Vec::new();
    for i in 0..300i64 {
        let db = db.clone();
        tasks.push(tokio::spawn(async move {
            let work = db.transaction(|tx| async move {
                tx.exec("INSERT INTO ledger (v) VALUES (?)", (i,)).await?;
                tx.exec("INSERT INTO ledger (v) VALUES (?)", (i,)).await?;
                Ok(())
            });
            let limit = Duration::from_micros(150 * (i as u64 % 23));
            matches!(tokio::time::timeout(limit, work).await, Ok(Ok(())))
        }));
    }
    let mut committed = 0;
    for t in tasks {
        if t.await.unwrap() {
            committed += 1;
        }
    }
    // The storm really cut transactions short (a zero timeout always does) and let some
    // through.
    assert!(committed < 300, "no transaction was cancelled");
    // Atomicity: every value appears twice (committed) or not at all (cancelled).
    let rows = db
        .raw("SELECT v, COUNT(*) AS n FROM ledger GROUP BY v", ())
        .await
        .unwrap();
    for row in rows.iter() {
        let (v, n): (i64, i64) = (row.get("v").unwrap(), row.get("n").unwrap());
        assert_eq!(n, 2, "transaction {v} was half applied");
    }
    assert!(rows.len() >= committed, "{} < {committed}", rows.len());
    // Every pooled connection is outside any transaction: hold every connection of the
    // pool at once and start a transaction on each (a deferred one on SQLite, whose
    // plugorm transactions take the write lock at BEGIN, one at a time).
    let max = db.pool().stats().max_connections.min(10) as usize;
    let begin = backend.pick("BEGIN DEFERRED", "BEGIN", "BEGIN");
    let mut held = Vec::new();
    for _ in 0..max {
        let conn = tokio::time::timeout(Duration::from_secs(10), db.pool().acquire())
            .await
            .expect("a connection came free")
            .expect("a connection");
        conn.execute(Sql::new(begin, []))
            .await
            .expect("BEGIN on a clean connection");
        let count = conn
            .query(Sql::new("SELECT COUNT(*) AS n FROM ledger", []))
            .await
            .unwrap();
        let n: i64 = count.iter().next().unwrap().get("n").unwrap();
        assert_eq!(n as usize, rows.len() * 2);
        held.push(conn);
    }
    for conn in held {
        conn.execute(Sql::new("ROLLBACK", [])).await.unwrap();
    }
    db.exec("INSERT INTO ledger (v) VALUES (?)", (-1,))
        .await
        .unwrap();
}

/// A NUL byte would end the statement early in a C client library (SQLite used to spin
/// on it): it is refused with a typed error naming where it is, the pool stays usable,
/// and closing it returns.
async fn nul_bytes_in_sql_text_are_refused(backend: Backend) {
    let Some(db) = backend.open("").await else {
        return;
    };
    let wait = Duration::from_secs(5);
    for text in ["SELECT 1\0", "SELECT\0 1", "SELECT 1 AS \"a\0b\""] {
        let r = tokio::time::timeout(wait, db.raw(text, ()))
            .await
            .expect("refused at once");
        assert!(
            matches!(r, Err(Error::Db(DbError::InvalidSql(ref m))) if m.contains("NUL")),
            "{text:?}: {r:?}"
        );
    }
    let r = tokio::time::timeout(wait, db.exec("CREATE TABLE t\0x (v INTEGER)", ()))
        .await
        .expect("refused at once");
    assert!(matches!(r, Err(Error::Db(DbError::InvalidSql(_)))), "{r:?}");
    let tx = db.begin().await.unwrap();
    let r = tx.raw("SELECT 1\0", ()).await;
    assert!(matches!(r, Err(Error::Db(DbError::InvalidSql(_)))), "{r:?}");
    let n: i64 = tx.raw_scalar("SELECT 1", ()).await.unwrap().unwrap();
    assert_eq!(n, 1, "the transaction is still usable");
    tx.commit().await.unwrap();
    tokio::time::timeout(wait, db.close())
        .await
        .expect("close returned")
        .unwrap();
}

plugorm_tests::matrix!(
    #[runtime(flavor = "multi_thread", worker_threads = 2)]
    cancelled_transactions_leave_every_connection_clean,
    nul_bytes_in_sql_text_are_refused,
);

/// A server that ends an idle session (a restart, `wait_timeout`, an administrator)
/// costs the application nothing: a connection idle for over a second is checked before
/// it serves, and replaced when dead.
async fn a_session_the_server_ended_while_idle_is_replaced_unseen(backend: Backend) {
    let Some((who, kill)) = backend.session_sql() else {
        return; // no server to end a session on
    };
    let Some(db) = backend.open("[plugin.pool]\nmax_connections = 1\n").await else {
        return;
    };
    let Some(admin) = backend.open("").await else {
        return;
    };
    let id: i64 = db.raw_scalar(who, ()).await.unwrap().unwrap();
    admin.exec(kill, (id,)).await.unwrap();
    tokio::time::sleep(Duration::from_millis(1_300)).await;
    let again: i64 = db
        .raw_scalar(who, ())
        .await
        .expect("the dead session was replaced before the statement")
        .unwrap();
    assert_ne!(again, id, "a new session serves");
}

plugorm_tests::matrix!(a_session_the_server_ended_while_idle_is_replaced_unseen);

/// When a transaction's closure fails because its connection was killed, the rollback
/// fails too; the caller gets the closure's error, the first one, not the rollback's.
async fn a_failed_transaction_reports_its_own_error_when_the_rollback_fails(backend: Backend) {
    let Some((who, kill)) = backend.session_sql() else {
        return; // no server to end a session on
    };
    let Some(db) = backend.open("").await else {
        return;
    };
    let Some(admin) = backend.open("").await else {
        return;
    };
    let seen = std::sync::Arc::new(std::sync::Mutex::new(String::new()));
    let inner = seen.clone();
    let admin = &admin;
    let r: Result<(), Error> = db
        .transaction(|tx| async move {
            let id: i64 = tx.raw_scalar(who, ()).await?.unwrap_or_default();
            admin.exec(kill, (id,)).await?;
            let e = tx
                .raw("SELECT 1", ())
                .await
                .expect_err("the session is gone");
            *inner.lock().unwrap() = e.to_string();
            Err(e)
        })
        .await;
    let e = r.expect_err("the transaction failed");
    let first = seen.lock().unwrap().clone();
    assert!(!first.is_empty());
    assert_eq!(
        e.to_string(),
        first,
        "the closure's error is the one reported"
    );
}

plugorm_tests::matrix!(a_failed_transaction_reports_its_own_error_when_the_rollback_fails);
