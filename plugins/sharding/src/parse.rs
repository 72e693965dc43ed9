//! Reading SQL text with the `sqlparser` crate: the raw SQL a user runs, and the raw
//! fragments of statements the host built (`where("user_id = ?", …)`). What is read: the
//! one table a statement works on, the value its WHERE gives a column with `=`, the key
//! values of an INSERT's rows; and where the table's name stands in the text, so it can
//! be replaced without reformatting the rest.

use std::ops::ControlFlow;

use sqlparser::{
    ast::{
        self, visit_expressions, visit_relations, BinaryOperator, Expr, FromTable, ObjectName,
        ObjectNamePart, SetExpr, TableFactor, TableObject,
    },
    dialect::GenericDialect,
    parser::Parser,
    tokenizer::Location,
};

use plugorm_plugin_api::{statement::Expr as TreeExpr, value::from_ffi, Value};

/// What a statement of raw text is.
#[derive(Debug)]
pub(crate) enum RawKind {
    /// A SELECT, UPDATE or DELETE on one table, with its WHERE.
    Filtered {
        table: String,
        selection: Option<Box<Expr>>,
    },
    /// An INSERT into one table: its columns and each row's expressions.
    Insert {
        table: String,
        columns: Vec<String>,
        rows: Vec<Vec<Expr>>,
    },
    /// Anything else (several tables, a sub-query as FROM, DDL): left alone.
    Other,
}

/// One statement of raw text, read.
pub(crate) struct RawStatement {
    pub kind: RawKind,
    statement: ast::Statement,
    /// Where each `?` stands, in text order.
    placeholders: Vec<Location>,
}

/// Parses one statement; `None` when the text is no SQL the parser knows (it then runs
/// as it is, as GORM's sharding lets unparsable SQL through).
pub(crate) fn parse_statement(sql: &str) -> Option<RawStatement> {
    let mut statements = Parser::parse_sql(&GenericDialect {}, sql).ok()?;
    if statements.len() != 1 {
        return None;
    }
    let statement = statements.pop()?;
    let kind = kind_of(&statement);
    let placeholders = placeholders(&statement);
    Some(RawStatement {
        kind,
        statement,
        placeholders,
    })
}

/// Parses a condition fragment (`user_id = ? AND id > ?`).
pub(crate) fn parse_condition(sql: &str) -> Option<(Expr, Vec<Location>)> {
    let expr = Parser::new(&GenericDialect {})
        .try_with_sql(sql)
        .ok()?
        .parse_expr()
        .ok()?;
    let places = placeholders(&expr);
    Some((expr, places))
}

fn placeholders<V: ast::Visit>(node: &V) -> Vec<Location> {
    let mut found = Vec::new();
    let _ = visit_expressions(node, |e| {
        if let Expr::Value(v) = e {
            if matches!(&v.value, ast::Value::Placeholder(p) if p == "?") {
                found.push(v.span.start);
            }
        }
        ControlFlow::<()>::Continue(())
    });
    found.sort_by_key(|l| (l.line, l.column));
    found
}

fn last_name(name: &ObjectName) -> Option<String> {
    match name.0.last()? {
        ObjectNamePart::Identifier(ident) => Some(ident.value.clone()),
        _ => None,
    }
}

fn single_table(from: &[ast::TableWithJoins]) -> Option<String> {
    match from {
        [only] if only.joins.is_empty() => match &only.relation {
            TableFactor::Table { name, .. } => last_name(name),
            _ => None,
        },
        _ => None,
    }
}

fn kind_of(statement: &ast::Statement) -> RawKind {
    match statement {
        ast::Statement::Query(q) => match q.body.as_ref() {
            SetExpr::Select(s) => match single_table(&s.from) {
                Some(table) => RawKind::Filtered {
                    table,
                    selection: s.selection.clone().map(Box::new),
                },
                None => RawKind::Other,
            },
            _ => RawKind::Other,
        },
        ast::Statement::Update {
            table, selection, ..
        } => match single_table(std::slice::from_ref(table)) {
            Some(table) => RawKind::Filtered {
                table,
                selection: selection.clone().map(Box::new),
            },
            None => RawKind::Other,
        },
        ast::Statement::Delete(d) => {
            let from = match &d.from {
                FromTable::WithFromKeyword(f) | FromTable::WithoutKeyword(f) => f,
            };
            match single_table(from) {
                Some(table) if d.tables.is_empty() => RawKind::Filtered {
                    table,
                    selection: d.selection.clone().map(Box::new),
                },
                _ => RawKind::Other,
            }
        }
        ast::Statement::Insert(ins) => {
            let TableObject::TableName(name) = &ins.table else {
                return RawKind::Other;
            };
            let (Some(table), Some(source)) = (last_name(name), ins.source.as_ref()) else {
                return RawKind::Other;
            };
            let SetExpr::Values(values) = source.body.as_ref() else {
                return RawKind::Other;
            };
            RawKind::Insert {
                table,
                columns: ins.columns.iter().map(|c| c.value.clone()).collect(),
                rows: values.rows.clone(),
            }
        }
        _ => RawKind::Other,
    }
}

