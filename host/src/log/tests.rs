//! Explaining statements per dialect: every value kind as a literal, placeholders found
//! only in SQL code, numbered placeholders by their number.

use chrono::{NaiveDate, NaiveTime, TimeZone, Utc};
use plugorm_plugin_api::{value::Timestamp, FfiValue, Value};

use super::{explain, ExplainStyle};

fn values(vs: impl IntoIterator<Item = Value>) -> Vec<FfiValue> {
    vs.into_iter().map(Value::into_ffi).collect()
}

fn sqlite(text: &str, vs: impl IntoIterator<Item = Value>) -> String {
    explain(text, &values(vs), &ExplainStyle::sqlite())
}

fn postgres(text: &str, vs: impl IntoIterator<Item = Value>) -> String {
    explain(text, &values(vs), &ExplainStyle::postgres())
}

fn mysql(text: &str, vs: impl IntoIterator<Item = Value>) -> String {
    explain(text, &values(vs), &ExplainStyle::mysql())
}

/// One value of each kind, and the literal each dialect writes for it.
fn every_kind() -> Vec<(Value, &'static str, &'static str, &'static str)> {
    let stamp = NaiveDate::from_ymd_opt(2024, 1, 31)
        .and_then(|d| d.and_hms_micro_opt(12, 30, 5, 123_456))
        .unwrap();
    let utc = Utc.with_ymd_and_hms(2024, 1, 31, 12, 30, 5).unwrap();
    let uuid = uuid::Uuid::parse_str("67e55044-10b1-426f-9247-bb680e5fe0c8").unwrap();
    vec![
        (Value::Null, "NULL", "NULL", "NULL"),
        (Value::Bool(true), "true", "true", "true"),
        (Value::Bool(false), "false", "false", "false"),
        (Value::I64(-42), "-42", "-42", "-42"),
        (Value::F64(2.5), "2.5", "2.5", "2.5"),
        (
            Value::F64(1e21),
            "1000000000000000000000",
            "1000000000000000000000",
            "1000000000000000000000",
        ),
        (Value::F64(f64::NAN), "'NaN'", "'NaN'", "'NaN'"),
        (
            Value::F64(f64::NEG_INFINITY),
            "'-Infinity'",
            "'-Infinity'",
            "'-Infinity'",
        ),
        (
            rust_decimal::Decimal::new(-1250, 2).into(),
            "'-12.50'",
            "'-12.50'",
            "'-12.50'",
        ),
        ("it's".into(), "'it''s'", "'it''s'", "'it''s'"),
        (r"C:\dir".into(), r"'C:\dir'", r"'C:\dir'", r"'C:\\dir'"),
        (
            vec![0x00u8, 0x0a, 0xff].into(),
            "X'000aff'",
            r"'\x000aff'",
            "X'000aff'",
        ),
        (Vec::<u8>::new().into(), "X''", r"'\x'", "X''"),
        (
            stamp.date().into(),
            "'2024-01-31'",
            "'2024-01-31'",
            "'2024-01-31'",
        ),
        (
            NaiveTime::from_hms_micro_opt(8, 0, 1, 500_000)
                .unwrap()
                .into(),
            "'08:00:01.5'",
            "'08:00:01.5'",
            "'08:00:01.5'",
        ),
        (
            stamp.into(),
            "'2024-01-31 12:30:05.123'",
            "'2024-01-31 12:30:05.123'",
            "'2024-01-31 12:30:05.123'",
        ),
        (
            utc.into(),
            "'2024-01-31 12:30:05'",
            "'2024-01-31 12:30:05'",
            "'2024-01-31 12:30:05'",
        ),
        (
            Value::Timestamp(Timestamp {
                micros: 1_500_000,
                utc: false,
            }),
            "'1970-01-01 00:00:01.5'",
            "'1970-01-01 00:00:01.5'",
            "'1970-01-01 00:00:01.5'",
        ),
        (
            uuid.into(),
            "'67e55044-10b1-426f-9247-bb680e5fe0c8'",
            "'67e55044-10b1-426f-9247-bb680e5fe0c8'",
            "'67e55044-10b1-426f-9247-bb680e5fe0c8'",
        ),
        (
            serde_json::json!({"a": "b'c"}).into(),
            r#"'{"a":"b''c"}'"#,
            r#"'{"a":"b''c"}'"#,
            r#"'{"a":"b''c"}'"#,
        ),
    ]
}

#[test]
fn every_value_kind_is_a_literal_of_each_dialect() {
    for (value, lite, pg, my) in every_kind() {
        let v = || [value.clone()];
        assert_eq!(
            sqlite("SELECT ?", v()),
            format!("SELECT {lite}"),
            "{value:?}"
        );
        assert_eq!(
            postgres("SELECT $1", v()),
            format!("SELECT {pg}"),
            "{value:?}"
        );
        assert_eq!(mysql("SELECT ?", v()), format!("SELECT {my}"), "{value:?}");
    }
}

#[test]
fn gorms_example_line() {
    let vs = || [Value::from("jinzhu"), Value::I64(18)];
    assert_eq!(
        postgres(
            r#"INSERT INTO "users" ("name","age") VALUES ($1,$2) RETURNING "id""#,
            vs()
        ),
        r#"INSERT INTO "users" ("name","age") VALUES ('jinzhu',18) RETURNING "id""#
    );
    assert_eq!(
        mysql("INSERT INTO `users` (`name`,`age`) VALUES (?,?)", vs()),
        "INSERT INTO `users` (`name`,`age`) VALUES ('jinzhu',18)"
    );
}

