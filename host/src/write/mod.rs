//! The writing operations: create, update, save, delete; and what they share.

mod associations;
mod conflict;
mod create;
mod insert_plan;
mod read_back;
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

    /// Saves every record of a slice in one upsert per batch (GORM's `db.Save(&users)`):
    /// an INSERT of all the fields, `ON CONFLICT (key) DO UPDATE SET` every column but the
    /// key and the creation time (MySQL: `ON DUPLICATE KEY UPDATE`). A record whose key
    /// is zero is inserted and gets a new key; one with a key replaces that row, or is
    /// inserted with it. Hooks run per record as for a create (before_save,
    /// before_create, after_create, after_save); update times are set to now on every
    /// record, creation times where zero; keys are read back (`RETURNING`, or MySQL's
    /// consecutive insert ids). A conflict named with [`Db::on_conflict`] replaces the
    /// upsert on the key. An empty slice writes nothing and returns 0; otherwise the rows
    /// the database reports (MySQL counts an updated row twice, an unchanged one not at
    /// all).
    ///
    /// On MySQL / MariaDB `ON DUPLICATE KEY UPDATE` also fires on the other unique keys:
    /// a new record that collides with an existing row on one updates that row instead,
    /// and the keys read back for the new records are then unreliable (as in GORM).
    ///
    /// ```no_run
    /// # use plugorm::Model;
    /// # async fn run<User: Model>(db: plugorm::Db, loaded: User, new: User) -> Result<(), plugorm::Error> {
    /// let mut users = vec![loaded, new];
    /// // INSERT INTO "users" ("created_at","updated_at","deleted_at","name","age","id")
    /// //   VALUES ($1,$2,$3,$4,$5,$6),($7,$8,$9,$10,$11,DEFAULT)
    /// //   ON CONFLICT ("id") DO UPDATE SET "updated_at"=$12,"deleted_at"="excluded"."deleted_at",… RETURNING "id"
    /// db.save_many(&mut users).await?;
    /// # Ok(()) }
    /// ```
    pub async fn save_many<T: Model>(&self, items: &mut [T]) -> Result<u64> {
        if items.is_empty() {
            return Ok(0);
        }
        let fields = create::CreateFields {
            saving: true,
            ..Default::default()
        };
        create::create_fields(self, items, &fields).await
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
