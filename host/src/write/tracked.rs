//! [`Tracked`]: a record with a snapshot of the values it was loaded with, so an update
//! writes exactly the fields that changed — zero values included, which avoids GORM's
//! "zero value is not updated" trap of `Updates(struct)`.

use plugorm_plugin_api::Value;

use crate::Model;

/// A loaded record and its snapshot.
///
/// ```no_run
/// # use plugorm::Model;
/// # async fn run<User: Model>(db: plugorm::Db) -> Result<(), plugorm::Error> {
/// let mut user = db.model::<User>().id(1).first_tracked().await?;
/// // … change fields through `*user` …
/// db.save_changes(&mut user).await?;   // UPDATE of the changed fields only (or nothing)
/// # Ok(()) }
/// ```
#[derive(Debug, Clone)]
pub struct Tracked<T> {
    pub(super) value: T,
    snapshot: Vec<Value>,
}

impl<T: Model> Tracked<T> {
    /// Starts tracking `value` as it is now.
    pub fn new(value: T) -> Tracked<T> {
        let snapshot = (0..T::schema().fields.len())
            .map(|i| value.value_at(i))
            .collect();
        Tracked { value, snapshot }
    }

    /// The names of the fields that differ from the snapshot.
    pub fn changed(&self) -> Vec<&'static str> {
        T::schema()
            .fields
            .iter()
            .enumerate()
            .filter(|(i, _)| self.snapshot.get(*i) != Some(&self.value.value_at(*i)))
            .map(|(_, f)| f.name.as_str())
            .collect()
    }

    /// The tracked value.
    pub fn into_inner(self) -> T {
        self.value
    }
}

impl<T> std::ops::Deref for Tracked<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.value
    }
}

impl<T> std::ops::DerefMut for Tracked<T> {
    fn deref_mut(&mut self) -> &mut T {
        &mut self.value
    }
}
