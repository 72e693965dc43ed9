//! A chain's raw rows: [`RowCursor`] (GORM's `Rows()`, a batch at a time, undecoded) and
//! [`Query::scalar`] (GORM's `Row().Scan(&v)` of one value).

use plugorm_plugin_api::{row::Decode, RowStream, Rows};

use super::Query;
use super::QuerySource;
use crate::Result;

/// The rows of a query as the database delivers them, one batch in memory at a time.
///
/// ```no_run
/// # use plugorm::Model;
/// # async fn run<User: Model>(db: plugorm::Db) -> Result<(), plugorm::Error> {
/// let mut rows = db.model::<User>().select(&["name", "age"]).rows().await?;
/// while let Some(batch) = rows.next_batch().await? {
///     for row in batch.iter() {
///         let name: String = row.get("name")?;
///     }
/// }
/// # Ok(()) }
/// ```
pub struct RowCursor {
    inner: Box<dyn RowStream>,
    names: Vec<plugorm_plugin_api::types::Text>,
}

impl RowCursor {
    /// The column names, in select-list order.
    ///
    /// ```no_run
    /// # use plugorm::Model;
    /// # async fn run<User: Model>(db: plugorm::Db) -> Result<(), plugorm::Error> {
    /// let rows = db.model::<User>().select(&["name"]).rows().await?;
    /// assert_eq!(rows.names(), ["name"]);
    /// # Ok(()) }
    /// ```
    pub fn names(&self) -> Vec<&str> {
        self.names.iter().map(|n| n.as_str()).collect()
    }

    /// The next batch of rows (read them by name or position), or `None` after the last.
    ///
    /// ```no_run
    /// # use plugorm::Model;
    /// # async fn run<User: Model>(db: plugorm::Db) -> Result<(), plugorm::Error> {
    /// let mut rows = db.model::<User>().rows().await?;
    /// let mut n = 0;
    /// while let Some(batch) = rows.next_batch().await? {
    ///     n += batch.len();
    /// }
    /// # Ok(()) }
    /// ```
    pub async fn next_batch(&mut self) -> Result<Option<Rows>> {
        Ok(self.inner.next_batch().await?.map(|batch| Rows {
            names: self.names.clone().into(),
            batches: vec![batch].into(),
        }))
    }
}

impl<T: QuerySource> Query<T> {
    /// The chain's rows, undecoded, streamed a batch at a time (GORM's `Rows()`): any
    /// select list, joins, grouping; plugin clauses (soft delete) apply.
    ///
    /// ```no_run
    /// # use plugorm::Model;
    /// # async fn run<User: Model>(db: plugorm::Db) -> Result<(), plugorm::Error> {
    /// let mut rows = db.model::<User>().select(&["age", "count(*) AS n"]).group("age").rows().await?;
    /// # Ok(()) }
    /// ```
    pub async fn rows(&self) -> Result<RowCursor> {
        let (inner, _) = self.open_stream(self.build_select()).await?;
        let names = inner.names().into_iter().map(Into::into).collect();
        Ok(RowCursor { inner, names })
    }

    /// The first column of the first row (`None` when no row matches): an aggregate or
    /// one value of the chain, as GORM's `Row().Scan(&v)`.
    ///
    /// ```no_run
    /// # use plugorm::Model;
    /// # async fn run<User: Model>(db: plugorm::Db) -> Result<(), plugorm::Error> {
    /// let oldest: Option<i64> = db.model::<User>().select(&["max(age)"]).scalar().await?;
    /// # Ok(()) }
    /// ```
    pub async fn scalar<V: Decode>(&self) -> Result<Option<V>> {
        let mut s = self.build_select();
        s.limit = Some(1).into();
        let rows = self.run_rows(s).await?;
        let first = rows.iter().next().map(|r| r.get_at::<V>(0));
        Ok(first.transpose()?)
    }
}
