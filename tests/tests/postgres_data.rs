//! Data through the PostgreSQL plugin on a real server: column defaults read back by
//! RETURNING, every value type both ways, parameters converted to the statement's types,
//! schemas, connection URLs and TLS. (CRUD is `product_crud.rs`, upserts
//! `query_surface.rs`, constraint errors `constraint_errors.rs`: on every backend.)
//!
//! Each test runs in a fresh schema (`plugorm_tests::postgres`); without a server the
//! tests print why and pass, unless `CI=true`.

use std::sync::OnceLock;

use plugorm::{
    plugin_api::{row::DecodeError, schema::FieldSchema, schema::ModelSchema, Cell},
    Db, DbError, Error, FieldType, Model, PoolOptions, Value,
};
use plugorm_tests::postgres;

fn db_err(e: Error) -> DbError {
    match e {
        Error::Db(d) => d,
        other => panic!("expected a database error, got {other:?}"),
    }
}

async fn exec(db: &Db, sql: &str) {
    if let Err(e) = db.exec(sql, ()).await {
        panic!("{sql}: {e}");
    }
}

/// A model whose `status` and `opened_at` are filled by column defaults (written by hand:
/// what `#[derive(Model)]` generates).
#[derive(Debug, Default, Clone, PartialEq)]
struct Ticket {
    id: i64,
    title: String,
    status: String,
    opened_at: Option<chrono::DateTime<chrono::Utc>>,
}

impl plugorm::Hooks for Ticket {}

fn ticket_field<F: FieldType>(name: &str) -> FieldSchema {
    let mut f = FieldSchema::new(name, name, F::DATA_TYPE);
    f.bits = F::BITS;
    f.nullable = F::NULLABLE;
    f
}

impl Model for Ticket {
    fn schema() -> &'static ModelSchema {
        static S: OnceLock<ModelSchema> = OnceLock::new();
        S.get_or_init(|| {
            let mut id = ticket_field::<i64>("id");
            id.primary_key = true;
            id.auto_increment = true;
            let mut status = ticket_field::<String>("status");
            status.size = 16;
            status.not_null = true;
            status.default = Some("'open'".into()).into();
            let mut opened = ticket_field::<Option<chrono::DateTime<chrono::Utc>>>("opened_at");
            opened.default = Some("now()".into()).into();
            ModelSchema {
                name: "Ticket".into(),
                table: "tickets".into(),
                fields: vec![id, ticket_field::<String>("title"), status, opened].into(),
                indexes: Default::default(),
            }
        })
    }
    fn new_default() -> Self {
        Ticket::default()
    }
    fn value_at(&self, i: usize) -> Value {
        match i {
            0 => self.id.to_value(),
            1 => self.title.to_value(),
            2 => self.status.to_value(),
            3 => self.opened_at.to_value(),
            _ => Value::Null,
        }
    }
    fn is_zero_at(&self, i: usize) -> bool {
        match i {
            0 => self.id.is_zero(),
            1 => self.title.is_zero(),
            2 => self.status.is_zero(),
            3 => self.opened_at.is_zero(),
            _ => true,
        }
    }
    fn set_at(&mut self, i: usize, cell: Cell<'_>) -> Result<(), DecodeError> {
        match i {
            0 => self.id = FieldType::from_cell(cell)?,
            1 => self.title = FieldType::from_cell(cell)?,
            2 => self.status = FieldType::from_cell(cell)?,
            3 => self.opened_at = FieldType::from_cell(cell)?,
            _ => {}
        }
        Ok(())
    }
}

#[tokio::test]
async fn returning_backfills_column_defaults() {
    let Some(db) = postgres::database().await else {
        return;
    };
    let report = db.auto_migrate::<Ticket>().await.unwrap();
    assert_eq!(
        report.statements,
        [
            r#"CREATE TABLE "tickets" ("id" bigserial,"title" text,"status" varchar(16) NOT NULL DEFAULT 'open',"opened_at" timestamptz DEFAULT now(),PRIMARY KEY ("id"))"#
        ]
    );
    let mut t = Ticket {
        title: "printer on fire".into(),
        ..Default::default()
    };
    db.create(&mut t).await.unwrap();
    assert_eq!((t.id, t.status.as_str()), (1, "open"));
    let opened = t.opened_at.expect("opened_at comes back from its default");
    let stored = db.model::<Ticket>().id(1).first().await.unwrap();
    assert_eq!(stored, t);
    assert!(opened.timestamp() > 0);
    // A value given is written, not the default.
    let mut closed = Ticket {
        title: "done".into(),
        status: "closed".into(),
        ..Default::default()
    };
    db.create(&mut closed).await.unwrap();
    assert_eq!(
        db.model::<Ticket>()
            .id(closed.id)
            .first()
            .await
            .unwrap()
            .status,
        "closed"
    );
}

