//! docs/golden-sql.md's saves, record updates and record reads through a dry run on every
//! backend: the save of a slice (one upsert on the key, GORM's `db.Save(&users)`) and
//! a create with its key set (G73), where
//! a record update puts the automatic update time (G91, G94, G95, G102) and the key
//! condition of a read into a record whose key is set (G06).

use chrono::{DateTime, NaiveDate, NaiveDateTime};
use plugorm::{Db, Error, Model, Value};

use crate::builder::sql_of;
use plugorm_tests::{
    bound_values,
    hand_schema::ok,
    matrix::{Backend, SOFT_DELETE},
    product::Product,
};

plugorm_tests::matrix!(
    golden_save_of_a_slice,
    golden_record_updates_place_the_update_time_as_gorm_does,
    golden_reads_into_a_record_with_its_key,
);

/// GORM's `User` layout (`gorm.Model` first, then the fields): the update time comes
/// before the updated fields in schema order.
#[derive(Model, Debug, Default, Clone, PartialEq)]
struct Member {
    id: i64,
    created_at: NaiveDateTime,
    updated_at: NaiveDateTime,
    #[orm(soft_delete)]
    deleted_at: Option<NaiveDateTime>,
    name: String,
    age: i64,
}

/// A statement's text and bound values, from [`sql_of`].
type Rendered = (String, Vec<Value>);

fn fixed_now() -> DateTime<chrono::Utc> {
    DateTime::from_timestamp(1_700_000_000, 0).unwrap_or_default()
}

fn long_ago() -> NaiveDateTime {
    NaiveDate::from_ymd_opt(2001, 2, 3)
        .and_then(|d| d.and_hms_opt(4, 5, 6))
        .unwrap_or_default()
}

fn texts(db: &Db) -> Vec<String> {
    db.dry_run_statements()
        .iter()
        .map(|s| s.text.to_string())
        .collect()
}

