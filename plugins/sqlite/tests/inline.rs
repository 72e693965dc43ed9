//! `?threading=inline`: statements on the caller's thread give what the default (a thread
//! per connection) gives, transactions commit, roll back and roll back when dropped,
//! streams cross, and the option is read from the URL (a bad value refused).

use std::sync::Arc;

use plugorm_plugin_api::{DbError, Dialect, Executor, Pool, PoolOptions, Rows, Sql, Value};
use plugorm_sqlite::SqliteDialect;

async fn open(url: &str) -> Arc<dyn Pool> {
    let options = PoolOptions {
        max_connections: 2,
        ..PoolOptions::default()
    };
    SqliteDialect.connect(url, options).await.unwrap()
}

/// Every cell of `rows`, row by row.
fn cells(rows: &Rows) -> Vec<Vec<Value>> {
    rows.iter()
        .map(|r| {
            (0..rows.names.len())
                .map(|i| r.get_at::<Value>(i).unwrap())
                .collect()
        })
        .collect()
}

/// A session of writes and reads; what each statement answered.
async fn session(pool: &Arc<dyn Pool>) -> Vec<String> {
    let mut out = Vec::new();
    let run = |text: &str, values: Vec<Value>| Sql::new(text.to_string(), values);
    pool.execute(run(
        "CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE, ok BOOLEAN, \
         at DATETIME, score REAL, raw BLOB, v)",
        vec![],
    ))
    .await
    .unwrap();
    for i in 1..=3i64 {
        let r = pool
            .execute(run(
                "INSERT INTO t (name, ok, at, score, raw, v) VALUES (?, ?, ?, ?, ?, ?)",
                vec![
                    Value::Text(format!("n{i}").into()),
                    Value::Bool(i % 2 == 0),
                    Value::Text("2024-01-02 03:04:05".into()),
                    Value::F64(i as f64 / 2.0),
                    Value::Bytes(vec![i as u8; 3].into()),
                    if i == 2 {
                        Value::Text("two".into())
                    } else {
                        Value::I64(i)
                    },
                ],
            ))
            .await
            .unwrap();
        out.push(format!("insert {} {:?}", r.rows_affected, r.last_insert_id));
    }
    let select = pool.execute(run("SELECT * FROM t", vec![])).await.unwrap();
    out.push(format!("select via execute {}", select.rows_affected));
    let rows = pool
        .query(run(
            "SELECT * FROM t WHERE id >= $1 ORDER BY id",
            vec![Value::I64(1)],
        ))
        .await
        .unwrap();
    out.push(format!("{:?} {:?}", rows.names, cells(&rows)));
    let empty = pool
        .query(run("SELECT name, score FROM t WHERE id < 0", vec![]))
        .await
        .unwrap();
    out.push(format!("{:?} {}", empty.names, empty.len()));
    let dup = pool
        .execute(run("INSERT INTO t (name) VALUES ('n1')", vec![]))
        .await
        .unwrap_err();
    out.push(format!("{dup:?}"));
    let missing = pool
        .execute(run("INSERT INTO t (ok) VALUES (1)", vec![]))
        .await
        .unwrap_err();
    out.push(format!("{missing:?}"));
    let blank = pool.execute(run(" ; ", vec![])).await.unwrap();
    out.push(format!("blank {}", blank.rows_affected));
    let two = pool.execute(run("SELECT 1; SELECT 2", vec![])).await;
    out.push(format!("{}", matches!(two, Err(DbError::InvalidSql(_)))));
    out
}

#[tokio::test(flavor = "current_thread")]
async fn inline_answers_as_a_connection_thread_does() {
    let dir = tempfile::tempdir().unwrap();
    let threaded = open(&format!("sqlite://{}", dir.path().join("a.db").display())).await;
    let inline = open(&format!(
        "sqlite://{}?threading=inline",
        dir.path().join("b.db").display()
    ))
    .await;
    let expected = session(&threaded).await;
    assert_eq!(session(&inline).await, expected);
    assert!(expected[4].contains("Text(\"two\")"), "{expected:?}");
    let memory = open("sqlite::memory:?threading=inline").await;
    assert_eq!(session(&memory).await, expected);
}

