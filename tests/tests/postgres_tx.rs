//! Transactions, savepoints and row locks on a real PostgreSQL server; cancelled
//! statements, streaming, and pool settings.
//!
//! Each test runs in a fresh schema (`plugorm_tests::postgres`); without a server the
//! tests print why and pass, unless `CI=true`.

use std::time::Duration;

use plugorm::{Db, DbError, Error, PoolOptions};
use plugorm_tests::{postgres, product::Product};

fn db_err(e: Error) -> DbError {
    match e {
        Error::Db(d) => d,
        other => panic!("expected a database error, got {other:?}"),
    }
}

/// A session on the same schema as `fresh`, with its own pool options.
async fn reopen(fresh: &postgres::PgDatabase, extra: &str, options: PoolOptions) -> Db {
    match postgres::registry_with(extra)
        .open_with(&fresh.url, options)
        .await
    {
        Ok(db) => db,
        Err(e) => panic!("cannot reopen {}: {e}", fresh.schema),
    }
}

fn one_connection() -> PoolOptions {
    PoolOptions {
        max_connections: 1,
        ..PoolOptions::default()
    }
}

const SOFT_DELETE: &str = "[[plugin]]\nname = \"soft-delete\"\n";

async fn seeded() -> Option<Db> {
    let db = postgres::products_db().await?;
    let mut items: Vec<Product> = (1..=4)
        .map(|i| Product {
            code: format!("p{i}"),
            price: i * 10,
            ..Default::default()
        })
        .collect();
    db.skip_hooks().create_many(&mut items).await.unwrap();
    Some(db)
}

async fn codes(db: &Db) -> Vec<String> {
    db.model::<Product>()
        .order("id")
        .pluck("code")
        .await
        .unwrap()
}

fn product(code: &str) -> Product {
    Product {
        code: code.into(),
        ..Default::default()
    }
}

#[tokio::test]
async fn transactions_commit_roll_back_and_nest_as_savepoints() {
    let Some(db) = postgres::products_db().await else {
        return;
    };
    db.transaction(|tx| async move {
        tx.skip_hooks().create(&mut product("a")).await?;
        Ok(())
    })
    .await
    .unwrap();
    let e = db
        .transaction(|tx| async move {
            tx.skip_hooks().create(&mut product("b")).await?;
            Err::<(), _>(Error::msg("changed my mind"))
        })
        .await
        .unwrap_err();
    assert_eq!(e.to_string(), "changed my mind");
    assert_eq!(codes(&db).await, ["a"]);

    // A failing inner transaction rolls back to its savepoint; the outer one commits.
    db.transaction(|tx| async move {
        tx.skip_hooks().create(&mut product("outer")).await?;
        let inner = tx
            .transaction(|t2| async move {
                t2.skip_hooks().create(&mut product("inner")).await?;
                Err::<(), _>(Error::msg("inner fails"))
            })
            .await;
        assert!(inner.is_err());
        tx.skip_hooks().create(&mut product("kept")).await?;
        Ok(())
    })
    .await
    .unwrap();
    assert_eq!(codes(&db).await, ["a", "outer", "kept"]);

    // Explicit savepoints, with names that need quoting.
    let tx = db.begin().await.unwrap();
    tx.skip_hooks().create(&mut product("one")).await.unwrap();
    tx.savepoint("before two").await.unwrap();
    tx.skip_hooks().create(&mut product("two")).await.unwrap();
    tx.rollback_to("before two").await.unwrap();
    tx.savepoint("sp\"3").await.unwrap();
    tx.release("sp\"3").await.unwrap();
    tx.commit().await.unwrap();
    assert_eq!(codes(&db).await, ["a", "outer", "kept", "one"]);
    // A statement that fails inside a transaction aborts it until a savepoint is
    // rolled back to.
    let tx = db.begin().await.unwrap();
    tx.savepoint("sp").await.unwrap();
    let dup = tx.skip_hooks().create(&mut product("a")).await.unwrap_err();
    assert!(matches!(db_err(dup), DbError::UniqueViolation { .. }));
    match db_err(tx.model::<Product>().count().await.unwrap_err()) {
        DbError::Database { code, .. } => assert_eq!(code.as_deref(), Some("25P02")),
        other => panic!("expected 'transaction aborted', got {other:?}"),
    }
    tx.rollback_to("sp").await.unwrap();
    tx.skip_hooks().create(&mut product("after")).await.unwrap();
    tx.commit().await.unwrap();
    assert!(codes(&db).await.contains(&"after".to_string()));
}

