//! Bulk deletes of a [`Query`]: by condition, without model hooks (a soft delete when the
//! model has a soft-delete field and the query is not `unscoped`).

use plugorm_plugin_api::{
    statement::{Delete, Statement},
    Processor,
};

use super::{update::run_bulk, Query, QuerySource};
use crate::{Model, Result};

impl<T: QuerySource> Query<T> {
    /// Deletes every matching row (soft delete when the model has a soft-delete field and
    /// the query is not `unscoped`; without a model, always a real DELETE).
    ///
    /// ```no_run
    /// # async fn run(db: plugorm::Db) -> Result<(), plugorm::Error> {
    /// let gone = db.table("sessions").filter("expires_at < ?", (chrono::Utc::now(),)).delete().await?;
    /// # Ok(()) }
    /// ```
    pub async fn delete(&self) -> Result<u64> {
        let mut d = Delete::new(self.table_ref());
        d.conditions = self.where_list.to_conditions().into();
        d.order_by = self.select.order_by.clone();
        d.limit = self.select.limit;
        run_bulk(self, Processor::Delete, Statement::Delete(d), "DELETE").await
    }
}

impl<T: Model> Query<T> {
    /// Like [`Query::delete`], returning the deleted rows (a soft delete returns the rows
    /// as marked).
    pub async fn delete_returning(&self) -> Result<Vec<T>> {
        let mut d = Delete::new(self.table_ref());
        d.conditions = self.where_list.to_conditions().into();
        d.order_by = self.select.order_by.clone();
        d.limit = self.select.limit;
        self.run_returning(Processor::Delete, Statement::Delete(d), "DELETE")
            .await
    }
}
