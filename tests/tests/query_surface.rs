//! GORM's query surface on SQLite: conditions, selection, joins, sub-queries, named
//! arguments, scopes, locking, FirstOrInit/FirstOrCreate, upserts, RETURNING.

use plugorm::{Db, Error, Model, OnConflict, Query, Value};
use plugorm_tests::{product::Product, products_db};

async fn seeded() -> Db {
    let db = products_db().await;
    let mut items: Vec<Product> = (1..=6)
        .map(|i| Product {
            code: format!("p{i}"),
            price: i * 10,
            ..Default::default()
        })
        .collect();
    db.create_many(&mut items).await.unwrap();
    db
}

async fn sql_of<F, Fut, R>(db: &Db, f: F) -> String
where
    F: FnOnce(Db) -> Fut,
    Fut: std::future::Future<Output = plugorm::Result<R>>,
{
    db.to_sql(f).await.unwrap().text.to_string()
}

fn prices(v: &[Product]) -> Vec<i64> {
    v.iter().map(|p| p.price).collect()
}

#[tokio::test]
async fn conditions_or_not_in_named_struct_and_map() {
    let db = seeded().await;
    let q = db.model::<Product>();
    let r = q
        .clone()
        .filter("price < ?", (20,))
        .or("price > ?", (50,))
        .order("price")
        .find()
        .await
        .unwrap();
    assert_eq!(prices(&r), [10, 60]);
    let r = q
        .clone()
        .not("price IN ?", (vec![10, 20, 30],))
        .order("price")
        .find()
        .await
        .unwrap();
    assert_eq!(prices(&r), [40, 50, 60]);
    let r = q
        .clone()
        .filter_named(
            "price >= @low AND price <= @low + @span",
            &[("low", Value::I64(20)), ("span", Value::I64(10))],
        )
        .unwrap()
        .find()
        .await
        .unwrap();
    assert_eq!(prices(&r), [20, 30]);
    let e = q.clone().filter_named("price = @nope", &[]).unwrap_err();
    assert!(e.to_string().contains("@nope"), "{e}");
    let r = q
        .clone()
        .filter_struct(&Product {
            code: "P3".into(),
            ..Default::default()
        })
        .find()
        .await
        .unwrap();
    assert_eq!(prices(&r), [30]);
    assert_eq!(
        q.clone()
            .filter_map([("price", 40)])
            .unwrap()
            .count()
            .await
            .unwrap(),
        1
    );
    assert!(q.clone().filter_map([("nosuch", 1)]).is_err());

    let text = sql_of(&db, |tx| async move {
        tx.model::<Product>()
            .filter("code = ?", ("a",))
            .or("code = ?", ("b",))
            .find()
            .await
    })
    .await;
    assert_eq!(
        text,
        "SELECT * FROM `products` WHERE (code = ? OR code = ?) AND `products`.`deleted_at` IS NULL"
    );
    let text = sql_of(&db, |tx| async move {
        tx.model::<Product>()
            .filter_struct(&Product {
                code: "x".into(),
                price: 5,
                ..Default::default()
            })
            .find()
            .await
    })
    .await;
    assert_eq!(
        text,
        "SELECT * FROM `products` WHERE (`products`.`code` = ? AND `products`.`price` = ?) AND `products`.`deleted_at` IS NULL"
    );
}

#[tokio::test]
async fn select_omit_distinct_group_having_count() {
    let db = seeded().await;
    db.model::<Product>()
        .id(1)
        .update_column("price", 20)
        .await
        .unwrap();
    let q = db.model::<Product>();
    let only = q
        .clone()
        .select(&["code"])
        .order("id")
        .first()
        .await
        .unwrap();
    assert_eq!((only.id, only.code.as_str(), only.price), (0, "P1", 0));
    let omitted = q.clone().omit(&["price"]).first().await.unwrap();
    assert_eq!((omitted.id, omitted.price), (1, 0));
    assert_eq!(
        q.clone()
            .distinct()
            .select(&["price"])
            .count()
            .await
            .unwrap(),
        5
    );
    assert_eq!(
        q.clone().group("price").count().await.unwrap(),
        5,
        "count with group = number of groups"
    );
    let maps = q
        .clone()
        .select(&["price", "count(*) AS n"])
        .group("price")
        .having("count(*) > ?", (1,))
        .find_maps()
        .await
        .unwrap();
    assert_eq!(maps.len(), 1);
    assert_eq!(maps[0]["price"], Value::I64(20));
    assert_eq!(maps[0]["n"], Value::I64(2));
    let text = sql_of(&db, |tx| async move {
        tx.model::<Product>()
            .omit(&["price", "created_at"])
            .find()
            .await
    })
    .await;
    assert_eq!(
        text,
        "SELECT `products`.`id`,`products`.`code`,`products`.`updated_at`,`products`.`deleted_at` FROM `products` WHERE `products`.`deleted_at` IS NULL"
    );
}

