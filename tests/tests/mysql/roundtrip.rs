//! Real round trips on MariaDB: statements, keys, upserts, values, errors, transactions,
//! locks, cancellation, streaming, pool options and TLS modes.

use std::time::Duration;

use plugorm::{
    plugin_api::{
        statement::{Assignment, Delete, Expr, OrderBy, Statement, TableRef, Update},
        value::Time,
        Sql,
    },
    Db, DbError, Error, OnConflict, PoolOptions, Value,
};

use crate::models::{db_err, mysql_db, ok, AllValues, Item, Language, Num};

fn item(code: &str, price: i64) -> Item {
    Item {
        code: code.into(),
        price,
        ..Default::default()
    }
}

/// `code` → `id` as stored.
async fn ids_by_code(db: &Db) -> Vec<(String, i64)> {
    let rows = ok(
        db.raw("SELECT code, id FROM items ORDER BY id", ()).await,
        "ids",
    );
    rows.iter()
        .map(|r| {
            (
                r.get::<String>("code").unwrap(),
                r.get::<i64>("id").unwrap(),
            )
        })
        .collect()
}

/// A second pool on the test's database, of one connection: what one statement leaves
/// on its connection, the next one meets.
async fn one_connection(t: &plugorm_tests::mysql::TestDatabase) -> Db {
    ok(
        t.registry
            .open_with(
                &t.url,
                PoolOptions {
                    max_connections: 1,
                    ..PoolOptions::default()
                },
            )
            .await,
        "one connection",
    )
}

#[tokio::test]
async fn exec_raw_and_typed_reads() {
    let db = mysql_db!();
    ok(
        db.exec(
            "CREATE TABLE notes (id bigint AUTO_INCREMENT PRIMARY KEY, body varchar(50), n int)",
            (),
        )
        .await,
        "create",
    );
    let r = ok(
        db.exec(
            "INSERT INTO notes (body, n) VALUES (?, ?), (?, ?)",
            ("a", 1, "b", 2),
        )
        .await,
        "insert",
    );
    assert_eq!(r.rows_affected, 2);
    // MySQL reports the first generated key of a multi-row INSERT.
    assert_eq!(r.last_insert_id.into_option(), Some(1));
    let r = ok(db.exec("UPDATE notes SET n = n + 1", ()).await, "update");
    assert_eq!((r.rows_affected, r.last_insert_id.into_option()), (2, None));

    let rows = ok(
        db.raw(
            "SELECT id, body, n FROM notes WHERE id IN ? ORDER BY id",
            (vec![1, 2],),
        )
        .await,
        "select",
    );
    let got: Vec<(i64, String, i32)> = rows
        .iter()
        .map(|r| {
            (
                r.get("id").unwrap(),
                r.get("body").unwrap(),
                r.get("n").unwrap(),
            )
        })
        .collect();
    assert_eq!(got, [(1, "a".to_string(), 2), (2, "b".to_string(), 3)]);

    // The text protocol (no parameters) and prepared statements decode alike.
    for (sql, args) in [
        (
            "SELECT 1 AS a, 'x' AS b, 2.5 AS c, NULL AS d, CAST(NULL AS SIGNED) AS e",
            vec![],
        ),
        (
            "SELECT ? AS a, ? AS b, 2.5 AS c, NULL AS d, CAST(? AS SIGNED) AS e",
            vec![Value::I64(1), Value::from("x"), Value::Null],
        ),
    ] {
        let rows = ok(db.raw(sql, args).await, sql);
        let row = rows.iter().next().unwrap();
        assert_eq!(row.get::<i64>("a").unwrap(), 1, "{sql}");
        assert_eq!(row.get::<String>("b").unwrap(), "x", "{sql}");
        assert_eq!(row.get::<f64>("c").unwrap(), 2.5, "{sql}");
        assert_eq!(row.get::<Option<String>>("d").unwrap(), None, "{sql}");
        assert_eq!(row.get::<Option<i64>>("e").unwrap(), None, "{sql}");
    }

    // UPDATE and DELETE with ORDER BY … LIMIT run as rendered.
    let mut up = Update::new(TableRef::new("notes"));
    up.set = vec![Assignment {
        column: "body".into(),
        value: Expr::value("z"),
    }]
    .into();
    up.conditions = vec![Expr::raw("n > ?", [Value::I64(0)])].into();
    up.order_by = vec![OrderBy {
        expr: Expr::bare_col("id"),
        desc: true,
    }]
    .into();
    up.limit = Some(1).into();
    let r = ok(
        db.execute_statement(&Statement::Update(up)).await,
        "update limit",
    );
    assert_eq!(r.rows_affected, 1);
    let bodies: Vec<String> = ok(
        db.raw("SELECT body FROM notes ORDER BY id", ()).await,
        "bodies",
    )
    .iter()
    .map(|r| r.get("body").unwrap())
    .collect();
    assert_eq!(bodies, ["a", "z"]);
    let mut del = Delete::new(TableRef::new("notes"));
    del.order_by = vec![OrderBy::asc(Expr::bare_col("id"))].into();
    del.limit = Some(1).into();
    let r = ok(
        db.execute_statement(&Statement::Delete(del)).await,
        "delete limit",
    );
    assert_eq!(r.rows_affected, 1);
    let left: Vec<String> = ok(db.raw("SELECT body FROM notes", ()).await, "left")
        .iter()
        .map(|r| r.get("body").unwrap())
        .collect();
    assert_eq!(left, ["z"]);
}

