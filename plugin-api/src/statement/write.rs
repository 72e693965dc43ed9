//! INSERT, UPDATE and DELETE.

use crate::types::{List, Optional, Text};
use abi_stable::StableAbi;

use super::{Expr, OrderBy, TableRef};

/// `column = value` in SET or an upsert's update list.
#[repr(C)]
#[derive(StableAbi, Debug, Clone, PartialEq)]
pub struct Assignment {
    pub column: Text,
    pub value: Expr,
}

/// What an upsert does on conflict.
#[repr(C, u8)]
#[derive(StableAbi, Debug, Clone, PartialEq)]
pub enum ConflictAction {
    DoNothing,
    /// Set these columns to the values the insert proposed (`excluded.c` / `VALUES(c)`).
    UpdateColumns(List<Text>),
    /// Explicit assignments.
    Update(List<Assignment>),
}

/// An ON CONFLICT / ON DUPLICATE KEY clause.
#[repr(C)]
#[derive(StableAbi, Debug, Clone, PartialEq)]
pub struct Conflict {
    /// The conflict target columns (usually the primary key).
    pub target: List<Text>,
    pub action: ConflictAction,
    /// Extra condition on the update (`DO UPDATE … WHERE`).
    pub condition: Optional<Expr>,
}

/// An INSERT of one or more rows.
#[repr(C)]
#[derive(StableAbi, Debug, Clone, PartialEq)]
pub struct Insert {
    pub table: TableRef,
    pub columns: List<Text>,
    /// One inner vector per row, in `columns` order.
    pub rows: List<List<Expr>>,
    pub on_conflict: Optional<Conflict>,
    /// Columns to read back (generated keys, defaults), where the dialect can. A column
    /// that is also in `columns` is the model's auto-increment key, set by the caller on
    /// some rows: dialects that guard such columns (SQL Server's `IDENTITY_INSERT`) open
    /// them for this statement.
    pub returning: List<Text>,
}

/// An UPDATE.
#[repr(C)]
#[derive(StableAbi, Debug, Clone, PartialEq)]
pub struct Update {
    pub table: TableRef,
    pub set: List<Assignment>,
    pub conditions: List<Expr>,
    pub order_by: List<OrderBy>,
    pub limit: Optional<u64>,
    pub returning: List<Text>,
}

/// A DELETE.
#[repr(C)]
#[derive(StableAbi, Debug, Clone, PartialEq)]
pub struct Delete {
    pub table: TableRef,
    pub conditions: List<Expr>,
    pub order_by: List<OrderBy>,
    pub limit: Optional<u64>,
    pub returning: List<Text>,
}

impl Insert {
    /// An INSERT into `table` of the given columns, with no rows yet.
    pub fn new(table: TableRef, columns: impl IntoIterator<Item = Text>) -> Insert {
        Insert {
            table,
            columns: columns.into_iter().collect(),
            rows: List::new(),
            on_conflict: Optional::None,
            returning: List::new(),
        }
    }
}

impl Update {
    /// An UPDATE of `table` with no assignments yet.
    pub fn new(table: TableRef) -> Update {
        Update {
            table,
            set: List::new(),
            conditions: List::new(),
            order_by: List::new(),
            limit: Optional::None,
            returning: List::new(),
        }
    }
}

impl Delete {
    /// A DELETE from `table` with no conditions yet.
    pub fn new(table: TableRef) -> Delete {
        Delete {
            table,
            conditions: List::new(),
            order_by: List::new(),
            limit: Optional::None,
            returning: List::new(),
        }
    }
}
