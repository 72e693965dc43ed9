//! [`Column`]: a typed handle to one column of a model, so conditions, orders and
//! selections built dynamically (under `if`s) are still checked by the compiler.
//!
//! `#[derive(Model)]` generates one per field as an associated constant named after the
//! field in upper case (`User::AGE`, `User::NAME`).

use std::marker::PhantomData;

use plugorm_plugin_api::statement::{BinOp, Expr, OrderBy};
use plugorm_plugin_api::types::Boxed;

use super::{FieldType, Model};

/// Column `name` of model `M`, holding values of type `V` — any [`FieldType`], so a
/// handle works for user types (an enum stored as text) as well as the built-in ones.
///
/// ```
/// # use plugorm::model::Column;
/// # use plugorm::plugin_api::statement::Expr;
/// # fn demo<User: plugorm::Model>() {
/// let age: Column<User, i32> = Column::new("age");
/// let adult: Expr = age.gte(18);          // `users`.`age` >= ?
/// let by_age = age.desc();                // ORDER BY `users`.`age` DESC
/// # }
/// ```
pub struct Column<M, V> {
    name: &'static str,
    _types: PhantomData<fn() -> (M, V)>,
}

impl<M, V> Clone for Column<M, V> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<M, V> Copy for Column<M, V> {}

impl<M, V> std::fmt::Debug for Column<M, V> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Column({})", self.name)
    }
}

impl<M: Model, V: FieldType> Column<M, V> {
    /// The handle of column `name` (as the derive generates it).
    pub const fn new(name: &'static str) -> Self {
        Column {
            name,
            _types: PhantomData,
        }
    }

    /// The column name.
    pub fn name(&self) -> &'static str {
        self.name
    }

    /// `table.column`, qualified by the model's table.
    pub fn expr(&self) -> Expr {
        Expr::col(M::schema().table.as_str(), self.name)
    }

    /// `= v` (`IS NULL` for a NULL value).
    pub fn eq(&self, v: impl Into<V>) -> Expr {
        self.expr().eq(v.into().to_value())
    }
    /// `<> v`.
    pub fn ne(&self, v: impl Into<V>) -> Expr {
        self.expr().ne(v.into().to_value())
    }
    /// `> v`.
    pub fn gt(&self, v: impl Into<V>) -> Expr {
        self.expr().gt(v.into().to_value())
    }
    /// `>= v`.
    pub fn gte(&self, v: impl Into<V>) -> Expr {
        self.expr().gte(v.into().to_value())
    }
    /// `< v`.
    pub fn lt(&self, v: impl Into<V>) -> Expr {
        self.expr().lt(v.into().to_value())
    }
    /// `<= v`.
    pub fn lte(&self, v: impl Into<V>) -> Expr {
        self.expr().lte(v.into().to_value())
    }
    /// `LIKE pattern`.
    pub fn like(&self, pattern: &str) -> Expr {
        self.expr().op(BinOp::Like, Expr::value(pattern))
    }
    /// `IN (values…)` (`= ?` for one value, `IN (NULL)` for none).
    pub fn in_<I: Into<V>>(&self, values: impl IntoIterator<Item = I>) -> Expr {
        self.expr()
            .in_values(values.into_iter().map(|v| v.into().to_value()))
    }
    /// `NOT IN (values…)`.
    pub fn not_in<I: Into<V>>(&self, values: impl IntoIterator<Item = I>) -> Expr {
        let list = values
            .into_iter()
            .map(|v| Expr::value(v.into().to_value()))
            .collect();
        Expr::In {
            expr: Boxed::new(self.expr()),
            list,
            negated: true,
        }
    }
    /// `BETWEEN`, as `>= low AND <= high`.
    pub fn between(&self, low: impl Into<V>, high: impl Into<V>) -> Expr {
        Expr::And(vec![self.gte(low), self.lte(high)].into())
    }
    /// `IS NULL`.
    pub fn is_null(&self) -> Expr {
        self.expr().is_null()
    }
    /// `IS NOT NULL`.
    pub fn is_not_null(&self) -> Expr {
        self.expr().is_not_null()
    }
    /// Ascending order.
    pub fn asc(&self) -> OrderBy {
        OrderBy::asc(self.expr())
    }
    /// Descending order.
    pub fn desc(&self) -> OrderBy {
        OrderBy::desc(self.expr())
    }
}
