//! Queries without a model (`db.table("products")`, GORM's `db.Table`): the builder and
//! the finishers that need no model (`find_maps`, `scan`, `count`, `pluck`, `rows`,
//! `stream`), their SQL on every dialect (G48, G50, G54), and `scan` into types that
//! are no model of the query.

use std::collections::BTreeMap;

use plugorm::{Model, Value};
use plugorm_tests::{matrix::Backend, product::Product};

plugorm_tests::matrix!(
    a_table_query_renders_as_gorm_without_a_model,
    a_table_query_reads_maps_tuples_and_structs,
    a_table_query_counts_plucks_and_streams,
    a_model_query_scans_into_other_types,
    a_table_query_refuses_what_cannot_be_read,
    a_table_query_creates_updates_and_deletes,
    aliases_counts_and_joins_read_as_gorm_reads_them,
    a_limited_update_is_written_or_refused_never_widened,
);

/// What a scan reads: a plain struct with no table of its own.
#[derive(Model, Debug, Default, Clone, PartialEq)]
struct CodePrice {
    code: String,
    price: i64,
}

fn sql(r: plugorm::Result<plugorm::Sql>) -> String {
    match r {
        Ok(s) => s.text.to_string(),
        Err(e) => format!("refused: {e}"),
    }
}

async fn a_table_query_renders_as_gorm_without_a_model(backend: Backend) {
    let Some(db) = backend.products().await else {
        return;
    };
    // G48: no model, so no soft-delete condition and no key to order by.
    let text = sql(db
        .to_sql(|tx| async move { tx.table("products").limit(5).find_maps().await })
        .await);
    assert_eq!(
        text,
        backend.pick(
            "SELECT * FROM `products` LIMIT 5",
            r#"SELECT * FROM "products" LIMIT $1"#,
            "SELECT * FROM `products` LIMIT ?",
        )
    );
    // G50 (as `products`): raw select text, GROUP BY a quoted name, HAVING with a list.
    let text = sql(db
        .to_sql(|tx| async move {
            tx.table("products")
                .select(&["code, count(*) as total"])
                .group("code")
                .having("code IN ?", (vec!["a", "b"],))
                .find_maps()
                .await
        })
        .await);
    assert_eq!(
        text,
        backend.pick(
            "SELECT code, count(*) as total FROM `products` GROUP BY `code` HAVING code IN (?,?)",
            r#"SELECT code, count(*) as total FROM "products" GROUP BY "code" HAVING code IN ($1,$2)"#,
            "SELECT code, count(*) as total FROM `products` GROUP BY `code` HAVING code IN (?,?)",
        )
    );
    // G54: count drops ORDER BY.
    let text = sql(db
        .to_sql(|tx| async move { tx.table("deleted_products").order("code").count().await })
        .await);
    assert_eq!(
        text,
        backend.pick(
            "SELECT count(*) FROM `deleted_products`",
            r#"SELECT count(*) FROM "deleted_products""#,
            "SELECT count(*) FROM `deleted_products`",
        )
    );
    // Names are columns quoted by the dialect, unqualified as GORM writes map keys; a
    // plain name in `select` is quoted too, an expression is taken as written.
    let text = sql(db
        .to_sql(|tx| async move {
            tx.table("products")
                .select(&["code", "max(price) AS top"])
                .filter_map([("price", 3)])?
                .or("code = ?", ("Z",))
                .group("code")
                .find_maps()
                .await
        })
        .await);
    assert_eq!(
        text,
        backend.pick(
            "SELECT `code`,max(price) AS top FROM `products` WHERE `price` = ? OR code = ? GROUP BY `code`",
            r#"SELECT "code",max(price) AS top FROM "products" WHERE "price" = $1 OR code = $2 GROUP BY "code""#,
            "SELECT `code`,max(price) AS top FROM `products` WHERE `price` = ? OR code = ? GROUP BY `code`",
        )
    );
    // DISTINCT pluck of a bare name (issue: not `products`.`price`).
    let text = sql(db
        .to_sql(|tx| async move { tx.table("products").distinct().pluck::<i64>("price").await })
        .await);
    assert_eq!(
        text,
        backend.pick(
            "SELECT DISTINCT `price` FROM `products`",
            r#"SELECT DISTINCT "price" FROM "products""#,
            "SELECT DISTINCT `price` FROM `products`",
        )
    );
}