const TYPES_DDL: &str = "CREATE TABLE vals (id serial PRIMARY KEY, b boolean, i2 smallint, \
    i4 integer, i8 bigint, f4 real, f8 double precision, n numeric, n2 numeric(10,2), \
    t text, vc varchar(20), ch char(5), by bytea, d date, tm time, ts timestamp, \
    tz timestamptz, u uuid, j json, jb jsonb)";

const TYPE_COLUMNS: &str = "b, i2, i4, i8, f4, f8, n, n2, t, vc, ch, by, d, tm, ts, tz, u, j, jb";

#[tokio::test]
async fn every_value_type_round_trips() {
    let Some(db) = postgres::database().await else {
        return;
    };
    exec(&db, TYPES_DDL).await;
    let date = chrono::NaiveDate::from_ymd_opt(2024, 2, 29).unwrap();
    let time = chrono::NaiveTime::from_hms_micro_opt(23, 59, 58, 123_456).unwrap();
    let naive = date.and_time(time);
    let instant = chrono::DateTime::from_timestamp(1_700_000_000, 654_321_000).unwrap();
    let uuid = uuid::Uuid::from_u128(0xa0ee_bc99_9c0b_4ef8_bb6d_6bb9_bd38_0a11);
    let big = "123456789012345678901234567890.0123456789";
    let values: Vec<Value> = vec![
        true.into(),
        (-12i64).into(),
        2_000_000_000i64.into(),
        i64::MIN.into(),
        1.5f64.into(),
        std::f64::consts::PI.into(),
        Value::Decimal(big.into()),
        Value::Decimal("-12.5".into()),
        "héllo ✓".into(),
        "varchar".into(),
        "ab".into(),
        Value::Bytes(vec![0, 1, 2, 255].into()),
        date.into(),
        time.into(),
        naive.into(),
        instant.into(),
        uuid.into(),
        Value::Json(r#"{"a": [1, 2]}"#.into()),
        serde_json::json!({"k": "v", "n": 1}).into(),
    ];
    let placeholders = vec!["?"; values.len()].join(", ");
    let sql = format!("INSERT INTO vals ({TYPE_COLUMNS}) VALUES ({placeholders})");
    db.exec(&sql, values.clone()).await.unwrap();
    let nulls = vec![Value::Null; values.len()];
    db.exec(&sql, nulls.clone()).await.unwrap();

    let rows = db
        .raw(&format!("SELECT {TYPE_COLUMNS} FROM vals ORDER BY id"), ())
        .await
        .unwrap();
    let mut it = rows.iter();
    let row = it.next().unwrap();
    let got: Vec<Value> = (0..values.len())
        .map(|i| row.get_at::<Value>(i).unwrap())
        .collect();
    let expected: Vec<Value> = vec![
        true.into(),
        (-12i64).into(),
        2_000_000_000i64.into(),
        i64::MIN.into(),
        1.5f64.into(),
        std::f64::consts::PI.into(),
        Value::Decimal(big.into()),
        Value::Decimal("-12.50".into()),
        "héllo ✓".into(),
        "varchar".into(),
        "ab   ".into(),
        Value::Bytes(vec![0, 1, 2, 255].into()),
        date.into(),
        time.into(),
        naive.into(),
        instant.into(),
        uuid.into(),
        Value::Json(r#"{"a": [1, 2]}"#.into()),
        Value::Json(r#"{"k": "v", "n": 1}"#.into()),
    ];
    assert_eq!(got, expected);
    // Typed reads.
    assert_eq!(row.get::<i16>("i2").unwrap(), -12);
    assert_eq!(row.get::<f32>("f4").unwrap(), 1.5);
    assert_eq!(
        row.get::<rust_decimal::Decimal>("n2").unwrap().to_string(),
        "-12.50"
    );
    assert_eq!(row.get::<uuid::Uuid>("u").unwrap(), uuid);
    assert_eq!(row.get::<chrono::NaiveDateTime>("ts").unwrap(), naive);
    assert_eq!(
        row.get::<chrono::DateTime<chrono::Utc>>("tz").unwrap(),
        instant
    );
    assert_eq!(
        row.get::<serde_json::Value>("jb").unwrap()["k"],
        serde_json::json!("v")
    );
    let row = it.next().unwrap();
    for i in 0..values.len() {
        assert_eq!(row.get_at::<Value>(i).unwrap(), Value::Null, "column #{i}");
    }
}

#[tokio::test]
async fn parameters_take_the_type_their_statement_declares() {
    let Some(db) = postgres::database().await else {
        return;
    };
    exec(
        &db,
        "CREATE TABLE p (id serial PRIMARY KEY, n numeric(12,4), f double precision, \
         i integer, u uuid, d date, ts timestamptz, flag boolean, tag text)",
    )
    .await;
    // One SQL text, values of several kinds: each is sent in the parameter's own type
    // (the statement is prepared once per connection and cached).
    let insert = "INSERT INTO p (n, f, i) VALUES (?, ?, ?)";
    for (n, f, i) in [
        (Value::I64(1), Value::I64(2), Value::I64(3)),
        (Value::F64(2.5), Value::F64(0.25), Value::Text("7".into())),
        (
            Value::Decimal("3.1416".into()),
            Value::Decimal("1e3".into()),
            Value::F64(9.0),
        ),
        (Value::Text("-0.0001".into()), Value::Null, Value::Null),
    ] {
        db.exec(insert, vec![n, f, i]).await.unwrap();
    }
    let rows = db
        .raw("SELECT n::text AS n, f, i FROM p ORDER BY id", ())
        .await
        .unwrap();
    let got: Vec<(String, Option<f64>, Option<i64>)> = rows
        .iter()
        .map(|r| {
            (
                r.get("n").unwrap(),
                r.get("f").unwrap(),
                r.get("i").unwrap(),
            )
        })
        .collect();
    assert_eq!(
        got,
        [
            ("1.0000".to_string(), Some(2.0), Some(3)),
            ("2.5000".to_string(), Some(0.25), Some(7)),
            ("3.1416".to_string(), Some(1000.0), Some(9)),
            ("-0.0001".to_string(), None, None),
        ]
    );
    // Text takes the type PostgreSQL infers, as a quoted literal would.
    db.exec(
        "INSERT INTO p (u, d, ts, flag) VALUES (?, ?, ?, ?)",
        (
            "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11",
            "2024-01-31",
            "2024-01-31 10:00:00+02",
            "yes",
        ),
    )
    .await
    .unwrap();
    let row_id: i64 = db
        .raw_scalar(
            "SELECT id FROM p WHERE u = ? AND d = ? AND ts = ? AND flag",
            (
                uuid::Uuid::parse_str("a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11").unwrap(),
                chrono::NaiveDate::from_ymd_opt(2024, 1, 31).unwrap(),
                chrono::DateTime::from_timestamp(1_706_688_000, 0).unwrap(),
            ),
        )
        .await
        .unwrap()
        .unwrap();
    assert_eq!(row_id, 5);
    // A NULL first, a value next: the statement's type was inferred from the column.
    let update = "UPDATE p SET ts = ? WHERE id = ?";
    db.exec(update, (None::<i64>, 1)).await.unwrap();
    db.exec(
        update,
        (chrono::NaiveDate::from_ymd_opt(2020, 5, 6).unwrap(), 2),
    )
    .await
    .unwrap();
    let day: String = db
        .raw_scalar(
            "SELECT to_char(ts AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI') FROM p WHERE id = 2",
            (),
        )
        .await
        .unwrap()
        .unwrap();
    assert_eq!(day, "2020-05-06 00:00");
    // Nothing gives concat's arguments a type: the same typed error inside a
    // transaction or not, asking for a cast — and the cast works.
    let untyped = "SELECT concat(?, ?) AS s";
    let outside = db_err(db.raw(untyped, ("a", "b")).await.unwrap_err());
    let tx = db.begin().await.unwrap();
    let inside = db_err(tx.raw(untyped, ("a", "b")).await.unwrap_err());
    tx.rollback().await.unwrap();
    for e in [outside, inside] {
        match e {
            DbError::Database { code, message } => {
                assert_eq!(code.as_deref(), Some("42P18"));
                assert!(message.contains("?::text"), "{message}");
            }
            other => panic!("expected an untyped-parameter error, got {other:?}"),
        }
    }
    let s: String = db
        .raw_scalar("SELECT concat(?::text, ?::text) AS s", ("a", "b"))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(s, "ab");
    // A bare parameter is text, whatever the value: PostgreSQL's rule for literals.
    let n: i64 = db.raw_scalar("SELECT ? AS n", (5,)).await.unwrap().unwrap();
    assert_eq!(n, 5);
    let plus: i64 = db
        .raw_scalar("SELECT ? + 1 AS n", (5,))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(plus, 6);
    // What does not fit is refused before anything is sent, naming the parameter.
    let e = db_err(
        db.exec(insert, (1, 2, i64::from(i32::MAX) + 1))
            .await
            .unwrap_err(),
    );
    match &e {
        DbError::UnsupportedValue { detail } => {
            assert!(
                detail.contains("$3") && detail.contains("integer"),
                "{detail}"
            );
            assert!(detail.contains("out of range"), "{detail}");
        }
        other => panic!("expected UnsupportedValue, got {other:?}"),
    }
    let e = db_err(
        db.exec("UPDATE p SET u = ? WHERE id = 1", ("not-a-uuid",))
            .await
            .unwrap_err(),
    );
    assert!(
        matches!(&e, DbError::UnsupportedValue { detail } if detail.contains("uuid")),
        "{e}"
    );
}

#[tokio::test]
async fn special_values_and_types_without_a_plugorm_value() {
    let Some(db) = postgres::database().await else {
        return;
    };
    let rows = db
        .raw(
            "SELECT 'infinity'::timestamp AS t, '-infinity'::date AS d, 'NaN'::numeric AS n, \
             interval '1 year 2 days 03:04:05.5' AS i, '10:30:00+02'::timetz AS tz, \
             NULL::inet AS addr, 'x'::\"char\" AS c, 4294967295::oid AS o",
            (),
        )
        .await
        .unwrap();
    let row = rows.iter().next().unwrap();
    assert_eq!(row.get::<String>("t").unwrap(), "infinity");
    assert_eq!(row.get::<String>("d").unwrap(), "-infinity");
    assert_eq!(row.get::<Value>("n").unwrap(), Value::Decimal("NaN".into()));
    assert_eq!(row.get::<String>("i").unwrap(), "P1Y2DT3H4M5.5S");
    assert_eq!(row.get::<String>("tz").unwrap(), "10:30:00+02");
    assert_eq!(row.get::<Value>("addr").unwrap(), Value::Null);
    assert_eq!(row.get::<String>("c").unwrap(), "x");
    assert_eq!(row.get::<i64>("o").unwrap(), 4_294_967_295);
    // The interval text is valid interval input.
    let same: bool = db
        .raw_scalar(
            "SELECT ?::text::interval = interval '1 year 2 days 03:04:05.5'",
            (row.get::<String>("i").unwrap(),),
        )
        .await
        .unwrap()
        .unwrap();
    assert!(same);

    let e = db_err(
        db.raw("SELECT '127.0.0.1'::inet AS addr", ())
            .await
            .unwrap_err(),
    );
    match e {
        DbError::Decode { detail } => {
            assert!(
                detail.contains("`addr`")
                    && detail.contains("inet")
                    && detail.contains("addr::text"),
                "{detail}"
            )
        }
        other => panic!("expected a decode error, got {other:?}"),
    }
    // Enums read and bind as their labels; domains as their base type.
    exec(&db, "CREATE TYPE mood AS ENUM ('sad', 'happy')").await;
    exec(&db, "CREATE DOMAIN posint AS integer CHECK (VALUE > 0)").await;
    exec(&db, "CREATE TABLE feel (m mood, p posint)").await;
    db.exec("INSERT INTO feel (m, p) VALUES (?, ?)", ("happy", 3))
        .await
        .unwrap();
    let row = db
        .raw("SELECT m, p FROM feel WHERE m = ?", ("happy",))
        .await
        .unwrap();
    let row = row.iter().next().unwrap();
    assert_eq!(row.get::<Value>("m").unwrap(), Value::from("happy"));
    assert_eq!(row.get::<Value>("p").unwrap(), Value::I64(3));
    match db_err(
        db.exec("INSERT INTO feel (m) VALUES (?)", ("angry",))
            .await
            .unwrap_err(),
    ) {
        DbError::Database { code, .. } => assert_eq!(code.as_deref(), Some("22P02")),
        other => panic!("expected an invalid enum label, got {other:?}"),
    }
    let arr: serde_json::Value = db
        .raw_scalar("SELECT to_jsonb(ARRAY[1, 2]) AS a", ())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(arr, serde_json::json!([1, 2]));
}

#[tokio::test]
async fn empty_results_keep_their_column_names() {
    let Some(db) = postgres::database().await else {
        return;
    };
    exec(&db, "CREATE TABLE e (id serial PRIMARY KEY, name text)").await;
    let rows = db
        .raw("SELECT id, name FROM e WHERE id > ?", (0,))
        .await
        .unwrap();
    assert!(rows.is_empty());
    assert_eq!(rows.column_names().collect::<Vec<_>>(), ["id", "name"]);
    let rows = db.raw("SELECT * FROM e", ()).await.unwrap();
    assert_eq!(rows.column_names().collect::<Vec<_>>(), ["id", "name"]);
    // One call runs one statement, with values or without: a second one is refused by
    // the server (the extended protocol), typed, and nothing of the text runs.
    let r = db
        .exec(
            "INSERT INTO e (name) VALUES ('a'); INSERT INTO e (name) VALUES ('b'), ('c')",
            (),
        )
        .await;
    assert!(matches!(r, Err(Error::Db(DbError::InvalidSql(_)))), "{r:?}");
    let n: i64 = db
        .raw_scalar("SELECT COUNT(*) FROM e", ())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(n, 0);
}

#[tokio::test]
async fn a_cached_select_star_survives_a_new_column() {
    let Some(fresh) = postgres::fresh_with("").await else {
        return;
    };
    // One connection, so the second SELECT meets the statement cached by the first.
    let db = postgres::registry_with("")
        .open_with(
            &fresh.url,
            PoolOptions {
                max_connections: 1,
                ..PoolOptions::default()
            },
        )
        .await
        .unwrap();
    exec(&db, "CREATE TABLE grow (id serial PRIMARY KEY, a text)").await;
    exec(&db, "INSERT INTO grow (a) VALUES ('x')").await;
    let before = db
        .raw("SELECT * FROM grow WHERE id = ?", (1,))
        .await
        .unwrap();
    assert_eq!(before.column_names().count(), 2);
    exec(&db, "ALTER TABLE grow ADD COLUMN b integer DEFAULT 7").await;
    let after = db
        .raw("SELECT * FROM grow WHERE id = ?", (1,))
        .await
        .unwrap();
    assert_eq!(after.column_names().collect::<Vec<_>>(), ["id", "a", "b"]);
    assert_eq!(after.iter().next().unwrap().get::<i64>("b").unwrap(), 7);
}

#[tokio::test]
async fn search_path_and_schema_qualified_tables() {
    let Some(fresh) = postgres::fresh_with("").await else {
        return;
    };
    let db = &fresh.db;
    let current: String = db
        .raw_scalar("SELECT current_schema()", ())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(current, fresh.schema, "search_path comes from the URL");
    exec(db, "CREATE TABLE here (id serial PRIMARY KEY)").await;
    let in_schema: i64 = db
        .raw_scalar(
            "SELECT count(*) FROM pg_tables WHERE schemaname = ? AND tablename = 'here'",
            (fresh.schema.as_str(),),
        )
        .await
        .unwrap()
        .unwrap();
    assert_eq!(in_schema, 1, "unqualified tables land in the test schema");

    let other = format!("{}_other", fresh.schema);
    exec(db, &format!("CREATE SCHEMA \"{other}\"")).await;
    exec(
        db,
        &format!("CREATE TABLE \"{other}\".items (id serial PRIMARY KEY, name text)"),
    )
    .await;
    use plugorm::plugin_api::statement::{Expr, Insert, Select, Statement, TableRef};
    let table = TableRef::parse(&format!("{other}.items"));
    let mut ins = Insert::new(table.clone(), ["name".into()]);
    ins.rows.push(vec![Expr::value("qualified")].into());
    ins.returning.push("id".into());
    let rows = db.query_statement(&Statement::Insert(ins)).await.unwrap();
    assert_eq!(rows.iter().next().unwrap().get::<i64>("id").unwrap(), 1);
    let mut q = Select::from_table(table.alias("i"));
    q.filter(Expr::col("i", "name").eq("qualified"));
    let rows = db.query_statement(&Statement::Select(q)).await.unwrap();
    assert_eq!(rows.len(), 1);
    exec(db, &format!("DROP SCHEMA \"{other}\" CASCADE")).await;
}

/// `url` with `key=value` appended to its query.
fn with(url: &str, pair: &str) -> String {
    let sep = if url.contains('?') { '&' } else { '?' };
    format!("{url}{sep}{pair}")
}

#[tokio::test]
async fn urls_settings_tls_and_connection_errors() {
    let Some(fresh) = postgres::fresh_with("").await else {
        return;
    };
    let registry = postgres::registry_with("");
    let base = postgres::server_url();
    // Server settings from the query string; the `postgresql` scheme.
    let url = with(&base, "timezone=Asia/Tokyo&statement_timeout=4000").replacen(
        "postgres://",
        "postgresql://",
        1,
    );
    let db = registry.open(&url).await.unwrap();
    let tz: String = db.raw_scalar("SHOW timezone", ()).await.unwrap().unwrap();
    assert_eq!(tz, "Asia/Tokyo");
    let st: String = db
        .raw_scalar("SHOW statement_timeout", ())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(st, "4s");
    // A setting the server does not know is refused when the pool opens.
    match registry.open(&with(&base, "no_such_setting=1")).await {
        Err(Error::Db(DbError::Connect { message })) => {
            assert!(message.contains("no_such_setting"), "{message}")
        }
        Err(other) => panic!("expected a connect error, got {other}"),
        Ok(_) => panic!("an unknown setting was accepted"),
    }
    // TLS: `require` encrypts without checking the certificate.
    let tls = registry.open(&with(&base, "sslmode=require")).await;
    match tls {
        Ok(db) => {
            let ssl: bool = db
                .raw_scalar(
                    "SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()",
                    (),
                )
                .await
                .unwrap()
                .unwrap();
            assert!(ssl, "sslmode=require gives an encrypted connection");
        }
        Err(e) => eprintln!("the server does not offer TLS ({e}); TLS checks skipped"),
    }
    // The local test server's certificate is Debian's self-signed one, for `localhost`:
    // trusted through `sslrootcert`, it verifies for that name and for no other.
    let snakeoil = "/etc/ssl/certs/ssl-cert-snakeoil.pem";
    let local = base.starts_with("postgres://postgres@127.0.0.1:5432/");
    if local && std::path::Path::new(snakeoil).is_file() {
        let ca = format!("sslrootcert={snakeoil}");
        let by_name = with(
            &base.replacen("127.0.0.1", "localhost", 1),
            &format!("sslmode=verify-full&{ca}"),
        );
        let db = registry.open(&by_name).await.unwrap();
        let n: i64 = db.raw_scalar("SELECT 1", ()).await.unwrap().unwrap();
        assert_eq!(n, 1);
        registry
            .open(&with(&base, &format!("sslmode=verify-ca&{ca}")))
            .await
            .unwrap();
        for url in [
            with(&base, &format!("sslmode=verify-full&{ca}")),
            with(&base, "sslmode=verify-full"),
        ] {
            match registry.open(&url).await {
                Err(Error::Db(DbError::Connect { message })) => {
                    assert!(message.contains("certificate"), "{message}")
                }
                Err(other) => panic!("expected a connect error, got {other}"),
                Ok(_) => panic!("{url}: verify-full accepted a certificate for another name"),
            }
        }
    }
    // Bad URLs and unreachable servers.
    match registry.open("postgres://h/db?sslmode=sometimes").await {
        Err(Error::InvalidUrl { reason, .. })
        | Err(Error::Db(DbError::InvalidUrl { reason, .. })) => {
            assert!(reason.contains("sometimes"), "{reason}")
        }
        Err(other) => panic!("expected InvalidUrl, got {other}"),
        Ok(_) => panic!("a bad sslmode was accepted"),
    }
    let closed = registry
        .open_with(
            "postgres://postgres@127.0.0.1:1/test",
            PoolOptions {
                connect_timeout_ms: 1_000,
                ..PoolOptions::default()
            },
        )
        .await;
    match closed {
        Err(Error::Db(DbError::Connect { message })) => {
            assert!(
                message.contains("127.0.0.1:1") && message.contains("refused"),
                "{message}"
            )
        }
        Err(other) => panic!("expected a connect error, got {other}"),
        Ok(_) => panic!("connected to a closed port"),
    }
    drop(fresh);
}
