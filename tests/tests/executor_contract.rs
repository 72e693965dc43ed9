//! Three behaviours of the plugin API's executor contract, the same on every database
//! (see `plugorm_plugin_api::connection`): `execute` given a statement that returns rows
//! runs it and discards the rows; a result without rows still names its columns; a
//! connection asked to begin a second transaction while one is open refuses with a typed
//! error and leaves the first one as it was.

use plugorm::{plugin_api::DbError, Error, Sql};
use plugorm_tests::matrix::Backend;

async fn table(db: &plugorm::Db) {
    db.exec(
        "CREATE TABLE items (id INTEGER PRIMARY KEY, name VARCHAR(20) NOT NULL)",
        (),
    )
    .await
    .unwrap();
}

async fn count(db: &plugorm::Db) -> i64 {
    db.raw_scalar("SELECT COUNT(*) FROM items", ())
        .await
        .unwrap()
        .unwrap()
}

/// GORM's `Exec` with a query: the statement runs (an `INSERT … RETURNING` inserts), its
/// rows are read and dropped, and `rows_affected` counts the rows it wrote — none for a
/// `SELECT`, even right after a write on the same connection.
async fn execute_runs_a_row_returning_statement_and_discards_its_rows(backend: Backend) {
    let Some(db) = backend.open("").await else {
        return;
    };
    table(&db).await;
    let r = db
        .exec(
            "INSERT INTO items (id, name) VALUES (1, 'a'), (2, 'b'), (3, 'c')",
            (),
        )
        .await
        .unwrap();
    assert_eq!(r.rows_affected, 3);
    let r = db.exec("SELECT id, name FROM items", ()).await.unwrap();
    assert_eq!(r.rows_affected, 0, "a SELECT writes nothing");
    let r = db.exec("SELECT 1", ()).await.unwrap();
    assert_eq!(r.rows_affected, 0);
    let r = db
        .exec(
            "INSERT INTO items (id, name) VALUES (4, 'd'), (5, 'e') RETURNING id",
            (),
        )
        .await
        .unwrap();
    assert_eq!(r.rows_affected, 2, "the rows the INSERT wrote");
    assert_eq!(count(&db).await, 5, "the INSERT … RETURNING took effect");
    let r = db
        .exec("DELETE FROM items WHERE id > ? RETURNING id, name", (3,))
        .await
        .unwrap();
    assert_eq!(r.rows_affected, 2, "the rows the DELETE removed");
    assert_eq!(count(&db).await, 3);
    // Inside a transaction, the same.
    let tx = db.begin().await.unwrap();
    let r = tx.exec("SELECT id FROM items", ()).await.unwrap();
    assert_eq!(r.rows_affected, 0);
    let r = tx
        .exec(
            "INSERT INTO items (id, name) VALUES (6, 'f') RETURNING id",
            (),
        )
        .await
        .unwrap();
    assert_eq!(r.rows_affected, 1);
    tx.commit().await.unwrap();
    assert_eq!(count(&db).await, 4);
}

/// A query that matches nothing still names its columns, whichever way it is read: all
/// rows at once, streamed raw, or a model query's row cursor.
async fn an_empty_result_still_names_its_columns(backend: Backend) {
    let Some(db) = backend.products().await else {
        return;
    };
    table(&db).await;
    let rows = db
        .raw("SELECT id, name FROM items WHERE 1 = 0", ())
        .await
        .unwrap();
    assert!(rows.is_empty());
    assert_eq!(rows.column_names().collect::<Vec<_>>(), ["id", "name"]);
    let stream = db
        .raw_stream("SELECT name, id AS ident FROM items WHERE id > ?", (10,))
        .await
        .unwrap();
    assert_eq!(stream.names(), ["name", "ident"]);
    assert!(stream.next_batch().await.unwrap().is_none());
    let tx = db.begin().await.unwrap();
    let rows = tx
        .raw("SELECT name FROM items WHERE id = ?", (1,))
        .await
        .unwrap();
    assert_eq!(rows.column_names().collect::<Vec<_>>(), ["name"]);
    tx.rollback().await.unwrap();
    let cursor = db
        .model::<plugorm_tests::product::Product>()
        .select(&["code", "price"])
        .rows()
        .await
        .unwrap();
    assert_eq!(cursor.names(), ["code", "price"]);
}

plugorm_tests::matrix!(
    execute_runs_a_row_returning_statement_and_discards_its_rows,
    an_empty_result_still_names_its_columns,
);

/// A connection with a transaction open refuses a second `begin` with
/// `DbError::TransactionAlreadyOpen`; the open transaction goes on and commits, and once
/// it ended the connection begins again. The host's `Tx::begin` refuses the same way
/// GORM does (`InvalidTransaction`), and `transaction` inside a transaction nests as a
/// savepoint.
async fn a_second_begin_on_a_connection_is_refused(backend: Backend) {
    let Some(db) = backend.open_file("").await else {
        return;
    };
    table(&db).await;
    let conn = db.pool().acquire().await.unwrap();
    let first = conn.begin().await.unwrap();
    first
        .execute(Sql::new("INSERT INTO items (id, name) VALUES (1, 'a')", []))
        .await
        .unwrap();
    let again = conn.begin().await;
    match again {
        Err(DbError::TransactionAlreadyOpen) => {}
        Err(other) => panic!("expected TransactionAlreadyOpen, got {other}"),
        Ok(_) => panic!("a second transaction began on the connection"),
    }
    assert!(DbError::TransactionAlreadyOpen
        .to_string()
        .contains("savepoint"));
    first
        .execute(Sql::new("INSERT INTO items (id, name) VALUES (2, 'b')", []))
        .await
        .expect("the first transaction is still open");
    first.commit().await.unwrap();
    assert_eq!(count(&db).await, 2, "both inserts committed");
    let second = conn.begin().await.expect("a new transaction after commit");
    second.rollback().await.unwrap();
    drop(conn);

    let tx = db.begin().await.unwrap();
    assert!(matches!(
        tx.begin().await,
        Err(Error::InvalidTransaction(_))
    ));
    let inner: Result<(), Error> = tx
        .transaction(|sp| async move {
            sp.exec("INSERT INTO items (id, name) VALUES (3, 'c')", ())
                .await?;
            Err(Error::msg("undo the savepoint"))
        })
        .await;
    assert!(inner.is_err());
    tx.exec("INSERT INTO items (id, name) VALUES (4, 'd')", ())
        .await
        .unwrap();
    tx.commit().await.unwrap();
    let ids: Vec<i64> = db
        .raw("SELECT id FROM items ORDER BY id", ())
        .await
        .unwrap()
        .iter()
        .map(|r| r.get("id").unwrap())
        .collect();
    assert_eq!(
        ids,
        [1, 2, 4],
        "the savepoint's insert was undone, nothing else"
    );
}

plugorm_tests::matrix!(a_second_begin_on_a_connection_is_refused);
