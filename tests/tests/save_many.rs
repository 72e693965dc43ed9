//! Saving a slice (GORM's `db.Save(&users)`: one upsert on the key) and reading a record by
//! its own key (`db.First(&user)` with the key set) on every backend, against the rows the
//! database holds afterwards. The statements themselves are in `golden/save.rs`.

use chrono::{DateTime, NaiveDateTime};
use plugorm::Error;
use plugorm_tests::{
    matrix::Backend,
    product::{take_events, Product},
};

plugorm_tests::matrix!(
    saving_a_slice_stores_new_and_stored_records,
    a_key_set_by_the_caller_is_inserted_between_new_records,
    saving_one_record_sets_its_update_time_to_now,
    a_record_reads_its_row_by_its_key,
);

fn at(seconds: i64) -> DateTime<chrono::Utc> {
    DateTime::from_timestamp(seconds, 0).unwrap_or_default()
}

fn naive(seconds: i64) -> NaiveDateTime {
    at(seconds).naive_utc()
}

fn new(code: &str, price: i64) -> Product {
    Product {
        code: code.into(),
        price,
        ..Default::default()
    }
}

async fn saving_a_slice_stores_new_and_stored_records(backend: Backend) {
    let Some(db) = backend.products_with(&[("p1", 10), ("p2", 20)]).await else {
        return;
    };
    let mut loaded = db.model::<Product>().order("id").find().await.unwrap();
    let created: Vec<NaiveDateTime> = loaded.iter().map(|p| p.created_at).collect();
    let stored_ids: Vec<i64> = loaded.iter().map(|p| p.id).collect();
    loaded[0].price = 11;
    loaded[1].price = 21;
    let mut items = vec![
        loaded[0].clone(),
        new("n1", 30),
        loaded[1].clone(),
        new("n2", 40),
    ];
    take_events();
    let later = db.with_now(|| at(1_700_000_000));
    let n = later.save_many(&mut items).await.unwrap();
    // MySQL reports an updated row twice.
    assert_eq!(n, backend.pick(4, 4, 6));

    // The hooks of a create, once per record.
    let mut hooks = Vec::new();
    for _ in 0..4 {
        hooks.extend(["before_save", "before_create"]);
    }
    for _ in 0..4 {
        hooks.extend(["after_create", "after_save"]);
    }
    assert_eq!(take_events(), hooks);

    // The stored records kept their keys; the new ones got fresh, distinct ones.
    assert_eq!([items[0].id, items[2].id], [stored_ids[0], stored_ids[1]]);
    let (k1, k2) = (items[1].id, items[3].id);
    assert!(k1 > 0 && k2 > 0 && k1 != k2, "new keys {k1}, {k2}");
    assert!(!stored_ids.contains(&k1) && !stored_ids.contains(&k2));

    // Every record is stored under its key, as the slice holds it.
    let rows = db.model::<Product>().order("id").find().await.unwrap();
    assert_eq!(rows.len(), 4);
    for item in &items {
        let row = rows.iter().find(|r| r.id == item.id).unwrap();
        assert_eq!((&row.code, row.price), (&item.code, item.price));
        assert_eq!(row.updated_at, naive(1_700_000_000), "{}", item.code);
    }
    let codes: Vec<&str> = items.iter().map(|p| p.code.as_str()).collect();
    assert_eq!(codes, ["P1", "N1", "P2", "N2"], "before_create ran");

    // Update times are now on every record; creation times are kept where set.
    for item in &items {
        assert_eq!(item.updated_at, naive(1_700_000_000));
    }
    assert_eq!(
        [items[0].created_at, items[2].created_at],
        [created[0], created[1]]
    );
    assert_eq!(items[1].created_at, naive(1_700_000_000));
    let stored_created: Vec<NaiveDateTime> = rows
        .iter()
        .filter(|r| stored_ids.contains(&r.id))
        .map(|r| r.created_at)
        .collect();
    assert_eq!(
        stored_created, created,
        "the upsert leaves created_at alone"
    );
}

