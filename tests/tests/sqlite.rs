//! What only SQLite does: values of mixed storage classes in one column, WAL files with
//! foreign keys on, triggers whose bodies hold statements, and its URL errors. Values, rendering, transactions, constraint
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

#[tokio::test]
async fn a_trigger_with_a_body_of_statements_is_one_statement() {
    let db = sqlite_memory().await;
    db.exec("CREATE TABLE items (id INTEGER PRIMARY KEY, name TEXT)", ())
        .await
        .unwrap();
    db.exec("CREATE TABLE audit (item_id INTEGER, what TEXT)", ())
        .await
        .unwrap();
    db.exec(
        "CREATE TRIGGER items_audit AFTER INSERT ON items BEGIN \
             INSERT INTO audit VALUES (new.id, 'created'); \
             INSERT INTO audit VALUES (new.id, CASE WHEN new.name = '' THEN 'blank' END); \
         END;",
        (),
    )
    .await
    .unwrap();
    db.exec("INSERT INTO items (name) VALUES (?)", ("",))
        .await
        .unwrap();
    let rows = db
        .raw("SELECT item_id, what FROM audit ORDER BY rowid", ())
        .await
        .unwrap();
    let audit: Vec<(i64, String)> = rows
        .iter()
        .map(|r| (r.get("item_id").unwrap(), r.get("what").unwrap()))
        .collect();
    assert_eq!(
        audit,
        [(1, "created".to_string()), (1, "blank".to_string())]
    );

    // A statement after the trigger's END is still a second statement, refused whole.
    let e = db
        .exec(
            "CREATE TRIGGER t2 AFTER DELETE ON items BEGIN SELECT 1; END; DROP TABLE audit",
            (),
        )
        .await
        .unwrap_err();
    assert!(matches!(e, Error::Db(DbError::InvalidSql(_))), "{e}");
    assert!(db.raw("SELECT 1 FROM audit", ()).await.is_ok());
    assert!(db
        .raw("SELECT name FROM sqlite_master WHERE name = 't2'", ())
        .await
        .unwrap()
        .is_empty());
}

#[tokio::test]
async fn threading_inline_is_read_from_the_url_and_a_bad_value_refused() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!(
        "sqlite://{}?threading=inline",
        dir.path().join("inline.db").display()
    );
    let db = registry().open(&url).await.unwrap();
    db.exec("CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT)", ())
        .await
        .unwrap();
    db.exec("INSERT INTO t (name) VALUES (?), (?)", ("a", "b"))
        .await
        .unwrap();
    let rows = db.raw("SELECT name FROM t ORDER BY id", ()).await.unwrap();
    let names: Vec<String> = rows.iter().map(|r| r.get("name").unwrap()).collect();
    assert_eq!(names, ["a", "b"]);

    let e = registry()
        .open("sqlite::memory:?threading=sometimes")
        .await
        .unwrap_err();
    assert!(matches!(e, Error::Db(DbError::InvalidUrl { .. })), "{e}");
    let text = e.to_string();
    assert!(
        text.contains("threading") && text.contains("inline"),
        "{text}"
    );
}
