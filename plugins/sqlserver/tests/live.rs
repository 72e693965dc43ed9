//! The SQL Server connection against a real server: `PLUGORM_MSSQL_URL`, e.g.
//! `sqlserver://sa:Passw0rd!@127.0.0.1:1433/master?trust_server_certificate=true`.
//! Without it each server test prints `skipped: PLUGORM_MSSQL_URL is not set` and
//! passes (under `CI=true` too: no SQL Server runs there). Each test works in tables of
//! its own, dropped at the end.

mod common;

use std::sync::Arc;

use plugorm_plugin_api::{
    dialect::PoolOptions, value::Timestamp, DbError, Dialect, Pool, Sql, Value,
};
use plugorm_sqlserver::SqlServerDialect;

/// A pool on the test server, or `None` (skipped).
async fn pool() -> Option<Arc<dyn Pool>> {
    let url = common::server_url()?;
    let pool = SqlServerDialect::new()
        .connect(&url, PoolOptions::default())
        .await
        .unwrap_or_else(|e| panic!("PLUGORM_MSSQL_URL is set but connecting failed: {e}"));
    Some(pool)
}

/// A table name of this test run.
fn table(name: &str) -> String {
    format!("plugorm_live_{}_{name}", std::process::id())
}

async fn exec(pool: &Arc<dyn Pool>, text: &str, params: Vec<Value>) {
    pool.execute(Sql::new(text, params))
        .await
        .unwrap_or_else(|e| panic!("{text}: {e}"));
}

async fn scalar(pool: &Arc<dyn Pool>, text: &str) -> Value {
    let rows = pool.query(Sql::new(text, [])).await.unwrap();
    let value = rows.iter().next().unwrap().get_at::<Value>(0).unwrap();
    value
}

async fn drop_table(pool: &Arc<dyn Pool>, t: &str) {
    exec(pool, &format!("DROP TABLE IF EXISTS [{t}]"), vec![]).await;
}

