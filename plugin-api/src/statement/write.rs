//! INSERT, UPDATE and DELETE.

use abi_stable::{
    std_types::{ROption, RString, RVec},
    StableAbi,
};

use super::{Expr, OrderBy, TableRef};

/// `column = value` in SET or an upsert's update list.
#[repr(C)]
#[derive(StableAbi, Debug, Clone, PartialEq)]
pub struct Assignment {
    pub column: RString,
    pub value: Expr,
}

/// What an upsert does on conflict.
#[repr(C, u8)]
#[derive(StableAbi, Debug, Clone, PartialEq)]
pub enum ConflictAction {
    DoNothing,
    /// Set these columns to the values the insert proposed (`excluded.c` / `VALUES(c)`).
    UpdateColumns(RVec<RString>),
    /// Explicit assignments.
    Update(RVec<Assignment>),
}

/// An ON CONFLICT / ON DUPLICATE KEY clause.
#[repr(C)]
#[derive(StableAbi, Debug, Clone, PartialEq)]
pub struct Conflict {
    /// The conflict target columns (usually the primary key).
    pub target: RVec<RString>,
    pub action: ConflictAction,
    /// Extra condition on the update (`DO UPDATE … WHERE`).
    pub condition: ROption<Expr>,
}

/// An INSERT of one or more rows.
#[repr(C)]
#[derive(StableAbi, Debug, Clone, PartialEq)]
pub struct Insert {
    pub table: TableRef,
    pub columns: RVec<RString>,
    /// One inner vector per row, in `columns` order.
    pub rows: RVec<RVec<Expr>>,
    pub on_conflict: ROption<Conflict>,
    /// Columns to read back (generated keys, defaults), where the dialect can.
    pub returning: RVec<RString>,
}

/// An UPDATE.
#[repr(C)]
#[derive(StableAbi, Debug, Clone, PartialEq)]
pub struct Update {
    pub table: TableRef,
    pub set: RVec<Assignment>,
    pub conditions: RVec<Expr>,
    pub order_by: RVec<OrderBy>,
    pub limit: ROption<u64>,
    pub returning: RVec<RString>,
}

/// A DELETE.
#[repr(C)]
#[derive(StableAbi, Debug, Clone, PartialEq)]
pub struct Delete {
    pub table: TableRef,
    pub conditions: RVec<Expr>,
    pub order_by: RVec<OrderBy>,
    pub limit: ROption<u64>,
    pub returning: RVec<RString>,
}

impl Insert {
    /// An INSERT into `table` of the given columns, with no rows yet.
    pub fn new(table: TableRef, columns: impl IntoIterator<Item = RString>) -> Insert {
        Insert {
            table,
            columns: columns.into_iter().collect(),
            rows: RVec::new(),
            on_conflict: ROption::RNone,
            returning: RVec::new(),
        }
    }
}

impl Update {
    /// An UPDATE of `table` with no assignments yet.
    pub fn new(table: TableRef) -> Update {
        Update {
            table,
            set: RVec::new(),
            conditions: RVec::new(),
            order_by: RVec::new(),
            limit: ROption::RNone,
            returning: RVec::new(),
        }
    }
}

impl Delete {
    /// A DELETE from `table` with no conditions yet.
    pub fn new(table: TableRef) -> Delete {
        Delete {
            table,
            conditions: RVec::new(),
            order_by: RVec::new(),
            limit: ROption::RNone,
            returning: RVec::new(),
        }
    }
}