async fn a_table_query_reads_maps_tuples_and_structs(backend: Backend) {
    let Some(db) = backend.products_with(&[("a", 1), ("b", 2), ("c", 2)]).await else {
        return;
    };
    let cheap = || {
        db.table("products")
            .select(&["code", "price"])
            .filter("price < ?", (3,))
            .order("code")
    };
    let maps: Vec<BTreeMap<String, Value>> = cheap().find_maps().await.unwrap();
    assert_eq!(maps.len(), 3);
    assert_eq!(maps[0].get("code"), Some(&Value::from("A")));
    assert_eq!(maps[2].get("price"), Some(&Value::I64(2)));
    let pairs: Vec<(String, i64)> = cheap().scan().await.unwrap();
    assert_eq!(
        pairs,
        [
            ("A".to_string(), 1),
            ("B".to_string(), 2),
            ("C".to_string(), 2)
        ]
    );
    let structs: Vec<CodePrice> = cheap().filter("price = ?", (2,)).scan().await.unwrap();
    assert_eq!(
        structs,
        [
            CodePrice {
                code: "B".into(),
                price: 2
            },
            CodePrice {
                code: "C".into(),
                price: 2
            },
        ]
    );
    // No model, so no soft delete: a soft-deleted row is still a row of the table.
    let mut a = db
        .model::<Product>()
        .filter("code = ?", ("A",))
        .first()
        .await
        .unwrap();
    db.delete(&mut a).await.unwrap();
    assert_eq!(db.model::<Product>().count().await.unwrap(), 2);
    assert_eq!(db.table("products").count().await.unwrap(), 3);
}

async fn a_table_query_counts_plucks_and_streams(backend: Backend) {
    let Some(db) = backend
        .products_with(&[("a", 1), ("b", 2), ("c", 2), ("d", 7)])
        .await
    else {
        return;
    };
    let t = || db.table("products");
    assert_eq!(t().filter("price = ?", (2,)).count().await.unwrap(), 2);
    assert_eq!(t().distinct().select(&["price"]).count().await.unwrap(), 3);
    let mut prices: Vec<i64> = t().distinct().pluck("price").await.unwrap();
    prices.sort();
    assert_eq!(prices, [1, 2, 7]);
    assert!(t().filter("price > ?", (5,)).exists().await.unwrap());
    let mut cursor = t().select(&["code"]).order("code").rows().await.unwrap();
    assert_eq!(cursor.names(), ["code"]);
    let mut read = 0;
    while let Some(batch) = cursor.next_batch().await.unwrap() {
        read += batch.len();
    }
    assert_eq!(read, 4);
    let mut stream = t()
        .select(&["code"])
        .filter("price > ?", (1,))
        .order("code")
        .stream::<(String,)>()
        .await
        .unwrap();
    let mut codes = Vec::new();
    while let Some((code,)) = stream.next().await.unwrap() {
        codes.push(code);
    }
    assert_eq!(codes, ["B", "C", "D"]);
}

async fn a_model_query_scans_into_other_types(backend: Backend) {
    let Some(db) = backend.products_with(&[("a", 1), ("b", 2), ("c", 2)]).await else {
        return;
    };
    let per_price: Vec<(i64, i64)> = db
        .model::<Product>()
        .select(&["price", "count(*) AS n"])
        .group("price")
        .order("price")
        .scan()
        .await
        .unwrap();
    assert_eq!(per_price, [(1, 1), (2, 2)]);
    // GROUP BY an expression, written as given.
    let by_parity: Vec<(i64, i64)> = db
        .model::<Product>()
        .select(&["price % 2 AS odd", "count(*) AS n"])
        .group_raw("price % 2", ())
        .order("odd")
        .scan()
        .await
        .unwrap();
    assert_eq!(by_parity, [(0, 2), (1, 1)]);
    // Raw SQL reads into the same types.
    let raw: Vec<(String, i64)> = db
        .raw_as(
            "SELECT code, price FROM products WHERE price = ? ORDER BY code",
            (2,),
        )
        .await
        .unwrap();
    assert_eq!(raw, [("B".to_string(), 2), ("C".to_string(), 2)]);
    let slim: Vec<CodePrice> = db
        .model::<Product>()
        .filter("price = ?", (1,))
        .scan()
        .await
        .unwrap();
    assert_eq!(
        slim,
        [CodePrice {
            code: "A".into(),
            price: 1
        }]
    );
}