async fn count(on: &(impl Executor + ?Sized)) -> i64 {
    let rows = on
        .query(Sql::new("SELECT count(*) FROM t", []))
        .await
        .unwrap();
    let n = rows.iter().next().unwrap().get_at::<i64>(0).unwrap();
    n
}

#[tokio::test(flavor = "current_thread")]
async fn inline_transactions_commit_roll_back_and_roll_back_when_dropped() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!(
        "sqlite://{}?threading=inline",
        dir.path().join("t.db").display()
    );
    let pool = open(&url).await;
    pool.execute(Sql::new("CREATE TABLE t (v INTEGER)", []))
        .await
        .unwrap();
    let insert = |v: i64| Sql::new("INSERT INTO t VALUES (?)", [Value::I64(v)]);

    let tx = pool.begin().await.unwrap();
    tx.execute(insert(1)).await.unwrap();
    tx.savepoint("inner").await.unwrap();
    tx.execute(insert(2)).await.unwrap();
    tx.rollback_to("inner").await.unwrap();
    assert_eq!(count(&*tx).await, 1);
    tx.commit().await.unwrap();
    drop(tx);
    assert_eq!(count(&*pool).await, 1);

    let tx = pool.begin().await.unwrap();
    tx.execute(insert(3)).await.unwrap();
    tx.rollback().await.unwrap();
    drop(tx);
    assert_eq!(count(&*pool).await, 1);

    // Dropped open: rolled back before the connection serves again, and the write
    // lock its BEGIN IMMEDIATE took is free for the next transaction.
    let tx = pool.begin().await.unwrap();
    tx.execute(insert(4)).await.unwrap();
    drop(tx);
    let tx = pool.begin().await.unwrap();
    assert_eq!(count(&*tx).await, 1);
    tx.commit().await.unwrap();
    drop(tx);
    assert_eq!(count(&*pool).await, 1);
    pool.close().await.unwrap();
}

#[tokio::test(flavor = "current_thread")]
async fn inline_streams_cross_in_batches() {
    let pool = open("sqlite::memory:?threading=inline").await;
    let sql = "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 2500) \
               SELECT i FROM n";
    let stream = pool.query_stream(Sql::new(sql, []), 1000).await.unwrap();
    assert_eq!(stream.names(), ["i"]);
    let mut lens = Vec::new();
    while let Some(batch) = stream.next_batch().await.unwrap() {
        lens.push(batch.len);
    }
    assert_eq!(lens, [1000, 1000, 500]);
    // A failing statement fails the stream's opening, as on a connection thread.
    let e = pool
        .query_stream(Sql::new("SELECT * FROM missing", []), 10)
        .await
        .map(|_| ())
        .unwrap_err();
    assert!(e.to_string().contains("no such table"), "{e}");
    assert_eq!(count_one(&pool).await, 1);
}

async fn count_one(pool: &Arc<dyn Pool>) -> i64 {
    let rows = pool.query(Sql::new("SELECT 1", [])).await.unwrap();
    let n = rows.iter().next().unwrap().get_at::<i64>(0).unwrap();
    n
}

#[tokio::test(flavor = "current_thread")]
async fn a_bad_threading_value_is_refused_naming_the_parameter_and_its_values() {
    let r = SqliteDialect
        .connect("sqlite://x.db?threading=fast", PoolOptions::default())
        .await;
    match r.map(|_| ()) {
        Err(DbError::InvalidUrl { url, reason }) => {
            assert_eq!(url, "sqlite://x.db?threading=fast");
            assert!(
                reason.contains("`threading`") && reason.contains("\"fast\""),
                "{reason}"
            );
            assert!(
                reason.contains("`thread`") && reason.contains("`inline`"),
                "{reason}"
            );
        }
        other => panic!("{other:?}"),
    }
    assert!(!std::path::Path::new("x.db").exists(), "nothing was opened");
}
