//! Bulk deletes of a [`Query`]: by condition, without model hooks (a soft delete when the
//! model has a soft-delete field and the query is not `unscoped`).

use plugorm_plugin_api::{
    statement::{Delete, Statement},
    Processor,
};

use super::{update::run_bulk, Query};
use crate::{Model, Result};

impl<T: Model> Query<T> {
    /// Deletes every matching row (soft delete when the model has a soft-delete field and
    /// the query is not `unscoped`).
    pub async fn delete(&self) -> Result<u64> {
        let mut d = Delete::new(self.table_ref());
        d.conditions = self.where_list.to_conditions().into();
        run_bulk(self, Processor::Delete, Statement::Delete(d), "DELETE").await
    }

    /// Like [`Query::delete`], returning the deleted rows (a soft delete returns the rows
    /// as marked).
    pub async fn delete_returning(&self) -> Result<Vec<T>> {
        let mut d = Delete::new(self.table_ref());
        d.conditions = self.where_list.to_conditions().into();
        self.run_returning(Processor::Delete, Statement::Delete(d), "DELETE")
            .await
    }
}
