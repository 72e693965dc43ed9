//! Association mode (GORM's `db.Model(&user).Association("Languages")`): the related
//! records of one owner — find, count, append, replace, delete (unlink), clear.

use plugorm_plugin_api::types::List;
use plugorm_plugin_api::{
    statement::{Assignment, Delete, Expr, Statement, TableRef, Update},
    Processor, Value,
};

use super::save;
use crate::routed;
use crate::{
    relation::{self, Access, Key, Relation, RelationError, RelationKind, ResolvedRelation},
    Db, Error, Model, Query, Result,
};

/// The related records of one owner through one relation.
///
/// ```no_run
/// # use plugorm::Model;
/// # #[derive(Model, Debug, Default, Clone)] struct Language { id: i64, code: String }
/// # #[derive(Model, Debug, Default, Clone)]
/// # struct User { id: i64, #[orm(many_to_many = "user_languages")] languages: Vec<Language> }
/// # async fn run(db: plugorm::Db, mut user: User) -> plugorm::Result<()> {
/// let mut langs = db.association(&mut user, "Languages")?;
/// let all: Vec<Language> = langs.find().await?;
/// langs.append(vec![Language { code: "de".into(), ..Default::default() }]).await?;
/// assert_eq!(langs.count().await?, all.len() as i64 + 1);
/// langs.clear().await?;                                // join rows deleted
/// # Ok(()) }
/// ```
pub struct Association<'a, M: 'static> {
    db: Db,
    owner: &'a mut M,
    relation: &'static Relation<M>,
}

impl Db {
    /// Association mode on `owner`'s relation `name` (the field name; `"Languages"` and
    /// `"languages"` both work). The owner must have its primary key.
    pub fn association<'a, M: Model>(
        &self,
        owner: &'a mut M,
        name: &str,
    ) -> Result<Association<'a, M>> {
        let relation = relation::find::<M>(name)?;
        relation.resolved()?;
        Ok(Association {
            db: self.clone(),
            owner,
            relation,
        })
    }
}

fn access<M: Model, C: Model + Clone>(rel: &Relation<M>) -> Result<Access<M, C>> {
    rel.ops
        .as_any()
        .downcast_ref::<super::typed::TypedRelation<M, C>>()
        .map(|t| t.access)
        .ok_or_else(|| {
            RelationError::WrongTarget {
                model: M::schema().name.to_string(),
                field: rel.name().to_string(),
                expected: rel.target().name.to_string(),
                found: C::schema().name.to_string(),
            }
            .into()
        })
}

fn values_of<T: Model>(item: &T, fields: &[usize]) -> Vec<Value> {
    fields.iter().map(|&f| item.value_at(f)).collect()
}

fn columns(schema: &plugorm_plugin_api::schema::ModelSchema, fields: &[usize]) -> Vec<String> {
    fields
        .iter()
        .map(|&f| schema.fields[f].column.to_string())
        .collect()
}

/// `table.c1 = v1 AND …`.
fn equal(table: &str, cols: &[String], values: &[Value]) -> Vec<Expr> {
    cols.iter()
        .zip(values)
        .map(|(c, v)| Expr::col(table, c.as_str()).eq(v.clone()))
        .collect()
}

fn require_key<M: Model>(owner: &M, fields: &[usize]) -> Result<Vec<Value>> {
    let values = values_of(owner, fields);
    if Key::of(values.clone()).is_none() || fields.iter().all(|&f| owner.is_zero_at(f)) {
        return Err(Error::PrimaryKeyRequired(format!(
            "association mode on a `{}` whose key is not set",
            M::schema().name
        )));
    }
    Ok(values)
}

/// The query of one owner's related records.
pub(crate) async fn query_of<M: Model, C: Model>(
    db: &Db,
    owner: &M,
    rel: &ResolvedRelation,
) -> Result<Query<C>> {
    let q = db.model::<C>();
    let table = q.qualifier();
    let target_cols = columns(C::schema(), &rel.target_keys);
    let cols: Vec<&str> = target_cols.iter().map(String::as_str).collect();
    let owner_values = values_of(owner, &rel.owner_keys);
    let Some(_) = Key::of(owner_values.clone()) else {
        return Ok(q.filter_expr(Expr::raw("1 = 0", [])));
    };
    match rel.kind {
        RelationKind::ManyToMany => {
            let pairs =
                crate::query::preload::through::join_pairs(db, rel, &[owner_values]).await?;
            let keys: Vec<Vec<Value>> = pairs.into_iter().map(|(_, t)| t).collect();
            if keys.is_empty() {
                return Ok(q.filter_expr(Expr::raw("1 = 0", [])));
            }
            Ok(q.filter_expr(crate::query::preload::in_keys(&table, &cols, &keys)))
        }
        _ => {
            let mut q = q.filter_expr(crate::query::preload::in_keys(
                &table,
                &cols,
                &[owner_values],
            ));
            if let Some(p) = &rel.polymorphic {
                let col = C::schema().fields[p.type_field].column.as_str();
                q = q.filter_expr(Expr::col(table.as_str(), col).eq(p.value.as_str()));
            }
            Ok(q)
        }
    }
}

