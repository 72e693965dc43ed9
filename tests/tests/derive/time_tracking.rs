//! Time tracking: GORM's `created_at` / `updated_at` convention for date-time and integer
//! fields, explicit `auto_create_time` / `auto_update_time` with the Unix second / milli /
//! nano modes, and turning the convention off.

use chrono::{DateTime, NaiveDateTime, TimeZone, Utc};
use plugorm::{plugin_api::schema::TimeTracking, Model};
use plugorm_tests::matrix::Backend;

plugorm_tests::matrix!(
    filled_on_create_and_update,
    a_set_create_time_is_kept_and_untracked_fields_stay_zero,
);

#[derive(Model, Debug, Default, Clone, PartialEq)]
struct Clock {
    id: i64,
    label: String,
    created_at: i64,
    updated_at: DateTime<Utc>,
    #[orm(auto_create_time = "nano")]
    born_ns: i64,
    #[orm(auto_create_time)]
    opened: NaiveDateTime,
    #[orm(auto_update_time = "milli")]
    touched_ms: i64,
    #[orm(auto_update_time = "second")]
    seen: u32,
}

#[derive(Model, Debug, Default, Clone, PartialEq)]
struct Untracked {
    id: i64,
    #[orm(auto_create_time = false)]
    created_at: NaiveDateTime,
    #[orm(auto_update_time = false)]
    updated_at: NaiveDateTime,
    /// Not named `created_at`: no convention.
    made_at: NaiveDateTime,
    /// A `created_at` that is not a date-time or integer gets no tracking.
    #[orm(column = "created_by")]
    r#created_at_label: String,
}

#[test]
fn modes_in_the_schema() {
    let modes: Vec<(&str, TimeTracking, TimeTracking)> = Clock::schema()
        .fields
        .iter()
        .map(|f| (f.column.as_str(), f.auto_create_time, f.auto_update_time))
        .collect();
    use TimeTracking::*;
    assert_eq!(
        modes,
        [
            ("id", None, None),
            ("label", None, None),
            ("created_at", UnixSecond, None),
            ("updated_at", None, Time),
            ("born_ns", UnixNano, None),
            ("opened", Time, None),
            ("touched_ms", None, UnixMilli),
            ("seen", None, UnixSecond),
        ]
    );
    assert!(Untracked::schema()
        .fields
        .iter()
        .all(|f| f.auto_create_time == None && f.auto_update_time == None));
}

async fn filled_on_create_and_update(backend: Backend) {
    let Some(db) = backend.open("").await else {
        return;
    };
    db.auto_migrate::<Clock>().await.unwrap();
    let t0 = Utc.with_ymd_and_hms(2024, 1, 2, 3, 4, 5).unwrap();
    let mut c = Clock {
        label: "a".into(),
        ..Default::default()
    };
    db.with_now(move || t0).create(&mut c).await.unwrap();
    assert_eq!(c.created_at, t0.timestamp());
    assert_eq!(c.updated_at, t0, "auto-update fields are set on create too");
    assert_eq!(c.born_ns, t0.timestamp_nanos_opt().unwrap());
    assert_eq!(c.opened, t0.naive_utc());
    assert_eq!(c.touched_ms, t0.timestamp_millis());
    assert_eq!(i64::from(c.seen), t0.timestamp());
    assert_eq!(db.model::<Clock>().id(c.id).first().await.unwrap(), c);

    let t1 = t0 + chrono::Duration::milliseconds(90_500);
    db.with_now(move || t1)
        .record(&mut c)
        .update("label", "b")
        .await
        .unwrap();
    let stored = db.model::<Clock>().id(c.id).first().await.unwrap();
    assert_eq!(stored, c, "the record holds what was written");
    assert_eq!(stored.created_at, t0.timestamp(), "create times stay");
    assert_eq!(stored.born_ns, t0.timestamp_nanos_opt().unwrap());
    assert_eq!(stored.updated_at, t1);
    assert_eq!(stored.touched_ms, t1.timestamp_millis());
    assert_eq!(i64::from(stored.seen), t1.timestamp());
}

async fn a_set_create_time_is_kept_and_untracked_fields_stay_zero(backend: Backend) {
    let Some(db) = backend.open("").await else {
        return;
    };
    db.auto_migrate::<Clock>().await.unwrap();
    let mut c = Clock {
        created_at: 42,
        ..Default::default()
    };
    db.create(&mut c).await.unwrap();
    assert_eq!(
        db.model::<Clock>()
            .id(c.id)
            .first()
            .await
            .unwrap()
            .created_at,
        42
    );

    db.auto_migrate::<Untracked>().await.unwrap();
    let mut u = Untracked::default();
    db.create(&mut u).await.unwrap();
    let stored = db.model::<Untracked>().id(u.id).first().await.unwrap();
    assert_eq!(stored.created_at, NaiveDateTime::default());
    assert_eq!(stored.updated_at, NaiveDateTime::default());
    assert_eq!(stored.made_at, NaiveDateTime::default());
}
