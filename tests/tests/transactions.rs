//! Transactions on every backend, beyond the dialect conformance kit (which every dialect
//! runs: commit and rollback in closure and manual form, nesting as savepoints, explicit
//! savepoints, a failing batch rolled back whole, misuse refused): a panic inside the
//! closure, and hooks running inside the transaction.

use plugorm::Model;
use plugorm_tests::{
    matrix::Backend,
    product::{take_events, Product},
};

plugorm_tests::matrix!(
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
