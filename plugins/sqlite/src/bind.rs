//! Binding plugin-API values to sqlx queries.

use plugorm_plugin_api::{value::from_ffi, DbError, DbResult, FfiValue, Value};
use sqlx::{query::Query, sqlite::SqliteArguments, Sqlite};

/// Binds each parameter in order. Dates and times are stored as ISO-8601 text, UUIDs as
/// their hyphenated text, JSON and decimals as text (SQLite's own conventions).
pub(crate) fn bind_all<'q>(
    mut q: Query<'q, Sqlite, SqliteArguments>,
    params: &'q [FfiValue],
) -> DbResult<Query<'q, Sqlite, SqliteArguments>> {
    for p in params {
        q = match from_ffi(p)? {
            Value::Null => q.bind(None::<i64>),
            Value::Bool(b) => q.bind(*b),
            Value::I64(i) => q.bind(*i),
            Value::F64(f) => q.bind(*f),
            Value::Decimal(s) | Value::Text(s) | Value::Json(s) => q.bind(s.as_str()),
            Value::Bytes(b) => q.bind(b.as_slice()),
            Value::Date(d) => q.bind(d.to_string()),
            Value::Time(t) => q.bind(t.to_string()),
            Value::Timestamp(t) => q.bind(t.to_string()),
            Value::Uuid(u) => q.bind(uuid_text(u)),
            other => {
                return Err(DbError::UnsupportedValue {
                    detail: format!(
                        "the sqlite plugin cannot bind a {} value",
                        other.kind_name()
                    ),
                })
            }
        };
    }
    Ok(q)
}

fn uuid_text(u: &[u8; 16]) -> String {
    let hex: String = u.iter().map(|b| format!("{b:02x}")).collect();
    format!(
        "{}-{}-{}-{}-{}",
        &hex[0..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..32]
    )
}