async fn a_table_query_refuses_what_cannot_be_read(backend: Backend) {
    let Some(db) = backend.products_with(&[("a", 1)]).await else {
        return;
    };
    // A tuple of the wrong width names the columns it found.
    let wrong = db
        .table("products")
        .select(&["code", "price"])
        .scan::<(String,)>()
        .await;
    match wrong {
        Err(e) => {
            let text = e.to_string();
            assert!(text.contains("2 column(s) (code, price)"), "{text}");
        }
        Ok(v) => panic!("a one-element tuple read two columns: {v:?}"),
    }
    // A table that does not exist is the database's error, not an empty result.
    assert!(db.table("no_such_table").count().await.is_err());
    // A name is an identifier, never SQL: a column named like a condition is unknown.
    let sneaky = db
        .table("products")
        .filter_map([("price = 1 OR 1", 1)])
        .unwrap()
        .count()
        .await;
    assert!(sneaky.is_err(), "{sneaky:?}");
}

async fn a_table_query_creates_updates_and_deletes(backend: Backend) {
    let Some(db) = backend.products_with(&[("a", 1), ("b", 2)]).await else {
        return;
    };
    let t = || db.table("products");
    let stamp = chrono::DateTime::from_timestamp(0, 0)
        .unwrap_or_default()
        .naive_utc();
    let id = t()
        .create_map([
            ("code", Value::from("M")),
            ("price", Value::from(9)),
            ("created_at", Value::from(stamp)),
            ("updated_at", Value::from(stamp)),
        ])
        .await
        .unwrap();
    // No model, so no key column to return: the driver's insert id where it has one.
    match backend {
        Backend::Postgres => assert_eq!(id, None),
        _ => assert!(matches!(id, Some(Value::I64(n)) if n > 0), "{id:?}"),
    }
    // No model: no auto-update time, no soft delete; names are columns.
    let n = t()
        .filter("code = ?", ("M",))
        .update("price", 10)
        .await
        .unwrap();
    assert_eq!(n, 1);
    let m: Vec<(i64, chrono::NaiveDateTime)> = t()
        .select(&["price", "updated_at"])
        .filter("code = ?", ("M",))
        .scan()
        .await
        .unwrap();
    assert_eq!(m, [(10, stamp)]);
    let n = t()
        .filter("price < ?", (3,))
        .updates_map([("price", 3)])
        .await
        .unwrap();
    assert_eq!(n, 2);
    assert_eq!(t().filter("code = ?", ("A",)).delete().await.unwrap(), 1);
    assert_eq!(t().count().await.unwrap(), 2);
    // Without a condition a bulk write is refused, as for models.
    assert!(matches!(
        t().delete().await,
        Err(plugorm::Error::MissingWhereClause(_))
    ));
    let text = sql(db
        .to_sql(|tx| async move {
            tx.table("products")
                .filter("price > ?", (1,))
                .update("price", 2)
                .await
                .map(|_| ())
        })
        .await);
    assert_eq!(
        text,
        backend.pick(
            "UPDATE `products` SET `price`=? WHERE price > ?",
            r#"UPDATE "products" SET "price"=$1 WHERE price > $2"#,
            "UPDATE `products` SET `price`=? WHERE price > ?",
        )
    );
}

