//! Binding plugin-API values to a prepared statement's parameters.
//!
//! sqlx caches prepared statements by their SQL text, so the parameter types PostgreSQL
//! chose when a statement was first prepared stay fixed for that connection. Each value
//! is therefore written in the binary form of the type the *statement* declares for its
//! parameter — an integer bound where the statement expects `numeric` is sent as a
//! numeric, never as eight bytes the server would misread.
//!
//! A statement is prepared with its parameter types left to PostgreSQL, which infers
//! them from the context as it does for a quoted literal: `WHERE id = ?` against a `uuid`
//! column declares a uuid, `INSERT … VALUES (?)` into `numeric(12,4)` a numeric, a bare
//! `SELECT ?` text. Without a statement cache, values are sent in their own types
//! ([`natural_type`]).
//! Conversions that lose nothing are accepted (text to the uuid, date or number it
//! spells; an integer to a float or numeric parameter; any scalar to a text parameter);
//! anything else is a [`DbError::UnsupportedValue`] naming the parameter and both types.

use std::borrow::Cow;

use plugorm_plugin_api::{value::uuid_text, DbError, DbResult, Sql, Value};
use sqlx_core::{
    encode::{Encode, IsNull},
    error::BoxDynError,
    types::Type,
};
use sqlx_postgres::{PgArgumentBuffer, PgArguments, PgTypeInfo, Postgres};

use crate::{
    codec::{numeric::Numeric, time},
    types::{self, kind_of, sql_name, PgKind},
};

/// A value's own type, used when statements are not prepared ahead (no statement
/// cache); 0 = let the server infer it (NULL and text).
pub(crate) fn natural_type(v: &Value) -> u32 {
    match v {
        Value::Null | Value::Text(_) => types::UNSPECIFIED,
        Value::Bool(_) => types::BOOL,
        Value::I64(_) => types::INT8,
        Value::F64(_) => types::FLOAT8,
        Value::Decimal(_) => types::NUMERIC,
        Value::Bytes(_) => types::BYTEA,
        Value::Date(_) => types::DATE,
        Value::Time(_) => types::TIME,
        Value::Timestamp(t) if t.utc => types::TIMESTAMPTZ,
        Value::Timestamp(_) => types::TIMESTAMP,
        Value::Uuid(_) => types::UUID,
        Value::Json(_) => types::JSONB,
        _ => types::UNSPECIFIED,
    }
}

/// Reads the statement's parameters back from their boundary form.
pub(crate) fn values(sql: &Sql) -> DbResult<Vec<&Value>> {
    sql.values().collect()
}

/// One parameter in its wire form.
#[derive(Debug)]
pub(crate) struct Param<'a> {
    oid: u32,
    wire: Wire<'a>,
}

#[derive(Debug)]
enum Wire<'a> {
    Null,
    Bool(bool),
    Char(u8),
    I16(i16),
    I32(i32),
    I64(i64),
    U32(u32),
    F32(f32),
    F64(f64),
    Bytes(&'a [u8]),
    Text(Cow<'a, str>),
    /// jsonb's binary form: a version byte, then the text.
    Jsonb(Cow<'a, str>),
    Numeric(Numeric),
    Uuid([u8; 16]),
}

impl Type<Postgres> for Param<'_> {
    fn type_info() -> PgTypeInfo {
        types::info(types::UNSPECIFIED)
    }
}

impl<'q> Encode<'q, Postgres> for Param<'q> {
    fn encode_by_ref(&self, buf: &mut PgArgumentBuffer) -> Result<IsNull, BoxDynError> {
        match &self.wire {
            Wire::Null => return Ok(IsNull::Yes),
            Wire::Bool(b) => buf.push(u8::from(*b)),
            Wire::Char(c) => buf.push(*c),
            Wire::I16(i) => buf.extend_from_slice(&i.to_be_bytes()),
            Wire::I32(i) => buf.extend_from_slice(&i.to_be_bytes()),
            Wire::I64(i) => buf.extend_from_slice(&i.to_be_bytes()),
            Wire::U32(i) => buf.extend_from_slice(&i.to_be_bytes()),
            Wire::F32(f) => buf.extend_from_slice(&f.to_be_bytes()),
            Wire::F64(f) => buf.extend_from_slice(&f.to_be_bytes()),
            Wire::Bytes(b) => buf.extend_from_slice(b),
            Wire::Text(s) => buf.extend_from_slice(s.as_bytes()),
            Wire::Jsonb(s) => {
                buf.push(1);
                buf.extend_from_slice(s.as_bytes());
            }
            Wire::Numeric(n) => n.write(buf),
            Wire::Uuid(u) => buf.extend_from_slice(u),
        }
        Ok(IsNull::No)
    }

    fn produces(&self) -> Option<PgTypeInfo> {
        Some(types::info(self.oid))
    }

    fn size_hint(&self) -> usize {
        match &self.wire {
            Wire::Bytes(b) => b.len(),
            Wire::Text(s) => s.len(),
            Wire::Jsonb(s) => s.len() + 1,
            Wire::Numeric(n) => n.len(),
            _ => 16,
        }
    }
}

