//! Models: the [`Model`] trait `#[derive(Model)]` implements, field types ([`FieldType`])
//! and lifecycle hooks ([`Hooks`]).

mod column;
mod field;
mod hooks;
pub mod relation;
mod values;

pub use column::Column;
pub use field::FieldType;
pub use hooks::Hooks;
pub(crate) use values::{
    each_hook, set_value, time_value, touch_updated, touch_updated_in, unknown_field,
    unknown_field_in, writable_field, writable_field_in, WriteKind,
};

use plugorm_plugin_api::{row::DecodeError, schema::ModelSchema, Cell, Value};

/// A Rust struct mapped to a table. Implemented by `#[derive(Model)]`.
///
/// Fields are addressed by their index in [`Model::schema`]`().fields` (embedded structs
/// flattened in place), so rows decode without name lookups per cell.
pub trait Model: Hooks + Send + Sync + Sized + 'static {
    /// The table, fields and indexes; built once.
    fn schema() -> &'static ModelSchema;
    /// A value with every field at its default (the start of decoding a row).
    fn new_default() -> Self;
    /// The value of field `index` (schema order).
    fn value_at(&self, index: usize) -> Value;
    /// The value of field `index` to write: as [`Model::value_at`], except that a field
    /// encoded by a serializer (`#[orm(serializer = "…")]`) reports why it cannot be
    /// encoded instead of reading as NULL.
    fn try_value_at(&self, index: usize) -> crate::Result<Value> {
        Ok(self.value_at(index))
    }
    /// Whether field `index` holds its zero value (GORM's "blank" test for updates and
    /// for deciding whether a primary key is set).
    fn is_zero_at(&self, index: usize) -> bool;
    /// Sets field `index` from a cell.
    fn set_at(&mut self, index: usize, cell: Cell<'_>) -> Result<(), DecodeError>;
    /// The model's relations (fields holding other models); none unless derived with
    /// relation fields — see [`crate::relation`].
    fn relations() -> &'static [crate::relation::Relation<Self>] {
        &[]
    }
}

/// A struct that can be embedded into a model with `#[orm(embedded)]` (derive `Model` on
/// it, or implement this by hand): its fields are flattened into the outer schema.
pub trait Embedded: Send + Sync + Sized + 'static {
    /// The embedded fields (columns without a prefix).
    fn embedded_fields() -> &'static [plugorm_plugin_api::schema::FieldSchema];
    /// A value with every field at its default.
    fn new_default() -> Self;
    /// The value of embedded field `index`.
    fn value_at(&self, index: usize) -> Value;
    /// The value of embedded field `index` to write (see [`Model::try_value_at`]).
    fn try_value_at(&self, index: usize) -> crate::Result<Value> {
        Ok(self.value_at(index))
    }
    /// The fields encoded by a serializer (the derive lists them; none by default).
    #[doc(hidden)]
    fn serialized_fields() -> Vec<crate::serializer_table::Mark> {
        Vec::new()
    }
    /// Whether embedded field `index` is zero.
    fn is_zero_at(&self, index: usize) -> bool;
    /// Sets embedded field `index`.
    fn set_at(&mut self, index: usize, cell: Cell<'_>) -> Result<(), DecodeError>;
}
