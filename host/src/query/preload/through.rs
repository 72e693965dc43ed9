//! Preloading a many-to-many relation: the join rows of the owners' keys, then the related
//! records those rows name (GORM's two queries per level).

use std::collections::HashMap;

use plugorm_plugin_api::{
    statement::{Expr, Select, Statement, TableRef},
    Value,
};

use super::{chunk_size, direct::load_related, in_keys, OwnerIndex, PreloadNode};
use crate::{
    relation::{Access, Key, ResolvedRelation},
    Db, Model, Result,
};

/// The `(owner key, related key)` pairs of the join table of `rel` for the owner `keys`,
/// read through the query processor with the join table's schema (a soft-deletable join
/// model's deleted rows are not read).
pub(crate) async fn join_pairs(
    db: &Db,
    rel: &ResolvedRelation,
    keys: &[Vec<Value>],
) -> Result<Vec<(Vec<Value>, Vec<Value>)>> {
    let Some(join) = &rel.join else {
        return Ok(Vec::new());
    };
    let table = join.table.as_str();
    let owner_cols: Vec<&str> = join.owner_columns.iter().map(String::as_str).collect();
    let width = owner_cols.len();
    let targets = join.target_columns.len();
    let mut pairs = Vec::new();
    for chunk in keys.chunks(chunk_size(db, width)) {
        let mut s = Select::from_table(TableRef::parse(table));
        for c in join.owner_columns.iter().chain(&join.target_columns) {
            s.column(Expr::col(table, c.as_str()));
        }
        s.filter(in_keys(table, &owner_cols, chunk));
        let stmt = Statement::Select(s);
        let rows = match rel.join_schema {
            Some(schema) => crate::routed::query(db, schema, stmt).await?,
            None => db.query_statement(&stmt).await?,
        };
        for row in rows.iter() {
            let mut owner = Vec::with_capacity(width);
            let mut target = Vec::with_capacity(targets);
            for i in 0..width {
                owner.push(row.get_at::<Value>(i)?);
            }
            for i in 0..targets {
                target.push(row.get_at::<Value>(width + i)?);
            }
            pairs.push((owner, target));
        }
    }
    Ok(pairs)
}

/// Loads a many-to-many relation into every owner.
pub(crate) async fn preload<M: Model, C: Model + Clone>(
    db: &Db,
    owners: &mut [M],
    rel: &ResolvedRelation,
    access: Access<M, C>,
    node: &PreloadNode,
) -> Result<()> {
    if rel.join.is_none() {
        return Ok(());
    }
    let index = OwnerIndex::build(owners, &rel.owner_keys);
    let mut buckets: Vec<Vec<C>> = Vec::new();
    buckets.resize_with(owners.len(), Vec::new);
    if !index.keys.is_empty() {
        let pairs = join_pairs(db, rel, &index.keys).await?;
        let mut wanted: HashMap<Key, ()> = HashMap::new();
        let mut target_keys = Vec::new();
        for (_, t) in &pairs {
            if let Some(k) = Key::of(t.clone()) {
                if wanted.insert(k, ()).is_none() {
                    target_keys.push(t.clone());
                }
            }
        }
        let related: Vec<C> = if target_keys.is_empty() {
            Vec::new()
        } else {
            load_related::<M, C>(db, rel, &rel.target_keys, &target_keys, node).await?
        };
        let by_key: HashMap<Key, C> = related
            .into_iter()
            .filter_map(|c| {
                let values = rel.target_keys.iter().map(|&f| c.value_at(f)).collect();
                Key::of(values).map(|k| (k, c))
            })
            .collect();
        for (owner_key, target_key) in pairs {
            let (Some(ok), Some(tk)) = (Key::of(owner_key), Key::of(target_key)) else {
                continue;
            };
            let Some(child) = by_key.get(&tk) else {
                continue;
            };
            for i in index.owners(&ok) {
                buckets[i].push(child.clone());
            }
        }
    }
    for (owner, bucket) in owners.iter_mut().zip(buckets) {
        (access.set)(owner, bucket);
    }
    Ok(())
}
