//! GORM's basic migrator operations: tables, columns, indexes.

use plugorm_plugin_api::{
    migrate::{Ddl, TableChange},
    statement::TableRef,
};

use super::{context, model_table, table_label, MigrationReport, Migrator};
use crate::{model::Model, Result};

impl Migrator {
    /// True when the model's table exists.
    ///
    /// ```no_run
    /// # async fn run<User: plugorm::Model>(db: plugorm::Db) -> plugorm::Result<()> {
    /// let exists = db.migrator().has_table::<User>().await?;
    /// # Ok(()) }
    /// ```
    pub async fn has_table<T: Model>(&self) -> Result<bool> {
        Ok(self.describe_ref(&model_table::<T>()).await?.exists)
    }

    /// True when a table of that name (`table` or `schema.table`) exists.
    ///
    /// ```no_run
    /// # async fn run(db: plugorm::Db) -> plugorm::Result<()> {
    /// let exists = db.migrator().has_table_named("users").await?;
    /// # Ok(()) }
    /// ```
    pub async fn has_table_named(&self, table: &str) -> Result<bool> {
        Ok(self.describe_table(table).await?.exists)
    }

    /// Creates the model's table and its indexes (an error when it already exists), with
    /// the FOREIGN KEY constraints of its belongs-to relations inside (their tables must
    /// exist).
    ///
    /// ```no_run
    /// # async fn run<User: plugorm::Model>(db: plugorm::Db) -> plugorm::Result<()> {
    /// let report = db.migrator().create_table::<User>().await?;
    /// assert!(report.created_table);
    /// # Ok(()) }
    /// ```
    pub async fn create_table<T: Model>(&self) -> Result<MigrationReport> {
        let table = model_table::<T>();
        let mut report = MigrationReport::for_table(&table);
        let missing = plugorm_plugin_api::migrate::TableInfo::default();
        let own = T::schema().table.as_str();
        let foreign_keys = super::constraints::of_model::<T>()?
            .constraints
            .into_iter()
            .filter(|c| c.table.eq_ignore_ascii_case(own))
            .map(|c| c.key)
            .collect();
        let steps = super::auto::plan(T::schema(), &table, &missing, foreign_keys);
        self.run_plan(steps, &mut report).await?;
        Ok(report)
    }

    /// Drops the model's table if it exists.
    ///
    /// ```no_run
    /// # async fn run<User: plugorm::Model>(db: plugorm::Db) -> plugorm::Result<()> {
    /// db.migrator().drop_table::<User>().await?;
    /// # Ok(()) }
    /// ```
    ///
    /// A table a plugin spreads over several (the sharding plugin's shards) is dropped
    /// everywhere it lives: one report, every statement in it.
    pub async fn drop_table<T: Model>(&self) -> Result<MigrationReport> {
        let table = model_table::<T>();
        let Some(targets) = self.db.migrate_targets(&T::schema().table)? else {
            return self.drop_ref(table).await;
        };
        let mut report = MigrationReport::for_table(&table);
        for t in targets {
            let what = format!("shard table `{}`", t.table.name);
            let db = self.db.on_pool(t.pool, &what)?;
            let dropped = Box::pin(db.migrator().drop_ref(t.table)).await?;
            report.statements.extend(dropped.statements);
        }
        Ok(report)
    }

    /// Drops a table by name (`table` or `schema.table`) if it exists.
    ///
    /// ```no_run
    /// # async fn run(db: plugorm::Db) -> plugorm::Result<()> {
    /// db.migrator().drop_table_named("old_users").await?;
    /// # Ok(()) }
    /// ```
    pub async fn drop_table_named(&self, table: &str) -> Result<MigrationReport> {
        self.drop_ref(TableRef::parse(table)).await
    }

    async fn drop_ref(&self, table: TableRef) -> Result<MigrationReport> {
        let mut report = MigrationReport::for_table(&table);
        let what = format!("dropping table `{}`", report.table);
        let ddl = Ddl::DropTable {
            table,
            if_exists: true,
        };
        self.run(&ddl, &what, &mut report).await?;
        Ok(report)
    }

    /// True when the model's table has the column of that field (Rust or column name; a
    /// name the model lacks is taken as a column name).
    ///
    /// ```no_run
    /// # async fn run<User: plugorm::Model>(db: plugorm::Db) -> plugorm::Result<()> {
    /// let has = db.migrator().has_column::<User>("name").await?;
    /// # Ok(()) }
    /// ```
    pub async fn has_column<T: Model>(&self, field: &str) -> Result<bool> {
        let column = context::column_name(T::schema(), field);
        let info = self.describe_ref(&model_table::<T>()).await?;
        Ok(info.column(&column).is_some())
    }

    /// Adds the column of a model field (with its UNIQUE / CHECK constraints).
    ///
    /// ```no_run
    /// # async fn run<User: plugorm::Model>(db: plugorm::Db) -> plugorm::Result<()> {
    /// db.migrator().add_column::<User>("age").await?;
    /// # Ok(()) }
    /// ```
    pub async fn add_column<T: Model>(&self, field: &str) -> Result<MigrationReport> {
        let field = context::field(T::schema(), field)?;
        let table = model_table::<T>();
        let mut report = MigrationReport::for_table(&table);
        let ddl = Ddl::AddColumn {
            table,
            field: field.clone(),
        };
        self.run_plan(vec![ddl], &mut report).await?;
        Ok(report)
    }

