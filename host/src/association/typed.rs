//! The typed code behind every relation: [`Relation::new`] (what `#[derive(Model)]`
//! writes for a relation field) stores a [`TypedRelation`], whose [`RelationOps`] methods
//! run the generic preloading, saving and association-mode code for the owner and related
//! types; `with_join_model` does the same for a join model's rows. This module sits above
//! everything it calls (preloading, writes, association mode), so none of them depends
//! on it: they reach it through the trait objects a model's relations hold.

use std::{any::Any, marker::PhantomData, sync::Arc, sync::OnceLock};

use futures_util::future::BoxFuture;
use plugorm_plugin_api::{schema::ModelSchema, statement::Select, Rows, Value};

use crate::{
    model::set_value,
    relation::{
        join_model::{missing_column, JoinRows},
        Access, JoinModel, PreloadNode, Relation, RelationDecl, RelationKind, RelationOps,
        ResolvedRelation,
    },
    session::SaveFilter,
    Db, Model, OnConflict, Result,
};

impl<M: Model> Relation<M> {
    /// The relation of field `decl.field` to model `C`.
    pub fn new<C: Model + Clone>(decl: RelationDecl, access: Access<M, C>) -> Relation<M> {
        Relation {
            decl,
            resolved: OnceLock::new(),
            join_model: None,
            ops: Box::new(TypedRelation { access }),
        }
    }

    /// A many-to-many relation whose join table is model `J` (GORM's `SetupJoinTable`;
    /// `#[orm(join_model = "J")]` writes this): its table, fields and hooks serve the join
    /// rows — see [`crate::relation::JoinModel`].
    ///
    /// ```
    /// # use plugorm::{Model, relation::{Access, Relation, RelationDecl}};
    /// # #[derive(Model, Debug, Default, Clone)] struct Tag { id: i64 }
    /// # #[derive(Model, Debug, Default, Clone)]
    /// # struct PostTag { #[orm(primary_key)] post_id: i64, #[orm(primary_key)] tag_id: i64 }
    /// # #[derive(Model, Debug, Default, Clone)] struct Post { id: i64 }
    /// let decl = RelationDecl { join_table: Some("post_tags"), many: true, ..RelationDecl::new("tags") };
    /// let access: Access<Post, Tag> = Access { get: |_| &[], get_mut: |_| &mut [], set: |_, _| {} };
    /// let rel = Relation::new(decl, access).with_join_model::<PostTag>();
    /// assert_eq!(rel.resolved()?.join_schema.unwrap().name, "PostTag");
    /// # Ok::<(), plugorm::relation::RelationError>(())
    /// ```
    pub fn with_join_model<J: Model>(mut self) -> Relation<M> {
        self.join_model = Some(JoinModel::of::<J>());
        self
    }
}

/// [`RelationOps`] for owner `M` and related model `C`.
pub(crate) struct TypedRelation<M, C> {
    pub access: Access<M, C>,
}

impl<M: Model, C: Model + Clone> RelationOps<M> for TypedRelation<M, C> {
    fn target_schema(&self) -> &'static ModelSchema {
        C::schema()
    }

    fn check_filter(&self, filter: &SaveFilter) -> Result<()> {
        filter.check::<C>()
    }

    fn as_any(&self) -> &dyn Any {
        self
    }

    fn preload<'a>(
        &'a self,
        db: &'a Db,
        owners: &'a mut [M],
        rel: &'a ResolvedRelation,
        node: &'a PreloadNode,
    ) -> BoxFuture<'a, Result<()>> {
        Box::pin(async move {
            match rel.kind {
                RelationKind::ManyToMany => {
                    crate::query::preload::through::preload(db, owners, rel, self.access, node)
                        .await
                }
                _ => {
                    crate::query::preload::direct::preload(db, owners, rel, self.access, node).await
                }
            }
        })
    }

    fn join(
        &self,
        db: &Db,
        owner_alias: &str,
        alias: &str,
        rel: &ResolvedRelation,
        node: &PreloadNode,
        select: &mut Select,
        columns: bool,
    ) -> Result<()> {
        crate::query::preload::joins::join::<M, C>(
            db,
            owner_alias,
            alias,
            rel,
            node,
            select,
            columns,
        )
    }

    fn assign_joined(
        &self,
        rows: &Rows,
        owners: &mut [M],
        alias: &str,
        _rel: &ResolvedRelation,
        node: &PreloadNode,
    ) -> Result<()> {
        crate::query::preload::joins::assign_joined::<M, C>(rows, owners, alias, self.access, node)
    }

    fn save_before<'a>(
        &'a self,
        db: &'a Db,
        owners: &'a mut [M],
        rel: &'a ResolvedRelation,
    ) -> BoxFuture<'a, Result<()>> {
        Box::pin(super::save::before(db, owners, rel, self.access))
    }

    fn save_after<'a>(
        &'a self,
        db: &'a Db,
        owners: &'a mut [M],
        rel: &'a ResolvedRelation,
    ) -> BoxFuture<'a, Result<()>> {
        Box::pin(super::save::after(db, owners, rel, self.access))
    }

    fn delete_owned<'a>(
        &'a self,
        db: &'a Db,
        owners: &'a [M],
        rel: &'a ResolvedRelation,
        unscoped: bool,
    ) -> BoxFuture<'a, Result<()>> {
        Box::pin(super::delete::owned::<M, C>(db, owners, rel, unscoped))
    }

    fn count<'a>(
        &'a self,
        db: &'a Db,
        owner: &'a M,
        rel: &'a ResolvedRelation,
    ) -> BoxFuture<'a, Result<i64>> {
        Box::pin(async move {
            super::mode::query_of::<M, C>(db, owner, rel)
                .await?
                .count()
                .await
        })
    }

    fn clear<'a>(
        &'a self,
        db: &'a Db,
        owner: &'a mut M,
        rel: &'a ResolvedRelation,
    ) -> BoxFuture<'a, Result<()>> {
        Box::pin(super::mode::clear::<M, C>(db, owner, rel, self.access))
    }
}

struct TypedJoin<J>(PhantomData<fn() -> J>);

impl<J: Model> JoinRows for TypedJoin<J> {
    fn schema(&self) -> &'static ModelSchema {
        J::schema()
    }

    fn insert<'a>(
        &'a self,
        db: &'a Db,
        columns: &'a [String],
        rows: Vec<Vec<Value>>,
    ) -> BoxFuture<'a, Result<()>> {
        Box::pin(async move {
            let schema = J::schema();
            let fields: Vec<usize> = columns
                .iter()
                .map(|c| {
                    schema
                        .fields
                        .iter()
                        .position(|f| f.column.as_str() == c.as_str())
                        .ok_or_else(|| missing_column(schema, c))
                })
                .collect::<std::result::Result<_, _>>()?;
            let mut records = Vec::with_capacity(rows.len());
            for row in rows {
                let mut j = J::new_default();
                for (&f, v) in fields.iter().zip(&row) {
                    set_value(&mut j, f, v)?;
                }
                records.push(j);
            }
            if records.is_empty() {
                return Ok(());
            }
            // The association filter here is the related model's; none of it names the
            // join model's relations.
            crate::write::nested(db, Some(OnConflict::do_nothing()))
                .with_session(|s| s.associations = None)
                .create_many(&mut records)
                .await?;
            Ok(())
        })
    }
}

impl JoinModel {
    /// The join model `J`, its rows created as `J` records.
    pub(crate) fn of<J: Model>() -> JoinModel {
        JoinModel(Arc::new(TypedJoin::<J>(PhantomData)))
    }
}
