//! Rendering expressions and raw SQL templates.

use super::{SqlRenderer, SqlWriter};
use crate::types::Optional;
use crate::{
    statement::{Expr, RawSql},
    DbError, DbResult,
};

/// True when a raw condition needs parentheses next to other conditions (GORM wraps raw
/// strings containing AND / OR).
fn raw_needs_parens(sql: &str) -> bool {
    let upper = sql.to_ascii_uppercase();
    upper.contains(" AND ") || upper.contains(" OR ")
}

fn needs_parens_in_list(e: &Expr) -> bool {
    match e {
        Expr::And(l) | Expr::Or(l) => l.len() > 1,
        Expr::Raw(r) => raw_needs_parens(&r.sql),
        _ => false,
    }
}

/// Conditions joined with ` AND `; a compound one is parenthesised when not alone.
pub(super) fn write_condition_list<R: SqlRenderer + ?Sized>(
    r: &R,
    w: &mut SqlWriter,
    list: &[Expr],
) -> DbResult<()> {
    let alone = list.len() == 1;
    for (i, e) in list.iter().enumerate() {
        if i > 0 {
            w.push_str(" AND ");
        }
        if !alone && needs_parens_in_list(e) {
            w.push('(');
            r.write_expr(w, e)?;
            w.push(')');
        } else {
            r.write_expr(w, e)?;
        }
    }
    Ok(())
}

fn write_joined<R: SqlRenderer + ?Sized>(
    r: &R,
    w: &mut SqlWriter,
    list: &[Expr],
    sep: &str,
) -> DbResult<()> {
    let alone = list.len() == 1;
    for (i, e) in list.iter().enumerate() {
        if i > 0 {
            w.push_str(sep);
        }
        if !alone && needs_parens_in_list(e) {
            w.push('(');
            r.write_expr(w, e)?;
            w.push(')');
        } else {
            r.write_expr(w, e)?;
        }
    }
    Ok(())
}

pub(super) fn write_expr<R: SqlRenderer + ?Sized>(
    r: &R,
    w: &mut SqlWriter,
    e: &Expr,
) -> DbResult<()> {
    match e {
        Expr::Column(c) => {
            if let Optional::Some(t) = &c.table {
                r.write_ident(w, t);
                w.push('.');
            }
            if c.name.as_str() == "*" {
                w.push('*');
            } else {
                r.write_ident(w, &c.name);
            }
        }
        Expr::Value(v) => r.write_param(w, v.clone()),
        Expr::Star(table) => {
            if let Optional::Some(t) = table {
                r.write_ident(w, t);
                w.push('.');
            }
            w.push('*');
        }
        Expr::Raw(raw) => write_raw(r, w, raw)?,
        Expr::Binary { op, left, right } => {
            r.write_expr(w, left)?;
            w.push(' ');
            w.push_str(op.sql());
            w.push(' ');
            r.write_expr(w, right)?;
        }
        // An empty group is what its operator's identity says (AND of nothing is true, OR
        // of nothing false), never empty text that would leave `WHERE` dangling.
        Expr::And(list) if list.is_empty() => w.push_str("(1=1)"),
        Expr::Or(list) if list.is_empty() => w.push_str("(1=0)"),
        Expr::And(list) => write_joined(r, w, list, " AND ")?,
        Expr::Or(list) => write_joined(r, w, list, " OR ")?,
        Expr::Not(inner) => {
            w.push_str("NOT ");
            let parens = needs_parens_in_list(inner) || matches!(**inner, Expr::Binary { .. });
            if parens {
                w.push('(');
            }
            r.write_expr(w, inner)?;
            if parens {
                w.push(')');
            }
        }
        Expr::IsNull { expr, negated } => {
            r.write_expr(w, expr)?;
            w.push_str(if *negated { " IS NOT NULL" } else { " IS NULL" });
        }
        Expr::In {
            expr,
            list,
            negated,
        } => match (list.len(), *negated) {
            (0, false) => {
                r.write_expr(w, expr)?;
                w.push_str(" IN (NULL)");
            }
            (0, true) => {
                r.write_expr(w, expr)?;
                w.push_str(" IS NOT NULL");
            }
            (1, neg) if !matches!(**expr, Expr::List(_)) => {
                r.write_expr(w, expr)?;
                w.push_str(if neg { " <> " } else { " = " });
                r.write_expr(w, &list[0])?;
            }
            (_, neg) => {
                r.write_expr(w, expr)?;
                w.push_str(if neg { " NOT IN (" } else { " IN (" });
                r.write_expr_list(w, list)?;
                w.push(')');
            }
        },
        Expr::InSelect {
            expr,
            query,
            negated,
        } => {
            r.write_expr(w, expr)?;
            w.push_str(if *negated { " NOT IN (" } else { " IN (" });
            r.write_select(w, query)?;
            w.push(')');
        }
        Expr::Exists { query, negated } => {
            w.push_str(if *negated { "NOT EXISTS (" } else { "EXISTS (" });
            r.write_select(w, query)?;
            w.push(')');
        }
        Expr::Func { name, args } => {
            if !name
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '.')
            {
                return Err(DbError::Render(format!(
                    "`{name}` is not a valid function name"
                )));
            }
            w.push_str(name);
            w.push('(');
            r.write_expr_list(w, args)?;
            w.push(')');
        }
        Expr::List(list) => {
            w.push('(');
            r.write_expr_list(w, list)?;
            w.push(')');
        }
        Expr::Subquery(q) => {
            w.push('(');
            r.write_select(w, q)?;
            w.push(')');
        }
        Expr::Alias { expr, alias } => {
            r.write_expr(w, expr)?;
            w.push_str(" AS ");
            r.write_ident(w, alias);
        }
    }
    Ok(())
}

/// Writes a raw template, replacing each `?` with the next argument (`??` is a literal
/// `?`). After an opening parenthesis a list or sub-query fills the parentheses the
/// template already has; elsewhere it brings its own.
pub(crate) fn write_raw<R: SqlRenderer + ?Sized>(
    r: &R,
    w: &mut SqlWriter,
    raw: &RawSql,
) -> DbResult<()> {
    let mut args = raw.args.iter();
    let mut chars = raw.sql.chars().peekable();
    let mut prev_non_space = ' ';
    while let Some(c) = chars.next() {
        if c != '?' {
            w.push(c);
            if !c.is_whitespace() {
                prev_non_space = c;
            }
            continue;
        }
        if chars.peek() == Some(&'?') {
            chars.next();
            w.push('?');
            continue;
        }
        let arg = args.next().ok_or_else(|| {
            DbError::Render(format!(
                "`{}` has more `?` placeholders than the {} argument(s) given",
                raw.sql,
                raw.args.len()
            ))
        })?;
        let after_paren = prev_non_space == '(';
        match arg {
            Expr::List(list) if after_paren => {
                if list.is_empty() {
                    w.push_str("NULL");
                } else {
                    r.write_expr_list(w, list)?;
                }
            }
            Expr::List(list) if list.is_empty() => w.push_str("(NULL)"),
            Expr::Subquery(q) if after_paren => r.write_select(w, q)?,
            other => r.write_expr(w, other)?,
        }
        prev_non_space = '?';
    }
    if args.next().is_some() {
        return Err(DbError::Render(format!(
            "`{}` has fewer `?` placeholders than the {} argument(s) given",
            raw.sql,
            raw.args.len()
        )));
    }
    Ok(())
}
