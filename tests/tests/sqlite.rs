//! What only SQLite does: typed values in its storage classes, rendering without a
//! database, WAL files with foreign keys on, concurrent writers on one file, and its URL
//! errors. Transactions, constraint errors and streams run on every backend
//! (`transactions.rs`, `constraint_errors.rs`, `streaming.rs`).

use chrono::{NaiveDate, NaiveDateTime};
use plugorm::{
    plugin_api::statement::{Expr, OrderBy, Select, Statement, TableRef},
    DbError, Error, Value,
};
use plugorm_tests::{registry, sqlite_file, sqlite_memory};

#[tokio::test]
async fn values_round_trip_with_typed_access_by_column_name() {
    let db = sqlite_memory().await;
    db.exec(
        "CREATE TABLE v (id INTEGER PRIMARY KEY, i INTEGER, f REAL, t TEXT, b BLOB, flag BOOLEAN, \
         n INTEGER, ts DATETIME, d DATE, u TEXT, dec TEXT, j TEXT)",
        (),
    )
    .await
    .unwrap();
    let ts = NaiveDate::from_ymd_opt(2024, 1, 2)
        .unwrap()
        .and_hms_micro_opt(3, 4, 5, 600_000)
        .unwrap();
    let d = NaiveDate::from_ymd_opt(1999, 12, 31).unwrap();
    let u = uuid::Uuid::from_u128(0x1234_5678_9abc_def0_1122_3344_5566_7788);
    let dec: rust_decimal::Decimal = "12.50".parse().unwrap();
    let j = serde_json::json!({"a": [1, 2]});
    let r = db
        .exec(
            "INSERT INTO v (i, f, t, b, flag, n, ts, d, u, dec, j) VALUES (?,?,?,?,?,?,?,?,?,?,?)",
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
                Value::from(dec),
                Value::from(j.clone()),
            ],
        )
        .await
        .unwrap();
    assert_eq!(r.rows_affected, 1);
    assert_eq!(r.last_insert_id.into_option(), Some(1));

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
    assert_eq!(row.get::<rust_decimal::Decimal>("dec").unwrap(), dec);
    assert_eq!(row.get::<serde_json::Value>("j").unwrap(), j);
}

#[tokio::test]
async fn decode_errors_name_the_column_and_types() {
    let db = sqlite_memory().await;
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

#[tokio::test]
async fn mixed_storage_classes_in_one_column_are_kept() {
    let db = sqlite_memory().await;
    db.exec("CREATE TABLE m (v)", ()).await.unwrap();
    db.exec("INSERT INTO m (v) VALUES (1), ('two'), (3.5), (NULL)", ())
        .await
        .unwrap();
    let rows = db.raw("SELECT v FROM m ORDER BY rowid", ()).await.unwrap();
    let vals: Vec<Value> = rows.iter().map(|r| r.get::<Value>("v").unwrap()).collect();
    assert_eq!(
        vals,
        vec![
            Value::I64(1),
            Value::Text("two".into()),
            Value::F64(3.5),
            Value::Null
        ]
    );
}

#[tokio::test]
async fn dry_run_renders_without_touching_the_database() {
    let db = sqlite_memory().await;
    let mut q = Select::from_table(TableRef::new("users"));
    q.filter(Expr::col("users", "name").eq("jinzhu"));
    q.filter(Expr::col("users", "deleted_at").is_null());
    q.order_by.push(OrderBy::asc(Expr::col("users", "id")));
    q.limit = Some(1).into();
    let sql = db.render(&Statement::Select(q)).unwrap();
    assert_eq!(
        sql.text.as_str(),
        "SELECT * FROM `users` WHERE `users`.`name` = ? AND `users`.`deleted_at` IS NULL ORDER BY `users`.`id` LIMIT 1"
    );
    assert_eq!(sql.params.len(), 1);
    // Raw templates: lists expand, `??` is a literal `?`, a missing argument is an error.
    let sql = db
        .render_raw(
            "SELECT * FROM users WHERE id IN ? AND note = '??'",
            (vec![1, 2],),
        )
        .unwrap();
    assert_eq!(
        sql.text.as_str(),
        "SELECT * FROM users WHERE id IN (?,?) AND note = '?'"
    );
    assert_eq!(sql.params.len(), 2);
    let sql = db
        .render_raw("SELECT * FROM users WHERE id IN (?)", (vec![3],))
        .unwrap();
    assert_eq!(sql.text.as_str(), "SELECT * FROM users WHERE id IN (?)");
    let e = db.render_raw("SELECT ? + ?", (1,)).unwrap_err();
    assert!(e.to_string().contains("more `?` placeholders"), "{e}");
    // No table was created by any of this.
    let rows = db
        .raw("SELECT count(*) AS n FROM sqlite_master", ())
        .await
        .unwrap();
    assert_eq!(rows.iter().next().unwrap().get::<i64>("n").unwrap(), 0);
}

#[tokio::test]
async fn file_databases_use_wal_and_enforce_foreign_keys() {
    let (db, dir) = sqlite_file().await;
    let rows = db.raw("PRAGMA journal_mode", ()).await.unwrap();
    assert_eq!(
        rows.iter().next().unwrap().get_at::<String>(0).unwrap(),
        "wal"
    );
    let rows = db.raw("PRAGMA foreign_keys", ()).await.unwrap();
    assert_eq!(rows.iter().next().unwrap().get_at::<i64>(0).unwrap(), 1);
    assert!(dir.path().join("test.db").exists());
}

#[tokio::test]
async fn concurrent_writers_on_a_file_all_land() {
    let (db, _dir) = sqlite_file().await;
    db.exec("CREATE TABLE t (id INTEGER PRIMARY KEY, v INTEGER)", ())
        .await
        .unwrap();
    let tasks: Vec<_> = (0..40)
        .map(|i| {
            let db = db.clone();
            tokio::spawn(async move { db.exec("INSERT INTO t (v) VALUES (?)", (i,)).await })
        })
        .collect();
    for t in tasks {
        t.await.unwrap().unwrap();
    }
    let rows = db
        .raw("SELECT count(*) AS n, sum(v) AS s FROM t", ())
        .await
        .unwrap();
    let row = rows.iter().next().unwrap();
    assert_eq!(
        (row.get::<i64>("n").unwrap(), row.get::<i64>("s").unwrap()),
        (40, 780)
    );
}

#[tokio::test]
async fn bad_urls_are_typed_errors() {
    let r = registry();
    let e = r.open("sqlite:").await.unwrap_err();
    assert!(matches!(e, Error::Db(DbError::InvalidUrl { .. })), "{e}");
    let e = r
        .open("sqlite:///nonexistent-dir/sub/x.db")
        .await
        .unwrap_err();
    assert!(matches!(e, Error::Db(DbError::Connect { .. })), "{e}");
    assert!(e.to_string().contains("nonexistent-dir"), "{e}");
}