async fn aliases_counts_and_joins_read_as_gorm_reads_them(backend: Backend) {
    let Some(db) = backend.products_with(&[("a", 1), ("b", 2), ("c", 2)]).await else {
        return;
    };
    // G66 with the names quoted: an alias qualifies the model's conditions.
    let text = sql(db
        .to_sql(|tx| async move {
            tx.model::<Product>()
                .table("products AS p")
                .select(&["code"])
                .find()
                .await
        })
        .await);
    assert_eq!(
        text,
        backend.pick(
            "SELECT `code` FROM `products` `p` WHERE `p`.`deleted_at` IS NULL",
            r#"SELECT "code" FROM "products" "p" WHERE "p"."deleted_at" IS NULL"#,
            "SELECT `code` FROM `products` `p` WHERE `p`.`deleted_at` IS NULL",
        )
    );
    let aliased = db
        .model::<Product>()
        .table("products p")
        .filter("p.price = ?", (2,));
    assert_eq!(aliased.count().await.unwrap(), 2);
    assert!(matches!(
        db.table("products; DROP TABLE products").count().await,
        Err(plugorm::Error::InvalidIdentifier { .. })
    ));
    // G65: rows read from a sub-query were filtered inside it; the outer query adds no
    // soft-delete condition on the alias, whose columns need not include it.
    let narrow = db.model::<Product>().select(&["code", "price"]);
    let from_sub = db
        .model::<Product>()
        .from_subquery(&narrow, "u")
        .unwrap()
        .filter("price = ?", (2,));
    let text = from_sub.find_sql().await.unwrap().text.to_string();
    assert_eq!(
        text,
        backend.pick(
            "SELECT * FROM (SELECT `code`,`price` FROM `products` WHERE `products`.`deleted_at` IS NULL) AS `u` WHERE price = ?",
            r#"SELECT * FROM (SELECT "code","price" FROM "products" WHERE "products"."deleted_at" IS NULL) AS "u" WHERE price = $1"#,
            "SELECT * FROM (SELECT `code`,`price` FROM `products` WHERE `products`.`deleted_at` IS NULL) AS `u` WHERE price = ?",
        )
    );
    assert_eq!(from_sub.count().await.unwrap(), 2);
    // A select that counts is the count (GORM keeps it).
    let distinct_prices = db
        .model::<Product>()
        .select(&["count(distinct(price))"])
        .count()
        .await
        .unwrap();
    assert_eq!(distinct_prices, 2);
    // With a join, the model's own columns are read: the joined table's `id` never
    // lands in the model's.
    let joined = db
        .model::<Product>()
        .inner_join(
            "products q",
            "q.price = products.price AND q.id <> products.id",
            (),
        )
        .order("products.id")
        .find()
        .await
        .unwrap();
    let codes: Vec<&str> = joined.iter().map(|p| p.code.as_str()).collect();
    assert_eq!(codes, ["B", "C"]);
    assert!(joined[0].id < joined[1].id);
    let counted = db
        .model::<Product>()
        .inner_join(
            "products q",
            "q.price = products.price AND q.id <> products.id",
            (),
        )
        .count()
        .await
        .unwrap();
    assert_eq!(counted, 2);
}

async fn a_limited_update_is_written_or_refused_never_widened(backend: Backend) {
    let Some(db) = backend.products_with(&[("a", 1), ("b", 2), ("c", 3)]).await else {
        return;
    };
    let first_two = || {
        db.model::<Product>()
            .filter("price > ?", (0,))
            .order("id")
            .limit(2)
    };
    let updated = first_two().update_column("price", 0).await;
    let deleted = db
        .model::<Product>()
        .unscoped()
        .filter("price >= ?", (0,))
        .order("id")
        .limit(2)
        .delete()
        .await;
    match backend {
        // G103: MySQL writes ORDER BY and LIMIT on UPDATE and DELETE.
        Backend::Mysql => {
            assert_eq!(updated.unwrap(), 2);
            assert_eq!(deleted.unwrap(), 2);
            let left: Vec<(String, i64)> = db
                .table("products")
                .select(&["code", "price"])
                .scan()
                .await
                .unwrap();
            assert_eq!(left, [("C".to_string(), 3)]);
        }
        // Elsewhere the write is refused: dropping the LIMIT would touch every row.
        _ => {
            for r in [updated, deleted] {
                match r {
                    Err(plugorm::Error::Db(plugorm::plugin_api::DbError::Unsupported(m))) => {
                        assert!(m.contains("ORDER BY or LIMIT"), "{m}")
                    }
                    other => panic!("a limited write ran: {other:?}"),
                }
            }
            let prices: Vec<i64> = db
                .model::<Product>()
                .order("id")
                .pluck("price")
                .await
                .unwrap();
            assert_eq!(prices, [1, 2, 3]);
        }
    }
}