#[tokio::test]
async fn joins_subqueries_and_exists() {
    let db = seeded().await;
    db.exec("CREATE TABLE tags (product_id INTEGER, tag TEXT)", ())
        .await
        .unwrap();
    db.exec(
        "INSERT INTO tags VALUES (1, 'red'), (2, 'red'), (3, 'blue')",
        (),
    )
    .await
    .unwrap();
    let red = db
        .model::<Product>()
        .joins(
            "JOIN tags ON tags.product_id = products.id AND tags.tag = ?",
            ("red",),
        )
        .order("products.id")
        .find()
        .await
        .unwrap();
    assert_eq!(prices(&red), [10, 20]);
    let left = db
        .model::<Product>()
        .left_join("tags t", "t.product_id = products.id", ())
        .filter("t.tag IS NULL", ())
        .count()
        .await
        .unwrap();
    assert_eq!(left, 3);
    // WHERE … IN (sub-query), with soft delete applied inside the sub-query too.
    db.model::<Product>().id(6).delete().await.unwrap();
    let expensive = db
        .model::<Product>()
        .select(&["id"])
        .filter("price > ?", (30,))
        .subquery()
        .unwrap();
    let r = db
        .model::<Product>()
        .unscoped()
        .filter("id IN (?)", (expensive,))
        .find()
        .await
        .unwrap();
    assert_eq!(prices(&r), [40, 50]);
    // FROM (sub-query) AS alias.
    let cheap = db.model::<Product>().filter("price < ?", (30,));
    let n = db
        .model::<Product>()
        .from_subquery(&cheap, "cheap")
        .unwrap()
        .count()
        .await
        .unwrap();
    assert_eq!(n, 2);
    assert!(db
        .model::<Product>()
        .filter("price = ?", (10,))
        .exists()
        .await
        .unwrap());
    assert!(!db
        .model::<Product>()
        .filter("price = ?", (11,))
        .exists()
        .await
        .unwrap());
}

fn paginate<T: Model>(page: u64, size: u64) -> impl FnOnce(Query<T>) -> Query<T> {
    move |q| {
        q.order("id")
            .offset(page.saturating_sub(1) * size)
            .limit(size)
    }
}

#[tokio::test]
async fn scopes_and_clean_reuse() {
    let db = seeded().await;
    let base = db.model::<Product>().filter("price > ?", (10,));
    let page2 = base.clone().scope(paginate(2, 2)).find().await.unwrap();
    assert_eq!(prices(&page2), [40, 50]);
    // The base query is unchanged by what was chained onto its clone.
    assert_eq!(base.count().await.unwrap(), 5);
    let other_table = db.model::<Product>().table("archived_products");
    let e = other_table.count().await.unwrap_err();
    assert!(e.to_string().contains("archived_products"), "{e}");
}

#[tokio::test]
async fn locking_renders_nothing_on_sqlite_and_still_runs() {
    let db = seeded().await;
    let text = sql_of(&db, |tx| async move {
        tx.model::<Product>()
            .filter("price > ?", (1,))
            .for_update()
            .nowait()
            .find()
            .await
    })
    .await;
    assert_eq!(
        text,
        "SELECT * FROM `products` WHERE price > ? AND `products`.`deleted_at` IS NULL"
    );
    let tx = db.begin().await.unwrap();
    assert_eq!(
        tx.model::<Product>()
            .for_share()
            .find()
            .await
            .unwrap()
            .len(),
        6
    );
    tx.commit().await.unwrap();
}

#[tokio::test]
async fn first_or_init_and_first_or_create() {
    let db = seeded().await;
    let found = db
        .model::<Product>()
        .filter_map([("code", "P1")])
        .unwrap()
        .first_or_init()
        .await
        .unwrap();
    assert_eq!(found.id, 1);
    let fresh = db
        .model::<Product>()
        .filter_map([("code", "new")])
        .unwrap()
        .attrs(&[("price", Value::I64(99))])
        .unwrap()
        .first_or_init()
        .await
        .unwrap();
    assert_eq!((fresh.id, fresh.code.as_str(), fresh.price), (0, "new", 99));
    assert_eq!(
        db.model::<Product>().count().await.unwrap(),
        6,
        "first_or_init saves nothing"
    );

    let created = db
        .model::<Product>()
        .filter_map([("code", "made")])
        .unwrap()
        .attrs(&[("price", Value::I64(5))])
        .unwrap()
        .first_or_create()
        .await
        .unwrap();
    assert_eq!(
        (created.id, created.code.as_str(), created.price),
        (7, "MADE", 5)
    );
    // Found: assign updates it; attrs do not apply.
    let updated = db
        .model::<Product>()
        .filter_map([("code", "P2")])
        .unwrap()
        .attrs(&[("price", Value::I64(1))])
        .unwrap()
        .assign(&[("price", Value::I64(77))])
        .unwrap()
        .first_or_create()
        .await
        .unwrap();
    assert_eq!((updated.id, updated.price), (2, 77));
    assert_eq!(db.model::<Product>().id(2).first().await.unwrap().price, 77);
}