/// The value a `?` at `at` is bound to, or a literal's value.
pub(crate) fn value_of(expr: &Expr, placeholders: &[Location], args: &[TreeExpr]) -> Option<Value> {
    let Expr::Value(v) = expr else {
        return match expr {
            Expr::Nested(inner) => value_of(inner, placeholders, args),
            Expr::UnaryOp {
                op: ast::UnaryOperator::Minus,
                expr,
            } => match value_of(expr, placeholders, args)? {
                Value::I64(i) => Some(Value::I64(-i)),
                _ => None,
            },
            _ => None,
        };
    };
    match &v.value {
        ast::Value::Number(n, _) => n.parse::<i64>().ok().map(Value::I64),
        ast::Value::SingleQuotedString(s) => Some(Value::from(s.as_str())),
        ast::Value::Placeholder(p) if p == "?" => {
            let index = placeholders.iter().position(|l| *l == v.span.start)?;
            match args.get(index)? {
                TreeExpr::Value(v) => from_ffi(v).ok().cloned(),
                _ => None,
            }
        }
        _ => None,
    }
}

/// The values `column` is given with `=` in the AND-chain of `selection` (an OR, a
/// negation or another operator does not count: it does not pin one shard).
pub(crate) fn equalities<'e>(selection: &'e Expr, column: &str, out: &mut Vec<&'e Expr>) {
    match selection {
        Expr::BinaryOp {
            left,
            op: BinaryOperator::And,
            right,
        } => {
            equalities(left, column, out);
            equalities(right, column, out);
        }
        Expr::Nested(inner) => equalities(inner, column, out),
        Expr::BinaryOp {
            left,
            op: BinaryOperator::Eq,
            right,
        } => {
            if names(left, column) {
                out.push(right);
            } else if names(right, column) {
                out.push(left);
            }
        }
        _ => {}
    }
}

/// True when `e` is the column `column` (bare or qualified).
fn names(e: &Expr, column: &str) -> bool {
    match e {
        Expr::Identifier(i) => i.value.eq_ignore_ascii_case(column),
        Expr::CompoundIdentifier(parts) => parts
            .last()
            .is_some_and(|i| i.value.eq_ignore_ascii_case(column)),
        _ => false,
    }
}

impl RawStatement {
    /// The value of a `?` or literal expression of this statement.
    pub(crate) fn value(&self, expr: &Expr, args: &[TreeExpr]) -> Option<Value> {
        value_of(expr, &self.placeholders, args)
    }

    /// `sql` with every mention of table `from` (as the statement's table, and as the
    /// qualifier of a column) replaced by `to`, quotes kept; `None` when a mention's
    /// place in the text is unknown.
    pub(crate) fn rename_table(&self, sql: &str, from: &str, to: &str) -> Option<String> {
        let mut spans: Vec<ast::Ident> = Vec::new();
        let _ = visit_relations(&self.statement, |name| {
            if let Some(ObjectNamePart::Identifier(ident)) = name.0.last() {
                if ident.value.eq_ignore_ascii_case(from) {
                    spans.push(ident.clone());
                }
            }
            ControlFlow::<()>::Continue(())
        });
        if let ast::Statement::Insert(ins) = &self.statement {
            if let TableObject::TableName(name) = &ins.table {
                if let Some(ObjectNamePart::Identifier(ident)) = name.0.last() {
                    if ident.value.eq_ignore_ascii_case(from)
                        && !spans.iter().any(|i| i.span == ident.span)
                    {
                        spans.push(ident.clone());
                    }
                }
            }
        }
        let _ = visit_expressions(&self.statement, |e| {
            if let Expr::CompoundIdentifier(parts) = e {
                if parts.len() >= 2 {
                    let qualifier = &parts[parts.len() - 2];
                    if qualifier.value.eq_ignore_ascii_case(from) {
                        spans.push(qualifier.clone());
                    }
                }
            }
            ControlFlow::<()>::Continue(())
        });
        let lines = line_starts(sql);
        let mut edits = Vec::new();
        for ident in &spans {
            let start = offset(sql, &lines, ident.span.start)?;
            let end = offset(sql, &lines, ident.span.end)?;
            let text = match ident.quote_style {
                Some('[') => format!("[{to}]"),
                Some(q) => format!("{q}{to}{q}"),
                None => to.to_string(),
            };
            edits.push((start, end, text));
        }
        edits.sort_by_key(|e| std::cmp::Reverse(e.0));
        edits.dedup_by_key(|e| e.0);
        let mut out = sql.to_string();
        for (start, end, text) in edits {
            out.replace_range(start..end, &text);
        }
        Some(out)
    }
}

