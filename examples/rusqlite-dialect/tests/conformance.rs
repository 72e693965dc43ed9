//! What every dialect must do, through the host: CRUD with a derived model, AutoMigrate
//! on the dialect's own introspection, transactions, a cancelled statement, typed
//! errors, and every `Value` type round-tripping. Nothing here names the dialect: the
//! database comes from `common/`, so when the `plugorm-dialect-tests` conformance kit
//! lands, this file becomes a call into it with the same `common` module.

mod common;

use std::time::Duration;

use chrono::{DateTime, NaiveDate, NaiveDateTime, NaiveTime, Utc};
use plugorm::{Error, Model};
use plugorm_plugin_api::{DbError, Decode, Value};

#[derive(Model, Debug, Default, Clone, PartialEq)]
struct Product {
    id: i64,
    #[orm(size = 32, unique_index)]
    code: String,
    price: i64,
    created_at: NaiveDateTime,
    updated_at: NaiveDateTime,
    #[orm(soft_delete)]
    deleted_at: Option<NaiveDateTime>,
}

/// One column of every type a model field can have.
#[derive(Model, Debug, Default, Clone, PartialEq)]
struct Sample {
    id: i64,
    flag: bool,
    count: i64,
    ratio: f64,
    price: rust_decimal::Decimal,
    name: String,
    data: Vec<u8>,
    day: NaiveDate,
    at: NaiveTime,
    stamp: NaiveDateTime,
    instant: DateTime<Utc>,
    key: uuid::Uuid,
    doc: serde_json::Value,
    missing: Option<String>,
}

fn product(code: &str, price: i64) -> Product {
    Product {
        code: code.into(),
        price,
        ..Product::default()
    }
}

#[tokio::test]
async fn crud_through_the_host_with_a_derived_model() {
    let (db, _dir) = common::file("").await;
    db.auto_migrate::<Product>().await.unwrap();
    let mut a = product("A1", 100);
    let mut b = product("B2", 250);
    db.create(&mut a).await.unwrap();
    db.create(&mut b).await.unwrap();
    assert!(
        a.id > 0 && b.id == a.id + 1,
        "keys read back: {} {}",
        a.id,
        b.id
    );
    assert!(a.created_at > NaiveDateTime::default());

    let found: Product = db.model::<Product>().id(b.id).first().await.unwrap();
    assert_eq!((found.code.as_str(), found.price), ("B2", 250));
    let cheap: Vec<Product> = db
        .model::<Product>()
        .filter("price < ?", (200,))
        .find()
        .await
        .unwrap();
    assert_eq!(cheap, [a.clone()]);

    db.record(&mut a).update("price", 120).await.unwrap();
    let again: Product = db.model::<Product>().id(a.id).first().await.unwrap();
    assert_eq!(again.price, 120);

    db.delete(&mut a).await.unwrap(); // soft: the row stays, hidden
    assert_eq!(db.model::<Product>().count().await.unwrap(), 1);
    assert_eq!(db.model::<Product>().unscoped().count().await.unwrap(), 2);
    db.model::<Product>()
        .unscoped()
        .id(a.id)
        .delete()
        .await
        .unwrap();
    assert_eq!(db.model::<Product>().unscoped().count().await.unwrap(), 1);
    assert!(matches!(
        db.model::<Product>().id(a.id).first().await,
        Err(Error::RecordNotFound)
    ));
}

#[tokio::test]
async fn auto_migrate_reads_the_table_back_and_adds_only_what_is_missing() {
    let db = common::memory().await;
    db.exec(
        "CREATE TABLE products (id integer PRIMARY KEY AUTOINCREMENT, code varchar(32))",
        (),
    )
    .await
    .unwrap();
    let report = db.migrator().auto_migrate::<Product>().await.unwrap();
    let added: Vec<String> = report.statements.iter().map(|s| s.to_string()).collect();
    assert_eq!(added.len(), 5, "four columns and the index: {added:#?}");
    assert!(
        added.iter().all(|s| !s.contains("CREATE TABLE")),
        "{added:#?}"
    );
    let again = db.migrator().auto_migrate::<Product>().await.unwrap();
    assert!(again.statements.is_empty(), "{:#?}", again.statements);
    let info = db.migrator().describe::<Product>().await.unwrap();
    let code = info.column("code").unwrap();
    assert_eq!((code.sql_type.as_str(), code.size), ("varchar(32)", 32));
    assert!(info.column("id").unwrap().primary_key);
    assert!(info.index("idx_products_code").is_some_and(|i| i.unique));
}

