//! Writes on every backend, with each dialect's golden SQL: create with SQL expressions and
//! functions as values (G80), update from a sub-query (G100), delete by many primary keys,
//! delete returning the deleted rows (G113; refused on the MySQL dialect).

use plugorm::{plugin_api::statement::Expr, Db, DbError, Error, Model, Value};
use plugorm_tests::{
    matrix::{Backend, TestDb},
    product::Product,
};

plugorm_tests::matrix!(
    create_with_sql_expressions_and_functions,
    update_from_a_subquery,
    delete_by_many_primary_keys,
    delete_returning_where_the_dialect_can,
);

/// A second table for sub-queries (MySQL cannot read the table an UPDATE writes).
#[derive(Model, Debug, Default, Clone, PartialEq)]
struct PriceList {
    id: i64,
    #[orm(size = 64)]
    code: String,
    price: i64,
}

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

fn plus_one(n: i64) -> Expr {
    Expr::raw("?+1", [Value::from(n)])
}

fn upper(s: &str) -> Expr {
    Expr::Func {
        name: "upper".into(),
        args: vec![Expr::value(s)].into(),
    }
}

async fn create_with_sql_expressions_and_functions(backend: Backend) {
    let Some(db) = backend.products().await else {
        return;
    };
    let id = db
        .model::<Product>()
        .create_map_expr([("price", plus_one(17)), ("code", upper("jinzhu"))])
        .await
        .unwrap();
    assert_eq!(id, Some(Value::I64(1)));
    let p = db.model::<Product>().first().await.unwrap();
    assert_eq!(
        (p.code.as_str(), p.price),
        ("JINZHU", 18),
        "computed by the database"
    );

    // Plain values and expressions mix; a sub-query is an expression too.
    db.auto_migrate::<PriceList>().await.unwrap();
    db.model::<PriceList>()
        .create_map([("code", Value::from("JINZHU")), ("price", Value::from(7))])
        .await
        .unwrap();
    let listed = db
        .model::<PriceList>()
        .select(&["price"])
        .filter("code = ?", ("JINZHU",))
        .subquery()
        .unwrap();
    db.model::<Product>()
        .create_map_expr([("code", Expr::value("copy")), ("price", listed)])
        .await
        .unwrap();
    assert_eq!(
        db.model::<Product>()
            .filter("code = ?", ("copy",))
            .pluck::<i64>("price")
            .await
            .unwrap(),
        [7]
    );

    // A field that is not writable on create is refused by name.
    let e = db
        .model::<Product>()
        .create_map_expr([("nosuch", plus_one(1))])
        .await
        .unwrap_err();
    assert!(e.to_string().contains("nosuch"), "{e}");

    let text = sql_of(&db, |tx| async move {
        tx.model::<Product>()
            .create_map_expr([("price", plus_one(17)), ("code", upper("jinzhu"))])
            .await
    })
    .await;
    assert_eq!(
        text,
        backend.pick(
            "INSERT INTO `products` (`code`,`price`) VALUES (upper(?),?+1) RETURNING `id`",
            r#"INSERT INTO "products" ("code","price") VALUES (upper($1),$2+1) RETURNING "id""#,
            "INSERT INTO `products` (`code`,`price`) VALUES (upper(?),?+1)",
        )
    );
}

async fn update_from_a_subquery(backend: Backend) {
    let Some(db) = seeded(backend).await else {
        return;
    };
    db.auto_migrate::<PriceList>().await.unwrap();
    for (code, price) in [("P1", 111), ("P2", 222), ("P5", 555)] {
        db.model::<PriceList>()
            .create_map([("code", Value::from(code)), ("price", Value::from(price))])
            .await
            .unwrap();
    }
    let listed = |db: &Db| {
        db.model::<PriceList>()
            .select(&["price"])
            .filter("price_lists.code = products.code", ())
            .subquery()
    };
    // On a loaded record (G100's shape) …
    let mut p1 = db.model::<Product>().first_id(1).await.unwrap();
    let n = db
        .record(&mut p1)
        .update_expr("price", listed(&db).unwrap())
        .await
        .unwrap();
    assert_eq!(n, 1);
    // … and in bulk, by condition.
    let n = db
        .model::<Product>()
        .filter("code IN ?", (vec!["P2", "P5"],))
        .update("price", listed(&db).unwrap())
        .await
        .unwrap();
    assert_eq!(n, 2);
    let prices = db
        .model::<Product>()
        .order("id")
        .pluck::<i64>("price")
        .await
        .unwrap();
    assert_eq!(prices, [111, 222, 30, 40, 555, 60]);

    let text = sql_of(&db, |tx| async move {
        let sub = listed(&tx)?;
        tx.model::<Product>()
            .filter("price > ?", (100,))
            .update_column("price", sub)
            .await
    })
    .await;
    assert_eq!(
        text,
        backend.pick(
            "UPDATE `products` SET `price`=(SELECT `price` FROM `price_lists` WHERE price_lists.code = products.code) WHERE price > ? AND `products`.`deleted_at` IS NULL",
            r#"UPDATE "products" SET "price"=(SELECT "price" FROM "price_lists" WHERE price_lists.code = products.code) WHERE price > $1 AND "products"."deleted_at" IS NULL"#,
            "UPDATE `products` SET `price`=(SELECT `price` FROM `price_lists` WHERE price_lists.code = products.code) WHERE price > ? AND `products`.`deleted_at` IS NULL",
        )
    );
}

