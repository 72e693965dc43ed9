//! The derived models the tests share.

use chrono::{DateTime, NaiveDate, NaiveDateTime, NaiveTime, Utc};
use plugorm::{
    plugin_api::{row::DecodeError, schema::DataType, Cell},
    FieldType, Model, Value,
};
use rust_decimal::Decimal;
use uuid::Uuid;

/// A user type stored as text through [`FieldType`].
#[derive(Debug, Default, Clone, Copy, PartialEq)]
pub enum Tier {
    #[default]
    Free,
    Pro,
}

impl FieldType for Tier {
    const DATA_TYPE: DataType = DataType::String;
    fn to_value(&self) -> Value {
        match self {
            Tier::Free => "free".into(),
            Tier::Pro => "pro".into(),
        }
    }
    fn from_cell(cell: Cell<'_>) -> Result<Self, DecodeError> {
        match cell {
            Cell::Text("free") => Ok(Tier::Free),
            Cell::Text("pro") => Ok(Tier::Pro),
            other => Err(DecodeError::mismatch("Tier", &other)),
        }
    }
    fn is_zero(&self) -> bool {
        *self == Tier::Free
    }
}

// No `From<Tier> for Value` is needed: the typed handle `Sample::TIER` converts through
// `FieldType::to_value`.

/// Embedded with a prefix in [`Account`] and [`Sample`].
#[derive(Model, Debug, Default, Clone, PartialEq)]
pub struct Address {
    pub street: String,
    #[orm(size = 80)]
    pub city: String,
}

/// Embedded without a prefix: its fields carry GORM's time-tracking convention along.
#[derive(Model, Debug, Default, Clone, PartialEq)]
pub struct Stamps {
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

/// The rich model whose schema is asserted field by field.
#[derive(Model, Debug, Default, Clone, PartialEq)]
pub struct Account {
    pub id: u32,
    #[orm(
        column = "mail",
        size = 120,
        not_null,
        unique,
        comment = "login address"
    )]
    pub email: String,
    #[orm(type = "varchar(16)", default = "member")]
    pub role: String,
    #[orm(precision = 12, scale = 2, default = 0)]
    pub balance: Decimal,
    #[orm(
        index(name = "idx_accounts_nick_age", priority = 2),
        check(name = "adult", expr = "age >= 18")
    )]
    pub age: i32,
    #[orm(
        index(name = "idx_accounts_nick_age", priority = 1),
        index(sort = "desc")
    )]
    pub nick: String,
    #[orm(unique_index(
        composite = "region_code",
        condition = "region <> ''",
        comment = "one code per region"
    ))]
    pub region: String,
    #[orm(
        unique_index(composite = "region_code"),
        index(kind = "hash", length = 8),
        check = "length(code) <= 8"
    )]
    pub code: String,
    #[orm(default_sql = "CURRENT_TIMESTAMP")]
    pub joined: Option<NaiveDateTime>,
    #[orm(embedded_prefix = "home_")]
    pub home: Address,
    #[orm(embedded_prefix = "bill_", readonly)]
    pub billing: Address,
    #[orm(embedded)]
    pub stamps: Stamps,
    #[orm(readonly)]
    pub score: i64,
    #[orm(create_only)]
    pub origin: String,
    #[orm(update_only)]
    pub note: String,
    #[orm(write_only)]
    pub secret: String,
    #[orm(write_only, create_only)]
    pub token: String,
    #[orm(migration_only)]
    pub legacy: Option<i32>,
    #[orm(ignore)]
    pub cache: Vec<String>,
    #[orm(soft_delete)]
    pub deleted_at: Option<DateTime<Utc>>,
}

/// Every supported field type, for round trips.
#[derive(Model, Debug, Default, Clone, PartialEq)]
pub struct Sample {
    pub id: i64,
    pub tiny: i8,
    pub small: i16,
    pub medium: i32,
    pub big: i64,
    pub ubyte: u8,
    pub ushort: u16,
    pub uint: u32,
    pub ulong: u64,
    pub ratio: f32,
    pub precise: f64,
    pub active: bool,
    pub title: String,
    pub blob: Vec<u8>,
    pub maybe_int: Option<i32>,
    pub maybe_text: Option<String>,
    pub maybe_at: Option<NaiveDateTime>,
    pub at: NaiveDateTime,
    pub at_utc: DateTime<Utc>,
    pub day: NaiveDate,
    pub clock: NaiveTime,
    pub uid: Uuid,
    pub amount: Decimal,
    pub doc: serde_json::Value,
    pub tier: Tier,
    #[orm(embedded_prefix = "ship_")]
    pub ship: Address,
}