#[tokio::test]
async fn upserts() {
    let db = seeded().await;
    let mut dup = Product {
        id: 1,
        code: "P1".into(),
        price: 500,
        ..Default::default()
    };
    db.skip_hooks()
        .on_conflict(OnConflict::update_all())
        .create(&mut dup)
        .await
        .unwrap();
    assert_eq!(
        db.model::<Product>().id(1).first().await.unwrap().price,
        500
    );
    let mut dup = Product {
        code: "P2".into(),
        price: 900,
        ..Default::default()
    };
    db.skip_hooks()
        .on_conflict(OnConflict::do_nothing().on(&["code"]))
        .create(&mut dup)
        .await
        .unwrap();
    assert_eq!(db.model::<Product>().id(2).first().await.unwrap().price, 20);
    let mut dup = Product {
        code: "P3".into(),
        price: 7,
        ..Default::default()
    };
    db.skip_hooks()
        .on_conflict(OnConflict::update_columns(&["price"]).on(&["code"]))
        .create(&mut dup)
        .await
        .unwrap();
    assert_eq!(db.model::<Product>().id(3).first().await.unwrap().price, 7);
    assert_eq!(db.model::<Product>().count().await.unwrap(), 6);

    let fixed = chrono::DateTime::from_timestamp(0, 0).unwrap();
    let dry = db.dry_run().with_now(move || fixed).skip_hooks();
    dry.on_conflict(OnConflict::update_columns(&["price"]).on(&["code"]))
        .create(&mut Product {
            code: "x".into(),
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(
        dry.dry_run_statements()[0].text.as_str(),
        "INSERT INTO `products` (`code`,`price`,`created_at`,`updated_at`,`deleted_at`) VALUES (?,?,?,?,?) \
         ON CONFLICT (`code`) DO UPDATE SET `price`=`excluded`.`price` RETURNING `id`"
    );
}

#[tokio::test]
async fn update_and_delete_returning() {
    let db = seeded().await;
    let changed = db
        .model::<Product>()
        .filter("price > ?", (40,))
        .update_returning("price", 1)
        .await
        .unwrap();
    let mut ids: Vec<i64> = changed.iter().map(|p| p.id).collect();
    ids.sort();
    assert_eq!(ids, [5, 6]);
    assert!(changed.iter().all(|p| p.price == 1));
    let gone = db
        .model::<Product>()
        .filter("price = ?", (1,))
        .delete_returning()
        .await
        .unwrap();
    assert_eq!(gone.len(), 2);
    assert!(
        gone.iter().all(|p| p.deleted_at.is_some()),
        "soft-deleted rows come back marked"
    );
    assert!(matches!(
        db.model::<Product>().delete_returning().await,
        Err(Error::MissingWhereClause(_))
    ));
}

#[tokio::test]
async fn statement_modifiers_edit_the_built_select() {
    let db = seeded().await;
    let q = db.model::<Product>().modify(|s| {
        s.limit = Some(2).into();
        s.order_by = vec![plugorm::plugin_api::statement::OrderBy::desc(
            plugorm::plugin_api::statement::Expr::bare_col("price"),
        )]
        .into();
    });
    assert_eq!(prices(&q.find().await.unwrap()), [60, 50]);
}

#[tokio::test]
async fn typed_columns_build_checked_dynamic_queries() {
    let db = seeded().await;
    let (min, codes, newest_first) = (Some(20i64), vec!["P2", "P3", "P5"], true);
    let mut q = db.model::<Product>();
    if let Some(m) = min {
        q = q.filter_expr(Product::PRICE.gte(m));
    }
    if !codes.is_empty() {
        q = q.filter_expr(Product::CODE.in_(codes));
    }
    q = q.order_by(if newest_first {
        Product::ID.desc()
    } else {
        Product::ID.asc()
    });
    assert_eq!(prices(&q.clone().find().await.unwrap()), [50, 30, 20]);
    let sql = q.find_sql().await.unwrap();
    assert!(
        sql.text.ends_with("ORDER BY `products`.`id` DESC"),
        "{}",
        sql.text
    );
    let sql = db
        .to_sql(|tx| async move {
            tx.model::<Product>()
                .filter_cols([Product::PRICE.between(10, 30), Product::CODE.like("P%")])
                .select_cols([Product::CODE.expr()])
                .order_by(Product::PRICE.asc())
                .find()
                .await
        })
        .await
        .unwrap();
    assert_eq!(
        sql.text.as_str(),
        "SELECT `products`.`code` FROM `products` WHERE (`products`.`price` >= ? AND `products`.`price` <= ?) \
         AND `products`.`code` LIKE ? AND `products`.`deleted_at` IS NULL ORDER BY `products`.`price`"
    );
    assert_eq!(Product::PRICE.name(), "price");
}
