//! Which fields of a model's schema are serialized, and by what: the host-side marker
//! (the plugin API's `FieldSchema` has no room for it), recorded by the derived
//! `Model::schema` the first time it runs (`crate::serializer` checks it before every
//! statement about the model, so an unknown serializer is refused when the model is
//! first used).

use std::{
    collections::HashMap,
    sync::{
        atomic::{AtomicBool, Ordering},
        RwLock,
    },
};

use plugorm_plugin_api::schema::ModelSchema;

/// One serializer field, as the derive lists it.
#[doc(hidden)]
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mark {
    /// The field's name (embedded fields as `outer.inner`).
    pub field: String,
    /// The serializer's name as written in the attribute.
    pub serializer: &'static str,
}

/// The marks by schema address (a derived schema is a `'static` built once).
static MARKS: RwLock<Option<HashMap<usize, Vec<Mark>>>> = RwLock::new(None);
/// False until a model with a serializer field is marked: the check costs nothing before.
static ANY: AtomicBool = AtomicBool::new(false);

fn address(schema: &ModelSchema) -> usize {
    schema as *const ModelSchema as usize
}

/// Records the serializer fields of a derived model's schema (called once per model by
/// the generated `Model::schema`).
#[doc(hidden)]
pub fn mark_schema(schema: &'static ModelSchema, marks: Vec<Mark>) {
    if marks.is_empty() {
        return;
    }
    let mut map = MARKS.write().unwrap_or_else(|p| p.into_inner());
    map.get_or_insert_with(HashMap::new)
        .insert(address(schema), marks);
    ANY.store(true, Ordering::Release);
}

/// The serializer fields recorded for `schema`.
pub(crate) fn marks_of(schema: &ModelSchema) -> Vec<Mark> {
    if !ANY.load(Ordering::Acquire) {
        return Vec::new();
    }
    let map = MARKS.read().unwrap_or_else(|p| p.into_inner());
    map.as_ref()
        .and_then(|m| m.get(&address(schema)))
        .cloned()
        .unwrap_or_default()
}