#[tokio::test]
async fn every_type_round_trips_and_keys_come_back_through_output() {
    let Some(pool) = pool().await else { return };
    let t = table("types");
    drop_table(&pool, &t).await;
    exec(
        &pool,
        &format!(
            "CREATE TABLE [{t}] (id bigint IDENTITY(1,1) PRIMARY KEY, ti tinyint, si smallint, \
             i int, bi bigint, b bit, dc decimal(10,2), nm numeric(38,10), r real, f float, \
             vc varchar(50), nvc nvarchar(max), tx text, ntx ntext, dt datetime, \
             sdt smalldatetime, dt2 datetime2, dto datetimeoffset, d date, tm time, \
             u uniqueidentifier, vb varbinary(max), bn binary(4), m money, x xml)"
        ),
        vec![],
    )
    .await;
    let stamp = Timestamp {
        micros: 1_700_000_000_123_456,
        utc: false,
    };
    let instant = Timestamp {
        micros: 1_700_000_000_654_321,
        utc: true,
    };
    let date = plugorm_plugin_api::value::Date::from_ymd(2024, 2, 29).unwrap();
    let time = plugorm_plugin_api::value::Time {
        micros: 45_296_789_000,
    };
    let uuid = [
        0x1f, 0x2e, 0x3d, 0x4c, 0x5b, 0x6a, 0x79, 0x88, 0x97, 0xa6, 0xb5, 0xc4, 0xd3, 0xe2, 0xf1,
        0x00,
    ];
    let values = vec![
        Value::I64(255),
        Value::I64(-32768),
        Value::I64(2_000_000_000),
        Value::I64(i64::MIN),
        Value::Bool(true),
        Value::Decimal("-12.50".into()),
        Value::Decimal("1234567890123456789012345678.0123456789".into()),
        Value::F64(0.1),
        Value::F64(1e300),
        Value::from("ascii"),
        Value::from("ünïcødé ✓ 𝄞"),
        Value::from("long text"),
        Value::from("long ünïcode"),
        Value::Timestamp(Timestamp {
            micros: 1_700_000_000_000_000,
            utc: false,
        }),
        Value::Timestamp(Timestamp {
            micros: 1_700_000_040_000_000,
            utc: false,
        }),
        Value::Timestamp(stamp),
        Value::Timestamp(instant),
        Value::Date(date),
        Value::Time(time),
        Value::Uuid(uuid),
        Value::from(vec![0u8, 1, 2, 255]),
        Value::from(vec![9u8, 8, 7, 6]),
        Value::Decimal("19.9900".into()),
        Value::from("<a>1</a>"),
    ];
    let placeholders: Vec<String> = (1..=values.len()).map(|i| format!("@p{i}")).collect();
    let insert = format!(
        "INSERT INTO [{t}] (ti, si, i, bi, b, dc, nm, r, f, vc, nvc, tx, ntx, dt, sdt, dt2, dto, \
         d, tm, u, vb, bn, m, x) OUTPUT INSERTED.id VALUES ({})",
        placeholders.join(", ")
    );
    let keys = pool.query(Sql::new(insert, values.clone())).await.unwrap();
    assert_eq!(keys.names[0].as_str(), "id");
    assert_eq!(keys.iter().next().unwrap().get::<i64>("id").unwrap(), 1);

    let rows = pool
        .query(Sql::new(
            format!("SELECT * FROM [{t}] WHERE id = @p1"),
            [Value::I64(1)],
        ))
        .await
        .unwrap();
    let row = rows.iter().next().unwrap();
    let get = |name: &str| row.get::<Value>(name).unwrap();
    assert_eq!(get("ti"), Value::I64(255));
    assert_eq!(get("si"), Value::I64(-32768));
    assert_eq!(get("i"), Value::I64(2_000_000_000));
    assert_eq!(get("bi"), Value::I64(i64::MIN));
    assert_eq!(get("b"), Value::Bool(true));
    assert_eq!(get("dc"), Value::Decimal("-12.50".into()));
    assert_eq!(
        get("nm"),
        Value::Decimal("1234567890123456789012345678.0123456789".into())
    );
    assert_eq!(get("r"), Value::F64(0.1));
    assert_eq!(get("f"), Value::F64(1e300));
    assert_eq!(get("vc"), Value::from("ascii"));
    assert_eq!(get("nvc"), Value::from("ünïcødé ✓ 𝄞"));
    assert_eq!(get("tx"), Value::from("long text"));
    assert_eq!(get("ntx"), Value::from("long ünïcode"));
    assert_eq!(
        get("dt").text_form().as_deref(),
        Some("2023-11-14 22:13:20")
    );
    assert_eq!(
        get("sdt").text_form().as_deref(),
        Some("2023-11-14 22:14:00")
    );
    assert_eq!(get("dt2"), Value::Timestamp(stamp));
    assert_eq!(get("dto"), Value::Timestamp(instant));
    assert_eq!(get("d"), Value::Date(date));
    assert_eq!(get("tm"), Value::Time(time));
    assert_eq!(get("u"), Value::Uuid(uuid));
    assert_eq!(get("vb"), Value::from(vec![0u8, 1, 2, 255]));
    assert_eq!(get("bn"), Value::from(vec![9u8, 8, 7, 6]));
    assert_eq!(get("m"), Value::Decimal("19.9900".into()));
    assert_eq!(get("x"), Value::from("<a>1</a>"));

    // NULLs, a binary column's too (sent as nvarchar NULL first, refused, retried).
    let nulls = vec![Value::Null; 3];
    let r = pool
        .execute(Sql::new(
            format!("INSERT INTO [{t}] (i, vb, dto) VALUES (@p1, @p2, @p3)"),
            nulls,
        ))
        .await
        .unwrap();
    assert_eq!(r.rows_affected, 1);
    let rows = pool
        .query(Sql::new(
            format!("SELECT i, vb, dto FROM [{t}] WHERE id = 2"),
            [],
        ))
        .await
        .unwrap();
    let row = rows.iter().next().unwrap();
    for c in ["i", "vb", "dto"] {
        assert_eq!(row.get::<Value>(c).unwrap(), Value::Null, "{c}");
    }
    // An empty result still names its columns.
    let empty = pool
        .query(Sql::new(
            format!("SELECT id, vc FROM [{t}] WHERE 1 = 0"),
            [],
        ))
        .await
        .unwrap();
    assert_eq!(empty.column_names().collect::<Vec<_>>(), ["id", "vc"]);
    drop_table(&pool, &t).await;
}

#[tokio::test]
async fn writes_count_rows_and_queries_count_none() {
    let Some(pool) = pool().await else { return };
    let t = table("counts");
    drop_table(&pool, &t).await;
    exec(&pool, &format!("CREATE TABLE [{t}] (v int)"), vec![]).await;
    let ins = pool
        .execute(Sql::new(
            format!("INSERT INTO [{t}] (v) VALUES (@p1), (@p2), (@p3)"),
            [Value::I64(1), Value::I64(2), Value::I64(3)],
        ))
        .await
        .unwrap();
    assert_eq!(ins.rows_affected, 3);
    assert_eq!(ins.last_insert_id.into_option(), None);
    // A write without parameters goes through sp_executesql for its count.
    let upd = pool
        .execute(Sql::new(
            format!("UPDATE [{t}] SET v = v + 1 WHERE v > 1"),
            [],
        ))
        .await
        .unwrap();
    assert_eq!(upd.rows_affected, 2);
    let sel = pool
        .execute(Sql::new(format!("SELECT * FROM [{t}]"), []))
        .await
        .unwrap();
    assert_eq!(sel.rows_affected, 0);
    // One statement per call.
    let two = pool
        .execute(Sql::new(format!("DELETE FROM [{t}]; DROP TABLE [{t}]"), []))
        .await;
    assert!(matches!(two, Err(DbError::InvalidSql(_))), "{two:?}");
    assert_eq!(
        scalar(&pool, &format!("SELECT count(*) FROM [{t}]")).await,
        Value::I64(3)
    );
    drop_table(&pool, &t).await;
}

