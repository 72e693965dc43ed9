//! SELECT and its clauses.

use crate::types::{Boxed, List, Optional, Text};
use abi_stable::StableAbi;

use super::{Expr, OrderBy, TableRef};

/// What a SELECT reads from.
#[repr(C, u8)]
#[derive(StableAbi, Debug, Clone, PartialEq)]
pub enum FromItem {
    /// No FROM clause (`SELECT 1`).
    Nothing,
    Table(TableRef),
    /// A sub-query with an alias.
    Subquery {
        query: Boxed<Select>,
        alias: Text,
    },
    /// Raw text, as in `db.table("users u")`.
    Raw(super::RawSql),
}

/// One item of the select list.
#[repr(C)]
#[derive(StableAbi, Debug, Clone, PartialEq)]
pub struct SelectItem {
    pub expr: Expr,
}

/// The kind of a JOIN.
#[repr(u8)]
#[derive(StableAbi, Debug, Clone, Copy, PartialEq, Eq)]
pub enum JoinKind {
    Inner,
    Left,
    Right,
    Cross,
}

/// A JOIN: a table or sub-query with its ON condition, or raw join text.
#[repr(C)]
#[derive(StableAbi, Debug, Clone, PartialEq)]
pub struct Join {
    pub kind: JoinKind,
    pub target: FromItem,
    pub on: Optional<Expr>,
}

/// Row-lock strength.
#[repr(u8)]
#[derive(StableAbi, Debug, Clone, Copy, PartialEq, Eq)]
pub enum LockStrength {
    Update,
    Share,
    NoKeyUpdate,
    KeyShare,
}

/// What a row lock does when the row is already locked.
#[repr(u8)]
#[derive(StableAbi, Debug, Clone, Copy, PartialEq, Eq)]
pub enum LockWait {
    Wait,
    NoWait,
    SkipLocked,
}

/// A locking clause (`FOR UPDATE OF t NOWAIT`).
#[repr(C)]
#[derive(StableAbi, Debug, Clone, PartialEq)]
pub struct Lock {
    pub strength: LockStrength,
    pub of: List<Text>,
    pub wait: LockWait,
}

/// A SELECT statement.
#[repr(C)]
#[derive(StableAbi, Debug, Clone, PartialEq)]
pub struct Select {
    pub distinct: bool,
    /// Empty means `*`.
    pub columns: List<SelectItem>,
    pub from: FromItem,
    pub joins: List<Join>,
    /// Conditions ANDed together.
    pub conditions: List<Expr>,
    pub group_by: List<Expr>,
    pub having: List<Expr>,
    pub order_by: List<OrderBy>,
    pub limit: Optional<u64>,
    pub offset: Optional<u64>,
    pub lock: Optional<Lock>,
    /// The primary-key column of the model, for dialects that need an ORDER BY to page
    /// (SQL Server); not rendered otherwise.
    pub primary_key: Optional<Text>,
}

impl Select {
    /// `SELECT * FROM table`.
    pub fn from_table(table: TableRef) -> Select {
        Select {
            from: FromItem::Table(table),
            ..Select::empty()
        }
    }

    /// A SELECT with no FROM and nothing selected yet.
    pub fn empty() -> Select {
        Select {
            distinct: false,
            columns: List::new(),
            from: FromItem::Nothing,
            joins: List::new(),
            conditions: List::new(),
            group_by: List::new(),
            having: List::new(),
            order_by: List::new(),
            limit: Optional::None,
            offset: Optional::None,
            lock: Optional::None,
            primary_key: Optional::None,
        }
    }

    /// Adds a condition (ANDed with the others).
    pub fn filter(&mut self, cond: Expr) -> &mut Self {
        self.conditions.push(cond);
        self
    }

    /// Adds an item to the select list.
    pub fn column(&mut self, expr: Expr) -> &mut Self {
        self.columns.push(SelectItem { expr });
        self
    }
}
