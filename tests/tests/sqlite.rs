//! The SQLite dialect plugin against real SQLite: typed values, transactions, savepoints,
//! translated errors, rendering.

use chrono::{NaiveDate, NaiveDateTime};
use plugorm::{
    plugin_api::statement::{Expr, OrderBy, Select, Statement, TableRef},
    DbError, Error, Value,
};
use plugorm_tests::{registry, sqlite_file, sqlite_memory};

fn db_err(e: Error) -> DbError {
    match e {
        Error::Db(d) => d,
        other => panic!("expected a database error, got {other}"),
    }
}

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
async fn many_rows_come_back_in_batches() {
    let db = sqlite_memory().await;
    let rows = db
        .raw("WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 5000) SELECT x, 'n' || x AS s FROM c", ())
        .await
        .unwrap();
    assert_eq!(rows.len(), 5000);
    assert!(rows.batches.len() > 1);
    let sum: i64 = rows.iter().map(|r| r.get::<i64>("x").unwrap()).sum();
    assert_eq!(sum, 5000 * 5001 / 2);
    assert_eq!(
        rows.iter().last().unwrap().get::<String>("s").unwrap(),
        "n5000"
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
async fn transactions_commit_and_roll_back() {
    let (db, _dir) = sqlite_file().await;
    db.exec("CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)", ())
        .await
        .unwrap();
    let tx = db.begin().await.unwrap();
    tx.exec("INSERT INTO t (v) VALUES (?)", ("kept",))
        .await
        .unwrap();
    assert_eq!(tx.raw("SELECT v FROM t", ()).await.unwrap().len(), 1);
    tx.commit().await.unwrap();
    let tx = db.begin().await.unwrap();
    tx.exec("INSERT INTO t (v) VALUES (?)", ("dropped",))
        .await
        .unwrap();
    tx.rollback().await.unwrap();
    let rows = db.raw("SELECT v FROM t", ()).await.unwrap();
    let vs: Vec<String> = rows.iter().map(|r| r.get("v").unwrap()).collect();
    assert_eq!(vs, vec!["kept"]);
}

#[tokio::test]
async fn savepoints_roll_back_part_of_a_transaction() {
    let db = sqlite_memory().await;
    db.exec("CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)", ())
        .await
        .unwrap();
    let tx = db.begin().await.unwrap();
    tx.exec("INSERT INTO t (v) VALUES ('a')", ()).await.unwrap();
    tx.savepoint("sp1").await.unwrap();
    tx.exec("INSERT INTO t (v) VALUES ('b')", ()).await.unwrap();
    tx.savepoint("sp 2").await.unwrap(); // names are quoted
    tx.exec("INSERT INTO t (v) VALUES ('c')", ()).await.unwrap();
    tx.rollback_to("sp 2").await.unwrap();
    tx.release("sp 2").await.unwrap();
    tx.rollback_to("sp1").await.unwrap();
    tx.exec("INSERT INTO t (v) VALUES ('d')", ()).await.unwrap();
    tx.commit().await.unwrap();
    let rows = db.raw("SELECT v FROM t ORDER BY id", ()).await.unwrap();
    let vs: Vec<String> = rows.iter().map(|r| r.get("v").unwrap()).collect();
    assert_eq!(vs, vec!["a", "d"]);
    let e = db_err(
        db.begin()
            .await
            .unwrap()
            .rollback_to("never")
            .await
            .unwrap_err(),
    );
    assert!(e.to_string().contains("no such savepoint"), "{e}");
}

#[tokio::test]
async fn a_finished_transaction_refuses_more_work() {
    let db = sqlite_memory().await;
    let tx = db.pool().begin().await.unwrap();
    tx.commit().await.unwrap();
    let e = tx
        .execute(plugorm::Sql::new("SELECT 1", []))
        .await
        .unwrap_err();
    assert_eq!(e, DbError::TransactionFinished);
    assert_eq!(tx.commit().await.unwrap_err(), DbError::TransactionFinished);
}

#[tokio::test]
async fn constraint_errors_are_translated() {
    let db = sqlite_memory().await;
    db.exec("CREATE TABLE parent (id INTEGER PRIMARY KEY)", ())
        .await
        .unwrap();
    db.exec(
        "CREATE TABLE child (id INTEGER PRIMARY KEY, email TEXT UNIQUE, name TEXT NOT NULL, \
         age INTEGER CONSTRAINT chk_child_age CHECK (age >= 0), parent_id INTEGER REFERENCES parent(id))",
        (),
    )
    .await
    .unwrap();
    db.exec(
        "INSERT INTO child (email, name, age) VALUES ('a@x', 'a', 1)",
        (),
    )
    .await
    .unwrap();

    let e = db_err(
        db.exec(
            "INSERT INTO child (email, name, age) VALUES ('a@x', 'b', 1)",
            (),
        )
        .await
        .unwrap_err(),
    );
    assert!(
        matches!(&e, DbError::UniqueViolation { constraint: Some(c), .. } if c == "child.email"),
        "{e:?}"
    );
    let e = db_err(
        db.exec("INSERT INTO child (email, age) VALUES ('b@x', 1)", ())
            .await
            .unwrap_err(),
    );
    assert!(
        matches!(&e, DbError::NotNullViolation { column: Some(c), .. } if c == "child.name"),
        "{e:?}"
    );
    let e = db_err(
        db.exec(
            "INSERT INTO child (email, name, age) VALUES ('c@x', 'c', -1)",
            (),
        )
        .await
        .unwrap_err(),
    );
    assert!(
        matches!(&e, DbError::CheckViolation { constraint: Some(c), .. } if c == "chk_child_age"),
        "{e:?}"
    );
    let e = db_err(
        db.exec(
            "INSERT INTO child (email, name, age, parent_id) VALUES ('d@x', 'd', 1, 99)",
            (),
        )
        .await
        .unwrap_err(),
    );
    assert!(matches!(e, DbError::ForeignKeyViolation { .. }), "{e:?}");
    let e = db_err(
        db.exec("INSERT INTO nosuch VALUES (1)", ())
            .await
            .unwrap_err(),
    );
    assert!(
        matches!(&e, DbError::Database { message, .. } if message.contains("no such table")),
        "{e:?}"
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
