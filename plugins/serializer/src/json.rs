//! `json`: the field's JSON text (serde_json), object keys sorted, so equal values store
//! equal text; a JSON `null` is SQL NULL.

use plugorm_plugin_api::{
    serializer::{SerializeContext, Serializer},
    DbResult, Value,
};
use serde_json::{Map, Value as JsonValue};

/// The `json` serializer.
///
/// ```
/// use plugorm_plugin_api::{serializer::{SerializeContext, Serializer}, Value};
/// let ctx = SerializeContext::new("User", "roles");
/// let v = plugorm_serializer::Json.encode(&ctx, serde_json::json!({"b": 1, "a": [true]})).unwrap();
/// assert_eq!(v, Value::Text(r#"{"a":[true],"b":1}"#.into()));
/// ```
#[derive(Debug, Clone, Copy, Default)]
pub struct Json;

/// `value` with every object's keys in sorted order, whatever map serde_json was built
/// with (its `preserve_order` feature keeps insertion order).
fn canonical(value: JsonValue) -> JsonValue {
    match value {
        JsonValue::Object(map) => {
            let mut entries: Vec<(String, JsonValue)> = map.into_iter().collect();
            entries.sort_by(|a, b| a.0.cmp(&b.0));
            JsonValue::Object(
                entries
                    .into_iter()
                    .map(|(k, v)| (k, canonical(v)))
                    .collect::<Map<String, JsonValue>>(),
            )
        }
        JsonValue::Array(items) => JsonValue::Array(items.into_iter().map(canonical).collect()),
        other => other,
    }
}

impl Serializer for Json {
    fn encode(&self, _: &SerializeContext, value: JsonValue) -> DbResult<Value> {
        Ok(match value {
            JsonValue::Null => Value::Null,
            value => Value::Text(canonical(value).to_string().into()),
        })
    }

    fn decode(&self, ctx: &SerializeContext, value: Value) -> DbResult<JsonValue> {
        let parse = |text: &str| {
            if text.trim().is_empty() {
                // GORM: empty input leaves the zero value.
                return Ok(ctx.shape.clone());
            }
            serde_json::from_str(text).map_err(|e| ctx.error(format!("invalid JSON: {e}")))
        };
        match value {
            Value::Text(t) | Value::Json(t) => parse(&t),
            Value::Bytes(b) => {
                let text = std::str::from_utf8(&b)
                    .map_err(|e| ctx.error(format!("JSON bytes are not UTF-8: {e}")))?;
                parse(text)
            }
            Value::Null => Ok(JsonValue::Null),
            Value::Bool(b) => Ok(JsonValue::Bool(b)),
            Value::I64(i) => Ok(JsonValue::from(i)),
            Value::F64(f) => Ok(JsonValue::from(f)),
            // Any other value, as GORM re-marshals it: its text.
            other => match other.text_form() {
                Some(text) => Ok(JsonValue::String(text)),
                None => Err(ctx.error(format!(
                    "cannot read JSON from a {} value",
                    other.kind_name()
                ))),
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn ctx() -> SerializeContext {
        SerializeContext::new("User", "roles").with_shape(json!([]))
    }

    #[test]
    fn values_round_trip_through_sorted_text() {
        for value in [
            json!({"z": {"y": 1, "x": [2, {"b": null, "a": "s"}]}, "a": 1.5}),
            json!(["admin", "dev"]),
            json!("text with \"quotes\""),
            json!(0),
            json!(false),
            json!([]),
            json!({}),
        ] {
            let stored = Json.encode(&ctx(), value.clone()).unwrap();
            let Value::Text(text) = &stored else {
                panic!("{stored:?}");
            };
            assert_eq!(text.as_str(), value.to_string(), "keys sorted, compact");
            assert_eq!(Json.decode(&ctx(), stored).unwrap(), value);
        }
    }

    #[test]
    fn equal_maps_store_equal_text_whatever_their_order() {
        let mut a = Map::new();
        a.insert("b".into(), json!(1));
        a.insert("a".into(), json!(2));
        let mut b = Map::new();
        b.insert("a".into(), json!(2));
        b.insert("b".into(), json!(1));
        assert_eq!(
            Json.encode(&ctx(), JsonValue::Object(a)).unwrap(),
            Json.encode(&ctx(), JsonValue::Object(b)).unwrap()
        );
    }

    #[test]
    fn null_is_sql_null_and_empty_text_is_the_zero_value() {
        assert_eq!(Json.encode(&ctx(), JsonValue::Null).unwrap(), Value::Null);
        assert_eq!(
            Json.decode(&ctx(), Value::Text("".into())).unwrap(),
            json!([])
        );
        assert_eq!(
            Json.decode(&ctx(), Value::Bytes(b"[1]".to_vec().into()))
                .unwrap(),
            json!([1])
        );
        assert_eq!(Json.decode(&ctx(), Value::I64(7)).unwrap(), json!(7));
    }

    #[test]
    fn malformed_json_is_an_error_naming_the_field() {
        for bad in [
            Value::Text("{not json".into()),
            Value::Bytes(vec![0xff, 0xfe].into()),
            Value::Uuid([0; 16]).clone(),
        ] {
            let decoded = Json.decode(&ctx(), bad.clone());
            match (&bad, decoded) {
                (Value::Uuid(_), Ok(v)) => assert!(v.is_string(), "a uuid reads as its text"),
                (_, Ok(v)) => panic!("{bad:?} decoded to {v}"),
                (_, Err(e)) => assert!(e.to_string().contains("User.roles"), "{e}"),
            }
        }
    }
}
