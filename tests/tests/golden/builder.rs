//! docs/golden-sql.md through the query builder on every backend (SQL Server on its
//! dry-run database): conditions, paging, columns,
//! locks, updates, joins, groups and sub-queries as `to_sql` renders them on a dry-run
//! session, each dialect's text written out; what a dialect cannot express is refused
//! before anything runs (MySQL: RETURNING, `FOR SHARE OF`).

use plugorm::{Db, Model, Value};
use plugorm_tests::{bound_values, matrix::Backend, product::Product};

plugorm_tests::matrix!(
    golden_model_queries_through_the_host,
    golden_updates_joins_groups_and_subqueries_through_the_host,
);

/// The statement `f` renders on a dry-run session and its bound values, or the error
/// that refused it (`refused: …`, no values).
pub(crate) async fn sql_of<F, Fut, R>(db: &Db, f: F) -> (String, Vec<Value>)
where
    F: FnOnce(Db) -> Fut,
    Fut: std::future::Future<Output = plugorm::Result<R>>,
{
    match db.to_sql(f).await {
        Ok(sql) => (sql.text.to_string(), bound_values(&sql)),
        Err(e) => (format!("refused: {e}"), vec![]),
    }
}

async fn golden_model_queries_through_the_host(backend: Backend) {
    let Some(db) = backend.golden_products().await else {
        return;
    };

    let (text, params) = sql_of(&db, |tx| async move {
        tx.model::<Product>()
            .filter("code = ?", ("a",))
            .or("code = ?", ("b",))
            .limit(10)
            .offset(5)
            .find()
            .await
    })
    .await;
    assert_eq!(
        text,
        backend.pick4(
            "SELECT * FROM `products` WHERE (code = ? OR code = ?) AND `products`.`deleted_at` IS NULL LIMIT 10 OFFSET 5",
            r#"SELECT * FROM "products" WHERE (code = $1 OR code = $2) AND "products"."deleted_at" IS NULL LIMIT $3 OFFSET $4"#,
            "SELECT * FROM `products` WHERE (code = ? OR code = ?) AND `products`.`deleted_at` IS NULL LIMIT ? OFFSET ?",
            r#"SELECT * FROM "products" WHERE (code = @p1 OR code = @p2) AND "products"."deleted_at" IS NULL ORDER BY "id" OFFSET 5 ROWS FETCH NEXT 10 ROWS ONLY"#,
)
    );
    // SQLite and SQL Server write LIMIT and OFFSET as literals.
    let mut bound = vec![Value::from("a"), Value::from("b")];
    if !matches!(backend, Backend::Sqlite | Backend::SqlServer) {
        bound.extend([Value::I64(10), Value::I64(5)]);
    }
    assert_eq!(params, bound);
    let (text, _) = sql_of(&db, |tx| async move {
        tx.model::<Product>().pluck::<i64>("price").await
    })
    .await;
    // G56: a plucked field is written bare, as GORM writes it.
    assert_eq!(
        text,
        backend.pick4(
            "SELECT `price` FROM `products` WHERE `products`.`deleted_at` IS NULL",
            r#"SELECT "price" FROM "products" WHERE "products"."deleted_at" IS NULL"#,
            "SELECT `price` FROM `products` WHERE `products`.`deleted_at` IS NULL",
            r#"SELECT "price" FROM "products" WHERE "products"."deleted_at" IS NULL"#,
        )
    );
    // A shared lock of one table passing over locked rows: SQLite renders no lock; the
    // MySQL dialect refuses MySQL 8's `OF` while a MariaDB server is connected; SQL
    // Server hints the table with REPEATABLEREAD (it refuses READPAST with HOLDLOCK).
    let (text, _) = sql_of(&db, |tx| async move {
        tx.model::<Product>()
            .for_share()
            .lock_of(&["products"])
            .skip_locked()
            .find()
            .await
    })
    .await;
    assert_eq!(
        text,
        backend.pick4(
            "SELECT * FROM `products` WHERE `products`.`deleted_at` IS NULL",
            r#"SELECT * FROM "products" WHERE "products"."deleted_at" IS NULL FOR SHARE OF "products" SKIP LOCKED"#,
            "refused: not supported: a shared lock limited to some tables (`FOR SHARE OF t`, MySQL 8 only) is not understood by every MySQL / MariaDB server this process is connected to",
            r#"SELECT * FROM "products" WITH (REPEATABLEREAD, ROWLOCK, READPAST) WHERE "products"."deleted_at" IS NULL"#,
)
    );
    let (text, _) = sql_of(&db, |tx| async move {
        tx.model::<Product>()
            .unscoped()
            .filter("code LIKE ?", ("%D%",))
            .delete()
            .await
    })
    .await;
    // G112.
    assert_eq!(
        text,
        backend.pick4(
            "DELETE FROM `products` WHERE code LIKE ?",
            r#"DELETE FROM "products" WHERE code LIKE $1"#,
            "DELETE FROM `products` WHERE code LIKE ?",
            r#"DELETE FROM "products" WHERE code LIKE @p1"#,
        )
    );
    assert_eq!(Product::schema().table.as_str(), "products");
}