#[tokio::test]
async fn transactions_and_savepoints() {
    let Some(pool) = pool().await else { return };
    let t = table("tx");
    drop_table(&pool, &t).await;
    exec(&pool, &format!("CREATE TABLE [{t}] (v int)"), vec![]).await;
    let insert = |v: i64| {
        Sql::new(
            format!("INSERT INTO [{t}] (v) VALUES (@p1)"),
            [Value::I64(v)],
        )
    };

    let tx = pool.begin().await.unwrap();
    tx.execute(insert(1)).await.unwrap();
    tx.savepoint("sp1").await.unwrap();
    tx.execute(insert(2)).await.unwrap();
    tx.rollback_to("sp1").await.unwrap();
    tx.savepoint("sp2").await.unwrap();
    tx.execute(insert(3)).await.unwrap();
    tx.release("sp2").await.unwrap(); // a no-op on SQL Server: 3 stays
    tx.commit().await.unwrap();
    let rows = pool
        .query(Sql::new(format!("SELECT v FROM [{t}] ORDER BY v"), []))
        .await
        .unwrap();
    let seen: Vec<i64> = rows.iter().map(|r| r.get::<i64>("v").unwrap()).collect();
    assert_eq!(seen, [1, 3]);

    let tx = pool.begin().await.unwrap();
    tx.execute(insert(4)).await.unwrap();
    tx.rollback().await.unwrap();
    // Dropped unfinished: the kit rolls it back.
    let tx = pool.begin().await.unwrap();
    tx.execute(insert(5)).await.unwrap();
    drop(tx);
    assert_eq!(
        scalar(&pool, &format!("SELECT count(*) FROM [{t}]")).await,
        Value::I64(2)
    );
    drop_table(&pool, &t).await;
}

#[tokio::test]
async fn constraint_violations_are_typed() {
    let Some(pool) = pool().await else { return };
    let (parent, child) = (table("parent"), table("child"));
    drop_table(&pool, &child).await;
    drop_table(&pool, &parent).await;
    exec(
        &pool,
        &format!(
            "CREATE TABLE [{parent}] (id int PRIMARY KEY, email nvarchar(100) NOT NULL \
             CONSTRAINT [uni_{parent}_email] UNIQUE, age int CONSTRAINT [chk_{parent}_age] \
             CHECK (age >= 0))"
        ),
        vec![],
    )
    .await;
    exec(
        &pool,
        &format!(
            "CREATE TABLE [{child}] (id int PRIMARY KEY, parent_id int CONSTRAINT \
             [fk_{child}_parent] REFERENCES [{parent}] (id))"
        ),
        vec![],
    )
    .await;
    let insert = format!("INSERT INTO [{parent}] (id, email, age) VALUES (@p1, @p2, @p3)");
    exec(
        &pool,
        &insert,
        vec![Value::I64(1), Value::from("a@x"), Value::I64(1)],
    )
    .await;
    let dup = pool
        .execute(Sql::new(
            insert.clone(),
            [Value::I64(2), Value::from("a@x"), Value::I64(1)],
        ))
        .await;
    match dup {
        Err(DbError::UniqueViolation { constraint, .. }) => {
            assert_eq!(constraint, Some(format!("uni_{parent}_email")))
        }
        other => panic!("expected a unique violation, got {other:?}"),
    }
    let null = pool
        .execute(Sql::new(
            insert.clone(),
            [Value::I64(3), Value::Null, Value::I64(1)],
        ))
        .await;
    assert!(
        matches!(&null, Err(DbError::NotNullViolation { column: Some(c), .. }) if c == "email"),
        "{null:?}"
    );
    let check = pool
        .execute(Sql::new(
            insert,
            [Value::I64(4), Value::from("b@x"), Value::I64(-1)],
        ))
        .await;
    assert!(
        matches!(check, Err(DbError::CheckViolation { .. })),
        "{check:?}"
    );
    let orphan = pool
        .execute(Sql::new(
            format!("INSERT INTO [{child}] (id, parent_id) VALUES (@p1, @p2)"),
            [Value::I64(1), Value::I64(99)],
        ))
        .await;
    assert!(
        matches!(&orphan, Err(DbError::ForeignKeyViolation { constraint: Some(c), .. }) if *c == format!("fk_{child}_parent")),
        "{orphan:?}"
    );
    // The connection is still good after each error.
    pool.ping().await.unwrap();
    drop_table(&pool, &child).await;
    drop_table(&pool, &parent).await;
}

