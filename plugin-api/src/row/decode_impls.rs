//! [`Decode`] for the supported Rust types.
//!
//! Decoding is lenient where the database is: SQLite stores dates as text and booleans as
//! integers, so those convert; anything lossy (a float into an integer with a fraction, an
//! out-of-range integer) is an error naming both types.

use super::{Cell, Decode, DecodeError};
use crate::value::{Date, Time, Timestamp, Value};

macro_rules! decode_int {
    ($($t:ty),*) => {$(
        impl Decode for $t {
            fn decode(cell: Cell<'_>) -> Result<Self, DecodeError> {
                let wide: i64 = match cell {
                    Cell::I64(i) => i,
                    Cell::Bool(b) => i64::from(b),
                    Cell::F64(f) if f.fract() == 0.0 && f.abs() < 9.0e15 => f as i64,
                    Cell::Decimal(s) | Cell::Text(s) => s.trim().parse::<i64>()
                        .map_err(|_| DecodeError::mismatch(stringify!($t), &cell))?,
                    _ => return Err(DecodeError::mismatch(stringify!($t), &cell)),
                };
                <$t>::try_from(wide).map_err(|_| DecodeError {
                    expected: stringify!($t),
                    found: format!("{wide} (out of range)"),
                })
            }
        }
    )*};
}
decode_int!(i8, i16, i32, i64, u8, u16, u32, u64, isize, usize);

macro_rules! decode_float {
    ($($t:ty),*) => {$(
        impl Decode for $t {
            fn decode(cell: Cell<'_>) -> Result<Self, DecodeError> {
                match cell {
                    Cell::F64(f) => Ok(f as $t),
                    Cell::I64(i) => Ok(i as $t),
                    Cell::Decimal(s) | Cell::Text(s) => s.trim().parse::<$t>()
                        .map_err(|_| DecodeError::mismatch(stringify!($t), &cell)),
                    _ => Err(DecodeError::mismatch(stringify!($t), &cell)),
                }
            }
        }
    )*};
}
decode_float!(f32, f64);

impl Decode for bool {
    fn decode(cell: Cell<'_>) -> Result<Self, DecodeError> {
        match cell {
            Cell::Bool(b) => Ok(b),
            Cell::I64(i) => Ok(i != 0),
            Cell::Text("true") | Cell::Text("t") | Cell::Text("1") => Ok(true),
            Cell::Text("false") | Cell::Text("f") | Cell::Text("0") => Ok(false),
            _ => Err(DecodeError::mismatch("bool", &cell)),
        }
    }
}

impl Decode for String {
    fn decode(cell: Cell<'_>) -> Result<Self, DecodeError> {
        match cell {
            Cell::Text(s) | Cell::Decimal(s) | Cell::Json(s) => Ok(s.to_owned()),
            Cell::Bytes(b) => String::from_utf8(b.to_vec())
                .map_err(|_| DecodeError::mismatch("String (UTF-8)", &cell)),
            Cell::I64(i) => Ok(i.to_string()),
            Cell::F64(f) => Ok(f.to_string()),
            Cell::Bool(b) => Ok(b.to_string()),
            Cell::Date(d) => Ok(d.to_string()),
            Cell::Time(t) => Ok(t.to_string()),
            Cell::Timestamp(t) => Ok(t.to_string()),
            Cell::Uuid(u) => Ok(crate::value::uuid_text(&u)),
            Cell::Null => Err(DecodeError::mismatch("String", &cell)),
        }
    }
}

impl Decode for Vec<u8> {
    fn decode(cell: Cell<'_>) -> Result<Self, DecodeError> {
        match cell {
            Cell::Bytes(b) => Ok(b.to_vec()),
            Cell::Uuid(u) => Ok(u.to_vec()),
            Cell::Text(s) => Ok(s.as_bytes().to_vec()),
            _ => Err(DecodeError::mismatch("Vec<u8>", &cell)),
        }
    }
}

impl<T: Decode> Decode for Option<T> {
    fn decode(cell: Cell<'_>) -> Result<Self, DecodeError> {
        match cell {
            Cell::Null => Ok(None),
            c => T::decode(c).map(Some),
        }
    }
}

impl Decode for Value {
    fn decode(cell: Cell<'_>) -> Result<Self, DecodeError> {
        Ok(cell.to_value())
    }
}

