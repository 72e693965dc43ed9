//! A field serializer across the boundary (plugin API 0.2.4): handed by a plugin to a
//! host through the exported host, called by the host with the field's serde form and a
//! column value, its errors and panics brought back naming the field.

use std::sync::Arc;

use super::host::{export_host, import_host};
use super::rewriter_tests::Keeps;
use super::serializer::{export_serializer, import_serializer};
use crate::{
    host::Host,
    serializer::{SerializeContext, Serializer},
    DbError, DbResult, Value,
};

/// Stores the JSON text reversed; `"panic"` panics; the decoded value echoes the shape.
struct Reverse;

impl Serializer for Reverse {
    fn encode(&self, ctx: &SerializeContext, value: serde_json::Value) -> DbResult<Value> {
        if value == serde_json::json!("panic") {
            panic!("the serializer broke");
        }
        if value.is_null() {
            return Err(ctx.error("null refused"));
        }
        Ok(Value::Text(
            value.to_string().chars().rev().collect::<String>().into(),
        ))
    }
    fn decode(&self, ctx: &SerializeContext, value: Value) -> DbResult<serde_json::Value> {
        let Value::Text(t) = value else {
            return Err(ctx.error("expected text"));
        };
        let json: serde_json::Value =
            serde_json::from_str(&t.chars().rev().collect::<String>()).map_err(|e| ctx.error(e))?;
        Ok(serde_json::json!({ "value": json, "shape": ctx.shape }))
    }
}

fn ctx() -> SerializeContext {
    SerializeContext::new("User", "roles").with_shape(serde_json::json!([]))
}

#[test]
fn a_serializer_crosses_with_its_context_values_errors_and_panics() {
    let crossed = import_serializer(export_serializer(Arc::new(Reverse)));
    let value = serde_json::json!({"a": [1, 2.5, "x", null, true]});
    let encoded = crossed.encode(&ctx(), value.clone()).unwrap();
    assert_eq!(
        encoded,
        Value::Text(value.to_string().chars().rev().collect::<String>().into())
    );
    let decoded = crossed.decode(&ctx(), encoded).unwrap();
    assert_eq!(
        decoded,
        serde_json::json!({"value": value, "shape": []}),
        "the shape crosses"
    );
    let e = crossed.encode(&ctx(), serde_json::Value::Null).unwrap_err();
    assert!(
        matches!(e, DbError::Decode { ref detail } if detail.contains("User.roles") && detail.contains("null refused")),
        "{e:?}"
    );
    let e = crossed.decode(&ctx(), Value::I64(1)).unwrap_err();
    assert!(e.to_string().contains("expected text"), "{e}");
    let e = crossed
        .encode(&ctx(), serde_json::json!("panic"))
        .unwrap_err();
    assert!(
        matches!(e, DbError::Panicked(ref m) if m.contains("the serializer broke")),
        "{e:?}"
    );
}

#[test]
fn a_plugin_adds_a_serializer_through_the_exported_host() {
    let keeps = Arc::new(Keeps::default());
    let plugin_side = import_host(export_host(Host::new(keeps.clone())));
    plugin_side.add_serializer("reverse", Arc::new(Reverse));
    let kept = keeps.serializers.lock().unwrap();
    assert_eq!(kept.len(), 1);
    assert_eq!(kept[0].0, "reverse");
    let encoded = kept[0].1.encode(&ctx(), serde_json::json!([1])).unwrap();
    assert_eq!(encoded, Value::Text("]1[".into()));
}
