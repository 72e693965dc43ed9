//! Builders for the golden models (`users`, `products`, …) and the rendering helper.

use plugorm_plugin_api::{
    statement::{Expr, OrderBy, RawSql, Select, Statement, TableRef},
    Dialect, Value,
};
use plugorm_sqlserver::SqlServerDialect;

/// The columns of `users` after `id`, in schema order.
pub const USER_COLUMNS: [&str; 7] = [
    "created_at",
    "updated_at",
    "deleted_at",
    "name",
    "age",
    "active",
    "company_id",
];

/// The statement's text as the dialect renders it, with the number of parameters.
pub fn render(stmt: Statement) -> (String, usize) {
    let sql = SqlServerDialect::new()
        .render(&stmt)
        .unwrap_or_else(|e| panic!("render failed: {e}"));
    (sql.text.to_string(), sql.params.len())
}

/// The statement's text.
pub fn text(stmt: Statement) -> String {
    render(stmt).0
}

/// `SELECT * FROM "<table>"` of a model whose key is `id`.
pub fn model(table: &str) -> Select {
    let mut q = Select::from_table(TableRef::new(table));
    q.primary_key = Some("id".into()).into();
    q
}

/// `"<table>"."deleted_at" IS NULL`.
pub fn alive(table: &str) -> Expr {
    Expr::col(table, "deleted_at").is_null()
}

/// A raw condition with values.
pub fn raw(sql: &str, values: impl IntoIterator<Item = Value>) -> Expr {
    Expr::raw(sql, values)
}

/// A raw condition with expression arguments (lists, sub-queries).
pub fn raw_args(sql: &str, args: Vec<Expr>) -> Expr {
    Expr::Raw(RawSql {
        sql: sql.into(),
        args: args.into(),
    })
}

/// A list of bound values.
pub fn list(values: impl IntoIterator<Item = Value>) -> Expr {
    Expr::List(values.into_iter().map(Expr::value).collect())
}

/// `ORDER BY "<table>"."id"` and a limit of 1: what First adds.
pub fn first(q: &mut Select, table: &str) {
    q.order_by.push(OrderBy::asc(Expr::col(table, "id")));
    q.limit = Some(1).into();
}