/// MySQL numbers the new rows of one INSERT one after another only until a larger key set
/// by the caller is inserted: the new records must not be written around it.
async fn a_key_set_by_the_caller_is_inserted_between_new_records(backend: Backend) {
    let Some(db) = backend.products_with(&[("p1", 10)]).await else {
        return;
    };
    let mut items = vec![
        new("a", 1),
        Product {
            id: 1000,
            ..new("k", 2)
        },
        new("b", 3),
    ];
    db.save_many(&mut items).await.unwrap();
    assert_eq!(items[1].id, 1000);
    for item in &items {
        let row = db.model::<Product>().first_id(item.id).await.unwrap();
        assert_eq!(row.code, item.code, "key {}", item.id);
    }
    assert_eq!(db.model::<Product>().count().await.unwrap(), 4);
    // An empty slice writes nothing.
    assert_eq!(db.save_many::<Product>(&mut []).await.unwrap(), 0);
    assert_eq!(db.model::<Product>().count().await.unwrap(), 4);
}

async fn saving_one_record_sets_its_update_time_to_now(backend: Backend) {
    let Some(db) = backend.products().await else {
        return;
    };
    let mut p = new("p", 1);
    db.with_now(|| at(1_600_000_000))
        .create(&mut p)
        .await
        .unwrap();
    p.price = 2;
    db.with_now(|| at(1_700_000_000))
        .save(&mut p)
        .await
        .unwrap();
    assert_eq!(p.updated_at, naive(1_700_000_000));
    let row = db.model::<Product>().first_id(p.id).await.unwrap();
    assert_eq!(
        (row.price, row.created_at, row.updated_at),
        (2, naive(1_600_000_000), naive(1_700_000_000))
    );
}

async fn a_record_reads_its_row_by_its_key(backend: Backend) {
    let Some(db) = backend
        .products_with(&[("p1", 10), ("p2", 20), ("p3", 30)])
        .await
    else {
        return;
    };
    let ids: Vec<i64> = db.model::<Product>().order("id").pluck("id").await.unwrap();
    let mut p = Product {
        id: ids[1],
        ..Default::default()
    };
    take_events();
    db.record(&mut p).first().await.unwrap();
    assert_eq!((p.code.as_str(), p.price), ("P2", 20));
    assert_ne!(p.created_at, NaiveDateTime::default());
    assert_eq!(take_events(), ["after_find"]);

    // Changed behind its back, then read again.
    db.model::<Product>()
        .id(p.id)
        .update_column("price", 99)
        .await
        .unwrap();
    db.record(&mut p).reload().await.unwrap();
    assert_eq!(p.price, 99);
    db.record(&mut p).take().await.unwrap();
    assert_eq!((p.id, p.price), (ids[1], 99));

    // A zero key reads the first (or last) row.
    let mut first = Product::default();
    db.record(&mut first).first().await.unwrap();
    assert_eq!(first.code, "P1");
    let mut last = Product::default();
    db.record(&mut last).last().await.unwrap();
    assert_eq!(last.code, "P3");

    // A key no row has; a soft-deleted row, found only unscoped; reload needs a key.
    let mut missing = Product {
        id: 9999,
        code: "kept".into(),
        ..Default::default()
    };
    let e = db.record(&mut missing).first().await;
    assert!(matches!(e, Err(Error::RecordNotFound)), "{e:?}");
    assert_eq!(missing.code, "kept", "a record not found is left as it was");
    db.delete(&mut p.clone()).await.unwrap();
    let e = db.record(&mut p).reload().await;
    assert!(matches!(e, Err(Error::RecordNotFound)), "{e:?}");
    db.record(&mut p).unscoped().reload().await.unwrap();
    assert!(p.deleted_at.is_some());
    let e = db.record(&mut Product::default()).reload().await;
    assert!(matches!(e, Err(Error::PrimaryKeyRequired(_))), "{e:?}");
}
