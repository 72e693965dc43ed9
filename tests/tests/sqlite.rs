//! What only SQLite does: values of mixed storage classes in one column, WAL files with
//! foreign keys on, and its URL errors. Values, rendering, transactions, constraint
//! errors, streams and concurrent writers run on every backend (`values.rs`,
//! `golden.rs`, `transactions.rs`, `constraint_errors.rs`, `streaming.rs`, `faults.rs`).

use plugorm::{DbError, Error, Value};
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
