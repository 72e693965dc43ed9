//! Values on every backend: each kind of value written as a parameter into a column of
//! the database's own type and read back typed by column name, and decode errors that
//! name the column and both types. Each database's full type list is in its own file
//! (`sqlite.rs`, `postgres_data.rs`, `mysql/roundtrip.rs`).

use chrono::{NaiveDate, NaiveDateTime};
use plugorm::Value;
use plugorm_tests::matrix::Backend;

plugorm_tests::matrix!(
    values_round_trip_with_typed_access_by_column_name,
    decode_errors_name_the_column_and_types,
);

async fn values_round_trip_with_typed_access_by_column_name(backend: Backend) {
    let Some(db) = backend.open("").await else {
        return;
    };
    let ddl = backend.pick(
        "CREATE TABLE v (id INTEGER PRIMARY KEY, i INTEGER, f REAL, t TEXT, b BLOB, \
         flag BOOLEAN, n INTEGER, ts DATETIME, d DATE, u TEXT, amount TEXT, j TEXT)",
        "CREATE TABLE v (id serial PRIMARY KEY, i bigint, f double precision, t text, b bytea, \
         flag boolean, n bigint, ts timestamp, d date, u uuid, amount numeric(10,2), j jsonb)",
        "CREATE TABLE v (id int AUTO_INCREMENT PRIMARY KEY, i bigint, f double, t text, b blob, \
         flag boolean, n bigint, ts datetime(6), d date, u char(36), amount decimal(10,2), j json)",
    );
    db.exec(ddl, ()).await.unwrap();
    let ts = NaiveDate::from_ymd_opt(2024, 1, 2)
        .unwrap()
        .and_hms_micro_opt(3, 4, 5, 600_000)
        .unwrap();
    let d = NaiveDate::from_ymd_opt(1999, 12, 31).unwrap();
    let u = uuid::Uuid::from_u128(0x1234_5678_9abc_def0_1122_3344_5566_7788);
    let amount: rust_decimal::Decimal = "12.50".parse().unwrap();
    let j = serde_json::json!({"a": [1, 2]});
    let r = db
        .exec(
            "INSERT INTO v (i, f, t, b, flag, n, ts, d, u, amount, j) \
             VALUES (?,?,?,?,?,?,?,?,?,?,?)",
            vec![
                Value::from(-7i64),
                Value::from(2.5f64),
                Value::from("héllo"),
                Value::from(vec![0u8, 255, 7]),
                Value::from(true),
                Value::Null,
                Value::from(ts),
                Value::from(d),
                Value::from(u),
                Value::from(amount),
                Value::from(j.clone()),
            ],
        )
        .await
        .unwrap();
    assert_eq!(r.rows_affected, 1);
    // PostgreSQL has no last insert id: keys come back by RETURNING.
    assert_eq!(
        r.last_insert_id.into_option(),
        backend.pick(Some(1), None, Some(1))
    );

    let rows = db.raw("SELECT * FROM v WHERE id = ?", (1,)).await.unwrap();
    assert_eq!(rows.len(), 1);
    let row = rows.iter().next().unwrap();
    assert_eq!(row.get::<i64>("i").unwrap(), -7);
    assert_eq!(row.get::<i32>("i").unwrap(), -7);
    assert_eq!(row.get::<f64>("f").unwrap(), 2.5);
    assert_eq!(row.get::<String>("t").unwrap(), "héllo");
    assert_eq!(row.get::<Vec<u8>>("b").unwrap(), vec![0, 255, 7]);
    assert!(row.get::<bool>("flag").unwrap());
    assert_eq!(row.get::<Option<i64>>("n").unwrap(), None);
    assert_eq!(row.get::<NaiveDateTime>("ts").unwrap(), ts);
    assert_eq!(row.get::<NaiveDate>("d").unwrap(), d);
    assert_eq!(row.get::<uuid::Uuid>("u").unwrap(), u);
    assert_eq!(row.get::<rust_decimal::Decimal>("amount").unwrap(), amount);
    assert_eq!(row.get::<serde_json::Value>("j").unwrap(), j);
}

async fn decode_errors_name_the_column_and_types(backend: Backend) {
    let Some(db) = backend.open("").await else {
        return;
    };
    let rows = db
        .raw("SELECT 'abc' AS name, 300 AS big, NULL AS empty", ())
        .await
        .unwrap();
    let row = rows.iter().next().unwrap();
    let e = row.get::<i64>("name").unwrap_err().to_string();
    assert!(
        e.contains("`name`") && e.contains("i64") && e.contains("text"),
        "{e}"
    );
    let e = row.get::<u8>("big").unwrap_err().to_string();
    assert!(e.contains("out of range"), "{e}");
    let e = row.get::<i64>("empty").unwrap_err().to_string();
    assert!(e.contains("NULL"), "{e}");
    let e = row.get::<i64>("missing").unwrap_err().to_string();
    assert!(
        e.contains("no such column") && e.contains("name, big, empty"),
        "{e}"
    );
}