fn line_starts(sql: &str) -> Vec<usize> {
    std::iter::once(0)
        .chain(sql.match_indices('\n').map(|(i, _)| i + 1))
        .collect()
}

/// The byte offset of a (1-based line, 1-based character column) location.
fn offset(sql: &str, lines: &[usize], at: Location) -> Option<usize> {
    if at.line == 0 || at.column == 0 {
        return None;
    }
    let start = *lines.get(usize::try_from(at.line - 1).ok()?)?;
    let column = usize::try_from(at.column - 1).ok()?;
    let rest = &sql[start..];
    if column == rest.chars().count() {
        return Some(sql.len());
    }
    rest.char_indices().nth(column).map(|(i, _)| start + i)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rename(sql: &str) -> String {
        parse_statement(sql)
            .unwrap()
            .rename_table(sql, "orders", "orders_1")
            .unwrap()
    }

    #[test]
    fn the_table_and_its_qualifiers_are_renamed_in_place() {
        assert_eq!(
            rename("SELECT * FROM orders WHERE orders.user_id = ? AND users.id = 2"),
            "SELECT * FROM orders_1 WHERE orders_1.user_id = ? AND users.id = 2"
        );
        assert_eq!(
            rename("UPDATE \"orders\" SET product = 'orders' WHERE \"orders\".\"user_id\" = 5"),
            "UPDATE \"orders_1\" SET product = 'orders' WHERE \"orders_1\".\"user_id\" = 5"
        );
        assert_eq!(
            rename("INSERT INTO `orders` (`user_id`, id) VALUES (?, ?)"),
            "INSERT INTO `orders_1` (`user_id`, id) VALUES (?, ?)"
        );
        assert_eq!(
            rename("DELETE FROM orders\nWHERE (orders.user_id = 1 OR orders.id IN (1, 2))"),
            "DELETE FROM orders_1\nWHERE (orders_1.user_id = 1 OR orders_1.id IN (1, 2))"
        );
    }

    #[test]
    fn equalities_in_the_and_chain_only() {
        let (e, places) = parse_condition("id > ? AND (user_id = ?) AND name = 'x'").unwrap();
        let mut found = Vec::new();
        equalities(&e, "user_id", &mut found);
        let args = [TreeExpr::value(1i64), TreeExpr::value(7i64)];
        assert_eq!(found.len(), 1);
        assert_eq!(value_of(found[0], &places, &args), Some(Value::I64(7)));
        let (e, _) = parse_condition("user_id = 1 OR user_id = 2").unwrap();
        let mut found = Vec::new();
        equalities(&e, "user_id", &mut found);
        assert!(found.is_empty());
        let (e, _) = parse_condition("user_id <> 3").unwrap();
        let mut found = Vec::new();
        equalities(&e, "user_id", &mut found);
        assert!(found.is_empty());
    }

    #[test]
    fn what_is_not_one_table_is_other() {
        for sql in [
            "SELECT * FROM orders o JOIN users u ON u.id = o.user_id",
            "SELECT * FROM (SELECT * FROM orders) t",
            "CREATE TABLE x (id int)",
        ] {
            assert!(
                matches!(parse_statement(sql).unwrap().kind, RawKind::Other),
                "{sql}"
            );
        }
        assert!(parse_statement("SELEC nothing").is_none());
        assert!(parse_statement("SELECT 1; SELECT 2").is_none());
    }
}
