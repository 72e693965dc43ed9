//! `Product`: a derived model (`id` key, time tracking, a soft-delete timestamp), hooks
//! that log into a per-thread event list. Its table comes from AutoMigrate on every
//! backend.

use std::cell::RefCell;

use chrono::NaiveDateTime;
use plugorm::{Db, Error, Hooks, Model};

/// `products`: `id` is the auto-increment key by convention, `created_at` / `updated_at`
/// are filled by time tracking, `deleted_at` is served by the soft-delete plugin. Typed
/// column handles such as `Product::PRICE` are generated. `code` is unique (upserts and
/// duplicate-key tests rely on it) and, like `price`, NOT NULL.
#[derive(Model, Debug, Default, Clone, PartialEq)]
#[orm(hooks)]
pub struct Product {
    pub id: i64,
    #[orm(unique, not_null)]
    pub code: String,
    #[orm(not_null)]
    pub price: i64,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    #[orm(soft_delete)]
    pub deleted_at: Option<NaiveDateTime>,
}

thread_local! {
    // Hooks run on the test's own thread (current-thread runtime): a per-test log.
    static EVENTS: RefCell<Vec<String>> = const { RefCell::new(Vec::new()) };
}

pub fn event(e: &str) {
    EVENTS.with(|v| v.borrow_mut().push(e.to_string()));
}

impl Hooks for Product {
    async fn before_save(&mut self, _db: &Db) -> plugorm::Result<()> {
        event("before_save");
        Ok(())
    }
    async fn before_create(&mut self, _db: &Db) -> plugorm::Result<()> {
        event("before_create");
        if self.code == "refuse" {
            return Err(Error::msg("refused by before_create"));
        }
        self.code = self.code.to_uppercase();
        Ok(())
    }
    async fn after_create(&mut self, _db: &Db) -> plugorm::Result<()> {
        event("after_create");
        if self.code == "ROLLBACK" {
            return Err(Error::msg("after_create failed"));
        }
        Ok(())
    }
    async fn after_save(&mut self, _db: &Db) -> plugorm::Result<()> {
        event("after_save");
        Ok(())
    }
    async fn before_update(&mut self, db: &Db) -> plugorm::Result<()> {
        event("before_update");
        let changed = ["code", "price"]
            .into_iter()
            .filter(|f| db.changed(f))
            .map(String::from)
            .collect();
        CHANGED.with(|c| *c.borrow_mut() = changed);
        Ok(())
    }
    async fn after_update(&mut self, _db: &Db) -> plugorm::Result<()> {
        event("after_update");
        Ok(())
    }
    async fn before_delete(&mut self, _db: &Db) -> plugorm::Result<()> {
        event("before_delete");
        Ok(())
    }
    async fn after_delete(&mut self, _db: &Db) -> plugorm::Result<()> {
        event("after_delete");
        Ok(())
    }
    async fn after_find(&mut self, _db: &Db) -> plugorm::Result<()> {
        event("after_find");
        Ok(())
    }
}

thread_local! {
    static CHANGED: RefCell<Vec<String>> = const { RefCell::new(Vec::new()) };
}

/// Of `code` and `price`, those the last update on this thread wrote, as seen by its
/// `before_update` hook through `Db::changed`.
pub fn last_changed() -> Vec<String> {
    CHANGED.with(|c| c.borrow().clone())
}

/// The hook events logged on this thread since the last call.
pub fn take_events() -> Vec<String> {
    EVENTS.with(|v| std::mem::take(&mut *v.borrow_mut()))
}
