//! Saving the associations of records being created, saved or updated.

use plugorm_plugin_api::types::List;
use plugorm_plugin_api::{
    statement::{Conflict, ConflictAction, Expr, Insert, Statement, TableRef},
    Processor, Value,
};

use crate::{
    relation::{Access, ResolvedRelation},
    write::{below, nested},
    Db, Model, OnConflict, Result,
};

fn is_blank<C: Model>(c: &C) -> bool {
    (0..C::schema().fields.len()).all(|i| c.is_zero_at(i))
}

fn has_key<C: Model>(c: &C) -> bool {
    let s = C::schema();
    let mut pks = s
        .fields
        .iter()
        .enumerate()
        .filter(|(_, f)| f.primary_key)
        .peekable();
    pks.peek().is_some() && pks.all(|(i, _)| !c.is_zero_at(i))
}

/// Moves the non-blank related records out of the owners, remembering whose they were.
pub(crate) fn take_related<M: Model, C: Model>(
    owners: &mut [M],
    access: Access<M, C>,
) -> (Vec<C>, Vec<usize>) {
    let mut taken = Vec::new();
    let mut from = Vec::new();
    for (i, o) in owners.iter_mut().enumerate() {
        for c in (access.get_mut)(o).iter_mut() {
            if !is_blank(c) {
                taken.push(std::mem::replace(c, C::new_default()));
                from.push(i);
            }
        }
    }
    (taken, from)
}

/// Gives the records back to their owners.
pub(crate) fn give_back<M: Model, C: Model>(
    owners: &mut [M],
    access: Access<M, C>,
    taken: Vec<C>,
    from: &[usize],
) {
    if from.is_empty() {
        return;
    }
    let mut buckets: Vec<Vec<C>> = Vec::new();
    buckets.resize_with(owners.len(), Vec::new);
    for (c, &i) in taken.into_iter().zip(from) {
        buckets[i].push(c);
    }
    for (i, bucket) in buckets.into_iter().enumerate() {
        if from.contains(&i) {
            (access.set)(&mut owners[i], bucket);
        }
    }
}

/// Inserts records with a zero key; upserts the others with `existing`.
pub(crate) async fn upsert<C: Model>(
    db: &Db,
    items: &mut Vec<C>,
    existing: OnConflict,
) -> Result<()> {
    if items.is_empty() {
        return Ok(());
    }
    // Positions first, so the records go back in the order they came.
    let all = std::mem::take(items);
    let keyed: Vec<bool> = all.iter().map(has_key).collect();
    let mut new_items = Vec::new();
    let mut old_items = Vec::new();
    for (c, k) in all.into_iter().zip(&keyed) {
        if *k {
            old_items.push(c);
        } else {
            new_items.push(c);
        }
    }
    if !new_items.is_empty() {
        nested(db, None).create_many(&mut new_items).await?;
    }
    if !old_items.is_empty() {
        nested(db, Some(existing))
            .create_many(&mut old_items)
            .await?;
    }
    let (mut new_iter, mut old_iter) = (new_items.into_iter(), old_items.into_iter());
    let all: Vec<(usize, C)> = keyed
        .iter()
        .enumerate()
        .filter_map(|(i, k)| if *k { old_iter.next() } else { new_iter.next() }.map(|c| (i, c)))
        .collect();
    *items = all.into_iter().map(|(_, c)| c).collect();
    Ok(())
}

/// The conflict clause for associated rows that exist: `normal` (keep them, or only
/// re-point their foreign key), or every column in full-save mode.
fn keep_or_update(db: &Db, normal: OnConflict) -> OnConflict {
    if db.session.full_save {
        OnConflict::update_all()
    } else {
        normal
    }
}

/// Copies `from`'s fields `src` into `to`'s fields `dst`.
fn copy_keys<A: Model, B: Model>(from: &A, src: &[usize], to: &mut B, dst: &[usize]) -> Result<()> {
    for (&s, &d) in src.iter().zip(dst) {
        crate::model::set_value(to, d, &from.value_at(s))?;
    }
    Ok(())
}

/// belongs-to: saves the related records, then copies their keys into the owners.
pub(crate) async fn before<M: Model, C: Model + Clone>(
    db: &Db,
    owners: &mut [M],
    rel: &ResolvedRelation,
    access: Access<M, C>,
) -> Result<()> {
    let (mut taken, from) = take_related(owners, access);
    if taken.is_empty() {
        return Ok(());
    }
    let db = &below(db, rel.field);
    upsert(db, &mut taken, keep_or_update(db, OnConflict::do_nothing())).await?;
    for (c, &i) in taken.iter().zip(&from) {
        copy_keys(c, &rel.target_keys, &mut owners[i], &rel.owner_keys)?;
    }
    give_back(owners, access, taken, &from);
    Ok(())
}

