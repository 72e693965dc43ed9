//! Every `Value` type round-trips (the scenarios of the host's per-backend
//! `every_value_type_round_trips` tests, through AutoMigrate so one model serves every
//! dialect): bool, i64, f64, decimal, text (unicode), bytes, date, time, naive and UTC
//! timestamps, uuid, json, NULL — through a model, as bound parameters, and as raw cells.

use chrono::{DateTime, NaiveDate, NaiveDateTime, NaiveTime, TimeZone, Utc};
use plugorm::{Model, Value};
use rust_decimal::Decimal;
use uuid::Uuid;

use super::{ensure_eq, Ctx, Failure, Outcome, Step};

/// One column per type.
#[derive(Model, Debug, Default, Clone, PartialEq)]
#[orm(table = "kit_values")]
struct KitValues {
    id: i64,
    flag: bool,
    big: i64,
    ratio: f64,
    #[orm(precision = 12, scale = 2)]
    amount: Decimal,
    label: String,
    payload: Vec<u8>,
    day: NaiveDate,
    #[orm(precision = 6)]
    clock: NaiveTime,
    #[orm(precision = 6)]
    moment: NaiveDateTime,
    #[orm(precision = 6)]
    instant: DateTime<Utc>,
    uid: Uuid,
    doc: serde_json::Value,
}

/// The same types, each nullable.
#[derive(Model, Debug, Default, Clone, PartialEq)]
#[orm(table = "kit_nullable")]
struct KitNullable {
    id: i64,
    flag: Option<bool>,
    big: Option<i64>,
    ratio: Option<f64>,
    #[orm(precision = 12, scale = 2)]
    amount: Option<Decimal>,
    label: Option<String>,
    payload: Option<Vec<u8>>,
    day: Option<NaiveDate>,
    #[orm(precision = 6)]
    clock: Option<NaiveTime>,
    #[orm(precision = 6)]
    moment: Option<NaiveDateTime>,
    #[orm(precision = 6)]
    instant: Option<DateTime<Utc>>,
    uid: Option<Uuid>,
    doc: Option<serde_json::Value>,
}

fn sample() -> KitValues {
    let day = NaiveDate::from_ymd_opt(2024, 2, 29).unwrap_or_default();
    KitValues {
        id: 0,
        flag: true,
        big: i64::MIN + 1,
        ratio: 0.1 + 0.2,
        amount: Decimal::new(-1_234_567, 2),
        label: "héllo 🌍 'quote' \"dq\" `tick` \\ back ✓ 日本語".into(),
        payload: vec![0, 1, 2, 0xff, 0x27, 0],
        day,
        clock: NaiveTime::from_hms_micro_opt(23, 59, 58, 123_456).unwrap_or_default(),
        moment: day
            .and_hms_micro_opt(12, 34, 56, 789_012)
            .unwrap_or_default(),
        instant: Utc
            .with_ymd_and_hms(2024, 3, 1, 10, 0, 0)
            .single()
            .unwrap_or_default()
            + chrono::Duration::microseconds(500_000),
        uid: Uuid::from_u128(0x0123_4567_89ab_cdef_0011_2233_4455_6677),
        doc: serde_json::json!({"a": [1, 2.5, "x"], "b": null, "s": "ü", "n": {"t": true}}),
    }
}

fn other() -> KitValues {
    KitValues {
        flag: false,
        big: i64::MAX,
        ratio: -1.5e300,
        amount: Decimal::new(1, 2),
        label: "plain".into(),
        payload: vec![7; 300],
        day: NaiveDate::from_ymd_opt(1999, 12, 31).unwrap_or_default(),
        clock: NaiveTime::from_hms_opt(0, 0, 1).unwrap_or_default(),
        moment: NaiveDate::from_ymd_opt(2038, 1, 19)
            .and_then(|d| d.and_hms_opt(3, 14, 8))
            .unwrap_or_default(),
        instant: Utc
            .with_ymd_and_hms(2001, 9, 9, 1, 46, 40)
            .single()
            .unwrap_or_default(),
        uid: Uuid::from_u128(1),
        doc: serde_json::json!([]),
        ..sample()
    }
}

async fn filled(db: &plugorm::Db) -> Result<(KitValues, KitValues), Failure> {
    db.auto_migrate::<KitValues>()
        .await
        .step("AutoMigrate kit_values")?;
    let mut a = sample();
    let mut b = other();
    db.create(&mut a).await.step("create the sample")?;
    db.create(&mut b).await.step("create the second row")?;
    Ok((a, b))
}

pub(crate) async fn every_value_type_round_trips(ctx: Ctx) -> Outcome {
    let db = ctx.db;
    let (a, b) = filled(&db).await?;
    let back = db.model::<KitValues>().first_id(a.id).await.step("read")?;
    ensure_eq!(back, a, "every type reads back as written");
    let back = db.model::<KitValues>().first_id(b.id).await.step("read")?;
    ensure_eq!(back, b, "the extremes read back as written");
    let mut zero = KitValues::default();
    db.create(&mut zero).await.step("create zero values")?;
    let back = db
        .model::<KitValues>()
        .first_id(zero.id)
        .await
        .step("read zero values")?;
    ensure_eq!(
        back,
        zero,
        "zero values (empty text and bytes, epoch) read back"
    );
    let mut changed = a.clone();
    changed.label = "ändern ✓".into();
    changed.doc = serde_json::json!({"k": "v"});
    changed.instant += chrono::Duration::seconds(1);
    db.save(&mut changed).await.step("save changed values")?;
    let back = db
        .model::<KitValues>()
        .first_id(a.id)
        .await
        .step("read after save")?;
    ensure_eq!(back, changed, "updated values read back");
    Ok(())
}

