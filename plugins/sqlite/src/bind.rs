//! Binding plugin-API values to a prepared SQLite statement.

use std::fmt::Write as _;

use plugorm_plugin_api::{
    value::{uuid_text, Timestamp},
    DbError, DbResult, Sql, Value,
};
use rusqlite::{types::Null, Statement};

use crate::error::translate;

/// Binds the parameters of `sql` to `stmt`. Dates and times are stored as ISO-8601 text,
/// UUIDs as their hyphenated text, JSON and decimals as text (SQLite's own conventions),
/// booleans as 0 / 1.
///
/// Which value a parameter takes: an anonymous `?` the next one in order, a numbered
/// `?NNN` or `$NNN` value NNN (SQLite numbers `$2` by where it first appears, so a
/// positional bind would swap `$2, $1`); a parameter past the last value stays NULL, as
/// SQLite leaves unbound parameters.
pub(crate) fn bind_all(stmt: &mut Statement<'_>, sql: &Sql) -> DbResult<()> {
    let values = sql.values().collect::<DbResult<Vec<&Value>>>()?;
    let mut next = 0;
    for index in 1..=stmt.parameter_count() {
        let n = match stmt.parameter_name(index) {
            None => {
                next += 1;
                next
            }
            Some(name) => numbered(name)?,
        };
        let Some(value) = n.checked_sub(1).and_then(|i| values.get(i)) else {
            break;
        };
        bind_one(stmt, index, value)?;
    }
    Ok(())
}

/// The value number of a named parameter: `?NNN` or `$NNN`.
fn numbered(name: &str) -> DbResult<usize> {
    let digits = name
        .strip_prefix('?')
        .or_else(|| name.strip_prefix('$'))
        .ok_or_else(|| unsupported_parameter(name))?;
    digits.parse().map_err(|_| unsupported_parameter(name))
}

fn unsupported_parameter(name: &str) -> DbError {
    DbError::InvalidSql(format!(
        "the sqlite plugin binds values to `?`, `?NNN` and `$NNN` parameters, not `{name}`"
    ))
}

fn bind_one(stmt: &mut Statement<'_>, index: usize, value: &Value) -> DbResult<()> {
    let r = match value {
        Value::Null => stmt.raw_bind_parameter(index, Null),
        Value::Bool(b) => stmt.raw_bind_parameter(index, i64::from(*b)),
        Value::I64(i) => stmt.raw_bind_parameter(index, *i),
        Value::F64(f) => stmt.raw_bind_parameter(index, *f),
        Value::Decimal(s) | Value::Text(s) | Value::Json(s) => {
            stmt.raw_bind_parameter(index, s.as_str())
        }
        Value::Bytes(b) => stmt.raw_bind_parameter(index, b.as_slice()),
        Value::Date(d) => stmt.raw_bind_parameter(index, d.to_string()),
        Value::Time(t) => stmt.raw_bind_parameter(index, t.to_string()),
        Value::Timestamp(t) => stmt.raw_bind_parameter(index, timestamp_text(t)),
        Value::Uuid(u) => stmt.raw_bind_parameter(index, uuid_text(u)),
        other => {
            return Err(DbError::UnsupportedValue {
                detail: format!(
                    "the sqlite plugin cannot bind a {} value",
                    other.kind_name()
                ),
            })
        }
    };
    r.map_err(translate)
}

const MICROS_PER_DAY: i64 = 86_400_000_000;

/// The text a timestamp is stored as: what its `Display` writes (`2024-01-01 00:00:01`,
/// a trimmed fraction, `+00:00` when UTC), computed with integer arithmetic instead of
/// chrono's format-string interpreter, which showed in the profile of every insert.
/// Years outside 0..=9999 take the `Display` path.
fn timestamp_text(t: &Timestamp) -> String {
    let days = t.micros.div_euclid(MICROS_PER_DAY);
    let in_day = t.micros.rem_euclid(MICROS_PER_DAY);
    let (year, month, day) = civil_from_days(days);
    if !(0..=9999).contains(&year) {
        return t.to_string();
    }
    let secs = in_day / 1_000_000;
    let micros = in_day % 1_000_000;
    let mut s = String::with_capacity(32);
    let _ = write!(
        s,
        "{year:04}-{month:02}-{day:02} {:02}:{:02}:{:02}",
        secs / 3600,
        secs / 60 % 60,
        secs % 60
    );
    if micros != 0 {
        let mut digits = format!("{micros:06}");
        while digits.ends_with('0') {
            digits.pop();
        }
        s.push('.');
        s.push_str(&digits);
    }
    if t.utc {
        s.push_str("+00:00");
    }
    s
}

/// The proleptic Gregorian date of a day count from 1970-01-01 (Howard Hinnant's
/// `civil_from_days`).
fn civil_from_days(days: i64) -> (i64, i64, i64) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamp_text_is_what_display_writes() {
        let mut micros: i64 = -62_167_219_200_000_000; // 0000-01-01 00:00:00
        let end: i64 = 253_402_300_799_999_999; // 9999-12-31 23:59:59.999999
                                                // A walk over the whole 0..=9999 range with an odd step, so dates, times and
                                                // fractions of every shape come up; plus the edges.
        let step = 3_217_318_793_417;
        let mut checked = 0;
        while micros <= end {
            for utc in [false, true] {
                let t = Timestamp { micros, utc };
                assert_eq!(timestamp_text(&t), t.to_string(), "{micros}");
            }
            micros += step;
            checked += 1;
        }
        assert!(checked > 50_000);
        for micros in [0, 1, 10, 999_999, -1, 1_704_067_201_000_000, end, end + 1] {
            let t = Timestamp { micros, utc: false };
            assert_eq!(timestamp_text(&t), t.to_string(), "{micros}");
        }
    }
}