#[tokio::test]
async fn creates_take_their_keys_from_last_insert_id() {
    let db = mysql_db!(soft_delete);
    ok(db.auto_migrate::<Item>().await, "items");

    let mut one = item("one", 1);
    ok(db.create(&mut one).await, "create one");
    assert_eq!(one.id, 1);
    assert!(one.created_at > chrono::NaiveDateTime::default());

    // A batch: MySQL reports the first key; the others follow it.
    let mut batch = vec![item("b1", 2), item("b2", 3), item("b3", 4)];
    assert_eq!(ok(db.create_many(&mut batch).await, "batch"), 3);
    assert_eq!(batch.iter().map(|i| i.id).collect::<Vec<_>>(), [2, 3, 4]);

    // After a gap the counter moves on; a batch split into statements keeps each right.
    ok(
        db.exec(
            "INSERT INTO items (id, code, price) VALUES (?, ?, ?)",
            (100, "gap", 0),
        )
        .await,
        "gap",
    );
    let mut more: Vec<Item> = (0..5).map(|i| item(&format!("m{i}"), i)).collect();
    ok(
        db.create_batch_size(2).create_many(&mut more).await,
        "batches of two",
    );
    let stored = ids_by_code(&db).await;
    for it in one
        .clone()
        .into_iter_once()
        .chain(batch.iter().cloned())
        .chain(more.iter().cloned())
    {
        let id = stored
            .iter()
            .find(|(c, _)| *c == it.code)
            .map(|(_, id)| *id);
        assert_eq!(id, Some(it.id), "{}", it.code);
    }
    assert_eq!(more[0].id, 101);

    // A loaded record reads back what was written.
    let back = ok(db.model::<Item>().id(more[4].id).first().await, "first");
    assert_eq!((back.code.as_str(), back.price), ("m4", 4));

    // A large batch in one statement (2 × 2500 parameters).
    let mut nums: Vec<Num> = (0..2500).map(|n| Num { id: 0, n }).collect();
    ok(db.auto_migrate::<Num>().await, "nums");
    ok(db.create_many(&mut nums).await, "2500 rows");
    assert_eq!(nums[0].id, 1);
    assert_eq!(nums[2499].id, 2500);
    let last = ok(db.model::<Num>().id(2500).first().await, "last num");
    assert_eq!(last.n, 2499);
}

trait Once: Sized {
    fn into_iter_once(self) -> std::iter::Once<Self> {
        std::iter::once(self)
    }
}
impl Once for Item {}

