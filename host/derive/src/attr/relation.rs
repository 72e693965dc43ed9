//! Relation settings of a field: `belongs_to`, `has_one`, `has_many`,
//! `many_to_many = "join_table"` (with an optional `join_model`), key overrides,
//! polymorphism and the foreign-key constraint's actions. The keys are GORM's tags in snake case.

use proc_macro2::Span;
use syn::meta::ParseNestedMeta;

use super::{set_flag, set_once, span_of, value, Setting};

/// The relation kinds a field may declare.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum DeclaredKind {
    BelongsTo,
    HasOne,
    HasMany,
    ManyToMany,
}

/// Every relation setting of one field (all optional: GORM's conventions fill the rest at
/// run time, when both models' schemas are known).
#[derive(Default)]
pub(crate) struct RelationAttrs {
    /// `relation`: a relation whose kind is inferred (for a single struct-typed field
    /// without a `<field>_id` sibling, which the derive cannot tell from a column type).
    pub relation: Option<Span>,
    pub kind: Option<Setting<DeclaredKind>>,
    /// `many_to_many = "user_languages"`: the join table.
    pub join_table: Option<Setting<String>>,
    pub foreign_key: Option<Setting<String>>,
    pub references: Option<Setting<String>>,
    pub join_foreign_key: Option<Setting<String>>,
    pub join_references: Option<Setting<String>>,
    pub polymorphic: Option<Setting<String>>,
    pub polymorphic_value: Option<Setting<String>>,
    pub polymorphic_type: Option<Setting<String>>,
    pub polymorphic_id: Option<Setting<String>>,
    pub on_delete: Option<Setting<String>>,
    pub on_update: Option<Setting<String>>,
    /// `no_constraint`: AutoMigrate creates no FOREIGN KEY for it (GORM's `constraint:-`).
    pub no_constraint: Option<Span>,
    /// `join_model = "UserLanguage"`: the many-to-many join table is this model (GORM's
    /// `SetupJoinTable`).
    pub join_model: Option<Setting<syn::Type>>,
}

/// The relation keys, for the field attribute parser.
pub(crate) const RELATION_KEYS: &[&str] = &[
    "relation",
    "belongs_to",
    "has_one",
    "has_many",
    "many_to_many",
    "foreign_key",
    "references",
    "join_foreign_key",
    "join_references",
    "polymorphic",
    "polymorphic_value",
    "polymorphic_type",
    "polymorphic_id",
    "on_delete",
    "on_update",
    "no_constraint",
    "join_model",
];

/// The referential actions `on_delete` / `on_update` accept.
const ACTIONS: &[&str] = &[
    "CASCADE",
    "SET NULL",
    "SET DEFAULT",
    "RESTRICT",
    "NO ACTION",
];

fn kind(
    slot: &mut Option<Setting<DeclaredKind>>,
    meta: &ParseNestedMeta<'_>,
    k: DeclaredKind,
) -> syn::Result<()> {
    if slot.is_some() {
        return Err(meta.error(
            "a field has one relation kind: `belongs_to`, `has_one`, `has_many` or \
             `many_to_many`",
        ));
    }
    *slot = Some(Setting {
        value: k,
        span: span_of(meta),
    });
    Ok(())
}

fn action(meta: &ParseNestedMeta<'_>, key: &str) -> syn::Result<String> {
    let s = value::non_empty_string(meta, key)?;
    let upper = s.value().trim().to_ascii_uppercase();
    if !ACTIONS.contains(&upper.as_str()) {
        return Err(syn::Error::new(
            s.span(),
            format!(
                "`{key}` takes one of {} (not {:?})",
                ACTIONS
                    .iter()
                    .map(|a| format!("\"{a}\""))
                    .collect::<Vec<_>>()
                    .join(", "),
                s.value()
            ),
        ));
    }
    Ok(upper)
}

impl RelationAttrs {
    /// Whether any relation key was given.
    pub fn any(&self) -> bool {
        self.relation.is_some()
            || self.kind.is_some()
            || self.foreign_key.is_some()
            || self.references.is_some()
            || self.join_foreign_key.is_some()
            || self.join_references.is_some()
            || self.polymorphic.is_some()
            || self.polymorphic_type.is_some()
            || self.polymorphic_id.is_some()
            || self.polymorphic_value.is_some()
            || self.on_delete.is_some()
            || self.on_update.is_some()
            || self.no_constraint.is_some()
            || self.join_model.is_some()
    }

    pub fn parse_entry(&mut self, meta: &ParseNestedMeta<'_>, key: &str) -> syn::Result<()> {
        let text = |meta: &ParseNestedMeta<'_>| -> syn::Result<String> {
            Ok(value::non_empty_string(meta, key)?.value())
        };
        match key {
            "relation" => set_flag(&mut self.relation, meta, key),
            "belongs_to" => {
                set_flag(&mut None, meta, key)?;
                kind(&mut self.kind, meta, DeclaredKind::BelongsTo)
            }
            "has_one" => {
                set_flag(&mut None, meta, key)?;
                kind(&mut self.kind, meta, DeclaredKind::HasOne)
            }
            "has_many" => {
                set_flag(&mut None, meta, key)?;
                kind(&mut self.kind, meta, DeclaredKind::HasMany)
            }
            "many_to_many" => {
                let v = text(meta)?;
                kind(&mut self.kind, meta, DeclaredKind::ManyToMany)?;
                set_once(&mut self.join_table, meta, key, v)
            }
            "foreign_key" => set_once(&mut self.foreign_key, meta, key, text(meta)?),
            "references" => set_once(&mut self.references, meta, key, text(meta)?),
            "join_foreign_key" => set_once(&mut self.join_foreign_key, meta, key, text(meta)?),
            "join_references" => set_once(&mut self.join_references, meta, key, text(meta)?),
            "polymorphic" => set_once(&mut self.polymorphic, meta, key, text(meta)?),
            "polymorphic_value" => set_once(&mut self.polymorphic_value, meta, key, text(meta)?),
            "polymorphic_type" => set_once(&mut self.polymorphic_type, meta, key, text(meta)?),
            "polymorphic_id" => set_once(&mut self.polymorphic_id, meta, key, text(meta)?),
            "on_delete" => {
                let v = action(meta, key)?;
                set_once(&mut self.on_delete, meta, key, v)
            }
            "on_update" => {
                let v = action(meta, key)?;
                set_once(&mut self.on_update, meta, key, v)
            }
            "no_constraint" => set_flag(&mut self.no_constraint, meta, key),
            "join_model" => {
                let ty: syn::Type = value::non_empty_string(meta, key)?.parse()?;
                set_once(&mut self.join_model, meta, key, ty)
            }
            _ => Err(meta.error(format!("unknown relation attribute `{key}`"))),
        }
    }
}