#[test]
fn placeholders_inside_quotes_and_comments_are_left_alone() {
    let vs = || [Value::I64(1), Value::I64(2)];
    assert_eq!(
        sqlite(
            r#"SELECT '?', "?", `?`, [?], ? -- ?
, /* ? */ ?"#,
            vs()
        ),
        r#"SELECT '?', "?", `?`, [?], 1 -- ?
, /* ? */ 2"#
    );
    // A doubled quote stays inside the string.
    assert_eq!(sqlite("SELECT 'it''s ?', ?", vs()), "SELECT 'it''s ?', 1");
    // MySQL: a backslash escapes the quote, so the string goes on past `\'`; `#` comments.
    assert_eq!(
        mysql(r"SELECT 'a\'?', ? # ?", vs()),
        r"SELECT 'a\'?', 1 # ?"
    );
    // PostgreSQL: quoted names, strings, E-strings and dollar quotes keep their `$n`.
    assert_eq!(
        postgres(
            r#"SELECT "$1", '$1', E'\'$1', $fn$ $1 $fn$, $$ $2 $$, $2"#,
            vs()
        ),
        r#"SELECT "$1", '$1', E'\'$1', $fn$ $1 $fn$, $$ $2 $$, 2"#
    );
    // `?` is an operator on PostgreSQL (jsonb), never a parameter.
    assert_eq!(
        postgres("SELECT data ? 'k' AND id = $1", vs()),
        "SELECT data ? 'k' AND id = 1"
    );
}

#[test]
fn numbered_placeholders_are_read_to_their_last_digit() {
    let vs: Vec<Value> = (1..=11).map(|i| Value::I64(i * 100)).collect();
    assert_eq!(
        postgres("SELECT $10, $1, $11, $2", vs),
        "SELECT 1000, 100, 1100, 200"
    );
    // Out of range, `$0`, a name holding `$`: left as they are.
    assert_eq!(
        postgres("SELECT $3, $0, a$1, $1", [Value::I64(7)]),
        "SELECT $3, $0, a$1, 7"
    );
}

#[test]
fn missing_parameters_and_text_around_are_kept() {
    assert_eq!(sqlite("SELECT ?, ?", [Value::I64(1)]), "SELECT 1, ?");
    assert_eq!(sqlite("SELECT 1", []), "SELECT 1");
    // A value's own `?` is never taken for the next placeholder.
    assert_eq!(
        sqlite("SELECT ?, ?", ["?".into(), Value::I64(2)]),
        "SELECT '?', 2"
    );
    // Multi-byte text before and after.
    assert_eq!(
        sqlite("SELECT 'é', ?, 'ü'", ["ñ".into()]),
        "SELECT 'é', 'ñ', 'ü'"
    );
}

/// A dialect that renders with the defaults except where the test says.
struct Fake {
    numbered: Option<&'static str>,
    upsert: plugorm_plugin_api::dialect::UpsertStyle,
}

impl plugorm_plugin_api::render::SqlRenderer for Fake {
    fn write_placeholder(&self, w: &mut plugorm_plugin_api::render::SqlWriter, index: usize) {
        match self.numbered {
            Some(prefix) => w.push_str(&format!("{prefix}{index}")),
            None => w.push('?'),
        }
    }
}

impl plugorm_plugin_api::Dialect for Fake {
    fn name(&self) -> &str {
        "fake"
    }
    fn url_schemes(&self) -> Vec<String> {
        vec!["fake".into()]
    }
    fn capabilities(&self) -> plugorm_plugin_api::Capabilities {
        let mut c = plugorm_plugin_api::Capabilities::default();
        c.upsert = self.upsert;
        c
    }
    fn renderer(&self) -> Option<&dyn plugorm_plugin_api::render::SqlRenderer> {
        Some(self)
    }
    fn connect(
        &self,
        _url: &str,
        _options: plugorm_plugin_api::PoolOptions,
    ) -> plugorm_plugin_api::BoxFuture<std::sync::Arc<dyn plugorm_plugin_api::Pool>> {
        Box::pin(async { Err(plugorm_plugin_api::DbError::Unsupported("fake".into())) })
    }
}

#[test]
fn the_style_comes_from_how_the_dialect_renders_and_upserts() {
    use plugorm_plugin_api::dialect::UpsertStyle;
    let of = |numbered, upsert| ExplainStyle::of(&Fake { numbered, upsert });
    assert_eq!(of(None, UpsertStyle::OnConflict), ExplainStyle::sqlite());
    assert_eq!(
        of(Some("$"), UpsertStyle::OnConflict),
        ExplainStyle::postgres()
    );
    assert_eq!(of(None, UpsertStyle::OnDuplicateKey), ExplainStyle::mysql());
    // Another numbered form is read by its prefix.
    let sqlserver = of(Some("@p"), UpsertStyle::Merge);
    let vs = values([Value::I64(1), Value::I64(2)]);
    assert_eq!(explain("SELECT @p2, @p1", &vs, &sqlserver), "SELECT 2, 1");
}
