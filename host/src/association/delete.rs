//! Deleting a record with its selected associations (GORM's `Select("Pets").Delete(&user)`):
//! before the owner's row goes, its has-one / has-many records are deleted — through the
//! delete processor, so a soft-deletable model is soft-deleted — and its many-to-many join
//! rows removed. belongs-to records are never deleted with an owner (others may point at
//! them). Nothing happens without [`crate::Db::select_associations`].

use plugorm_plugin_api::statement::{Delete, Expr, Statement, TableRef};
use plugorm_plugin_api::types::List;

use crate::{
    query::preload::{chunk_size, in_keys, OwnerIndex},
    relation::{RelationKind, ResolvedRelation},
    Db, Model, Result,
};

/// Deletes the `C` records (has-*) or join rows (many-to-many) of `owners`.
pub(crate) async fn owned<M: Model, C: Model>(
    db: &Db,
    owners: &[M],
    rel: &ResolvedRelation,
    unscoped: bool,
) -> Result<()> {
    let index = OwnerIndex::build(owners, &rel.owner_keys);
    if index.keys.is_empty() {
        return Ok(());
    }
    // The children's own associations are not deleted with them.
    let db = db.with_session(|s| s.associations = None);
    match (&rel.join, rel.kind) {
        (Some(join), RelationKind::ManyToMany) => {
            let cols: Vec<&str> = join.owner_columns.iter().map(String::as_str).collect();
            for chunk in index.keys.chunks(chunk_size(&db, cols.len())) {
                let mut d = Delete::new(TableRef::parse(&join.table));
                d.conditions = List::from(vec![in_keys(&join.table, &cols, chunk)]);
                crate::routed::delete(&db, rel.join_schema, Statement::Delete(d), unscoped).await?;
            }
        }
        _ => {
            let schema = C::schema();
            let cols: Vec<&str> = rel
                .target_keys
                .iter()
                .map(|&f| schema.fields[f].column.as_str())
                .collect();
            for chunk in index.keys.chunks(chunk_size(&db, cols.len())) {
                let mut q = db.model::<C>();
                let table = q.qualifier();
                q = q.filter_expr(in_keys(&table, &cols, chunk));
                if let Some(p) = &rel.polymorphic {
                    let col = schema.fields[p.type_field].column.as_str();
                    q = q.filter_expr(Expr::col(table.as_str(), col).eq(p.value.as_str()));
                }
                if unscoped {
                    q = q.unscoped();
                }
                q.delete().await?;
            }
        }
    }
    Ok(())
}
