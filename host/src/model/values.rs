//! Reading and writing a model's fields by index, for the writes and the queries that
//! build records: which field a name means and whether it may be written, automatic
//! timestamps, setting a value, running hooks over records.

use chrono::{DateTime, Utc};
use plugorm_plugin_api::{
    schema::{DataType, FieldSchema, ModelSchema, TimeTracking},
    statement::Assignment,
    Cell, Value,
};

use crate::{Db, Error, Model, Result};

/// The kind of write a field is named in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum WriteKind {
    Create,
    Update,
}

/// The index of the field `name` that a write names explicitly (a map key, the column of
/// `update`). A field whose permissions forbid that write (`readonly`, `create_only` on
/// update, `update_only` on create) is refused: GORM drops it silently, which loses the
/// caller's value without a word.
pub(crate) fn writable_field<T: Model>(name: &str, kind: WriteKind) -> Result<usize> {
    writable_field_in(T::schema(), name, kind)
}

/// [`writable_field`] of a schema.
pub(crate) fn writable_field_in(
    schema: &ModelSchema,
    name: &str,
    kind: WriteKind,
) -> Result<usize> {
    let i = schema
        .field_index(name)
        .ok_or_else(|| unknown_field_in(schema, name))?;
    let f = &schema.fields[i];
    let allowed = match kind {
        WriteKind::Create => f.creatable,
        WriteKind::Update => f.updatable,
    };
    if !allowed {
        return Err(Error::FieldNotWritable {
            model: schema.name.to_string(),
            field: f.name.to_string(),
            operation: match kind {
                WriteKind::Create => "create",
                WriteKind::Update => "update",
            },
        });
    }
    Ok(i)
}

/// The error for `name`, which is no field (Rust name) or column of `T`.
pub(crate) fn unknown_field<T: Model>(name: &str) -> Error {
    unknown_field_in(T::schema(), name)
}

/// [`Error::InvalidField`] for a name that is no field of `schema`.
pub(crate) fn unknown_field_in(schema: &ModelSchema, name: &str) -> Error {
    Error::InvalidField {
        model: schema.name.to_string(),
        field: name.to_string(),
    }
}

/// The value a time-tracking field takes at `now`.
pub(crate) fn time_value(field: &FieldSchema, tracking: TimeTracking, now: DateTime<Utc>) -> Value {
    match tracking {
        TimeTracking::UnixSecond => Value::I64(now.timestamp()),
        TimeTracking::UnixMilli => Value::I64(now.timestamp_millis()),
        TimeTracking::UnixNano => Value::I64(now.timestamp_nanos_opt().unwrap_or(i64::MAX)),
        _ => match field.data_type {
            DataType::Int | DataType::UInt => Value::I64(now.timestamp()),
            DataType::TimestampTz => Value::from(now),
            DataType::Date => Value::from(now.date_naive()),
            _ => Value::from(now.naive_utc()),
        },
    }
}

/// Sets field `index` of `item` to `value`.
pub(crate) fn set_value<T: Model>(item: &mut T, index: usize, value: &Value) -> Result<()> {
    item.set_at(index, Cell::of(value)).map_err(|e| {
        Error::Db(plugorm_plugin_api::DbError::Decode {
            detail: format!(
                "{}.{}: expected {}, found {}",
                T::schema().name,
                T::schema()
                    .fields
                    .get(index)
                    .map_or("?", |f| f.name.as_str()),
                e.expected,
                e.found
            ),
        })
    })
}

/// Runs `hook` on every item, stopping at the first error.
macro_rules! each_hook {
    ($db:expr, $items:expr, $($hook:ident),+) => {{
        let mut r: $crate::Result<()> = Ok(());
        if !$db.session.skip_hooks {
            'items: for item in $items.iter_mut() {
                $(
                    if let Err(e) = item.$hook(&$db).await {
                        r = Err(e);
                        break 'items;
                    }
                )+
            }
        }
        r
    }};
}
pub(crate) use each_hook;

/// Appends `col = now` for every auto-update-time field not already set.
pub(crate) fn touch_updated<T: Model>(db: &Db, set: &mut Vec<Assignment>) {
    touch_updated_in(T::schema(), db, set)
}

/// [`touch_updated`] of a schema (none for a query without a model: no fields).
pub(crate) fn touch_updated_in(schema: &ModelSchema, db: &Db, set: &mut Vec<Assignment>) {
    let now = db.session.now();
    for f in schema.fields.iter() {
        if f.auto_update_time != TimeTracking::None
            && f.updatable
            && !set.iter().any(|a| a.column == f.column)
        {
            set.push(Assignment {
                column: f.column.clone(),
                value: plugorm_plugin_api::statement::Expr::value(time_value(
                    f,
                    f.auto_update_time,
                    now,
                )),
            });
        }
    }
}
