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

/// A statement that keeps the server busy for a while: a cross join of `rows` rows
/// with themselves, counted.
const SLOW: &str = "SELECT count(*) AS n FROM kit_entries a, kit_entries b";

pub(crate) async fn cancelled_statements_leave_the_pool_healthy(ctx: Ctx) -> Outcome {
    let db = ctx.db;
    db.auto_migrate::<KitEntry>()
        .await
        .step("auto_migrate kit_entries")?;
    let mut seed: Vec<KitEntry> = (0..1000)
        .map(|i| KitEntry {
            v: format!("seed{i}"),
            ..Default::default()
        })
        .collect();
    db.create_in_batches(&mut seed, 250)
        .await
        .step("seed 1,000 rows")?;
    let (mut cancelled, mut finished) = (0, 0);
    for i in 0..60u64 {
        let db = db.clone();
        // Timeouts from 0 to ~6 ms: most statements are dropped mid-flight, the slow
        // ones while the server is still working on them.
        let limit = Duration::from_micros((i % 12) * 500);
        let work = async move {
            if i % 3 == 0 {
                insert(&db, &format!("row{i}")).await
            } else {
                db.raw(SLOW, ()).await.map(drop)
            }
        };
        match tokio::time::timeout(limit, work).await {
            Err(_) => cancelled += 1,
            Ok(r) => {
                r.step("an uncancelled statement")?;
                finished += 1;
            }
        }
    }
    ensure!(cancelled > 0, "no statement was dropped mid-flight");
    let n = count(&db).await?;
    ensure!(
        (1000..=1020).contains(&n),
        "{n} rows: 1,000 seeded and at most 20 inserted"
    );
    let joined: Option<i64> = db.raw_scalar(SLOW, ()).await.step("the slow statement")?;
    ensure_eq!(
        joined,
        Some(n * n),
        "the slow statement's result after the cancellations"
    );
    // A connection dropped mid-statement goes back to the pool once the driver has cleaned
    // it up in the background (read the rest of the result, cancel, or reconnect).
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
