//! docs/golden-sql.md through the host's dry run on every backend: what the query API builds
//! for `products` (the spec's texts are for `users` in places: the same rules), each
//! dialect's text written out. SQLite writes LIMIT and OFFSET as literals and renders no
//! locking clause (it has no row locks); MySQL reads generated keys with
//! `LAST_INSERT_ID()`, not RETURNING. Statements built directly, and what only one
//! dialect renders, are in `postgres.rs` and `mysql/golden.rs`; the query builder's wider
//! surface in `golden/builder.rs`; saves, record updates and record reads in
//! `golden/save.rs`.

#[path = "golden/builder.rs"]
mod builder;
#[path = "golden/save.rs"]
mod save;
#[path = "golden/where_rules.rs"]
mod where_rules;

use plugorm::{
    plugin_api::statement::{Expr, OrderBy, Select, Statement, TableRef},
    OnConflict, Sql, Value,
};
use plugorm_tests::{bound_values, hand_schema::ok, matrix::Backend, product::Product};

plugorm_tests::matrix!(
    golden_queries_updates_deletes_and_locks,
    golden_creates_and_upserts,
    rendering_touches_no_database,
);

fn texts(sql: &[Sql]) -> Vec<&str> {
    sql.iter().map(|s| s.text.as_str()).collect()
}

