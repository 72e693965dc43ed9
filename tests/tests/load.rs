//! Load with an invariant: 64 tasks run mixed CRUD and money transfers against one
//! ledger for a bounded time on every database, transfers through
//! `transaction_with_retry` (deadlock victims, serialization failures and a busy SQLite
//! file are retried). Afterwards no money was created or lost, no balance is negative,
//! and every account created and not deleted is there.
//!
//! `PLUGORM_LOAD_SECONDS` sets the duration (default 3 s per database).

use std::{
    sync::{
        atomic::{AtomicU64, Ordering},
        Arc,
    },
    time::{Duration, Instant},
};

use plugorm::{Db, Error, Model, RetryPolicy};
use plugorm_tests::matrix::Backend;

/// One account of the ledger (`accounts`).
#[derive(Model, Debug, Default, Clone)]
struct Account {
    id: i64,
    owner: String,
    balance: i64,
}

/// The accounts money moves between; more are created (and some deleted) as it runs.
const SEEDED: i64 = 20;
const OPENING_BALANCE: i64 = 1_000;
const TASKS: u64 = 64;

/// What the tasks did, for the report.
#[derive(Default)]
struct Tally {
    transfers: AtomicU64,
    refused_transfers: AtomicU64,
    creates: AtomicU64,
    deletes: AtomicU64,
    reads: AtomicU64,
}

/// A small deterministic generator per task (xorshift), so a failure can be replayed.
struct Dice(u64);

impl Dice {
    fn roll(&mut self, below: u64) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0 % below
    }
}

fn duration() -> Duration {
    let seconds = std::env::var("PLUGORM_LOAD_SECONDS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(3);
    Duration::from_secs(seconds)
}

/// Moves `amount` from `from` to `to` when `from` can pay; a refusal is `Ok(false)`.
async fn transfer(db: &Db, from: i64, to: i64, amount: i64) -> Result<bool, Error> {
    let policy = RetryPolicy::default().attempts(20);
    db.transaction_with_retry(policy, |tx| async move {
        let payer = tx
            .model::<Account>()
            .filter("id = ?", (from,))
            .first()
            .await?;
        if payer.balance < amount {
            return Ok(false);
        }
        let paid = tx
            .exec(
                "UPDATE accounts SET balance = balance - ? WHERE id = ? AND balance >= ?",
                (amount, from, amount),
            )
            .await?;
        if paid.rows_affected == 0 {
            // The read above takes no lock (MariaDB's REPEATABLE READ reads a snapshot):
            // a transfer that committed since then left too little. Nothing was written.
            return Ok(false);
        }
        let got = tx
            .exec(
                "UPDATE accounts SET balance = balance + ? WHERE id = ?",
                (amount, to),
            )
            .await?;
        if paid.rows_affected != 1 || got.rows_affected != 1 {
            // Undo: the transaction returns an error, so it rolls back.
            return Err(Error::msg("a side of the transfer is missing"));
        }
        Ok(true)
    })
    .await
}

async fn one_task(db: Db, seed: u64, until: Instant, tally: Arc<Tally>) -> Result<(), Error> {
    let mut dice = Dice(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1);
    let mut mine: Vec<i64> = Vec::new();
    while Instant::now() < until {
        match dice.roll(10) {
            0..=4 => {
                let from = 1 + dice.roll(SEEDED as u64) as i64;
                let to = 1 + dice.roll(SEEDED as u64) as i64;
                if from == to {
                    continue;
                }
                let amount = 1 + dice.roll(50) as i64;
                if transfer(&db, from, to, amount).await? {
                    tally.transfers.fetch_add(1, Ordering::Relaxed);
                } else {
                    tally.refused_transfers.fetch_add(1, Ordering::Relaxed);
                }
            }
            5 | 6 => {
                let mut a = Account {
                    owner: format!("task{seed}"),
                    ..Account::default()
                };
                db.create(&mut a).await?;
                mine.push(a.id);
                tally.creates.fetch_add(1, Ordering::Relaxed);
            }
            7 | 8 => {
                let id = 1 + dice.roll(SEEDED as u64) as i64;
                let a = db
                    .model::<Account>()
                    .filter("id = ?", (id,))
                    .first()
                    .await?;
                assert!(a.balance >= 0, "account {id} went negative");
                db.model::<Account>().count().await?;
                tally.reads.fetch_add(1, Ordering::Relaxed);
            }
            _ => {
                if let Some(id) = mine.pop() {
                    let n = db
                        .model::<Account>()
                        .filter("id = ? AND balance = 0", (id,))
                        .delete()
                        .await?;
                    assert_eq!(n, 1, "account {id} was this task's, empty");
                    tally.deletes.fetch_add(1, Ordering::Relaxed);
                }
            }
        }
    }
    Ok(())
}

async fn the_ledger_holds_under_load(backend: Backend) {
    let Some(db) = backend.open_file("").await else {
        return;
    };
    db.auto_migrate::<Account>().await.unwrap();
    let mut seeded: Vec<Account> = (0..SEEDED)
        .map(|i| Account {
            owner: format!("seed{i}"),
            balance: OPENING_BALANCE,
            ..Account::default()
        })
        .collect();
    db.create_many(&mut seeded).await.unwrap();
    assert_eq!(seeded.last().map(|a| a.id), Some(SEEDED));

    let tally = Arc::new(Tally::default());
    let until = Instant::now() + duration();
    let mut tasks = Vec::new();
    for seed in 0..TASKS {
        tasks.push(tokio::spawn(one_task(
            (*db).clone(),
            seed + 1,
            until,
            tally.clone(),
        )));
    }
    for t in tasks {
        t.await
            .expect("the task did not panic")
            .unwrap_or_else(|e| panic!("an operation failed under load: {e}"));
    }

    let total: i64 = db
        .raw_scalar("SELECT SUM(balance) FROM accounts", ())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(total, SEEDED * OPENING_BALANCE, "money was created or lost");
    let negative = db
        .model::<Account>()
        .filter("balance < 0", ())
        .count()
        .await;
    assert_eq!(negative.unwrap(), 0);
    let accounts = db.model::<Account>().count().await.unwrap();
    let creates = tally.creates.load(Ordering::Relaxed) as i64;
    let deletes = tally.deletes.load(Ordering::Relaxed) as i64;
    assert_eq!(
        accounts,
        SEEDED + creates - deletes,
        "an account went missing"
    );
    assert!(
        tally.transfers.load(Ordering::Relaxed) > 0,
        "no transfer ran"
    );
    eprintln!(
        "{}: {} transfers ({} refused for funds), {creates} creates, {deletes} deletes, {} reads in {:?}",
        backend.name(),
        tally.transfers.load(Ordering::Relaxed),
        tally.refused_transfers.load(Ordering::Relaxed),
        tally.reads.load(Ordering::Relaxed),
        duration(),
    );
}

plugorm_tests::matrix!(
    #[runtime(flavor = "multi_thread", worker_threads = 4)]
    the_ledger_holds_under_load,
);
