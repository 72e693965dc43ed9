//! Schema migration: [`Db::auto_migrate`] and the [`Migrator`] handle (GORM's
//! `db.AutoMigrate` and `db.Migrator()`).
//!
//! AutoMigrate reads the table's current description from the database (through the
//! dialect's introspection queries), then creates the table when it is missing, adds the
//! missing columns and creates the missing indexes. It never drops or changes existing
//! columns, and when the table already matches the model it runs no DDL at all: the
//! returned [`MigrationReport`] lists every statement that ran, so a second run reports
//! nothing.
//!
//! Relations add FOREIGN KEY constraints (`fk_<owner table>_<relation>`, with the model's
//! `on_delete` / `on_update`), each on the table holding the key. Migrate the related
//! models together with [`Db::auto_migrate_all`] — `(User, Pet, Company)` in any order —
//! and the tables come referenced-first with their constraints inside CREATE TABLE; a
//! table that exists gains a missing constraint through `ALTER TABLE … ADD CONSTRAINT`
//! (SQLite cannot: the report lists it as skipped). Constraints are read back from the
//! database, so a second run issues nothing.
//!
//! Every DDL statement is rendered by the dialect ([`plugorm_plugin_api::Dialect::render_ddl`]);
//! what a dialect cannot do (SQLite's ALTER COLUMN) comes back as
//! [`DbError::Unsupported`](crate::DbError::Unsupported) before anything runs.
//!
//! ```no_run
//! # async fn run<User: plugorm::Model>(db: plugorm::Db) -> plugorm::Result<()> {
//! let report = db.auto_migrate::<User>().await?;
//! println!("{} statements", report.statements.len());
//! assert!(db.auto_migrate::<User>().await?.is_empty());
//! assert!(db.migrator().has_column::<User>("name").await?);
//! # Ok(()) }
//! ```

mod auto;
mod catalog;
mod column_types;
mod constraint_ops;
mod constraints;
mod context;
mod describe;
mod ops;
mod order;
mod plan;
mod rebuild;
mod registered;
mod rename;
mod set;
mod spread;
mod view;

use plugorm_plugin_api::{migrate::Ddl, statement::TableRef, Sql};

use crate::{model::Model, Db, Result};

pub use column_types::ColumnType;
pub use plugorm_plugin_api::migrate::{ColumnInfo, ForeignKeyInfo, IndexInfo, TableInfo};
pub use registered::RegisteredModel;
pub use set::{ModelList, ModelSet};
pub use view::{CheckOption, ViewOption};

/// What a migration did: the table, what was created, and the text of every statement
/// that ran, in order.
///
/// ```
/// let report = plugorm::migrator::MigrationReport::default();
/// assert!(report.is_empty());
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MigrationReport {
    /// The table migrated.
    pub table: String,
    /// The table did not exist and was created.
    pub created_table: bool,
    /// Columns added to an existing table.
    pub added_columns: Vec<String>,
    /// Indexes created (with a new table or on an existing one).
    pub created_indexes: Vec<String>,
    /// The SQL text of every statement run, in order.
    pub statements: Vec<String>,
    /// FOREIGN KEY constraints created (inside CREATE TABLE or added to the table).
    pub created_constraints: Vec<String>,
    /// Constraints of the model that were not created, each `name: reason` (the
    /// referenced table is missing, or the dialect cannot add one to an existing table).
    pub skipped_constraints: Vec<String>,
    /// Columns made longer because the model asks for more (`varchar(64)` →
    /// `varchar(128)`); AutoMigrate never narrows, retypes or drops a column.
    pub widened_columns: Vec<String>,
    /// Changes the dialect cannot make in place, each `what: why` (SQLite cannot widen a
    /// column without rebuilding its table).
    pub skipped_changes: Vec<String>,
    /// Tables rebuilt to make a change their dialect's `ALTER TABLE` cannot (SQLite:
    /// altering a column, adding or dropping a constraint): created anew, every row
    /// copied, the old table dropped, in one transaction.
    pub rebuilt_tables: Vec<String>,
}

impl MigrationReport {
    /// True when no statement ran.
    ///
    /// ```
    /// let mut report = plugorm::migrator::MigrationReport::default();
    /// report.statements.push("DROP TABLE `t`".into());
    /// assert!(!report.is_empty());
    /// ```
    pub fn is_empty(&self) -> bool {
        self.statements.is_empty()
    }

    fn for_table(table: &TableRef) -> MigrationReport {
        MigrationReport {
            table: table_label(table),
            ..MigrationReport::default()
        }
    }
}

/// `schema.table` or `table`, for messages and reports.
fn table_label(table: &TableRef) -> String {
    match table.schema.as_ref() {
        Some(s) => format!("{s}.{}", table.name),
        None => table.name.to_string(),
    }
}

