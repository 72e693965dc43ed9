//! Named arguments on every backend: in conditions (golden G36) and in raw SQL, each
//! occurrence binding its own parameter, a missing name a clear error.

use plugorm::{Db, Value};
use plugorm_tests::{
    matrix::{Backend, TestDb},
    product::Product,
};

plugorm_tests::matrix!(named_arguments_in_conditions_and_raw_sql);

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

async fn sql_of<F, Fut, R>(db: &Db, f: F) -> plugorm::plugin_api::Sql
where
    F: FnOnce(Db) -> Fut,
    Fut: std::future::Future<Output = plugorm::Result<R>>,
{
    db.to_sql(f).await.unwrap()
}

async fn named_arguments_in_conditions_and_raw_sql(backend: Backend) {
    let Some(db) = seeded(backend).await else {
        return;
    };
    // G36: each occurrence of a name binds a new parameter.
    let g36 = sql_of(&db, |tx| async move {
        tx.model::<Product>()
            .filter_named(
                "code = @name OR code = @name",
                &[("name", Value::from("jinzhu"))],
            )?
            .find()
            .await
    })
    .await;
    assert_eq!(
        g36.text.as_str(),
        backend.pick(
            "SELECT * FROM `products` WHERE (code = ? OR code = ?) AND `products`.`deleted_at` IS NULL",
            r#"SELECT * FROM "products" WHERE (code = $1 OR code = $2) AND "products"."deleted_at" IS NULL"#,
            "SELECT * FROM `products` WHERE (code = ? OR code = ?) AND `products`.`deleted_at` IS NULL",
        )
    );
    assert_eq!(g36.params.len(), 2);

    let named = [("low", Value::from(20)), ("high", Value::from(40))];
    let rows: Vec<Product> = db
        .raw_named_as(
            "SELECT * FROM products WHERE price >= @low AND price <= @high AND price <> @low ORDER BY id",
            &named,
        )
        .await
        .unwrap();
    let prices: Vec<i64> = rows.iter().map(|p| p.price).collect();
    assert_eq!(prices, [30, 40]);
    let rows = db
        .raw_named(
            "SELECT code FROM products WHERE code = @code",
            &[("code", Value::from("P6"))],
        )
        .await
        .unwrap();
    assert_eq!(rows.len(), 1);
    // Quoted text is left alone: the `@low` inside the literal is no placeholder.
    let rows = db
        .raw_named(
            "SELECT code FROM products WHERE price = @low AND code <> '@low'",
            &named,
        )
        .await
        .unwrap();
    assert_eq!(rows.len(), 1);

    let done = db
        .exec_named(
            "UPDATE products SET price = @high WHERE price < @high",
            &[("high", Value::from(40))],
        )
        .await
        .unwrap();
    assert_eq!(done.rows_affected, 3);
    assert_eq!(
        db.model::<Product>()
            .filter("price = ?", (40,))
            .count()
            .await
            .unwrap(),
        4
    );

    let e = db
        .raw_named("SELECT 1 FROM products WHERE price = @nope", &named)
        .await
        .unwrap_err();
    let text = e.to_string();
    assert!(
        text.contains("@nope") && text.contains("low, high"),
        "names the missing one and those given: {text}"
    );
    let raw = sql_of(&db, |tx| async move {
        tx.exec_named(
            "DELETE FROM products WHERE price = @p OR code = @c",
            &[("p", Value::from(1)), ("c", Value::from("x"))],
        )
        .await
    })
    .await;
    assert_eq!(
        raw.text.as_str(),
        backend.pick(
            "DELETE FROM products WHERE price = ? OR code = ?",
            "DELETE FROM products WHERE price = $1 OR code = $2",
            "DELETE FROM products WHERE price = ? OR code = ?",
        )
    );
    assert_eq!(db.model::<Product>().count().await.unwrap(), 6, "dry run");
}
