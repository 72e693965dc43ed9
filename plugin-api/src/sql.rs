//! [`Sql`]: rendered statement text and its parameters.

use crate::types::{List, Text};
use abi_stable::StableAbi;

use crate::value::{FfiValue, Value};

/// A rendered statement: the text with the dialect's placeholders, and one parameter per
/// placeholder, in order.
///
/// ```
/// use plugorm_plugin_api::{Sql, Value};
/// let sql = Sql::new("SELECT ?", [Value::I64(1)]);
/// assert_eq!(sql.text.as_str(), "SELECT ?");
/// assert_eq!(sql.params.len(), 1);
/// ```
#[repr(C)]
#[derive(StableAbi, Debug, Clone, PartialEq, Default)]
pub struct Sql {
    pub text: Text,
    pub params: List<FfiValue>,
}

impl Sql {
    /// SQL text in the dialect's own placeholder syntax, with its parameters.
    pub fn new(text: impl Into<Text>, params: impl IntoIterator<Item = Value>) -> Sql {
        Sql {
            text: text.into(),
            params: params.into_iter().map(Value::into_ffi).collect(),
        }
    }

    /// The parameters in placeholder order, as [`Value`]s; one this side of the boundary
    /// does not know (sent by a newer plugin API) is an [`crate::DbError::UnsupportedValue`].
    ///
    /// ```
    /// use plugorm_plugin_api::{Sql, Value};
    /// let sql = Sql::new("SELECT ?, ?", [Value::I64(1), Value::from("a")]);
    /// let values: Vec<&Value> = sql.values().collect::<Result<_, _>>().unwrap();
    /// assert_eq!(values, [&Value::I64(1), &Value::from("a")]);
    /// ```
    pub fn values(&self) -> impl ExactSizeIterator<Item = crate::DbResult<&Value>> + '_ {
        self.params.iter().map(crate::value::from_ffi)
    }
}

/// What an INSERT / UPDATE / DELETE reports.
#[repr(C)]
#[derive(StableAbi, Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ExecResult {
    pub rows_affected: u64,
    /// The last generated row id, where the driver reports one (SQLite, MySQL).
    pub last_insert_id: crate::types::Optional<i64>,
}
