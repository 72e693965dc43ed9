//! Preloading (GORM's `Preload`): after a query found its records, each requested
//! relation is loaded with one `IN` query per relation level — never one query per row —
//! and the related records are handed to their owners through a hash map.
//!
//! ```no_run
//! # use plugorm::Model;
//! # #[derive(Model, Debug, Default, Clone)] struct Toy { id: i64, pet_id: i64 }
//! # #[derive(Model, Debug, Default, Clone)] struct Pet { id: i64, user_id: i64, name: String, toys: Vec<Toy> }
//! # #[derive(Model, Debug, Default, Clone)] struct User { id: i64, pets: Vec<Pet> }
//! # async fn run(db: plugorm::Db) -> plugorm::Result<()> {
//! let users: Vec<User> = db.model::<User>()
//!     .preload("Pets.Toys")                                   // two queries: pets, then toys
//!     .find().await?;
//! let named: Vec<User> = db.model::<User>()
//!     .preload_with("Pets", |q: plugorm::Query<Pet>| q.filter("name <> ?", ("rex",)).order("name"))
//!     .find().await?;
//! # Ok(()) }
//! ```
//!
//! Joins preloading ([`crate::Query::join_relation`], module `joins`) reads a has-one or
//! belongs-to relation in the owners' own query instead.
//!
//! Key sets larger than the dialect's parameter limit (`Capabilities::max_params`) are
//! split into several `IN` queries; nested levels then run once over all the records the
//! chunks found.

mod api;
pub(crate) mod direct;
pub(crate) mod joins;
pub(crate) mod through;

pub(crate) use crate::relation::{PreloadNode, PreloadRequest};
pub(crate) use api::load_requested;

use std::sync::Arc;

use plugorm_plugin_api::{statement::Expr, Value};

use crate::{relation, Db, Model, Query, Result};

/// A preload condition on the related model's query.
pub(crate) type Scope<C> = Arc<dyn Fn(Query<C>) -> Query<C> + Send + Sync>;

/// Loads the relations `nodes` names into `items`.
pub(crate) async fn run<T: Model>(db: &Db, items: &mut [T], nodes: &[PreloadNode]) -> Result<()> {
    if items.is_empty() {
        return Ok(());
    }
    for node in nodes {
        if node.all {
            for rel in T::relations() {
                let r = rel.resolved()?;
                let plain = PreloadNode::named(rel.name());
                rel.ops.preload(db, items, r, &plain).await?;
            }
            continue;
        }
        let rel = relation::find::<T>(&node.name)?;
        let r = rel.resolved()?;
        rel.ops.preload(db, items, r, node).await?;
    }
    Ok(())
}

/// How many keys of `width` columns fit in one statement, leaving room for the
/// parameters of the preload's own conditions.
pub(crate) fn chunk_size(db: &Db, width: usize) -> usize {
    let max = db.dialect().capabilities().max_params as usize;
    (max.saturating_sub(100) / width.max(1)).max(1)
}

/// `cols IN (keys)`: one column → `col IN (…)`; several → `(a = ? AND b = ?) OR …`.
pub(crate) fn in_keys(table: &str, columns: &[&str], keys: &[Vec<Value>]) -> Expr {
    if let [col] = columns {
        return Expr::col(table, *col).in_values(keys.iter().filter_map(|k| k.first().cloned()));
    }
    let groups: Vec<Expr> = keys
        .iter()
        .map(|k| {
            let parts: Vec<Expr> = columns
                .iter()
                .zip(k)
                .map(|(c, v)| Expr::col(table, *c).eq(v.clone()))
                .collect();
            Expr::And(parts.into())
        })
        .collect();
    if groups.is_empty() {
        return Expr::raw("1 = 0", []);
    }
    Expr::Or(groups.into())
}

/// The owners' distinct keys and, for each, the owners holding it (a chain through
/// `next`: no allocation per owner).
pub(crate) struct OwnerIndex {
    pub head: std::collections::HashMap<relation::Key, usize>,
    pub next: Vec<usize>,
    pub keys: Vec<Vec<Value>>,
}

/// End of an owner chain.
pub(crate) const END: usize = usize::MAX;

impl OwnerIndex {
    pub(crate) fn build<M: Model>(items: &[M], fields: &[usize]) -> OwnerIndex {
        let mut head = std::collections::HashMap::with_capacity(items.len());
        let mut next = vec![END; items.len()];
        let mut keys = Vec::new();
        // Walking backwards makes each chain list owners in their original order.
        for (i, item) in items.iter().enumerate().rev() {
            let values: Vec<Value> = fields.iter().map(|&f| item.value_at(f)).collect();
            let Some(key) = relation::Key::of(values.clone()) else {
                continue;
            };
            match head.insert(key, i) {
                Some(prev) => next[i] = prev,
                None => keys.push(values),
            }
        }
        keys.reverse();
        OwnerIndex { head, next, keys }
    }

    /// The owners holding `key`, in order.
    pub(crate) fn owners(&self, key: &relation::Key) -> impl Iterator<Item = usize> + '_ {
        let mut at = self.head.get(key).copied().unwrap_or(END);
        std::iter::from_fn(move || {
            if at == END {
                return None;
            }
            let i = at;
            at = self.next[i];
            Some(i)
        })
    }
}
