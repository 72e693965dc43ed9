//! Condition forms on every backend, with each dialect's golden SQL: IN over several
//! columns, NOT / OR with a struct or a map (G22–G24, G28), inline conditions on first /
//! find, and count with a column, DISTINCT and GROUP (G52, G53, G55). Grouped conditions
//! (G32) and NOT of a group are in the dialect conformance kit (`conditions` and the
//! `grouped_conditions` / `not_group` golden statements), which every dialect runs.

use plugorm::{plugin_api::statement::Expr, Db, Model, Value};
use plugorm_tests::{
    matrix::{Backend, TestDb},
    product::Product,
};

plugorm_tests::matrix!(
    in_over_several_columns,
    not_and_or_with_structs_and_maps,
    inline_conditions_on_first_and_find,
    count_with_column_distinct_and_group,
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

async fn sql_of<F, Fut, R>(db: &Db, f: F) -> String
where
    F: FnOnce(Db) -> Fut,
    Fut: std::future::Future<Output = plugorm::Result<R>>,
{
    db.to_sql(f).await.unwrap().text.to_string()
}

fn ids<T: Model>(rows: &[T], id: impl Fn(&T) -> i64) -> Vec<i64> {
    let mut v: Vec<i64> = rows.iter().map(id).collect();
    v.sort();
    v
}

async fn in_over_several_columns(backend: Backend) {
    let Some(db) = seeded(backend).await else {
        return;
    };
    let pairs = vec![
        vec![Value::from("P1"), Value::from(10)],
        vec![Value::from("P2"), Value::from(99)],
        vec![Value::from("P3"), Value::from(30)],
    ];
    let q = db.model::<Product>();
    let found = q
        .clone()
        .filter_in_columns(&["code", "price"], pairs.clone())
        .unwrap()
        .find()
        .await
        .unwrap();
    assert_eq!(ids(&found, |p| p.id), [1, 3], "(P2, 99) matches no row");

    let text = sql_of(&db, |tx| async move {
        tx.model::<Product>()
            .filter_in_columns(&["code", "price"], pairs)?
            .find()
            .await
    })
    .await;
    assert_eq!(
        text,
        backend.pick(
            "SELECT * FROM `products` WHERE (`products`.`code`,`products`.`price`) IN ((?,?),(?,?),(?,?)) AND `products`.`deleted_at` IS NULL",
            r#"SELECT * FROM "products" WHERE ("products"."code","products"."price") IN (($1,$2),($3,$4),($5,$6)) AND "products"."deleted_at" IS NULL"#,
            "SELECT * FROM `products` WHERE (`products`.`code`,`products`.`price`) IN ((?,?),(?,?),(?,?)) AND `products`.`deleted_at` IS NULL",
        )
    );

    // GORM's string form: `Where("(code, price) IN ?", [][]interface{}{…})`.
    let rows = || {
        Expr::List(
            [("P4", 40), ("P5", 1)]
                .into_iter()
                .map(|(c, p)| Expr::List(vec![Expr::value(c), Expr::value(p)].into()))
                .collect(),
        )
    };
    let found = q
        .clone()
        .filter("(code, price) IN ?", (rows(),))
        .find()
        .await
        .unwrap();
    assert_eq!(ids(&found, |p| p.id), [4]);
    let text = sql_of(&db, |tx| async move {
        tx.model::<Product>()
            .filter("(code, price) IN ?", (rows(),))
            .find()
            .await
    })
    .await;
    assert_eq!(
        text,
        backend.pick(
            "SELECT * FROM `products` WHERE (code, price) IN ((?,?),(?,?)) AND `products`.`deleted_at` IS NULL",
            r#"SELECT * FROM "products" WHERE (code, price) IN (($1,$2),($3,$4)) AND "products"."deleted_at" IS NULL"#,
            "SELECT * FROM `products` WHERE (code, price) IN ((?,?),(?,?)) AND `products`.`deleted_at` IS NULL",
        )
    );

    // A row with the wrong number of values is refused before anything runs.
    let e = q
        .clone()
        .filter_in_columns(&["code", "price"], [vec![Value::from("P1")]])
        .unwrap_err();
    assert!(e.to_string().contains("expected 2"), "{e}");
    assert!(q
        .clone()
        .filter_in_columns(&["code", "nosuch"], [])
        .is_err());
}

async fn not_and_or_with_structs_and_maps(backend: Backend) {
    let Some(db) = seeded(backend).await else {
        return;
    };
    let q = db.model::<Product>();
    // NOT with a struct: each non-zero field negated (GORM's G24 text).
    let example = Product {
        code: "P2".into(),
        price: 30,
        ..Default::default()
    };
    let found = q.clone().not_struct(&example).find().await.unwrap();
    assert_eq!(ids(&found, |p| p.id), [1, 4, 5, 6]);
    let text = sql_of(&db, |tx| async move {
        tx.model::<Product>()
            .not_struct(&Product {
                code: "x".into(),
                price: 18,
                ..Default::default()
            })
            .first()
            .await
    })
    .await;
    assert_eq!(
        text,
        backend.pick(
            "SELECT * FROM `products` WHERE (`products`.`code` <> ? AND `products`.`price` <> ?) AND `products`.`deleted_at` IS NULL ORDER BY `products`.`id` LIMIT 1",
            r#"SELECT * FROM "products" WHERE ("products"."code" <> $1 AND "products"."price" <> $2) AND "products"."deleted_at" IS NULL ORDER BY "products"."id" LIMIT $3"#,
            "SELECT * FROM `products` WHERE (`products`.`code` <> ? AND `products`.`price` <> ?) AND `products`.`deleted_at` IS NULL ORDER BY `products`.`id` LIMIT ?",
        )
    );

    // NOT with a map, and NOT IN with a list (G22) or an empty list (G23).
    let found = q
        .clone()
        .not_map([("code", "P1")])
        .unwrap()
        .find()
        .await
        .unwrap();
    assert_eq!(ids(&found, |p| p.id), [2, 3, 4, 5, 6]);
    let found = q
        .clone()
        .not_in("code", [Value::from("P1"), Value::from("P6")])
        .unwrap()
        .find()
        .await
        .unwrap();
    assert_eq!(ids(&found, |p| p.id), [2, 3, 4, 5]);
    assert_eq!(
        q.clone().not_in("code", []).unwrap().count().await.unwrap(),
        6
    );
    let text = sql_of(&db, |tx| async move {
        tx.model::<Product>()
            .not_in("code", [Value::from("a"), Value::from("b")])?
            .find()
            .await
    })
    .await;
    assert_eq!(
        text,
        backend.pick(
            "SELECT * FROM `products` WHERE `products`.`code` NOT IN (?,?) AND `products`.`deleted_at` IS NULL",
            r#"SELECT * FROM "products" WHERE "products"."code" NOT IN ($1,$2) AND "products"."deleted_at" IS NULL"#,
            "SELECT * FROM `products` WHERE `products`.`code` NOT IN (?,?) AND `products`.`deleted_at` IS NULL",
        )
    );
    let text = sql_of(&db, |tx| async move {
        tx.model::<Product>().not_in("code", [])?.find().await
    })
    .await;
    assert_eq!(
        text,
        backend.pick(
            "SELECT * FROM `products` WHERE `products`.`code` IS NOT NULL AND `products`.`deleted_at` IS NULL",
            r#"SELECT * FROM "products" WHERE "products"."code" IS NOT NULL AND "products"."deleted_at" IS NULL"#,
            "SELECT * FROM `products` WHERE `products`.`code` IS NOT NULL AND `products`.`deleted_at` IS NULL",
        )
    );
    assert!(q.clone().not_map([("nosuch", 1)]).is_err());

    // OR with a struct (G28).
    let found = q
        .clone()
        .filter("code = ?", ("P1",))
        .or_struct(&Product {
            code: "P5".into(),
            price: 50,
            ..Default::default()
        })
        .find()
        .await
        .unwrap();
    assert_eq!(ids(&found, |p| p.id), [1, 5]);
    let text = sql_of(&db, |tx| async move {
        tx.model::<Product>()
            .filter("code = ?", ("jinzhu",))
            .or_struct(&Product {
                code: "jinzhu 2".into(),
                price: 18,
                ..Default::default()
            })
            .find()
            .await
    })
    .await;
    assert_eq!(
        text,
        backend.pick(
            "SELECT * FROM `products` WHERE (code = ? OR (`products`.`code` = ? AND `products`.`price` = ?)) AND `products`.`deleted_at` IS NULL",
            r#"SELECT * FROM "products" WHERE (code = $1 OR ("products"."code" = $2 AND "products"."price" = $3)) AND "products"."deleted_at" IS NULL"#,
            "SELECT * FROM `products` WHERE (code = ? OR (`products`.`code` = ? AND `products`.`price` = ?)) AND `products`.`deleted_at` IS NULL",
        )
    );
}

async fn inline_conditions_on_first_and_find(backend: Backend) {
    let Some(db) = seeded(backend).await else {
        return;
    };
    let q = db.model::<Product>();
    let p = q.first_where("price > ?", (30,)).await.unwrap();
    assert_eq!(p.code, "P4", "the first by primary key of those matching");
    let v = q.find_where("price <= ?", (20,)).await.unwrap();
    assert_eq!(ids(&v, |p| p.id), [1, 2]);
    // Inline conditions AND with the chain's own.
    let v = q
        .clone()
        .filter("price > ?", (20,))
        .find_where("price < ?", (50,))
        .await
        .unwrap();
    assert_eq!(ids(&v, |p| p.id), [3, 4]);
    assert_eq!(q.first_id(5).await.unwrap().price, 50);
    let v = q.find_ids([1, 3, 5, 99]).await.unwrap();
    assert_eq!(ids(&v, |p| p.id), [1, 3, 5]);
    assert!(matches!(
        q.first_where("price > ?", (1000,)).await,
        Err(plugorm::Error::RecordNotFound)
    ));
    // The query the inline condition was given to is unchanged (no leak).
    assert_eq!(q.count().await.unwrap(), 6);

    let text = sql_of(&db, |tx| async move {
        tx.model::<Product>()
            .first_where("code = ?", ("jinzhu",))
            .await
    })
    .await;
    assert_eq!(
        text,
        backend.pick(
            "SELECT * FROM `products` WHERE code = ? AND `products`.`deleted_at` IS NULL ORDER BY `products`.`id` LIMIT 1",
            r#"SELECT * FROM "products" WHERE code = $1 AND "products"."deleted_at" IS NULL ORDER BY "products"."id" LIMIT $2"#,
            "SELECT * FROM `products` WHERE code = ? AND `products`.`deleted_at` IS NULL ORDER BY `products`.`id` LIMIT ?",
        )
    );
    // G10: find by a primary key list.
    let text = sql_of(&db, |tx| async move {
        tx.model::<Product>().find_ids([1, 2, 3]).await
    })
    .await;
    assert_eq!(
        text,
        backend.pick(
            "SELECT * FROM `products` WHERE `products`.`id` IN (?,?,?) AND `products`.`deleted_at` IS NULL",
            r#"SELECT * FROM "products" WHERE "products"."id" IN ($1,$2,$3) AND "products"."deleted_at" IS NULL"#,
            "SELECT * FROM `products` WHERE `products`.`id` IN (?,?,?) AND `products`.`deleted_at` IS NULL",
        )
    );
}

async fn count_with_column_distinct_and_group(backend: Backend) {
    let Some(db) = seeded(backend).await else {
        return;
    };
    // Two rows share price 20 (five distinct prices); every code is set: COUNT(code) = 6.
    db.model::<Product>()
        .id(1)
        .update_column("price", 20)
        .await
        .unwrap();
    let q = db.model::<Product>();
    assert_eq!(q.clone().select(&["code"]).count().await.unwrap(), 6);
    assert_eq!(
        q.clone()
            .distinct()
            .select(&["price"])
            .count()
            .await
            .unwrap(),
        5
    );
    assert_eq!(q.clone().group("price").count().await.unwrap(), 5);
    assert_eq!(
        q.clone()
            .filter("price > ?", (20,))
            .group("price")
            .count()
            .await
            .unwrap(),
        4
    );

    let g52 = sql_of(&db, |tx| async move {
        tx.model::<Product>().select(&["code"]).count().await
    })
    .await;
    assert_eq!(
        g52,
        backend.pick(
            "SELECT COUNT(`code`) FROM `products` WHERE `products`.`deleted_at` IS NULL",
            r#"SELECT COUNT("code") FROM "products" WHERE "products"."deleted_at" IS NULL"#,
            "SELECT COUNT(`code`) FROM `products` WHERE `products`.`deleted_at` IS NULL",
        )
    );
    let g53 = sql_of(&db, |tx| async move {
        tx.model::<Product>()
            .distinct()
            .select(&["code"])
            .count()
            .await
    })
    .await;
    assert_eq!(
        g53,
        backend.pick(
            "SELECT COUNT(DISTINCT(`code`)) FROM `products` WHERE `products`.`deleted_at` IS NULL",
            r#"SELECT COUNT(DISTINCT("code")) FROM "products" WHERE "products"."deleted_at" IS NULL"#,
            "SELECT COUNT(DISTINCT(`code`)) FROM `products` WHERE `products`.`deleted_at` IS NULL",
        )
    );
    let g55 = sql_of(&db, |tx| async move {
        tx.model::<Product>().group("code").count().await
    })
    .await;
    assert_eq!(
        g55,
        backend.pick(
            "SELECT count(*) FROM `products` WHERE `products`.`deleted_at` IS NULL GROUP BY `code`",
            r#"SELECT count(*) FROM "products" WHERE "products"."deleted_at" IS NULL GROUP BY "code""#,
            "SELECT count(*) FROM `products` WHERE `products`.`deleted_at` IS NULL GROUP BY `code`",
        )
    );
}
