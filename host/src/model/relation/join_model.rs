//! Custom join-table models (GORM's `SetupJoinTable`): a many-to-many relation whose join
//! table is a model of its own, with fields beyond the two keys (`created_at`, a role, a
//! soft-delete mark) and hooks.
//!
//! ```
//! use plugorm::Model;
//!
//! #[derive(Model, Debug, Default, Clone)]
//! struct Address { id: i64, city: String }
//!
//! #[derive(Model, Debug, Default, Clone)]
//! struct PersonAddress {
//!     #[orm(primary_key)] person_id: i64,
//!     #[orm(primary_key)] address_id: i64,
//!     created_at: chrono::NaiveDateTime,
//! }
//!
//! #[derive(Model, Debug, Default, Clone)]
//! struct Person {
//!     id: i64,
//!     #[orm(many_to_many = "person_addresses", join_model = "PersonAddress")]
//!     addresses: Vec<Address>,
//! }
//!
//! let rel = Person::relations()[0].resolved()?;
//! assert_eq!(rel.join_schema.unwrap().name, "PersonAddress");
//! # Ok::<(), plugorm::relation::RelationError>(())
//! ```
//!
//! Its join rows are created as records of the model — its `before_create` hooks run, its
//! time fields are filled — AutoMigrate creates the table from the model's schema, and
//! reading or removing join rows goes through the processors with that schema, so a
//! soft-deletable join model has its rows soft-deleted and deleted rows left unread.

use std::sync::Arc;

use futures_util::future::BoxFuture;
use plugorm_plugin_api::{schema::ModelSchema, Value};

use super::RelationError;
use crate::{Db, Result};

/// What the host does with the rows of a join model, with the model's type erased.
pub(crate) trait JoinRows: Send + Sync {
    fn schema(&self) -> &'static ModelSchema;
    /// Creates one join record per row of values (one value per column of `columns`),
    /// leaving rows that exist as they are.
    fn insert<'a>(
        &'a self,
        db: &'a Db,
        columns: &'a [String],
        rows: Vec<Vec<Value>>,
    ) -> BoxFuture<'a, Result<()>>;
}

pub(crate) fn missing_column(schema: &ModelSchema, column: &str) -> RelationError {
    RelationError::Invalid {
        model: schema.name.to_string(),
        field: column.to_string(),
        reason: format!(
            "the join model `{}` has no column `{column}` for the join key",
            schema.name
        ),
    }
}

/// The join model of a many-to-many relation ([`crate::relation::Relation::with_join_model`]).
///
/// ```
/// # use plugorm::Model;
/// # #[derive(Model, Debug, Default, Clone)] struct Tag { id: i64 }
/// # #[derive(Model, Debug, Default, Clone)]
/// # struct PostTag { #[orm(primary_key)] post_id: i64, #[orm(primary_key)] tag_id: i64 }
/// # #[derive(Model, Debug, Default, Clone)]
/// # struct Post { id: i64, #[orm(many_to_many = "post_tags", join_model = "PostTag")] tags: Vec<Tag> }
/// let rel = Post::relations()[0].resolved()?;
/// assert_eq!(rel.join_model.as_ref().unwrap().schema().table, "post_tags");
/// # Ok::<(), plugorm::relation::RelationError>(())
/// ```
#[derive(Clone)]
pub struct JoinModel(pub(crate) Arc<dyn JoinRows>);

impl JoinModel {
    /// The join model's schema.
    pub fn schema(&self) -> &'static ModelSchema {
        self.0.schema()
    }

    /// Checks that the model has every join column.
    pub(crate) fn check(&self, columns: &[&String]) -> std::result::Result<(), RelationError> {
        let schema = self.schema();
        for c in columns {
            if schema.field_by_column(c).is_none() {
                return Err(missing_column(schema, c));
            }
        }
        Ok(())
    }
}

impl std::fmt::Debug for JoinModel {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_tuple("JoinModel")
            .field(&self.schema().name.as_str())
            .finish()
    }
}

impl PartialEq for JoinModel {
    fn eq(&self, other: &JoinModel) -> bool {
        std::ptr::eq(self.schema(), other.schema())
    }
}

impl Eq for JoinModel {}
