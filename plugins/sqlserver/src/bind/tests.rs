use super::*;
use plugorm_plugin_api::value::{Date as ApiDate, Time as ApiTime, Timestamp};

#[test]
fn placeholders_are_rewritten_only_in_code() {
    assert_eq!(
        placeholders("SELECT * FROM \"t\" WHERE \"a\" = @p1 AND \"b\" IN (@p2,@p10)"),
        "SELECT * FROM \"t\" WHERE \"a\" = @P1 AND \"b\" IN (@P2,@P10)"
    );
    // Strings, quoted names, comments, longer names and system variables stay.
    let kept = "SELECT '@p1', \"@p1\", [@p1], @@p1, @p1x, x@p1 /* @p1 */ -- @p1\n";
    assert_eq!(placeholders(kept), kept);
    assert!(matches!(placeholders("SELECT 1"), Cow::Borrowed(_)));
    assert_eq!(placeholders("SELECT N'é', @p1"), "SELECT N'é', @P1");
}

#[test]
fn values_become_typed_parameters() {
    let col = |v: Value| column(&v, NullAs::Text).unwrap();
    assert!(matches!(
        col(Value::Bool(true)),
        ColumnData::Bit(Some(true))
    ));
    assert!(matches!(col(Value::I64(-7)), ColumnData::I64(Some(-7))));
    assert!(matches!(col(Value::F64(0.5)), ColumnData::F64(Some(f)) if f == 0.5));
    assert!(matches!(col(Value::from("x")), ColumnData::String(Some(s)) if s == "x"));
    assert!(matches!(col(Value::Json("{}".into())), ColumnData::String(Some(s)) if s == "{}"));
    assert!(
        matches!(col(Value::from(vec![1u8, 2])), ColumnData::Binary(Some(b)) if b.as_ref() == [1, 2])
    );
    assert!(matches!(col(Value::Null), ColumnData::String(None)));
    assert!(matches!(
        column(&Value::Null, NullAs::Binary).unwrap(),
        ColumnData::Binary(None)
    ));
    let u = [0x12; 16];
    assert!(matches!(col(Value::Uuid(u)), ColumnData::Guid(Some(g)) if g.as_bytes() == &u));
    match col(Value::Decimal("-12.50".into())) {
        ColumnData::Numeric(Some(n)) => {
            assert_eq!((n.value(), n.scale()), (-1250, 2));
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn dates_and_times() {
    let col = |v: Value| column(&v, NullAs::Text).unwrap();
    let d = ApiDate::from_ymd(2024, 1, 31).unwrap();
    match col(Value::Date(d)) {
        ColumnData::Date(Some(days)) => {
            assert_eq!(crate::calendar::date_from_days(days.days()), Some(d))
        }
        other => panic!("{other:?}"),
    }
    match col(Value::Time(ApiTime { micros: 1_500_000 })) {
        ColumnData::Time(Some(t)) => assert_eq!((t.increments(), t.scale()), (15_000_000, 7)),
        other => panic!("{other:?}"),
    }
    let naive = Timestamp {
        micros: 86_400_000_001,
        utc: false,
    };
    match col(Value::Timestamp(naive)) {
        ColumnData::DateTime2(Some(dt)) => {
            assert_eq!(dt.time().increments(), 10);
            assert_eq!(
                crate::calendar::date_from_days(dt.date().days()).map(|d| d.to_string()),
                Some("1970-01-02".into())
            );
        }
        other => panic!("{other:?}"),
    }
    let utc = Timestamp {
        micros: 0,
        utc: true,
    };
    assert!(
        matches!(col(Value::Timestamp(utc)), ColumnData::DateTimeOffset(Some(o)) if o.offset() == 0)
    );
    // Out of SQL Server's range: a typed error, no panic.
    let far = ApiDate {
        days_since_epoch: i32::MAX,
    };
    assert!(matches!(
        column(&Value::Date(far), NullAs::Text),
        Err(DbError::UnsupportedValue { .. })
    ));
    assert!(matches!(
        column(&Value::Time(ApiTime { micros: -5 }), NullAs::Text),
        Err(DbError::UnsupportedValue { .. })
    ));
}

#[test]
fn decimals() {
    let n = |s| numeric(s).map(|n| (n.value(), n.scale()));
    assert_eq!(n("0.05"), Some((5, 2)));
    assert_eq!(n("+3"), Some((3, 0)));
    assert_eq!(n("-0.5"), Some((-5, 1)));
    assert_eq!(n(".5"), Some((5, 1)));
    assert_eq!(n("12."), Some((12, 0)));
    assert_eq!(n("1e5"), None);
    assert_eq!(n(""), None);
    assert_eq!(n("-"), None);
    // 39 digits do not fit a numeric: sent as text instead.
    let wide = "1".repeat(39);
    assert_eq!(n(&wide), None);
    assert!(matches!(
        column(&Value::Decimal(wide.as_str().into()), NullAs::Text).unwrap(),
        ColumnData::String(Some(_))
    ));
}

#[test]
fn queries_bind_in_order() {
    let sql = Sql::new("SELECT @p1, @p2", [Value::I64(1), Value::Null]);
    assert!(has_null(&sql));
    assert!(query(&sql, NullAs::Text).is_ok());
    assert!(!has_null(&Sql::new("SELECT @p1", [Value::I64(1)])));
}
