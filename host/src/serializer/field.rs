//! What `#[derive(Model)]` calls for a serializer field: its value through the named
//! serializer on write, and back on read. Public for the generated code only.

use plugorm_plugin_api::{
    row::DecodeError,
    serializer::{SerializeContext, Serializer},
    Cell, Value,
};
use serde::{de::DeserializeOwned, Serialize};

use crate::error::SerializerError;
use crate::serializer_table::registry;
use crate::Error;

/// A serializer field as the derive describes it.
#[doc(hidden)]
#[derive(Debug, Clone, Copy)]
pub struct FieldSpec {
    /// The model's name (`User`).
    pub model: &'static str,
    /// The field's name (`roles`).
    pub field: &'static str,
    /// The serializer's name as written in the attribute.
    pub serializer: &'static str,
}

impl FieldSpec {
    fn context<T: Serialize + Default>(&self) -> SerializeContext {
        let shape = serde_json::to_value(T::default()).unwrap_or(serde_json::Value::Null);
        SerializeContext::new(self.model, self.field).with_shape(shape)
    }

    fn lookup(&self) -> Result<std::sync::Arc<dyn Serializer>, SerializerError> {
        registry::get(self.serializer).ok_or_else(|| SerializerError::Unknown {
            model: self.model.to_string(),
            field: self.field.to_string(),
            name: registry::key(self.serializer),
            registered: registry::application_names(),
        })
    }

    fn encode_error(&self, reason: impl std::fmt::Display) -> Error {
        Error::Serializer(SerializerError::Encode {
            model: self.model.to_string(),
            field: self.field.to_string(),
            name: registry::key(self.serializer),
            reason: reason.to_string(),
        })
    }
}

/// The column value of a present field value.
#[doc(hidden)]
pub fn encode<T: Serialize + Default>(spec: &FieldSpec, value: &T) -> Result<Value, Error> {
    let json = serde_json::to_value(value).map_err(|e| spec.encode_error(e))?;
    let serializer = spec.lookup()?;
    serializer
        .encode(&spec.context::<T>(), json)
        .map_err(|e| spec.encode_error(e))
}

/// The column value of an `Option` field: `None` is NULL.
#[doc(hidden)]
pub fn encode_option<T: Serialize + Default>(
    spec: &FieldSpec,
    value: &Option<T>,
) -> Result<Value, Error> {
    match value {
        Some(v) => encode(spec, v),
        None => Ok(Value::Null),
    }
}

/// [`encode`] for the infallible `value_at`: a value that cannot be encoded reads as
/// NULL there (the writes and conditions use the fallible path and report it).
#[doc(hidden)]
pub fn value_or_null(encoded: Result<Value, Error>) -> Value {
    encoded.unwrap_or(Value::Null)
}

fn decode_error(spec: &FieldSpec, reason: impl std::fmt::Display) -> DecodeError {
    DecodeError {
        expected: "a value its serializer decodes",
        found: format!(
            "field `{}.{}` (serializer `{}`): {reason}",
            spec.model,
            spec.field,
            registry::key(spec.serializer)
        ),
    }
}

fn decode_present<T: DeserializeOwned + Serialize + Default>(
    spec: &FieldSpec,
    cell: Cell<'_>,
) -> Result<T, DecodeError> {
    let serializer = spec.lookup().map_err(|e| decode_error(spec, e))?;
    let json = serializer
        .decode(&spec.context::<T>(), cell.to_value())
        .map_err(|e| decode_error(spec, e))?;
    serde_json::from_value(json).map_err(|e| decode_error(spec, e))
}

/// A field value from its column: NULL reads as the type's default (GORM's zero value).
#[doc(hidden)]
pub fn decode<T: DeserializeOwned + Serialize + Default>(
    spec: &FieldSpec,
    cell: Cell<'_>,
) -> Result<T, DecodeError> {
    match cell {
        Cell::Null => Ok(T::default()),
        cell => decode_present(spec, cell),
    }
}

/// An `Option` field value from its column: NULL reads as `None`.
#[doc(hidden)]
pub fn decode_option<T: DeserializeOwned + Serialize + Default>(
    spec: &FieldSpec,
    cell: Cell<'_>,
) -> Result<Option<T>, DecodeError> {
    match cell {
        Cell::Null => Ok(None),
        cell => decode_present(spec, cell).map(Some),
    }
}

/// Whether a field value is its type's default (compared in serde form, so the type
/// needs no `PartialEq`).
#[doc(hidden)]
pub fn is_zero<T: Serialize + Default>(value: &T) -> bool {
    match (
        serde_json::to_value(value),
        serde_json::to_value(T::default()),
    ) {
        (Ok(v), Ok(d)) => v == d,
        _ => false,
    }
}

/// Whether an `Option` field is `None`.
#[doc(hidden)]
pub fn is_zero_option<T>(value: &Option<T>) -> bool {
    value.is_none()
}