#[tokio::test]
async fn upserts_on_duplicate_key() {
    let db = mysql_db!(soft_delete);
    ok(db.auto_migrate::<Language>().await, "languages");
    let mut zh = Language {
        code: "zh".into(),
        name: "Chinese".into(),
    };
    ok(db.create(&mut zh).await, "zh");
    let name = |db: Db| async move { ok(db.model::<Language>().id("zh").first().await, "zh").name };

    zh.name = "中文".into();
    ok(
        db.on_conflict(OnConflict::update_all())
            .create(&mut zh)
            .await,
        "update all",
    );
    assert_eq!(name(db.clone()).await, "中文");

    zh.name = "Mandarin".into();
    ok(
        db.on_conflict(OnConflict::update_columns(&["name"]).on(&["code"]))
            .create(&mut zh)
            .await,
        "update columns",
    );
    assert_eq!(name(db.clone()).await, "Mandarin");

    zh.name = "ignored".into();
    ok(
        db.on_conflict(OnConflict::do_nothing())
            .create(&mut zh)
            .await,
        "do nothing",
    );
    assert_eq!(name(db.clone()).await, "Mandarin");
    assert_eq!(ok(db.model::<Language>().count().await, "count"), 1);

    // A batch upsert that updates one row and inserts another: the keys are unknown,
    // so none is assigned rather than a wrong one.
    ok(db.auto_migrate::<Item>().await, "items");
    let mut a = vec![item("a", 1)];
    ok(db.create_many(&mut a).await, "a");
    let mut mixed = vec![item("a", 9), item("c", 3)];
    ok(
        db.on_conflict(OnConflict::update_columns(&["price"]))
            .create_many(&mut mixed)
            .await,
        "mixed upsert",
    );
    assert_eq!(mixed[1].id, 0);
    let stored = ids_by_code(&db).await;
    assert_eq!(stored.len(), 2);
    let a_price = ok(db.model::<Item>().id(a[0].id).first().await, "a").price;
    assert_eq!(a_price, 9);
}

fn sample_values() -> AllValues {
    use chrono::{NaiveDate, NaiveTime, TimeZone};
    let day = NaiveDate::from_ymd_opt(2024, 2, 29).unwrap();
    AllValues {
        id: 0,
        flag: true,
        tiny: -5,
        small: -300,
        int32: -70_000,
        big: i64::MIN + 1,
        unsigned: 1 << 40,
        ratio: 0.1 + 0.2,
        single: 1.5,
        amount: "12345.67".parse().unwrap(),
        label: "héllo 🌍 'quote' `tick` \\ back".into(),
        blob: vec![0, 1, 2, 0xff, 0x27],
        day,
        clock: NaiveTime::from_hms_micro_opt(23, 59, 58, 123_456).unwrap(),
        moment: day.and_hms_micro_opt(12, 34, 56, 789_012).unwrap(),
        instant: chrono::Utc.with_ymd_and_hms(2024, 3, 1, 10, 0, 0).unwrap()
            + chrono::Duration::microseconds(500_000),
        uid: uuid::Uuid::from_u128(0x0123_4567_89ab_cdef_0011_2233_4455_6677),
        doc: serde_json::json!({"a": [1, 2], "b": null, "s": "x"}),
        maybe: Some(7),
        maybe_text: None,
    }
}