    /// Drops a column (a model field's, or any column by name).
    ///
    /// ```no_run
    /// # async fn run<User: plugorm::Model>(db: plugorm::Db) -> plugorm::Result<()> {
    /// db.migrator().drop_column::<User>("nickname").await?;
    /// # Ok(()) }
    /// ```
    pub async fn drop_column<T: Model>(&self, field: &str) -> Result<MigrationReport> {
        let column = context::column_name(T::schema(), field);
        let table = model_table::<T>();
        let mut report = MigrationReport::for_table(&table);
        let what = format!("dropping column `{column}` of table `{}`", report.table);
        let ddl = Ddl::DropColumn {
            table,
            column: column.into(),
        };
        self.run(&ddl, &what, &mut report).await?;
        Ok(report)
    }

    /// Changes a column to the model field's type, nullability and default. On SQLite,
    /// which has no ALTER COLUMN, the table is rebuilt with the column's new definition,
    /// keeping every row and every other column, index and trigger
    /// ([`MigrationReport::rebuilt_tables`]; it must run outside a transaction). A
    /// dialect that can do neither refuses with
    /// [`DbError::Unsupported`](crate::DbError::Unsupported) and runs nothing.
    ///
    /// ```no_run
    /// # async fn run<Pet: plugorm::Model>(db: plugorm::Db) -> plugorm::Result<()> {
    /// let report = db.migrator().alter_column::<Pet>("name").await?;
    /// println!("rebuilt: {:?}", report.rebuilt_tables);
    /// # Ok(()) }
    /// ```
    pub async fn alter_column<T: Model>(&self, field: &str) -> Result<MigrationReport> {
        let field = context::field(T::schema(), field)?;
        let table = model_table::<T>();
        let mut report = MigrationReport::for_table(&table);
        let what = format!(
            "altering column `{}` of table `{}`",
            field.column, report.table
        );
        let ddl = Ddl::AlterColumn {
            table: table.clone(),
            field: field.clone(),
        };
        let change = TableChange::AlterColumn {
            field: field.clone(),
        };
        self.change_table(&table, &ddl, change, &what, &mut report)
            .await?;
        Ok(report)
    }

    /// Renames a column; either name may be a model field's Rust name.
    ///
    /// ```no_run
    /// # async fn run<User: plugorm::Model>(db: plugorm::Db) -> plugorm::Result<()> {
    /// db.migrator().rename_column::<User>("name", "full_name").await?;
    /// # Ok(()) }
    /// ```
    pub async fn rename_column<T: Model>(&self, from: &str, to: &str) -> Result<MigrationReport> {
        let schema = T::schema();
        let from = context::column_name(schema, from);
        let to = context::column_name(schema, to);
        let table = model_table::<T>();
        let mut report = MigrationReport::for_table(&table);
        let what = format!(
            "renaming column `{from}` of table `{}` to `{to}`",
            report.table
        );
        let ddl = Ddl::RenameColumn {
            table,
            from: from.into(),
            to: to.into(),
        };
        self.run(&ddl, &what, &mut report).await?;
        Ok(report)
    }

    /// True when the table has the index (a model index's name, a field with an index,
    /// or any index name).
    ///
    /// ```no_run
    /// # async fn run<User: plugorm::Model>(db: plugorm::Db) -> plugorm::Result<()> {
    /// let has = db.migrator().has_index::<User>("idx_users_name").await?;
    /// # Ok(()) }
    /// ```
    pub async fn has_index<T: Model>(&self, name: &str) -> Result<bool> {
        let name = context::index_name(T::schema(), name);
        let info = self.describe_ref(&model_table::<T>()).await?;
        Ok(info.index(&name).is_some())
    }

    /// Creates a model index, by its name or by the name of an indexed field.
    ///
    /// ```no_run
    /// # async fn run<User: plugorm::Model>(db: plugorm::Db) -> plugorm::Result<()> {
    /// db.migrator().create_index::<User>("idx_users_name").await?;
    /// # Ok(()) }
    /// ```
    pub async fn create_index<T: Model>(&self, name: &str) -> Result<MigrationReport> {
        let index = context::require_index(T::schema(), name)?;
        let table = model_table::<T>();
        let mut report = MigrationReport::for_table(&table);
        let ddl = Ddl::CreateIndex {
            table,
            index: index.clone(),
        };
        self.run_plan(vec![ddl], &mut report).await?;
        Ok(report)
    }

    /// Drops an index (a model index's name, a field with an index, or any index name).
    ///
    /// ```no_run
    /// # async fn run<User: plugorm::Model>(db: plugorm::Db) -> plugorm::Result<()> {
    /// db.migrator().drop_index::<User>("idx_users_name").await?;
    /// # Ok(()) }
    /// ```
    pub async fn drop_index<T: Model>(&self, name: &str) -> Result<MigrationReport> {
        let name = context::index_name(T::schema(), name);
        let table = model_table::<T>();
        let mut report = MigrationReport::for_table(&table);
        let what = format!("dropping index `{name}` of table `{}`", table_label(&table));
        let ddl = Ddl::DropIndex {
            table,
            name: name.into(),
        };
        self.run(&ddl, &what, &mut report).await?;
        Ok(report)
    }
}