#[tokio::test]
async fn a_dropped_transaction_rolls_back_before_its_connection_is_reused() {
    let Some(fresh) = postgres::fresh_with(SOFT_DELETE).await else {
        return;
    };
    fresh.db.exec(postgres::PRODUCTS_DDL, ()).await.unwrap();
    let db = reopen(&fresh, SOFT_DELETE, one_connection()).await;
    {
        let tx = db.begin().await.unwrap();
        tx.skip_hooks().create(&mut product("gone")).await.unwrap();
        // dropped without commit
    }
    // The only connection comes back only after the rollback ran on it: it has no
    // transaction id (the dropped transaction had one, from its INSERT) and, were it
    // still inside that transaction, it would see the row.
    let fresh_xact: bool = db
        .raw_scalar("SELECT pg_current_xact_id_if_assigned() IS NULL", ())
        .await
        .unwrap()
        .unwrap();
    assert!(
        fresh_xact,
        "the connection is not inside the dropped transaction"
    );
    assert!(codes(&db).await.is_empty());
    let tx = db.begin().await.unwrap();
    tx.commit().await.unwrap();
    assert!(matches!(
        tx_finished(&db).await,
        DbError::TransactionFinished
    ));
}

async fn tx_finished(db: &Db) -> DbError {
    let tx = db.begin().await.unwrap();
    let raw = tx.db().clone();
    tx.commit().await.unwrap();
    db_err(raw.exec("SELECT 1", ()).await.unwrap_err())
}

#[tokio::test]
async fn row_locks_really_lock() {
    let Some(db) = seeded().await else {
        return;
    };
    let holder = db.begin().await.unwrap();
    let locked = holder
        .model::<Product>()
        .id(1)
        .for_update()
        .first()
        .await
        .unwrap();
    assert_eq!(locked.code, "p1");

    let other = db.begin().await.unwrap();
    // NOWAIT on the locked row fails at once with a typed error.
    match db_err(
        other
            .model::<Product>()
            .id(1)
            .for_update()
            .nowait()
            .first()
            .await
            .unwrap_err(),
    ) {
        DbError::LockNotAvailable { message } => {
            assert!(message.contains("lock"), "{message}")
        }
        other => panic!("expected LockNotAvailable, got {other:?}"),
    }
    other.rollback().await.unwrap();

    // SKIP LOCKED passes over it; FOR SHARE of another row is granted.
    let other = db.begin().await.unwrap();
    let free = other
        .model::<Product>()
        .order("id")
        .for_update()
        .skip_locked()
        .find()
        .await
        .unwrap();
    assert_eq!(
        free.iter().map(|p| p.id).collect::<Vec<_>>(),
        [2, 3, 4],
        "the locked row is skipped"
    );
    other.rollback().await.unwrap();

    // A shared lock blocks FOR UPDATE NOWAIT but not another share.
    holder.rollback().await.unwrap();
    let sharer = db.begin().await.unwrap();
    sharer
        .model::<Product>()
        .id(2)
        .for_share()
        .first()
        .await
        .unwrap();
    let other = db.begin().await.unwrap();
    other
        .model::<Product>()
        .id(2)
        .for_share()
        .nowait()
        .first()
        .await
        .unwrap();
    other.rollback().await.unwrap();
    let other = db.begin().await.unwrap();
    assert!(matches!(
        db_err(
            other
                .model::<Product>()
                .id(2)
                .for_update()
                .nowait()
                .first()
                .await
                .unwrap_err()
        ),
        DbError::LockNotAvailable { .. }
    ));
    other.rollback().await.unwrap();
    sharer.commit().await.unwrap();
    // Released: the row can be locked now.
    let other = db.begin().await.unwrap();
    other
        .model::<Product>()
        .id(1)
        .for_update()
        .nowait()
        .first()
        .await
        .unwrap();
    other.commit().await.unwrap();
}

