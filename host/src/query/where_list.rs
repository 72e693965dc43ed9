//! The WHERE list of a query, combined the way GORM combines it.
//!
//! Every condition method appends one entry to a flat list, in call order. An entry made
//! by `or` is joined to the one before it by ` OR `, every other entry by ` AND `, and
//! nothing else groups: SQL's precedence (AND before OR) gives the meaning, so
//! `filter(a).or(b).filter(c)` selects `a OR b AND c`, as GORM does. Grouping is what the
//! caller asks for with a nested query (`where_group`, `or_group`, `not_group`).
//!
//! Parentheses follow GORM's text too (the `Where` rules of GORM's `clause/where.go`):
//! in a list of several entries a raw condition containing ` AND ` / ` OR ` is wrapped,
//! and a group of several conditions always is.
//!
//! The plugin API's `Expr::And` / `Expr::Or` always wrap a nested group, which would
//! print `a OR (b AND c)` for GORM's `a OR b AND c`. A list with an OR joiner is therefore
//! handed to the dialect as one raw template (`? OR ? AND ?`) whose arguments are the
//! entries themselves: the text is exactly GORM's, every entry is still a typed
//! expression a plugin can walk, and every value is still a bound parameter. Such a
//! template contains ` OR `, so the renderer wraps it when another condition joins it
//! (soft delete's `deleted_at IS NULL`), which is what GORM's soft delete does.

use plugorm_plugin_api::statement::{Expr, RawSql};

/// How an entry joins the entry before it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Joiner {
    And,
    /// An OR entry of exactly one condition (GORM's `Or(x)`).
    Or,
}

/// One entry of a [`WhereList`].
#[derive(Clone, Debug)]
struct Entry {
    joiner: Joiner,
    expr: Expr,
}

/// The conditions of a query as a flat list of entries, in call order.
#[derive(Clone, Debug, Default)]
pub(crate) struct WhereList {
    entries: Vec<Entry>,
}

impl WhereList {
    /// Appends a condition joined by AND.
    pub(crate) fn and(&mut self, expr: Expr) {
        self.entries.push(Entry {
            joiner: Joiner::And,
            expr,
        });
    }

    /// Appends a condition joined by OR to the entry before it.
    pub(crate) fn or(&mut self, expr: Expr) {
        self.entries.push(Entry {
            joiner: Joiner::Or,
            expr,
        });
    }

    /// ANDs a condition with the whole list, whatever ORs it holds: for conditions the
    /// host adds (the key of the next page), which must narrow every row the caller's
    /// conditions select. GORM's soft delete wraps the list the same way.
    pub(crate) fn and_whole(&mut self, expr: Expr) {
        let before = self.to_conditions();
        self.entries = before
            .into_iter()
            .map(|expr| Entry {
                joiner: Joiner::And,
                expr,
            })
            .collect();
        self.and(expr);
    }