#[tokio::test]
async fn streams_in_batches_and_stops_early() {
    let Some(pool) = pool().await else { return };
    let t = table("stream");
    drop_table(&pool, &t).await;
    exec(&pool, &format!("CREATE TABLE [{t}] (v int)"), vec![]).await;
    exec(
        &pool,
        &format!(
            "INSERT INTO [{t}] (v) SELECT TOP (2500) ROW_NUMBER() OVER (ORDER BY (SELECT NULL)) \
             FROM sys.all_objects a CROSS JOIN sys.all_objects b"
        ),
        vec![],
    )
    .await;
    let select = || {
        Sql::new(
            format!("SELECT v FROM [{t}] WHERE v > @p1 ORDER BY v"),
            [Value::I64(0)],
        )
    };
    let stream = pool.query_stream(select(), 1000).await.unwrap();
    assert_eq!(stream.names(), ["v"]);
    let mut sizes = Vec::new();
    while let Some(batch) = stream.next_batch().await.unwrap() {
        sizes.push(batch.len);
    }
    assert_eq!(sizes, [1000, 1000, 500]);
    // A reader that stops after one batch: the connection serves the next statement.
    let stream = pool.query_stream(select(), 100).await.unwrap();
    assert!(stream.next_batch().await.unwrap().is_some());
    drop(stream);
    assert_eq!(
        scalar(&pool, &format!("SELECT count(*) FROM [{t}]")).await,
        Value::I64(2500)
    );
    drop_table(&pool, &t).await;
}

/// No server needed: the URL and the connect path's errors.
#[tokio::test]
async fn bad_urls_and_unreachable_servers_are_typed() {
    let bad = SqlServerDialect::new()
        .connect(
            "sqlserver://sa:pw@h?encrypt=sometimes",
            PoolOptions::default(),
        )
        .await;
    assert!(
        matches!(&bad, Err(DbError::InvalidUrl { reason, .. }) if reason.contains("`encrypt`")),
        "{:?}",
        bad.err()
    );
    let options = PoolOptions {
        connect_timeout_ms: 2_000,
        ..PoolOptions::default()
    };
    let closed = SqlServerDialect::new()
        .connect(
            "sqlserver://sa:s3cret@127.0.0.1:1/app?encrypt=false",
            options,
        )
        .await;
    match closed {
        Err(DbError::Connect { message }) => {
            assert!(message.contains("127.0.0.1:1/app"), "{message}");
            assert!(!message.contains("s3cret"), "{message}");
        }
        Err(DbError::Timeout(m)) => assert!(!m.contains("s3cret"), "{m}"),
        other => panic!("expected a connect error, got {:?}", other.err()),
    }
}

/// A key the caller sets goes into the IDENTITY column (the dialect's identity-insert
/// envelope), comes back through OUTPUT, and leaves the session's IDENTITY_INSERT off:
/// a generated key works next, also after the explicit insert failed.
#[tokio::test]
async fn explicit_identity_keys_leave_identity_insert_off() {
    use plugorm_plugin_api::statement::{Expr, Insert, Statement, TableRef};
    let Some(pool) = pool().await else { return };
    let t = table("identity");
    drop_table(&pool, &t).await;
    exec(
        &pool,
        &format!("CREATE TABLE [{t}] (id bigint IDENTITY(1,1) PRIMARY KEY, name nvarchar(20))"),
        vec![],
    )
    .await;
    let dialect = SqlServerDialect::new();
    let insert = |name: &str, id: Option<i64>| {
        let mut columns = vec!["name".into()];
        let mut row = vec![Expr::value(name)];
        if let Some(id) = id {
            columns.push("id".into());
            row.push(Expr::value(id));
        }
        let mut ins = Insert::new(TableRef::new(t.as_str()), columns);
        ins.rows.push(row.into_iter().collect());
        ins.returning.push("id".into());
        dialect.render(&Statement::Insert(ins)).unwrap()
    };
    let key =
        |rows: plugorm_plugin_api::Rows| rows.iter().next().unwrap().get_at::<i64>(0).unwrap();
    assert_eq!(
        key(pool.query(insert("given", Some(40))).await.unwrap()),
        40
    );
    assert_eq!(
        key(pool.query(insert("generated", None)).await.unwrap()),
        41
    );
    let again = pool.query(insert("duplicate", Some(40))).await;
    assert!(
        matches!(again, Err(DbError::UniqueViolation { .. })),
        "{again:?}"
    );
    assert_eq!(key(pool.query(insert("after", None)).await.unwrap()), 42);
    drop_table(&pool, &t).await;
}
