//! Row locks on every backend: on the servers FOR UPDATE / FOR SHARE really lock (NOWAIT
//! fails at once with a typed error, SKIP LOCKED passes over the held row, shares admit
//! shares); SQLite has no row locks, so a locking read outside a transaction is a typed
//! refusal and inside one it runs under the transaction's own write lock.

use plugorm::{Db, DbError, Error};
use plugorm_tests::{matrix::Backend, product::Product};

plugorm_tests::matrix!(row_locks_lock_or_are_refused_outside_a_transaction);

fn lock_not_available<T: std::fmt::Debug>(r: plugorm::Result<T>) {
    match r {
        Err(Error::Db(DbError::LockNotAvailable { message })) => {
            assert!(message.to_lowercase().contains("lock"), "{message}")
        }
        other => panic!("expected LockNotAvailable, got {other:?}"),
    }
}

enum Strength {
    Update,
    Share,
}

/// Locks row `id` with NOWAIT in a transaction of its own (PostgreSQL aborts a
/// transaction on an error), rolled back after.
async fn nowait(db: &Db, id: i64, strength: Strength) -> plugorm::Result<Product> {
    let tx = db.begin().await?;
    let row = tx.model::<Product>().id(id);
    let row = match strength {
        Strength::Update => row.for_update(),
        Strength::Share => row.for_share(),
    };
    let locked = row.nowait().first().await;
    tx.rollback().await?;
    locked
}

fn ids(products: &[Product]) -> Vec<i64> {
    products.iter().map(|p| p.id).collect()
}

async fn row_locks_lock_or_are_refused_outside_a_transaction(backend: Backend) {
    let rows = [("p1", 10), ("p2", 20), ("p3", 30), ("p4", 40)];
    let Some(db) = backend.products_with(&rows).await else {
        return;
    };
    // An offset alone is valid SQL on every database.
    let rest = db.model::<Product>().order("id").offset(1).find().await;
    assert_eq!(ids(&rest.unwrap()), [2, 3, 4]);

    if backend == Backend::Sqlite {
        assert!(!db.dialect().capabilities().row_locks);
        match db.model::<Product>().id(1).for_update().first().await {
            Err(Error::RowLockOutsideTransaction { dialect }) => assert_eq!(dialect, "sqlite"),
            other => panic!("expected RowLockOutsideTransaction, got {other:?}"),
        }
        // Inside a transaction the read runs, and nothing is skipped: the transaction
        // holds the database's write lock, not row locks.
        let tx = db.begin().await.unwrap();
        let p = tx
            .model::<Product>()
            .id(1)
            .for_update()
            .nowait()
            .first()
            .await;
        assert_eq!(p.unwrap().code, "P1");
        let all = tx.model::<Product>().order("id").for_update().skip_locked();
        assert_eq!(ids(&all.find().await.unwrap()), [1, 2, 3, 4]);
        tx.commit().await.unwrap();
        return;
    }

    let holder = db.begin().await.unwrap();
    let locked = holder.model::<Product>().id(1).for_update().first().await;
    assert_eq!(locked.unwrap().code, "P1");

    // NOWAIT on the locked row fails at once with a typed error, exclusive or shared.
    lock_not_available(nowait(&db, 1, Strength::Update).await);
    lock_not_available(nowait(&db, 1, Strength::Share).await);

    // SKIP LOCKED passes over it.
    let other = db.begin().await.unwrap();
    let free = other
        .model::<Product>()
        .order("id")
        .for_update()
        .skip_locked()
        .find()
        .await
        .unwrap();
    assert_eq!(ids(&free), [2, 3, 4], "the locked row is skipped");
    other.rollback().await.unwrap();
    // Released: the row can be locked now.
    holder.commit().await.unwrap();
    assert_eq!(nowait(&db, 1, Strength::Update).await.unwrap().code, "P1");

    // A shared lock lets another shared lock in, but not an exclusive one.
    let reader = db.begin().await.unwrap();
    let shared = reader.model::<Product>().id(2).for_share().first().await;
    shared.unwrap();
    nowait(&db, 2, Strength::Share).await.unwrap();
    lock_not_available(nowait(&db, 2, Strength::Update).await);
    reader.commit().await.unwrap();

    // `OF t` is PostgreSQL and MySQL 8 syntax; MariaDB has none, and the dialect refuses
    // it before it reaches the server.
    let of = db
        .dry_run()
        .model::<Product>()
        .for_update()
        .lock_of(&["products"])
        .find()
        .await;
    if let Err(Error::Db(DbError::Unsupported(_))) = of {
        assert_eq!(backend, Backend::Mysql);
        let version: String = db
            .raw_scalar("SELECT VERSION()", ())
            .await
            .unwrap()
            .unwrap();
        assert!(
            version.to_ascii_lowercase().contains("mariadb"),
            "{version}"
        );
    } else {
        of.unwrap();
    }
}
