//! `binary`: the field in MessagePack, a compact self-describing binary form, stored as
//! bytes.

use plugorm_plugin_api::{
    serializer::{SerializeContext, Serializer},
    DbResult, Value,
};
use serde_json::Value as Json;

/// The `binary` (MessagePack) serializer.
///
/// ```
/// use plugorm_plugin_api::{serializer::{SerializeContext, Serializer}, Value};
/// let ctx = SerializeContext::new("User", "profile");
/// let v = plugorm_serializer::Binary.encode(&ctx, serde_json::json!([1, 2])).unwrap();
/// assert_eq!(v, Value::Bytes(vec![0x92, 0x01, 0x02].into()));
/// ```
#[derive(Debug, Clone, Copy, Default)]
pub struct Binary;

impl Serializer for Binary {
    fn encode(&self, ctx: &SerializeContext, value: Json) -> DbResult<Value> {
        let bytes = rmp_serde::to_vec_named(&value)
            .map_err(|e| ctx.error(format!("cannot write MessagePack: {e}")))?;
        Ok(Value::Bytes(bytes.into()))
    }

    fn decode(&self, ctx: &SerializeContext, value: Value) -> DbResult<Json> {
        let Value::Bytes(bytes) = value else {
            return Err(ctx.error(format!(
                "the binary serializer reads bytes, not a {} value",
                value.kind_name()
            )));
        };
        if bytes.is_empty() {
            // GORM: empty bytes leave the zero value.
            return Ok(ctx.shape.clone());
        }
        rmp_serde::from_slice(&bytes).map_err(|e| ctx.error(format!("invalid MessagePack: {e}")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn ctx() -> SerializeContext {
        SerializeContext::new("User", "profile").with_shape(json!({"name": "", "age": 0}))
    }

    #[test]
    fn values_round_trip_in_fewer_bytes_than_json() {
        let value =
            json!({"name": "ann", "age": 30, "tags": ["a", "b"], "ratio": 0.25, "none": null});
        let stored = Binary.encode(&ctx(), value.clone()).unwrap();
        let Value::Bytes(bytes) = &stored else {
            panic!("{stored:?}");
        };
        assert!(bytes.len() < value.to_string().len());
        assert_eq!(Binary.decode(&ctx(), stored).unwrap(), value);
        let zero = Binary.encode(&ctx(), json!(0)).unwrap();
        assert_eq!(Binary.decode(&ctx(), zero).unwrap(), json!(0));
    }

    #[test]
    fn empty_bytes_read_as_the_zero_value() {
        assert_eq!(
            Binary
                .decode(&ctx(), Value::Bytes(Vec::new().into()))
                .unwrap(),
            json!({"name": "", "age": 0})
        );
    }

    #[test]
    fn text_or_truncated_bytes_are_errors_naming_the_field() {
        let e = Binary.decode(&ctx(), Value::Text("x".into())).unwrap_err();
        assert!(
            e.to_string().contains("User.profile") && e.to_string().contains("reads bytes"),
            "{e}"
        );
        let Value::Bytes(bytes) = Binary.encode(&ctx(), json!({"name": "ann"})).unwrap() else {
            panic!("bytes");
        };
        let truncated = bytes[..bytes.len() - 2].to_vec();
        let e = Binary
            .decode(&ctx(), Value::Bytes(truncated.into()))
            .unwrap_err();
        assert!(e.to_string().contains("invalid MessagePack"), "{e}");
    }
}
