//! [`Hooks`]: model lifecycle methods (GORM's BeforeSave, AfterFind, …).

use std::future::Future;

use crate::{Db, Result};

/// Lifecycle hooks, called with the session the operation runs in (inside the default
/// transaction for writes). An error from a `before_*` hook stops the operation and rolls
/// its transaction back; from an `after_*` hook it rolls back the write.
///
/// `#[derive(Model)]` implements an empty `Hooks`; with `#[orm(hooks)]` on the struct it
/// leaves the implementation to you:
///
/// ```ignore
/// #[derive(Model, Default)]
/// #[orm(hooks)]
/// struct User { id: i64, name: String }
///
/// impl plugorm::model::Hooks for User {
///     async fn before_create(&mut self, _db: &plugorm::Db) -> plugorm::Result<()> {
///         if self.name.is_empty() { self.name = "anonymous".into(); }
///         Ok(())
///     }
/// }
/// ```
///
/// Order on create: before_save, before_create, INSERT, after_create, after_save; on
/// update: before_save, before_update, UPDATE, after_update, after_save; on delete:
/// before_delete, DELETE, after_delete; after a query, after_find for every row.
pub trait Hooks: Send {
    fn before_save(&mut self, db: &Db) -> impl Future<Output = Result<()>> + Send {
        let _ = db;
        async { Ok(()) }
    }
    fn before_create(&mut self, db: &Db) -> impl Future<Output = Result<()>> + Send {
        let _ = db;
        async { Ok(()) }
    }
    fn after_create(&mut self, db: &Db) -> impl Future<Output = Result<()>> + Send {
        let _ = db;
        async { Ok(()) }
    }
    fn before_update(&mut self, db: &Db) -> impl Future<Output = Result<()>> + Send {
        let _ = db;
        async { Ok(()) }
    }
    fn after_update(&mut self, db: &Db) -> impl Future<Output = Result<()>> + Send {
        let _ = db;
        async { Ok(()) }
    }
    fn after_save(&mut self, db: &Db) -> impl Future<Output = Result<()>> + Send {
        let _ = db;
        async { Ok(()) }
    }
    fn before_delete(&mut self, db: &Db) -> impl Future<Output = Result<()>> + Send {
        let _ = db;
        async { Ok(()) }
    }
    fn after_delete(&mut self, db: &Db) -> impl Future<Output = Result<()>> + Send {
        let _ = db;
        async { Ok(()) }
    }
    fn after_find(&mut self, db: &Db) -> impl Future<Output = Result<()>> + Send {
        let _ = db;
        async { Ok(()) }
    }
}