/// `YYYY-MM-DD HH:MM:SS[.fraction]` (or with `T`), the form SQLite stores and most
/// results carry, read without chrono's format-string interpreter (which showed in the
/// profile of every row decoded). Anything else, leap seconds included, returns `None`
/// and takes the general path, which gives the same answer for these strings.
fn parse_plain_datetime(s: &str) -> Option<chrono::NaiveDateTime> {
    let b = s.as_bytes();
    if b.len() < 19 || b[4] != b'-' || b[7] != b'-' || !matches!(b[10], b' ' | b'T') {
        return None;
    }
    if b[13] != b':' || b[16] != b':' {
        return None;
    }
    let num = |from: usize, to: usize| -> Option<u32> {
        b[from..to].iter().try_fold(0u32, |n, c| {
            c.is_ascii_digit().then(|| n * 10 + u32::from(c - b'0'))
        })
    };
    let (year, month, day) = (num(0, 4)?, num(5, 7)?, num(8, 10)?);
    let (hour, minute, second) = (num(11, 13)?, num(14, 16)?, num(17, 19)?);
    let nanos = match &b[19..] {
        [] => 0,
        [b'.', digits @ ..] if (1..=9).contains(&digits.len()) => {
            let n = num(20, b.len())?;
            n * 10u32.pow(9 - digits.len() as u32)
        }
        _ => return None,
    };
    if second > 59 {
        return None;
    }
    let date = chrono::NaiveDate::from_ymd_opt(i32::try_from(year).ok()?, month, day)?;
    date.and_hms_nano_opt(hour, minute, second, nanos)
}

fn parse_naive_datetime(s: &str) -> Option<chrono::NaiveDateTime> {
    use chrono::{DateTime, NaiveDate, NaiveDateTime};
    let s = s.trim();
    if let Some(t) = parse_plain_datetime(s) {
        return Some(t);
    }
    for f in ["%Y-%m-%d %H:%M:%S%.f", "%Y-%m-%dT%H:%M:%S%.f"] {
        if let Ok(t) = NaiveDateTime::parse_from_str(s, f) {
            return Some(t);
        }
    }
    if let Ok(t) = DateTime::parse_from_rfc3339(s) {
        return Some(t.naive_utc());
    }
    for f in [
        "%Y-%m-%d %H:%M:%S%.f%:z",
        "%Y-%m-%d %H:%M:%S%.f%#z",
        "%Y-%m-%d %H:%M:%S%.f %z",
    ] {
        if let Ok(t) = DateTime::parse_from_str(s, f) {
            return Some(t.naive_utc());
        }
    }
    NaiveDate::parse_from_str(s, "%Y-%m-%d")
        .ok()
        .and_then(|d| d.and_hms_opt(0, 0, 0))
}

fn cell_timestamp(cell: &Cell<'_>) -> Option<Timestamp> {
    match *cell {
        Cell::Timestamp(t) => Some(t),
        Cell::Date(d) => d.to_chrono()?.and_hms_opt(0, 0, 0).map(Timestamp::from),
        Cell::Text(s) => {
            let utc = s.ends_with('Z') || s.contains('+') || s.rfind('-').is_some_and(|i| i > 10);
            parse_naive_datetime(s).map(|t| Timestamp {
                utc,
                ..Timestamp::from(t)
            })
        }
        Cell::I64(secs) => {
            chrono::DateTime::from_timestamp(secs, 0).map(|t| Timestamp::from(t.naive_utc()))
        }
        _ => None,
    }
}

impl Decode for chrono::NaiveDateTime {
    fn decode(cell: Cell<'_>) -> Result<Self, DecodeError> {
        cell_timestamp(&cell)
            .and_then(Timestamp::to_naive)
            .ok_or_else(|| DecodeError::mismatch("NaiveDateTime", &cell))
    }
}

impl Decode for chrono::DateTime<chrono::Utc> {
    fn decode(cell: Cell<'_>) -> Result<Self, DecodeError> {
        cell_timestamp(&cell)
            .and_then(Timestamp::to_utc)
            .ok_or_else(|| DecodeError::mismatch("DateTime<Utc>", &cell))
    }
}

impl Decode for chrono::NaiveDate {
    fn decode(cell: Cell<'_>) -> Result<Self, DecodeError> {
        match cell {
            Cell::Date(d) => d.to_chrono(),
            Cell::Text(s) => chrono::NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d")
                .ok()
                .or_else(|| parse_naive_datetime(s).map(|t| t.date())),
            Cell::Timestamp(t) => t.to_naive().map(|t| t.date()),
            _ => None,
        }
        .ok_or_else(|| DecodeError::mismatch("NaiveDate", &cell))
    }
}

