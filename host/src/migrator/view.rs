//! Views (GORM's `CreateView` / `DropView`): the definition is a query built with the
//! ORM and rendered by the dialect.

use plugorm_plugin_api::{migrate::Ddl, statement::TableRef, DbError};

use super::{table_label, MigrationReport, Migrator};
use crate::{model::Model, query::Query, Result};

/// The check option of a view (GORM's `ViewOption.CheckOption`): which rows an INSERT
/// or UPDATE through the view may write.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum CheckOption {
    /// No check option.
    #[default]
    None,
    /// `WITH CHECK OPTION`.
    Check,
    /// `WITH LOCAL CHECK OPTION`.
    Local,
    /// `WITH CASCADED CHECK OPTION`.
    Cascaded,
}

impl CheckOption {
    /// The clause as SQL writes it (empty for [`CheckOption::None`]).
    ///
    /// ```
    /// use plugorm::migrator::CheckOption;
    /// assert_eq!(CheckOption::Local.as_sql(), "WITH LOCAL CHECK OPTION");
    /// ```
    pub fn as_sql(self) -> &'static str {
        match self {
            CheckOption::None => "",
            CheckOption::Check => "WITH CHECK OPTION",
            CheckOption::Local => "WITH LOCAL CHECK OPTION",
            CheckOption::Cascaded => "WITH CASCADED CHECK OPTION",
        }
    }
}

/// How to create a view (GORM's `ViewOption`): its query, whether to replace a view of
/// that name, and its check option.
///
/// ```no_run
/// # async fn run<User: plugorm::Model>(db: plugorm::Db) -> plugorm::Result<()> {
/// use plugorm::migrator::ViewOption;
/// let adults = db.model::<User>().filter("age >= 18", ());
/// db.migrator().create_view("adults", ViewOption::new(adults).replace(true)).await?;
/// # Ok(()) }
/// ```
pub struct ViewOption<T> {
    /// The view's SELECT. Its values must be part of its SQL text: a view's definition
    /// cannot hold bound parameters, so a query with any is refused.
    pub query: Query<T>,
    /// `CREATE OR REPLACE VIEW` (SQL Server: `CREATE OR ALTER VIEW`; SQLite refuses it).
    pub replace: bool,
    pub check_option: CheckOption,
}

impl<T> ViewOption<T> {
    /// A plain `CREATE VIEW` of this query.
    ///
    /// ```no_run
    /// # fn f<User: plugorm::Model>(db: plugorm::Db) {
    /// let o = plugorm::migrator::ViewOption::new(db.model::<User>());
    /// assert!(!o.replace);
    /// # }
    /// ```
    pub fn new(query: Query<T>) -> ViewOption<T> {
        ViewOption {
            query,
            replace: false,
            check_option: CheckOption::None,
        }
    }

    /// Replaces a view of that name.
    ///
    /// ```no_run
    /// # fn f<User: plugorm::Model>(db: plugorm::Db) {
    /// let o = plugorm::migrator::ViewOption::new(db.model::<User>()).replace(true);
    /// assert!(o.replace);
    /// # }
    /// ```
    pub fn replace(mut self, replace: bool) -> ViewOption<T> {
        self.replace = replace;
        self
    }

    /// Sets the check option.
    ///
    /// ```no_run
    /// # fn f<User: plugorm::Model>(db: plugorm::Db) {
    /// use plugorm::migrator::{CheckOption, ViewOption};
    /// let o = ViewOption::new(db.model::<User>()).check_option(CheckOption::Local);
    /// assert_eq!(o.check_option, CheckOption::Local);
    /// # }
    /// ```
    pub fn check_option(mut self, check_option: CheckOption) -> ViewOption<T> {
        self.check_option = check_option;
        self
    }
}

impl Migrator {
    /// Creates a view (`name` or `schema.name`) of a query built with the ORM, rendered
    /// by the dialect with the plugins' clauses (soft delete) as `find` would run it.
    /// A query with bound values is refused with
    /// [`DbError::Render`] naming the view: write its values in
    /// its SQL (`filter("age >= 18", ())`).
    ///
    /// ```no_run
    /// # async fn run<User: plugorm::Model>(db: plugorm::Db) -> plugorm::Result<()> {
    /// use plugorm::migrator::ViewOption;
    /// let q = db.model::<User>().filter("age > 20", ());
    /// db.migrator().create_view("users_view", ViewOption::new(q)).await?;
    /// # Ok(()) }
    /// ```
    pub async fn create_view<T: Model>(
        &self,
        name: &str,
        option: ViewOption<T>,
    ) -> Result<MigrationReport> {
        let view = TableRef::parse(name);
        let mut report = MigrationReport::for_table(&view);
        let what = format!("creating view `{}`", report.table);
        let query = option.query.find_sql().await?;
        if !query.params.is_empty() {
            // A view stores its SQL text; inlining the values would put user data into
            // DDL unbound, so the query must carry its values in its own text.
            return Err(DbError::Render(format!(
                "cannot create view `{}`: its query has {} bound value(s), which a view's \
                 definition cannot hold; write the values into the query's SQL text",
                table_label(&view),
                query.params.len()
            ))
            .into());
        }
        let ddl = Ddl::CreateView {
            view,
            query: query.text,
            replace: option.replace,
            check_option: option.check_option.as_sql().into(),
        };
        self.run(&ddl, &what, &mut report).await?;
        Ok(report)
    }

    /// Drops a view if it exists (`DROP VIEW IF EXISTS`).
    ///
    /// ```no_run
    /// # async fn run(db: plugorm::Db) -> plugorm::Result<()> {
    /// db.migrator().drop_view("users_view").await?;
    /// # Ok(()) }
    /// ```
    pub async fn drop_view(&self, name: &str) -> Result<MigrationReport> {
        let view = TableRef::parse(name);
        let mut report = MigrationReport::for_table(&view);
        let what = format!("dropping view `{}`", report.table);
        let ddl = Ddl::DropView {
            view,
            if_exists: true,
        };
        self.run(&ddl, &what, &mut report).await?;
        Ok(report)
    }
}