async fn golden_queries_updates_deletes_and_locks(backend: Backend) {
    let Some(db) = backend.golden_products().await else {
        return;
    };
    let dry = db
        .dry_run()
        .with_now(|| chrono::DateTime::from_timestamp(0, 0).unwrap_or_default());
    let products = || dry.model::<Product>();
    ok(products().first().await, "G01");
    ok(products().id(10).first().await, "G04");
    ok(products().filter("name = ?", ("x",)).take().await, "G12");
    let names = products().filter("name IN ?", (vec!["a", "b"],));
    ok(names.find().await, "G13");
    ok(products().limit(10).offset(5).find().await, "G46");
    ok(products().offset(3).find().await, "G47");
    ok(
        products().order("age desc").order("name").find().await,
        "G43",
    );
    ok(products().count().await, "G29");
    ok(products().for_update().find().await, "G68");
    ok(products().for_update().nowait().find().await, "G70");
    ok(products().for_update().skip_locked().first().await, "G71");
    ok(products().for_share().find().await, "shared lock");
    let shared = products().for_share().nowait();
    ok(shared.find().await, "shared lock, NOWAIT");
    let cheap = products().filter("price > ?", (1,));
    ok(cheap.update("price", 5).await, "G92");
    let record = &mut Product {
        id: 3,
        ..Default::default()
    };
    ok(dry.delete(record).await, "G106");
    ok(products().unscoped().id(3).delete().await, "G109");
    let statements = dry.dry_run_statements();
    let expected = backend.pick4(
        [
            "SELECT * FROM `products` WHERE `products`.`deleted_at` IS NULL ORDER BY `products`.`id` LIMIT 1",
            "SELECT * FROM `products` WHERE `products`.`id` = ? AND `products`.`deleted_at` IS NULL ORDER BY `products`.`id` LIMIT 1",
            "SELECT * FROM `products` WHERE name = ? AND `products`.`deleted_at` IS NULL LIMIT 1",
            "SELECT * FROM `products` WHERE name IN (?,?) AND `products`.`deleted_at` IS NULL",
            "SELECT * FROM `products` WHERE `products`.`deleted_at` IS NULL LIMIT 10 OFFSET 5",
            // G47: SQLite needs a LIMIT before OFFSET; -1 is none.
            "SELECT * FROM `products` WHERE `products`.`deleted_at` IS NULL LIMIT -1 OFFSET 3",
            "SELECT * FROM `products` WHERE `products`.`deleted_at` IS NULL ORDER BY age desc,name",
            "SELECT count(*) FROM `products` WHERE `products`.`deleted_at` IS NULL",
            "SELECT * FROM `products` WHERE `products`.`deleted_at` IS NULL",
            "SELECT * FROM `products` WHERE `products`.`deleted_at` IS NULL",
            "SELECT * FROM `products` WHERE `products`.`deleted_at` IS NULL ORDER BY `products`.`id` LIMIT 1",
            "SELECT * FROM `products` WHERE `products`.`deleted_at` IS NULL",
            "SELECT * FROM `products` WHERE `products`.`deleted_at` IS NULL",
            "UPDATE `products` SET `price`=?,`updated_at`=? WHERE price > ? AND `products`.`deleted_at` IS NULL",
            "UPDATE `products` SET `deleted_at`=? WHERE `products`.`id` = ? AND `products`.`deleted_at` IS NULL",
            "DELETE FROM `products` WHERE `products`.`id` = ?",
        ],
        [
            r#"SELECT * FROM "products" WHERE "products"."deleted_at" IS NULL ORDER BY "products"."id" LIMIT $1"#,
            r#"SELECT * FROM "products" WHERE "products"."id" = $1 AND "products"."deleted_at" IS NULL ORDER BY "products"."id" LIMIT $2"#,
            r#"SELECT * FROM "products" WHERE name = $1 AND "products"."deleted_at" IS NULL LIMIT $2"#,
            r#"SELECT * FROM "products" WHERE name IN ($1,$2) AND "products"."deleted_at" IS NULL"#,
            r#"SELECT * FROM "products" WHERE "products"."deleted_at" IS NULL LIMIT $1 OFFSET $2"#,
            r#"SELECT * FROM "products" WHERE "products"."deleted_at" IS NULL OFFSET $1"#,
            r#"SELECT * FROM "products" WHERE "products"."deleted_at" IS NULL ORDER BY age desc,name"#,
            r#"SELECT count(*) FROM "products" WHERE "products"."deleted_at" IS NULL"#,
            r#"SELECT * FROM "products" WHERE "products"."deleted_at" IS NULL FOR UPDATE"#,
            r#"SELECT * FROM "products" WHERE "products"."deleted_at" IS NULL FOR UPDATE NOWAIT"#,
            r#"SELECT * FROM "products" WHERE "products"."deleted_at" IS NULL ORDER BY "products"."id" LIMIT $1 FOR UPDATE SKIP LOCKED"#,
            r#"SELECT * FROM "products" WHERE "products"."deleted_at" IS NULL FOR SHARE"#,
            r#"SELECT * FROM "products" WHERE "products"."deleted_at" IS NULL FOR SHARE NOWAIT"#,
            r#"UPDATE "products" SET "price"=$1,"updated_at"=$2 WHERE price > $3 AND "products"."deleted_at" IS NULL"#,
            r#"UPDATE "products" SET "deleted_at"=$1 WHERE "products"."id" = $2 AND "products"."deleted_at" IS NULL"#,
            r#"DELETE FROM "products" WHERE "products"."id" = $1"#,
        ],
        [
            "SELECT * FROM `products` WHERE `products`.`deleted_at` IS NULL ORDER BY `products`.`id` LIMIT ?",
            "SELECT * FROM `products` WHERE `products`.`id` = ? AND `products`.`deleted_at` IS NULL ORDER BY `products`.`id` LIMIT ?",
            "SELECT * FROM `products` WHERE name = ? AND `products`.`deleted_at` IS NULL LIMIT ?",
            "SELECT * FROM `products` WHERE name IN (?,?) AND `products`.`deleted_at` IS NULL",
            "SELECT * FROM `products` WHERE `products`.`deleted_at` IS NULL LIMIT ? OFFSET ?",
            // G47: GORM writes `OFFSET ?` alone, which MySQL and MariaDB reject.
            "SELECT * FROM `products` WHERE `products`.`deleted_at` IS NULL LIMIT 18446744073709551615 OFFSET ?",
            "SELECT * FROM `products` WHERE `products`.`deleted_at` IS NULL ORDER BY age desc,name",
            "SELECT count(*) FROM `products` WHERE `products`.`deleted_at` IS NULL",
            "SELECT * FROM `products` WHERE `products`.`deleted_at` IS NULL FOR UPDATE",
            "SELECT * FROM `products` WHERE `products`.`deleted_at` IS NULL FOR UPDATE NOWAIT",
            "SELECT * FROM `products` WHERE `products`.`deleted_at` IS NULL ORDER BY `products`.`id` LIMIT ? FOR UPDATE SKIP LOCKED",
            // FOR SHARE on MariaDB (the server of these tests) and MySQL 5.x.
            "SELECT * FROM `products` WHERE `products`.`deleted_at` IS NULL LOCK IN SHARE MODE",
            "SELECT * FROM `products` WHERE `products`.`deleted_at` IS NULL LOCK IN SHARE MODE NOWAIT",
            "UPDATE `products` SET `price`=?,`updated_at`=? WHERE price > ? AND `products`.`deleted_at` IS NULL",
            "UPDATE `products` SET `deleted_at`=? WHERE `products`.`id` = ? AND `products`.`deleted_at` IS NULL",
            "DELETE FROM `products` WHERE `products`.`id` = ?",
        ],
        [
            r#"SELECT * FROM "products" WHERE "products"."deleted_at" IS NULL ORDER BY "products"."id" OFFSET 0 ROW FETCH NEXT 1 ROWS ONLY"#,
            r#"SELECT * FROM "products" WHERE "products"."id" = @p1 AND "products"."deleted_at" IS NULL ORDER BY "products"."id" OFFSET 0 ROW FETCH NEXT 1 ROWS ONLY"#,
            // Paging needs an ORDER BY: the key, unqualified, as GORM's driver writes it.
            r#"SELECT * FROM "products" WHERE name = @p1 AND "products"."deleted_at" IS NULL ORDER BY "id" OFFSET 0 ROW FETCH NEXT 1 ROWS ONLY"#,
            r#"SELECT * FROM "products" WHERE name IN (@p1,@p2) AND "products"."deleted_at" IS NULL"#,
            r#"SELECT * FROM "products" WHERE "products"."deleted_at" IS NULL ORDER BY "id" OFFSET 5 ROWS FETCH NEXT 10 ROWS ONLY"#,
            r#"SELECT * FROM "products" WHERE "products"."deleted_at" IS NULL ORDER BY "id" OFFSET 3 ROWS"#,
            r#"SELECT * FROM "products" WHERE "products"."deleted_at" IS NULL ORDER BY age desc,name"#,
            r#"SELECT count(*) FROM "products" WHERE "products"."deleted_at" IS NULL"#,
            // Row locks as table hints (GORM writes `FOR UPDATE`, which T-SQL rejects).
            r#"SELECT * FROM "products" WITH (UPDLOCK, ROWLOCK) WHERE "products"."deleted_at" IS NULL"#,
            r#"SELECT * FROM "products" WITH (UPDLOCK, ROWLOCK, NOWAIT) WHERE "products"."deleted_at" IS NULL"#,
            r#"SELECT * FROM "products" WITH (UPDLOCK, ROWLOCK, READPAST) WHERE "products"."deleted_at" IS NULL ORDER BY "products"."id" OFFSET 0 ROW FETCH NEXT 1 ROWS ONLY"#,
            r#"SELECT * FROM "products" WITH (HOLDLOCK, ROWLOCK) WHERE "products"."deleted_at" IS NULL"#,
            r#"SELECT * FROM "products" WITH (HOLDLOCK, ROWLOCK, NOWAIT) WHERE "products"."deleted_at" IS NULL"#,
            r#"UPDATE "products" SET "price"=@p1,"updated_at"=@p2 WHERE price > @p3 AND "products"."deleted_at" IS NULL"#,
            r#"UPDATE "products" SET "deleted_at"=@p1 WHERE "products"."id" = @p2 AND "products"."deleted_at" IS NULL"#,
            r#"DELETE FROM "products" WHERE "products"."id" = @p1"#,
        ],
    );
    assert_eq!(texts(&statements), expected);
    // LIMIT and OFFSET are bound where the dialect binds them, never spliced.
    let bound = |i: usize| bound_values(&statements[i]);
    match backend {
        Backend::Sqlite => {
            assert_eq!(bound(1), [Value::I64(10)]);
            assert!(bound(4).is_empty() && bound(5).is_empty());
        }
        // SQL Server writes OFFSET / FETCH as literals, as GORM's driver does.
        Backend::SqlServer => {
            assert_eq!(bound(1), [Value::I64(10)]);
            assert!(bound(4).is_empty() && bound(5).is_empty());
        }
        Backend::Postgres | Backend::Mysql => {
            assert_eq!(
                bound(1),
                [Value::I64(10), Value::I64(1)],
                "G04 binds [10, 1]"
            );
            assert_eq!(bound(4), [Value::I64(10), Value::I64(5)]);
            assert_eq!(bound(5), [Value::I64(3)]);
        }
    }
    // Nothing ran.
    assert_eq!(db.model::<Product>().unscoped().count().await.unwrap(), 0);
}