async fn golden_save_of_a_slice(backend: Backend) {
    let Some(db) = backend.products().await else {
        return;
    };
    let dry = db.dry_run().with_now(fixed_now).skip_hooks();
    let stored = |id: i64, code: &str| Product {
        id,
        code: code.into(),
        price: 5,
        created_at: long_ago(),
        updated_at: long_ago(),
        ..Default::default()
    };
    let new = |code: &str| Product {
        code: code.into(),
        price: 7,
        ..Default::default()
    };
    let mixed = &mut [stored(3, "a"), new("b")];
    ok(dry.save_many(mixed).await, "mixed save");
    ok(dry.save_many(&mut [new("c"), new("d")]).await, "new only");
    ok(dry.save_many(&mut [stored(1, "e")]).await, "stored only");
    // Nothing to save: no statement at all.
    assert_eq!(dry.save_many::<Product>(&mut []).await.unwrap(), 0);
    // G73: a create with the key set writes it last and still reads it back.
    ok(dry.create(&mut stored(7, "f")).await, "G73");
    let expected = backend.pick(
        [
            // The key some records set comes last (GORM appends the columns the database
            // fills); SQLite takes no DEFAULT among VALUES: NULL makes it assign a rowid.
            "INSERT INTO `products` (`code`,`price`,`created_at`,`updated_at`,`deleted_at`,`id`) VALUES (?,?,?,?,?,?),(?,?,?,?,?,NULL) ON CONFLICT (`id`) DO UPDATE SET `updated_at`=?,`code`=`excluded`.`code`,`price`=`excluded`.`price`,`deleted_at`=`excluded`.`deleted_at` RETURNING `id`",
            "INSERT INTO `products` (`code`,`price`,`created_at`,`updated_at`,`deleted_at`) VALUES (?,?,?,?,?),(?,?,?,?,?) ON CONFLICT (`id`) DO UPDATE SET `updated_at`=?,`code`=`excluded`.`code`,`price`=`excluded`.`price`,`deleted_at`=`excluded`.`deleted_at` RETURNING `id`",
            "INSERT INTO `products` (`code`,`price`,`created_at`,`updated_at`,`deleted_at`,`id`) VALUES (?,?,?,?,?,?) ON CONFLICT (`id`) DO UPDATE SET `updated_at`=?,`code`=`excluded`.`code`,`price`=`excluded`.`price`,`deleted_at`=`excluded`.`deleted_at` RETURNING `id`",
            "INSERT INTO `products` (`code`,`price`,`created_at`,`updated_at`,`deleted_at`,`id`) VALUES (?,?,?,?,?,?) RETURNING `id`",
        ],
        [
            r#"INSERT INTO "products" ("code","price","created_at","updated_at","deleted_at","id") VALUES ($1,$2,$3,$4,$5,$6),($7,$8,$9,$10,$11,DEFAULT) ON CONFLICT ("id") DO UPDATE SET "updated_at"=$12,"code"="excluded"."code","price"="excluded"."price","deleted_at"="excluded"."deleted_at" RETURNING "id""#,
            r#"INSERT INTO "products" ("code","price","created_at","updated_at","deleted_at") VALUES ($1,$2,$3,$4,$5),($6,$7,$8,$9,$10) ON CONFLICT ("id") DO UPDATE SET "updated_at"=$11,"code"="excluded"."code","price"="excluded"."price","deleted_at"="excluded"."deleted_at" RETURNING "id""#,
            r#"INSERT INTO "products" ("code","price","created_at","updated_at","deleted_at","id") VALUES ($1,$2,$3,$4,$5,$6) ON CONFLICT ("id") DO UPDATE SET "updated_at"=$7,"code"="excluded"."code","price"="excluded"."price","deleted_at"="excluded"."deleted_at" RETURNING "id""#,
            r#"INSERT INTO "products" ("code","price","created_at","updated_at","deleted_at","id") VALUES ($1,$2,$3,$4,$5,$6) RETURNING "id""#,
        ],
        [
            // Keys come from LAST_INSERT_ID(): the new records go first, so that the keys
            // MySQL generates for them follow one another.
            "INSERT INTO `products` (`code`,`price`,`created_at`,`updated_at`,`deleted_at`,`id`) VALUES (?,?,?,?,?,DEFAULT),(?,?,?,?,?,?) ON DUPLICATE KEY UPDATE `updated_at`=?,`code`=VALUES(`code`),`price`=VALUES(`price`),`deleted_at`=VALUES(`deleted_at`)",
            "INSERT INTO `products` (`code`,`price`,`created_at`,`updated_at`,`deleted_at`) VALUES (?,?,?,?,?),(?,?,?,?,?) ON DUPLICATE KEY UPDATE `updated_at`=?,`code`=VALUES(`code`),`price`=VALUES(`price`),`deleted_at`=VALUES(`deleted_at`)",
            "INSERT INTO `products` (`code`,`price`,`created_at`,`updated_at`,`deleted_at`,`id`) VALUES (?,?,?,?,?,?) ON DUPLICATE KEY UPDATE `updated_at`=?,`code`=VALUES(`code`),`price`=VALUES(`price`),`deleted_at`=VALUES(`deleted_at`)",
            "INSERT INTO `products` (`code`,`price`,`created_at`,`updated_at`,`deleted_at`,`id`) VALUES (?,?,?,?,?,?)",
        ],
    );
    assert_eq!(texts(&dry), expected);
    // The stored record keeps its creation time and takes now as its update time (GORM's
    // `gorm:update_track_time`); the new one takes now for both.
    let now = fixed_now().naive_utc();
    assert_eq!(
        (mixed[0].created_at, mixed[0].updated_at),
        (long_ago(), now)
    );
    assert_eq!((mixed[1].created_at, mixed[1].updated_at), (now, now));
    let stored_row = backend.pick(0, 0, 5);
    let values = bound_values(&dry.dry_run_statements()[0]);
    assert_eq!(
        values[stored_row..stored_row + 4],
        [
            Value::from("a"),
            Value::I64(5),
            Value::from(long_ago()),
            Value::from(now)
        ]
    );
    // Nothing ran.
    assert_eq!(db.model::<Product>().unscoped().count().await.unwrap(), 0);
}

