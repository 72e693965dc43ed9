//! [`Sql`]: rendered statement text and its parameters.

use abi_stable::{
    std_types::{RString, RVec},
    StableAbi,
};

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
    pub text: RString,
    pub params: RVec<FfiValue>,
}

impl Sql {
    /// SQL text in the dialect's own placeholder syntax, with its parameters.
    pub fn new(text: impl Into<RString>, params: impl IntoIterator<Item = Value>) -> Sql {
        Sql {
            text: text.into(),
            params: params.into_iter().map(Value::into_ffi).collect(),
        }
    }
}

/// What an INSERT / UPDATE / DELETE reports.
#[repr(C)]
#[derive(StableAbi, Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ExecResult {
    pub rows_affected: u64,
    /// The last generated row id, where the driver reports one (SQLite, MySQL).
    pub last_insert_id: abi_stable::std_types::ROption<i64>,
}
