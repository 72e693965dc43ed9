//! The schema of a many-to-many join table, for AutoMigrate and the statements on join
//! rows: the join model's, or one generated with a column per join column, typed like the
//! key field it holds, all of them the primary key.

use plugorm_plugin_api::schema::{FieldSchema, ModelSchema};

use super::ResolvedRelation;

fn key_column(from: &FieldSchema, column: &str) -> FieldSchema {
    let mut f = from.clone();
    f.name = column.into();
    f.column = column.into();
    f.primary_key = true;
    f.auto_increment = false;
    f.unique = false;
    f.nullable = false;
    f.default = None.into();
    f.check = None.into();
    f.comment = None.into();
    f.readable = true;
    f.creatable = true;
    f.updatable = true;
    f.migrate = true;
    f.auto_create_time = Default::default();
    f.auto_update_time = Default::default();
    f.soft_delete = Default::default();
    f.soft_delete_at = None.into();
    f
}

/// The join table of a many-to-many relation (`None` for other kinds).
///
/// ```
/// # use plugorm::Model;
/// # #[derive(Model, Debug, Default, Clone)] struct Language { id: i64 }
/// # #[derive(Model, Debug, Default, Clone)]
/// # struct User { id: i64, #[orm(many_to_many = "user_languages")] languages: Vec<Language> }
/// let rel = User::relations()[0].resolved()?;
/// let join = plugorm::relation::join_table_schema(rel, User::schema(), Language::schema()).unwrap();
/// assert_eq!(join.table, "user_languages");
/// assert!(join.fields.iter().all(|f| f.primary_key));
/// # Ok::<(), plugorm::relation::RelationError>(())
/// ```
pub fn join_table_schema(
    rel: &ResolvedRelation,
    owner: &ModelSchema,
    target: &ModelSchema,
) -> Option<ModelSchema> {
    if let Some(j) = &rel.join_model {
        return Some(j.schema().clone());
    }
    generated(rel, owner, target)
}

/// The generated join table: the two sides' key columns, all of them the primary key.
pub(crate) fn generated(
    rel: &ResolvedRelation,
    owner: &ModelSchema,
    target: &ModelSchema,
) -> Option<ModelSchema> {
    let join = rel.join.as_ref()?;
    let mut fields = Vec::new();
    for (&k, c) in rel.owner_keys.iter().zip(&join.owner_columns) {
        fields.push(key_column(&owner.fields[k], c));
    }
    for (&k, c) in rel.target_keys.iter().zip(&join.target_columns) {
        fields.push(key_column(&target.fields[k], c));
    }
    Some(ModelSchema {
        name: join.table.as_str().into(),
        table: join.table.as_str().into(),
        fields: fields.into(),
        indexes: Default::default(),
    })
}