/// Sets the foreign key (and polymorphic type) of has-* records to their owner's key.
pub(crate) fn point_at_owner<M: Model, C: Model>(
    owner: &M,
    child: &mut C,
    rel: &ResolvedRelation,
) -> Result<()> {
    copy_keys(owner, &rel.owner_keys, child, &rel.target_keys)?;
    if let Some(p) = &rel.polymorphic {
        crate::model::set_value(child, p.type_field, &Value::from(p.value.as_str()))?;
    }
    Ok(())
}

/// The conflict clause of has-* records that exist: point them at the new owner.
pub(crate) fn repoint(
    rel: &ResolvedRelation,
    target: &plugorm_plugin_api::schema::ModelSchema,
) -> OnConflict {
    let mut cols: Vec<&str> = rel
        .target_keys
        .iter()
        .map(|&i| target.fields[i].column.as_str())
        .collect();
    if let Some(p) = &rel.polymorphic {
        cols.push(target.fields[p.type_field].column.as_str());
    }
    OnConflict::update_columns(&cols)
}

/// has-one / has-many / many-to-many: saves the related records after their owners.
pub(crate) async fn after<M: Model, C: Model + Clone>(
    db: &Db,
    owners: &mut [M],
    rel: &ResolvedRelation,
    access: Access<M, C>,
) -> Result<()> {
    let (mut taken, from) = take_related(owners, access);
    if taken.is_empty() {
        return Ok(());
    }
    let db = &below(db, rel.field);
    if rel.target_holds_key() {
        for (c, &i) in taken.iter_mut().zip(&from) {
            point_at_owner(&owners[i], c, rel)?;
        }
        upsert(
            db,
            &mut taken,
            keep_or_update(db, repoint(rel, C::schema())),
        )
        .await?;
    } else {
        upsert(db, &mut taken, keep_or_update(db, OnConflict::do_nothing())).await?;
        let pairs: Vec<(Vec<Value>, Vec<Value>)> = taken
            .iter()
            .zip(&from)
            .map(|(c, &i)| {
                (
                    rel.owner_keys
                        .iter()
                        .map(|&f| owners[i].value_at(f))
                        .collect(),
                    rel.target_keys.iter().map(|&f| c.value_at(f)).collect(),
                )
            })
            .collect();
        insert_join_rows(db, rel, &pairs).await?;
    }
    give_back(owners, access, taken, &from);
    Ok(())
}

/// `INSERT INTO join (…) VALUES … ON CONFLICT DO NOTHING`, in chunks, through the create
/// processor — or, for a join model, its records created.
pub(crate) async fn insert_join_rows(
    db: &Db,
    rel: &ResolvedRelation,
    pairs: &[(Vec<Value>, Vec<Value>)],
) -> Result<()> {
    let Some(join) = &rel.join else {
        return Ok(());
    };
    let columns: Vec<String> = join
        .owner_columns
        .iter()
        .chain(&join.target_columns)
        .cloned()
        .collect();
    if let Some(model) = &rel.join_model {
        // Join records of the join model: its hooks run, its time fields are filled.
        let rows = pairs
            .iter()
            .map(|(o, t)| o.iter().chain(t).cloned().collect())
            .collect();
        return model.0.insert(db, &columns, rows).await;
    }
    let per = crate::query::preload::chunk_size(db, columns.len());
    for chunk in pairs.chunks(per) {
        let mut ins = Insert::new(
            TableRef::parse(&join.table),
            columns.iter().map(|c| c.as_str().into()),
        );
        ins.rows = chunk
            .iter()
            .map(|(o, t)| {
                o.iter()
                    .chain(t)
                    .cloned()
                    .map(Expr::value)
                    .collect::<List<_>>()
            })
            .collect();
        ins.on_conflict = Some(Conflict {
            target: columns.iter().map(|c| c.as_str().into()).collect(),
            action: ConflictAction::DoNothing,
            condition: None.into(),
        })
        .into();
        let stmt = Statement::Insert(ins);
        match rel.join_schema {
            Some(schema) => {
                crate::routed::execute(db, Processor::Create, schema, stmt).await?;
            }
            None => {
                db.execute_statement(&stmt).await?;
            }
        }
    }
    Ok(())
}
