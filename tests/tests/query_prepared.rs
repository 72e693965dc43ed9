//! Prepared-statement mode on every backend: `db.prepare_stmt()` renders each statement
//! shape once (the cache's counters show it) and gives exactly the results and the SQL of
//! a session without it.

use plugorm::{Db, PreparedStats, Value};
use plugorm_tests::{
    matrix::{Backend, TestDb},
    product::Product,
};

plugorm_tests::matrix!(
    one_render_per_shape_and_identical_results,
    shapes_differ_by_structure_limit_and_list_length,
    writes_and_derived_sessions_share_the_cache,
    a_statement_run_before_a_schema_change_sees_the_new_columns,
);

/// `products` with six rows, P1..P6 priced 10..60.
async fn seeded(backend: Backend) -> Option<TestDb> {
    let db = backend.products().await?;
    let mut items: Vec<Product> = (1..=6)
        .map(|i| Product {
            code: format!("p{i}"),
            price: i * 10,
            ..Default::default()
        })
        .collect();
    db.create_many(&mut items).await.unwrap();
    Some(db)
}

fn stats(db: &Db) -> PreparedStats {
    db.prepared_stats()
        .expect("a prepare_stmt session has a cache")
}

async fn one_render_per_shape_and_identical_results(backend: Backend) {
    let Some(db) = seeded(backend).await else {
        return;
    };
    assert!(db.prepared_stats().is_none(), "off unless asked for");
    let prepared = db.prepare_stmt();
    assert_eq!(stats(&prepared), PreparedStats::default());
    for low in [10, 25, 40, 70] {
        let plain = db
            .model::<Product>()
            .filter("price > ?", (low,))
            .order("id")
            .find()
            .await
            .unwrap();
        let cached = prepared
            .model::<Product>()
            .filter("price > ?", (low,))
            .order("id")
            .find()
            .await
            .unwrap();
        assert_eq!(cached, plain, "price > {low}");
    }
    let s = stats(&prepared);
    assert_eq!((s.misses, s.hits, s.shapes), (1, 3, 1), "{s:?}");

    // Another shape: rendered once more, then served from the cache.
    for id in [2, 4, 6] {
        let p = prepared.model::<Product>().first_id(id).await.unwrap();
        assert_eq!((p.id, p.price), (id, id * 10));
    }
    let s = stats(&prepared);
    assert_eq!(
        (s.misses, s.hits, s.shapes, s.uncacheable),
        (2, 5, 2, 0),
        "{s:?}"
    );

    // The SQL and its parameters are those of an uncached render.
    let plain = db
        .to_sql(|tx| async move {
            tx.model::<Product>()
                .filter("code = ? AND price < ?", ("P1", 99))
                .limit(3)
                .find()
                .await
        })
        .await
        .unwrap();
    for _ in 0..2 {
        let cached = prepared
            .to_sql(|tx| async move {
                tx.model::<Product>()
                    .filter("code = ? AND price < ?", ("P1", 99))
                    .limit(3)
                    .find()
                    .await
            })
            .await
            .unwrap();
        assert_eq!(cached.text, plain.text);
        assert_eq!(cached.params, plain.params);
    }
    let with_other_values = prepared
        .to_sql(|tx| async move {
            tx.model::<Product>()
                .filter("code = ? AND price < ?", ("P9", 5))
                .limit(3)
                .find()
                .await
        })
        .await
        .unwrap();
    assert_eq!(with_other_values.text, plain.text);
    assert_eq!(
        with_other_values.params.as_slice()[..2],
        [Value::from("P9").into_ffi(), Value::from(5).into_ffi()],
        "the new values are bound, not the cached ones"
    );
}

