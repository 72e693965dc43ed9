//! [`FieldType`]: the Rust types a model field may have.

use plugorm_plugin_api::{
    row::{Decode, DecodeError},
    schema::DataType,
    Cell, Value,
};

/// A type usable as a model field: its logical column type, its conversion to and from
/// database values, and its zero value. Implement it for your own types (an enum stored
/// as text, a newtype) to use them in models.
///
/// ```
/// use plugorm::model::FieldType;
/// use plugorm::plugin_api::{row::DecodeError, schema::DataType, Cell, Value};
///
/// #[derive(Default, Debug, PartialEq)]
/// enum Status { #[default] Draft, Published }
///
/// impl FieldType for Status {
///     const DATA_TYPE: DataType = DataType::String;
///     fn to_value(&self) -> Value {
///         match self { Status::Draft => "draft".into(), Status::Published => "published".into() }
///     }
///     fn from_cell(cell: Cell<'_>) -> Result<Self, DecodeError> {
///         match cell {
///             Cell::Text("draft") => Ok(Status::Draft),
///             Cell::Text("published") => Ok(Status::Published),
///             other => Err(DecodeError::mismatch("Status", &other)),
///         }
///     }
///     fn is_zero(&self) -> bool { *self == Status::Draft }
/// }
/// assert_eq!(Status::Published.to_value(), Value::from("published"));
/// ```
pub trait FieldType: Default + Send + Sync + Sized + 'static {
    /// The logical column type.
    const DATA_TYPE: DataType;
    /// Width in bits for numbers (0 = the type's default).
    const BITS: u8 = 0;
    /// True for `Option<T>`: the column is nullable.
    const NULLABLE: bool = false;
    /// The database value.
    fn to_value(&self) -> Value;
    /// Reads the field from a cell.
    fn from_cell(cell: Cell<'_>) -> Result<Self, DecodeError>;
    /// Whether this is the type's zero value.
    fn is_zero(&self) -> bool;
}

macro_rules! field_via_decode {
    ($($t:ty => $dt:expr, $bits:expr, |$v:ident| $zero:expr);* $(;)?) => {$(
        impl FieldType for $t {
            const DATA_TYPE: DataType = $dt;
            const BITS: u8 = $bits;
            fn to_value(&self) -> Value {
                Value::from(self.clone())
            }
            fn from_cell(cell: Cell<'_>) -> Result<Self, DecodeError> {
                <$t as Decode>::decode(cell)
            }
            fn is_zero(&self) -> bool {
                let $v = self;
                $zero
            }
        }
    )*};
}

field_via_decode! {
    bool => DataType::Bool, 0, |v| !*v;
    i8 => DataType::Int, 8, |v| *v == 0;
    i16 => DataType::Int, 16, |v| *v == 0;
    i32 => DataType::Int, 32, |v| *v == 0;
    i64 => DataType::Int, 64, |v| *v == 0;
    u8 => DataType::UInt, 8, |v| *v == 0;
    u16 => DataType::UInt, 16, |v| *v == 0;
    u32 => DataType::UInt, 32, |v| *v == 0;
    u64 => DataType::UInt, 64, |v| *v == 0;
    f32 => DataType::Float, 32, |v| *v == 0.0;
    f64 => DataType::Float, 64, |v| *v == 0.0;
    String => DataType::String, 0, |v| v.is_empty();
    Vec<u8> => DataType::Bytes, 0, |v| v.is_empty();
    chrono::NaiveDateTime => DataType::Timestamp, 0, |v| *v == chrono::NaiveDateTime::default();
    chrono::DateTime<chrono::Utc> => DataType::TimestampTz, 0, |v| v.timestamp_micros() == 0;
    chrono::NaiveDate => DataType::Date, 0, |v| *v == chrono::NaiveDate::default();
    chrono::NaiveTime => DataType::Time, 0, |v| *v == chrono::NaiveTime::default();
    uuid::Uuid => DataType::Uuid, 0, |v| v.is_nil();
    rust_decimal::Decimal => DataType::Decimal, 0, |v| v.is_zero();
    serde_json::Value => DataType::Json, 0, |v| v.is_null();
}

impl<T: FieldType> FieldType for Option<T> {
    const DATA_TYPE: DataType = T::DATA_TYPE;
    const BITS: u8 = T::BITS;
    const NULLABLE: bool = true;
    fn to_value(&self) -> Value {
        self.as_ref().map_or(Value::Null, T::to_value)
    }
    fn from_cell(cell: Cell<'_>) -> Result<Self, DecodeError> {
        match cell {
            Cell::Null => Ok(None),
            c => T::from_cell(c).map(Some),
        }
    }
    fn is_zero(&self) -> bool {
        self.is_none()
    }
}
