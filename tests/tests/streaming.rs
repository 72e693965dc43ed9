//! Large results: streams keep memory bounded; find_in_batches pages by key, stops
//! early, and lets the callback write.

use plugorm::Model;
use plugorm_tests::{product::Product, products_db, sqlite_file};

fn rss_bytes() -> u64 {
    let statm = std::fs::read_to_string("/proc/self/statm").unwrap_or_default();
    let pages: u64 = statm
        .split_whitespace()
        .nth(1)
        .and_then(|p| p.parse().ok())
        .unwrap_or(0);
    pages * 4096
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn streaming_200_mb_of_rows_keeps_memory_bounded() {
    let (db, _dir) = sqlite_file().await;
    const ROWS: i64 = 200_000;
    let sql = format!(
        "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < {ROWS}) \
         SELECT x, zeroblob(1000) AS pad FROM c"
    );
    let start = rss_bytes();
    let mut peak = start;
    let stream = db.raw_stream(&sql, ()).await.unwrap();
    assert_eq!(stream.names(), ["x", "pad"]);
    let (mut seen, mut sum, mut bytes) = (0i64, 0i64, 0usize);
    while let Some(batch) = stream.next_batch().await.unwrap() {
        let rows = plugorm::Rows {
            names: vec!["x".into(), "pad".into()].into(),
            batches: vec![batch].into(),
        };
        for row in rows.iter() {
            sum += row.get::<i64>("x").unwrap();
            bytes += row.get::<Vec<u8>>("pad").unwrap().len();
            seen += 1;
        }
        peak = peak.max(rss_bytes());
    }
    assert_eq!(seen, ROWS);
    assert_eq!(sum, ROWS * (ROWS + 1) / 2);
    assert_eq!(bytes, 200_000_000);
    let growth = peak.saturating_sub(start);
    eprintln!("rss growth while streaming: {} MB", growth >> 20);
    assert!(
        growth < 64 << 20,
        "streaming 200 MB grew the process by {} MB",
        growth >> 20
    );
}

#[tokio::test]
async fn model_stream_applies_plugin_clauses_and_hooks() {
    let db = products_db().await;
    let mut items: Vec<Product> = (0..1500)
        .map(|i| Product {
            code: format!("s{i}"),
            price: i,
            ..Default::default()
        })
        .collect();
    db.create_many(&mut items).await.unwrap();
    db.model::<Product>()
        .filter("price >= ?", (1000,))
        .delete()
        .await
        .unwrap(); // soft
    plugorm_tests::product::take_events();
    let mut stream = db.model::<Product>().stream().await.unwrap();
    let mut n = 0;
    while let Some(p) = stream.next().await.unwrap() {
        assert!(p.price < 1000 && p.deleted_at.is_none());
        n += 1;
    }
    assert_eq!(n, 1000, "soft-deleted rows are not streamed");
    assert_eq!(
        plugorm_tests::product::take_events().len(),
        1000,
        "after_find per row"
    );
}

#[tokio::test]
async fn find_in_batches_pages_by_key_stops_early_and_allows_updates() {
    let db = products_db().await;
    let mut items: Vec<Product> = (0..1000)
        .map(|i| Product {
            code: format!("b{i}"),
            price: 1,
            ..Default::default()
        })
        .collect();
    db.create_many(&mut items).await.unwrap();
    let mut pages = Vec::new();
    let d = db.clone();
    let handled = db
        .model::<Product>()
        .find_in_batches(100, async |batch: Vec<Product>| {
            pages.push(batch.len());
            let ids: Vec<i64> = batch.iter().map(|p| p.id).collect();
            d.model::<Product>().ids(ids).update("price", 2).await?;
            Ok(pages.len() < 3)
        })
        .await
        .unwrap();
    assert_eq!(handled, 300);
    assert_eq!(pages, [100, 100, 100]);
    assert_eq!(
        db.model::<Product>()
            .filter("price = ?", (2,))
            .count()
            .await
            .unwrap(),
        300
    );
    // Without stopping: every row once, the last page short.
    let mut seen = 0;
    let total = db
        .model::<Product>()
        .find_in_batches(300, async |batch: Vec<Product>| {
            seen += batch.len();
            Ok(true)
        })
        .await
        .unwrap();
    assert_eq!((total, seen), (1000, 1000));
    assert_eq!(Product::schema().primary_keys().count(), 1);
}
