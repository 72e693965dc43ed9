//! Streaming (the scenarios of the host's `streaming` tests): model streams, row
//! cursors and raw streams in batches, `find_in_batches` paging by key.

use std::sync::{
    atomic::{AtomicUsize, Ordering},
    Arc, Mutex,
};

use plugorm::{Rows, Value};

use super::{
    crud::{product, seeded, KitProduct},
    ensure, ensure_eq, Ctx, Failure, Outcome, Step,
};

const ROWS: i64 = 2_500;

async fn filled(db: &plugorm::Db) -> Result<(), Failure> {
    seeded(db, 0).await?;
    let mut items: Vec<KitProduct> = (0..ROWS).map(|i| product(&format!("s{i}"), i)).collect();
    db.create_in_batches(&mut items, 500)
        .await
        .step("create 2,500 rows")?;
    Ok(())
}

pub(crate) async fn model_stream(ctx: Ctx) -> Outcome {
    let db = ctx.db;
    filled(&db).await?;
    let mut stream = db
        .model::<KitProduct>()
        .filter("price >= ?", (500,))
        .order("price")
        .stream()
        .await
        .step("open a model stream")?;
    let mut expected = 500;
    while let Some(p) = stream.next().await.step("next streamed row")? {
        ensure_eq!(p.price, expected, "streamed rows in order");
        ensure_eq!(p.code, format!("s{expected}"), "streamed row's code");
        expected += 1;
    }
    ensure_eq!(expected, ROWS, "every matching row was streamed");
    Ok(())
}

pub(crate) async fn raw_stream_in_batches(ctx: Ctx) -> Outcome {
    let db = ctx.db;
    filled(&db).await?;
    let stream = db
        .raw_stream("SELECT price, code FROM kit_products ORDER BY price", ())
        .await
        .step("open a raw stream")?;
    let names = stream.names();
    ensure_eq!(names, ["price", "code"], "the stream's column names");
    let (mut seen, mut sum, mut batches) = (0i64, 0i64, 0);
    while let Some(batch) = stream.next_batch().await.step("next batch")? {
        batches += 1;
        let rows = Rows::new(
            names.iter().map(|n| n.as_str().into()).collect(),
            vec![batch],
        );
        for row in rows.iter() {
            let price: i64 = row.get("price").step("decode price")?;
            ensure_eq!(price, seen, "raw stream rows in order");
            sum += price;
            seen += 1;
        }
    }
    ensure_eq!(seen, ROWS, "rows streamed");
    ensure_eq!(sum, ROWS * (ROWS - 1) / 2, "sum of the streamed prices");
    ensure!(batches >= 1, "at least one batch");
    let mut cursor = db
        .model::<KitProduct>()
        .select(&["code", "price"])
        .filter("price < ?", (10,))
        .order("price")
        .rows()
        .await
        .step("open a row cursor")?;
    let mut codes = Vec::new();
    while let Some(rows) = cursor.next_batch().await.step("cursor batch")? {
        for row in rows.iter() {
            codes.push(row.get::<Value>("code").step("read code")?);
        }
    }
    let expected: Vec<Value> = (0..10).map(|i| Value::from(format!("s{i}"))).collect();
    ensure_eq!(codes, expected, "the row cursor's rows");
    Ok(())
}

pub(crate) async fn find_in_batches_pages_by_key(ctx: Ctx) -> Outcome {
    let db = ctx.db;
    seeded(&db, 0).await?;
    let mut items: Vec<KitProduct> = (0..1000).map(|i| product(&format!("b{i}"), 1)).collect();
    db.create_many(&mut items).await.step("create 1,000 rows")?;
    let pages = Arc::new(Mutex::new(Vec::new()));
    let handled = db
        .model::<KitProduct>()
        .find_in_batches(100, {
            let (pages, d) = (pages.clone(), db.clone());
            move |batch: Vec<KitProduct>| {
                let (pages, d) = (pages.clone(), d.clone());
                async move {
                    let seen = pages
                        .lock()
                        .map(|mut p| {
                            p.push(batch.len());
                            p.len()
                        })
                        .unwrap_or(usize::MAX);
                    let ids: Vec<i64> = batch.iter().map(|p| p.id).collect();
                    d.model::<KitProduct>().ids(ids).update("price", 2).await?;
                    Ok(seen < 3)
                }
            }
        })
        .await
        .step("find_in_batches that stops")?;
    ensure_eq!(handled, 300, "rows handed over before stopping");
    let pages = pages.lock().map(|p| p.clone()).unwrap_or_default();
    ensure_eq!(pages, [100, 100, 100], "page sizes");
    ensure_eq!(
        db.model::<KitProduct>()
            .filter("price = ?", (2,))
            .count()
            .await
            .step("count updated rows")?,
        300,
        "the callback's updates landed"
    );
    let seen = Arc::new(AtomicUsize::new(0));
    let total = db
        .model::<KitProduct>()
        .find_in_batches(300, {
            let seen = seen.clone();
            move |batch: Vec<KitProduct>| {
                seen.fetch_add(batch.len(), Ordering::Relaxed);
                async { Ok(true) }
            }
        })
        .await
        .step("find_in_batches over everything")?;
    let seen = seen.load(Ordering::Relaxed);
    ensure_eq!((total, seen), (1000, 1000), "every row once");
    Ok(())
}
