//! The prepared-statement mode (`db.prepare_stmt()`): rendered SQL cached per statement
//! shape, so the dialect's renderer runs once per shape and later statements of the same
//! shape only have their values bound.
//!
//! A statement's *shape* is the statement with every bound value taken out: the values
//! are replaced by numbered markers, in tree order. The shape (its `Debug` text, exact —
//! never a hash, so two shapes cannot share an entry) is the cache key. On a miss the
//! shape is rendered once; each parameter of the rendered SQL is then either a marker (the
//! value at that position is bound there) or a value the renderer bound itself (`LIMIT
//! $1` — part of the shape, so the same for every statement of it). A dialect that writes
//! a marker into the text instead of binding it is detected, and its statements are
//! rendered directly, uncached. The mode relies on what every renderer of this project
//! does: the SQL text of a statement depends on its structure, never on the type or
//! content of a bound value.

use std::{
    collections::HashMap,
    sync::{
        atomic::{AtomicU64, Ordering},
        Arc, Mutex,
    },
};

use plugorm_plugin_api::types::Text;
use plugorm_plugin_api::{
    statement::{ConflictAction, Expr, FromItem, OrderBy, Select, Statement},
    Dialect, FfiValue, Sql, Value,
};

use crate::Result;

/// Shapes one cache holds at most; later new shapes are rendered directly (IN lists of
/// ever-new lengths must not grow the cache without bound).
const MAX_SHAPES: usize = 4096;

/// The prefix of the marker text a value is replaced with in a shape.
const MARKER: &str = "\u{0}plugorm-prepared-value:";

/// Counters of a session's statement cache.
///
/// ```no_run
/// # use plugorm::Model;
/// # async fn run<User: Model>(db: plugorm::Db) -> Result<(), plugorm::Error> {
/// let db = db.prepare_stmt();
/// db.model::<User>().filter("age > ?", (1,)).find().await?;
/// db.model::<User>().filter("age > ?", (2,)).find().await?;
/// let stats = db.prepared_stats().unwrap();
/// assert_eq!((stats.misses, stats.hits, stats.shapes), (1, 1, 1));
/// # Ok(()) }
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct PreparedStats {
    /// Statements whose SQL came from the cache.
    pub hits: u64,
    /// Statements whose shape was rendered (the first of each shape).
    pub misses: u64,
    /// Statements rendered without being cached: the dialect wrote a value into the
    /// text, or the cache was full.
    pub uncacheable: u64,
    /// Shapes in the cache.
    pub shapes: usize,
}

/// Rendered SQL per statement shape, shared by every handle of a `prepare_stmt` session.
#[derive(Default)]
pub(crate) struct StatementCache {
    shapes: Mutex<HashMap<String, Arc<Template>>>,
    hits: AtomicU64,
    misses: AtomicU64,
    uncacheable: AtomicU64,
}

/// A shape's rendered text and where each of its parameters comes from.
#[derive(Clone)]
struct Template {
    text: Text,
    params: Vec<Slot>,
}

#[derive(Clone)]
enum Slot {
    /// The statement's value at this position (tree order).
    Value(usize),
    /// A value the renderer bound itself, part of the shape.
    Fixed(FfiValue),
}

impl std::fmt::Debug for StatementCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("StatementCache")
            .field("stats", &self.stats())
            .finish()
    }
}

impl StatementCache {
    /// The cache's counters now.
    pub(crate) fn stats(&self) -> PreparedStats {
        PreparedStats {
            hits: self.hits.load(Ordering::Relaxed),
            misses: self.misses.load(Ordering::Relaxed),
            uncacheable: self.uncacheable.load(Ordering::Relaxed),
            shapes: self.shapes.lock().map(|m| m.len()).unwrap_or(0),
        }
    }

    fn get(&self, key: &str) -> Option<Arc<Template>> {
        self.shapes.lock().ok()?.get(key).cloned()
    }

    /// Stores a template; false when the cache is full.
    fn put(&self, key: String, t: Arc<Template>) -> bool {
        match self.shapes.lock() {
            Ok(mut m) if m.len() < MAX_SHAPES => {
                m.insert(key, t);
                true
            }
            _ => false,
        }
    }
}

/// Renders `stmt` through `cache`, or directly outside prepared mode.
pub(crate) fn render(
    dialect: &dyn Dialect,
    cache: Option<&StatementCache>,
    stmt: &Statement,
) -> Result<Sql> {
    let Some(cache) = cache else {
        return Ok(dialect.render(stmt)?);
    };
    let mut shape = stmt.clone();
    let mut values = Vec::new();
    take_statement(&mut shape, &mut values);
    let key = format!("{shape:?}");
    if let Some(t) = cache.get(&key) {
        cache.hits.fetch_add(1, Ordering::Relaxed);
        return Ok(bind(&t, values));
    }
    let rendered = dialect.render(&shape)?;
    let Some(t) = template(rendered, values.len()) else {
        cache.uncacheable.fetch_add(1, Ordering::Relaxed);
        return Ok(dialect.render(stmt)?);
    };
    let counter = if cache.put(key, Arc::new(t.clone())) {
        &cache.misses
    } else {
        &cache.uncacheable
    };
    counter.fetch_add(1, Ordering::Relaxed);
    Ok(bind(&t, values))
}

