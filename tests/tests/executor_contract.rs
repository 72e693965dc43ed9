//! Behaviours of the plugin API's executor contract, the same on every database (see
//! `plugorm_plugin_api::connection`): a connection asked to begin a second transaction
//! while one is open refuses with a typed error and leaves the first one as it was.

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