async fn golden_record_updates_place_the_update_time_as_gorm_does(backend: Backend) {
    let Some(db) = backend.open(SOFT_DELETE).await else {
        return;
    };
    let db = db.with_now(fixed_now);
    let loaded = || Member {
        id: 111,
        created_at: long_ago(),
        updated_at: long_ago(),
        name: "new_name".into(),
        ..Default::default()
    };
    let cases: Vec<(&str, &str, Rendered)> = vec![
        (
            "G95: a struct's fields in schema order, the update time at its place",
            backend.pick(
                "UPDATE `members` SET `updated_at`=?,`name`=?,`age`=? WHERE `members`.`deleted_at` IS NULL AND `id` = ?",
                r#"UPDATE "members" SET "updated_at"=$1,"name"=$2,"age"=$3 WHERE "members"."deleted_at" IS NULL AND "id" = $4"#,
                "UPDATE `members` SET `updated_at`=?,`name`=?,`age`=? WHERE `members`.`deleted_at` IS NULL AND `id` = ?",
            ),
            sql_of(&db, |tx| async move {
                let mut m = loaded();
                tx.record(&mut m)
                    .select(&["name", "age"])
                    .updates_selected()
                    .await
            })
            .await,
        ),
        (
            "Updates(&user): the non-zero fields",
            backend.pick(
                "UPDATE `members` SET `created_at`=?,`updated_at`=?,`name`=? WHERE `members`.`deleted_at` IS NULL AND `id` = ?",
                r#"UPDATE "members" SET "created_at"=$1,"updated_at"=$2,"name"=$3 WHERE "members"."deleted_at" IS NULL AND "id" = $4"#,
                "UPDATE `members` SET `created_at`=?,`updated_at`=?,`name`=? WHERE `members`.`deleted_at` IS NULL AND `id` = ?",
            ),
            sql_of(&db, |tx| async move {
                let mut m = loaded();
                tx.record(&mut m).updates().await
            })
            .await,
        ),
        (
            "G102: save writes every field, the update time now",
            backend.pick(
                "UPDATE `members` SET `created_at`=?,`updated_at`=?,`deleted_at`=?,`name`=?,`age`=? WHERE `members`.`deleted_at` IS NULL AND `id` = ?",
                r#"UPDATE "members" SET "created_at"=$1,"updated_at"=$2,"deleted_at"=$3,"name"=$4,"age"=$5 WHERE "members"."deleted_at" IS NULL AND "id" = $6"#,
                "UPDATE `members` SET `created_at`=?,`updated_at`=?,`deleted_at`=?,`name`=?,`age`=? WHERE `members`.`deleted_at` IS NULL AND `id` = ?",
            ),
            sql_of(&db, |tx| async move {
                let mut m = loaded();
                tx.save(&mut m).await
            })
            .await,
        ),
        (
            "G91: one column, the update time last",
            backend.pick(
                "UPDATE `members` SET `name`=?,`updated_at`=? WHERE `members`.`deleted_at` IS NULL AND `id` = ?",
                r#"UPDATE "members" SET "name"=$1,"updated_at"=$2 WHERE "members"."deleted_at" IS NULL AND "id" = $3"#,
                "UPDATE `members` SET `name`=?,`updated_at`=? WHERE `members`.`deleted_at` IS NULL AND `id` = ?",
            ),
            sql_of(&db, |tx| async move {
                let mut m = loaded();
                tx.record(&mut m).update("name", "hello").await
            })
            .await,
        ),
        (
            "G94: a map, keys sorted, the update time last",
            backend.pick(
                "UPDATE `members` SET `age`=?,`name`=?,`updated_at`=? WHERE `members`.`deleted_at` IS NULL AND `id` = ?",
                r#"UPDATE "members" SET "age"=$1,"name"=$2,"updated_at"=$3 WHERE "members"."deleted_at" IS NULL AND "id" = $4"#,
                "UPDATE `members` SET `age`=?,`name`=?,`updated_at`=? WHERE `members`.`deleted_at` IS NULL AND `id` = ?",
            ),
            sql_of(&db, |tx| async move {
                let mut m = loaded();
                tx.record(&mut m)
                    .updates_map([("name", Value::from("hello")), ("age", Value::I64(18))])
                    .await
            })
            .await,
        ),
        (
            "G98: without hooks no update time",
            backend.pick(
                "UPDATE `members` SET `created_at`=?,`updated_at`=?,`name`=? WHERE `members`.`deleted_at` IS NULL AND `id` = ?",
                r#"UPDATE "members" SET "created_at"=$1,"updated_at"=$2,"name"=$3 WHERE "members"."deleted_at" IS NULL AND "id" = $4"#,
                "UPDATE `members` SET `created_at`=?,`updated_at`=?,`name`=? WHERE `members`.`deleted_at` IS NULL AND `id` = ?",
            ),
            sql_of(&db.skip_hooks(), |tx| async move {
                let mut m = loaded();
                tx.record(&mut m).updates().await
            })
            .await,
        ),
        (
            "an omitted update time is not written",
            backend.pick(
                "UPDATE `members` SET `created_at`=?,`name`=? WHERE `members`.`deleted_at` IS NULL AND `id` = ?",
                r#"UPDATE "members" SET "created_at"=$1,"name"=$2 WHERE "members"."deleted_at" IS NULL AND "id" = $3"#,
                "UPDATE `members` SET `created_at`=?,`name`=? WHERE `members`.`deleted_at` IS NULL AND `id` = ?",
            ),
            sql_of(&db, |tx| async move {
                let mut m = loaded();
                tx.record(&mut m).omit(&["updated_at"]).updates().await
            })
            .await,
        ),
        (
            "Model(&User{}).Where(..).Updates(User{..}): schema order, the update time at its place",
            backend.pick(
                "UPDATE `members` SET `updated_at`=?,`name`=? WHERE age > ? AND `members`.`deleted_at` IS NULL",
                r#"UPDATE "members" SET "updated_at"=$1,"name"=$2 WHERE age > $3 AND "members"."deleted_at" IS NULL"#,
                "UPDATE `members` SET `updated_at`=?,`name`=? WHERE age > ? AND `members`.`deleted_at` IS NULL",
            ),
            sql_of(&db, |tx| async move {
                let values = Member {
                    name: "n".into(),
                    ..Default::default()
                };
                tx.model::<Member>()
                    .filter("age > ?", (1,))
                    .updates(&values)
                    .await
            })
            .await,
        ),
    ];
    for (what, expected, (got, _)) in &cases {
        assert_eq!(got, expected, "{what}");
    }
    // The update time is bound to now, not to the record's old value (GORM: "Save sets
    // UpdatedAt to the current time"); the record holds it afterwards.
    let now = Value::from(fixed_now().naive_utc());
    assert_eq!(cases[0].2 .1[0], now, "G95 binds now");
    assert_eq!(cases[2].2 .1[1], now, "G102 binds now");
    assert_eq!(cases[2].2 .1[0], Value::from(long_ago()));
    let mut m = loaded();
    ok(db.dry_run().record(&mut m).updates().await, "updates");
    assert_eq!(m.updated_at, fixed_now().naive_utc());
    // Without hooks the record's own update time is written as is.
    assert_eq!(cases[5].2 .1[1], Value::from(long_ago()));
    // A bulk struct update binds now too, at the update time's place.
    assert_eq!(
        cases[cases.len() - 1].2 .1[0],
        now,
        "bulk updates binds now"
    );
}

