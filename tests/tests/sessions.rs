//! Sessions on every backend: dry run, skip hooks, skip default transaction, global
//! updates, clock, timeouts; saving and creating from maps.

use std::time::Duration;

use plugorm::{DbError, Error, Value};
use plugorm_tests::{
    matrix::Backend,
    product::{take_events, Product},
};

plugorm_tests::matrix!(
    skip_hooks_runs_no_hook,
    now_function_drives_automatic_timestamps,
    timeout_cancels_a_slow_statement_and_the_pool_recovers,
    save_updates_all_fields_or_inserts,
    updates_write_only_non_zero_fields_or_selected_ones,
    create_from_a_map_runs_no_hooks,
    raw_sql_scans_into_models,
    dry_run_touches_nothing_and_to_sql_returns_the_statement,
    tracked_records_update_only_what_changed_and_hooks_see_it,
);

async fn skip_hooks_runs_no_hook(backend: Backend) {
    let Some(db) = backend.products().await else {
        return;
    };
    take_events();
    let mut p = Product {
        code: "lower".into(),
        ..Default::default()
    };
    db.skip_hooks().create(&mut p).await.unwrap();
    assert!(take_events().is_empty());
    assert_eq!(
        p.code, "lower",
        "before_create (which upper-cases) did not run"
    );
    db.skip_hooks().model::<Product>().find().await.unwrap();
    assert!(take_events().is_empty());
}

async fn now_function_drives_automatic_timestamps(backend: Backend) {
    let Some(db) = backend.products().await else {
        return;
    };
    let fixed = chrono::DateTime::from_timestamp(1_700_000_000, 0).unwrap();
    let mut p = Product {
        code: "t".into(),
        ..Default::default()
    };
    db.with_now(move || fixed).create(&mut p).await.unwrap();
    assert_eq!(p.created_at, fixed.naive_utc());
    let stored = db.model::<Product>().first().await.unwrap();
    assert_eq!(stored.created_at, fixed.naive_utc());
    assert_eq!(stored.updated_at, fixed.naive_utc());
}

async fn timeout_cancels_a_slow_statement_and_the_pool_recovers(backend: Backend) {
    let Some(db) = backend.products().await else {
        return;
    };
    let slow = backend.pick(
        "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 5000000) SELECT count(*) FROM c",
        "SELECT pg_sleep(5)",
        "SELECT SLEEP(5)",
    );
    let e = db
        .with_timeout(Duration::from_millis(20))
        .raw(slow, ())
        .await
        .unwrap_err();
    assert!(matches!(e, Error::Db(DbError::Timeout(_))), "{e}");
    let n: i64 = db.raw_scalar("SELECT 1 + 1", ()).await.unwrap().unwrap();
    assert_eq!(n, 2);
}

async fn save_updates_all_fields_or_inserts(backend: Backend) {
    let Some(db) = backend.products().await else {
        return;
    };
    let mut p = Product {
        code: "s".into(),
        price: 5,
        ..Default::default()
    };
    db.save(&mut p).await.unwrap(); // zero key: insert
    assert_eq!(p.id, 1);
    p.price = 0; // zero values are written by save (GORM's zero-value trap avoided)
    db.save(&mut p).await.unwrap();
    assert_eq!(db.model::<Product>().id(1).first().await.unwrap().price, 0);
    take_events();
    // A key with no row: UPDATE matches nothing, so it is inserted, running create hooks.
    let mut q = Product {
        id: 42,
        code: "new".into(),
        price: 9,
        ..Default::default()
    };
    db.save(&mut q).await.unwrap();
    let events = take_events();
    assert!(events.contains(&"before_create".to_string()), "{events:?}");
    assert_eq!(
        db.model::<Product>().id(42).first().await.unwrap().code,
        "NEW"
    );
}

async fn updates_write_only_non_zero_fields_or_selected_ones(backend: Backend) {
    let Some(db) = backend.products().await else {
        return;
    };
    let mut p = Product {
        code: "u".into(),
        price: 50,
        ..Default::default()
    };
    db.create(&mut p).await.unwrap();
    db.model::<Product>()
        .id(p.id)
        .updates(&Product {
            price: 70,
            ..Default::default()
        })
        .await
        .unwrap();
    let stored = db.model::<Product>().id(p.id).first().await.unwrap();
    assert_eq!((stored.code.as_str(), stored.price), ("U", 70));
    let n = db
        .model::<Product>()
        .id(p.id)
        .updates_map([("price", Value::I64(0))])
        .await
        .unwrap();
    assert_eq!(n, 1);
    assert_eq!(
        db.model::<Product>().id(p.id).first().await.unwrap().price,
        0
    );
    let e = db
        .model::<Product>()
        .id(p.id)
        .update("nosuch", 1)
        .await
        .unwrap_err();
    assert!(matches!(e, Error::InvalidField { .. }), "{e}");
    // An expression as the new value.
    db.model::<Product>()
        .id(p.id)
        .update(
            "price",
            plugorm::plugin_api::statement::Expr::raw("price + ?", [Value::I64(3)]),
        )
        .await
        .unwrap();
    assert_eq!(
        db.model::<Product>().id(p.id).first().await.unwrap().price,
        3
    );
}