/// The template of a rendered shape with `count` markers; `None` when a marker is not
/// bound exactly once (the dialect wrote it into the text, or dropped it).
fn template(sql: Sql, count: usize) -> Option<Template> {
    if sql.text.contains(MARKER) {
        return None;
    }
    let mut seen = vec![false; count];
    let mut params = Vec::with_capacity(sql.params.len());
    for p in sql.params.iter() {
        let marker = match p.as_enum() {
            Ok(Value::Text(t)) => t.as_str().strip_prefix(MARKER).map(str::parse::<usize>),
            _ => None,
        };
        match marker {
            Some(Ok(k)) if k < count && !seen[k] => {
                seen[k] = true;
                params.push(Slot::Value(k));
            }
            Some(_) => return None,
            None => params.push(Slot::Fixed(p.clone())),
        }
    }
    if seen.iter().any(|s| !s) {
        return None;
    }
    Some(Template {
        text: sql.text,
        params,
    })
}

/// The SQL of a template with a statement's values bound.
fn bind(t: &Template, values: Vec<FfiValue>) -> Sql {
    let mut values: Vec<Option<FfiValue>> = values.into_iter().map(Some).collect();
    let params = t
        .params
        .iter()
        .map(|slot| match slot {
            Slot::Value(k) => values
                .get_mut(*k)
                .and_then(Option::take)
                .unwrap_or_else(|| Value::Null.into_ffi()),
            Slot::Fixed(v) => v.clone(),
        })
        .collect();
    Sql {
        text: t.text.clone(),
        params,
    }
}

fn take_statement(s: &mut Statement, out: &mut Vec<FfiValue>) {
    match s {
        Statement::Select(sel) => take_select(sel, out),
        Statement::Insert(ins) => {
            for row in ins.rows.iter_mut() {
                take_all(row, out);
            }
            if let plugorm_plugin_api::types::Optional::Some(c) = &mut ins.on_conflict {
                if let ConflictAction::Update(set) = &mut c.action {
                    for a in set.iter_mut() {
                        take(&mut a.value, out);
                    }
                }
                if let plugorm_plugin_api::types::Optional::Some(e) = &mut c.condition {
                    take(e, out);
                }
            }
        }
        Statement::Update(u) => {
            for a in u.set.iter_mut() {
                take(&mut a.value, out);
            }
            take_all(&mut u.conditions, out);
            take_order(&mut u.order_by, out);
        }
        Statement::Delete(d) => {
            take_all(&mut d.conditions, out);
            take_order(&mut d.order_by, out);
        }
        Statement::Raw(r) => take_all(&mut r.args, out),
    }
}

fn take_select(s: &mut Select, out: &mut Vec<FfiValue>) {
    for c in s.columns.iter_mut() {
        take(&mut c.expr, out);
    }
    take_from(&mut s.from, out);
    for j in s.joins.iter_mut() {
        take_from(&mut j.target, out);
        if let plugorm_plugin_api::types::Optional::Some(on) = &mut j.on {
            take(on, out);
        }
    }
    take_all(&mut s.conditions, out);
    take_all(&mut s.group_by, out);
    take_all(&mut s.having, out);
    take_order(&mut s.order_by, out);
}

fn take_from(f: &mut FromItem, out: &mut Vec<FfiValue>) {
    match f {
        FromItem::Subquery { query, .. } => take_select(query, out),
        FromItem::Raw(r) => take_all(&mut r.args, out),
        FromItem::Nothing | FromItem::Table(_) => {}
    }
}

fn take_order(list: &mut [OrderBy], out: &mut Vec<FfiValue>) {
    for o in list.iter_mut() {
        take(&mut o.expr, out);
    }
}

fn take_all(list: &mut [Expr], out: &mut Vec<FfiValue>) {
    for e in list.iter_mut() {
        take(e, out);
    }
}

/// Replaces every value in `e` with the next marker, collecting the values in order.
fn take(e: &mut Expr, out: &mut Vec<FfiValue>) {
    match e {
        Expr::Value(v) => {
            let marker = Value::Text(format!("{MARKER}{}", out.len()).into()).into_ffi();
            out.push(std::mem::replace(v, marker));
        }
        Expr::Raw(r) => take_all(&mut r.args, out),
        Expr::Binary { left, right, .. } => {
            take(left, out);
            take(right, out);
        }
        Expr::And(l) | Expr::Or(l) | Expr::List(l) => take_all(l, out),
        Expr::Func { args, .. } => take_all(args, out),
        Expr::Not(inner) => take(inner, out),
        Expr::IsNull { expr, .. } => take(expr, out),
        Expr::Alias { expr, .. } => take(expr, out),
        Expr::In { expr, list, .. } => {
            take(expr, out);
            take_all(list, out);
        }
        Expr::InSelect { expr, query, .. } => {
            take(expr, out);
            take_select(query, out);
        }
        Expr::Exists { query, .. } | Expr::Subquery(query) => take_select(query, out),
        Expr::Column(_) | Expr::Star(_) => {}
    }
}
