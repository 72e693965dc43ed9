//! Every supported field type through AutoMigrate, create, find, update, save and delete
//! on SQLite; an embedded struct carrying GORM's time-tracking fields; defaults read back.

use chrono::{NaiveDate, NaiveDateTime, NaiveTime, TimeZone, Utc};
use plugorm::{Error, Model};
use plugorm_tests::{registry_with_soft_delete, sqlite_memory};
use rust_decimal::Decimal;

use super::models::{Account, Address, Sample, Stamps, Tier};

fn at(s: &str) -> NaiveDateTime {
    NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M:%S%.f").unwrap()
}

fn sample() -> Sample {
    Sample {
        id: 0,
        tiny: -8,
        small: -1600,
        medium: 320_000,
        big: -9_000_000_000,
        ubyte: 250,
        ushort: 65_000,
        uint: 4_000_000_000,
        ulong: 9_000_000_000_000,
        ratio: 1.25,
        precise: 1_234.567_890_123_4,
        active: true,
        title: "héllo ☃".into(),
        blob: vec![0, 1, 2, 255],
        maybe_int: Some(-3),
        maybe_text: None,
        maybe_at: Some(at("2024-02-29 23:59:59.123456")),
        at: at("2023-01-02 03:04:05.678901"),
        at_utc: Utc.with_ymd_and_hms(2022, 12, 31, 22, 0, 0).unwrap(),
        day: NaiveDate::from_ymd_opt(2020, 2, 29).unwrap(),
        clock: NaiveTime::from_hms_micro_opt(13, 14, 15, 16).unwrap(),
        uid: uuid::Uuid::from_u128(0x0123_4567_89ab_cdef_0123_4567_89ab_cdef),
        amount: "1234.5600".parse::<Decimal>().unwrap(),
        doc: serde_json::json!({"tags": ["a", "b"], "n": 1}),
        tier: Tier::Pro,
        ship: Address {
            street: "1 Main St".into(),
            city: "Springfield".into(),
        },
    }
}

#[tokio::test]
async fn every_field_type_round_trips() {
    let db = sqlite_memory().await;
    let report = db.auto_migrate::<Sample>().await.unwrap();
    assert!(report.created_table);

    let mut s = sample();
    assert_eq!(db.create(&mut s).await.unwrap(), 1);
    assert_eq!(s.id, 1, "key read back");
    let found = db.model::<Sample>().id(s.id).first().await.unwrap();
    assert_eq!(found, s);

    // updates: the non-zero fields, including an Option set to Some.
    let mut changed = found.clone();
    changed.maybe_text = Some("now set".into());
    changed.amount = "-0.01".parse().unwrap();
    changed.doc = serde_json::json!([1, 2, 3]);
    changed.ship.city = "Shelbyville".into();
    changed.blob = vec![9; 3];
    db.record(&mut changed).updates().await.unwrap();
    assert_eq!(
        db.model::<Sample>().id(s.id).first().await.unwrap(),
        changed
    );

    // save: every field, zero values and None included.
    let mut cleared = changed.clone();
    cleared.maybe_int = None;
    cleared.maybe_at = None;
    cleared.active = false;
    cleared.tier = Tier::Free;
    cleared.title = String::new();
    db.save(&mut cleared).await.unwrap();
    assert_eq!(
        db.model::<Sample>().id(s.id).first().await.unwrap(),
        cleared
    );

    // A condition on an embedded column and on a user FieldType column.
    let by_city = db
        .model::<Sample>()
        .filter("ship_city = ?", ("Shelbyville",))
        .filter_expr(Sample::TIER.eq(Tier::Free))
        .count()
        .await
        .unwrap();
    assert_eq!(by_city, 1);

    assert_eq!(db.delete(&mut cleared).await.unwrap(), 1);
    assert!(matches!(
        db.model::<Sample>().id(s.id).first().await,
        Err(Error::RecordNotFound)
    ));
    assert!(db.model::<Sample>().find().await.unwrap().is_empty());
}

#[derive(Model, Debug, Default, Clone, PartialEq)]
struct Post {
    id: i64,
    title: String,
    #[orm(embedded)]
    stamps: Stamps,
    #[orm(embedded_prefix = "author_")]
    author: Address,
}

#[tokio::test]
async fn embedded_structs_flatten_and_keep_their_time_tracking() {
    let db = sqlite_memory().await;
    db.auto_migrate::<Post>().await.unwrap();
    let columns: Vec<String> = db
        .migrator()
        .describe::<Post>()
        .await
        .unwrap()
        .columns
        .iter()
        .map(|c| c.name.to_string())
        .collect();
    assert_eq!(
        columns,
        [
            "id",
            "title",
            "created_at",
            "updated_at",
            "author_street",
            "author_city"
        ]
    );
    let t0 = Utc.with_ymd_and_hms(2024, 5, 1, 10, 0, 0).unwrap();
    let mut p = Post {
        title: "hello".into(),
        author: Address {
            street: "2 Elm".into(),
            city: "Paris".into(),
        },
        ..Default::default()
    };
    db.with_now(move || t0).create(&mut p).await.unwrap();
    assert_eq!(p.stamps.created_at, t0.naive_utc());
    assert_eq!(p.stamps.updated_at, t0.naive_utc());
    let t1 = t0 + chrono::Duration::hours(1);
    db.with_now(move || t1)
        .record(&mut p)
        .update("title", "changed")
        .await
        .unwrap();
    let stored = db.model::<Post>().id(p.id).first().await.unwrap();
    assert_eq!(stored, p);
    assert_eq!(
        (stored.stamps.created_at, stored.stamps.updated_at),
        (t0.naive_utc(), t1.naive_utc())
    );
    let parisians = db
        .model::<Post>()
        .filter("author_city = ?", ("Paris",))
        .find()
        .await
        .unwrap();
    assert_eq!(parisians, [p]);
}

#[tokio::test]
async fn defaults_fill_zero_fields_and_are_read_back() {
    let db = registry_with_soft_delete()
        .open("sqlite::memory:")
        .await
        .unwrap();
    db.auto_migrate::<Account>().await.unwrap();
    let mut a = Account {
        email: "a@example.com".into(),
        age: 30,
        region: "eu".into(),
        code: "c1".into(),
        home: Address {
            street: "s".into(),
            city: "c".into(),
        },
        ..Default::default()
    };
    db.create(&mut a).await.unwrap();
    assert_eq!(a.id, 1);
    assert_eq!(a.role, "member", "literal default read back");
    assert_eq!(a.balance, Decimal::ZERO);
    let joined = a.joined.expect("CURRENT_TIMESTAMP read back");
    let age = Utc::now().naive_utc() - joined;
    assert!(
        age.num_seconds().abs() < 3600,
        "joined {joined} is about now"
    );

    let mut b = Account {
        email: "b@example.com".into(),
        role: "admin".into(),
        age: 40,
        region: "eu".into(),
        code: "c2".into(),
        home: Address {
            street: "s".into(),
            city: "c".into(),
        },
        ..Default::default()
    };
    db.create(&mut b).await.unwrap();
    assert_eq!(b.role, "admin", "a set value wins over the default");
    let dup = Account {
        email: "c@example.com".into(),
        age: 50,
        region: "eu".into(),
        code: "c2".into(),
        home: b.home.clone(),
        ..Default::default()
    };
    assert!(
        db.create(&mut dup.clone()).await.is_err(),
        "the composite unique index (region, code) holds"
    );
}
