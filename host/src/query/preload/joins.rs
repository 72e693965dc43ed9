//! Joins preloading (GORM's `Joins("Company")`): a has-one or belongs-to relation read in
//! the same query as its owners — `LEFT JOIN "companies" "Company" ON "users"."company_id"
//! = "Company"."id"`, the related columns selected as `"Company"."id" AS "Company__id"` —
//! and decoded from those aliased columns into the owner's field. Nested paths join
//! through the alias chain: `"Manager.Company"` joins `"companies" "Manager__Company"` on
//! `"Manager"."company_id"` and reads `"Manager__Company__id"`.
//!
//! The alias of each level is the path segment as written, so conditions can name it
//! (`"Company"."name"`); conditions given with the request go into the ON clause (G59).
//! A row whose joined columns are all NULL (no match in a LEFT JOIN) leaves the field
//! empty.

use plugorm_plugin_api::types::{Boxed, Optional};
use plugorm_plugin_api::{
    statement::{BinOp, Expr, FromItem, Join, JoinKind, Select, SelectItem, TableRef},
    Cell, DbError, Rows,
};

use super::{direct::scope_of, PreloadNode, PreloadRequest};
use crate::{
    relation::{self, Access, RelationError, RelationKind, ResolvedRelation},
    Db, Model, Result,
};

/// The tree of a query's join requests (empty when it has none).
fn join_tree(requests: &[PreloadRequest]) -> Result<Vec<PreloadNode>> {
    if requests.iter().all(|r| r.join.is_none()) {
        return Ok(Vec::new());
    }
    let joins: Vec<PreloadRequest> = requests
        .iter()
        .filter(|r| r.join.is_some())
        .cloned()
        .collect();
    Ok(PreloadNode::tree(&joins)?)
}

/// Adds the JOINs of `requests` to `select` — and, with `columns`, the owner's columns
/// (when it selects `*`) and every joined column under its alias.
pub(crate) fn apply<T: Model>(
    db: &Db,
    requests: &[PreloadRequest],
    select: &mut Select,
    qualifier: &str,
    columns: bool,
) -> Result<()> {
    let tree = join_tree(requests)?;
    if tree.is_empty() {
        return Ok(());
    }
    if columns && select.columns.is_empty() {
        for f in T::schema().fields.iter().filter(|f| f.readable) {
            select.column(Expr::col(qualifier, f.column.as_str()));
        }
    }
    for node in &tree {
        let rel = relation::find::<T>(&node.name)?;
        let resolved = rel.resolved()?;
        rel.ops
            .join(db, qualifier, &node.name, resolved, node, select, columns)?;
    }
    Ok(())
}

/// Decodes the joined relations of `requests` from `rows` into `found` (row `i` is
/// `found[i]`).
pub(crate) fn assign<T: Model>(
    requests: &[PreloadRequest],
    rows: &Rows,
    found: &mut [T],
) -> Result<()> {
    for node in join_tree(requests)? {
        let rel = relation::find::<T>(&node.name)?;
        let resolved = rel.resolved()?;
        rel.ops
            .assign_joined(rows, found, &node.name, resolved, &node)?;
    }
    Ok(())
}

fn equal_columns(left: Expr, right: Expr) -> Expr {
    Expr::Binary {
        op: BinOp::Eq,
        left: Boxed::new(left),
        right: Boxed::new(right),
    }
}