#[tokio::test]
async fn cancelled_statements_leave_the_pool_healthy() {
    let Some(fresh) = postgres::fresh_with("").await else {
        return;
    };
    let db = reopen(&fresh, "", one_connection()).await;
    // The host's timeout drops the statement's future mid-flight.
    let e = db
        .with_timeout(Duration::from_millis(50))
        .raw("SELECT pg_sleep(1)", ())
        .await
        .unwrap_err();
    assert!(matches!(db_err(e), DbError::Timeout(_)));
    // Dropping a future by hand, and a stream mid-way.
    {
        let slow = db.raw("SELECT pg_sleep(1)", ());
        let _ = tokio::time::timeout(Duration::from_millis(20), slow).await;
    }
    let stream = db
        .raw_stream("SELECT g FROM generate_series(1, 100000) AS g", ())
        .await
        .unwrap();
    let first = stream.next_batch().await.unwrap();
    assert!(first.is_some());
    drop(stream);
    // The single connection is usable again, with no leftover result.
    let n: i64 = db.raw_scalar("SELECT 41 + 1", ()).await.unwrap().unwrap();
    assert_eq!(n, 42);
    assert_eq!(db.pool_stats().max_connections, 1);
    // The server's own statement timeout is a typed timeout too.
    let timed = postgres::registry_with("")
        .open(&format!("{}&statement_timeout=100", fresh.url))
        .await
        .unwrap();
    assert!(matches!(
        db_err(timed.raw("SELECT pg_sleep(2)", ()).await.unwrap_err()),
        DbError::Timeout(_)
    ));
    let n: i64 = timed.raw_scalar("SELECT 1", ()).await.unwrap().unwrap();
    assert_eq!(n, 1);
}

#[tokio::test]
async fn streams_deliver_batches_with_names_and_errors() {
    let Some(db) = postgres::database().await else {
        return;
    };
    const ROWS: i64 = 50_000;
    let stream = db
        .raw_stream(
            "SELECT g AS x, repeat('x', 100) AS pad FROM generate_series(1, ?) AS g",
            (ROWS,),
        )
        .await
        .unwrap();
    assert_eq!(stream.names(), ["x", "pad"]);
    let (mut seen, mut sum, mut batches) = (0i64, 0i64, 0);
    while let Some(batch) = stream.next_batch().await.unwrap() {
        batches += 1;
        let rows = plugorm::Rows {
            names: vec!["x".into(), "pad".into()].into(),
            batches: vec![batch].into(),
        };
        for row in rows.iter() {
            sum += row.get::<i64>("x").unwrap();
            assert_eq!(row.get::<String>("pad").unwrap().len(), 100);
            seen += 1;
        }
    }
    assert_eq!(seen, ROWS);
    assert_eq!(sum, ROWS * (ROWS + 1) / 2);
    assert!(batches > 1, "{batches} batch(es)");
    // An empty result still names its columns.
    let empty = db
        .raw_stream("SELECT 1 AS one WHERE false", ())
        .await
        .unwrap();
    assert_eq!(empty.names(), ["one"]);
    assert!(empty.next_batch().await.unwrap().is_none());
    // An error after some rows reaches the consumer.
    let failing = db
        .raw_stream(
            "SELECT 1 / (50000 - g) AS x FROM generate_series(1, 60000) AS g",
            (),
        )
        .await;
    let outcome = match failing {
        Err(e) => Err(e),
        Ok(s) => loop {
            match s.next_batch().await {
                Ok(Some(_)) => continue,
                Ok(None) => break Ok(()),
                Err(e) => break Err(Error::Db(e)),
            }
        },
    };
    match outcome.map_err(db_err) {
        Err(DbError::Database { code, .. }) => assert_eq!(code.as_deref(), Some("22012")),
        other => panic!("expected division by zero, got {other:?}"),
    }
    // The connection streamed on is reusable.
    db.exec("CREATE TABLE nums (id serial PRIMARY KEY, v integer)", ())
        .await
        .unwrap();
    db.exec(
        "INSERT INTO nums (v) SELECT g FROM generate_series(1, 3000) AS g",
        (),
    )
    .await
    .unwrap();
    let total: i64 = db
        .raw_scalar("SELECT sum(v) FROM nums", ())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(total, 3000 * 3001 / 2);
}