async fn delete_by_many_primary_keys(backend: Backend) {
    let Some(db) = seeded(backend).await else {
        return;
    };
    // A soft delete of three rows by key …
    let n = db.model::<Product>().ids([1, 3, 5]).delete().await.unwrap();
    assert_eq!(n, 3);
    let left: Vec<i64> = db.model::<Product>().order("id").pluck("id").await.unwrap();
    assert_eq!(left, [2, 4, 6]);
    assert_eq!(db.model::<Product>().unscoped().count().await.unwrap(), 6);
    // … and a permanent one.
    let n = db
        .model::<Product>()
        .unscoped()
        .ids([1, 2, 99])
        .delete()
        .await
        .unwrap();
    assert_eq!(n, 2, "key 99 matches no row");
    assert_eq!(db.model::<Product>().unscoped().count().await.unwrap(), 4);
    // No key at all deletes nothing (never everything).
    let none: [i64; 0] = [];
    assert_eq!(
        db.model::<Product>()
            .unscoped()
            .ids(none)
            .delete()
            .await
            .unwrap(),
        0
    );
    assert_eq!(db.model::<Product>().unscoped().count().await.unwrap(), 4);

    let soft = sql_of(&db, |tx| async move {
        tx.model::<Product>().ids([1, 2, 3]).delete().await
    })
    .await;
    assert_eq!(
        soft,
        backend.pick(
            "UPDATE `products` SET `deleted_at`=? WHERE `products`.`id` IN (?,?,?) AND `products`.`deleted_at` IS NULL",
            r#"UPDATE "products" SET "deleted_at"=$1 WHERE "products"."id" IN ($2,$3,$4) AND "products"."deleted_at" IS NULL"#,
            "UPDATE `products` SET `deleted_at`=? WHERE `products`.`id` IN (?,?,?) AND `products`.`deleted_at` IS NULL",
        )
    );
    let hard = sql_of(&db, |tx| async move {
        tx.model::<Product>()
            .unscoped()
            .ids([1, 2, 3])
            .delete()
            .await
    })
    .await;
    assert_eq!(
        hard,
        backend.pick(
            "DELETE FROM `products` WHERE `products`.`id` IN (?,?,?)",
            r#"DELETE FROM "products" WHERE "products"."id" IN ($1,$2,$3)"#,
            "DELETE FROM `products` WHERE `products`.`id` IN (?,?,?)",
        )
    );
}

/// Decision: the MySQL dialect refuses `delete_returning` with a typed `Unsupported` error
/// on MariaDB too. MariaDB has `DELETE … RETURNING` (10.0.5+) but MySQL has none, and the
/// one dialect serves both without detecting the server; a typed refusal is better than a
/// statement that works on one of the two.
async fn delete_returning_where_the_dialect_can(backend: Backend) {
    let Some(db) = seeded(backend).await else {
        return;
    };
    let q = db.model::<Product>().unscoped().filter("price > ?", (40,));
    if backend == Backend::Mysql {
        let e = q.delete_returning().await.unwrap_err();
        assert!(
            matches!(&e, Error::Db(DbError::Unsupported(m)) if m.contains("RETURNING")),
            "{e}"
        );
        assert_eq!(
            db.model::<Product>().count().await.unwrap(),
            6,
            "nothing deleted"
        );
        let e = db
            .to_sql(|tx| async move {
                tx.model::<Product>()
                    .unscoped()
                    .filter("price > ?", (100,))
                    .delete_returning()
                    .await
            })
            .await
            .unwrap_err();
        assert!(matches!(e, Error::Db(DbError::Unsupported(_))), "{e}");
        return;
    }
    let gone = q.delete_returning().await.unwrap();
    let mut codes: Vec<&str> = gone.iter().map(|p| p.code.as_str()).collect();
    codes.sort();
    assert_eq!(
        codes,
        ["P5", "P6"],
        "the deleted rows, every column read back"
    );
    assert!(gone.iter().all(|p| p.price > 40 && p.id > 0));
    assert_eq!(db.model::<Product>().unscoped().count().await.unwrap(), 4);
    // By many keys, permanently.
    let gone = db
        .model::<Product>()
        .unscoped()
        .ids([1, 2])
        .delete_returning()
        .await
        .unwrap();
    assert_eq!(gone.len(), 2);

    let text = sql_of(&db, |tx| async move {
        tx.model::<Product>()
            .unscoped()
            .filter("price > ?", (100,))
            .delete_returning()
            .await
    })
    .await;
    assert_eq!(
        text,
        backend.pick(
            "DELETE FROM `products` WHERE price > ? RETURNING *",
            r#"DELETE FROM "products" WHERE price > $1 RETURNING *"#,
            "unreachable: refused above",
        )
    );
}
