//! The soft-delete modes: what "alive" means and what a deletion writes.

use plugorm_plugin_api::{
    schema::{DataType, FieldSchema, ModelSchema, SoftDelete},
    statement::{Expr, FromItem},
    value::Timestamp,
    Value,
};

/// The name columns of the statement's table are qualified with.
pub(crate) fn qualifier(from: &FromItem, schema: &ModelSchema) -> String {
    match from {
        FromItem::Table(t) => t.reference_name().to_string(),
        FromItem::Subquery { alias, .. } => alias.to_string(),
        _ => schema.table.to_string(),
    }
}

/// The condition of a row that is not deleted.
pub(crate) fn alive(table: &str, field: &FieldSchema) -> Expr {
    let col = Expr::col(table, field.column.as_str());
    match field.soft_delete {
        SoftDelete::Timestamp => col.is_null(),
        _ => col.eq(0i64),
    }
}

/// The value the soft-delete field takes when a row is deleted at `now` (µs since epoch).
pub(crate) fn deleted_value(field: &FieldSchema, now_micros: i64) -> Expr {
    Expr::value(match field.soft_delete {
        SoftDelete::Flag => Value::I64(1),
        SoftDelete::UnixSecond => Value::I64(now_micros.div_euclid(1_000_000)),
        SoftDelete::UnixMilli => Value::I64(now_micros.div_euclid(1000)),
        SoftDelete::UnixNano => Value::I64(now_micros.saturating_mul(1000)),
        _ => return time_value(field, now_micros),
    })
}

/// A date-time (or Unix seconds, for an integer column) at `now`.
pub(crate) fn time_value(field: &FieldSchema, now_micros: i64) -> Expr {
    Expr::value(match field.data_type {
        DataType::Int | DataType::UInt => Value::I64(now_micros.div_euclid(1_000_000)),
        DataType::TimestampTz => Value::Timestamp(Timestamp {
            micros: now_micros,
            utc: true,
        }),
        _ => Value::Timestamp(Timestamp {
            micros: now_micros,
            utc: false,
        }),
    })
}
