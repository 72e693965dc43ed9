//! The preload methods of [`Query`].

use std::sync::Arc;

use plugorm_plugin_api::statement::JoinKind;

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
        self.extras.preloads.push(PreloadRequest {
            path: path.to_string(),
            scope: None,
            join: None,
            filter: None,
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
        self.extras.preloads.push(PreloadRequest {
            path: path.to_string(),
            scope: Some(Arc::new(scope)),
            join: None,
            filter: None,
        });
        self
    }

    /// Like [`Query::preload`], with a SQL condition on the last relation's query (GORM's
    /// `Preload("Orders", "state NOT IN ?", …)`); `?` placeholders take `args`.
    ///
    /// ```no_run
    /// # use plugorm::Model;
    /// # #[derive(Model, Debug, Default, Clone)] struct Pet { id: i64, user_id: i64, name: String }
    /// # #[derive(Model, Debug, Default, Clone)] struct User { id: i64, pets: Vec<Pet> }
    /// # async fn run(db: plugorm::Db) -> plugorm::Result<()> {
    /// let users: Vec<User> = db.model::<User>()
    ///     .preload_filter("Pets", "name NOT IN ?", (vec!["rex", "tom"],))
    ///     .find().await?;
    /// # Ok(()) }
    /// ```
    pub fn preload_filter(mut self, path: &str, sql: &str, args: impl crate::IntoArgs) -> Self {
        self.extras.preloads.push(PreloadRequest {
            path: path.to_string(),
            scope: None,
            join: None,
            filter: Some(plugorm_plugin_api::statement::Expr::Raw(
                plugorm_plugin_api::statement::RawSql {
                    sql: sql.into(),
                    args: args.into_args().into(),
                },
            )),
        });
        self
    }

    /// Loads every relation of the model (GORM's `Preload(clause.Associations)`).
    pub fn preload_all(self) -> Self {
        self.preload("*")
    }

    /// Loads has-one / belongs-to relation `path` in the same query (GORM's
    /// `Joins("Company")`): `LEFT JOIN "companies" "Company" ON …`, its columns read as
    /// `"Company"."id" AS "Company__id"` and decoded into the field. Dotted for nested
    /// relations (`"Manager.Company"`, aliased `Manager__Company`). The alias is the path
    /// segment as written, for conditions that name it. (The raw-SQL join is
    /// [`Query::joins`].)
    ///
    /// ```no_run
    /// # use plugorm::Model;
    /// # #[derive(Model, Debug, Default, Clone)] struct Company { id: i64, name: String }
    /// # #[derive(Model, Debug, Default, Clone)] struct User { id: i64, company_id: Option<i64>, company: Option<Company> }
    /// # async fn run(db: plugorm::Db) -> plugorm::Result<()> {
    /// let users: Vec<User> = db.model::<User>().join_relation("Company").find().await?;
    /// # Ok(()) }
    /// ```
    pub fn join_relation(self, path: &str) -> Self {
        self.push_join(path, JoinKind::Left, None)
    }

    /// As [`Query::join_relation`] with an `INNER JOIN` (GORM's `InnerJoins`): owners
    /// without a related record are not found.
    pub fn inner_join_relation(self, path: &str) -> Self {
        self.push_join(path, JoinKind::Inner, None)
    }

    /// As [`Query::join_relation`], with conditions on the joined record added to the ON
    /// clause (G59). The closure's query is aliased like the join, so typed conditions
    /// (`filter_struct`, `filter_map`) name the alias.
    ///
    /// ```no_run
    /// # use plugorm::{Model, Query};
    /// # #[derive(Model, Debug, Default, Clone)] struct Company { id: i64, name: String }
    /// # #[derive(Model, Debug, Default, Clone)] struct User { id: i64, company_id: Option<i64>, company: Option<Company> }
    /// # async fn run(db: plugorm::Db) -> plugorm::Result<()> {
    /// let users: Vec<User> = db.model::<User>()
    ///     .inner_join_relation_with("Company", |q: Query<Company>| q.filter_map([("name", "acme")]).unwrap())
    ///     .find().await?;
    /// # Ok(()) }
    /// ```
    pub fn join_relation_with<C: Model>(
        self,
        path: &str,
        scope: impl Fn(Query<C>) -> Query<C> + Send + Sync + 'static,
    ) -> Self {
        let scope: Scope<C> = Arc::new(scope);
        self.push_join(path, JoinKind::Left, Some(Arc::new(scope)))
    }

    /// [`Query::join_relation_with`] with an `INNER JOIN`.
    pub fn inner_join_relation_with<C: Model>(
        self,
        path: &str,
        scope: impl Fn(Query<C>) -> Query<C> + Send + Sync + 'static,
    ) -> Self {
        let scope: Scope<C> = Arc::new(scope);
        self.push_join(path, JoinKind::Inner, Some(Arc::new(scope)))
    }

    fn push_join(
        mut self,
        path: &str,
        kind: JoinKind,
        scope: Option<Arc<dyn std::any::Any + Send + Sync>>,
    ) -> Self {
        self.extras.preloads.push(PreloadRequest {
            path: path.to_string(),
            scope,
            join: Some(kind),
            filter: None,
        });
        self
    }
}

/// Runs a query's preload requests on its found records.
pub(crate) async fn load_requested<T: Model>(
    db: &Db,
    items: &mut [T],
    requests: &[PreloadRequest],
) -> Result<()> {
    if requests.iter().all(|r| r.join.is_some()) {
        return Ok(());
    }
    let separate: Vec<PreloadRequest> = requests
        .iter()
        .filter(|r| r.join.is_none())
        .cloned()
        .collect();
    let tree = PreloadNode::tree(&separate)?;
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
            join: None,
            filter: None,
        }];
        load_requested(self, items, &req).await
    }
}