/// The JOIN of one relation `M` → `C` under `alias`, then its nested joins.
#[allow(clippy::too_many_arguments)]
pub(crate) fn join<M: Model, C: Model>(
    db: &Db,
    owner_alias: &str,
    alias: &str,
    rel: &ResolvedRelation,
    node: &PreloadNode,
    select: &mut Select,
    columns: bool,
) -> Result<()> {
    if !matches!(rel.kind, RelationKind::BelongsTo | RelationKind::HasOne) {
        return Err(RelationError::Invalid {
            model: M::schema().name.to_string(),
            field: rel.field.to_string(),
            reason: "joins preloading reads one related record per row: it takes a has-one \
                     or belongs-to relation (load has-many and many-to-many ones with `preload`)"
                .to_string(),
        }
        .into());
    }
    let owner = M::schema();
    let target = C::schema();
    let mut on: Vec<Expr> = rel
        .owner_keys
        .iter()
        .zip(&rel.target_keys)
        .map(|(&o, &t)| {
            equal_columns(
                Expr::col(owner_alias, owner.fields[o].column.as_str()),
                Expr::col(alias, target.fields[t].column.as_str()),
            )
        })
        .collect();
    if let (Some(p), true) = (&rel.polymorphic, rel.target_holds_key()) {
        on.push(Expr::col(alias, target.fields[p.type_field].column.as_str()).eq(p.value.as_str()));
    }
    let table = TableRef::parse(target.table.as_str()).alias(alias);
    if let Some(scope) = scope_of::<M, C>(node, rel)? {
        let mut q = db.model::<C>();
        q.extras.table = Some(table.clone());
        let scoped = scope(q);
        scoped.check_deferred()?;
        on.extend(scoped.where_list.to_conditions());
    }
    if let Some(f) = &node.filter {
        on.push(f.clone());
    }
    let on = if on.len() == 1 {
        on.remove(0)
    } else {
        Expr::And(on.into())
    };
    select.joins.push(Join {
        kind: node.join.unwrap_or(JoinKind::Left),
        target: FromItem::Table(table),
        on: Optional::Some(on),
    });
    if columns {
        for f in target.fields.iter().filter(|f| f.readable) {
            select.columns.push(SelectItem {
                expr: Expr::Alias {
                    expr: Boxed::new(Expr::col(alias, f.column.as_str())),
                    alias: format!("{alias}__{}", f.column).into(),
                },
            });
        }
    }
    for child in &node.children {
        let child_rel = relation::find::<C>(&child.name)?;
        let resolved = child_rel.resolved()?;
        child_rel.ops.join(
            db,
            alias,
            &format!("{alias}__{}", child.name),
            resolved,
            child,
            select,
            columns,
        )?;
    }
    Ok(())
}

/// Sets one field from a cell; a NULL into a non-`Option` field keeps the zero value.
fn set_cell<C: Model>(item: &mut C, field: usize, cell: Cell<'_>, column: &str) -> Result<()> {
    let f = &C::schema().fields[field];
    if cell == Cell::Null && !f.nullable {
        return Ok(());
    }
    item.set_at(field, cell).map_err(|e| {
        DbError::Decode {
            detail: format!(
                "joined column `{column}` into {}.{}: expected {}, found {}",
                C::schema().name,
                f.name,
                e.expected,
                e.found
            ),
        }
        .into()
    })
}

/// Decodes relation `M` → `C` from the columns under `alias` into every owner, then its
/// nested joins into the decoded records.
pub(crate) fn assign_joined<M: Model, C: Model>(
    rows: &Rows,
    owners: &mut [M],
    alias: &str,
    access: Access<M, C>,
    node: &PreloadNode,
) -> Result<()> {
    let names: Vec<String> = C::schema()
        .fields
        .iter()
        .map(|f| format!("{alias}__{}", f.column))
        .collect();
    let map: Vec<Option<usize>> = C::schema()
        .fields
        .iter()
        .zip(&names)
        .map(|(f, n)| f.readable.then(|| rows.column_index(n)).flatten())
        .collect();
    let mut related: Vec<C> = Vec::with_capacity(owners.len());
    let mut present: Vec<bool> = Vec::with_capacity(owners.len());
    for row in rows.iter().take(owners.len()) {
        let mut item = C::new_default();
        let mut any = false;
        for (field, col) in map.iter().enumerate() {
            let Some(col) = col else { continue };
            let cell = row.cell(*col)?;
            if cell != Cell::Null {
                any = true;
            }
            set_cell(&mut item, field, cell, &names[field])?;
        }
        related.push(item);
        present.push(any);
    }
    for child in &node.children {
        let child_rel = relation::find::<C>(&child.name)?;
        let resolved = child_rel.resolved()?;
        child_rel.ops.assign_joined(
            rows,
            &mut related,
            &format!("{alias}__{}", child.name),
            resolved,
            child,
        )?;
    }
    for ((owner, item), here) in owners.iter_mut().zip(related).zip(present) {
        (access.set)(owner, if here { vec![item] } else { Vec::new() });
    }
    Ok(())
}
