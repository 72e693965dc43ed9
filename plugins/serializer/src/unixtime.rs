//! `unixtime`: Unix seconds. A date-time field (its serde form an RFC 3339 text, as
//! chrono's `DateTime<Utc>` and `NaiveDateTime` serialize) is stored as an integer of
//! seconds; an integer field is stored as a timestamp (GORM's `UnixSecondSerializer`
//! direction). Fractions of a second are dropped, as Unix seconds have none.

use chrono::{DateTime, NaiveDateTime, SecondsFormat};
use plugorm_plugin_api::{
    serializer::{SerializeContext, Serializer},
    value::Timestamp,
    DbResult, Value,
};
use serde_json::Value as Json;

/// The `unixtime` serializer.
///
/// ```
/// use plugorm_plugin_api::{serializer::{SerializeContext, Serializer}, Value};
/// let ctx = SerializeContext::new("Event", "at").with_shape("1970-01-01T00:00:00Z".into());
/// let t = plugorm_serializer::UnixTime;
/// assert_eq!(t.encode(&ctx, "2024-01-02T03:04:05Z".into()).unwrap(), Value::I64(1704164645));
/// assert_eq!(t.decode(&ctx, Value::I64(1704164645)).unwrap(), "2024-01-02T03:04:05Z");
/// ```
#[derive(Debug, Clone, Copy, Default)]
pub struct UnixTime;

const MICROS: i64 = 1_000_000;

/// Seconds of a date-time text: RFC 3339 with an offset, or a wall clock taken as UTC.
fn parse_seconds(text: &str) -> Option<i64> {
    if let Ok(t) = DateTime::parse_from_rfc3339(text) {
        return Some(t.timestamp());
    }
    ["%Y-%m-%dT%H:%M:%S%.f", "%Y-%m-%d %H:%M:%S%.f"]
        .iter()
        .find_map(|f| NaiveDateTime::parse_from_str(text, f).ok())
        .map(|t| t.and_utc().timestamp())
}

/// Whether a shape text carries an offset (`…Z`, `…+02:00`): the type reads RFC 3339.
fn has_offset(shape: &str) -> bool {
    DateTime::parse_from_rfc3339(shape).is_ok()
}

fn seconds_of(ctx: &SerializeContext, value: &Value) -> DbResult<i64> {
    match value {
        Value::I64(s) => Ok(*s),
        Value::Timestamp(t) => Ok(t.micros.div_euclid(MICROS)),
        Value::Text(t) => t
            .trim()
            .parse::<i64>()
            .ok()
            .or_else(|| parse_seconds(t))
            .ok_or_else(|| ctx.error(format!("`{t}` is neither Unix seconds nor a date-time"))),
        other => Err(ctx.error(format!(
            "the unixtime serializer reads an integer or a timestamp, not a {} value",
            other.kind_name()
        ))),
    }
}

impl Serializer for UnixTime {
    fn encode(&self, ctx: &SerializeContext, value: Json) -> DbResult<Value> {
        match value {
            Json::String(text) => parse_seconds(&text).map(Value::I64).ok_or_else(|| {
                ctx.error(format!(
                    "`{text}` is not a date-time (RFC 3339, or a date and time taken as UTC)"
                ))
            }),
            Json::Number(n) => {
                let seconds = n.as_i64().ok_or_else(|| match n.as_u64() {
                    Some(u) => ctx.error(format!("integer overflow: {u} seconds do not fit an i64")),
                    None => ctx.error(format!("{n} is not a whole number of seconds")),
                })?;
                let micros = seconds
                    .checked_mul(MICROS)
                    .ok_or_else(|| ctx.error(format!("{seconds} seconds is out of a timestamp's range")))?;
                Ok(Value::Timestamp(Timestamp { micros, utc: false }))
            }
            Json::Null => Ok(Value::Null),
            other => Err(ctx.error(format!(
                "invalid field type for unixtime: {other} (only a date-time or an integer of seconds)"
            ))),
        }
    }

