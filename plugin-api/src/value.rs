//! [`Value`]: the one value type that crosses the plugin boundary.
//!
//! Every bound parameter is a `Value`. Inside FFI-crossing structures it travels as
//! [`FfiValue`] (abi_stable's `NonExhaustive` wrapper), so variants can be appended in later
//! plugin-API versions: a side that meets a variant it does not know gets an error, never
//! undefined behaviour.

// abi_stable's derive for non-exhaustive enums emits impls for generated types.
#![allow(non_local_definitions)]

use crate::types::{List, Text};
use abi_stable::StableAbi;
use chrono::{Datelike, NaiveDate, NaiveDateTime, NaiveTime, Timelike};

mod uuid_text;

pub use uuid_text::{parse_uuid, uuid_text, UuidTextError};

/// A date as days since 1970-01-01 (negative before).
///
/// ```
/// use plugorm_plugin_api::value::Date;
/// let d = Date::from_ymd(2024, 1, 31).unwrap();
/// assert_eq!(d.to_string(), "2024-01-31");
/// ```
#[repr(C)]
#[derive(StableAbi, Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date {
    pub days_since_epoch: i32,
}

/// A time of day as microseconds since midnight.
///
/// ```
/// use plugorm_plugin_api::value::Time;
/// assert_eq!(Time { micros: 3_600_000_000 }.to_string(), "01:00:00");
/// ```
#[repr(C)]
#[derive(StableAbi, Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Time {
    pub micros: i64,
}

/// A timestamp as microseconds since the Unix epoch. Without a zone it is a wall-clock
/// ("naive") time; with `utc == true` it is an instant in UTC.
///
/// ```
/// use plugorm_plugin_api::value::Timestamp;
/// let t = Timestamp { micros: 1_500_000, utc: false };
/// assert_eq!(t.to_string(), "1970-01-01 00:00:01.5");
/// ```
#[repr(C)]
#[derive(StableAbi, Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Timestamp {
    pub micros: i64,
    pub utc: bool,
}

/// A value bound to a statement or read from a row.
///
/// `#[non_exhaustive]`: later plugin-API versions may append variants.
///
/// ```
/// use plugorm_plugin_api::Value;
/// let v: Value = 42i64.into();
/// assert_eq!(v, Value::I64(42));
/// assert_eq!(Value::from("x"), Value::Text("x".into()));
/// assert_eq!(Value::from(None::<i64>), Value::Null);
/// ```
#[repr(u8)]
#[derive(StableAbi, Debug, Clone, PartialEq)]
#[sabi(kind(WithNonExhaustive(size = [u64; 6], traits(Debug, Clone, PartialEq))))]
#[non_exhaustive]
pub enum Value {
    Null,
    Bool(bool),
    I64(i64),
    F64(f64),
    /// An exact decimal in canonical text form (`-12.50`).
    Decimal(Text),
    Text(Text),
    Bytes(List<u8>),
    Date(Date),
    Time(Time),
    Timestamp(Timestamp),
    /// A UUID's 16 bytes, big-endian as written.
    Uuid([u8; 16]),
    /// A JSON document as text.
    Json(Text),
}

/// The form in which a [`Value`] crosses the boundary inside other structures.
pub type FfiValue = Value_NE;

impl Value {
    /// Wraps this value for a boundary-crossing structure.
    ///
    /// ```
    /// use plugorm_plugin_api::Value;
    /// let ffi = Value::I64(1).into_ffi();
    /// assert_eq!(ffi.as_enum().ok(), Some(&Value::I64(1)));
    /// ```
    pub fn into_ffi(self) -> FfiValue {
        Value_NE::new(self)
    }

    /// True for [`Value::Null`].
    pub fn is_null(&self) -> bool {
        matches!(self, Value::Null)
    }