#[tokio::test]
async fn every_value_type_round_trips() {
    let db = mysql_db!();
    ok(db.auto_migrate::<AllValues>().await, "all values");
    let mut v = sample_values();
    ok(db.create(&mut v).await, "create");
    assert_eq!(v.id, 1);
    let back = ok(db.model::<AllValues>().id(1).first().await, "read");
    assert_eq!(back, v);
    // And the zero values (empty text and bytes, NULLs).
    let mut zero = AllValues::default();
    ok(db.create(&mut zero).await, "zero");
    let back = ok(
        db.model::<AllValues>().id(zero.id).first().await,
        "read zero",
    );
    assert_eq!(back, zero);

    // The cells arrive typed, not as text.
    let rows = ok(
        db.raw("SELECT * FROM all_values WHERE id = ?", (1,)).await,
        "raw",
    );
    let row = rows.iter().next().unwrap();
    assert_eq!(row.get::<Value>("flag").unwrap(), Value::Bool(true));
    assert_eq!(
        row.get::<Value>("amount").unwrap(),
        Value::Decimal("12345.67".into())
    );
    assert!(matches!(row.get::<Value>("day").unwrap(), Value::Date(_)));
    assert!(matches!(row.get::<Value>("moment").unwrap(), Value::Timestamp(t) if !t.utc));
    assert!(matches!(row.get::<Value>("blob").unwrap(), Value::Bytes(_)));

    // TIME beyond a day and negative; BIGINT UNSIGNED beyond i64.
    ok(
        db.exec("CREATE TABLE odd (t time(6), u bigint unsigned)", ())
            .await,
        "odd",
    );
    let long = Time {
        micros: -((25 * 3600 + 1) * 1_000_000 + 500_000),
    };
    ok(
        db.exec(
            "INSERT INTO odd (t, u) VALUES (?, ?)",
            vec![Value::Time(long), Value::from(u64::MAX)],
        )
        .await,
        "insert odd",
    );
    let rows = ok(db.raw("SELECT t, u FROM odd", ()).await, "odd back");
    let row = rows.iter().next().unwrap();
    assert_eq!(row.get::<Value>("t").unwrap(), Value::Time(long));
    assert_eq!(row.get::<String>("u").unwrap(), u64::MAX.to_string());
}

#[tokio::test]
async fn server_errors_are_typed_and_named() {
    let db = mysql_db!(soft_delete);
    ok(db.auto_migrate::<Item>().await, "items");
    ok(db.create(&mut item("dup", 1)).await, "first");
    match db_err(db.create(&mut item("dup", 2)).await.unwrap_err()) {
        DbError::UniqueViolation {
            constraint,
            message,
        } => {
            assert_eq!(constraint.as_deref(), Some("uni_items_code"), "{message}")
        }
        other => panic!("expected a unique violation, got {other:?}"),
    }
    match db_err(
        db.exec("INSERT INTO items (id, code) VALUES (1, 'other')", ())
            .await
            .unwrap_err(),
    ) {
        DbError::UniqueViolation { constraint, .. } => {
            assert_eq!(constraint.as_deref(), Some("PRIMARY"))
        }
        other => panic!("expected a unique violation, got {other:?}"),
    }

    for ddl in [
        "CREATE TABLE parents (id int PRIMARY KEY)",
        "CREATE TABLE children (id int PRIMARY KEY, parent_id int, \
         CONSTRAINT fk_children_parent FOREIGN KEY (parent_id) REFERENCES parents(id))",
        "CREATE TABLE checked (n int, CONSTRAINT chk_checked_n CHECK (n > 0))",
        "CREATE TABLE required (id int, name varchar(10) NOT NULL)",
    ] {
        ok(db.exec(ddl, ()).await, ddl);
    }
    let fk = |e: Error| match db_err(e) {
        DbError::ForeignKeyViolation { constraint, .. } => constraint,
        other => panic!("expected a foreign key violation, got {other:?}"),
    };
    // 1452: a child without its parent.
    let e = db
        .exec("INSERT INTO children VALUES (1, 9)", ())
        .await
        .unwrap_err();
    assert_eq!(fk(e).as_deref(), Some("fk_children_parent"));
    // 1451: a parent still referenced.
    ok(
        db.exec("INSERT INTO parents VALUES (9)", ()).await,
        "parent",
    );
    ok(
        db.exec("INSERT INTO children VALUES (1, 9)", ()).await,
        "child",
    );
    let e = db
        .exec("DELETE FROM parents WHERE id = ?", (9,))
        .await
        .unwrap_err();
    assert_eq!(fk(e).as_deref(), Some("fk_children_parent"));

    // 4025 (MariaDB) / 3819 (MySQL).
    match db_err(
        db.exec("INSERT INTO checked VALUES (?)", (0,))
            .await
            .unwrap_err(),
    ) {
        DbError::CheckViolation { constraint, .. } => {
            assert_eq!(constraint.as_deref(), Some("chk_checked_n"))
        }
        other => panic!("expected a check violation, got {other:?}"),
    }
    // 1048: an explicit NULL; 1364: no value and no default (strict mode).
    for sql in [
        "INSERT INTO required (id, name) VALUES (1, NULL)",
        "INSERT INTO required (id) VALUES (1)",
    ] {
        match db_err(db.exec(sql, ()).await.unwrap_err()) {
            DbError::NotNullViolation { column, .. } => {
                assert_eq!(column.as_deref(), Some("name"), "{sql}")
            }
            other => panic!("{sql}: expected a NOT NULL violation, got {other:?}"),
        }
    }
    // Anything else keeps the server's number.
    match db_err(db.exec("SELEC 1", ()).await.unwrap_err()) {
        DbError::Database { code, .. } => assert_eq!(code.as_deref(), Some("1064")),
        other => panic!("expected a database error, got {other:?}"),
    }
}

