//! [`RelationOps`]: what the host does with one relation; `Relation<M>` holds it as a
//! trait object so code that only knows `M` reaches the related type's typed code. The
//! implementation, generic over owner and related model, is `association::typed`: it sits
//! above preloading, saving and association mode, which it calls.

use std::any::Any;

use futures_util::future::BoxFuture;
use plugorm_plugin_api::{schema::ModelSchema, statement::Select, Rows};

use super::PreloadNode;
use super::ResolvedRelation;
use crate::{session::SaveFilter, Db, Result};

/// The operations on one relation of `M`, with the related type erased.
pub(crate) trait RelationOps<M>: Send + Sync {
    fn target_schema(&self) -> &'static ModelSchema;
    /// Checks an association filter against the related model's relations
    /// (`SaveFilter::check` for the related type).
    fn check_filter(&self, filter: &SaveFilter) -> Result<()>;
    /// For association mode, which takes related values of a type the caller names.
    fn as_any(&self) -> &dyn Any;
    /// Loads the relation into `owners`.
    fn preload<'a>(
        &'a self,
        db: &'a Db,
        owners: &'a mut [M],
        rel: &'a ResolvedRelation,
        node: &'a PreloadNode,
    ) -> BoxFuture<'a, Result<()>>;
    /// Adds the JOIN of the relation under `alias` (and its aliased columns) to `select`,
    /// then the JOINs of the node's children (joins preloading).
    #[allow(clippy::too_many_arguments)]
    fn join(
        &self,
        db: &Db,
        owner_alias: &str,
        alias: &str,
        rel: &ResolvedRelation,
        node: &PreloadNode,
        select: &mut Select,
        columns: bool,
    ) -> Result<()>;
    /// Decodes the joined relation from the columns under `alias` into `owners`.
    fn assign_joined(
        &self,
        rows: &Rows,
        owners: &mut [M],
        alias: &str,
        rel: &ResolvedRelation,
        node: &PreloadNode,
    ) -> Result<()>;
    /// Saves the related records that must exist before the owners (belongs-to), and
    /// copies their keys into the owners' foreign keys.
    fn save_before<'a>(
        &'a self,
        db: &'a Db,
        owners: &'a mut [M],
        rel: &'a ResolvedRelation,
    ) -> BoxFuture<'a, Result<()>>;
    /// Saves the related records that point at the owners (has-one, has-many) and the
    /// join rows (many-to-many).
    fn save_after<'a>(
        &'a self,
        db: &'a Db,
        owners: &'a mut [M],
        rel: &'a ResolvedRelation,
    ) -> BoxFuture<'a, Result<()>>;
    /// Deletes the related records (has-*) or join rows (many-to-many) of `owners`.
    fn delete_owned<'a>(
        &'a self,
        db: &'a Db,
        owners: &'a [M],
        rel: &'a ResolvedRelation,
        unscoped: bool,
    ) -> BoxFuture<'a, Result<()>>;
    /// The number of related records of one owner.
    fn count<'a>(
        &'a self,
        db: &'a Db,
        owner: &'a M,
        rel: &'a ResolvedRelation,
    ) -> BoxFuture<'a, Result<i64>>;
    /// Unlinks every related record of one owner (foreign keys set to NULL, join rows
    /// deleted, a belongs-to key cleared) and empties the field.
    fn clear<'a>(
        &'a self,
        db: &'a Db,
        owner: &'a mut M,
        rel: &'a ResolvedRelation,
    ) -> BoxFuture<'a, Result<()>>;
}