    /// True when no condition was given.
    pub(crate) fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The list as one condition, for nesting into another list (GORM's
    /// `Where(db.Where(..).Or(..))`): `None` when empty. Entries keep their order and
    /// joiners (no front swap inside a group, as in GORM); the group's own parentheses
    /// come from where it is placed.
    pub(crate) fn into_group(self) -> Option<Expr> {
        let mut entries = self.entries;
        match entries.len() {
            0 => None,
            // A lone OR entry is a plain condition once nested.
            1 => entries.pop().map(|e| e.expr),
            _ if entries[1..].iter().all(|e| e.joiner == Joiner::And) => {
                Some(Expr::And(entries.into_iter().map(|e| e.expr).collect()))
            }
            _ => Some(joined(entries)),
        }
    }

    /// The conditions a statement renders, joined by AND by the renderer: the entries
    /// themselves when none is joined by OR, else one template that writes GORM's
    /// flat text.
    pub(crate) fn to_conditions(&self) -> Vec<Expr> {
        let mut entries = self.entries.clone();
        // GORM's front swap: a list must not start with an OR joiner that has nothing
        // before it, so the first entry that is not a single OR moves to the front.
        if let Some(i) = entries.iter().position(|e| e.joiner == Joiner::And) {
            entries.swap(0, i);
        }
        if entries.iter().skip(1).all(|e| e.joiner == Joiner::And) {
            return entries.into_iter().map(|e| e.expr).collect();
        }
        vec![joined(entries)]
    }
}

/// Entries written as GORM writes a list of several: ` OR ` before an OR entry, ` AND `
/// before any other, compound entries in parentheses.
fn joined(entries: Vec<Entry>) -> Expr {
    let mut sql = String::with_capacity(entries.len() * 8);
    let mut args = Vec::with_capacity(entries.len());
    for (i, e) in entries.into_iter().enumerate() {
        if i > 0 {
            sql.push_str(match e.joiner {
                Joiner::And => " AND ",
                Joiner::Or => " OR ",
            });
        }
        sql.push_str(if is_compound(&e.expr) { "(?)" } else { "?" });
        args.push(e.expr);
    }
    Expr::Raw(RawSql {
        sql: sql.into(),
        args: args.into(),
    })
}

/// Whether a condition is wrapped in parentheses next to others: raw text containing
/// ` AND ` / ` OR ` (any case), or a group of several conditions.
pub(crate) fn is_compound(e: &Expr) -> bool {
    match e {
        Expr::Raw(r) => {
            let upper = r.sql.to_ascii_uppercase();
            upper.contains(" AND ") || upper.contains(" OR ")
        }
        Expr::And(list) | Expr::Or(list) => match list.len() {
            1 => is_compound(&list[0]),
            n => n > 1,
        },
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn raw(s: &str) -> Expr {
        Expr::raw(s, [])
    }

    /// The template a list renders, with each argument's own text in place of `?`.
    fn text(e: &Expr) -> String {
        match e {
            Expr::Raw(r) => {
                let mut out = String::new();
                let mut args = r.args.iter();
                for c in r.sql.chars() {
                    match (c, r.args.is_empty()) {
                        ('?', false) => out.push_str(&args.next().map(text).unwrap_or_default()),
                        _ => out.push(c),
                    }
                }
                out
            }
            Expr::And(l) => l.iter().map(text).collect::<Vec<_>>().join(" AND "),
            Expr::Or(l) => l.iter().map(text).collect::<Vec<_>>().join(" OR "),
            other => format!("{other:?}"),
        }
    }

    fn where_text(list: &WhereList) -> String {
        let conds = list.to_conditions();
        let several = conds.len() > 1;
        conds
            .iter()
            .map(|c| match several && is_compound(c) {
                true => format!("({})", text(c)),
                false => text(c),
            })
            .collect::<Vec<_>>()
            .join(" AND ")
    }

    #[test]
    fn or_joins_only_its_neighbour() {
        let mut l = WhereList::default();
        l.and(raw("a = 1"));
        l.or(raw("b = 2"));
        l.and(raw("c = 3"));
        assert_eq!(where_text(&l), "a = 1 OR b = 2 AND c = 3");
    }

    #[test]
    fn a_leading_or_swaps_with_the_first_plain_entry() {
        let mut l = WhereList::default();
        l.or(raw("a = 1"));
        l.and(raw("b = 2"));
        assert_eq!(where_text(&l), "b = 2 OR a = 1");
        let mut only_ors = WhereList::default();
        only_ors.or(raw("a = 1"));
        only_ors.or(raw("b = 2"));
        assert_eq!(where_text(&only_ors), "a = 1 OR b = 2");
    }

    #[test]
    fn raw_text_with_and_or_is_wrapped_only_among_others() {
        let mut alone = WhereList::default();
        alone.and(raw("a = 1 OR b = 2"));
        assert_eq!(where_text(&alone), "a = 1 OR b = 2");
        let mut l = WhereList::default();
        l.and(raw("a = 1 or b = 2"));
        l.or(raw("c = 3 and d = 4"));
        assert_eq!(where_text(&l), "(a = 1 or b = 2) OR (c = 3 and d = 4)");
    }

    #[test]
    fn groups_are_parenthesised_where_the_caller_made_them() {
        let mut inner = WhereList::default();
        inner.and(raw("a = 1"));
        inner.or(raw("b = 2"));
        let mut l = WhereList::default();
        l.and(inner.clone().into_group().unwrap_or_else(|| raw("")));
        l.and(raw("c = 3"));
        assert_eq!(where_text(&l), "(a = 1 OR b = 2) AND c = 3");

        let mut both = WhereList::default();
        both.and(raw("a = 1"));
        both.and(raw("b = 2"));
        let mut l = WhereList::default();
        l.and(raw("c = 3"));
        l.or(both.into_group().unwrap_or_else(|| raw("")));
        assert_eq!(where_text(&l), "c = 3 OR (a = 1 AND b = 2)");
    }

    #[test]
    fn a_condition_added_to_the_whole_narrows_every_branch() {
        let mut l = WhereList::default();
        l.and(raw("a = 1"));
        l.or(raw("b = 2"));
        l.and_whole(raw("id > 7"));
        assert_eq!(where_text(&l), "(a = 1 OR b = 2) AND id > 7");
        let mut plain = WhereList::default();
        plain.and(raw("a = 1"));
        plain.and_whole(raw("id > 7"));
        assert_eq!(where_text(&plain), "a = 1 AND id > 7");
    }

    #[test]
    fn a_nested_lone_or_is_a_plain_condition() {
        let mut inner = WhereList::default();
        inner.or(raw("a = 1"));
        let group = inner.into_group();
        assert!(matches!(group, Some(Expr::Raw(ref r)) if r.sql.as_str() == "a = 1"));
        assert!(WhereList::default().into_group().is_none());
    }
}
