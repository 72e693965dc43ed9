//! The first-use check: a model's serializer fields must name serializers the database
//! knows.

use plugorm_plugin_api::schema::ModelSchema;

use crate::error::SerializerError;
use crate::serializer_table::{marks_of, registry, Offered};

/// Refuses a schema naming a serializer that neither a plugin of this database's registry
/// offered nor the application registered.
pub(crate) fn check(offered: &Offered, schema: &ModelSchema) -> Result<(), SerializerError> {
    for mark in marks_of(schema) {
        let name = registry::key(mark.serializer);
        if offered.contains(&name) || registry::is_application(&name) {
            continue;
        }
        let mut registered = offered.names();
        registered.extend(registry::application_names());
        registered.sort();
        registered.dedup();
        return Err(SerializerError::Unknown {
            model: schema.name.to_string(),
            field: mark.field,
            name,
            registered,
        });
    }
    Ok(())
}
