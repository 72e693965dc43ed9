use std::borrow::Cow;

use super::*;
use tiberius::{
    numeric::Numeric,
    time::{Date, DateTime, DateTime2, DateTimeOffset, SmallDateTime, Time as TdsTime},
    Uuid,
};

#[test]
fn numbers_text_and_bytes() {
    assert_eq!(cell(&ColumnData::U8(Some(255))).unwrap(), Value::I64(255));
    assert_eq!(cell(&ColumnData::I16(Some(-2))).unwrap(), Value::I64(-2));
    assert_eq!(cell(&ColumnData::I32(Some(7))).unwrap(), Value::I64(7));
    assert_eq!(
        cell(&ColumnData::I64(Some(i64::MIN))).unwrap(),
        Value::I64(i64::MIN)
    );
    assert_eq!(cell(&ColumnData::F32(Some(0.1))).unwrap(), Value::F64(0.1));
    assert_eq!(cell(&ColumnData::F64(Some(2.5))).unwrap(), Value::F64(2.5));
    assert_eq!(
        cell(&ColumnData::Bit(Some(true))).unwrap(),
        Value::Bool(true)
    );
    assert_eq!(
        cell(&ColumnData::String(Some(Cow::Borrowed("héllo")))).unwrap(),
        Value::from("héllo")
    );
    assert_eq!(
        cell(&ColumnData::Binary(Some(Cow::Borrowed(&[1u8, 2][..])))).unwrap(),
        Value::from(vec![1u8, 2])
    );
    let u = Uuid::from_bytes([7; 16]);
    assert_eq!(
        cell(&ColumnData::Guid(Some(u))).unwrap(),
        Value::Uuid([7; 16])
    );
    assert_eq!(
        cell(&ColumnData::Numeric(Some(Numeric::new_with_scale(
            -1250, 2
        ))))
        .unwrap(),
        Value::Decimal("-12.50".into())
    );
}

#[test]
fn every_null_is_null() {
    for data in [
        ColumnData::U8(None),
        ColumnData::I32(None),
        ColumnData::F64(None),
        ColumnData::Bit(None),
        ColumnData::String(None),
        ColumnData::Guid(None),
        ColumnData::Binary(None),
        ColumnData::Numeric(None),
        ColumnData::DateTime(None),
        ColumnData::Date(None),
        ColumnData::Time(None),
        ColumnData::DateTime2(None),
        ColumnData::DateTimeOffset(None),
    ] {
        assert_eq!(cell(&data).unwrap(), Value::Null, "{data:?}");
    }
}

#[test]
fn dates_and_times() {
    // 2024-01-31 is day 738_915 since 0001-01-01.
    let date = Date::new(738_915);
    assert_eq!(
        cell(&ColumnData::Date(Some(date)))
            .unwrap()
            .text_form()
            .as_deref(),
        Some("2024-01-31")
    );
    let noon = TdsTime::new(12 * 3600 * 10_000_000 + 5, 7);
    assert_eq!(
        cell(&ColumnData::Time(Some(noon)))
            .unwrap()
            .text_form()
            .as_deref(),
        Some("12:00:00")
    );
    let dt2 = DateTime2::new(date, TdsTime::new(1_500, 3));
    assert_eq!(
        cell(&ColumnData::DateTime2(Some(dt2)))
            .unwrap()
            .text_form()
            .as_deref(),
        Some("2024-01-31 00:00:01.5")
    );
    // The UTC instant, whatever offset it was written with.
    let dto = DateTimeOffset::new(dt2, 120);
    assert_eq!(
        cell(&ColumnData::DateTimeOffset(Some(dto)))
            .unwrap()
            .text_form()
            .as_deref(),
        Some("2024-01-31 00:00:01.5+00:00")
    );
    assert_eq!(
        cell(&ColumnData::DateTime(Some(DateTime::new(36_524, 300))))
            .unwrap()
            .text_form()
            .as_deref(),
        Some("2000-01-01 00:00:01")
    );
    assert_eq!(
        cell(&ColumnData::SmallDateTime(Some(SmallDateTime::new(
            36_524, 90
        ))))
        .unwrap()
        .text_form()
        .as_deref(),
        Some("2000-01-01 01:30:00")
    );
}

#[test]
fn decimal_texts() {
    assert_eq!(decimal_text(5, 2), "0.05");
    assert_eq!(decimal_text(-5, 2), "-0.05");
    assert_eq!(decimal_text(1250, 2), "12.50");
    assert_eq!(decimal_text(42, 0), "42");
    assert_eq!(decimal_text(0, 3), "0.000");
    assert_eq!(decimal_text(i128::MIN, 0), i128::MIN.to_string());
}
