//! Preloading a relation whose foreign key is on one of the two tables (belongs-to,
//! has-one, has-many, and their polymorphic forms): one `IN` query on the related table.

use plugorm_plugin_api::Value;

use super::{chunk_size, in_keys, OwnerIndex, PreloadNode, Scope};
use crate::{
    relation::{Access, Key, RelationError, ResolvedRelation},
    Db, Model, Result,
};

/// The condition a preload node carries, checked against the related model.
pub(crate) fn scope_of<M: Model, C: Model>(
    node: &PreloadNode,
    rel: &ResolvedRelation,
) -> Result<Option<Scope<C>>> {
    match &node.scope {
        None => Ok(None),
        Some(any) => match any.downcast_ref::<Scope<C>>() {
            Some(s) => Ok(Some(s.clone())),
            None => Err(RelationError::WrongTarget {
                model: M::schema().name.to_string(),
                field: rel.field.to_string(),
                expected: C::schema().name.to_string(),
                found: "another model (the preload condition's `Query<…>` type)".to_string(),
            }
            .into()),
        },
    }
}

/// The related records matching `keys` on `fields` of `C`, in as many queries as the
/// parameter limit needs, with the node's condition, then their own preloads.
pub(crate) async fn load_related<M: Model, C: Model>(
    db: &Db,
    rel: &ResolvedRelation,
    fields: &[usize],
    keys: &[Vec<Value>],
    node: &PreloadNode,
) -> Result<Vec<C>> {
    let scope = scope_of::<M, C>(node, rel)?;
    let schema = C::schema();
    let columns: Vec<&str> = fields
        .iter()
        .map(|&f| schema.fields[f].column.as_str())
        .collect();
    let mut found: Vec<C> = Vec::new();
    for chunk in keys.chunks(chunk_size(db, columns.len())) {
        let mut q = db.model::<C>();
        let table = q.qualifier();
        q = q.filter_expr(in_keys(&table, &columns, chunk));
        if let (Some(p), true) = (&rel.polymorphic, rel.target_holds_key()) {
            let col = schema.fields[p.type_field].column.as_str();
            q = q.filter_expr(
                plugorm_plugin_api::statement::Expr::col(table.as_str(), col).eq(p.value.as_str()),
            );
        }
        if let Some(f) = &node.filter {
            q = q.filter_expr(f.clone());
        }
        if let Some(s) = &scope {
            q = s(q);
        }
        let mut part = q.find().await?;
        if found.is_empty() {
            found = std::mem::take(&mut part);
        } else {
            found.append(&mut part);
        }
    }
    super::run::<C>(db, &mut found, &node.children).await?;
    Ok(found)
}

/// Loads the relation into every owner.
pub(crate) async fn preload<M: Model, C: Model + Clone>(
    db: &Db,
    owners: &mut [M],
    rel: &ResolvedRelation,
    access: Access<M, C>,
    node: &PreloadNode,
) -> Result<()> {
    let index = OwnerIndex::build(owners, &rel.owner_keys);
    let related: Vec<C> = if index.keys.is_empty() {
        Vec::new()
    } else {
        load_related::<M, C>(db, rel, &rel.target_keys, &index.keys, node).await?
    };
    let mut buckets: Vec<Vec<C>> = Vec::new();
    buckets.resize_with(owners.len(), Vec::new);
    for child in related {
        let values: Vec<Value> = rel.target_keys.iter().map(|&f| child.value_at(f)).collect();
        let Some(key) = Key::of(values) else {
            continue;
        };
        let mut owners_of = index.owners(&key).peekable();
        while let Some(i) = owners_of.next() {
            if owners_of.peek().is_some() {
                buckets[i].push(child.clone());
            } else {
                buckets[i].push(child);
                break;
            }
        }
    }
    for (owner, bucket) in owners.iter_mut().zip(buckets) {
        (access.set)(owner, bucket);
    }
    Ok(())
}