fn update(table: &str, set: Vec<(String, Value)>, conditions: Vec<Expr>) -> Statement {
    let mut u = Update::new(TableRef::parse(table));
    u.set = set
        .into_iter()
        .map(|(c, v)| Assignment {
            column: c.into(),
            value: Expr::value(v),
        })
        .collect();
    u.conditions = conditions.into();
    Statement::Update(u)
}

/// Unlinks related records of `owner`: all of them, or those with `only` keys (or all
/// but those, with `keep`).
async fn unlink<M: Model, C: Model>(
    db: &Db,
    owner: &mut M,
    rel: &ResolvedRelation,
    only: Option<&[Vec<Value>]>,
    keep: Option<&[Vec<Value>]>,
) -> Result<()> {
    let c_schema = C::schema();
    match rel.kind {
        RelationKind::BelongsTo => {
            let pk: Vec<usize> = M::schema()
                .fields
                .iter()
                .enumerate()
                .filter(|(_, f)| f.primary_key)
                .map(|(i, _)| i)
                .collect();
            if let Some(only) = only {
                let current = values_of(owner, &rel.owner_keys);
                if !only
                    .iter()
                    .any(|k| Key::of(k.clone()) == Key::of(current.clone()))
                {
                    return Ok(());
                }
            }
            let pk_values = require_key(owner, &pk)?;
            let table = M::schema().table.to_string();
            let set = columns(M::schema(), &rel.owner_keys)
                .into_iter()
                .map(|c| (c, Value::Null))
                .collect();
            let cond = equal(&table, &columns(M::schema(), &pk), &pk_values);
            let stmt = update(&table, set, cond);
            routed::execute(db, Processor::Update, M::schema(), stmt).await?;
            for &f in &rel.owner_keys {
                crate::model::set_value(owner, f, &Value::Null)?;
            }
        }
        RelationKind::HasOne | RelationKind::HasMany => {
            let owner_values = require_key(owner, &rel.owner_keys)?;
            let table = c_schema.table.to_string();
            let fk = columns(c_schema, &rel.target_keys);
            let mut set: Vec<(String, Value)> =
                fk.iter().map(|c| (c.clone(), Value::Null)).collect();
            let mut cond = equal(&table, &fk, &owner_values);
            if let Some(p) = &rel.polymorphic {
                let col = c_schema.fields[p.type_field].column.to_string();
                cond.push(Expr::col(table.as_str(), col.as_str()).eq(p.value.as_str()));
                set.push((col, Value::Null));
            }
            let pk: Vec<usize> = c_schema
                .fields
                .iter()
                .enumerate()
                .filter(|(_, f)| f.primary_key)
                .map(|(i, _)| i)
                .collect();
            let pk_cols = columns(c_schema, &pk);
            let pk_cols: Vec<&str> = pk_cols.iter().map(String::as_str).collect();
            if let Some(only) = only {
                cond.push(crate::query::preload::in_keys(&table, &pk_cols, only));
            }
            if let Some(keep) = keep.filter(|k| !k.is_empty()) {
                cond.push(!crate::query::preload::in_keys(&table, &pk_cols, keep));
            }
            let stmt = update(&table, set, cond);
            routed::execute(db, Processor::Update, c_schema, stmt).await?;
        }
        RelationKind::ManyToMany => {
            let Some(join) = &rel.join else {
                return Ok(());
            };
            let owner_values = require_key(owner, &rel.owner_keys)?;
            let mut d = Delete::new(TableRef::parse(&join.table));
            let mut cond = equal(&join.table, &join.owner_columns, &owner_values);
            let tcols: Vec<&str> = join.target_columns.iter().map(String::as_str).collect();
            if let Some(only) = only {
                cond.push(crate::query::preload::in_keys(&join.table, &tcols, only));
            }
            if let Some(keep) = keep.filter(|k| !k.is_empty()) {
                cond.push(!crate::query::preload::in_keys(&join.table, &tcols, keep));
            }
            d.conditions = List::from(cond);
            routed::delete(db, rel.join_schema, Statement::Delete(d), false).await?;
        }
    }
    Ok(())
}

/// Unlinks every related record and empties the field.
pub(crate) async fn clear<M: Model, C: Model + Clone>(
    db: &Db,
    owner: &mut M,
    rel: &ResolvedRelation,
    access: Access<M, C>,
) -> Result<()> {
    unlink::<M, C>(db, owner, rel, None, None).await?;
    (access.set)(owner, Vec::new());
    Ok(())
}

fn keys_of<C: Model>(items: &[C], fields: &[usize]) -> Vec<Vec<Value>> {
    items.iter().map(|c| values_of(c, fields)).collect()
}

