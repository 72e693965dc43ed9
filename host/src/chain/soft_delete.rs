//! The soft-delete guard: the one check every chain run about a model makes before it
//! starts (queries, writes, statements on related and join tables).

use plugorm_plugin_api::{schema::ModelSchema, Processor, SOFT_DELETE_CALLBACK};

use crate::{db::Db, Error, Result};

/// Refuses a schema with a soft-delete field when no plugin serves soft delete, unless
/// the statement is `unscoped`: a silent hard delete, or a query returning deleted rows,
/// would be worse than an error.
///
/// It also refuses a schema whose serializer fields name a serializer this database does
/// not know (the model's first use reports it, naming the field).
pub(crate) fn guard(db: &Db, schema: &ModelSchema, unscoped: bool) -> Result<()> {
    crate::serializer::check(&db.shared.services.serializers, schema)?;
    if unscoped {
        return Ok(());
    }
    let Some(field) = schema.soft_delete_field() else {
        return Ok(());
    };
    if db
        .shared
        .callbacks
        .contains(Processor::Delete, SOFT_DELETE_CALLBACK)
    {
        return Ok(());
    }
    Err(Error::SoftDeleteUnavailable {
        model: schema.name.to_string(),
        field: field.name.to_string(),
    })
}