    fn decode(&self, ctx: &SerializeContext, value: Value) -> DbResult<Json> {
        let seconds = seconds_of(ctx, &value)?;
        if ctx.shape.is_number() {
            return Ok(Json::from(seconds));
        }
        let t = DateTime::from_timestamp(seconds, 0)
            .ok_or_else(|| ctx.error(format!("{seconds} seconds is out of a date-time's range")))?;
        Ok(Json::String(match ctx.shape.as_str() {
            Some(shape) if !has_offset(shape) => {
                t.naive_utc().format("%Y-%m-%dT%H:%M:%S").to_string()
            }
            _ => t.to_rfc3339_opts(SecondsFormat::Secs, true),
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ctx(shape: Json) -> SerializeContext {
        SerializeContext::new("Event", "at").with_shape(shape)
    }

    #[test]
    fn a_date_time_is_stored_as_seconds_and_read_back_in_its_own_shape() {
        let utc = ctx("1970-01-01T00:00:00Z".into());
        let naive = ctx("1970-01-01T00:00:00".into());
        assert_eq!(
            UnixTime
                .encode(&utc, "2024-01-02T03:04:05.9+01:00".into())
                .unwrap(),
            Value::I64(1704161045)
        );
        assert_eq!(
            UnixTime
                .encode(&naive, "2024-01-02T03:04:05".into())
                .unwrap(),
            Value::I64(1704164645)
        );
        assert_eq!(
            UnixTime
                .encode(&naive, "1970-01-01T00:00:00".into())
                .unwrap(),
            Value::I64(0),
            "the zero value"
        );
        assert_eq!(
            UnixTime.decode(&utc, Value::I64(1704164645)).unwrap(),
            "2024-01-02T03:04:05Z"
        );
        assert_eq!(
            UnixTime.decode(&naive, Value::I64(1704164645)).unwrap(),
            "2024-01-02T03:04:05"
        );
        assert_eq!(
            UnixTime.decode(&naive, Value::I64(-1)).unwrap(),
            "1969-12-31T23:59:59"
        );
        assert_eq!(
            UnixTime
                .decode(&utc, Value::Text("1704164645".into()))
                .unwrap(),
            "2024-01-02T03:04:05Z"
        );
    }

    #[test]
    fn an_integer_is_stored_as_a_timestamp_gorms_direction() {
        let int = ctx(0.into());
        let stored = UnixTime.encode(&int, 1704164645.into()).unwrap();
        assert_eq!(
            stored,
            Value::Timestamp(Timestamp {
                micros: 1704164645 * MICROS,
                utc: false
            })
        );
        assert_eq!(UnixTime.decode(&int, stored).unwrap(), 1704164645);
        // SQLite hands a timestamp back as its text.
        assert_eq!(
            UnixTime
                .decode(&int, Value::Text("2024-01-02 03:04:05".into()))
                .unwrap(),
            1704164645
        );
    }

    #[test]
    fn bad_input_is_an_error_naming_the_field() {
        let int = ctx(0.into());
        for (value, says) in [
            (Json::from(u64::MAX), "integer overflow"),
            (Json::from(i64::MAX), "out of a timestamp's range"),
            (Json::from(1.5), "not a whole number"),
            (Json::from("yesterday"), "not a date-time"),
            (serde_json::json!([1]), "invalid field type"),
        ] {
            let e = UnixTime.encode(&int, value).unwrap_err().to_string();
            assert!(e.contains("Event.at") && e.contains(says), "{e}");
        }
        let e = UnixTime
            .decode(&int, Value::Bool(true))
            .unwrap_err()
            .to_string();
        assert!(e.contains("reads an integer or a timestamp"), "{e}");
        let e = UnixTime
            .decode(&ctx("".into()), Value::I64(i64::MAX))
            .unwrap_err()
            .to_string();
        assert!(e.contains("out of a date-time's range"), "{e}");
    }
}