#[tokio::test]
async fn pool_options_bound_connections_and_waiting() {
    let Some(fresh) = postgres::fresh_with("").await else {
        return;
    };
    let db = reopen(
        &fresh,
        "",
        PoolOptions {
            max_connections: 2,
            min_connections: 1,
            connect_timeout_ms: 300,
            idle_timeout_ms: Some(60_000).into(),
            max_lifetime_ms: Some(120_000).into(),
        },
    )
    .await;
    assert_eq!(db.pool_stats().max_connections, 2);
    // Both connections busy: a third statement waits for the connect timeout, then
    // fails with a typed timeout.
    let a = db.begin().await.unwrap();
    let b = db.begin().await.unwrap();
    assert!(db.pool_stats().connections <= 2);
    match db_err(db.raw("SELECT 1", ()).await.unwrap_err()) {
        // The message names the wait, which is the connect timeout.
        DbError::Timeout(m) => assert!(m.contains("300ms"), "{m}"),
        other => panic!("expected a pool timeout, got {other:?}"),
    }
    a.rollback().await.unwrap();
    let n: i64 = db.raw_scalar("SELECT 2", ()).await.unwrap().unwrap();
    assert_eq!(n, 2);
    b.rollback().await.unwrap();
    db.ping().await.unwrap();
    db.close().await.unwrap();
    assert!(matches!(
        db_err(db.raw("SELECT 1", ()).await.unwrap_err()),
        DbError::Pool(_)
    ));
}

#[tokio::test]
async fn a_held_connection_keeps_its_session_and_runs_transactions() {
    use plugorm::{Sql, Value};
    let Some(db) = postgres::database().await else {
        return;
    };
    let conn = db.pool().acquire().await.unwrap();
    conn.execute(Sql::new("SET application_name = 'held'", []))
        .await
        .unwrap();
    let rows = conn
        .query(Sql::new(
            "SELECT current_setting('application_name') AS a, $1::int + 1 AS n",
            [Value::I64(41)],
        ))
        .await
        .unwrap();
    let row = rows.iter().next().unwrap();
    assert_eq!(row.get::<String>("a").unwrap(), "held");
    assert_eq!(row.get::<i64>("n").unwrap(), 42);
    conn.ping().await.unwrap();
    conn.execute(Sql::new("CREATE TABLE held (v text)", []))
        .await
        .unwrap();
    let tx = conn.begin().await.unwrap();
    tx.execute(Sql::new(
        "INSERT INTO held VALUES ($1)",
        [Value::from("in tx")],
    ))
    .await
    .unwrap();
    tx.rollback().await.unwrap();
    assert!(matches!(
        tx.commit().await,
        Err(DbError::TransactionFinished)
    ));
    let n = conn
        .query(Sql::new("SELECT count(*) AS n FROM held", []))
        .await
        .unwrap();
    assert_eq!(n.iter().next().unwrap().get::<i64>("n").unwrap(), 0);
    let stream = conn
        .query_stream(Sql::new("SELECT generate_series(1, 3) AS g", []), 2)
        .await
        .unwrap();
    let mut seen = 0;
    while let Some(b) = stream.next_batch().await.unwrap() {
        seen += b.len;
    }
    assert_eq!(seen, 3);
}

#[tokio::test]
async fn a_connection_the_server_ended_is_replaced() {
    let Some(fresh) = postgres::fresh_with("").await else {
        return;
    };
    // One connection: if the pool kept the dead one, every later statement would fail.
    let db = reopen(&fresh, "", one_connection()).await;
    let pid: i64 = db
        .raw_scalar("SELECT pg_backend_pid()::bigint", ())
        .await
        .unwrap()
        .unwrap();
    let ended: bool = fresh
        .db
        .raw_scalar("SELECT pg_terminate_backend(?::int)", (pid,))
        .await
        .unwrap()
        .unwrap();
    assert!(ended);
    // The statement finds the session gone at once, before it ran: the kit drops that
    // connection and runs the statement on a new one.
    let now: i64 = db
        .raw_scalar("SELECT pg_backend_pid()::bigint", ())
        .await
        .unwrap()
        .unwrap();
    assert_ne!(now, pid);
}
