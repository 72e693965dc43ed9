//! GORM's query surface on every backend: conditions, selection, joins, sub-queries,
//! named arguments, scopes, locking, FirstOrInit/FirstOrCreate, upserts, RETURNING, with
//! each dialect's golden SQL.

use plugorm::{Db, DbError, Error, Model, OnConflict, Query, Value};
use plugorm_tests::{
    matrix::{Backend, TestDb},
    product::Product,
};

plugorm_tests::matrix!(
    conditions_or_not_in_named_struct_and_map,
    select_omit_distinct_group_having_count,
    joins_subqueries_and_exists,
    scopes_and_clean_reuse,
    locking_clauses_per_dialect_and_they_run,
    first_or_init_and_first_or_create,
    upserts,
    update_and_delete_returning,
    statement_modifiers_edit_the_built_select,
    typed_columns_build_checked_dynamic_queries,
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

fn prices(v: &[Product]) -> Vec<i64> {
    v.iter().map(|p| p.price).collect()
}

async fn conditions_or_not_in_named_struct_and_map(backend: Backend) {
    let Some(db) = seeded(backend).await else {
        return;
    };
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
            // `price - @low`, not `@low + @span`: PostgreSQL cannot type a sum of two
            // untyped parameters (as with GORM on pgx).
            "price >= @low AND price - @low <= @span",
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
        backend.pick(
            "SELECT * FROM `products` WHERE (code = ? OR code = ?) AND `products`.`deleted_at` IS NULL",
            r#"SELECT * FROM "products" WHERE (code = $1 OR code = $2) AND "products"."deleted_at" IS NULL"#,
            "SELECT * FROM `products` WHERE (code = ? OR code = ?) AND `products`.`deleted_at` IS NULL",
        )
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
        backend.pick(
            "SELECT * FROM `products` WHERE (`products`.`code` = ? AND `products`.`price` = ?) AND `products`.`deleted_at` IS NULL",
            r#"SELECT * FROM "products" WHERE ("products"."code" = $1 AND "products"."price" = $2) AND "products"."deleted_at" IS NULL"#,
            "SELECT * FROM `products` WHERE (`products`.`code` = ? AND `products`.`price` = ?) AND `products`.`deleted_at` IS NULL",
        )
    );
}

async fn select_omit_distinct_group_having_count(backend: Backend) {
    let Some(db) = seeded(backend).await else {
        return;
    };
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
        backend.pick(
            "SELECT `products`.`id`,`products`.`code`,`products`.`updated_at`,`products`.`deleted_at` FROM `products` WHERE `products`.`deleted_at` IS NULL",
            r#"SELECT "products"."id","products"."code","products"."updated_at","products"."deleted_at" FROM "products" WHERE "products"."deleted_at" IS NULL"#,
            "SELECT `products`.`id`,`products`.`code`,`products`.`updated_at`,`products`.`deleted_at` FROM `products` WHERE `products`.`deleted_at` IS NULL",
        )
    );
}

