//! The Statement tree: what the host builds and a dialect renders.
//!
//! Every type here is `StableAbi`, so a statement crosses the plugin boundary by reference
//! and is never serialized. Expressions are trees ([`Expr`]); SQL shapes are
//! [`Select`], [`Insert`], [`Update`], [`Delete`] and [`RawSql`].
//!
//! ```
//! use plugorm_plugin_api::statement::{Expr, Select, Statement, TableRef};
//! let mut q = Select::from_table(TableRef::new("users"));
//! q.filter(Expr::col("users", "age").gt(18i64));
//! let stmt = Statement::Select(q);
//! assert!(matches!(stmt, Statement::Select(_)));
//! ```

mod expr;
mod retarget;
mod select;
mod write;

pub use expr::{BinOp, ColumnRef, Expr, OrderBy, RawSql};
pub use select::{FromItem, Join, JoinKind, Lock, LockStrength, LockWait, Select, SelectItem};
pub use write::{Assignment, Conflict, ConflictAction, Delete, Insert, Update};

use crate::types::{Optional, Text};
use abi_stable::StableAbi;

/// One SQL statement.
#[repr(C, u8)]
#[derive(StableAbi, Debug, Clone, PartialEq)]
pub enum Statement {
    Select(Select),
    Insert(Insert),
    Update(Update),
    Delete(Delete),
    /// SQL text written by the user, with `?` placeholders.
    Raw(RawSql),
}

/// A table, optionally schema-qualified and aliased.
///
/// ```
/// use plugorm_plugin_api::statement::TableRef;
/// let t = TableRef::parse("public.users");
/// assert_eq!(t.schema.as_ref().map(|s| s.as_str()), Some("public"));
/// assert_eq!(t.name.as_str(), "users");
/// ```
#[repr(C)]
#[derive(StableAbi, Debug, Clone, PartialEq, Eq, Hash)]
pub struct TableRef {
    pub schema: Optional<Text>,
    pub name: Text,
    pub alias: Optional<Text>,
}

impl TableRef {
    /// A table by plain name.
    pub fn new(name: impl Into<Text>) -> TableRef {
        TableRef {
            schema: Optional::None,
            name: name.into(),
            alias: Optional::None,
        }
    }

    /// A table from `name` or `schema.name`.
    pub fn parse(qualified: &str) -> TableRef {
        match qualified.split_once('.') {
            Some((schema, name)) => TableRef {
                schema: Optional::Some(schema.into()),
                name: name.into(),
                alias: Optional::None,
            },
            None => TableRef::new(qualified),
        }
    }

    /// The same table under an alias.
    pub fn alias(mut self, alias: impl Into<Text>) -> TableRef {
        self.alias = Optional::Some(alias.into());
        self
    }

    /// The name other clauses use to qualify this table's columns: the alias, else the name.
    pub fn reference_name(&self) -> &str {
        match &self.alias {
            Optional::Some(a) => a.as_str(),
            Optional::None => self.name.as_str(),
        }
    }
}