pub(crate) async fn nulls_round_trip(ctx: Ctx) -> Outcome {
    let db = ctx.db;
    db.auto_migrate::<KitNullable>()
        .await
        .step("AutoMigrate kit_nullable")?;
    let mut none = KitNullable::default();
    db.create(&mut none).await.step("create NULLs")?;
    let s = sample();
    let mut some = KitNullable {
        id: 0,
        flag: Some(s.flag),
        big: Some(s.big),
        ratio: Some(s.ratio),
        amount: Some(s.amount),
        label: Some(s.label),
        payload: Some(s.payload),
        day: Some(s.day),
        clock: Some(s.clock),
        moment: Some(s.moment),
        instant: Some(s.instant),
        uid: Some(s.uid),
        doc: Some(s.doc),
    };
    db.create(&mut some).await.step("create values")?;
    let rows = db
        .model::<KitNullable>()
        .order("id")
        .find()
        .await
        .step("read")?;
    ensure_eq!(
        rows,
        [none.clone(), some.clone()],
        "NULLs and values read back"
    );
    let raw = db
        .raw("SELECT * FROM kit_nullable WHERE id = ?", (none.id,))
        .await
        .step("raw read of NULLs")?;
    let Some(row) = raw.iter().next() else {
        return Err(Failure("the NULL row is missing".into()));
    };
    for column in [
        "flag", "big", "ratio", "amount", "label", "payload", "day", "clock", "moment", "instant",
        "uid", "doc",
    ] {
        ensure_eq!(
            row.get::<Value>(column).step("read a NULL cell")?,
            Value::Null,
            "column {column} of the NULL row"
        );
    }
    let n = db
        .model::<KitNullable>()
        .filter("uid IS NULL", ())
        .count()
        .await
        .step("IS NULL")?;
    ensure_eq!(n, 1, "IS NULL on a uuid column");
    Ok(())
}

pub(crate) async fn typed_values_bind_as_parameters(ctx: Ctx) -> Outcome {
    let db = ctx.db;
    let (a, _) = filled(&db).await?;
    let q = db.model::<KitValues>();
    let checks: Vec<(&str, Value)> = vec![
        ("flag = ?", Value::from(a.flag)),
        ("big = ?", Value::from(a.big)),
        ("amount = ?", Value::Decimal(a.amount.to_string().into())),
        ("label = ?", Value::from(a.label.clone())),
        ("payload = ?", Value::Bytes(a.payload.clone().into())),
        ("day = ?", Value::from(a.day)),
        ("clock = ?", Value::from(a.clock)),
        ("moment = ?", Value::from(a.moment)),
        ("instant = ?", Value::from(a.instant)),
        ("uid = ?", Value::from(a.uid)),
        ("ratio > ? AND ratio < ?", Value::from(0.3)),
    ];
    for (sql, value) in checks {
        let ids: Vec<i64> = if sql.contains(" AND ") {
            q.clone()
                .filter(sql, (value, 0.31))
                .pluck("id")
                .await
                .step(sql)?
        } else {
            q.clone()
                .filter(sql, (value.clone(),))
                .pluck("id")
                .await
                .step(sql)?
        };
        ensure_eq!(ids, [a.id], "rows matching `{sql}`");
    }
    Ok(())
}

pub(crate) async fn raw_cells_decode_to_their_types(ctx: Ctx) -> Outcome {
    let db = ctx.db;
    let (a, _) = filled(&db).await?;
    let rows = db
        .raw("SELECT * FROM kit_values WHERE id = ?", (a.id,))
        .await
        .step("raw read")?;
    let Some(row) = rows.iter().next() else {
        return Err(Failure("the row is missing".into()));
    };
    ensure_eq!(row.get::<bool>("flag").step("bool")?, a.flag, "bool");
    ensure_eq!(row.get::<i64>("big").step("i64")?, a.big, "i64");
    ensure_eq!(row.get::<f64>("ratio").step("f64")?, a.ratio, "f64");
    ensure_eq!(
        row.get::<Decimal>("amount").step("decimal")?,
        a.amount,
        "decimal"
    );
    ensure_eq!(row.get::<String>("label").step("text")?, a.label, "text");
    ensure_eq!(
        row.get::<Vec<u8>>("payload").step("bytes")?,
        a.payload,
        "bytes"
    );
    ensure_eq!(row.get::<NaiveDate>("day").step("date")?, a.day, "date");
    ensure_eq!(row.get::<NaiveTime>("clock").step("time")?, a.clock, "time");
    ensure_eq!(
        row.get::<NaiveDateTime>("moment").step("timestamp")?,
        a.moment,
        "naive timestamp"
    );
    ensure_eq!(
        row.get::<DateTime<Utc>>("instant")
            .step("timestamp (UTC)")?,
        a.instant,
        "UTC timestamp"
    );
    ensure_eq!(row.get::<Uuid>("uid").step("uuid")?, a.uid, "uuid");
    ensure_eq!(
        row.get::<serde_json::Value>("doc").step("json")?,
        a.doc,
        "json"
    );
    let scalar: Option<i64> = db
        .raw_scalar("SELECT count(*) FROM kit_values", ())
        .await
        .step("raw_scalar")?;
    ensure_eq!(scalar, Some(2), "raw_scalar of count(*)");
    Ok(())
}
