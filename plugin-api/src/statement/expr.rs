//! Expressions: columns, bound values, operators, sub-queries and raw SQL fragments.

use crate::types::{Boxed, List, Optional, Text};
use abi_stable::StableAbi;

use super::Select;
use crate::value::{FfiValue, Value};

/// A column, optionally qualified by its table (or the table's alias).
#[repr(C)]
#[derive(StableAbi, Debug, Clone, PartialEq, Eq, Hash)]
pub struct ColumnRef {
    pub table: Optional<Text>,
    pub name: Text,
}

/// A binary operator.
#[repr(u8)]
#[derive(StableAbi, Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum BinOp {
    Eq,
    NotEq,
    Lt,
    LtEq,
    Gt,
    GtEq,
    Like,
    NotLike,
    Add,
    Sub,
    Mul,
    Div,
}

impl BinOp {
    /// The operator's SQL text.
    pub fn sql(self) -> &'static str {
        match self {
            BinOp::Eq => "=",
            BinOp::NotEq => "<>",
            BinOp::Lt => "<",
            BinOp::LtEq => "<=",
            BinOp::Gt => ">",
            BinOp::GtEq => ">=",
            BinOp::Like => "LIKE",
            BinOp::NotLike => "NOT LIKE",
            BinOp::Add => "+",
            BinOp::Sub => "-",
            BinOp::Mul => "*",
            BinOp::Div => "/",
        }
    }
}

/// SQL text with `?` placeholders and the arguments that fill them, in order.
///
/// An argument that is a [`Expr::Value`] renders as the dialect's placeholder; a
/// [`Expr::List`] expands to `(?,?,…)`; a sub-query renders inline. `??` is a literal `?`.
///
/// ```
/// use plugorm_plugin_api::statement::RawSql;
/// let r = RawSql::new("age > ? AND name = ?", [18i64.into(), "jinzhu".into()]);
/// assert_eq!(r.args.len(), 2);
/// ```
#[repr(C)]
#[derive(StableAbi, Debug, Clone, PartialEq)]
pub struct RawSql {
    pub sql: Text,
    pub args: List<Expr>,
}

impl RawSql {
    /// SQL text with values for its placeholders.
    pub fn new(sql: impl Into<Text>, values: impl IntoIterator<Item = Value>) -> RawSql {
        RawSql {
            sql: sql.into(),
            args: values.into_iter().map(Expr::value).collect(),
        }
    }
}

/// An expression.
#[repr(C, u8)]
#[derive(StableAbi, Debug, Clone, PartialEq)]
pub enum Expr {
    Column(ColumnRef),
    /// A bound parameter.
    Value(FfiValue),
    /// `*` or `table.*`.
    Star(Optional<Text>),
    /// A raw SQL fragment with its own arguments.
    Raw(RawSql),
    Binary {
        op: BinOp,
        left: Boxed<Expr>,
        right: Boxed<Expr>,
    },
    /// Conditions joined with AND; rendered in parentheses when nested in another list.
    And(List<Expr>),
    /// Conditions joined with OR.
    Or(List<Expr>),
    Not(Boxed<Expr>),
    IsNull {
        expr: Boxed<Expr>,
        negated: bool,
    },
    /// `expr IN (list)`; an empty list renders `IN (NULL)` (negated: `IS NOT NULL`).
    In {
        expr: Boxed<Expr>,
        list: List<Expr>,
        negated: bool,
    },
    /// `expr IN (SELECT …)`.
    InSelect {
        expr: Boxed<Expr>,
        query: Boxed<Select>,
        negated: bool,
    },
    Exists {
        query: Boxed<Select>,
        negated: bool,
    },
    /// A function call: `name(args…)`.
    Func {
        name: Text,
        args: List<Expr>,
    },
    /// A parenthesised list `(a, b)`, as in multi-column IN.
    List(List<Expr>),
    /// A scalar sub-query in parentheses.
    Subquery(Boxed<Select>),
    /// `expr AS alias`, for select lists.
    Alias {
        expr: Boxed<Expr>,
        alias: Text,
    },
}

