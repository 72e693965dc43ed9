//! Catalog reads: the current database's tables and name (GORM's `GetTables` and
//! `CurrentDatabase`), each a query the dialect renders.

use plugorm_plugin_api::{migrate::Ddl, DbError, Rows};

use super::{context::with_context, Migrator};
use crate::Result;

impl Migrator {
    /// The base tables of the current schema (PostgreSQL's `search_path` schema, the
    /// current database on MySQL, the main database on SQLite). Views
    /// are not listed, nor SQLite's own `sqlite_` tables. Sorted by code point.
    ///
    /// ```no_run
    /// # async fn run(db: plugorm::Db) -> plugorm::Result<()> {
    /// for table in db.migrator().get_tables().await? {
    ///     println!("{table}");
    /// }
    /// # Ok(()) }
    /// ```
    pub async fn get_tables(&self) -> Result<Vec<String>> {
        let rows = self.read(&Ddl::ListTables, "listing the tables").await?;
        let mut names = first_column(&rows, "listing the tables")?;
        // By code point, the same on every database (their collations order `_` apart).
        names.sort();
        Ok(names)
    }

    /// The name of the database this migrator runs on (`main` on SQLite).
    ///
    /// ```no_run
    /// # async fn run(db: plugorm::Db) -> plugorm::Result<()> {
    /// println!("on {}", db.migrator().current_database().await?);
    /// # Ok(()) }
    /// ```
    pub async fn current_database(&self) -> Result<String> {
        let what = "reading the current database's name";
        let rows = self.read(&Ddl::CurrentDatabase, what).await?;
        first_column(&rows, what)?
            .into_iter()
            .next()
            .ok_or_else(|| {
                with_context(
                    DbError::Decode {
                        detail: "the database returned no row".into(),
                    }
                    .into(),
                    what,
                )
            })
    }

    /// Renders a catalog read and runs it (it must be one statement).
    pub(super) async fn read(&self, op: &Ddl, what: &str) -> Result<Rows> {
        let mut statements = self.render_step(op, what)?;
        let (Some(sql), true) = (statements.pop(), statements.is_empty()) else {
            return Err(with_context(
                DbError::Render("the dialect rendered no single query".into()).into(),
                what,
            ));
        };
        self.db
            .query_sql(sql)
            .await
            .map_err(|e| with_context(e, what))
    }
}

/// The first column of every row, as text.
fn first_column(rows: &Rows, what: &str) -> Result<Vec<String>> {
    rows.iter()
        .map(|row| row.get_at::<String>(0))
        .collect::<std::result::Result<_, _>>()
        .map_err(|e| with_context(e.into(), what))
}