/// The arguments for a prepared statement: each value converted to its parameter's type.
pub(crate) fn arguments(values: &[&Value], declared: &[PgTypeInfo]) -> DbResult<PgArguments> {
    if values.len() != declared.len() {
        return Err(DbError::Render(format!(
            "the statement has {} parameter(s) but {} value(s) were given",
            declared.len(),
            values.len()
        )));
    }
    let mut args = PgArguments::default();
    for (i, (v, ty)) in values.iter().zip(declared).enumerate() {
        let p = convert(i + 1, v, ty)?;
        sqlx_core::arguments::Arguments::add(&mut args, p).map_err(|e| {
            DbError::UnsupportedValue {
                detail: format!("parameter ${}: {e}", i + 1),
            }
        })?;
    }
    Ok(args)
}

/// Converts one value for a parameter of type `ty` (`index` is 1-based, for messages).
fn convert<'a>(index: usize, v: &'a Value, ty: &PgTypeInfo) -> DbResult<Param<'a>> {
    let oid = ty.oid().map(|o| o.0).unwrap_or(types::UNSPECIFIED);
    let kind = kind_of(ty);
    let refuse = |why: &str| DbError::UnsupportedValue {
        detail: format!(
            "parameter ${index} is of type {} and cannot take the {} value {}{why}",
            sql_name(ty),
            v.kind_name(),
            shown(v)
        ),
    };
    let out_of_range = || refuse(" (out of range)");
    let unreadable = || refuse(" (not a valid spelling)");
    let wire = match (kind, v) {
        (_, Value::Null) => Wire::Null,

        (PgKind::Bool, Value::Bool(b)) => Wire::Bool(*b),
        (PgKind::Bool, Value::Text(s)) => Wire::Bool(parse_bool(s).ok_or_else(unreadable)?),

        (PgKind::Int2 | PgKind::Int4 | PgKind::Int8 | PgKind::Oid, _) => {
            let wide = integer_of(v).ok_or_else(|| match v {
                Value::Text(_) | Value::Decimal(_) | Value::F64(_) => refuse(" (not an integer)"),
                _ => refuse(""),
            })?;
            match kind {
                PgKind::Int2 => Wire::I16(i16::try_from(wide).map_err(|_| out_of_range())?),
                PgKind::Int4 => Wire::I32(i32::try_from(wide).map_err(|_| out_of_range())?),
                PgKind::Oid => Wire::U32(u32::try_from(wide).map_err(|_| out_of_range())?),
                _ => Wire::I64(wide),
            }
        }

        (PgKind::Float4 | PgKind::Float8, _) => {
            let f = match v {
                Value::F64(f) => *f,
                Value::I64(i) => *i as f64,
                Value::Decimal(s) | Value::Text(s) => {
                    s.trim().parse::<f64>().map_err(|_| unreadable())?
                }
                _ => return Err(refuse("")),
            };
            if kind == PgKind::Float4 {
                Wire::F32(f as f32)
            } else {
                Wire::F64(f)
            }
        }

        (PgKind::Numeric, _) => {
            let text: Cow<'_, str> = match v {
                Value::Decimal(s) | Value::Text(s) => Cow::Borrowed(s.as_str()),
                Value::I64(i) => Cow::Owned(i.to_string()),
                Value::F64(f) => Cow::Owned(f.to_string()),
                _ => return Err(refuse("")),
            };
            Wire::Numeric(Numeric::parse(&text).ok_or_else(unreadable)?)
        }

        (PgKind::Bytea, Value::Bytes(b)) => Wire::Bytes(b.as_slice()),
        (PgKind::Bytea, Value::Text(s)) => Wire::Bytes(s.as_bytes()),
        (PgKind::Bytea, Value::Uuid(u)) => Wire::Bytes(u.as_slice()),

        (PgKind::Uuid, Value::Uuid(u)) => Wire::Uuid(*u),
        (PgKind::Uuid, Value::Text(s)) => Wire::Uuid(parse_uuid(s).ok_or_else(unreadable)?),
        (PgKind::Uuid, Value::Bytes(b)) => {
            Wire::Uuid(<[u8; 16]>::try_from(b.as_slice()).map_err(|_| refuse(" (not 16 bytes)"))?)
        }

        (PgKind::Date, _) => {
            let d = match v {
                Value::Date(d) => time::date_to_pg(*d),
                Value::Timestamp(t) => time::timestamp_day(*t),
                Value::Text(s) => {
                    let d = time::parse_date(s)
                        .or_else(|| time::parse_timestamp(s).and_then(date_of))
                        .ok_or_else(unreadable)?;
                    time::date_to_pg(d)
                }
                _ => return Err(refuse("")),
            };
            Wire::I32(d.ok_or_else(out_of_range)?)
        }
        (PgKind::Time, _) => {
            let t = match v {
                Value::Time(t) => *t,
                Value::Timestamp(t) => time::timestamp_time(*t),
                Value::Text(s) => time::parse_time(s).ok_or_else(unreadable)?,
                _ => return Err(refuse("")),
            };
            Wire::I64(t.micros)
        }
        (PgKind::Timestamp | PgKind::TimestampTz, _) => {
            // A wall-clock value bound to `timestamptz` is taken as UTC, and an instant
            // bound to `timestamp` is written as its UTC wall clock.
            let micros = match v {
                Value::Timestamp(t) => time::micros_to_pg(t.micros),
                Value::Date(d) => time::date_midnight(*d),
                Value::Text(s) => {
                    time::micros_to_pg(time::parse_timestamp(s).ok_or_else(unreadable)?.micros)
                }
                _ => return Err(refuse("")),
            };
            Wire::I64(micros.ok_or_else(out_of_range)?)
        }

        (PgKind::Jsonb, Value::Json(s) | Value::Text(s)) => Wire::Jsonb(Cow::Borrowed(s)),
        (PgKind::Json, Value::Json(s) | Value::Text(s)) => Wire::Text(Cow::Borrowed(s)),
        (PgKind::Json | PgKind::Jsonb, Value::Bool(_) | Value::I64(_) | Value::F64(_)) => {
            let text = scalar_text(v).unwrap_or_default();
            if kind == PgKind::Jsonb {
                Wire::Jsonb(Cow::Owned(text))
            } else {
                Wire::Text(Cow::Owned(text))
            }
        }

        (PgKind::Char, _) => {
            let text = scalar_text(v).ok_or_else(|| refuse(""))?;
            match text.as_bytes() {
                [] => Wire::Char(0),
                [c] => Wire::Char(*c),
                _ => return Err(refuse(" (\"char\" holds one byte)")),
            }
        }
        (PgKind::Text, _) => Wire::Text(Cow::Owned(scalar_text(v).ok_or_else(|| refuse(""))?)),

        _ => {
            return Err(refuse(&format!(
                "; bind it as text and cast in SQL (`?::text::{}`)",
                sql_name(ty)
            )))
        }
    };
    // Text bound to text stays borrowed (the common case).
    let wire = match (wire, v) {
        (Wire::Text(Cow::Owned(_)), Value::Text(s)) => Wire::Text(Cow::Borrowed(s.as_str())),
        (w, _) => w,
    };
    Ok(Param { oid, wire })
}

