//! Plugin-API values as tiberius parameters, and statement text as tiberius sends it.
//!
//! tiberius declares the parameters of `sp_executesql` as `@P1, @P2, …`; the renderer
//! writes `@p1`. Variable names follow the *server's* collation, which may be case
//! sensitive, so every `@pN` outside strings, quoted names and comments is rewritten to
//! `@PN` rather than relying on a case-insensitive server.

use std::borrow::Cow;

use plugorm_plugin_api::{
    kit::lexer::{code_offsets, Lexicon},
    DbError, DbResult, Sql, Value,
};
use tiberius::{
    numeric::Numeric,
    time::{Date, DateTime2, DateTimeOffset, Time},
    ColumnData, Query, Uuid,
};

use crate::calendar::{days_of, split_timestamp, time_increments, BIND_SCALE};

/// SQL Server's quoting and comments, for finding placeholders and statement ends.
pub(crate) const LEXICON: Lexicon = Lexicon {
    bracket_identifiers: true,
    nested_comments: true,
    ..Lexicon::STANDARD
};

/// The type a NULL parameter is declared with. A NULL carries no type of its own, and
/// SQL Server converts `nvarchar` implicitly to every type but the binary ones, which
/// take `varbinary` (see `driver`'s retry on error 257).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum NullAs {
    Text,
    Binary,
}

/// `sql` as a tiberius query: `@pN` placeholders as `@PN`, every parameter bound.
pub(crate) fn query(sql: &Sql, nulls: NullAs) -> DbResult<Query<'static>> {
    let mut q = Query::new(placeholders(&sql.text).into_owned());
    for v in sql.values() {
        q.bind(column(v?, nulls)?);
    }
    Ok(q)
}

/// True when a NULL is among the parameters (only then can a retry with other NULL
/// types change anything).
pub(crate) fn has_null(sql: &Sql) -> bool {
    sql.values().any(|v| matches!(v, Ok(Value::Null)))
}

/// `text` with each `@p<digits>` placeholder in SQL code written `@P<digits>`.
pub(crate) fn placeholders(text: &str) -> Cow<'_, str> {
    let bytes = text.as_bytes();
    let marks: Vec<usize> = code_offsets(text, LEXICON)
        .filter(|&at| is_placeholder(bytes, at))
        .map(|at| at + 1)
        .collect();
    if marks.is_empty() {
        return Cow::Borrowed(text);
    }
    let mut out = bytes.to_vec();
    for at in marks {
        out[at] = b'P';
    }
    // Only an ASCII `p` became an ASCII `P`: still the same valid UTF-8.
    Cow::Owned(String::from_utf8(out).unwrap_or_else(|_| text.to_string()))
}

/// `@p` then digits then no further name character, not part of a longer name (`x@p1`)
/// nor a system variable (`@@p1`).
fn is_placeholder(bytes: &[u8], at: usize) -> bool {
    let name_char = |b: u8| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'@' | b'#' | b'$');
    if bytes.get(at) != Some(&b'@') || bytes.get(at + 1) != Some(&b'p') {
        return false;
    }
    if at > 0 && name_char(bytes[at - 1]) {
        return false;
    }
    let digits = bytes[at + 2..]
        .iter()
        .take_while(|b| b.is_ascii_digit())
        .count();
    digits > 0 && !bytes.get(at + 2 + digits).is_some_and(|b| name_char(*b))
}

fn out_of_range(v: &Value) -> DbError {
    DbError::UnsupportedValue {
        detail: format!("{v:?} is outside the range SQL Server can store"),
    }
}

/// One value as the parameter it is sent as:
///
/// | value | parameter |
/// | --- | --- |
/// | bool | `bit` |
/// | integer | `bigint` |
/// | float | `float` |
/// | decimal | `numeric(p, s)` of its digits (text beyond 38 digits) |
/// | text, JSON | `nvarchar(4000)` / `nvarchar(max)` |
/// | bytes | `varbinary(8000)` / `varbinary(max)` |
/// | date, time | `date`, `time(7)` |
/// | timestamp | `datetime2(7)`; a UTC one `datetimeoffset(7)` at `+00:00` |
/// | uuid | `uniqueidentifier` |
/// | NULL | `nvarchar` or `varbinary` NULL (see [`NullAs`]) |
pub(crate) fn column(v: &Value, nulls: NullAs) -> DbResult<ColumnData<'static>> {
    Ok(match v {
        Value::Null => match nulls {
            NullAs::Text => ColumnData::String(None),
            NullAs::Binary => ColumnData::Binary(None),
        },
        Value::Bool(b) => ColumnData::Bit(Some(*b)),
        Value::I64(i) => ColumnData::I64(Some(*i)),
        Value::F64(f) => ColumnData::F64(Some(*f)),
        Value::Decimal(d) => match numeric(d) {
            Some(n) => ColumnData::Numeric(Some(n)),
            None => ColumnData::String(Some(Cow::Owned(d.to_string()))),
        },
        Value::Text(s) | Value::Json(s) => ColumnData::String(Some(Cow::Owned(s.to_string()))),
        Value::Bytes(b) => ColumnData::Binary(Some(Cow::Owned(b.to_vec()))),
        Value::Date(d) => {
            ColumnData::Date(Some(Date::new(days_of(*d).ok_or_else(|| out_of_range(v))?)))
        }
        Value::Time(t) => ColumnData::Time(Some(Time::new(
            time_increments(*t).ok_or_else(|| out_of_range(v))?,
            BIND_SCALE,
        ))),
        Value::Timestamp(t) => {
            let (days, micros) = split_timestamp(*t).ok_or_else(|| out_of_range(v))?;
            let time = Time::new(u64::try_from(micros).unwrap_or(0) * 10, BIND_SCALE);
            let dt2 = DateTime2::new(Date::new(days), time);
            if t.utc {
                ColumnData::DateTimeOffset(Some(DateTimeOffset::new(dt2, 0)))
            } else {
                ColumnData::DateTime2(Some(dt2))
            }
        }
        Value::Uuid(u) => ColumnData::Guid(Some(Uuid::from_bytes(*u))),
        other => {
            return Err(DbError::UnsupportedValue {
                detail: format!(
                    "the sqlserver plugin cannot bind a {} value",
                    other.kind_name()
                ),
            })
        }
    })
}

/// A decimal's canonical text (`-12.50`) as a `numeric`, if SQL Server's 38 digits hold
/// it; `None` sends it as text, which the server converts.
pub(crate) fn numeric(text: &str) -> Option<Numeric> {
    let (negative, digits) = match text.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, text.strip_prefix('+').unwrap_or(text)),
    };
    let (int, frac) = digits.split_once('.').unwrap_or((digits, ""));
    if int.is_empty() && frac.is_empty() {
        return None;
    }
    if !int.bytes().chain(frac.bytes()).all(|b| b.is_ascii_digit()) {
        return None;
    }
    let int_digits = int.trim_start_matches('0').len().max(1);
    let scale = u8::try_from(frac.len()).ok()?;
    if int_digits + frac.len() > 38 {
        return None;
    }
    let mut value: i128 = 0;
    for b in int.bytes().chain(frac.bytes()) {
        value = value.checked_mul(10)?.checked_add(i128::from(b - b'0'))?;
    }
    Some(Numeric::new_with_scale(
        if negative { -value } else { value },
        scale,
    ))
}

#[cfg(test)]
mod tests;