impl Decode for chrono::NaiveTime {
    fn decode(cell: Cell<'_>) -> Result<Self, DecodeError> {
        match cell {
            Cell::Time(t) => t.to_chrono(),
            Cell::Text(s) => chrono::NaiveTime::parse_from_str(s.trim(), "%H:%M:%S%.f").ok(),
            _ => None,
        }
        .ok_or_else(|| DecodeError::mismatch("NaiveTime", &cell))
    }
}

impl Decode for Date {
    fn decode(cell: Cell<'_>) -> Result<Self, DecodeError> {
        chrono::NaiveDate::decode(cell).map(Date::from)
    }
}

impl Decode for Time {
    fn decode(cell: Cell<'_>) -> Result<Self, DecodeError> {
        chrono::NaiveTime::decode(cell).map(Time::from)
    }
}

impl Decode for uuid::Uuid {
    fn decode(cell: Cell<'_>) -> Result<Self, DecodeError> {
        match cell {
            Cell::Uuid(u) => Some(uuid::Uuid::from_bytes(u)),
            Cell::Bytes(b) => uuid::Uuid::from_slice(b).ok(),
            Cell::Text(s) => uuid::Uuid::parse_str(s.trim()).ok(),
            _ => None,
        }
        .ok_or_else(|| DecodeError::mismatch("Uuid", &cell))
    }
}

impl Decode for rust_decimal::Decimal {
    fn decode(cell: Cell<'_>) -> Result<Self, DecodeError> {
        use std::str::FromStr;
        match cell {
            Cell::Decimal(s) | Cell::Text(s) => rust_decimal::Decimal::from_str(s.trim()).ok(),
            Cell::I64(i) => Some(i.into()),
            Cell::F64(f) => rust_decimal::Decimal::try_from(f).ok(),
            _ => None,
        }
        .ok_or_else(|| DecodeError::mismatch("Decimal", &cell))
    }
}

impl Decode for serde_json::Value {
    fn decode(cell: Cell<'_>) -> Result<Self, DecodeError> {
        match cell {
            Cell::Json(s) | Cell::Text(s) => serde_json::from_str(s).ok(),
            Cell::Bytes(b) => serde_json::from_slice(b).ok(),
            Cell::I64(i) => Some(i.into()),
            Cell::F64(f) => serde_json::Number::from_f64(f).map(serde_json::Value::Number),
            Cell::Bool(b) => Some(b.into()),
            Cell::Null => Some(serde_json::Value::Null),
            _ => None,
        }
        .ok_or_else(|| DecodeError::mismatch("serde_json::Value", &cell))
    }
}

#[cfg(test)]
mod plain_datetime_tests {
    use super::parse_plain_datetime;

    /// What the general path (chrono's parser) makes of the same text.
    fn general(s: &str) -> Option<chrono::NaiveDateTime> {
        ["%Y-%m-%d %H:%M:%S%.f", "%Y-%m-%dT%H:%M:%S%.f"]
            .into_iter()
            .find_map(|f| chrono::NaiveDateTime::parse_from_str(s, f).ok())
    }

    #[test]
    fn the_fast_path_agrees_with_chrono_or_steps_aside() {
        let cases = [
            "2024-01-01 00:00:01",
            "2024-02-29T23:59:59",
            "1999-12-31 23:59:59.5",
            "1999-12-31 23:59:59.123456",
            "1999-12-31 23:59:59.123456789",
            "0000-01-01 00:00:00",
            "9999-12-31 23:59:59.999999",
            "2023-02-29 00:00:00",
            "2024-13-01 00:00:00",
            "2024-01-01 24:00:00",
            "2024-01-01 23:59:60",
            "2024-01-01 00:00:00.",
            "2024-01-01 00:00:00.1234567890",
            "2024-01-01 00:00:00+02:00",
            "2024-1-01 00:00:00",
            "x024-01-01 00:00:00",
        ];
        // Declining is always safe (the general path decides); answering differently
        // is not.
        for s in cases {
            if let Some(t) = parse_plain_datetime(s) {
                assert_eq!(Some(t), general(s), "{s}");
            }
        }
        for s in &cases[..7] {
            assert!(
                parse_plain_datetime(s).is_some(),
                "{s}: the common form is taken"
            );
        }
        assert!(parse_plain_datetime("2024-01-01 00:00:01").is_some());
        assert!(parse_plain_datetime("1999-12-31 23:59:59.123456").is_some());
    }
}
