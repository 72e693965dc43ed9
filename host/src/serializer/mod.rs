//! Field serializers: GORM's `serializer:` tag. A field marked
//! `#[orm(serializer = "json")]` holds any `serde` type (`Serialize + DeserializeOwned +
//! Default`); it is encoded by the named serializer on every write (create, update,
//! upsert, conditions from structs and from its typed column) and decoded on every read.
//!
//! The serializers themselves are served by plugins (the `serializer` plugin serves
//! `json`, `binary` and `unixtime`) or registered by the application with [`register`].
//! Names are case-insensitive and process-wide. A database refuses a model naming a
//! serializer that neither one of its registry's plugins offered nor the application
//! registered, with [`SerializerError::Unknown`] naming model, field and serializer,
//! before the model's first statement runs.
//!
//! A serializer sees a field's serde form (a [`serde_json::Value`]), never its Rust type;
//! see [`plugorm_plugin_api::serializer`]. `Option` fields are nullable: `None` is NULL
//! and the serializer is not asked; a NULL column reads as `None`, or as the default of
//! a non-`Option` field.
//!
//! ```
//! use plugorm::serializer::{self, SerializeContext, Serializer};
//! use plugorm::plugin_api::{DbResult, Value};
//!
//! /// Stores a string with a prefix (GORM's custom-serializer example).
//! struct Prefixed;
//! impl Serializer for Prefixed {
//!     fn encode(&self, ctx: &SerializeContext, v: serde_json::Value) -> DbResult<Value> {
//!         let s = v.as_str().ok_or_else(|| ctx.error("expected a string"))?;
//!         Ok(Value::Text(format!("prefix-{s}").into()))
//!     }
//!     fn decode(&self, ctx: &SerializeContext, v: Value) -> DbResult<serde_json::Value> {
//!         let text = v.text_form().ok_or_else(|| ctx.error("expected text"))?;
//!         let s = text.strip_prefix("prefix-").ok_or_else(|| ctx.error("no prefix"))?;
//!         Ok(serde_json::Value::String(s.to_string()))
//!     }
//! }
//! serializer::register("prefixed", Prefixed);
//! assert!(serializer::is_registered("Prefixed"));
//!
//! #[derive(plugorm::Model, Debug, Default, Clone)]
//! struct Note {
//!     id: i64,
//!     #[orm(serializer = "prefixed")]
//!     title: String,
//! }
//! ```

mod check;
mod column;
mod field;

use std::sync::Arc;

pub use crate::error::SerializerError;
use crate::serializer_table::registry;
#[doc(hidden)]
pub use crate::serializer_table::{mark_schema, Mark};
pub use column::SerializedColumn;
#[doc(hidden)]
pub use field::{
    decode, decode_option, encode, encode_option, is_zero, is_zero_option, value_or_null, FieldSpec,
};
pub use plugorm_plugin_api::serializer::{SerializeContext, Serializer};

pub(crate) use check::check;

/// Registers an application serializer under `name` (case-insensitive), for every
/// database of the process; it replaces an earlier one of the same name, and a plugin's
/// serializer of that name does not replace it.
///
/// ```
/// use plugorm::serializer::{register, is_registered, SerializeContext, Serializer};
/// use plugorm::plugin_api::{DbResult, Value};
///
/// struct Reversed;
/// impl Serializer for Reversed {
///     fn encode(&self, ctx: &SerializeContext, v: serde_json::Value) -> DbResult<Value> {
///         let s = v.as_str().ok_or_else(|| ctx.error("expected a string"))?;
///         Ok(Value::Text(s.chars().rev().collect::<String>().into()))
///     }
///     fn decode(&self, ctx: &SerializeContext, v: Value) -> DbResult<serde_json::Value> {
///         let s = v.text_form().ok_or_else(|| ctx.error("expected text"))?;
///         Ok(serde_json::Value::String(s.chars().rev().collect()))
///     }
/// }
/// register("reversed", Reversed);
/// assert!(is_registered("REVERSED"));
/// ```
pub fn register(name: &str, serializer: impl Serializer) {
    registry::put_application(name, Arc::new(serializer));
}

/// Whether a serializer is registered as `name` in this process (by the application or
/// by a plugin of any registry).
///
/// ```
/// assert!(!plugorm::serializer::is_registered("no-such-serializer"));
/// ```
pub fn is_registered(name: &str) -> bool {
    registry::get(name).is_some()
}
