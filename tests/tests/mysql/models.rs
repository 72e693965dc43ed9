//! Hand-written models (what `#[derive(Model)]` generates, spelled out) for the MySQL
//! tests, and small helpers.

pub use plugorm_tests::hand_schema::{db_err, index, ok};
use std::sync::OnceLock;

use plugorm::{
    plugin_api::{
        row::DecodeError,
        schema::{FieldSchema, IndexSchema, ModelSchema, SoftDelete, TimeTracking},
        Cell,
    },
    FieldType, Value,
};

/// A field of Rust type `F` named `name` (column = name).
pub fn field_of<F: FieldType>(name: &str) -> FieldSchema {
    let mut f = FieldSchema::new(name, name, F::DATA_TYPE);
    f.bits = F::BITS;
    f.nullable = F::NULLABLE;
    f
}

/// A struct with a hand-written `Model` impl: `$name` / table `$table`, the listed
/// fields in order, and `$tweak(&mut fields, &mut indexes)` adjusting the schema.
macro_rules! hand_model {
    ($name:ident, $table:literal, { $($field:ident : $ty:ty),* $(,)? }, $tweak:expr) => {
        #[derive(Debug, Default, Clone, PartialEq)]
        pub struct $name {
            $(pub $field: $ty),*
        }

        impl plugorm::Hooks for $name {}

        impl plugorm::Model for $name {
            fn schema() -> &'static ModelSchema {
                static S: OnceLock<ModelSchema> = OnceLock::new();
                S.get_or_init(|| {
                    let mut fields = vec![$(field_of::<$ty>(stringify!($field))),*];
                    let mut indexes: Vec<IndexSchema> = Vec::new();
                    let tweak: fn(&mut Vec<FieldSchema>, &mut Vec<IndexSchema>) = $tweak;
                    tweak(&mut fields, &mut indexes);
                    ModelSchema {
                        name: stringify!($name).into(),
                        table: $table.into(),
                        fields: fields.into(),
                        indexes: indexes.into(),
                    }
                })
            }
            fn new_default() -> Self {
                Self::default()
            }
            #[allow(unused_assignments)]
            fn value_at(&self, i: usize) -> Value {
                let mut n = 0;
                $(if i == n { return FieldType::to_value(&self.$field); } n += 1;)*
                Value::Null
            }
            #[allow(unused_assignments)]
            fn is_zero_at(&self, i: usize) -> bool {
                let mut n = 0;
                $(if i == n { return FieldType::is_zero(&self.$field); } n += 1;)*
                true
            }
            #[allow(unused_assignments)]
            fn set_at(&mut self, i: usize, cell: Cell<'_>) -> Result<(), DecodeError> {
                let mut n = 0;
                $(if i == n { self.$field = FieldType::from_cell(cell)?; return Ok(()); } n += 1;)*
                Ok(())
            }
        }
    };
}

fn auto_key(fields: &mut [FieldSchema]) {
    fields[0].primary_key = true;
    fields[0].auto_increment = true;
}

hand_model!(Item, "items", {
    id: i64,
    code: String,
    price: i64,
    created_at: chrono::NaiveDateTime,
    updated_at: chrono::NaiveDateTime,
    deleted_at: Option<chrono::NaiveDateTime>,
}, |f, _| {
    auto_key(f);
    f[1].size = 32;
    f[1].unique = true;
    f[3].auto_create_time = TimeTracking::Time;
    f[4].auto_update_time = TimeTracking::Time;
    f[5].soft_delete = SoftDelete::Timestamp;
});

// G74's `Product`: `ID uint`, `Code string`, `Price uint`; no timestamps, no soft delete.
hand_model!(Gadget, "products", {
    id: u64,
    code: String,
    price: u64,
}, |f, i| {
    auto_key(f);
    f[1].size = 64;
    i.push(index("idx_products_code", true, &["code"]));
});

// docs/golden-sql.md's `Language`: a text primary key, no generated key.
hand_model!(Language, "languages", {
    code: String,
    name: String,
}, |f, _| {
    f[0].primary_key = true;
});

// One field per value type.
hand_model!(AllValues, "all_values", {
    id: i64,
    flag: bool,
    tiny: i8,
    small: i16,
    int32: i32,
    big: i64,
    unsigned: u64,
    ratio: f64,
    single: f32,
    amount: rust_decimal::Decimal,
    label: String,
    blob: Vec<u8>,
    day: chrono::NaiveDate,
    clock: chrono::NaiveTime,
    moment: chrono::NaiveDateTime,
    instant: chrono::DateTime<chrono::Utc>,
    uid: uuid::Uuid,
    doc: serde_json::Value,
    maybe: Option<i64>,
    maybe_text: Option<String>,
}, |f, _| {
    auto_key(f);
    f[9].precision = 12;
    f[9].scale = 2;
    f[14].precision = 6;
    f[15].precision = 6;
    f[13].precision = 6;
});

// Many rows for batches and streams.
hand_model!(Num, "nums", {
    id: i64,
    n: i64,
}, |f, _| {
    auto_key(f);
});

/// A fresh database, or return from the test (skipped outside CI).
macro_rules! mysql_db {
    () => {
        match plugorm_tests::mysql::database().await {
            Some(db) => db,
            None => return,
        }
    };
    (soft_delete) => {
        match plugorm_tests::mysql::database_with_soft_delete().await {
            Some(db) => db,
            None => return,
        }
    };
    (full) => {
        match plugorm_tests::mysql::open("[[plugin]]\nname = \"soft-delete\"\n").await {
            Some(t) => t,
            None => return,
        }
    };
}
pub(crate) use mysql_db;
