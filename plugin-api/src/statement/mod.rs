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
mod select;
mod write;

pub use expr::{BinOp, ColumnRef, Expr, OrderBy, RawSql};
pub use select::{FromItem, Join, JoinKind, Lock, LockStrength, LockWait, Select, SelectItem};
pub use write::{Assignment, Conflict, ConflictAction, Delete, Insert, Update};

use abi_stable::{
    std_types::{ROption, RString},
    StableAbi,
};

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
/// assert_eq!(t.schema.as_ref().map(|s| s.as_str()).into_option(), Some("public"));
/// assert_eq!(t.name.as_str(), "users");
/// ```
#[repr(C)]
#[derive(StableAbi, Debug, Clone, PartialEq, Eq, Hash)]
pub struct TableRef {
    pub schema: ROption<RString>,
    pub name: RString,
    pub alias: ROption<RString>,
}

impl TableRef {
    /// A table by plain name.
    pub fn new(name: impl Into<RString>) -> TableRef {
        TableRef {
            schema: ROption::RNone,
            name: name.into(),
            alias: ROption::RNone,
        }
    }

    /// A table from `name` or `schema.name`.
    pub fn parse(qualified: &str) -> TableRef {
        match qualified.split_once('.') {
            Some((schema, name)) => TableRef {
                schema: ROption::RSome(schema.into()),
                name: name.into(),
                alias: ROption::RNone,
            },
            None => TableRef::new(qualified),
        }
    }

    /// The same table under an alias.
    pub fn alias(mut self, alias: impl Into<RString>) -> TableRef {
        self.alias = ROption::RSome(alias.into());
        self
    }

    /// The name other clauses use to qualify this table's columns: the alias, else the name.
    pub fn reference_name(&self) -> &str {
        match &self.alias {
            ROption::RSome(a) => a.as_str(),
            ROption::RNone => self.name.as_str(),
        }
    }
}
