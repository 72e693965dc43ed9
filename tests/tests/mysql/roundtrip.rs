//! Real round trips on MariaDB: statements, keys, upserts, values, one statement per
//! text, and TLS modes.

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