/// One text is one statement: `SELECT 1; DROP TABLE t` is refused whole (the server
/// prepares it, and a prepared statement cannot hold two), through exec, raw and streams,
/// even for a first statement the server runs as text because it does not prepare it.
#[tokio::test]
async fn one_text_runs_one_statement() {
    let t = mysql_db!(full);
    let db = one_connection(&t).await;
    ok(db.exec("CREATE TABLE kept (id int)", ()).await, "create");
    ok(db.exec("INSERT INTO kept VALUES (1)", ()).await, "row");
    let syntax = |what: &str, e: Error| match db_err(e) {
        DbError::Database { code, message } => {
            assert_eq!(code.as_deref(), Some("1064"), "{what}: {message}")
        }
        other => panic!("{what}: expected a syntax error, got {other:?}"),
    };
    for text in [
        "SELECT 1; DROP TABLE kept",
        "DELETE FROM kept;DROP TABLE kept;",
        // MariaDB does not prepare PREPARE (error 1295): still one statement only.
        "PREPARE p FROM 'SELECT 1'; DROP TABLE kept",
    ] {
        syntax(text, db.exec(text, ()).await.unwrap_err());
        syntax(text, db.raw(text, ()).await.unwrap_err());
        let streamed = db.query_stream_sql(Sql::new(text, []), 10).await;
        syntax(text, streamed.err().expect(text));
    }
    let rows = ok(db.raw("SELECT id FROM kept", ()).await, "table kept");
    assert_eq!(rows.iter().next().unwrap().get::<i64>("id").unwrap(), 1);

    // A statement kind the server does not prepare still runs (as text), alone.
    ok(
        db.exec("PREPARE p FROM 'SELECT 7 AS v'", ()).await,
        "PREPARE",
    );
    let rows = ok(db.raw("EXECUTE p", ()).await, "EXECUTE");
    assert_eq!(rows.iter().next().unwrap().get::<i64>("v").unwrap(), 7);
}

#[tokio::test]
async fn transactions_and_savepoints() {
    let db = mysql_db!(soft_delete);
    ok(db.auto_migrate::<Item>().await, "items");
    let count = |db: Db| async move { ok(db.model::<Item>().count().await, "count") };

    ok(
        db.transaction(|tx| async move {
            tx.create(&mut item("committed", 1)).await?;
            Ok(())
        })
        .await,
        "commit",
    );
    let failed: plugorm::Result<()> = db
        .transaction(|tx| async move {
            tx.create(&mut item("rolled-back", 1)).await?;
            Err(Error::msg("stop"))
        })
        .await;
    assert!(failed.is_err());
    assert_eq!(count(db.clone()).await, 1);

    // Nested: the inner failure rolls back to its savepoint only.
    ok(
        db.transaction(|tx| async move {
            tx.create(&mut item("outer", 1)).await?;
            let inner: plugorm::Result<()> = tx
                .transaction(|t2| async move {
                    t2.create(&mut item("inner", 1)).await?;
                    Err(Error::msg("inner fails"))
                })
                .await;
            assert!(inner.is_err());
            Ok(())
        })
        .await,
        "nested",
    );
    let codes: Vec<String> = ok(db.model::<Item>().order("id").pluck("code").await, "codes");
    assert_eq!(codes, ["committed", "outer"]);

    // Manual savepoints.
    let tx = ok(db.begin().await, "begin");
    ok(tx.create(&mut item("kept", 1)).await, "kept");
    ok(tx.savepoint("sp1").await, "savepoint");
    ok(tx.create(&mut item("undone", 1)).await, "undone");
    ok(tx.rollback_to("sp1").await, "rollback to");
    ok(tx.commit().await, "commit");
    assert_eq!(count(db.clone()).await, 3);

    // A dropped transaction rolls back.
    let tx = ok(db.begin().await, "begin");
    ok(tx.create(&mut item("dropped", 1)).await, "dropped");
    drop(tx);
    assert_eq!(count(db.clone()).await, 3);
    let codes: Vec<String> = ok(db.model::<Item>().pluck("code").await, "codes");
    assert!(!codes.contains(&"dropped".to_string()) && !codes.contains(&"undone".to_string()));
}