async fn golden_creates_and_upserts(backend: Backend) {
    let Some(db) = backend.golden_products().await else {
        return;
    };
    let fixed = chrono::DateTime::from_timestamp(0, 0).unwrap_or_default();
    let dry = db.dry_run().with_now(move || fixed).skip_hooks();
    let product = |code: &str| Product {
        code: code.into(),
        price: 5,
        ..Default::default()
    };
    ok(dry.create(&mut product("x")).await, "G72");
    let two = &mut [product("a"), product("b")];
    ok(dry.create_many(two).await, "G74");
    let update_price = OnConflict::update_columns(&["price"]).on(&["code"]);
    let upsert = dry.on_conflict(update_price);
    ok(upsert.create(&mut product("x")).await, "G83");
    let nothing = OnConflict::do_nothing().on(&["code"]);
    ok(
        dry.on_conflict(nothing).create(&mut product("x")).await,
        "G88",
    );
    let all = OnConflict::update_all();
    ok(dry.on_conflict(all).create(&mut product("x")).await, "G85");
    let mut keyed = Product {
        id: 7,
        ..product("k")
    };
    ok(dry.create(&mut keyed).await, "G73");
    let expected = backend.pick4(
        [
            "INSERT INTO `products` (`code`,`price`,`created_at`,`updated_at`,`deleted_at`) VALUES (?,?,?,?,?) RETURNING `id`",
            "INSERT INTO `products` (`code`,`price`,`created_at`,`updated_at`,`deleted_at`) VALUES (?,?,?,?,?),(?,?,?,?,?) RETURNING `id`",
            "INSERT INTO `products` (`code`,`price`,`created_at`,`updated_at`,`deleted_at`) VALUES (?,?,?,?,?) ON CONFLICT (`code`) DO UPDATE SET `price`=`excluded`.`price` RETURNING `id`",
            "INSERT INTO `products` (`code`,`price`,`created_at`,`updated_at`,`deleted_at`) VALUES (?,?,?,?,?) ON CONFLICT DO NOTHING RETURNING `id`",
            "INSERT INTO `products` (`code`,`price`,`created_at`,`updated_at`,`deleted_at`) VALUES (?,?,?,?,?) ON CONFLICT (`id`) DO UPDATE SET `updated_at`=?,`code`=`excluded`.`code`,`price`=`excluded`.`price`,`deleted_at`=`excluded`.`deleted_at` RETURNING `id`",
            // G73: a key set by the caller comes last, and is still read back.
            "INSERT INTO `products` (`code`,`price`,`created_at`,`updated_at`,`deleted_at`,`id`) VALUES (?,?,?,?,?,?) RETURNING `id`",
        ],
        [
            r#"INSERT INTO "products" ("code","price","created_at","updated_at","deleted_at") VALUES ($1,$2,$3,$4,$5) RETURNING "id""#,
            r#"INSERT INTO "products" ("code","price","created_at","updated_at","deleted_at") VALUES ($1,$2,$3,$4,$5),($6,$7,$8,$9,$10) RETURNING "id""#,
            r#"INSERT INTO "products" ("code","price","created_at","updated_at","deleted_at") VALUES ($1,$2,$3,$4,$5) ON CONFLICT ("code") DO UPDATE SET "price"="excluded"."price" RETURNING "id""#,
            // G88's DO NOTHING.
            r#"INSERT INTO "products" ("code","price","created_at","updated_at","deleted_at") VALUES ($1,$2,$3,$4,$5) ON CONFLICT DO NOTHING RETURNING "id""#,
            // G85's shape: the key is the target, created_at is kept, updated_at bound
            // to now and set first.
            r#"INSERT INTO "products" ("code","price","created_at","updated_at","deleted_at") VALUES ($1,$2,$3,$4,$5) ON CONFLICT ("id") DO UPDATE SET "updated_at"=$6,"code"="excluded"."code","price"="excluded"."price","deleted_at"="excluded"."deleted_at" RETURNING "id""#,
            r#"INSERT INTO "products" ("code","price","created_at","updated_at","deleted_at","id") VALUES ($1,$2,$3,$4,$5,$6) RETURNING "id""#,
        ],
        [
            "INSERT INTO `products` (`code`,`price`,`created_at`,`updated_at`,`deleted_at`) VALUES (?,?,?,?,?)",
            "INSERT INTO `products` (`code`,`price`,`created_at`,`updated_at`,`deleted_at`) VALUES (?,?,?,?,?),(?,?,?,?,?)",
            "INSERT INTO `products` (`code`,`price`,`created_at`,`updated_at`,`deleted_at`) VALUES (?,?,?,?,?) ON DUPLICATE KEY UPDATE `price`=VALUES(`price`)",
            // MySQL has no DO NOTHING: a no-op assignment.
            "INSERT INTO `products` (`code`,`price`,`created_at`,`updated_at`,`deleted_at`) VALUES (?,?,?,?,?) ON DUPLICATE KEY UPDATE `code`=`code`",
            "INSERT INTO `products` (`code`,`price`,`created_at`,`updated_at`,`deleted_at`) VALUES (?,?,?,?,?) ON DUPLICATE KEY UPDATE `updated_at`=?,`code`=VALUES(`code`),`price`=VALUES(`price`),`deleted_at`=VALUES(`deleted_at`)",
            "INSERT INTO `products` (`code`,`price`,`created_at`,`updated_at`,`deleted_at`,`id`) VALUES (?,?,?,?,?,?)",
        ],
        [
            r#"INSERT INTO "products" ("code","price","created_at","updated_at","deleted_at") OUTPUT INSERTED."id" VALUES (@p1,@p2,@p3,@p4,@p5);"#,
            r#"INSERT INTO "products" ("code","price","created_at","updated_at","deleted_at") OUTPUT INSERTED."id" VALUES (@p1,@p2,@p3,@p4,@p5),(@p6,@p7,@p8,@p9,@p10);"#,
            // Upserts are MERGE, keyed on the conflict columns, the key read back.
            r#"MERGE INTO "products" USING (VALUES(@p1,@p2,@p3,@p4,@p5)) AS excluded ("code","price","created_at","updated_at","deleted_at") ON "products"."code" = "excluded"."code" WHEN MATCHED THEN UPDATE SET "price"="excluded"."price" WHEN NOT MATCHED THEN INSERT ("code","price","created_at","updated_at","deleted_at") VALUES ("excluded"."code","excluded"."price","excluded"."created_at","excluded"."updated_at","excluded"."deleted_at") OUTPUT INSERTED."id";"#,
            r#"MERGE INTO "products" USING (VALUES(@p1,@p2,@p3,@p4,@p5)) AS excluded ("code","price","created_at","updated_at","deleted_at") ON "products"."code" = "excluded"."code" WHEN NOT MATCHED THEN INSERT ("code","price","created_at","updated_at","deleted_at") VALUES ("excluded"."code","excluded"."price","excluded"."created_at","excluded"."updated_at","excluded"."deleted_at") OUTPUT INSERTED."id";"#,
            // G85: MERGE only when every key column is inserted; a new row is a plain INSERT.
            r#"INSERT INTO "products" ("code","price","created_at","updated_at","deleted_at") OUTPUT INSERTED."id" VALUES (@p1,@p2,@p3,@p4,@p5);"#,
            // G73: IDENTITY_INSERT is on for the one INSERT that sets the key.
            r#"SET IDENTITY_INSERT "products" ON;INSERT INTO "products" ("code","price","created_at","updated_at","deleted_at","id") OUTPUT INSERTED."id" VALUES (@p1,@p2,@p3,@p4,@p5,@p6);SET IDENTITY_INSERT "products" OFF;"#,
        ],
    );
    assert_eq!(texts(&dry.dry_run_statements()), expected);
    // Nothing ran.
    assert_eq!(db.model::<Product>().unscoped().count().await.unwrap(), 0);
}

