//! GORM's relation conventions: from a [`RelationDecl`] and both schemas to a
//! [`ResolvedRelation`] — the kind, which fields on each side hold the matching key
//! values, the join table and the polymorphic type column.

use plugorm_plugin_api::schema::{FieldSchema, ModelSchema};

use super::{join_model::JoinModel, naming, RelationDecl, RelationError};

/// The kinds of relation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RelationKind {
    /// The owner holds the foreign key (`users.company_id` → `companies.id`).
    BelongsTo,
    /// The related model holds the foreign key; at most one related record.
    HasOne,
    /// The related model holds the foreign key; any number of related records.
    HasMany,
    /// A join table holds both keys.
    ManyToMany,
}

/// A many-to-many join table: its name and the columns pointing at each side.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JoinTable {
    pub table: String,
    /// Columns holding the owner's key values, paired with [`ResolvedRelation::owner_keys`].
    pub owner_columns: Vec<String>,
    /// Columns holding the related model's key values, paired with
    /// [`ResolvedRelation::target_keys`].
    pub target_columns: Vec<String>,
}

/// The type column of a polymorphic has-one / has-many.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Polymorphic {
    /// The type field's index in the related model's schema.
    pub type_field: usize,
    /// The value it holds for this owner (the owner's table unless declared).
    pub value: String,
}

/// A relation with every convention applied. The key fields pair up in order: a related
/// record belongs to an owner when `owner.fields[owner_keys[i]] ==
/// target.fields[target_keys[i]]` for every `i` (through the join table for
/// many-to-many).
///
/// ```
/// # use plugorm::Model;
/// # #[derive(Model, Debug, Default, Clone)] struct Company { id: i64 }
/// # #[derive(Model, Debug, Default, Clone)] struct User { id: i64, company_id: i64, company: Company }
/// let r = User::relations()[0].resolved()?;
/// assert_eq!(r.kind, plugorm::relation::RelationKind::BelongsTo);
/// assert_eq!(User::schema().fields[r.owner_keys[0]].column, "company_id");
/// # Ok::<(), plugorm::relation::RelationError>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct ResolvedRelation {
    pub field: &'static str,
    pub kind: RelationKind,
    /// Field indexes on the owner: the foreign key (belongs-to) or the referenced key.
    pub owner_keys: Vec<usize>,
    /// Field indexes on the related model: the referenced key (belongs-to,
    /// many-to-many) or the foreign key (has-one / has-many).
    pub target_keys: Vec<usize>,
    pub join: Option<JoinTable>,
    pub polymorphic: Option<Polymorphic>,
    /// The table holding the foreign key and the one it references (for constraints).
    pub fk_table: String,
    pub fk_columns: Vec<String>,
    pub referenced_table: String,
    pub referenced_columns: Vec<String>,
    pub on_delete: Option<&'static str>,
    pub on_update: Option<&'static str>,
    pub constraint: bool,
    /// The join table's schema (many-to-many): the join model's, or one generated from the
    /// key fields (built once per relation and kept, like model schemas).
    pub join_schema: Option<&'static ModelSchema>,
    /// The join model, when the relation has one.
    pub join_model: Option<JoinModel>,
}

impl ResolvedRelation {
    /// The foreign-key columns (on whichever table holds them; the join table's owner
    /// columns for many-to-many).
    pub fn foreign_key_columns(&self) -> Vec<&str> {
        self.fk_columns.iter().map(String::as_str).collect()
    }

    /// Whether the related model holds the foreign key (has-one / has-many).
    pub fn target_holds_key(&self) -> bool {
        matches!(self.kind, RelationKind::HasOne | RelationKind::HasMany)
    }
}

struct Ctx<'a> {
    decl: &'a RelationDecl,
    owner: &'a ModelSchema,
}