/// The integer a value holds exactly, if any.
fn integer_of(v: &Value) -> Option<i64> {
    match v {
        Value::I64(i) => Some(*i),
        Value::F64(f) if f.fract() == 0.0 && f.abs() < 9.0e15 => Some(*f as i64),
        Value::Decimal(s) | Value::Text(s) => {
            let s = s.trim();
            s.parse::<i64>().ok().or_else(|| {
                // `12.00` is the integer 12.
                let (int, frac) = s.split_once('.')?;
                frac.bytes().all(|b| b == b'0').then(|| int.parse().ok())?
            })
        }
        _ => None,
    }
}

fn date_of(t: plugorm_plugin_api::value::Timestamp) -> Option<plugorm_plugin_api::value::Date> {
    t.to_naive().map(|n| n.date().into())
}

/// The text form of a scalar value (what a text parameter receives).
fn scalar_text(v: &Value) -> Option<String> {
    Some(match v {
        Value::Bool(b) => b.to_string(),
        Value::I64(i) => i.to_string(),
        Value::F64(f) => f.to_string(),
        Value::Decimal(s) | Value::Text(s) | Value::Json(s) => s.to_string(),
        Value::Date(d) => d.to_string(),
        Value::Time(t) => t.to_string(),
        Value::Timestamp(t) => t.to_string(),
        Value::Uuid(u) => uuid_text(u),
        _ => return None,
    })
}

