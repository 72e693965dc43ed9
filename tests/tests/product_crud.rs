//! The ORM core on the derived `Product` model, on every backend: CRUD, hooks order, soft
//! delete through the plugin, refusal without it, and timestamps as precise as their
//! column. (The golden SQL of each dialect is `golden.rs`.)

use chrono::{DateTime, Timelike, Utc};
use plugorm::Error;
use plugorm_tests::{
    matrix::Backend,
    product::{take_events, Product},
};

/// A clock at a whole millisecond: every backend stores it exactly (PostgreSQL keeps
/// microseconds, MariaDB's default `datetime(3)` milliseconds), so records compare equal
/// to what was stored.
fn t0() -> DateTime<Utc> {
    DateTime::from_timestamp_millis(1_767_225_600_123).unwrap()
}

plugorm_tests::matrix!(
    crud_hooks_and_soft_delete,
    soft_delete_model_is_refused_without_the_plugin,
    the_clock_is_stored_as_precisely_as_the_column_keeps_it,
);

async fn crud_hooks_and_soft_delete(backend: Backend) {
    let Some(db) = backend.products().await else {
        return;
    };
    let db = db.with_now(t0);
    take_events();

    // Create: hooks in GORM's order, key and timestamps back-filled, before-hook changes persisted.
    let mut p = Product {
        code: "d42".into(),
        price: 100,
        ..Default::default()
    };
    assert_eq!(db.create(&mut p).await.unwrap(), 1);
    assert_eq!(
        take_events(),
        ["before_save", "before_create", "after_create", "after_save"]
    );
    assert_eq!(p.id, 1);
    assert_eq!(p.code, "D42");
    assert_eq!(
        (p.created_at, p.updated_at),
        (t0().naive_utc(), t0().naive_utc())
    );

    // Batch create: hooks per row, keys in order.
    let mut more: Vec<Product> = (0..5)
        .map(|i| Product {
            code: format!("b{i}"),
            price: i * 10,
            ..Default::default()
        })
        .collect();
    assert_eq!(db.create_in_batches(&mut more, 2).await.unwrap(), 5);
    assert_eq!(
        more.iter().map(|p| p.id).collect::<Vec<_>>(),
        vec![2, 3, 4, 5, 6]
    );
    assert_eq!(
        take_events()
            .iter()
            .filter(|e| *e == "before_create")
            .count(),
        5
    );

    // A before hook error stops the write; an after hook error rolls it back.
    let e = db
        .create(&mut Product {
            code: "refuse".into(),
            ..Default::default()
        })
        .await
        .unwrap_err();
    assert_eq!(e.to_string(), "refused by before_create");
    let e = db
        .create(&mut Product {
            code: "rollback".into(),
            ..Default::default()
        })
        .await
        .unwrap_err();
    assert_eq!(e.to_string(), "after_create failed");
    assert_eq!(
        db.model::<Product>().count().await.unwrap(),
        6,
        "nothing persisted by the failed creates"
    );
    take_events();

    // Queries.
    let first = db.model::<Product>().first().await.unwrap();
    assert_eq!(first, p);
    assert_eq!(take_events(), ["after_find"]);
    let last = db.model::<Product>().last().await.unwrap();
    assert_eq!(last.code, "B4");
    let cheap = db
        .model::<Product>()
        .filter("price < ?", (25,))
        .order("price desc")
        .find()
        .await
        .unwrap();
    assert_eq!(
        cheap.iter().map(|p| p.price).collect::<Vec<_>>(),
        vec![20, 10, 0]
    );
    assert!(matches!(
        db.model::<Product>()
            .filter("price > ?", (1000,))
            .first()
            .await,
        Err(Error::RecordNotFound)
    ));
    assert!(db
        .model::<Product>()
        .filter("price > ?", (1000,))
        .find()
        .await
        .unwrap()
        .is_empty());
    let codes: Vec<String> = db
        .model::<Product>()
        .ids([2, 3])
        .order("id")
        .pluck("code")
        .await
        .unwrap();
    assert_eq!(codes, ["B0", "B1"]);
    assert_eq!(
        db.model::<Product>()
            .filter_map([("code", "D42")])
            .unwrap()
            .count()
            .await
            .unwrap(),
        1
    );
    take_events();

    // Record update: hooks, value and updated_at written back.
    let before = p.updated_at;
    let db2 = db.with_now(|| t0() + chrono::Duration::seconds(5));
    db2.record(&mut p).update("price", 200).await.unwrap();
    assert_eq!(
        take_events(),
        ["before_save", "before_update", "after_update", "after_save"]
    );
    assert_eq!(p.price, 200);
    assert!(p.updated_at > before);
    let stored = db.model::<Product>().id(p.id).first().await.unwrap();
    assert_eq!((stored.price, stored.updated_at), (200, p.updated_at));

    // Bulk update needs a condition.
    assert!(matches!(
        db.model::<Product>().update("price", 1).await,
        Err(Error::MissingWhereClause(_))
    ));
    assert_eq!(
        db.model::<Product>()
            .filter("price < ?", (25,))
            .update("price", 25)
            .await
            .unwrap(),
        3
    );
    assert_eq!(
        db.allow_global_update()
            .model::<Product>()
            .update_column("price", 7)
            .await
            .unwrap(),
        6
    );

    // Soft delete: row hidden, still in the table, visible unscoped, deleted_at written back.
    take_events();
    assert_eq!(db.delete(&mut p).await.unwrap(), 1);
    assert_eq!(take_events(), ["before_delete", "after_delete"]);
    assert!(p.deleted_at.is_some());
    assert!(matches!(
        db.model::<Product>().id(1).first().await,
        Err(Error::RecordNotFound)
    ));
    assert_eq!(db.model::<Product>().count().await.unwrap(), 5);
    assert_eq!(db.model::<Product>().unscoped().count().await.unwrap(), 6);
    let raw: i64 = db
        .raw_scalar("SELECT count(*) FROM products", ())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(raw, 6);
    // Bulk soft delete and a real delete.
    assert_eq!(
        db.model::<Product>()
            .filter("code LIKE ?", ("B%",))
            .delete()
            .await
            .unwrap(),
        5
    );
    assert_eq!(db.model::<Product>().count().await.unwrap(), 0);
    assert_eq!(
        db.model::<Product>()
            .unscoped()
            .ids([2, 3])
            .delete()
            .await
            .unwrap(),
        2
    );
    assert_eq!(db.model::<Product>().unscoped().count().await.unwrap(), 4);
}

