//! Error context: which table / column a failing migration step was working on.

use plugorm_plugin_api::{schema::ModelSchema, DbError};

use crate::Error;

fn append(message: String, what: &str) -> String {
    if message.contains(what) {
        message
    } else {
        format!("{message} (while {what})")
    }
}

/// Appends `(while <what>)` to the message of a database / plugin error, keeping its
/// variant so callers can still match on it.
pub(super) fn with_context(e: Error, what: &str) -> Error {
    let Error::Db(db) = e else {
        return e;
    };
    Error::Db(match db {
        DbError::Database { code, message } => DbError::Database {
            code,
            message: append(message, what),
        },
        DbError::UniqueViolation {
            constraint,
            message,
        } => DbError::UniqueViolation {
            constraint,
            message: append(message, what),
        },
        DbError::ForeignKeyViolation {
            constraint,
            message,
        } => DbError::ForeignKeyViolation {
            constraint,
            message: append(message, what),
        },
        DbError::NotNullViolation { column, message } => DbError::NotNullViolation {
            column,
            message: append(message, what),
        },
        DbError::CheckViolation {
            constraint,
            message,
        } => DbError::CheckViolation {
            constraint,
            message: append(message, what),
        },
        DbError::Render(m) => DbError::Render(append(m, what)),
        DbError::Decode { detail } => DbError::Decode {
            detail: append(detail, what),
        },
        DbError::Other(m) => DbError::Other(append(m, what)),
        other => other,
    })
}

/// A model field by Rust or column name, or [`Error::InvalidField`].
pub(super) fn field<'a>(
    schema: &'a ModelSchema,
    name: &str,
) -> crate::Result<&'a plugorm_plugin_api::schema::FieldSchema> {
    schema.field(name).ok_or_else(|| Error::InvalidField {
        model: schema.name.to_string(),
        field: name.to_string(),
    })
}

/// The column a name refers to: the model field's column when the model has such a
/// field, else the name itself (GORM lets migrator calls name columns the model lacks).
pub(super) fn column_name(schema: &ModelSchema, name: &str) -> String {
    schema
        .field(name)
        .map(|f| f.column.to_string())
        .unwrap_or_else(|| name.to_string())
}

/// A model index by its name, or the first index on a field of that name (GORM's
/// `LookIndex`).
pub(super) fn index<'a>(
    schema: &'a ModelSchema,
    name: &str,
) -> Option<&'a plugorm_plugin_api::schema::IndexSchema> {
    schema
        .indexes
        .iter()
        .find(|i| i.name.as_str() == name)
        .or_else(|| {
            let column = schema.field(name)?.column.clone();
            schema
                .indexes
                .iter()
                .find(|i| i.columns.iter().any(|c| c.column == column))
        })
}

/// The index a name refers to: the model index's name, else the name itself.
pub(super) fn index_name(schema: &ModelSchema, name: &str) -> String {
    index(schema, name)
        .map(|i| i.name.to_string())
        .unwrap_or_else(|| name.to_string())
}

/// A model index, or an error naming the model, its table and the name.
pub(super) fn require_index<'a>(
    schema: &'a ModelSchema,
    name: &str,
) -> crate::Result<&'a plugorm_plugin_api::schema::IndexSchema> {
    index(schema, name).ok_or_else(|| {
        Error::Db(DbError::Other(format!(
            "model `{}` (table `{}`) has no index named `{name}` and no index on a field `{name}`",
            schema.name, schema.table
        )))
    })
}