impl<M: Model> Association<'_, M> {
    fn resolved(&self) -> Result<&'static ResolvedRelation> {
        Ok(self.relation.resolved()?)
    }

    /// The related records, read from the database.
    pub async fn find<C: Model + Clone>(&self) -> Result<Vec<C>> {
        access::<M, C>(self.relation)?;
        query_of::<M, C>(&self.db, self.owner, self.resolved()?)
            .await?
            .find()
            .await
    }

    /// The related records' query, to add conditions before `find` / `count`.
    pub async fn query<C: Model + Clone>(&self) -> Result<Query<C>> {
        access::<M, C>(self.relation)?;
        query_of::<M, C>(&self.db, self.owner, self.resolved()?).await
    }

    /// The number of related records.
    pub async fn count(&self) -> Result<i64> {
        let rel = self.resolved()?;
        self.relation.ops.count(&self.db, self.owner, rel).await
    }

    /// Links `values` to the owner — saved first when new — and adds them to its field
    /// (has-one and belongs-to: replaces the one record).
    pub async fn append<C: Model + Clone>(&mut self, values: Vec<C>) -> Result<()> {
        let access = access::<M, C>(self.relation)?;
        let rel = self.resolved()?;
        let db = self.db.clone();
        let owner = &mut *self.owner;
        let (existing, _) = save::take_related(std::slice::from_mut(owner), access);
        (access.set)(owner, values);
        match rel.kind {
            RelationKind::BelongsTo => {
                save::before(&db, std::slice::from_mut(owner), rel, access).await?;
                let pk: Vec<usize> = M::schema()
                    .fields
                    .iter()
                    .enumerate()
                    .filter(|(_, f)| f.primary_key)
                    .map(|(i, _)| i)
                    .collect();
                let pk_values = require_key(owner, &pk)?;
                let table = M::schema().table.to_string();
                let set = columns(M::schema(), &rel.owner_keys)
                    .into_iter()
                    .zip(values_of(owner, &rel.owner_keys))
                    .collect();
                let cond = equal(&table, &columns(M::schema(), &pk), &pk_values);
                let stmt = update(&table, set, cond);
                routed::execute(&db, Processor::Update, M::schema(), stmt).await?;
            }
            _ => {
                require_key(owner, &rel.owner_keys)?;
                save::after(&db, std::slice::from_mut(owner), rel, access).await?;
                if rel.kind != RelationKind::HasOne {
                    let (added, _) = save::take_related(std::slice::from_mut(owner), access);
                    let mut all = existing;
                    all.extend(added);
                    (access.set)(owner, all);
                }
            }
        }
        Ok(())
    }

    /// Makes `values` the owner's only related records: appends them, then unlinks the
    /// others.
    pub async fn replace<C: Model + Clone>(&mut self, values: Vec<C>) -> Result<()> {
        let access = access::<M, C>(self.relation)?;
        let rel = self.resolved()?;
        (access.set)(self.owner, Vec::new());
        self.append(values).await?;
        let current: Vec<C> = (access.get)(self.owner).to_vec();
        let keep_fields: Vec<usize> = match rel.kind {
            RelationKind::ManyToMany => rel.target_keys.clone(),
            _ => C::schema()
                .fields
                .iter()
                .enumerate()
                .filter(|(_, f)| f.primary_key)
                .map(|(i, _)| i)
                .collect(),
        };
        if rel.kind != RelationKind::BelongsTo {
            let keep = keys_of(&current, &keep_fields);
            if keep.is_empty() {
                unlink::<M, C>(&self.db, self.owner, rel, None, None).await?;
            } else {
                unlink::<M, C>(&self.db, self.owner, rel, None, Some(&keep)).await?;
            }
        }
        Ok(())
    }

    /// Unlinks `values` from the owner (the records themselves stay) and removes them
    /// from its field.
    pub async fn delete<C: Model + Clone>(&mut self, values: &[C]) -> Result<()> {
        let access = access::<M, C>(self.relation)?;
        let rel = self.resolved()?;
        if values.is_empty() {
            return Ok(());
        }
        let fields: Vec<usize> = match rel.kind {
            RelationKind::ManyToMany | RelationKind::BelongsTo => rel.target_keys.clone(),
            _ => C::schema()
                .fields
                .iter()
                .enumerate()
                .filter(|(_, f)| f.primary_key)
                .map(|(i, _)| i)
                .collect(),
        };
        let keys = keys_of(values, &fields);
        unlink::<M, C>(&self.db, self.owner, rel, Some(&keys), None).await?;
        let gone: std::collections::HashSet<Key> = keys.into_iter().filter_map(Key::of).collect();
        let remaining: Vec<C> = (access.get)(self.owner)
            .iter()
            .filter(|c| Key::of(values_of(*c, &fields)).is_none_or(|k| !gone.contains(&k)))
            .cloned()
            .collect();
        (access.set)(self.owner, remaining);
        Ok(())
    }

    /// Unlinks every related record and empties the field.
    pub async fn clear(&mut self) -> Result<()> {
        let rel = self.resolved()?;
        self.relation.ops.clear(&self.db, self.owner, rel).await
    }
}