impl Ctx<'_> {
    fn model(&self) -> String {
        self.owner.name.to_string()
    }

    fn invalid(&self, reason: impl Into<String>) -> RelationError {
        RelationError::Invalid {
            model: self.model(),
            field: self.decl.field.to_string(),
            reason: reason.into(),
        }
    }

    /// Fields named in a declaration list, on `on`.
    fn named(
        &self,
        names: &[&str],
        on: &ModelSchema,
        role: &'static str,
    ) -> Result<Vec<usize>, RelationError> {
        names
            .iter()
            .map(|n| {
                on.field_index(n)
                    .ok_or_else(|| RelationError::UnknownKeyField {
                        model: self.model(),
                        field: self.decl.field.to_string(),
                        role,
                        name: n.to_string(),
                        on: on.name.to_string(),
                    })
            })
            .collect()
    }

    /// The declared fields, or the primary key of `on`.
    fn keys_or_pk(&self, names: &[&str], on: &ModelSchema) -> Result<Vec<usize>, RelationError> {
        if !names.is_empty() {
            return self.named(names, on, "referenced field");
        }
        let pks: Vec<usize> = on
            .fields
            .iter()
            .enumerate()
            .filter(|(_, f)| f.primary_key)
            .map(|(i, _)| i)
            .collect();
        if pks.is_empty() {
            return Err(RelationError::NoPrimaryKey {
                model: self.model(),
                field: self.decl.field.to_string(),
                on: on.name.to_string(),
            });
        }
        Ok(pks)
    }

    /// Foreign-key fields on `on` for references `refs` (on `referenced`): declared, or
    /// `<prefix>_<referenced field>`, or `<prefix>_id` for a single key.
    fn foreign_keys(
        &self,
        prefix: &str,
        on: &ModelSchema,
        refs: &[usize],
        referenced: &ModelSchema,
    ) -> Result<Vec<usize>, RelationError> {
        if !self.decl.foreign_key.is_empty() {
            let fks = self.named(self.decl.foreign_key, on, "foreign key")?;
            return self.same_count(fks, refs.len());
        }
        let mut tried = Vec::new();
        let mut found = Vec::new();
        for &r in refs {
            let rf = &referenced.fields[r];
            let mut candidates = vec![
                format!("{prefix}_{}", rf.name),
                format!("{prefix}_{}", rf.column),
            ];
            if refs.len() == 1 {
                candidates.push(format!("{prefix}_id"));
            }
            match candidates.iter().find_map(|c| on.field_index(c)) {
                Some(i) => found.push(i),
                None => {
                    tried.extend(candidates.into_iter().map(|c| format!("{}.{c}", on.name)));
                    return Err(RelationError::NoForeignKey {
                        model: self.model(),
                        field: self.decl.field.to_string(),
                        tried,
                    });
                }
            }
        }
        Ok(found)
    }

    fn same_count(&self, fks: Vec<usize>, refs: usize) -> Result<Vec<usize>, RelationError> {
        if fks.len() != refs {
            return Err(RelationError::KeyCount {
                model: self.model(),
                field: self.decl.field.to_string(),
                foreign: fks.len(),
                references: refs,
            });
        }
        Ok(fks)
    }
}

fn columns(schema: &ModelSchema, idx: &[usize]) -> Vec<String> {
    idx.iter()
        .map(|&i| schema.fields[i].column.to_string())
        .collect()
}

fn field<'a>(schema: &'a ModelSchema, name: &str) -> Option<(usize, &'a FieldSchema)> {
    schema.field_index(name).map(|i| (i, &schema.fields[i]))
}