async fn golden_updates_joins_groups_and_subqueries_through_the_host(backend: Backend) {
    let Some(db) = backend.golden_products().await else {
        return;
    };
    let db = db.with_now(|| chrono::DateTime::from_timestamp(0, 0).unwrap_or_default());
    let cases: Vec<(&str, String)> = vec![
        (
            // G91
            backend.pick4(
                "UPDATE `products` SET `code`=?,`updated_at`=? WHERE `products`.`deleted_at` IS NULL AND `id` = ?",
                r#"UPDATE "products" SET "code"=$1,"updated_at"=$2 WHERE "products"."deleted_at" IS NULL AND "id" = $3"#,
                "UPDATE `products` SET `code`=?,`updated_at`=? WHERE `products`.`deleted_at` IS NULL AND `id` = ?",
            r#"UPDATE "products" SET "code"=@p1,"updated_at"=@p2 WHERE "products"."deleted_at" IS NULL AND "id" = @p3"#,
),
            sql_of(&db, |tx| async move {
                let mut p = Product {
                    id: 111,
                    ..Default::default()
                };
                tx.record(&mut p).update("code", "hello").await
            })
            .await
            .0,
        ),
        (
            // G92
            backend.pick4(
                "UPDATE `products` SET `code`=?,`updated_at`=? WHERE price > ? AND `products`.`deleted_at` IS NULL",
                r#"UPDATE "products" SET "code"=$1,"updated_at"=$2 WHERE price > $3 AND "products"."deleted_at" IS NULL"#,
                "UPDATE `products` SET `code`=?,`updated_at`=? WHERE price > ? AND `products`.`deleted_at` IS NULL",
            r#"UPDATE "products" SET "code"=@p1,"updated_at"=@p2 WHERE price > @p3 AND "products"."deleted_at" IS NULL"#,
),
            sql_of(&db, |tx| async move {
                tx.model::<Product>()
                    .filter("price > ?", (1,))
                    .update("code", "hello")
                    .await
            })
            .await
            .0,
        ),
        (
            // G97
            backend.pick4(
                "UPDATE `products` SET `code`=? WHERE `products`.`deleted_at` IS NULL AND `id` = ?",
                r#"UPDATE "products" SET "code"=$1 WHERE "products"."deleted_at" IS NULL AND "id" = $2"#,
                "UPDATE `products` SET `code`=? WHERE `products`.`deleted_at` IS NULL AND `id` = ?",
            r#"UPDATE "products" SET "code"=@p1 WHERE "products"."deleted_at" IS NULL AND "id" = @p2"#,
),
            sql_of(&db, |tx| async move {
                let mut p = Product {
                    id: 111,
                    ..Default::default()
                };
                tx.record(&mut p).update_column("code", "hello").await
            })
            .await
            .0,
        ),
        (
            // G102
            backend.pick4(
                "UPDATE `products` SET `code`=?,`price`=?,`created_at`=?,`updated_at`=?,`deleted_at`=? WHERE `products`.`deleted_at` IS NULL AND `id` = ?",
                r#"UPDATE "products" SET "code"=$1,"price"=$2,"created_at"=$3,"updated_at"=$4,"deleted_at"=$5 WHERE "products"."deleted_at" IS NULL AND "id" = $6"#,
                "UPDATE `products` SET `code`=?,`price`=?,`created_at`=?,`updated_at`=?,`deleted_at`=? WHERE `products`.`deleted_at` IS NULL AND `id` = ?",
            r#"UPDATE "products" SET "code"=@p1,"price"=@p2,"created_at"=@p3,"updated_at"=@p4,"deleted_at"=@p5 WHERE "products"."deleted_at" IS NULL AND "id" = @p6"#,
),
            sql_of(&db, |tx| async move {
                let mut p = Product {
                    id: 111,
                    code: "c".into(),
                    ..Default::default()
                };
                tx.save(&mut p).await
            })
            .await
            .0,
        ),
        (
            // G104
            backend.pick4(
                "UPDATE `products` SET `price`=?,`updated_at`=? WHERE price > ? AND `products`.`deleted_at` IS NULL RETURNING *",
                r#"UPDATE "products" SET "price"=$1,"updated_at"=$2 WHERE price > $3 AND "products"."deleted_at" IS NULL RETURNING *"#,
                "refused: not supported: the mysql dialect cannot return modified rows (RETURNING)",
            r#"UPDATE "products" SET "price"=@p1,"updated_at"=@p2 OUTPUT INSERTED.* WHERE price > @p3 AND "products"."deleted_at" IS NULL"#,
),
            sql_of(&db, |tx| async move {
                tx.model::<Product>()
                    .filter("price > ?", (1,))
                    .update_returning("price", Value::I64(2))
                    .await
            })
            .await
            .0,
        ),
        (
            // G61: with a join, the model's own columns are listed, not `*`.
            backend.pick4(
                "SELECT `products`.`id`,`products`.`code`,`products`.`price`,`products`.`created_at`,`products`.`updated_at`,`products`.`deleted_at` FROM `products` JOIN emails ON emails.user_id = products.id AND emails.email = ? WHERE `products`.`deleted_at` IS NULL",
                r#"SELECT "products"."id","products"."code","products"."price","products"."created_at","products"."updated_at","products"."deleted_at" FROM "products" JOIN emails ON emails.user_id = products.id AND emails.email = $1 WHERE "products"."deleted_at" IS NULL"#,
                "SELECT `products`.`id`,`products`.`code`,`products`.`price`,`products`.`created_at`,`products`.`updated_at`,`products`.`deleted_at` FROM `products` JOIN emails ON emails.user_id = products.id AND emails.email = ? WHERE `products`.`deleted_at` IS NULL",
            r#"SELECT "products"."id","products"."code","products"."price","products"."created_at","products"."updated_at","products"."deleted_at" FROM "products" JOIN emails ON emails.user_id = products.id AND emails.email = @p1 WHERE "products"."deleted_at" IS NULL"#,
),
            sql_of(&db, |tx| async move {
                tx.model::<Product>()
                    .joins(
                        "JOIN emails ON emails.user_id = products.id AND emails.email = ?",
                        ("a@b.c",),
                    )
                    .find()
                    .await
            })
            .await
            .0,
        ),
        (
            // G49
            backend.pick4(
                "SELECT code, sum(price) as total FROM `products` WHERE `products`.`deleted_at` IS NULL GROUP BY `code` HAVING sum(price) > ?",
                r#"SELECT code, sum(price) as total FROM "products" WHERE "products"."deleted_at" IS NULL GROUP BY "code" HAVING sum(price) > $1"#,
                "SELECT code, sum(price) as total FROM `products` WHERE `products`.`deleted_at` IS NULL GROUP BY `code` HAVING sum(price) > ?",
            r#"SELECT code, sum(price) as total FROM "products" WHERE "products"."deleted_at" IS NULL GROUP BY "code" HAVING sum(price) > @p1"#,
),
            sql_of(&db, |tx| async move {
                tx.model::<Product>()
                    .select(&["code, sum(price) as total"])
                    .group("code")
                    .having("sum(price) > ?", (100,))
                    .find_maps()
                    .await
            })
            .await
            .0,
        ),
        (
            // G38
            backend.pick4(
                "SELECT `code`,`price` FROM `products` WHERE `products`.`deleted_at` IS NULL",
                r#"SELECT "code","price" FROM "products" WHERE "products"."deleted_at" IS NULL"#,
                "SELECT `code`,`price` FROM `products` WHERE `products`.`deleted_at` IS NULL",
            r#"SELECT "code","price" FROM "products" WHERE "products"."deleted_at" IS NULL"#,
),
            sql_of(&db, |tx| async move {
                tx.model::<Product>()
                    .select(&["code", "price"])
                    .find()
                    .await
            })
            .await
            .0,
        ),
        (
            // G42
            backend.pick4(
                "SELECT DISTINCT `code`,`price` FROM `products` WHERE `products`.`deleted_at` IS NULL ORDER BY code, price desc",
                r#"SELECT DISTINCT "code","price" FROM "products" WHERE "products"."deleted_at" IS NULL ORDER BY code, price desc"#,
                "SELECT DISTINCT `code`,`price` FROM `products` WHERE `products`.`deleted_at` IS NULL ORDER BY code, price desc",
            r#"SELECT DISTINCT "code","price" FROM "products" WHERE "products"."deleted_at" IS NULL ORDER BY code, price desc"#,
),
            sql_of(&db, |tx| async move {
                tx.model::<Product>()
                    .distinct()
                    .select(&["code", "price"])
                    .order("code, price desc")
                    .find()
                    .await
            })
            .await
            .0,
        ),
    ];
    for (expected, got) in &cases {
        assert_eq!(got, expected);
    }
    // G64: the sub-query's placeholders are numbered in the outer statement.
    let sub = db
        .model::<Product>()
        .select(&["id"])
        .filter("price > ?", (18,))
        .subquery()
        .unwrap();
    let (text, params) = sql_of(&db, |tx| async move {
        tx.model::<Product>()
            .filter("id IN (?)", (sub,))
            .filter("code <> ?", ("z",))
            .find()
            .await
    })
    .await;
    assert_eq!(
        text,
        backend.pick4(
            "SELECT * FROM `products` WHERE id IN (SELECT `id` FROM `products` WHERE price > ? AND `products`.`deleted_at` IS NULL) AND code <> ? AND `products`.`deleted_at` IS NULL",
            r#"SELECT * FROM "products" WHERE id IN (SELECT "id" FROM "products" WHERE price > $1 AND "products"."deleted_at" IS NULL) AND code <> $2 AND "products"."deleted_at" IS NULL"#,
            "SELECT * FROM `products` WHERE id IN (SELECT `id` FROM `products` WHERE price > ? AND `products`.`deleted_at` IS NULL) AND code <> ? AND `products`.`deleted_at` IS NULL",
            r#"SELECT * FROM "products" WHERE id IN (SELECT "id" FROM "products" WHERE price > @p1 AND "products"."deleted_at" IS NULL) AND code <> @p2 AND "products"."deleted_at" IS NULL"#,
)
    );
    assert_eq!(params, [Value::I64(18), Value::from("z")]);
}
