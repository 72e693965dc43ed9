//! The values an attribute entry takes: strings, integers, booleans, defaults.

use syn::{meta::ParseNestedMeta, spanned::Spanned, Expr, ExprLit, ExprUnary, Lit, LitStr, UnOp};

/// The expression after `key =`, with an error naming the key when `=` is missing.
fn value_expr(meta: &ParseNestedMeta<'_>, key: &str, example: &str) -> syn::Result<Expr> {
    if !meta.input.peek(syn::Token![=]) {
        return Err(meta.error(format!("`{key}` takes a value: write `{key} = {example}`")));
    }
    meta.value()?.parse::<Expr>()
}

/// `key = "text"`.
pub(crate) fn string(meta: &ParseNestedMeta<'_>, key: &str) -> syn::Result<LitStr> {
    let expr = value_expr(meta, key, "\"…\"")?;
    match expr {
        Expr::Lit(ExprLit {
            lit: Lit::Str(s), ..
        }) => Ok(s),
        other => Err(syn::Error::new(
            other.span(),
            format!("`{key}` takes a string literal, e.g. `{key} = \"…\"`"),
        )),
    }
}

/// `key = "text"` where the text must not be blank.
pub(crate) fn non_empty_string(meta: &ParseNestedMeta<'_>, key: &str) -> syn::Result<LitStr> {
    let s = string(meta, key)?;
    if s.value().trim().is_empty() {
        return Err(syn::Error::new(
            s.span(),
            format!("`{key}` cannot be empty"),
        ));
    }
    Ok(s)
}

/// `key = 123` (an integer that fits `u32`).
pub(crate) fn u32_value(meta: &ParseNestedMeta<'_>, key: &str) -> syn::Result<u32> {
    let expr = value_expr(meta, key, "64")?;
    match &expr {
        Expr::Lit(ExprLit {
            lit: Lit::Int(i), ..
        }) => i.base10_parse::<u32>().map_err(|_| {
            syn::Error::new(
                i.span(),
                format!("`{key}` must be an integer from 0 to {}", u32::MAX),
            )
        }),
        other => Err(syn::Error::new(
            other.span(),
            format!("`{key}` takes an integer, e.g. `{key} = 64`"),
        )),
    }
}

/// `key = -5` / `key = 10` (a signed integer).
pub(crate) fn i64_value(meta: &ParseNestedMeta<'_>, key: &str) -> syn::Result<i64> {
    let expr = value_expr(meta, key, "10")?;
    let (negative, lit) = match &expr {
        Expr::Unary(ExprUnary {
            op: UnOp::Neg(_),
            expr,
            ..
        }) => (true, expr.as_ref()),
        e => (false, e),
    };
    match lit {
        Expr::Lit(ExprLit {
            lit: Lit::Int(i), ..
        }) => {
            let v = i
                .base10_parse::<i64>()
                .map_err(|e| syn::Error::new(i.span(), e))?;
            Ok(if negative { -v } else { v })
        }
        _ => Err(syn::Error::new(
            expr.span(),
            format!("`{key}` takes an integer, e.g. `{key} = 10`"),
        )),
    }
}

/// A bare flag (`true`) or `key = true` / `key = false`.
pub(crate) fn flag_or_bool(meta: &ParseNestedMeta<'_>, key: &str) -> syn::Result<bool> {
    if !meta.input.peek(syn::Token![=]) {
        return Ok(true);
    }
    match meta.value()?.parse::<Expr>()? {
        Expr::Lit(ExprLit {
            lit: Lit::Bool(b), ..
        }) => Ok(b.value),
        other => Err(syn::Error::new(
            other.span(),
            format!("`{key}` is a flag: write `{key}` or `{key} = false`"),
        )),
    }
}

/// A flag, a boolean or a string mode: `key`, `key = false`, `key = "milli"`.
pub(crate) enum FlagOrMode {
    Flag(bool),
    Mode(LitStr),
}

pub(crate) fn flag_or_mode(meta: &ParseNestedMeta<'_>, key: &str) -> syn::Result<FlagOrMode> {
    if !meta.input.peek(syn::Token![=]) {
        return Ok(FlagOrMode::Flag(true));
    }
    match meta.value()?.parse::<Expr>()? {
        Expr::Lit(ExprLit {
            lit: Lit::Bool(b), ..
        }) => Ok(FlagOrMode::Flag(b.value)),
        Expr::Lit(ExprLit {
            lit: Lit::Str(s), ..
        }) => Ok(FlagOrMode::Mode(s)),
        other => Err(syn::Error::new(
            other.span(),
            format!("`{key}` takes no value, `false`, or a mode string such as `\"milli\"`"),
        )),
    }
}

/// `default = <literal>`: the SQL text of a literal default. A string becomes a quoted
/// SQL string (`'draft'`); numbers and booleans are written as they are.
pub(crate) fn default_literal(meta: &ParseNestedMeta<'_>) -> syn::Result<String> {
    let expr = value_expr(meta, "default", "0")?;
    let (negative, inner) = match &expr {
        Expr::Unary(ExprUnary {
            op: UnOp::Neg(_),
            expr,
            ..
        }) => (true, expr.as_ref()),
        e => (false, e),
    };
    let bad = || {
        syn::Error::new(
            expr.span(),
            "`default` takes a literal (`default = 0`, `default = \"draft\"`, `default = true`); \
             write SQL such as CURRENT_TIMESTAMP with `default_sql = \"…\"`",
        )
    };
    let Expr::Lit(ExprLit { lit, .. }) = inner else {
        return Err(bad());
    };
    let text = match lit {
        Lit::Int(i) => i.base10_digits().to_string(),
        Lit::Float(f) => f.base10_digits().to_string(),
        Lit::Bool(b) if !negative => b.value.to_string(),
        Lit::Str(s) if !negative => format!("'{}'", s.value().replace('\'', "''")),
        _ => return Err(bad()),
    };
    Ok(if negative { format!("-{text}") } else { text })
}