#[tokio::test]
async fn row_locks_lock() {
    let db = mysql_db!(soft_delete);
    ok(db.auto_migrate::<Item>().await, "items");
    let mut rows = vec![item("a", 1), item("b", 2), item("c", 3)];
    ok(db.create_many(&mut rows).await, "rows");

    let holder = ok(db.begin().await, "holder");
    let locked = ok(
        holder.model::<Item>().id(1).for_update().first().await,
        "lock a",
    );
    assert_eq!(locked.code, "a");

    let other = ok(db.begin().await, "other");
    let lock_err = |e: Error| match db_err(e) {
        DbError::LockNotAvailable { message } => message,
        other => panic!("expected LockNotAvailable, got {other:?}"),
    };
    lock_err(
        other
            .model::<Item>()
            .id(1)
            .for_update()
            .nowait()
            .first()
            .await
            .unwrap_err(),
    );
    lock_err(
        other
            .model::<Item>()
            .id(1)
            .for_share()
            .nowait()
            .first()
            .await
            .unwrap_err(),
    );
    // SKIP LOCKED passes over the held row.
    let free: Vec<String> = ok(
        other
            .model::<Item>()
            .order("id")
            .for_update()
            .skip_locked()
            .find()
            .await,
        "skip locked",
    )
    .into_iter()
    .map(|i| i.code)
    .collect();
    assert_eq!(free, ["b", "c"]);
    ok(holder.commit().await, "release");
    let now = ok(
        other
            .model::<Item>()
            .id(1)
            .for_update()
            .nowait()
            .first()
            .await,
        "free now",
    );
    assert_eq!(now.code, "a");
    ok(other.commit().await, "other commit");

    // A shared lock lets another shared lock in, but not an exclusive one.
    let reader = ok(db.begin().await, "reader");
    ok(
        reader.model::<Item>().id(2).for_share().first().await,
        "share",
    );
    let second = ok(db.begin().await, "second");
    ok(
        second
            .model::<Item>()
            .id(2)
            .for_share()
            .nowait()
            .first()
            .await,
        "second share",
    );
    lock_err(
        second
            .model::<Item>()
            .id(2)
            .for_update()
            .nowait()
            .first()
            .await
            .unwrap_err(),
    );
    ok(second.rollback().await, "second");
    ok(reader.rollback().await, "reader");

    // `OF t` is MySQL 8 syntax; on MariaDB it is refused before reaching the server.
    if matches!(
        db.dry_run()
            .model::<Item>()
            .for_update()
            .lock_of(&["items"])
            .find()
            .await,
        Err(Error::Db(DbError::Unsupported(_)))
    ) {
        let rows = ok(db.raw("SELECT VERSION() AS v", ()).await, "version");
        let v: String = rows.iter().next().unwrap().get("v").unwrap();
        assert!(v.to_ascii_lowercase().contains("mariadb"), "{v}");
    }
    // An offset alone is valid SQL on the server.
    let rest = ok(
        db.model::<Item>().order("id").offset(1).find().await,
        "offset",
    );
    assert_eq!(rest.len(), 2);
}