#[tokio::test]
async fn transactions_commit_roll_back_and_nest() {
    let (db, _dir) = common::file("").await;
    db.auto_migrate::<Product>().await.unwrap();
    db.transaction(|tx| async move {
        tx.create(&mut product("T1", 1)).await?;
        let inner: Result<(), Error> = tx
            .transaction(|inner| async move {
                inner.create(&mut product("T2", 2)).await?;
                Err(Error::msg("undo the savepoint"))
            })
            .await;
        assert!(inner.is_err());
        Ok(())
    })
    .await
    .unwrap();
    let failed: Result<(), Error> = db
        .transaction(|tx| async move {
            tx.create(&mut product("T3", 3)).await?;
            tx.create(&mut product("T1", 4)).await?; // duplicate code
            Ok(())
        })
        .await;
    assert!(
        matches!(failed, Err(Error::Db(DbError::UniqueViolation { .. }))),
        "{failed:?}"
    );
    let codes: Vec<String> = db.model::<Product>().pluck("code").await.unwrap();
    assert_eq!(codes, ["T1"]);

    let tx = db.begin().await.unwrap();
    tx.create(&mut product("T4", 4)).await.unwrap();
    drop(tx); // rolled back
    assert_eq!(db.model::<Product>().count().await.unwrap(), 1);
}

/// A statement past its deadline is interrupted on its connection's thread: with one
/// connection in the pool, the next statements get it at once (they would otherwise
/// wait forever behind the endless one), in and out of a transaction.
#[tokio::test]
async fn a_timed_out_statement_is_cancelled_and_its_connection_serves_again() {
    let (db, _dir) = common::file("max_connections=1&connect_timeout=5s").await;
    let started = std::time::Instant::now();
    let r = db
        .with_timeout(Duration::from_millis(200))
        .raw(common::ENDLESS, ())
        .await;
    assert!(matches!(r, Err(Error::Db(DbError::Timeout(_)))), "{r:?}");
    let one: Option<i64> = db.raw_scalar("SELECT 1", ()).await.unwrap();
    assert_eq!(one, Some(1));

    db.exec("CREATE TABLE kept (v INTEGER)", ()).await.unwrap();
    let r: Result<(), Error> = db
        .transaction(|tx| async move {
            tx.exec("INSERT INTO kept (v) VALUES (?)", (1,)).await?;
            tx.with_timeout(Duration::from_millis(200))
                .raw(common::ENDLESS, ())
                .await?;
            Ok(())
        })
        .await;
    assert!(matches!(r, Err(Error::Db(DbError::Timeout(_)))), "{r:?}");
    let n: Option<i64> = db
        .raw_scalar("SELECT count(*) FROM kept", ())
        .await
        .unwrap();
    assert_eq!(n, Some(0), "the timed-out transaction was rolled back");
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "{:?}",
        started.elapsed()
    );
}

/// A long result crosses in batches as it is read; a stream dropped mid-way (here of an
/// endless result, which could never be read whole) frees its connection at once.
#[tokio::test]
async fn a_long_result_streams_in_batches_and_a_dropped_stream_frees_its_connection() {
    let (db, _dir) = common::file("max_connections=1&connect_timeout=5s").await;
    let stream = db.raw_stream(&common::numbers(100_000), ()).await.unwrap();
    assert_eq!(stream.names(), ["x"]);
    let (mut rows, mut batches, mut last) = (0, 0, 0i64);
    while let Some(batch) = stream.next_batch().await.unwrap() {
        rows += batch.len;
        batches += 1;
        let cell = batch.columns[0].cell(batch.len as usize - 1).unwrap();
        last = <i64 as Decode>::decode(cell).unwrap();
    }
    assert_eq!((rows, last), (100_000, 100_000));
    assert!(batches > 10, "{batches} batches");

    let stream = db.raw_stream(common::ENDLESS_ROWS, ()).await.unwrap();
    assert!(stream.next_batch().await.unwrap().is_some());
    drop(stream);
    let one: Option<i64> = db.raw_scalar("SELECT 1", ()).await.unwrap();
    assert_eq!(one, Some(1));
}

