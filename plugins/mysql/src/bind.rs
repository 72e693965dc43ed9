//! Binding plugin-API values to sqlx queries.

use plugorm_plugin_api::{value::uuid_text, DbError, DbResult, Sql, Value};
use sqlx_core::query::Query;
use sqlx_mysql::{types::MySqlTime, MySql, MySqlArguments};

/// Binds each parameter in order: decimals, UUIDs (hyphenated, for `char(36)` columns)
/// and JSON as text; dates, times and timestamps as MySQL's binary temporal values (a UTC
/// timestamp as its UTC wall-clock time; a time of day may be negative or above 24 h, as
/// MySQL's `TIME` allows, down to −838:59:59).
pub(crate) fn bind_all<'q>(
    mut q: Query<'q, MySql, MySqlArguments>,
    sql: &'q Sql,
) -> DbResult<Query<'q, MySql, MySqlArguments>> {
    for v in sql.values() {
        let v = v?;
        q = match v {
            Value::Null => q.bind(None::<i64>),
            Value::Bool(b) => q.bind(*b),
            Value::I64(i) => q.bind(*i),
            Value::F64(f) => q.bind(*f),
            Value::Decimal(s) | Value::Text(s) | Value::Json(s) => q.bind(s.as_str()),
            Value::Bytes(b) => q.bind(b.as_slice()),
            Value::Date(d) => q.bind(d.to_chrono().ok_or_else(|| out_of_range(v))?),
            Value::Time(t) => q.bind(mysql_time(t.micros).ok_or_else(|| out_of_range(v))?),
            Value::Timestamp(t) if t.utc => q.bind(t.to_utc().ok_or_else(|| out_of_range(v))?),
            Value::Timestamp(t) => q.bind(t.to_naive().ok_or_else(|| out_of_range(v))?),
            Value::Uuid(u) => q.bind(uuid_text(u)),
            other => {
                return Err(DbError::UnsupportedValue {
                    detail: format!("the mysql plugin cannot bind a {} value", other.kind_name()),
                })
            }
        };
    }
    Ok(q)
}

fn out_of_range(v: &Value) -> DbError {
    DbError::UnsupportedValue {
        detail: format!("{v:?} is outside the range MySQL can store"),
    }
}

/// Microseconds (signed) as a MySQL `TIME`.
fn mysql_time(micros: i64) -> Option<MySqlTime> {
    MySqlTime::try_from(chrono::TimeDelta::microseconds(micros)).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn time_forms() {
        assert!(mysql_time(-1_500_000).is_some_and(|t| t.sign().is_negative()));
        assert!(mysql_time(839 * 3_600_000_000).is_none());
    }
}