#[tokio::test]
async fn a_cancelled_query_leaves_the_pool_healthy() {
    let t = mysql_db!(full);
    let db = one_connection(&t).await;
    for round in 0..3 {
        let slow = tokio::time::timeout(Duration::from_millis(50), db.raw("SELECT SLEEP(2)", ()));
        assert!(
            slow.await.is_err(),
            "round {round}: the sleep was not cancelled"
        );
        let tx_slow = tokio::time::timeout(
            Duration::from_millis(50),
            db.transaction(|tx| async move { tx.raw("SELECT SLEEP(2)", ()).await.map(|_| ()) }),
        );
        assert!(tx_slow.await.is_err());
        let rows = ok(db.raw("SELECT ? AS v", (round,)).await, "after cancel");
        assert_eq!(rows.iter().next().unwrap().get::<i64>("v").unwrap(), round);
    }
    assert_eq!(db.pool_stats().max_connections, 1);
}

/// A connection the server killed while it sat in the pool is replaced before its next
/// statement is answered; one killed mid-statement fails that statement and is replaced.
#[tokio::test]
async fn a_killed_connection_is_replaced() {
    let t = mysql_db!(full);
    let db = one_connection(&t).await;
    let id = |rows: plugorm::Rows| rows.iter().next().unwrap().get::<i64>("id").unwrap();
    let first = id(ok(db.raw("SELECT CONNECTION_ID() AS id", ()).await, "id"));
    ok(
        t.db.exec(&format!("KILL CONNECTION {first}"), ()).await,
        "kill",
    );
    // The server closed the socket while the connection sat in the pool: the statement
    // finds it gone at once and runs on a new connection.
    let second = id(ok(
        db.raw("SELECT CONNECTION_ID() AS id", ()).await,
        "after kill",
    ));
    assert_ne!(first, second);

    // Killed mid-statement: the statement fails as `ConnectionLost` (an administrator's
    // kill is not undone by a retry), and the connection is replaced.
    let slow = {
        let db = db.clone();
        tokio::spawn(async move { db.raw("SELECT SLEEP(5)", ()).await })
    };
    tokio::time::sleep(Duration::from_millis(300)).await;
    ok(
        t.db.exec(&format!("KILL CONNECTION {second}"), ()).await,
        "kill mid-statement",
    );
    match slow.await.unwrap() {
        Err(e) => assert!(
            matches!(db_err(e), DbError::ConnectionLost { .. }),
            "a killed statement is ConnectionLost"
        ),
        Ok(_) => panic!("a killed statement succeeded"),
    }
    let third = id(ok(
        db.raw("SELECT CONNECTION_ID() AS id", ()).await,
        "after the second kill",
    ));
    assert_ne!(second, third);
}

#[tokio::test]
async fn rows_stream_in_batches() {
    let t = mysql_db!(full);
    let db = t.db.clone();
    ok(db.auto_migrate::<Num>().await, "nums");
    let mut nums: Vec<Num> = (0..2500).map(|n| Num { id: 0, n }).collect();
    ok(db.create_many(&mut nums).await, "rows");

    for params in [vec![], vec![Value::I64(-1)]] {
        let text = if params.is_empty() {
            "SELECT id, n FROM nums ORDER BY id"
        } else {
            "SELECT id, n FROM nums WHERE n > ? ORDER BY id"
        };
        let stream = ok(
            db.query_stream_sql(Sql::new(text, params), 300).await,
            "stream",
        );
        assert_eq!(stream.names(), ["id", "n"]);
        let (mut batches, mut seen) = (0, 0i64);
        while let Some(batch) = ok(stream.next_batch().await.map_err(Into::into), "batch") {
            batches += 1;
            assert!(batch.len <= 300);
            for r in 0..batch.len as usize {
                let n = match batch.columns[1].cell(r).unwrap() {
                    plugorm::plugin_api::Cell::I64(n) => n,
                    other => panic!("n is {other:?}"),
                };
                assert_eq!(n, seen);
                seen += 1;
            }
        }
        assert_eq!((seen, batches), (2500, 9), "{text}");
    }

    // A model stream, dropped half-way: its connection goes back to a pool of one.
    let one = one_connection(&t).await;
    let mut s = ok(
        one.model::<Num>().order("id").stream().await,
        "model stream",
    );
    for expect in 0..10 {
        let n = ok(s.next().await, "next").unwrap();
        assert_eq!(n.n, expect);
    }
    drop(s);
    assert_eq!(
        ok(one.model::<Num>().count().await, "count after drop"),
        2500
    );
}