/// A statement tree and raw SQL templates render without a database: lists expand, `??`
/// is a literal `?` (PostgreSQL's jsonb operator), a missing argument is an error.
async fn rendering_touches_no_database(backend: Backend) {
    let Some(db) = backend.open("").await else {
        return;
    };
    let mut q = Select::from_table(TableRef::new("users"));
    q.filter(Expr::col("users", "name").eq("jinzhu"));
    q.filter(Expr::col("users", "deleted_at").is_null());
    q.order_by.push(OrderBy::asc(Expr::col("users", "id")));
    q.limit = Some(1).into();
    let sql = db.render(&Statement::Select(q)).unwrap();
    assert_eq!(
        sql.text.as_str(),
        backend.pick(
            "SELECT * FROM `users` WHERE `users`.`name` = ? AND `users`.`deleted_at` IS NULL ORDER BY `users`.`id` LIMIT 1",
            r#"SELECT * FROM "users" WHERE "users"."name" = $1 AND "users"."deleted_at" IS NULL ORDER BY "users"."id" LIMIT $2"#,
            "SELECT * FROM `users` WHERE `users`.`name` = ? AND `users`.`deleted_at` IS NULL ORDER BY `users`.`id` LIMIT ?",
        )
    );
    assert_eq!(sql.params.len(), backend.pick(1, 2, 2));

    let template = "SELECT * FROM users WHERE id IN ? AND note = '??'";
    let sql = db.render_raw(template, (vec![1, 2],)).unwrap();
    assert_eq!(
        sql.text.as_str(),
        backend.pick(
            "SELECT * FROM users WHERE id IN (?,?) AND note = '?'",
            "SELECT * FROM users WHERE id IN ($1,$2) AND note = '?'",
            "SELECT * FROM users WHERE id IN (?,?) AND note = '?'",
        )
    );
    assert_eq!(sql.params.len(), 2);
    let sql = db.render_raw("SELECT * FROM users WHERE id IN (?)", (vec![3],));
    assert_eq!(
        sql.unwrap().text.as_str(),
        backend.pick(
            "SELECT * FROM users WHERE id IN (?)",
            "SELECT * FROM users WHERE id IN ($1)",
            "SELECT * FROM users WHERE id IN (?)",
        )
    );
    // G121.
    let shipped = chrono::NaiveDate::default();
    let template = "UPDATE orders SET shipped_at = ? WHERE id IN ?";
    let sql = db.render_raw(template, (shipped, vec![1, 2, 3])).unwrap();
    assert_eq!(
        sql.text.as_str(),
        backend.pick(
            "UPDATE orders SET shipped_at = ? WHERE id IN (?,?,?)",
            "UPDATE orders SET shipped_at = $1 WHERE id IN ($2,$3,$4)",
            "UPDATE orders SET shipped_at = ? WHERE id IN (?,?,?)",
        )
    );
    let e = db.render_raw("SELECT ? + ?", (1,)).unwrap_err();
    assert!(e.to_string().contains("more `?` placeholders"), "{e}");

    // No table was created by any of this.
    let tables = backend.pick(
        "SELECT count(*) FROM sqlite_master",
        "SELECT count(*) FROM information_schema.tables WHERE table_schema = current_schema()",
        "SELECT count(*) FROM information_schema.tables WHERE table_schema = DATABASE()",
    );
    let n: i64 = db.raw_scalar(tables, ()).await.unwrap().unwrap();
    assert_eq!(n, 0);
}