impl Expr {
    /// A column qualified by its table.
    pub fn col(table: impl Into<Text>, name: impl Into<Text>) -> Expr {
        Expr::Column(ColumnRef {
            table: Optional::Some(table.into()),
            name: name.into(),
        })
    }
    /// An unqualified column.
    pub fn bare_col(name: impl Into<Text>) -> Expr {
        Expr::Column(ColumnRef {
            table: Optional::None,
            name: name.into(),
        })
    }
    /// A bound value.
    pub fn value(v: impl Into<Value>) -> Expr {
        Expr::Value(v.into().into_ffi())
    }
    /// Raw SQL with values for its `?` placeholders.
    pub fn raw(sql: impl Into<Text>, values: impl IntoIterator<Item = Value>) -> Expr {
        Expr::Raw(RawSql::new(sql, values))
    }
    fn binary(self, op: BinOp, right: Expr) -> Expr {
        Expr::Binary {
            op,
            left: Boxed::new(self),
            right: Boxed::new(right),
        }
    }
    /// `self = v`; a NULL value becomes `IS NULL`.
    pub fn eq(self, v: impl Into<Value>) -> Expr {
        let v = v.into();
        if v.is_null() {
            return Expr::IsNull {
                expr: Boxed::new(self),
                negated: false,
            };
        }
        self.binary(BinOp::Eq, Expr::value(v))
    }
    /// `self <> v`; a NULL value becomes `IS NOT NULL`.
    pub fn ne(self, v: impl Into<Value>) -> Expr {
        let v = v.into();
        if v.is_null() {
            return Expr::IsNull {
                expr: Boxed::new(self),
                negated: true,
            };
        }
        self.binary(BinOp::NotEq, Expr::value(v))
    }
    /// `self > v`.
    pub fn gt(self, v: impl Into<Value>) -> Expr {
        self.binary(BinOp::Gt, Expr::value(v))
    }
    /// `self >= v`.
    pub fn gte(self, v: impl Into<Value>) -> Expr {
        self.binary(BinOp::GtEq, Expr::value(v))
    }
    /// `self < v`.
    pub fn lt(self, v: impl Into<Value>) -> Expr {
        self.binary(BinOp::Lt, Expr::value(v))
    }
    /// `self <= v`.
    pub fn lte(self, v: impl Into<Value>) -> Expr {
        self.binary(BinOp::LtEq, Expr::value(v))
    }
    /// `self LIKE v`.
    pub fn like(self, v: impl Into<Value>) -> Expr {
        self.binary(BinOp::Like, Expr::value(v))
    }
    /// `self op other` for any two expressions.
    pub fn op(self, op: BinOp, other: Expr) -> Expr {
        self.binary(op, other)
    }
    /// `self IN (values…)`; one value renders `= ?` as GORM does.
    pub fn in_values(self, values: impl IntoIterator<Item = Value>) -> Expr {
        Expr::In {
            expr: Boxed::new(self),
            list: values.into_iter().map(Expr::value).collect(),
            negated: false,
        }
    }
    /// `self IS NULL`.
    pub fn is_null(self) -> Expr {
        Expr::IsNull {
            expr: Boxed::new(self),
            negated: false,
        }
    }
    /// `self IS NOT NULL`.
    pub fn is_not_null(self) -> Expr {
        Expr::IsNull {
            expr: Boxed::new(self),
            negated: true,
        }
    }
    /// `self AS alias`.
    pub fn alias(self, alias: impl Into<Text>) -> Expr {
        Expr::Alias {
            expr: Boxed::new(self),
            alias: alias.into(),
        }
    }
}

/// One ORDER BY item.
#[repr(C)]
#[derive(StableAbi, Debug, Clone, PartialEq)]
pub struct OrderBy {
    pub expr: Expr,
    pub desc: bool,
}

impl OrderBy {
    /// Ascending order by an expression.
    pub fn asc(expr: Expr) -> OrderBy {
        OrderBy { expr, desc: false }
    }
    /// Descending order by an expression.
    pub fn desc(expr: Expr) -> OrderBy {
        OrderBy { expr, desc: true }
    }
}

impl std::ops::Not for Expr {
    type Output = Expr;
    /// `NOT self`.
    fn not(self) -> Expr {
        Expr::Not(Boxed::new(self))
    }
}
