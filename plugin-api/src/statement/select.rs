//! SELECT and its clauses.

use abi_stable::{
    std_types::{RBox, ROption, RString, RVec},
    StableAbi,
};

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
        query: RBox<Select>,
        alias: RString,
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
    pub on: ROption<Expr>,
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
    pub of: RVec<RString>,
    pub wait: LockWait,
}

/// A SELECT statement.
#[repr(C)]
#[derive(StableAbi, Debug, Clone, PartialEq)]
pub struct Select {
    pub distinct: bool,
    /// Empty means `*`.
    pub columns: RVec<SelectItem>,
    pub from: FromItem,
    pub joins: RVec<Join>,
    /// Conditions ANDed together.
    pub conditions: RVec<Expr>,
    pub group_by: RVec<Expr>,
    pub having: RVec<Expr>,
    pub order_by: RVec<OrderBy>,
    pub limit: ROption<u64>,
    pub offset: ROption<u64>,
    pub lock: ROption<Lock>,
    /// The primary-key column of the model, for dialects that need an ORDER BY to page
    /// (SQL Server); not rendered otherwise.
    pub primary_key: ROption<RString>,
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
            columns: RVec::new(),
            from: FromItem::Nothing,
            joins: RVec::new(),
            conditions: RVec::new(),
            group_by: RVec::new(),
            having: RVec::new(),
            order_by: RVec::new(),
            limit: ROption::RNone,
            offset: ROption::RNone,
            lock: ROption::RNone,
            primary_key: ROption::RNone,
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
