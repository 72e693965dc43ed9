//! `Product`: a model with a hand-written [`Model`] impl (what `#[derive(Model)]`
//! generates, spelled out), hooks that log into a per-thread event list, and its table.

use std::{cell::RefCell, sync::OnceLock};

use chrono::NaiveDateTime;
use plugorm::{
    plugin_api::{
        row::DecodeError,
        schema::{FieldSchema, ModelSchema, SoftDelete, TimeTracking},
        Cell,
    },
    Db, Error, FieldType, Hooks, Model, Value,
};

#[derive(Debug, Default, Clone, PartialEq)]
pub struct Product {
    pub id: i64,
    pub code: String,
    pub price: i64,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
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

fn field<F: FieldType>(name: &str) -> FieldSchema {
    let mut f = FieldSchema::new(name, name, F::DATA_TYPE);
    f.bits = F::BITS;
    f.nullable = F::NULLABLE;
    f
}

impl Model for Product {
    fn schema() -> &'static ModelSchema {
        static S: OnceLock<ModelSchema> = OnceLock::new();
        S.get_or_init(|| {
            let mut id = field::<i64>("id");
            id.primary_key = true;
            id.auto_increment = true;
            let mut created = field::<NaiveDateTime>("created_at");
            created.auto_create_time = TimeTracking::Time;
            let mut updated = field::<NaiveDateTime>("updated_at");
            updated.auto_update_time = TimeTracking::Time;
            let mut deleted = field::<Option<NaiveDateTime>>("deleted_at");
            deleted.soft_delete = SoftDelete::Timestamp;
            ModelSchema {
                name: "Product".into(),
                table: "products".into(),
                fields: vec![
                    id,
                    field::<String>("code"),
                    field::<i64>("price"),
                    created,
                    updated,
                    deleted,
                ]
                .into(),
                indexes: Default::default(),
            }
        })
    }
    fn new_default() -> Self {
        Product::default()
    }
    fn value_at(&self, i: usize) -> Value {
        match i {
            0 => self.id.to_value(),
            1 => self.code.to_value(),
            2 => self.price.to_value(),
            3 => self.created_at.to_value(),
            4 => self.updated_at.to_value(),
            5 => self.deleted_at.to_value(),
            _ => Value::Null,
        }
    }
    fn is_zero_at(&self, i: usize) -> bool {
        match i {
            0 => self.id.is_zero(),
            1 => self.code.is_zero(),
            2 => self.price.is_zero(),
            3 => self.created_at.is_zero(),
            4 => self.updated_at.is_zero(),
            5 => self.deleted_at.is_zero(),
            _ => true,
        }
    }
    fn set_at(&mut self, i: usize, cell: Cell<'_>) -> Result<(), DecodeError> {
        match i {
            0 => self.id = FieldType::from_cell(cell)?,
            1 => self.code = FieldType::from_cell(cell)?,
            2 => self.price = FieldType::from_cell(cell)?,
            3 => self.created_at = FieldType::from_cell(cell)?,
            4 => self.updated_at = FieldType::from_cell(cell)?,
            5 => self.deleted_at = FieldType::from_cell(cell)?,
            _ => {}
        }
        Ok(())
    }
}

impl Product {
    /// Typed column handles, as `#[derive(Model)]` generates them.
    pub const ID: plugorm::model::Column<Product, i64> = plugorm::model::Column::new("id");
    pub const CODE: plugorm::model::Column<Product, String> = plugorm::model::Column::new("code");
    pub const PRICE: plugorm::model::Column<Product, i64> = plugorm::model::Column::new("price");
}

pub const DDL: &str =
    "CREATE TABLE products (id INTEGER PRIMARY KEY AUTOINCREMENT, code TEXT NOT NULL UNIQUE, \
    price INTEGER NOT NULL, created_at DATETIME, updated_at DATETIME, deleted_at DATETIME)";

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
