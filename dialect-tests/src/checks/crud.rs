//! CRUD on a derived model with a generated key and time tracking (the scenarios of the
//! host's `product_crud` tests, without hooks or soft delete, which are host features).

use chrono::{DateTime, NaiveDateTime, Utc};
use plugorm::{Error, Model};

use super::{ensure, ensure_eq, Ctx, Outcome, Step};

/// A product: generated key, unique code, timestamps.
#[derive(Model, Debug, Default, Clone, PartialEq)]
#[orm(table = "kit_products")]
pub(crate) struct KitProduct {
    pub id: i64,
    #[orm(size = 64, unique, not_null)]
    pub code: String,
    #[orm(not_null)]
    pub price: i64,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

/// A clock at a whole millisecond: every database stores it exactly.
fn t0() -> DateTime<Utc> {
    DateTime::from_timestamp_millis(1_767_225_600_123).unwrap_or_default()
}

pub(crate) fn product(code: &str, price: i64) -> KitProduct {
    KitProduct {
        code: code.into(),
        price,
        ..Default::default()
    }
}

/// `kit_products` holding `b0..b{n-1}` priced `0, 10, 20, …`.
pub(crate) async fn seeded(db: &plugorm::Db, n: i64) -> Result<Vec<KitProduct>, super::Failure> {
    db.auto_migrate::<KitProduct>()
        .await
        .step("auto_migrate kit_products")?;
    let mut rows: Vec<KitProduct> = (0..n).map(|i| product(&format!("b{i}"), i * 10)).collect();
    if !rows.is_empty() {
        db.create_many(&mut rows).await.step("create_many")?;
    }
    Ok(rows)
}

pub(crate) async fn create_and_read_back(ctx: Ctx) -> Outcome {
    let db = ctx.db.with_now(t0);
    seeded(&db, 0).await?;
    let mut p = product("d42", 100);
    ensure_eq!(db.create(&mut p).await.step("create")?, 1, "rows created");
    ensure!(p.id > 0, "the generated key was not written back: {p:?}");
    ensure_eq!(
        (p.created_at, p.updated_at),
        (t0().naive_utc(), t0().naive_utc()),
        "timestamps written back"
    );
    let mut more: Vec<KitProduct> = (0..5).map(|i| product(&format!("b{i}"), i * 10)).collect();
    ensure_eq!(
        db.create_in_batches(&mut more, 2)
            .await
            .step("create_in_batches")?,
        5,
        "rows created in batches"
    );
    let keys: Vec<i64> = more.iter().map(|p| p.id).collect();
    ensure!(
        keys.windows(2).all(|w| w[0] < w[1]) && keys[0] > p.id,
        "batch keys must be written back in order, after the first row's: {} then {keys:?}",
        p.id
    );
    let first = db.model::<KitProduct>().first().await.step("first")?;
    ensure_eq!(first, p, "first() reads back what was created");
    let last = db.model::<KitProduct>().last().await.step("last")?;
    ensure_eq!(last.code, "b4", "last() by key");
    let taken = db
        .model::<KitProduct>()
        .filter("code = ?", ("b2",))
        .take()
        .await
        .step("take")?;
    ensure_eq!(taken.price, 20, "take() with a condition");
    let cheap = db
        .model::<KitProduct>()
        .filter("price < ?", (25,))
        .order("price desc")
        .find()
        .await
        .step("find")?;
    ensure_eq!(
        cheap.iter().map(|p| p.price).collect::<Vec<_>>(),
        vec![20, 10, 0],
        "filtered, ordered find"
    );
    let none = db
        .model::<KitProduct>()
        .filter("price > ?", (1000,))
        .first()
        .await;
    ensure!(
        matches!(none, Err(Error::RecordNotFound)),
        "first() on no rows must be RecordNotFound, got {none:?}"
    );
    let codes: Vec<String> = db
        .model::<KitProduct>()
        .ids([keys[0], keys[1]])
        .order("id")
        .pluck("code")
        .await
        .step("pluck by ids")?;
    ensure_eq!(codes, ["b0", "b1"], "pluck of two ids");
    let by_key = db
        .model::<KitProduct>()
        .first_id(keys[3])
        .await
        .step("first_id")?;
    ensure_eq!(by_key, more[3], "first_id");
    let n = db
        .model::<KitProduct>()
        .filter_map([("code", "d42")])?
        .count()
        .await
        .step("count by map")?;
    ensure_eq!(n, 1, "count with a map condition");
    ensure!(
        db.model::<KitProduct>().exists().await.step("exists")?,
        "exists() on a filled table"
    );
    Ok(())
}

pub(crate) async fn updates_write_back(ctx: Ctx) -> Outcome {
    let db = ctx.db.with_now(t0);
    seeded(&db, 5).await?;
    let mut p = db.model::<KitProduct>().first().await.step("first")?;
    let later = db.with_now(|| t0() + chrono::Duration::seconds(5));
    later
        .record(&mut p)
        .update("price", 200)
        .await
        .step("record update")?;
    ensure_eq!(p.price, 200, "the updated value is written back");
    ensure_eq!(
        p.updated_at,
        (t0() + chrono::Duration::seconds(5)).naive_utc(),
        "updated_at is written back"
    );
    let stored = db
        .model::<KitProduct>()
        .id(p.id)
        .first()
        .await
        .step("read back")?;
    ensure_eq!(stored, p, "the stored row equals the written-back record");
    let all = db.model::<KitProduct>().update("price", 1).await;
    ensure!(
        matches!(all, Err(Error::MissingWhereClause(_))),
        "an update without conditions must be refused, got {all:?}"
    );
    let n = db
        .model::<KitProduct>()
        .filter("price < ?", (25,))
        .update("price", 25)
        .await
        .step("bulk update")?;
    ensure_eq!(n, 2, "rows a bulk update reports");
    let n = db
        .allow_global_update()
        .model::<KitProduct>()
        .update_column("price", 7)
        .await
        .step("global update_column")?;
    ensure_eq!(n, 5, "rows a global update reports");
    let mut q = db.model::<KitProduct>().first().await.step("first")?;
    q.code = "renamed ✓".into();
    q.price = 8;
    db.record(&mut q).updates().await.step("record updates")?;
    let back = db
        .model::<KitProduct>()
        .first_id(q.id)
        .await
        .step("read back")?;
    ensure_eq!(
        (back.code, back.price),
        ("renamed ✓".to_string(), 8),
        "updates() of a record"
    );
    Ok(())
}

pub(crate) async fn deletes(ctx: Ctx) -> Outcome {
    let db = ctx.db;
    let mut rows = seeded(&db, 6).await?;
    ensure_eq!(
        db.delete(&mut rows[0]).await.step("record delete")?,
        1,
        "rows a record delete reports"
    );
    let gone = db.model::<KitProduct>().first_id(rows[0].id).await;
    ensure!(
        matches!(gone, Err(Error::RecordNotFound)),
        "a deleted row must be gone, got {gone:?}"
    );
    let n = db
        .model::<KitProduct>()
        .filter("price >= ?", (30,))
        .delete()
        .await
        .step("bulk delete")?;
    ensure_eq!(n, 3, "rows a bulk delete reports");
    let n = db
        .model::<KitProduct>()
        .id(rows[0].id)
        .delete()
        .await
        .step("delete of a missing row")?;
    ensure_eq!(n, 0, "deleting a missing row");
    ensure_eq!(
        db.model::<KitProduct>().count().await.step("count")?,
        2,
        "rows left"
    );
    let all = db.model::<KitProduct>().delete().await;
    ensure!(
        matches!(all, Err(Error::MissingWhereClause(_))),
        "a delete without conditions must be refused, got {all:?}"
    );
    Ok(())
}

pub(crate) async fn save_inserts_then_updates(ctx: Ctx) -> Outcome {
    let db = ctx.db.with_now(t0);
    seeded(&db, 0).await?;
    let mut p = product("s1", 5);
    db.save(&mut p).await.step("save of a new record")?;
    ensure!(
        p.id > 0,
        "save() of a new record creates it and writes its key back"
    );
    p.price = 6;
    db.save(&mut p).await.step("save of a stored record")?;
    let rows = db.model::<KitProduct>().find().await.step("find")?;
    ensure_eq!(rows.len(), 1, "save() of a stored record updates it");
    ensure_eq!(rows[0].price, 6, "the saved value");
    Ok(())
}
