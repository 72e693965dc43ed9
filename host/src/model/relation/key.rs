//! [`Key`]: the value(s) of a relation key, hashable, so children meet their parents
//! through a hash map (linear time) instead of a scan per parent.

use plugorm_plugin_api::Value;

/// One component of a key.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(crate) enum Part {
    Int(i64),
    Text(String),
    Bytes(Vec<u8>),
    /// Anything else, by its rendering (floats, dates; rare as keys).
    Other(String),
}

/// A (possibly composite) key; `None` from [`Key::of`] when a component is NULL — a NULL
/// foreign key matches nothing.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(crate) enum Key {
    One(Part),
    Many(Vec<Part>),
}

fn part(v: Value) -> Option<Part> {
    Some(match v {
        Value::Null => return None,
        Value::I64(i) => Part::Int(i),
        Value::Bool(b) => Part::Int(b as i64),
        Value::Text(s) => Part::Text(s.into()),
        Value::Bytes(b) => Part::Bytes(b.into()),
        Value::Uuid(u) => Part::Bytes(u.to_vec()),
        other => Part::Other(format!("{other:?}")),
    })
}

impl Key {
    /// The key made of `values` (one per key field).
    pub(crate) fn of(mut values: Vec<Value>) -> Option<Key> {
        if values.len() == 1 {
            return part(values.pop()?).map(Key::One);
        }
        values
            .into_iter()
            .map(part)
            .collect::<Option<Vec<_>>>()
            .map(Key::Many)
    }
}