async fn golden_reads_into_a_record_with_its_key(backend: Backend) {
    let Some(db) = backend.products().await else {
        return;
    };
    let dry = db.dry_run();
    let keyed = || Product {
        id: 10,
        ..Default::default()
    };
    ok(dry.record(&mut keyed()).first().await, "G06");
    ok(dry.record(&mut Product::default()).first().await, "G01");
    ok(dry.record(&mut keyed()).take().await, "take");
    ok(dry.record(&mut keyed()).last().await, "last");
    ok(dry.record(&mut keyed()).unscoped().reload().await, "reload");
    let mut selected = keyed();
    let columns = dry.record(&mut selected).select(&["code", "price"]);
    ok(columns.first().await, "select");
    let expected = backend.pick(
        [
            "SELECT * FROM `products` WHERE `products`.`deleted_at` IS NULL AND `products`.`id` = ? ORDER BY `products`.`id` LIMIT 1",
            "SELECT * FROM `products` WHERE `products`.`deleted_at` IS NULL ORDER BY `products`.`id` LIMIT 1",
            "SELECT * FROM `products` WHERE `products`.`deleted_at` IS NULL AND `products`.`id` = ? LIMIT 1",
            "SELECT * FROM `products` WHERE `products`.`deleted_at` IS NULL AND `products`.`id` = ? ORDER BY `products`.`id` DESC LIMIT 1",
            "SELECT * FROM `products` WHERE `products`.`id` = ? ORDER BY `products`.`id` LIMIT 1",
            "SELECT `code`,`price` FROM `products` WHERE `products`.`deleted_at` IS NULL AND `products`.`id` = ? ORDER BY `products`.`id` LIMIT 1",
        ],
        [
            r#"SELECT * FROM "products" WHERE "products"."deleted_at" IS NULL AND "products"."id" = $1 ORDER BY "products"."id" LIMIT $2"#,
            r#"SELECT * FROM "products" WHERE "products"."deleted_at" IS NULL ORDER BY "products"."id" LIMIT $1"#,
            r#"SELECT * FROM "products" WHERE "products"."deleted_at" IS NULL AND "products"."id" = $1 LIMIT $2"#,
            r#"SELECT * FROM "products" WHERE "products"."deleted_at" IS NULL AND "products"."id" = $1 ORDER BY "products"."id" DESC LIMIT $2"#,
            r#"SELECT * FROM "products" WHERE "products"."id" = $1 ORDER BY "products"."id" LIMIT $2"#,
            r#"SELECT "code","price" FROM "products" WHERE "products"."deleted_at" IS NULL AND "products"."id" = $1 ORDER BY "products"."id" LIMIT $2"#,
        ],
        [
            "SELECT * FROM `products` WHERE `products`.`deleted_at` IS NULL AND `products`.`id` = ? ORDER BY `products`.`id` LIMIT ?",
            "SELECT * FROM `products` WHERE `products`.`deleted_at` IS NULL ORDER BY `products`.`id` LIMIT ?",
            "SELECT * FROM `products` WHERE `products`.`deleted_at` IS NULL AND `products`.`id` = ? LIMIT ?",
            "SELECT * FROM `products` WHERE `products`.`deleted_at` IS NULL AND `products`.`id` = ? ORDER BY `products`.`id` DESC LIMIT ?",
            "SELECT * FROM `products` WHERE `products`.`id` = ? ORDER BY `products`.`id` LIMIT ?",
            "SELECT `code`,`price` FROM `products` WHERE `products`.`deleted_at` IS NULL AND `products`.`id` = ? ORDER BY `products`.`id` LIMIT ?",
        ],
    );
    assert_eq!(texts(&dry), expected);
    assert_eq!(
        bound_values(&dry.dry_run_statements()[0])[0],
        Value::I64(10),
        "the key is bound"
    );
    // A reload needs the key; nothing is rendered without it.
    let e = dry.record(&mut Product::default()).reload().await;
    assert!(matches!(e, Err(Error::PrimaryKeyRequired(_))), "{e:?}");
    assert_eq!(dry.dry_run_statements().len(), expected.len());
}