/// PostgreSQL's boolean spellings.
fn parse_bool(s: &str) -> Option<bool> {
    match s.trim().to_ascii_lowercase().as_str() {
        "t" | "true" | "y" | "yes" | "on" | "1" => Some(true),
        "f" | "false" | "n" | "no" | "off" | "0" => Some(false),
        _ => None,
    }
}

/// A UUID in any of PostgreSQL's spellings: hyphens after any group of four digits,
/// optional braces, surrounding blanks.
fn parse_uuid(s: &str) -> Option<[u8; 16]> {
    let s = s.trim();
    let s = s
        .strip_prefix('{')
        .and_then(|r| r.strip_suffix('}'))
        .unwrap_or(s);
    let simple: String = s.chars().filter(|c| *c != '-').collect();
    plugorm_plugin_api::value::parse_uuid(&simple).ok()
}

/// A value as an error message shows it (text shortened, bytes by length).
fn shown(v: &Value) -> String {
    match v {
        Value::Text(s) | Value::Decimal(s) | Value::Json(s) => {
            let mut t: String = s.chars().take(40).collect();
            if s.chars().count() > 40 {
                t.push('…');
            }
            format!("{t:?}")
        }
        Value::Bytes(b) => format!("of {} bytes", b.len()),
        other => scalar_text(other).unwrap_or_default(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uuids_parse_in_postgres_spellings() {
        let u = parse_uuid("a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11").unwrap();
        assert_eq!(uuid_text(&u), "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11");
        assert_eq!(parse_uuid("{A0EEBC999C0B4EF8BB6D6BB9BD380A11}"), Some(u));
        assert_eq!(parse_uuid(" a0eebc99-9c0b4ef8-bb6d6bb9-bd380a11 "), Some(u));
        assert_eq!(parse_uuid("a0ee-bc99"), None);
        assert_eq!(parse_uuid("zzeebc99-9c0b-4ef8-bb6d-6bb9bd380a11"), None);
    }

    #[test]
    fn integers_are_read_exactly() {
        assert_eq!(integer_of(&Value::Text("12".into())), Some(12));
        assert_eq!(integer_of(&Value::Decimal("12.00".into())), Some(12));
        assert_eq!(integer_of(&Value::Decimal("12.5".into())), None);
        assert_eq!(integer_of(&Value::F64(3.0)), Some(3));
        assert_eq!(integer_of(&Value::F64(3.5)), None);
    }

    #[test]
    fn conversions_refuse_with_the_parameter_and_types() {
        let int4 = types::info(types::INT4);
        let big = Value::I64(i64::from(i32::MAX) + 1);
        let e = convert(2, &big, &int4).unwrap_err().to_string();
        assert!(e.contains("$2") && e.contains("out of range"), "{e}");
        let e = convert(1, &Value::Bytes(vec![1].into()), &int4)
            .unwrap_err()
            .to_string();
        assert!(e.contains("$1") && e.contains("bytes"), "{e}");
        assert!(convert(1, &Value::Text("7".into()), &int4).is_ok());
    }
}
