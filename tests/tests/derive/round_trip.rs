//! Every supported field type through AutoMigrate, create, find, update, save and delete
//! on every backend; an embedded struct carrying GORM's time-tracking fields; defaults
//! read back.

use chrono::{NaiveDate, NaiveDateTime, NaiveTime, TimeZone, Utc};
use plugorm::{Error, Model};
use plugorm_tests::matrix::{Backend, SOFT_DELETE};
use rust_decimal::Decimal;

use super::models::{Address, Sample, Stamps, Tier};

plugorm_tests::matrix!(
    every_field_type_round_trips,
    embedded_structs_flatten_and_keep_their_time_tracking,
    defaults_fill_zero_fields_and_are_read_back,
);

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
        // Below half a millisecond past .678: MariaDB truncates the fraction to its column's
        // milliseconds and MySQL rounds it, and both store .678.
        at: at("2023-01-02 03:04:05.678012"),
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

/// `s` as `backend` stores it. MySQL's date-time and time columns keep milliseconds by
/// default (`datetime(3)`, `time(3)`, GORM's choice), dropping the rest of the fraction
/// (the sample's fractions give the same on MariaDB, which truncates, and MySQL, which
/// rounds); SQLite and PostgreSQL keep microseconds.
fn as_stored(backend: Backend, s: &Sample) -> Sample {
    let mut out = s.clone();
    if backend == Backend::Mysql {
        out.maybe_at = Some(at("2024-02-29 23:59:59.123"));
        out.at = at("2023-01-02 03:04:05.678");
        out.clock = NaiveTime::from_hms_milli_opt(13, 14, 15, 0).unwrap();
    }
    out
}

async fn every_field_type_round_trips(backend: Backend) {
    let Some(db) = backend.open("").await else {
        return;
    };
    let report = db.auto_migrate::<Sample>().await.unwrap();
    assert!(report.created_table);

    let mut s = sample();
    assert_eq!(db.create(&mut s).await.unwrap(), 1);
    assert_eq!(s.id, 1, "key read back");
    let found = db.model::<Sample>().id(s.id).first().await.unwrap();
    assert_eq!(found, as_stored(backend, &s));

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

async fn embedded_structs_flatten_and_keep_their_time_tracking(backend: Backend) {
    let Some(db) = backend.open("").await else {
        return;
    };
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

/// Defaults and a composite unique index, as on [`Account`](super::models::Account), without its partial unique
/// index (MySQL has none: Account is refused there, see `schema.rs`).
#[derive(Model, Debug, Default, Clone, PartialEq)]
struct Profile {
    id: u32,
    #[orm(column = "mail", size = 120, not_null, unique)]
    email: String,
    #[orm(type = "varchar(16)", default = "member")]
    role: String,
    #[orm(precision = 12, scale = 2, default = 0)]
    balance: Decimal,
    #[orm(default_sql = "CURRENT_TIMESTAMP")]
    joined: Option<NaiveDateTime>,
    #[orm(unique_index(composite = "region_code"))]
    region: String,
    #[orm(unique_index(composite = "region_code"))]
    code: String,
    #[orm(embedded_prefix = "home_")]
    home: Address,
    #[orm(soft_delete)]
    deleted_at: Option<chrono::DateTime<Utc>>,
}

async fn defaults_fill_zero_fields_and_are_read_back(backend: Backend) {
    let Some(db) = backend.open(SOFT_DELETE).await else {
        return;
    };
    db.auto_migrate::<Profile>().await.unwrap();
    let mut a = Profile {
        email: "a@example.com".into(),
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
    assert_eq!(db.model::<Profile>().id(a.id).first().await.unwrap(), a);

    let mut b = Profile {
        email: "b@example.com".into(),
        role: "admin".into(),
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
    let dup = Profile {
        email: "c@example.com".into(),
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
