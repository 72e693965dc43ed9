//! Column-name parameters are identifiers, never SQL: `pluck` and `group` take a model
//! field or else a name the dialect quotes, so text such as `1; DROP TABLE t; --` or
//! `(SELECT secret FROM t)` is refused by the database as an unknown column instead of
//! being run. Raw SQL stays available only through the APIs documented as raw.

use plugorm_tests::{
    matrix::{Backend, TestDb},
    product::Product,
};

plugorm_tests::matrix!(
    pluck_quotes_hostile_names,
    group_quotes_hostile_names,
    dotted_names_are_quoted_part_by_part,
);

/// Strings that ran as SQL when a column name fell back to raw text: a statement
/// separator, a sub-query reading another table, and attempts to close the quoting of
/// each dialect.
const HOSTILE: [&str; 6] = [
    "1; DROP TABLE secrets; --",
    "(SELECT secret FROM secrets)",
    "code` FROM secrets; --",
    "code\" FROM secrets; --",
    "code FROM secrets --",
    "secrets.secret",
];

/// `products` with three rows and a `secrets` table holding one row nobody should read.
async fn seeded(backend: Backend) -> Option<TestDb> {
    let db = backend
        .products_with(&[("p1", 10), ("p2", 20), ("p3", 30)])
        .await?;
    db.exec("CREATE TABLE secrets (secret VARCHAR(40))", ())
        .await
        .unwrap();
    db.exec("INSERT INTO secrets (secret) VALUES ('hunter2')", ())
        .await
        .unwrap();
    Some(db)
}

/// Both tables are still there with their rows.
async fn intact(db: &TestDb, hostile: &str) {
    let secrets: Option<i64> = db
        .raw_scalar("SELECT count(*) FROM secrets", ())
        .await
        .unwrap_or_else(|e| panic!("secrets is gone after {hostile:?}: {e}"));
    assert_eq!(secrets, Some(1), "after {hostile:?}");
    let products = db.model::<Product>().count().await.unwrap();
    assert_eq!(products, 3, "after {hostile:?}");
}

/// Every row's `column`, in key order.
async fn plucked(db: &TestDb, column: &str) -> Vec<String> {
    db.model::<Product>()
        .order("id")
        .pluck(column)
        .await
        .unwrap()
}

/// The SELECT `pluck(column)` renders, from a dry run.
async fn pluck_sql(db: &TestDb, column: &'static str) -> String {
    let sql = db.to_sql(|tx| async move { tx.model::<Product>().pluck::<String>(column).await });
    sql.await.unwrap().text.to_string()
}

async fn pluck_quotes_hostile_names(backend: Backend) {
    let Some(db) = seeded(backend).await else {
        return;
    };
    for hostile in HOSTILE {
        let r = db.model::<Product>().pluck::<String>(hostile).await;
        assert!(
            r.is_err(),
            "{hostile:?} should be an unknown column on {}, got {r:?}",
            backend.name()
        );
        intact(&db, hostile).await;
    }
    // A model field still works.
    assert_eq!(plucked(&db, "code").await, ["P1", "P2", "P3"]);
    // The rendered SQL holds the text as one quoted identifier, its quotes doubled.
    let text = pluck_sql(&db, "a;b`c\"d").await;
    assert_eq!(
        text,
        backend.pick(
            "SELECT `a;b``c\"d` FROM `products` WHERE `products`.`deleted_at` IS NULL",
            "SELECT \"a;b`c\"\"d\" FROM \"products\" WHERE \"products\".\"deleted_at\" IS NULL",
            "SELECT `a;b``c\"d` FROM `products` WHERE `products`.`deleted_at` IS NULL",
        )
    );
}

async fn group_quotes_hostile_names(backend: Backend) {
    let Some(db) = seeded(backend).await else {
        return;
    };
    for hostile in HOSTILE {
        let r = db.model::<Product>().group(hostile).count().await;
        assert!(
            r.is_err(),
            "group({hostile:?}).count() should fail on {}, got {r:?}",
            backend.name()
        );
        intact(&db, hostile).await;
        let r = db
            .model::<Product>()
            .select(&["price"])
            .group(hostile)
            .find_maps()
            .await;
        assert!(
            r.is_err(),
            "group({hostile:?}).find_maps() should fail on {}, got {r:?}",
            backend.name()
        );
        intact(&db, hostile).await;
    }
    assert_eq!(
        db.model::<Product>().group("price").count().await.unwrap(),
        3
    );
}

async fn dotted_names_are_quoted_part_by_part(backend: Backend) {
    let Some(db) = seeded(backend).await else {
        return;
    };
    assert_eq!(plucked(&db, "products.code").await, ["P1", "P2", "P3"]);
    assert_eq!(
        db.model::<Product>()
            .group("products.price")
            .count()
            .await
            .unwrap(),
        3
    );
    let text = pluck_sql(&db, "t.c; DROP TABLE x").await;
    assert_eq!(
        text,
        backend.pick(
            "SELECT `t`.`c; DROP TABLE x` FROM `products` WHERE `products`.`deleted_at` IS NULL",
            "SELECT \"t\".\"c; DROP TABLE x\" FROM \"products\" WHERE \"products\".\"deleted_at\" IS NULL",
            "SELECT `t`.`c; DROP TABLE x` FROM `products` WHERE `products`.`deleted_at` IS NULL",
        )
    );
}
