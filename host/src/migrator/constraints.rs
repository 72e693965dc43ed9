//! The tables a model brings to AutoMigrate — its own and the generated join tables of its
//! many-to-many relations — and the FOREIGN KEY constraints its relations declare, each on
//! the table that holds the key (GORM's `ParseConstraint`):
//!
//! * belongs-to `User.company`: on `users`, `fk_users_company` → `companies`;
//! * has-one / has-many `User.pets`: on `pets`, `fk_users_pets` → `users`;
//! * many-to-many `User.languages`: on `user_languages`, `fk_user_languages_user` → `users`
//!   and `fk_user_languages_language` → `languages` (a self-reference names the second
//!   after the field: `fk_user_friends_friends`).
//!
//! Polymorphic relations (their id column points at several tables) and relations marked
//! `no_constraint` have none. The relation's `on_delete` / `on_update` apply to its
//! constraint (to both of a join table's).

use plugorm_plugin_api::{
    migrate::ForeignKeySchema, render::ddl::format_name, schema::ModelSchema, statement::TableRef,
};

use crate::{
    relation::{self, RelationKind, ResolvedRelation},
    Model, Result,
};

/// GORM's identifier limit for generated names (PostgreSQL shortens a 64-character name
/// to 63 itself; constraints are also recognised by their columns, so it still matches).
pub(super) const NAME_MAX: usize = 64;

/// A constraint and the table that holds it.
#[derive(Debug, Clone)]
pub(crate) struct Constraint {
    pub table: String,
    pub key: ForeignKeySchema,
    /// The relation field that declares it.
    pub relation: &'static str,
    /// Declared by a has-one / has-many relation: it wins over a belongs-to declaring the
    /// same key from the other side (GORM creates one constraint, not two).
    pub from_has: bool,
}

impl Constraint {
    /// What makes two constraints the same: holder, columns, referenced table and columns.
    pub(crate) fn identity(&self) -> (String, Vec<String>, String, Vec<String>) {
        let lower = |v: &[plugorm_plugin_api::types::Text]| -> Vec<String> {
            v.iter().map(|c| c.as_str().to_ascii_lowercase()).collect()
        };
        (
            self.table.to_ascii_lowercase(),
            lower(&self.key.columns),
            self.key.referenced_table.name.as_str().to_ascii_lowercase(),
            lower(&self.key.referenced_columns),
        )
    }
}

/// What one model contributes to a migration.
#[derive(Debug, Clone)]
pub(crate) struct ModelTables {
    /// The model's table, then its join tables.
    pub tables: Vec<ModelSchema>,
    pub constraints: Vec<Constraint>,
}

fn key(
    name: String,
    columns: &[String],
    referenced: &str,
    referenced_columns: &[String],
    rel: &ResolvedRelation,
) -> ForeignKeySchema {
    let mut fk = ForeignKeySchema::new(
        name,
        columns.iter().map(String::as_str),
        TableRef::parse(referenced),
        referenced_columns.iter().map(String::as_str),
    );
    if let Some(a) = rel.on_delete {
        fk = fk.on_delete(a);
    }
    if let Some(a) = rel.on_update {
        fk = fk.on_update(a);
    }
    fk
}

fn columns_of(schema: &ModelSchema, fields: &[usize]) -> Vec<String> {
    fields
        .iter()
        .map(|&f| schema.fields[f].column.to_string())
        .collect()
}

/// The constraints of one resolved relation of an owner.
pub(crate) fn of_relation(
    rel: &ResolvedRelation,
    owner: &ModelSchema,
    target: &ModelSchema,
) -> Vec<Constraint> {
    if !rel.constraint {
        return Vec::new();
    }
    let owner_table = owner.table.as_str();
    match rel.kind {
        RelationKind::BelongsTo | RelationKind::HasOne | RelationKind::HasMany => {
            vec![Constraint {
                table: rel.fk_table.clone(),
                key: key(
                    format_name("fk", owner_table, rel.field, NAME_MAX),
                    &rel.fk_columns,
                    &rel.referenced_table,
                    &rel.referenced_columns,
                    rel,
                ),
                relation: rel.field,
                from_has: rel.target_holds_key(),
            }]
        }
        RelationKind::ManyToMany => {
            let Some(join) = &rel.join else {
                return Vec::new();
            };
            let owner_name = relation::naming_snake(owner.name.as_str());
            let mut target_name = relation::naming_snake(target.name.as_str());
            if target_name == owner_name {
                target_name = rel.field.to_string();
            }
            vec![
                Constraint {
                    table: join.table.clone(),
                    key: key(
                        format_name("fk", &join.table, &owner_name, NAME_MAX),
                        &join.owner_columns,
                        owner_table,
                        &columns_of(owner, &rel.owner_keys),
                        rel,
                    ),
                    relation: rel.field,
                    from_has: true,
                },
                Constraint {
                    table: join.table.clone(),
                    key: key(
                        format_name("fk", &join.table, &target_name, NAME_MAX),
                        &join.target_columns,
                        target.table.as_str(),
                        &columns_of(target, &rel.target_keys),
                        rel,
                    ),
                    relation: rel.field,
                    from_has: true,
                },
            ]
        }
    }
}

/// The tables and constraints of model `T`.
pub(crate) fn of_model<T: Model>() -> Result<ModelTables> {
    let schema = T::schema();
    let mut out = ModelTables {
        tables: vec![schema.clone()],
        constraints: Vec::new(),
    };
    for rel in T::relations() {
        let resolved = rel.resolved()?;
        let target = rel.target();
        if let Some(join) = relation::join_table_schema(resolved, schema, target) {
            out.tables.push(join);
        }
        out.constraints
            .extend(of_relation(resolved, schema, target));
    }
    Ok(out)
}

/// Keeps one constraint per identity, preferring the has-* side's (and then the first).
pub(crate) fn dedupe(all: Vec<Constraint>) -> Vec<Constraint> {
    let mut kept: Vec<Constraint> = Vec::with_capacity(all.len());
    for c in all {
        let id = c.identity();
        match kept.iter_mut().find(|k| k.identity() == id) {
            Some(k) if c.from_has && !k.from_has => *k = c,
            Some(_) => {}
            None => kept.push(c),
        }
    }
    kept
}

#[cfg(test)]
mod tests {
    use super::*;

    fn c(table: &str, name: &str, from_has: bool) -> Constraint {
        Constraint {
            table: table.into(),
            key: ForeignKeySchema::new(name, ["user_id"], TableRef::new("users"), ["id"]),
            relation: "pets",
            from_has,
        }
    }

    #[test]
    fn the_has_side_wins_a_duplicate() {
        let kept = dedupe(vec![
            c("pets", "fk_pets_user", false),
            c("pets", "fk_users_pets", true),
            c("toys", "fk_toys_user", false),
        ]);
        let names: Vec<&str> = kept.iter().map(|k| k.key.name.as_str()).collect();
        assert_eq!(names, ["fk_users_pets", "fk_toys_user"]);
    }
}
