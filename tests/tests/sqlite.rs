//! What only SQLite does: typed values in its storage classes, rendering without a
//! database, WAL files with foreign keys on, concurrent writers on one file, and its URL
//! errors. Transactions, constraint errors and streams run on every backend
//! (`transactions.rs`, `constraint_errors.rs`, `streaming.rs`).

use plugorm::{
    plugin_api::statement::{Expr, OrderBy, Select, Statement, TableRef},
    DbError, Error, Value,
};
use plugorm_tests::{registry, sqlite_file, sqlite_memory};

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