#[tokio::test]
async fn pool_options_are_applied() {
    let t = mysql_db!(full);
    let two = ok(
        t.registry
            .open_with(
                &t.url,
                PoolOptions {
                    max_connections: 2,
                    ..PoolOptions::default()
                },
            )
            .await,
        "two",
    );
    assert_eq!(two.pool_stats().max_connections, 2);
    // From the URL (the host removes the keys before the plugin sees the URL).
    let from_url = ok(
        t.registry
            .open(&format!(
                "{}?max_connections=3&idle_timeout=30s&max_lifetime=5m",
                t.url
            ))
            .await,
        "url keys",
    );
    assert_eq!(from_url.pool_stats().max_connections, 3);
    ok(from_url.ping().await, "ping");

    // One connection, held by a transaction: the next statement waits for the connect
    // timeout and fails with a typed error; after the release it runs.
    let one = ok(
        t.registry
            .open_with(
                &t.url,
                PoolOptions {
                    max_connections: 1,
                    connect_timeout_ms: 300,
                    ..PoolOptions::default()
                },
            )
            .await,
        "one",
    );
    let tx = ok(one.begin().await, "hold");
    match db_err(one.raw("SELECT 1", ()).await.unwrap_err()) {
        DbError::Timeout(m) => assert!(m.contains("connection"), "{m}"),
        other => panic!("expected a pool timeout, got {other:?}"),
    }
    ok(tx.rollback().await, "release");
    ok(one.raw("SELECT 1", ()).await, "after release");

    // An unreachable server is a connect error naming it, not a hang or a panic.
    let e = t
        .registry
        .open_with(
            "mysql://root@127.0.0.1:1/test",
            PoolOptions {
                connect_timeout_ms: 2_000,
                ..PoolOptions::default()
            },
        )
        .await
        .unwrap_err();
    assert!(e.to_string().contains("127.0.0.1:1"), "{e}");
}

#[tokio::test]
async fn tls_modes_and_both_schemes() {
    let t = mysql_db!(full);
    let rows = ok(
        t.db.raw("SHOW VARIABLES LIKE 'have_ssl'", ()).await,
        "have_ssl",
    );
    let have_ssl = rows
        .iter()
        .next()
        .and_then(|r| r.get_at::<String>(1).ok())
        .unwrap_or_default()
        .eq_ignore_ascii_case("yes");
    let with = |q: &str| format!("{}?{q}", t.url);
    for mode in ["ssl-mode=disabled", "ssl-mode=preferred"] {
        let db = ok(t.registry.open(&with(mode)).await, mode);
        ok(db.ping().await, mode);
    }
    let required = t.registry.open(&with("ssl-mode=required")).await;
    match (have_ssl, required) {
        (true, Ok(db)) => ok(db.ping().await, "TLS"),
        (false, Err(Error::Db(DbError::Connect { message }))) => {
            assert!(
                message.to_ascii_lowercase().contains("tls") || message.contains("SSL"),
                "{message}"
            )
        }
        (ssl, other) => panic!("have_ssl={ssl}: unexpected result of ssl-mode=required: {other:?}"),
    }
    match t.registry.open(&with("ssl-mode=sometimes")).await {
        Err(Error::Db(DbError::InvalidUrl { reason, .. })) => {
            assert!(
                reason.contains("sometimes") || reason.to_lowercase().contains("ssl"),
                "{reason}"
            )
        }
        other => panic!("expected an invalid URL, got {other:?}"),
    }
    let maria = ok(
        t.registry
            .open(&t.url.replacen("mysql://", "mariadb://", 1))
            .await,
        "mariadb://",
    );
    let rows = ok(maria.raw("SELECT DATABASE() AS d", ()).await, "database");
    assert_eq!(
        rows.iter().next().unwrap().get::<String>("d").unwrap(),
        t.name
    );
}
