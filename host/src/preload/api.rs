//! The preload methods of [`Query`].

use std::sync::Arc;

use super::{PreloadNode, PreloadRequest, Scope};
use crate::{Db, Model, Query, Result};

impl<T: Model> Query<T> {
    /// Loads relation `path` of the found records: a field name (`"Pets"` or `"pets"`),
    /// dotted for nested relations (`"Pets.Toys"` loads pets, then their toys), or `"*"`
    /// for every relation of the model. One `IN` query per relation level.
    ///
    /// ```no_run
    /// # use plugorm::Model;
    /// # #[derive(Model, Debug, Default, Clone)] struct Pet { id: i64, user_id: i64 }
    /// # #[derive(Model, Debug, Default, Clone)] struct User { id: i64, pets: Vec<Pet> }
    /// # async fn run(db: plugorm::Db) -> plugorm::Result<()> {
    /// let users: Vec<User> = db.model::<User>().preload("Pets").find().await?;
    /// # Ok(()) }
    /// ```
    pub fn preload(mut self, path: &str) -> Self {
        self.preloads.push(PreloadRequest {
            path: path.to_string(),
            scope: None,
        });
        self
    }

    /// Like [`Query::preload`], with conditions (order, limit per query, anything a
    /// `Query` takes) on the last relation's query. The closure's `Query<C>` must be of
    /// the relation's model, or the query fails with `RelationError::WrongTarget`.
    ///
    /// ```no_run
    /// # use plugorm::{Model, Query};
    /// # #[derive(Model, Debug, Default, Clone)] struct Pet { id: i64, user_id: i64, name: String }
    /// # #[derive(Model, Debug, Default, Clone)] struct User { id: i64, pets: Vec<Pet> }
    /// # async fn run(db: plugorm::Db) -> plugorm::Result<()> {
    /// let users: Vec<User> = db.model::<User>()
    ///     .preload_with("Pets", |q: Query<Pet>| q.filter("name LIKE ?", ("r%",)).order("name"))
    ///     .find().await?;
    /// # Ok(()) }
    /// ```
    pub fn preload_with<C: Model>(
        mut self,
        path: &str,
        scope: impl Fn(Query<C>) -> Query<C> + Send + Sync + 'static,
    ) -> Self {
        let scope: Scope<C> = Arc::new(scope);
        self.preloads.push(PreloadRequest {
            path: path.to_string(),
            scope: Some(Arc::new(scope)),
        });
        self
    }

    /// Loads every relation of the model (GORM's `Preload(clause.Associations)`).
    pub fn preload_all(self) -> Self {
        self.preload("*")
    }
}

/// Runs a query's preload requests on its found records.
pub(crate) async fn load_requested<T: Model>(
    db: &Db,
    items: &mut [T],
    requests: &[PreloadRequest],
) -> Result<()> {
    let tree = PreloadNode::tree(requests)?;
    super::run(db, items, &tree).await
}

impl Db {
    /// Loads relation `path` (as [`Query::preload`]) into records already in hand.
    ///
    /// ```no_run
    /// # use plugorm::Model;
    /// # #[derive(Model, Debug, Default, Clone)] struct Pet { id: i64, user_id: i64 }
    /// # #[derive(Model, Debug, Default, Clone)] struct User { id: i64, pets: Vec<Pet> }
    /// # async fn run(db: plugorm::Db, mut users: Vec<User>) -> plugorm::Result<()> {
    /// db.preload(&mut users, "Pets").await?;
    /// # Ok(()) }
    /// ```
    pub async fn preload<T: Model>(&self, items: &mut [T], path: &str) -> Result<()> {
        let req = [PreloadRequest {
            path: path.to_string(),
            scope: None,
        }];
        load_requested(self, items, &req).await
    }

    /// A session whose writes save every association except `names` (`"*"`: none).
    ///
    /// ```no_run
    /// # async fn run<U: plugorm::Model>(db: plugorm::Db, mut user: U) -> plugorm::Result<()> {
    /// db.omit_associations(&["Company"]).create(&mut user).await?;
    /// # Ok(()) }
    /// ```
    pub fn omit_associations(&self, names: &[&str]) -> Db {
        let f = crate::association::SaveFilter::omit(names);
        self.with_session(|s| s.associations = Some(Arc::new(f)))
    }

    /// A session whose writes save only the associations `names`.
    pub fn select_associations(&self, names: &[&str]) -> Db {
        let f = crate::association::SaveFilter::select(names);
        self.with_session(|s| s.associations = Some(Arc::new(f)))
    }
}