async fn create_from_a_map_runs_no_hooks(backend: Backend) {
    let Some(db) = backend.products().await else {
        return;
    };
    take_events();
    let id = db
        .model::<Product>()
        .create_map([("code", Value::from("m")), ("price", Value::from(3))])
        .await
        .unwrap();
    assert_eq!(id, Some(Value::I64(1)));
    assert!(take_events().is_empty());
    let p = db.model::<Product>().first().await.unwrap();
    assert_eq!((p.code.as_str(), p.price), ("m", 3));
}

async fn raw_sql_scans_into_models(backend: Backend) {
    let Some(db) = backend.products().await else {
        return;
    };
    db.create_many(&mut [
        Product {
            code: "r1".into(),
            price: 1,
            ..Default::default()
        },
        Product {
            code: "r2".into(),
            price: 2,
            ..Default::default()
        },
    ])
    .await
    .unwrap();
    let found: Vec<Product> = db
        .raw_as("SELECT * FROM products WHERE price > ?", (1,))
        .await
        .unwrap();
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].code, "R2");
    let partial: Vec<Product> = db
        .raw_as("SELECT code FROM products ORDER BY id", ())
        .await
        .unwrap();
    assert_eq!(
        partial
            .iter()
            .map(|p| (p.id, p.code.as_str()))
            .collect::<Vec<_>>(),
        [(0, "R1"), (0, "R2")]
    );
}

async fn dry_run_touches_nothing_and_to_sql_returns_the_statement(backend: Backend) {
    let Some(db) = backend.products().await else {
        return;
    };
    let dry = db.dry_run();
    let mut p = Product {
        code: "dry".into(),
        ..Default::default()
    };
    dry.create(&mut p).await.unwrap();
    assert_eq!(db.model::<Product>().unscoped().count().await.unwrap(), 0);
    let sql = &dry.dry_run_statements()[0];
    // G72 on `products`; MySQL reads the key with LAST_INSERT_ID() instead of RETURNING.
    assert_eq!(
        sql.text.as_str(),
        backend.pick(
            "INSERT INTO `products` (`code`,`price`,`created_at`,`updated_at`,`deleted_at`) VALUES (?,?,?,?,?) RETURNING `id`",
            r#"INSERT INTO "products" ("code","price","created_at","updated_at","deleted_at") VALUES ($1,$2,$3,$4,$5) RETURNING "id""#,
            "INSERT INTO `products` (`code`,`price`,`created_at`,`updated_at`,`deleted_at`) VALUES (?,?,?,?,?)",
        )
    );
    let sql = db
        .to_sql(|tx| async move {
            tx.model::<Product>()
                .filter("price > ?", (3,))
                .limit(10)
                .offset(5)
                .find()
                .await
        })
        .await
        .unwrap();
    // G46: PostgreSQL and MySQL bind LIMIT and OFFSET.
    assert_eq!(
        sql.text.as_str(),
        backend.pick(
            "SELECT * FROM `products` WHERE price > ? AND `products`.`deleted_at` IS NULL LIMIT 10 OFFSET 5",
            r#"SELECT * FROM "products" WHERE price > $1 AND "products"."deleted_at" IS NULL LIMIT $2 OFFSET $3"#,
            "SELECT * FROM `products` WHERE price > ? AND `products`.`deleted_at` IS NULL LIMIT ? OFFSET ?",
        )
    );
}

async fn tracked_records_update_only_what_changed_and_hooks_see_it(backend: Backend) {
    let Some(db) = backend.products().await else {
        return;
    };
    let mut p = Product {
        code: "t".into(),
        price: 10,
        ..Default::default()
    };
    db.create(&mut p).await.unwrap();
    let mut tracked = db
        .model::<Product>()
        .id(p.id)
        .first_tracked()
        .await
        .unwrap();
    assert!(tracked.changed().is_empty());
    assert_eq!(
        db.save_changes(&mut tracked).await.unwrap(),
        0,
        "nothing changed: no UPDATE"
    );
    tracked.price = 0; // a zero value is still written
    assert_eq!(tracked.changed(), ["price"]);
    let dry = db.dry_run();
    dry.save_changes(&mut tracked.clone()).await.unwrap();
    let text = dry.dry_run_statements()[0].text.to_string();
    let update = backend.pick(
        "UPDATE `products` SET `price`=?,`updated_at`=? WHERE",
        r#"UPDATE "products" SET "price"=$1,"updated_at"=$2 WHERE"#,
        "UPDATE `products` SET `price`=?,`updated_at`=? WHERE",
    );
    assert!(text.starts_with(update), "{text}");
    assert_eq!(db.save_changes(&mut tracked).await.unwrap(), 1);
    assert_eq!(plugorm_tests::product::last_changed(), ["price"]);
    assert!(tracked.changed().is_empty(), "snapshot refreshed");
    assert_eq!(
        db.model::<Product>().id(p.id).first().await.unwrap().price,
        0
    );
    db.record(&mut p).update("code", "renamed").await.unwrap();
    assert_eq!(plugorm_tests::product::last_changed(), ["code"]);
}
