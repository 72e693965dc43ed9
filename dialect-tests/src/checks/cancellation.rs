//! Cancellation (the scenarios of the host's `boundary` tests): futures dropped
//! mid-flight — inside a transaction, mid-commit, mid-statement — leave no rows, no
//! half-done transaction and no lost connection behind.

use std::time::Duration;

use plugorm::{Db, Model, PoolOptions};

use super::{ensure, ensure_eq, Ctx, Failure, Outcome, Step};

/// A key and a text.
#[derive(Model, Debug, Default, Clone)]
#[orm(table = "kit_entries")]
struct KitEntry {
    id: i64,
    #[orm(size = 32)]
    v: String,
}

async fn count(db: &Db) -> Result<i64, Failure> {
    match tokio::time::timeout(Duration::from_secs(10), db.model::<KitEntry>().count()).await {
        Ok(n) => n.step("count kit_entries"),
        Err(_) => Err(Failure(
            "counting rows did not finish in 10 s: a cancelled operation kept its connection"
                .into(),
        )),
    }
}

async fn insert(db: &Db, v: &str) -> plugorm::Result<()> {
    db.exec("INSERT INTO kit_entries (v) VALUES (?)", (v.to_string(),))
        .await
        .map(|_| ())
}

pub(crate) async fn dropped_transaction_rolls_back(ctx: Ctx) -> Outcome {
    // One connection: the next statement can only run once the rollback released it.
    let options = PoolOptions {
        max_connections: 1,
        ..PoolOptions::default()
    };
    let db = ctx
        .registry
        .open_with(&ctx.url, options)
        .await
        .step("open a one-connection pool")?;
    db.auto_migrate::<KitEntry>()
        .await
        .step("auto_migrate kit_entries")?;
    {
        let tx = db.begin().await.step("begin")?;
        insert(&tx, "lost").await.step("insert in tx")?;
    }
    ensure_eq!(count(&db).await?, 0, "a dropped Tx rolls back");
    // A task holding a transaction, aborted while it waits mid-transaction.
    let (started, wait) = tokio::sync::oneshot::channel();
    let db2 = db.clone();
    let task = tokio::spawn(async move {
        let tx = db2.begin().await?;
        insert(&tx, "aborted").await?;
        let _ = started.send(());
        tokio::time::sleep(Duration::from_secs(3600)).await;
        tx.commit().await
    });
    let reached = wait.await.is_ok();
    task.abort();
    let _ = task.await;
    ensure!(
        reached,
        "the task failed before its transaction was under way"
    );
    ensure_eq!(
        count(&db).await?,
        0,
        "a future dropped mid-transaction leaves nothing behind"
    );
    insert(&db, "after")
        .await
        .step("insert after the cancellations")?;
    ensure_eq!(
        count(&db).await?,
        1,
        "the pool works after the cancellations"
    );
    let _ = db.close().await;
    Ok(())
}

pub(crate) async fn transactions_cancelled_midway_are_atomic(ctx: Ctx) -> Outcome {
    let db = ctx.db;
    db.auto_migrate::<KitEntry>()
        .await
        .step("auto_migrate kit_entries")?;
    let mut cancelled = 0;
    for i in 0..30u64 {
        let db2 = db.clone();
        let work = async move {
            let tx = db2.begin().await?;
            insert(&tx, "a").await?;
            insert(&tx, "b").await?;
            tx.commit().await
        };
        match tokio::time::timeout(Duration::from_micros(i * 150), work).await {
            Err(_) => cancelled += 1,
            Ok(r) => r.step("an uncancelled transaction")?,
        }
    }
    tokio::time::sleep(Duration::from_millis(100)).await;
    let n = count(&db).await?;
    // How many were cut off depends on the database's speed: the check is that none
    // left half its rows (dropped_transaction_rolls_back cancels deterministically).
    ensure!(
        n % 2 == 0,
        "transactions are all-or-nothing: {n} rows after {cancelled} of 30 were cancelled"
    );
    Ok(())
}

pub(crate) async fn cancelled_statements_leave_the_pool_healthy(ctx: Ctx) -> Outcome {
    let db = ctx.db;
    db.auto_migrate::<KitEntry>()
        .await
        .step("auto_migrate kit_entries")?;
    let mut finished = 0;
    for i in 0..60u64 {
        let db = db.clone();
        // Timeouts from 0 to ~6 ms: many statements are dropped mid-flight.
        let limit = Duration::from_micros((i % 12) * 500);
        let work = async move {
            if i % 2 == 0 {
                insert(&db, &format!("row{i}")).await
            } else {
                db.model::<KitEntry>().find().await.map(|_| ())
            }
        };
        if let Ok(r) = tokio::time::timeout(limit, work).await {
            r.step("an uncancelled statement")?;
            finished += 1;
        }
    }
    let n = count(&db).await?;
    ensure!((0..=30).contains(&n), "{n} rows from 30 inserts");
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    let stats = loop {
        let stats = db.pool_stats();
        if stats.idle == stats.connections || tokio::time::Instant::now() > deadline {
            break stats;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    };
    ensure!(
        stats.idle == stats.connections,
        "a connection leaked: {stats:?} ({finished} statements finished)"
    );
    Ok(())
}