    /// The value's canonical text, for a database that stores it as text (SQLite, or
    /// any column without a native type for it): decimals, text and JSON as they are,
    /// dates, times and timestamps as their `Display` (`2024-01-31`, `12:30:00.5`,
    /// `2024-01-31 12:30:00+00:00` for UTC), UUIDs hyphenated in lower case. `None` for
    /// NULL, booleans, numbers and bytes, which every database stores natively. The
    /// host's decoders read each of these texts back into its type.
    ///
    /// ```
    /// use plugorm_plugin_api::{value::Date, Value};
    /// let d = Value::Date(Date::from_ymd(2024, 1, 31).unwrap());
    /// assert_eq!(d.text_form().as_deref(), Some("2024-01-31"));
    /// let u = Value::Uuid([0xab; 16]);
    /// assert_eq!(u.text_form().as_deref(), Some("abababab-abab-abab-abab-abababababab"));
    /// assert_eq!(Value::I64(1).text_form(), None);
    /// ```
    pub fn text_form(&self) -> Option<String> {
        match self {
            Value::Decimal(s) | Value::Text(s) | Value::Json(s) => Some(s.to_string()),
            Value::Date(d) => Some(d.to_string()),
            Value::Time(t) => Some(t.to_string()),
            Value::Timestamp(t) => Some(t.to_string()),
            Value::Uuid(u) => Some(uuid::Uuid::from_bytes(*u).hyphenated().to_string()),
            Value::Null | Value::Bool(_) | Value::I64(_) | Value::F64(_) | Value::Bytes(_) => None,
        }
    }

    /// A short name of the variant, for error messages.
    pub fn kind_name(&self) -> &'static str {
        match self {
            Value::Null => "null",
            Value::Bool(_) => "bool",
            Value::I64(_) => "integer",
            Value::F64(_) => "float",
            Value::Decimal(_) => "decimal",
            Value::Text(_) => "text",
            Value::Bytes(_) => "bytes",
            Value::Date(_) => "date",
            Value::Time(_) => "time",
            Value::Timestamp(_) => "timestamp",
            Value::Uuid(_) => "uuid",
            Value::Json(_) => "json",
        }
    }
}

/// Reads an [`FfiValue`] back, or names the variant this side does not know.
///
/// ```
/// use plugorm_plugin_api::{value::from_ffi, Value};
/// assert_eq!(from_ffi(&Value::Bool(true).into_ffi()).unwrap(), &Value::Bool(true));
/// ```
pub fn from_ffi(v: &FfiValue) -> Result<&Value, crate::DbError> {
    v.as_enum().map_err(|e| crate::DbError::UnsupportedValue {
        detail: format!(
            "value variant #{:?} is unknown to this side of the plugin boundary; rebuild against the same plugorm-plugin-api",
            e.non_exhaustive.get_discriminant()
        ),
    })
}

impl Date {
    /// Builds a date from year, month and day, if valid.
    pub fn from_ymd(y: i32, m: u32, d: u32) -> Option<Date> {
        NaiveDate::from_ymd_opt(y, m, d).map(Date::from)
    }
    /// The chrono form.
    pub fn to_chrono(self) -> Option<NaiveDate> {
        NaiveDate::from_num_days_from_ce_opt(self.days_since_epoch.checked_add(EPOCH_DAYS_FROM_CE)?)
    }
}

const EPOCH_DAYS_FROM_CE: i32 = 719_163;

impl From<NaiveDate> for Date {
    fn from(d: NaiveDate) -> Date {
        Date {
            days_since_epoch: d.num_days_from_ce() - EPOCH_DAYS_FROM_CE,
        }
    }
}

impl Time {
    /// The chrono form.
    pub fn to_chrono(self) -> Option<NaiveTime> {
        let secs = u32::try_from(self.micros.div_euclid(1_000_000)).ok()?;
        let nanos = u32::try_from(self.micros.rem_euclid(1_000_000) * 1000).ok()?;
        NaiveTime::from_num_seconds_from_midnight_opt(secs, nanos)
    }
}

impl From<NaiveTime> for Time {
    fn from(t: NaiveTime) -> Time {
        Time {
            micros: i64::from(t.num_seconds_from_midnight()) * 1_000_000
                + i64::from(t.nanosecond() / 1000),
        }
    }
}

impl Timestamp {
    /// The chrono wall-clock form (a UTC timestamp gives its UTC wall clock).
    pub fn to_naive(self) -> Option<NaiveDateTime> {
        chrono::DateTime::from_timestamp_micros(self.micros).map(|t| t.naive_utc())
    }
    /// The chrono UTC form.
    pub fn to_utc(self) -> Option<chrono::DateTime<chrono::Utc>> {
        chrono::DateTime::from_timestamp_micros(self.micros)
    }
}

