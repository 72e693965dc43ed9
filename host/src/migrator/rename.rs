//! Renaming tables and indexes (GORM's `RenameTable` and `RenameIndex`).

use plugorm_plugin_api::{migrate::Ddl, statement::TableRef, DbError};

use super::{context, model_table, table_label, MigrationReport, Migrator};
use crate::{model::Model, Result};

impl Migrator {
    /// Renames the table of model `Old` to the table of model `New` (GORM's
    /// `RenameTable(&Old{}, &New{})`). Both tables must be in the same schema.
    ///
    /// ```no_run
    /// # async fn run<User: plugorm::Model, UserInfo: plugorm::Model>(db: plugorm::Db) -> plugorm::Result<()> {
    /// db.migrator().rename_table::<User, UserInfo>().await?;
    /// assert!(db.migrator().has_table::<UserInfo>().await?);
    /// # Ok(()) }
    /// ```
    pub async fn rename_table<Old: Model, New: Model>(&self) -> Result<MigrationReport> {
        self.rename_ref(model_table::<Old>(), model_table::<New>())
            .await
    }

    /// Renames a table by name (`table` or `schema.table`; the new name is in the same
    /// schema, so it may name that schema or none).
    ///
    /// ```no_run
    /// # async fn run(db: plugorm::Db) -> plugorm::Result<()> {
    /// db.migrator().rename_table_named("users", "user_infos").await?;
    /// # Ok(()) }
    /// ```
    pub async fn rename_table_named(&self, from: &str, to: &str) -> Result<MigrationReport> {
        self.rename_ref(TableRef::parse(from), TableRef::parse(to))
            .await
    }

    async fn rename_ref(&self, from: TableRef, to: TableRef) -> Result<MigrationReport> {
        let mut report = MigrationReport::for_table(&from);
        let what = format!(
            "renaming table `{}` to `{}`",
            report.table,
            table_label(&to)
        );
        if let Some(schema) = to.schema.as_ref() {
            if from.schema.as_ref() != Some(schema) {
                // RENAME TO keeps a table in its schema; moving it is another statement.
                return Err(DbError::Render(format!(
                    "cannot rename table `{}` to `{}`: the new name must be in the same schema",
                    report.table,
                    table_label(&to)
                ))
                .into());
            }
        }
        let ddl = Ddl::RenameTable {
            table: from,
            to: to.name,
        };
        self.run(&ddl, &what, &mut report).await?;
        Ok(report)
    }

    /// Renames an index of the model's table (`from`: a model index's name, a field with
    /// an index, or any index name; `to`: the new name as written). SQLite cannot rename an index and refuses with
    /// [`DbError::Unsupported`], running nothing.
    ///
    /// ```no_run
    /// # async fn run<User: plugorm::Model>(db: plugorm::Db) -> plugorm::Result<()> {
    /// db.migrator().rename_index::<User>("idx_users_name", "idx_users_full_name").await?;
    /// # Ok(()) }
    /// ```
    pub async fn rename_index<T: Model>(&self, from: &str, to: &str) -> Result<MigrationReport> {
        let schema = T::schema();
        let from = context::index_name(schema, from);
        // The new name is taken as written: it names no model index yet.
        let table = model_table::<T>();
        let mut report = MigrationReport::for_table(&table);
        let what = format!(
            "renaming index `{from}` of table `{}` to `{to}`",
            report.table
        );
        let ddl = Ddl::RenameIndex {
            table,
            from: from.into(),
            to: to.into(),
        };
        self.run(&ddl, &what, &mut report).await?;
        Ok(report)
    }
}
