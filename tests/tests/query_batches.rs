//! find_in_batches on every backend, beyond streaming.rs: pages by key, so a callback that
//! updates its rows out of the query's own condition skips none; an error from the
//! callback stops the walk and is returned.

use plugorm::Error;
use plugorm_tests::{matrix::Backend, product::Product};

plugorm_tests::matrix!(batches_survive_updates_that_leave_the_condition_and_stop_on_error);

async fn batches_survive_updates_that_leave_the_condition_and_stop_on_error(backend: Backend) {
    let Some(db) = backend.products().await else {
        return;
    };
    let mut items: Vec<Product> = (0..250)
        .map(|i| Product {
            code: format!("b{i}"),
            price: 1,
            ..Default::default()
        })
        .collect();
    db.create_many(&mut items).await.unwrap();

    // Each page moves its rows out of `price = 1`: OFFSET paging would skip half of them.
    let d = db.clone();
    let mut seen = Vec::new();
    let total = db
        .model::<Product>()
        .filter("price = ?", (1,))
        .find_in_batches(40, async |batch: Vec<Product>| {
            seen.extend(batch.iter().map(|p| p.id));
            let ids: Vec<i64> = batch.iter().map(|p| p.id).collect();
            d.model::<Product>()
                .ids(ids)
                .update_column("price", 2)
                .await?;
            Ok(true)
        })
        .await
        .unwrap();
    assert_eq!(total, 250);
    let mut unique = seen.clone();
    unique.dedup();
    assert_eq!(unique.len(), 250, "every row once, in key order");
    assert!(seen.windows(2).all(|w| w[0] < w[1]));
    assert_eq!(
        db.model::<Product>()
            .filter("price = ?", (1,))
            .count()
            .await
            .unwrap(),
        0
    );

    // Deleting the rows of each page works the same way.
    let d = db.clone();
    let total = db
        .model::<Product>()
        .find_in_batches(100, async |batch: Vec<Product>| {
            let ids: Vec<i64> = batch.iter().map(|p| p.id).collect();
            d.model::<Product>().ids(ids).delete().await?;
            Ok(true)
        })
        .await
        .unwrap();
    assert_eq!(total, 250);
    assert_eq!(db.model::<Product>().count().await.unwrap(), 0);

    // An error from the callback ends the walk after that page and comes back as is.
    let mut pages = 0;
    let e = db
        .model::<Product>()
        .unscoped()
        .find_in_batches(50, async |_batch: Vec<Product>| {
            pages += 1;
            if pages == 2 {
                return Err(Error::msg("stop here"));
            }
            Ok(true)
        })
        .await
        .unwrap_err();
    assert!(e.to_string().contains("stop here"), "{e}");
    assert_eq!(pages, 2);
}