async fn soft_delete_model_is_refused_without_the_plugin(backend: Backend) {
    let Some(db) = backend.open("").await else {
        return;
    };
    db.auto_migrate::<Product>().await.unwrap();
    let e = db.model::<Product>().count().await.unwrap_err();
    assert!(
        matches!(&e, Error::SoftDeleteUnavailable { model, field } if model == "Product" && field == "deleted_at"),
        "{e}"
    );
    assert!(e.to_string().contains("soft-delete"), "{e}");
    let e = db
        .model::<Product>()
        .filter("id = ?", (1,))
        .delete()
        .await
        .unwrap_err();
    assert!(matches!(e, Error::SoftDeleteUnavailable { .. }), "{e}");
    // unscoped() is an explicit request for real deletes.
    assert_eq!(
        db.model::<Product>()
            .unscoped()
            .filter("id = ?", (1,))
            .delete()
            .await
            .unwrap(),
        0
    );
}

/// Timestamps from the real clock (microseconds) come back to the microsecond from
/// SQLite and PostgreSQL, and to the millisecond from MariaDB's default `datetime(3)`.
async fn the_clock_is_stored_as_precisely_as_the_column_keeps_it(backend: Backend) {
    let Some(db) = backend.products().await else {
        return;
    };
    let mut p = Product {
        code: "now".into(),
        ..Default::default()
    };
    db.create(&mut p).await.unwrap();
    assert!(p.created_at.and_utc().timestamp() > 0 && p.updated_at == p.created_at);
    let stored = db.model::<Product>().first().await.unwrap();
    let kept = backend.pick(1_000, 1_000, 1_000_000);
    let truncated = |t: chrono::NaiveDateTime| {
        let nanos = t.and_utc().timestamp_subsec_nanos();
        t.with_nanosecond(nanos - nanos % kept).unwrap()
    };
    assert_eq!(stored.created_at, truncated(p.created_at));
    assert_eq!(stored.updated_at, truncated(p.updated_at));
}