/// Applies GORM's conventions to a declaration.
pub(crate) fn resolve(
    decl: &RelationDecl,
    owner: &ModelSchema,
    target: &ModelSchema,
    join_model: Option<&JoinModel>,
) -> Result<ResolvedRelation, RelationError> {
    let cx = Ctx { decl, owner };
    let kind = match (decl.kind, decl.many) {
        (Some(RelationKind::ManyToMany), _) | (None, true) if decl.join_table.is_some() => {
            RelationKind::ManyToMany
        }
        (Some(RelationKind::ManyToMany), _) => {
            return Err(cx.invalid("`many_to_many` needs the join table's name"))
        }
        (Some(RelationKind::BelongsTo | RelationKind::HasOne), true) => {
            return Err(
                cx.invalid("a `Vec` field holds many records: use `has_many` or `many_to_many`")
            )
        }
        (Some(RelationKind::HasMany), false) => {
            return Err(cx.invalid("`has_many` needs a `Vec<T>` field"))
        }
        (Some(k), _) => k,
        (None, true) => RelationKind::HasMany,
        (None, false) if decl.polymorphic.is_some() || decl.polymorphic_type.is_some() => {
            RelationKind::HasOne
        }
        (None, false) => {
            // GORM guesses belongs-to first: the owner holds the key.
            let refs = cx.keys_or_pk(decl.references, target);
            let belongs = refs
                .ok()
                .and_then(|r| cx.foreign_keys(decl.field, owner, &r, target).ok());
            if belongs.is_some() {
                RelationKind::BelongsTo
            } else {
                RelationKind::HasOne
            }
        }
    };
    let owner_prefix = naming::snake(owner.name.as_str());
    let mut polymorphic = None;
    let (owner_keys, target_keys, join) = match kind {
        RelationKind::BelongsTo => {
            let refs = cx.keys_or_pk(decl.references, target)?;
            let fks = cx.foreign_keys(decl.field, owner, &refs, target)?;
            (fks, refs, None)
        }
        RelationKind::HasOne | RelationKind::HasMany => {
            let refs = cx.keys_or_pk(decl.references, owner)?;
            let poly_name = decl.polymorphic;
            if poly_name.is_some() || decl.polymorphic_type.is_some() {
                let base = poly_name.map(naming::snake).unwrap_or_default();
                let type_name = decl
                    .polymorphic_type
                    .map(str::to_string)
                    .unwrap_or_else(|| format!("{base}_type"));
                let id_name = decl
                    .polymorphic_id
                    .map(str::to_string)
                    .unwrap_or_else(|| format!("{base}_id"));
                let missing = |m: &str| RelationError::Polymorphic {
                    model: owner.name.to_string(),
                    field: decl.field.to_string(),
                    target: target.name.to_string(),
                    missing: m.to_string(),
                };
                let (type_field, _) =
                    field(target, &type_name).ok_or_else(|| missing(&type_name))?;
                let (id_field, _) = field(target, &id_name).ok_or_else(|| missing(&id_name))?;
                if refs.len() != 1 {
                    return Err(cx.invalid("a polymorphic relation references one key field"));
                }
                polymorphic = Some(Polymorphic {
                    type_field,
                    value: decl
                        .polymorphic_value
                        .map(str::to_string)
                        .unwrap_or_else(|| owner.table.to_string()),
                });
                (refs, vec![id_field], None)
            } else {
                let fks = cx.foreign_keys(&owner_prefix, target, &refs, owner)?;
                (refs, fks, None)
            }
        }
        RelationKind::ManyToMany => {
            let owner_refs = cx.keys_or_pk(decl.foreign_key, owner)?;
            let target_refs = cx.keys_or_pk(decl.references, target)?;
            let target_prefix = naming::snake(target.name.as_str());
            let owner_columns: Vec<String> = if decl.join_foreign_key.is_empty() {
                owner_refs
                    .iter()
                    .map(|&i| format!("{owner_prefix}_{}", owner.fields[i].column))
                    .collect()
            } else {
                decl.join_foreign_key
                    .iter()
                    .map(|s| s.to_string())
                    .collect()
            };
            let mut target_columns: Vec<String> = if decl.join_references.is_empty() {
                target_refs
                    .iter()
                    .map(|&i| format!("{target_prefix}_{}", target.fields[i].column))
                    .collect()
            } else {
                decl.join_references.iter().map(|s| s.to_string()).collect()
            };
            if decl.join_references.is_empty()
                && target_columns.iter().any(|c| owner_columns.contains(c))
            {
                // A self-reference (`friends` of a user): name the second side after the
                // field, and add `_reference` if that still clashes.
                let single = naming::singular(decl.field);
                target_columns = target_refs
                    .iter()
                    .map(|&i| format!("{single}_{}", target.fields[i].column))
                    .collect();
                if target_columns.iter().any(|c| owner_columns.contains(c)) {
                    target_columns = target_columns
                        .into_iter()
                        .map(|c| format!("{c}_reference"))
                        .collect();
                }
            }
            if owner_columns.len() != owner_refs.len() || target_columns.len() != target_refs.len()
            {
                return Err(
                    cx.invalid("the join columns must match the key fields they hold in number")
                );
            }
            let table = decl.join_table.unwrap_or_default();
            let table = match join_model {
                // The join model's own table (GORM's `SetupJoinTable`).
                Some(j) => j.schema().table.to_string(),
                None if table.chars().any(|c| c.is_ascii_uppercase()) => naming::snake(table),
                None => table.to_string(),
            };
            if let Some(j) = join_model {
                let all: Vec<&String> = owner_columns.iter().chain(&target_columns).collect();
                j.check(&all)?;
            }
            (
                owner_refs,
                target_refs,
                Some(JoinTable {
                    table,
                    owner_columns,
                    target_columns,
                }),
            )
        }
    };
    if owner_keys.len() != target_keys.len() {
        return Err(RelationError::KeyCount {
            model: owner.name.to_string(),
            field: decl.field.to_string(),
            foreign: owner_keys.len(),
            references: target_keys.len(),
        });
    }
    let (fk_table, fk_columns, referenced_table, referenced_columns) = match kind {
        RelationKind::BelongsTo => (
            owner.table.to_string(),
            columns(owner, &owner_keys),
            target.table.to_string(),
            columns(target, &target_keys),
        ),
        RelationKind::HasOne | RelationKind::HasMany => (
            target.table.to_string(),
            columns(target, &target_keys),
            owner.table.to_string(),
            columns(owner, &owner_keys),
        ),
        RelationKind::ManyToMany => {
            let j = join.as_ref().map(|j| j.table.clone()).unwrap_or_default();
            let cols = join
                .as_ref()
                .map(|j| j.owner_columns.clone())
                .unwrap_or_default();
            (
                j,
                cols,
                owner.table.to_string(),
                columns(owner, &owner_keys),
            )
        }
    };
    if join_model.is_some() && kind != RelationKind::ManyToMany {
        return Err(cx.invalid("a join model belongs to a `many_to_many` relation"));
    }
    let mut resolved = ResolvedRelation {
        field: decl.field,
        kind,
        owner_keys,
        target_keys,
        join,
        polymorphic,
        fk_table,
        fk_columns,
        referenced_table,
        referenced_columns,
        on_delete: decl.on_delete,
        on_update: decl.on_update,
        constraint: decl.constraint && polymorphic_free(decl),
        join_schema: None,
        join_model: join_model.cloned(),
    };
    resolved.join_schema = match join_model {
        Some(j) => Some(j.schema()),
        None => super::join_schema::generated(&resolved, owner, target)
            .map(|s| &*Box::leak(Box::new(s))),
    };
    Ok(resolved)
}

/// A polymorphic relation's id column points at several tables: no FOREIGN KEY for it.
fn polymorphic_free(decl: &RelationDecl) -> bool {
    decl.polymorphic.is_none() && decl.polymorphic_type.is_none()
}
