//! Field serializers (plugin API 0.2.4): named encoders of a model field's value into a
//! column value and back, GORM's `serializer:` tag. A feature plugin offers them to the
//! host with [`crate::host::Host::add_serializer`]; an application registers its own in
//! the host (`plugorm::serializer::register`).
//!
//! A serializer never sees the field's Rust type (the plugin was compiled without it):
//! the host hands it the field's **serde form** as a [`serde_json::Value`] and takes back
//! a column [`Value`], and on reading the other way round. The serde form is
//! self-describing and stable, so it crosses the boundary as JSON text; the column value
//! crosses as the [`Value`] every statement already carries.
//!
//! ```
//! use plugorm_plugin_api::{serializer::{SerializeContext, Serializer}, DbError, DbResult, Value};
//!
//! /// Stores a string field upper-cased (and reads it back as it is).
//! struct Upper;
//! impl Serializer for Upper {
//!     fn encode(&self, ctx: &SerializeContext, value: serde_json::Value) -> DbResult<Value> {
//!         match value {
//!             serde_json::Value::String(s) => Ok(Value::Text(s.to_uppercase().into())),
//!             other => Err(ctx.error(format!("expected a string, got {other}"))),
//!         }
//!     }
//!     fn decode(&self, ctx: &SerializeContext, value: Value) -> DbResult<serde_json::Value> {
//!         match value {
//!             Value::Text(t) => Ok(serde_json::Value::String(t.to_string())),
//!             other => Err(ctx.error(format!("expected text, got {}", other.kind_name()))),
//!         }
//!     }
//! }
//! let ctx = SerializeContext::new("User", "name");
//! assert_eq!(Upper.encode(&ctx, "ann".into()).unwrap(), Value::Text("ANN".into()));
//! assert!(Upper.encode(&ctx, 1.into()).unwrap_err().to_string().contains("User.name"));
//! ```

use crate::{DbError, DbResult, Value};

/// What a [`Serializer`] is told about the field it encodes or decodes.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct SerializeContext {
    /// The model's name (`User`).
    pub model: String,
    /// The field's name (`roles`).
    pub field: String,
    /// The serde form of the field type's default value: the shape a decoded value must
    /// have. A serializer that stores less than the serde form (the unixtime one stores
    /// seconds) reads it to give back what the type deserializes from (an RFC 3339 text
    /// with or without an offset, or a number). `null` when the host does not know it.
    pub shape: serde_json::Value,
}

impl SerializeContext {
    /// A context for field `field` of model `model`, shape unknown.
    ///
    /// ```
    /// let ctx = plugorm_plugin_api::serializer::SerializeContext::new("User", "roles");
    /// assert_eq!(ctx.field, "roles");
    /// assert!(ctx.shape.is_null());
    /// ```
    pub fn new(model: &str, field: &str) -> SerializeContext {
        SerializeContext {
            model: model.to_string(),
            field: field.to_string(),
            shape: serde_json::Value::Null,
        }
    }

    /// The same context with the shape of the field type's default value.
    ///
    /// ```
    /// use plugorm_plugin_api::serializer::SerializeContext;
    /// let ctx = SerializeContext::new("User", "born").with_shape(0.into());
    /// assert!(ctx.shape.is_number());
    /// ```
    pub fn with_shape(mut self, shape: serde_json::Value) -> SerializeContext {
        self.shape = shape;
        self
    }

    /// An error about this field: a [`DbError::Decode`] whose text names model and field.
    ///
    /// ```
    /// let ctx = plugorm_plugin_api::serializer::SerializeContext::new("User", "roles");
    /// assert_eq!(ctx.error("bad").to_string(), "cannot decode field `User.roles`: bad");
    /// ```
    pub fn error(&self, reason: impl std::fmt::Display) -> DbError {
        DbError::Decode {
            detail: format!("field `{}.{}`: {reason}", self.model, self.field),
        }
    }
}

/// A named field serializer (see the module documentation). The host calls it only with
/// a present value: an `Option` field's `None` is SQL NULL and a NULL column reads as
/// `None` (or the type's default) without asking the serializer.
///
/// Errors are the statement's error; report them with [`SerializeContext::error`] so
/// they name the field. A panic is caught at the boundary and reported the same way.
pub trait Serializer: Send + Sync + 'static {
    /// The column value for a field's serde form.
    fn encode(&self, ctx: &SerializeContext, value: serde_json::Value) -> DbResult<Value>;
    /// The field's serde form from a column value (never [`Value::Null`]).
    fn decode(&self, ctx: &SerializeContext, value: Value) -> DbResult<serde_json::Value>;
}
