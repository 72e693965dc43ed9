//! A chain's raw rows on every backend: `rows()` (GORM's `Rows()`) streams any select
//! list undecoded with plugin clauses applied; `scalar()` reads one value (an aggregate).

use plugorm_tests::{
    matrix::{Backend, TestDb},
    product::Product,
};

plugorm_tests::matrix!(rows_and_scalars_of_a_chain);

/// `products` with 1,200 rows priced 0..=9 by `id % 10`.
async fn seeded(backend: Backend) -> Option<TestDb> {
    let db = backend.products().await?;
    let mut items: Vec<Product> = (1..=1200)
        .map(|i| Product {
            code: format!("r{i}"),
            price: i % 10,
            ..Default::default()
        })
        .collect();
    db.create_many(&mut items).await.unwrap();
    Some(db)
}

async fn rows_and_scalars_of_a_chain(backend: Backend) {
    let Some(db) = seeded(backend).await else {
        return;
    };
    // Soft-delete the 120 rows priced 0: every read below leaves them out.
    db.model::<Product>()
        .filter("price = ?", (0,))
        .delete()
        .await
        .unwrap();

    let mut rows = db
        .model::<Product>()
        .select(&["code", "price"])
        .order("id")
        .rows()
        .await
        .unwrap();
    assert_eq!(rows.names(), ["code", "price"]);
    let (mut n, mut sum, mut first) = (0usize, 0i64, None);
    while let Some(batch) = rows.next_batch().await.unwrap() {
        for row in batch.iter() {
            let code: String = row.get("code").unwrap();
            first.get_or_insert(code);
            sum += row.get_at::<i64>(1).unwrap();
            n += 1;
        }
    }
    assert_eq!(n, 1080);
    assert_eq!(sum, 120 * (1..=9).sum::<i64>());
    assert_eq!(first.as_deref(), Some("R1"));

    // Grouped rows, with an alias.
    let mut rows = db
        .model::<Product>()
        .select(&["price", "count(*) AS n"])
        .group("price")
        .order("price")
        .rows()
        .await
        .unwrap();
    let mut groups = Vec::new();
    while let Some(batch) = rows.next_batch().await.unwrap() {
        for row in batch.iter() {
            groups.push((
                row.get::<i64>("price").unwrap(),
                row.get::<i64>("n").unwrap(),
            ));
        }
    }
    assert_eq!(groups, (1..=9).map(|p| (p, 120)).collect::<Vec<_>>());

    // Scalars: an aggregate, a value of the first row, nothing.
    let q = db.model::<Product>();
    assert_eq!(
        q.clone()
            .select(&["max(price)"])
            .scalar::<i64>()
            .await
            .unwrap(),
        Some(9)
    );
    assert_eq!(
        q.clone()
            .select(&["code"])
            .filter("price = ?", (3,))
            .order("id DESC")
            .scalar::<String>()
            .await
            .unwrap()
            .as_deref(),
        Some("R1193")
    );
    assert_eq!(
        q.clone()
            .select(&["code"])
            .filter("price = ?", (0,))
            .scalar::<String>()
            .await
            .unwrap(),
        None,
        "soft-deleted rows are not read"
    );
    assert_eq!(
        q.clone()
            .unscoped()
            .select(&["count(*)"])
            .scalar::<i64>()
            .await
            .unwrap(),
        Some(1200)
    );
}
