//! What a [`Query`](super::Query) reads from: a model, whose fields name the columns and
//! whose plugins' clauses (soft delete) apply, or a [`Table`] named at run time, with
//! no model at all (GORM's `db.Table("users")`).

use std::sync::OnceLock;

use plugorm_plugin_api::{schema::ModelSchema, statement::Select};

use crate::{query::preload::PreloadRequest, Db, Model, Result};

/// The rows of a query without a model: `db.table("users")`. Columns are named by the
/// caller and quoted by the dialect; no model's conditions (soft delete) apply; rows are
/// read as maps, into any [`FromRow`](crate::FromRow) type, or counted and plucked.
///
/// ```no_run
/// # async fn run(db: plugorm::Db) -> Result<(), plugorm::Error> {
/// let q: plugorm::Query<plugorm::Table> = db.table("users").filter("age > ?", (18,));
/// let n = q.count().await?;
/// # Ok(()) }
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Table;

/// A type a [`Query`](super::Query) can read: every [`Model`], and [`Table`]. Sealed:
/// derive [`Model`] to query a type of your own.
///
/// ```
/// fn readable<T: plugorm::QuerySource>() {}
/// readable::<plugorm::Table>();
/// ```
pub trait QuerySource: Send + Sync + 'static + sealed::Sealed {
    /// The fields the query may name: the model's, or none for a [`Table`].
    #[doc(hidden)]
    fn source_schema() -> &'static ModelSchema;
    /// The schema callbacks and plugins see: the model's, or none for a [`Table`].
    #[doc(hidden)]
    fn model_schema() -> Option<&'static ModelSchema>;
}

impl<T: Model> QuerySource for T {
    fn source_schema() -> &'static ModelSchema {
        T::schema()
    }

    fn model_schema() -> Option<&'static ModelSchema> {
        Some(T::schema())
    }
}

impl QuerySource for Table {
    fn source_schema() -> &'static ModelSchema {
        static EMPTY: OnceLock<ModelSchema> = OnceLock::new();
        EMPTY.get_or_init(|| ModelSchema {
            name: "table".into(),
            table: "".into(),
            fields: Default::default(),
            indexes: Default::default(),
        })
    }

    fn model_schema() -> Option<&'static ModelSchema> {
        None
    }
}

pub(crate) mod sealed {
    use super::*;

    /// Only models and [`Table`] are query sources; what the host needs of a source
    /// beyond its schema lives here, out of users' sight (hence the crate-private types
    /// in its signatures: no one outside can name or call it).
    #[allow(private_interfaces)]
    pub trait Sealed {
        /// Adds the joins of `preload`ed relations to `select` (models only; a table has no
        /// relations).
        #[doc(hidden)]
        fn join_preloads(
            db: &Db,
            requests: &[PreloadRequest],
            select: &mut Select,
            qualifier: &str,
            columns: bool,
        ) -> Result<()>;
    }

    #[allow(private_interfaces)]
    impl<T: Model> Sealed for T {
        fn join_preloads(
            db: &Db,
            requests: &[PreloadRequest],
            select: &mut Select,
            qualifier: &str,
            columns: bool,
        ) -> Result<()> {
            crate::query::preload::joins::apply::<T>(db, requests, select, qualifier, columns)
        }
    }

    #[allow(private_interfaces)]
    impl Sealed for Table {
        fn join_preloads(
            _db: &Db,
            _requests: &[PreloadRequest],
            _select: &mut Select,
            _qualifier: &str,
            _columns: bool,
        ) -> Result<()> {
            Ok(())
        }
    }
}
