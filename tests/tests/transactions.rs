//! Transactions on every backend: closure form, manual form, nesting as savepoints,
//! default transactions around writes.

use plugorm::{Error, Model};
use plugorm_tests::{
    matrix::Backend,
    product::{take_events, Product},
};

plugorm_tests::matrix!(
    closure_commits_on_ok_and_rolls_back_on_err,
    closure_rolls_back_on_panic_and_the_panic_continues,
    nested_transactions_are_savepoints,
    manual_transactions_and_explicit_savepoints,
    a_failing_batch_leaves_no_partial_rows,
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

async fn closure_commits_on_ok_and_rolls_back_on_err(backend: Backend) {
    let Some(db) = backend.products().await else {
        return;
    };
    db.transaction(|tx| async move {
        assert!(tx.in_transaction());
        tx.create(&mut product("a")).await?;
        tx.create(&mut product("b")).await?;
        Ok(())
    })
    .await
    .unwrap();
    let e = db
        .transaction(|tx| async move {
            tx.create(&mut product("c")).await?;
            Err::<(), _>(Error::msg("changed my mind"))
        })
        .await
        .unwrap_err();
    assert_eq!(e.to_string(), "changed my mind");
    assert_eq!(codes(&db).await, ["A", "B"]);
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

async fn nested_transactions_are_savepoints(backend: Backend) {
    let Some(db) = backend.products().await else {
        return;
    };
    db.transaction(|tx| async move {
        tx.create(&mut product("outer")).await?;
        let inner = tx
            .transaction(|tx2| async move {
                tx2.create(&mut product("inner")).await?;
                Err::<(), _>(Error::msg("inner fails"))
            })
            .await;
        assert!(inner.is_err());
        tx.transaction(|tx3| async move {
            tx3.create(&mut product("kept")).await?;
            Ok(())
        })
        .await?;
        Ok(())
    })
    .await
    .unwrap();
    assert_eq!(codes(&db).await, ["OUTER", "KEPT"]);
}

async fn manual_transactions_and_explicit_savepoints(backend: Backend) {
    let Some(db) = backend.products().await else {
        return;
    };
    let tx = db.begin().await.unwrap();
    tx.create(&mut product("one")).await.unwrap();
    tx.savepoint("before_two").await.unwrap();
    tx.create(&mut product("two")).await.unwrap();
    tx.rollback_to("before_two").await.unwrap();
    assert_eq!(
        codes(&tx).await,
        ["ONE"],
        "the transaction sees its own writes"
    );
    tx.commit().await.unwrap();
    assert_eq!(codes(&db).await, ["ONE"]);

    let tx = db.begin().await.unwrap();
    tx.create(&mut product("three")).await.unwrap();
    tx.rollback().await.unwrap();
    assert_eq!(codes(&db).await, ["ONE"]);

    assert!(matches!(
        db.savepoint("x").await,
        Err(Error::InvalidTransaction(_))
    ));
    let tx = db.begin().await.unwrap();
    assert!(matches!(
        tx.begin().await,
        Err(Error::InvalidTransaction(_))
    ));
}

async fn a_failing_batch_leaves_no_partial_rows(backend: Backend) {
    let Some(db) = backend.products().await else {
        return;
    };
    let mut items = vec![product("x1"), product("x2"), product("x1")];
    // The third row violates UNIQUE(code): the whole create is rolled back.
    let e = db.create_in_batches(&mut items, 1).await.unwrap_err();
    assert!(
        matches!(e, Error::Db(plugorm::DbError::UniqueViolation { .. })),
        "{e}"
    );
    assert!(codes(&db).await.is_empty());
    // Without the default transaction the rows before the failure stay.
    let mut items = vec![product("y1"), product("y1")];
    assert!(db
        .skip_default_transaction()
        .create_in_batches(&mut items, 1)
        .await
        .is_err());
    assert_eq!(codes(&db).await, ["Y1"]);
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
