//! The writing operations: create, update, save, delete; and what they share.

mod associations;
mod create;
mod record;
mod tracked;

pub(crate) use associations::{below, nested};
pub use record::Record;
pub use tracked::Tracked;

use crate::{Db, Model, Result};

impl Db {
    /// Creates one record: INSERT of its fields, the generated primary key and database
    /// defaults read back into it. Hooks: before_save, before_create, after_create,
    /// after_save, inside the default transaction.
    pub async fn create<T: Model>(&self, item: &mut T) -> Result<u64> {
        create::create_all(self, std::slice::from_mut(item)).await
    }

    /// Creates many records in as few INSERTs as the session's batch size and the
    /// dialect's parameter limit allow, all in one transaction; keys are read back.
    pub async fn create_many<T: Model>(&self, items: &mut [T]) -> Result<u64> {
        create::create_all(self, items).await
    }

    /// Creates many records in INSERTs of `batch_size` rows (GORM's `CreateInBatches`).
    pub async fn create_in_batches<T: Model>(
        &self,
        items: &mut [T],
        batch_size: usize,
    ) -> Result<u64> {
        create::create_all(&self.create_batch_size(batch_size), items).await
    }

    /// Saves every field of a record: UPDATE by primary key, or INSERT when the key is
    /// zero or no row was updated (then the create hooks run too).
    pub async fn save<T: Model>(&self, item: &mut T) -> Result<u64> {
        self.record(item).save().await
    }

    /// Deletes a record by its primary key (a soft delete when the model has a
    /// soft-delete field). Hooks: before_delete, after_delete.
    pub async fn delete<T: Model>(&self, item: &mut T) -> Result<u64> {
        self.record(item).delete().await
    }

    /// Operations on one record: updates of some columns, save, delete, with its hooks.
    pub fn record<'a, T: Model>(&self, item: &'a mut T) -> Record<'a, T> {
        Record::new(self.clone(), item)
    }

    /// Writes the fields of a tracked record that changed since it was loaded (hooks
    /// run, and see them through [`Db::changed`]); nothing at all when none changed.
    /// The snapshot is refreshed afterwards.
    pub async fn save_changes<T: Model>(&self, tracked: &mut Tracked<T>) -> Result<u64> {
        let changed = tracked.changed();
        if changed.is_empty() {
            return Ok(0);
        }
        let n = self
            .record(&mut tracked.value)
            .select(&changed)
            .updates_selected()
            .await?;
        *tracked = Tracked::new(std::mem::replace(&mut tracked.value, T::new_default()));
        Ok(n)
    }
}
