//! Transactions on every backend, beyond the dialect conformance kit (which every dialect
//! runs: commit and rollback in closure and manual form, nesting as savepoints, explicit
//! savepoints, a failing batch rolled back whole, misuse refused): the same through
//! models, with quoted savepoint names and a statement failing inside; a dropped
//! transaction on a pool of one connection; a finished transaction; a panic inside the
//! closure; and hooks running inside the transaction. Row locks are `transactions/locks.rs`.

#[path = "transactions/locks.rs"]
mod locks;

use plugorm::{DbError, Error, Model};
use plugorm_tests::{
    hand_schema::db_err,
    matrix::Backend,
    product::{take_events, Product},
};

plugorm_tests::matrix!(
    commit_roll_back_and_nest_as_savepoints,
    a_dropped_transaction_rolls_back_before_its_connection_is_reused,
    a_finished_transaction_refuses_more_work,
    closure_rolls_back_on_panic_and_the_panic_continues,
    hooks_receive_the_transaction,
);

fn product(code: &str) -> Product {
    Product {
        code: code.into(),
        price: 1,
        ..Default::default()
    }
}

async fn codes(db: &plugorm::Db) -> Vec<String> {
    db.model::<Product>()
        .order("id")
        .pluck("code")
        .await
        .unwrap()
}

async fn closure_rolls_back_on_panic_and_the_panic_continues(backend: Backend) {
    let Some(db) = backend.products().await else {
        return;
    };
    let db2 = db.clone();
    let outcome = tokio::spawn(async move {
        db2.transaction(|tx| async move {
            tx.create(&mut product("p")).await?;
            if tx.in_transaction() {
                panic!("boom inside the transaction");
            }
            Ok(())
        })
        .await
    })
    .await;
    assert!(outcome.unwrap_err().is_panic());
    assert!(
        codes(&db).await.is_empty(),
        "the panicking transaction was rolled back"
    );
}

async fn hooks_receive_the_transaction(backend: Backend) {
    let Some(db) = backend.products().await else {
        return;
    };
    take_events();
    let tx = db.begin().await.unwrap();
    let mut p = product("in-tx");
    tx.create(&mut p).await.unwrap();
    assert_eq!(take_events().len(), 4);
    drop(tx); // rolled back
    assert_eq!(db.model::<Product>().count().await.unwrap(), 0);
    assert_eq!(Product::schema().table.as_str(), "products");
}

async fn commit_roll_back_and_nest_as_savepoints(backend: Backend) {
    let Some(db) = backend.products().await else {
        return;
    };
    let quiet = db.skip_hooks();
    quiet
        .transaction(|tx| async move {
            tx.create(&mut product("a")).await?;
            // The transaction sees its own row before it commits.
            assert_eq!(tx.model::<Product>().count().await?, 1);
            Ok(())
        })
        .await
        .unwrap();
    let e = quiet
        .transaction(|tx| async move {
            tx.create(&mut product("b")).await?;
            Err::<(), _>(Error::msg("changed my mind"))
        })
        .await
        .unwrap_err();
    assert_eq!(e.to_string(), "changed my mind");
    assert_eq!(codes(&db).await, ["a"]);

    // A failing inner transaction rolls back to its savepoint; the outer one commits.
    quiet
        .transaction(|tx| async move {
            tx.create(&mut product("outer")).await?;
            let inner = tx
                .transaction(|t2| async move {
                    t2.create(&mut product("inner")).await?;
                    Err::<(), _>(Error::msg("inner fails"))
                })
                .await;
            assert!(inner.is_err());
            tx.create(&mut product("kept")).await?;
            Ok(())
        })
        .await
        .unwrap();
    assert_eq!(codes(&db).await, ["a", "outer", "kept"]);

    // Explicit savepoints, with names that need quoting.
    let tx = quiet.begin().await.unwrap();
    tx.create(&mut product("one")).await.unwrap();
    tx.savepoint("before two").await.unwrap();
    tx.create(&mut product("two")).await.unwrap();
    tx.savepoint("sp\"3").await.unwrap();
    tx.create(&mut product("three")).await.unwrap();
    tx.rollback_to("sp\"3").await.unwrap();
    tx.release("sp\"3").await.unwrap();
    tx.rollback_to("before two").await.unwrap();
    tx.commit().await.unwrap();
    assert_eq!(codes(&db).await, ["a", "outer", "kept", "one"]);

    // A statement failing inside a transaction: PostgreSQL refuses every further
    // statement until a savepoint is rolled back to; SQLite and MySQL go on.
    let tx = quiet.begin().await.unwrap();
    tx.savepoint("sp").await.unwrap();
    let dup = tx.create(&mut product("a")).await.unwrap_err();
    assert!(matches!(db_err(dup), DbError::UniqueViolation { .. }));
    let after = tx.model::<Product>().count().await;
    match backend {
        Backend::Postgres => match db_err(after.unwrap_err()) {
            DbError::Database { code, .. } => assert_eq!(code.as_deref(), Some("25P02")),
            other => panic!("expected 'transaction aborted', got {other:?}"),
        },
        Backend::Sqlite | Backend::Mysql | Backend::SqlServer => assert_eq!(after.unwrap(), 4),
    }
    tx.rollback_to("sp").await.unwrap();
    tx.create(&mut product("after")).await.unwrap();
    tx.commit().await.unwrap();
    assert_eq!(codes(&db).await, ["a", "outer", "kept", "one", "after"]);

    // A savepoint that was never set is the database's error.
    let tx = db.begin().await.unwrap();
    let e = db_err(tx.rollback_to("never").await.unwrap_err());
    let says = backend.pick4(
        "no such savepoint",
        "does not exist",
        "does not exist",
        "No transaction or savepoint of that name",
    );
    assert!(e.to_string().contains(says), "{e}");
}

/// The pool has one connection: were the dropped transaction not rolled back before the
/// connection is reused, the next statements would run inside it and see its row.
async fn a_dropped_transaction_rolls_back_before_its_connection_is_reused(backend: Backend) {
    let Some(setup) = backend.products().await else {
        return;
    };
    let db = setup.one_connection().await;
    {
        let tx = db.begin().await.unwrap();
        tx.skip_hooks().create(&mut product("gone")).await.unwrap();
        // dropped without commit
    }
    if backend == Backend::Postgres {
        // No transaction id: the dropped transaction had one, from its INSERT.
        let fresh_xact: bool = db
            .raw_scalar("SELECT pg_current_xact_id_if_assigned() IS NULL", ())
            .await
            .unwrap()
            .unwrap();
        assert!(
            fresh_xact,
            "the connection is not inside the dropped transaction"
        );
    }
    assert!(codes(&db).await.is_empty());
    let tx = db.begin().await.unwrap();
    tx.commit().await.unwrap();
}

async fn a_finished_transaction_refuses_more_work(backend: Backend) {
    let Some(db) = backend.open("").await else {
        return;
    };
    let tx = db.pool().begin().await.unwrap();
    tx.commit().await.unwrap();
    let e = tx
        .execute(plugorm::Sql::new("SELECT 1", []))
        .await
        .unwrap_err();
    assert_eq!(e, DbError::TransactionFinished);
    assert_eq!(tx.commit().await.unwrap_err(), DbError::TransactionFinished);
    drop(tx); // its connection goes back: the in-memory SQLite pool has only one
              // A session of a committed transaction, kept past its end.
    let tx = db.begin().await.unwrap();
    let session = tx.db().clone();
    tx.commit().await.unwrap();
    assert_eq!(
        db_err(session.exec("SELECT 1", ()).await.unwrap_err()),
        DbError::TransactionFinished
    );
}