impl From<NaiveDateTime> for Timestamp {
    fn from(t: NaiveDateTime) -> Timestamp {
        Timestamp {
            micros: t.and_utc().timestamp_micros(),
            utc: false,
        }
    }
}

impl<Tz: chrono::TimeZone> From<chrono::DateTime<Tz>> for Timestamp {
    fn from(t: chrono::DateTime<Tz>) -> Timestamp {
        Timestamp {
            micros: t.timestamp_micros(),
            utc: true,
        }
    }
}

impl std::fmt::Display for Date {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.to_chrono() {
            Some(d) => write!(f, "{}", d.format("%Y-%m-%d")),
            None => write!(f, "<date out of range: {} days>", self.days_since_epoch),
        }
    }
}

fn write_fraction(f: &mut std::fmt::Formatter<'_>, micros: u32) -> std::fmt::Result {
    if micros == 0 {
        return Ok(());
    }
    let digits = format!("{micros:06}");
    write!(f, ".{}", digits.trim_end_matches('0'))
}

impl std::fmt::Display for Time {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.to_chrono() {
            Some(t) => {
                write!(f, "{}", t.format("%H:%M:%S"))?;
                write_fraction(f, t.nanosecond() / 1000)
            }
            None => write!(f, "<time out of range: {} µs>", self.micros),
        }
    }
}

impl std::fmt::Display for Timestamp {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.to_naive() {
            Some(t) => {
                write!(f, "{}", t.format("%Y-%m-%d %H:%M:%S"))?;
                write_fraction(f, t.nanosecond() / 1000)?;
                if self.utc {
                    f.write_str("+00:00")?;
                }
                Ok(())
            }
            None => write!(f, "<timestamp out of range: {} µs>", self.micros),
        }
    }
}

macro_rules! value_from {
    ($($t:ty => |$v:ident| $e:expr),* $(,)?) => {
        $(impl From<$t> for Value {
            fn from($v: $t) -> Value { $e }
        })*
    };
}

value_from! {
    bool => |v| Value::Bool(v),
    i8 => |v| Value::I64(v.into()),
    i16 => |v| Value::I64(v.into()),
    i32 => |v| Value::I64(v.into()),
    i64 => |v| Value::I64(v),
    u8 => |v| Value::I64(v.into()),
    u16 => |v| Value::I64(v.into()),
    u32 => |v| Value::I64(v.into()),
    f32 => |v| Value::F64(v.into()),
    f64 => |v| Value::F64(v),
    String => |v| Value::Text(v.into()),
    &str => |v| Value::Text(v.into()),
    &String => |v| Value::Text(v.as_str().into()),
    Vec<u8> => |v| Value::Bytes(v.into()),
    &[u8] => |v| Value::Bytes(v.to_vec().into()),
    NaiveDate => |v| Value::Date(v.into()),
    NaiveTime => |v| Value::Time(v.into()),
    NaiveDateTime => |v| Value::Timestamp(v.into()),
    chrono::DateTime<chrono::Utc> => |v| Value::Timestamp(v.into()),
    chrono::DateTime<chrono::FixedOffset> => |v| Value::Timestamp(v.into()),
    uuid::Uuid => |v| Value::Uuid(*v.as_bytes()),
    rust_decimal::Decimal => |v| Value::Decimal(v.to_string().into()),
    serde_json::Value => |v| Value::Json(v.to_string().into()),
    Date => |v| Value::Date(v),
    Time => |v| Value::Time(v),
    Timestamp => |v| Value::Timestamp(v),
}

/// `u64` values above `i64::MAX` do not fit a signed 64-bit column; rather than wrap, they
/// travel as decimals.
impl From<u64> for Value {
    fn from(v: u64) -> Value {
        match i64::try_from(v) {
            Ok(i) => Value::I64(i),
            Err(_) => Value::Decimal(v.to_string().into()),
        }
    }
}

impl<T: Into<Value>> From<Option<T>> for Value {
    fn from(v: Option<T>) -> Value {
        v.map_or(Value::Null, Into::into)
    }
}

impl From<Value> for FfiValue {
    fn from(v: Value) -> FfiValue {
        v.into_ffi()
    }
}
