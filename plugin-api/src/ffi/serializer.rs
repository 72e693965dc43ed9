//! A field serializer across the boundary (plugin API 0.2.4): the plugin's
//! [`Serializer`] as an [`FfiSerializerBox`] the host keeps, and back.
//!
//! The field's serde form crosses as JSON text (any serde data model value has one, and
//! its text is the same on both sides whatever either was compiled with); the column
//! value crosses as [`crate::FfiValue`], whose unknown variants are reported, not
//! guessed at.

use std::sync::Arc;

use abi_stable::{sabi_trait::TD_Opaque, std_types::RString};

use super::{
    crossings::{self, Foreign},
    export::guard_sync,
    FfiResult, FfiSerializeContext, FfiSerializer, FfiSerializerBox, FfiSerializer_TO,
};
use crate::{
    serializer::{SerializeContext, Serializer},
    value::from_ffi,
    DbResult, FfiValue, Value,
};

/// Plugin side: a serializer as the boundary object the host keeps.
pub fn export_serializer(serializer: Arc<dyn Serializer>) -> FfiSerializerBox {
    FfiSerializer_TO::from_value(ExportedSerializer(serializer), TD_Opaque)
}

/// Host side: a plugin's serializer from the boundary object.
pub fn import_serializer(serializer: FfiSerializerBox) -> Arc<dyn Serializer> {
    Arc::new(ImportedSerializer(Foreign(serializer)))
}

fn export_context(ctx: &SerializeContext) -> FfiSerializeContext {
    FfiSerializeContext {
        model: ctx.model.as_str().into(),
        field: ctx.field.as_str().into(),
        shape_json: ctx.shape.to_string().into(),
        extra: Default::default(),
    }
}

fn import_context(ctx: &FfiSerializeContext) -> SerializeContext {
    SerializeContext::new(&ctx.model, &ctx.field)
        .with_shape(serde_json::from_str(&ctx.shape_json).unwrap_or(serde_json::Value::Null))
}

fn parse_json(ctx: &SerializeContext, json: &str) -> DbResult<serde_json::Value> {
    serde_json::from_str(json)
        .map_err(|e| ctx.error(format!("malformed JSON crossed the plugin boundary: {e}")))
}

/// Plugin side: a serializer the host calls.
struct ExportedSerializer(Arc<dyn Serializer>);

impl FfiSerializer for ExportedSerializer {
    fn encode(&self, ctx: &FfiSerializeContext, json: RString) -> FfiResult<FfiValue> {
        // A panic becomes the statement's error instead of unwinding into the host.
        guard_sync(|| {
            let ctx = import_context(ctx);
            let value = parse_json(&ctx, &json)?;
            self.0.encode(&ctx, value).map(Value::into_ffi)
        })
    }
    fn decode(&self, ctx: &FfiSerializeContext, value: FfiValue) -> FfiResult<RString> {
        guard_sync(|| {
            let ctx = import_context(ctx);
            let value = from_ffi(&value)?.clone();
            self.0.decode(&ctx, value).map(|v| v.to_string().into())
        })
    }
}

/// Host side: a plugin's serializer.
struct ImportedSerializer(Foreign<FfiSerializerBox>);

impl Serializer for ImportedSerializer {
    fn encode(&self, ctx: &SerializeContext, value: serde_json::Value) -> DbResult<Value> {
        crossings::into_plugin();
        let out = self
            .0
            .encode(&export_context(ctx), value.to_string().into())
            .into_result()
            .map_err(crate::DbError::from)?;
        from_ffi(&out).cloned()
    }
    fn decode(&self, ctx: &SerializeContext, value: Value) -> DbResult<serde_json::Value> {
        crossings::into_plugin();
        let json = self
            .0
            .decode(&export_context(ctx), value.into_ffi())
            .into_result()
            .map_err(crate::DbError::from)?;
        parse_json(ctx, &json)
    }
}