async fn shapes_differ_by_structure_limit_and_list_length(backend: Backend) {
    let Some(db) = seeded(backend).await else {
        return;
    };
    let prepared = db.prepare_stmt();
    // LIMIT is bound on PostgreSQL / MySQL by the renderer itself: part of the shape.
    for (limit, expect) in [(2, 2), (3, 3), (2, 2), (5, 5)] {
        let v = prepared
            .model::<Product>()
            .order("id")
            .limit(limit)
            .find()
            .await
            .unwrap();
        assert_eq!(v.len(), expect, "limit {limit}");
    }
    let s = stats(&prepared);
    assert_eq!((s.misses, s.hits), (3, 1), "{s:?}");
    // A list of another length is another shape; the right rows come back each time.
    for (ids, expect) in [
        (vec![1, 2], 2),
        (vec![3, 4, 5], 3),
        (vec![5, 6], 2),
        (vec![6], 1),
    ] {
        let v = prepared
            .model::<Product>()
            .filter("id IN ?", (ids.clone(),))
            .find()
            .await
            .unwrap();
        let mut got: Vec<i64> = v.iter().map(|p| p.id).collect();
        got.sort();
        assert_eq!(got, ids);
        assert_eq!(v.len(), expect);
    }
    let s = stats(&prepared);
    assert_eq!((s.misses, s.hits, s.shapes), (6, 2, 6), "{s:?}");
}

async fn writes_and_derived_sessions_share_the_cache(backend: Backend) {
    let Some(db) = seeded(backend).await else {
        return;
    };
    let prepared = db.prepare_stmt();
    let derived = prepared.skip_hooks();
    for (id, price) in [(1, 100), (2, 200), (3, 300)] {
        let n = derived
            .model::<Product>()
            .id(id)
            .update_column("price", price)
            .await
            .unwrap();
        assert_eq!(n, 1);
    }
    let s = stats(&prepared);
    assert_eq!((s.misses, s.hits), (1, 2), "one UPDATE shape: {s:?}");
    assert_eq!(
        stats(&derived),
        s,
        "one cache for the session and those derived from it"
    );
    let prices: Vec<i64> = db
        .model::<Product>()
        .order("id")
        .pluck("price")
        .await
        .unwrap();
    assert_eq!(prices, [100, 200, 300, 40, 50, 60]);
    // Creates inside their default transaction use the same cache.
    let before = stats(&prepared);
    for code in ["x1", "x2", "x3"] {
        let mut p = Product {
            code: code.into(),
            price: 1,
            ..Default::default()
        };
        prepared.create(&mut p).await.unwrap();
        assert!(p.id > 6, "the key is read back");
    }
    let after = stats(&prepared);
    assert_eq!(after.shapes, before.shapes + 1, "{after:?}");
    assert_eq!(after.hits, before.hits + 2, "{after:?}");
    assert_eq!(
        db.model::<Product>()
            .filter("code IN ?", (vec!["X1", "X2", "X3"],))
            .count()
            .await
            .unwrap(),
        3
    );
}

/// The drivers keep statements prepared: the same `SELECT *` run before and after a
/// column is added, then dropped, answers with the table's columns as they are now (never
/// the ones it was first prepared with, and without failing).
async fn a_statement_run_before_a_schema_change_sees_the_new_columns(backend: Backend) {
    let Some(db) = seeded(backend).await else {
        return;
    };
    let select = "SELECT * FROM products WHERE price = ?";
    let columns = |rows: Vec<std::collections::BTreeMap<String, Value>>| -> Vec<String> {
        rows.into_iter()
            .next()
            .map(|r| r.into_keys().collect())
            .unwrap_or_default()
    };
    let before = columns(db.raw_maps(select, (10_i64,)).await.unwrap());
    assert!(!before.contains(&"extra".to_string()), "{before:?}");
    let add = backend.pick4(
        "ALTER TABLE products ADD extra integer",
        "ALTER TABLE products ADD extra integer",
        "ALTER TABLE products ADD extra integer",
        "ALTER TABLE products ADD extra int",
    );
    db.exec(add, ()).await.unwrap();
    db.exec(
        "UPDATE products SET extra = ? WHERE price = ?",
        (7_i64, 10_i64),
    )
    .await
    .unwrap();
    let rows = db.raw_maps(select, (10_i64,)).await.unwrap();
    assert_eq!(rows[0].get("extra"), Some(&Value::I64(7)), "{rows:?}");
    db.exec("ALTER TABLE products DROP COLUMN extra", ())
        .await
        .unwrap();
    let after = columns(db.raw_maps(select, (10_i64,)).await.unwrap());
    assert_eq!(after, before);
}