#[tokio::test]
async fn every_value_type_round_trips() {
    let db = common::memory().await;
    db.auto_migrate::<Sample>().await.unwrap();
    let day = NaiveDate::from_ymd_opt(2024, 2, 29).unwrap();
    let at = NaiveTime::from_hms_micro_opt(23, 59, 58, 123_456).unwrap();
    let mut s = Sample {
        flag: true,
        count: i64::MIN,
        ratio: -1.5e-300,
        price: "12345678901234567890.50".parse().unwrap(),
        name: "ünïcödé 'quoted' \"and\" ; -- not sql".into(),
        data: vec![0, 1, 2, 255, 0],
        day,
        at,
        stamp: day.and_time(at),
        instant: DateTime::from_timestamp_micros(1_700_000_000_123_456).unwrap(),
        key: uuid::Uuid::from_u128(0xa0ee_bc99_9c0b_4ef8_bb6d_6bb9_bd38_0a11),
        doc: serde_json::json!({"k": [1, 2.5, "x", null, true]}),
        ..Sample::default()
    };
    db.create(&mut s).await.unwrap();
    let back: Sample = db.model::<Sample>().id(s.id).first().await.unwrap();
    assert_eq!(back, s);
    assert_eq!(
        back.price.to_string(),
        "12345678901234567890.50",
        "exact decimal"
    );

    // The same values bound as raw parameters and read back as `Value`s / typed.
    let values = [
        Value::Null,
        Value::Bool(true),
        Value::I64(i64::MAX),
        Value::F64(0.1),
        Value::Decimal("-12.50".into()),
        Value::Text("t".into()),
        Value::Bytes(vec![9, 0, 9].into()),
        Value::from(day),
        Value::from(at),
        Value::from(day.and_time(at)),
        Value::from(s.instant),
        Value::from(s.key),
        Value::from(s.doc.clone()),
    ];
    for v in values {
        let rows = db.raw("SELECT ? AS v", (v.clone(),)).await.unwrap();
        let row = rows.iter().next().unwrap();
        let got: Value = row.get("v").unwrap();
        let expected = match &v {
            Value::Bool(b) => Value::I64(i64::from(*b)), // SQLite has no boolean
            Value::Null | Value::I64(_) | Value::F64(_) | Value::Bytes(_) => v.clone(),
            other => Value::Text(other.text_form().unwrap().into()),
        };
        assert_eq!(got, expected, "{v:?}");
    }
    let rows = db
        .raw(
            "SELECT ? AS d, ? AS u, ? AS j",
            (s.price, s.key, s.doc.clone()),
        )
        .await
        .unwrap();
    let row = rows.iter().next().unwrap();
    assert_eq!(row.get::<rust_decimal::Decimal>("d").unwrap(), s.price);
    assert_eq!(row.get::<uuid::Uuid>("u").unwrap(), s.key);
    assert_eq!(row.get::<serde_json::Value>("j").unwrap(), s.doc);
}

#[tokio::test]
async fn errors_are_typed_and_a_second_statement_is_refused() {
    let db = common::memory().await;
    db.exec(
        "CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT NOT NULL, CHECK (length(v) < 5))",
        (),
    )
    .await
    .unwrap();
    db.exec("INSERT INTO t (id, v) VALUES (1, 'a')", ())
        .await
        .unwrap();
    let dup = db.exec("INSERT INTO t (id, v) VALUES (1, 'b')", ()).await;
    assert!(
        matches!(dup, Err(Error::Db(DbError::UniqueViolation { .. }))),
        "{dup:?}"
    );
    let null = db.exec("INSERT INTO t (id) VALUES (2)", ()).await;
    assert!(
        matches!(null, Err(Error::Db(DbError::NotNullViolation { .. }))),
        "{null:?}"
    );
    let check = db
        .exec("INSERT INTO t (id, v) VALUES (3, 'long!')", ())
        .await;
    assert!(
        matches!(check, Err(Error::Db(DbError::CheckViolation { .. }))),
        "{check:?}"
    );
    let two = db.exec("DELETE FROM t; DROP TABLE t", ()).await;
    assert!(two.is_err(), "{two:?}");
    let n: Option<i64> = db.raw_scalar("SELECT count(*) FROM t", ()).await.unwrap();
    assert_eq!(n, Some(1), "neither statement of the pair ran");
    let bad = db.raw("SELEC 1", ()).await;
    assert!(
        matches!(bad, Err(Error::Db(DbError::Database { .. }))),
        "{bad:?}"
    );
}
