//! Reading a table's description through the dialect's introspection queries.

use plugorm_plugin_api::{migrate::TableInfo, statement::TableRef};

use super::{context::with_context, table_label, Migrator};
use crate::Result;

impl Migrator {
    /// The table as the database describes it now: whether it exists, its columns and
    /// its indexes.
    ///
    /// ```no_run
    /// # async fn run(db: plugorm::Db) -> plugorm::Result<()> {
    /// let info = db.migrator().describe_table("users").await?;
    /// if info.exists {
    ///     for c in info.columns.iter() {
    ///         println!("{} {}", c.name, c.sql_type);
    ///     }
    /// }
    /// # Ok(()) }
    /// ```
    pub async fn describe_table(&self, table: &str) -> Result<TableInfo> {
        self.describe_ref(&TableRef::parse(table)).await
    }

    /// The model's table as the database describes it now (GORM's `ColumnTypes`, plus
    /// indexes).
    ///
    /// ```no_run
    /// # async fn run<User: plugorm::Model>(db: plugorm::Db) -> plugorm::Result<()> {
    /// let info = db.migrator().describe::<User>().await?;
    /// println!("{} columns", info.columns.len());
    /// # Ok(()) }
    /// ```
    pub async fn describe<T: crate::Model>(&self) -> Result<TableInfo> {
        self.describe_ref(&super::model_table::<T>()).await
    }

    pub(super) async fn describe_ref(&self, table: &TableRef) -> Result<TableInfo> {
        let what = format!("describing table `{}`", table_label(table));
        let dialect = self.db.dialect();
        let queries = dialect
            .introspection_queries(table)
            .map_err(|e| with_context(e.into(), &what))?;
        let mut results = Vec::with_capacity(queries.len());
        for sql in queries {
            let rows = self
                .db
                .query_sql(sql)
                .await
                .map_err(|e| with_context(e, &what))?;
            results.push(rows);
        }
        dialect
            .parse_introspection(table, results)
            .map_err(|e| with_context(e.into(), &what))
    }
}