/// The table a model maps to (`schema.table` names are split).
fn model_table<T: Model>() -> TableRef {
    TableRef::parse(&T::schema().table)
}

/// GORM's migrator operations on one database (or transaction): tables, columns,
/// indexes and the current table description. Get one with [`Db::migrator`].
///
/// Model-based operations take the model as a type parameter and accept a field's Rust
/// name or its column name, as GORM accepts `"Name"` or `"name"`.
///
/// ```no_run
/// # async fn run<User: plugorm::Model>(db: plugorm::Db) -> plugorm::Result<()> {
/// let m = db.migrator();
/// if !m.has_table::<User>().await? {
///     m.create_table::<User>().await?;
/// }
/// m.rename_column::<User>("name", "full_name").await?;
/// # Ok(()) }
/// ```
#[derive(Debug, Clone)]
pub struct Migrator {
    db: Db,
    /// Plan only: every DDL statement is rendered and reported, none is run (the
    /// database is still read, so the plan is what would run now).
    plan_only: bool,
}

impl Db {
    /// The migrator of this database (or of this transaction, when called on one).
    ///
    /// ```no_run
    /// # async fn run(db: plugorm::Db) -> plugorm::Result<()> {
    /// let exists = db.migrator().has_table_named("users").await?;
    /// # Ok(()) }
    /// ```
    pub fn migrator(&self) -> Migrator {
        Migrator {
            db: self.clone(),
            plan_only: false,
        }
    }

    /// Creates the model's table when missing, adds missing columns and creates missing
    /// indexes; runs nothing when the table already matches. Existing columns are never
    /// dropped or altered. Every step is rendered before the first one runs, so a step the
    /// dialect refuses stops the migration with nothing done.
    ///
    /// In a [dry-run](Db::dry_run) session nothing is read either: the table is taken as
    /// missing, and the report lists the statements that would create it.
    ///
    /// ```no_run
    /// # async fn run<User: plugorm::Model>(db: plugorm::Db) -> plugorm::Result<()> {
    /// let first = db.auto_migrate::<User>().await?;
    /// println!("created the table: {}", first.created_table);
    /// let second = db.auto_migrate::<User>().await?;
    /// assert!(second.is_empty());
    /// # Ok(()) }
    /// ```
    pub async fn auto_migrate<T: Model>(&self) -> Result<MigrationReport> {
        self.migrator().auto_migrate::<T>().await
    }

    /// AutoMigrate of several models in one call, in dependency order, with the FOREIGN
    /// KEY constraints of their relations (see [`Migrator::auto_migrate_all`]).
    ///
    /// ```no_run
    /// # async fn run<Company: plugorm::Model, User: plugorm::Model, Pet: plugorm::Model>(db: plugorm::Db) -> plugorm::Result<()> {
    /// let reports = db.auto_migrate_all::<(User, Pet, Company)>().await?;
    /// for r in &reports {
    ///     println!("{}: {:?}", r.table, r.created_constraints);
    /// }
    /// # Ok(()) }
    /// ```
    pub async fn auto_migrate_all<S: ModelSet>(&self) -> Result<Vec<MigrationReport>> {
        self.migrator().auto_migrate_all::<S>().await
    }
}

impl Migrator {
    /// The database this migrator runs on.
    ///
    /// ```no_run
    /// # async fn run(db: plugorm::Db) {
    /// let m = db.migrator();
    /// assert_eq!(m.db().dialect().name(), db.dialect().name());
    /// # }
    /// ```
    pub fn db(&self) -> &Db {
        &self.db
    }

    /// Renders a DDL operation through the dialect (nothing runs yet).
    fn render_step(&self, ddl: &Ddl, what: &str) -> Result<Vec<Sql>> {
        self.db
            .dialect()
            .render_ddl(ddl)
            .map(|list| list.into_iter().collect())
            .map_err(|e| context::with_context(e.into(), what))
    }

    /// Runs rendered statements, recording each in `report`.
    async fn execute_step(
        &self,
        statements: Vec<Sql>,
        what: &str,
        report: &mut MigrationReport,
    ) -> Result<()> {
        for sql in statements {
            let text = sql.text.to_string();
            if !self.plan_only {
                self.db
                    .execute_sql(sql)
                    .await
                    .map_err(|e| context::with_context(e, what))?;
            }
            report.statements.push(text);
        }
        Ok(())
    }

    /// Renders a DDL operation and runs its statements, recording them in `report`.
    async fn run(&self, ddl: &Ddl, what: &str, report: &mut MigrationReport) -> Result<()> {
        let statements = self.render_step(ddl, what)?;
        self.execute_step(statements, what, report).await
    }
}