async fn joins_subqueries_and_exists(backend: Backend) {
    let Some(db) = seeded(backend).await else {
        return;
    };
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

async fn scopes_and_clean_reuse(backend: Backend) {
    let Some(db) = seeded(backend).await else {
        return;
    };
    let base = db.model::<Product>().filter("price > ?", (10,));
    let page2 = base.clone().scope(paginate(2, 2)).find().await.unwrap();
    assert_eq!(prices(&page2), [40, 50]);
    // The base query is unchanged by what was chained onto its clone.
    assert_eq!(base.count().await.unwrap(), 5);
    let other_table = db.model::<Product>().table("archived_products");
    let e = other_table.count().await.unwrap_err();
    assert!(e.to_string().contains("archived_products"), "{e}");
}

/// G70: SQLite has no row locks (the clause renders empty); the others lock.
async fn locking_clauses_per_dialect_and_they_run(backend: Backend) {
    let Some(db) = seeded(backend).await else {
        return;
    };
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
        backend.pick(
            "SELECT * FROM `products` WHERE price > ? AND `products`.`deleted_at` IS NULL",
            r#"SELECT * FROM "products" WHERE price > $1 AND "products"."deleted_at" IS NULL FOR UPDATE NOWAIT"#,
            "SELECT * FROM `products` WHERE price > ? AND `products`.`deleted_at` IS NULL FOR UPDATE NOWAIT",
        )
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

async fn first_or_init_and_first_or_create(backend: Backend) {
    let Some(db) = seeded(backend).await else {
        return;
    };
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

async fn upserts(backend: Backend) {
    let Some(db) = seeded(backend).await else {
        return;
    };
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
    // RETURNING reads the updated row's key; MySQL's LAST_INSERT_ID() has none to give.
    assert_eq!(dup.id, backend.pick(3, 3, 0));
    // A conditional update that does not apply (MySQL's ON DUPLICATE KEY has no WHERE).
    let mut dup = Product {
        code: "P3".into(),
        price: 8,
        ..Default::default()
    };
    let conditional = OnConflict::update_columns(&["price"])
        .on(&["code"])
        .when("products.price > 100");
    let r = db
        .skip_hooks()
        .on_conflict(conditional)
        .create(&mut dup)
        .await;
    match backend {
        Backend::Sqlite | Backend::Postgres | Backend::SqlServer => assert_eq!(r.unwrap(), 0),
        Backend::Mysql => match r {
            Err(Error::Db(DbError::Unsupported(m))) => {
                assert!(m.contains("ON DUPLICATE KEY UPDATE has no WHERE"), "{m}")
            }
            other => panic!("expected Unsupported, got {other:?}"),
        },
    }
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
    // G83 on `products` (MySQL reads the key back with LAST_INSERT_ID(): no RETURNING).
    assert_eq!(
        dry.dry_run_statements()[0].text.as_str(),
        backend.pick(
            "INSERT INTO `products` (`code`,`price`,`created_at`,`updated_at`,`deleted_at`) VALUES (?,?,?,?,?) \
             ON CONFLICT (`code`) DO UPDATE SET `price`=`excluded`.`price` RETURNING `id`",
            r#"INSERT INTO "products" ("code","price","created_at","updated_at","deleted_at") VALUES ($1,$2,$3,$4,$5) ON CONFLICT ("code") DO UPDATE SET "price"="excluded"."price" RETURNING "id""#,
            "INSERT INTO `products` (`code`,`price`,`created_at`,`updated_at`,`deleted_at`) VALUES (?,?,?,?,?) \
             ON DUPLICATE KEY UPDATE `price`=VALUES(`price`)",
        )
    );
}

async fn update_and_delete_returning(backend: Backend) {
    let Some(db) = seeded(backend).await else {
        return;
    };
    if backend == Backend::Mysql {
        // MySQL has no UPDATE … RETURNING (nor, before MariaDB 10.5 / never on MySQL, the
        // other forms): refused with a typed error before anything runs.
        let e = db
            .model::<Product>()
            .filter("price > ?", (40,))
            .update_returning("price", 1)
            .await
            .unwrap_err();
        assert!(
            matches!(&e, Error::Db(DbError::Unsupported(m)) if m.contains("RETURNING")),
            "{e}"
        );
        let e = db
            .model::<Product>()
            .filter("price = ?", (50,))
            .delete_returning()
            .await
            .unwrap_err();
        assert!(matches!(e, Error::Db(DbError::Unsupported(_))), "{e}");
        assert_eq!(
            db.model::<Product>()
                .filter("price > ?", (40,))
                .pluck::<i64>("price")
                .await
                .unwrap(),
            [50, 60],
            "nothing was updated or deleted"
        );
        return;
    }
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

async fn statement_modifiers_edit_the_built_select(backend: Backend) {
    let Some(db) = seeded(backend).await else {
        return;
    };
    let q = db.model::<Product>().modify(|s| {
        s.limit = Some(2).into();
        s.order_by = vec![plugorm::plugin_api::statement::OrderBy::desc(
            plugorm::plugin_api::statement::Expr::bare_col("price"),
        )]
        .into();
    });
    assert_eq!(prices(&q.find().await.unwrap()), [60, 50]);
}

async fn typed_columns_build_checked_dynamic_queries(backend: Backend) {
    let Some(db) = seeded(backend).await else {
        return;
    };
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
    let order = backend.pick(
        "ORDER BY `products`.`id` DESC",
        r#"ORDER BY "products"."id" DESC"#,
        "ORDER BY `products`.`id` DESC",
    );
    assert!(sql.text.ends_with(order), "{}", sql.text);
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
        backend.pick(
            "SELECT `products`.`code` FROM `products` WHERE (`products`.`price` >= ? AND `products`.`price` <= ?) \
             AND `products`.`code` LIKE ? AND `products`.`deleted_at` IS NULL ORDER BY `products`.`price`",
            r#"SELECT "products"."code" FROM "products" WHERE ("products"."price" >= $1 AND "products"."price" <= $2) AND "products"."code" LIKE $3 AND "products"."deleted_at" IS NULL ORDER BY "products"."price""#,
            "SELECT `products`.`code` FROM `products` WHERE (`products`.`price` >= ? AND `products`.`price` <= ?) \
             AND `products`.`code` LIKE ? AND `products`.`deleted_at` IS NULL ORDER BY `products`.`price`",
        )
    );
    assert_eq!(Product::PRICE.name(), "price");
}
