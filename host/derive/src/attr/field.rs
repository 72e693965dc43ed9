//! `#[orm(...)]` on a field: column settings, indexes, permissions, time tracking and soft
//! delete. Checks that need only this field (conflicting options) run here; checks across
//! fields run in `model`.

use proc_macro2::Span;
use syn::{Attribute, LitStr};

use super::{
    key_name, orm_attributes,
    relation::{RelationAttrs, RELATION_KEYS},
    set_flag, set_once, span_of,
    value::{self, FlagOrMode},
    Errors, IndexAttr, Setting,
};

/// How a time-tracking field is filled.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum TimeMode {
    /// `= false`: no tracking, not even by the `created_at` / `updated_at` convention.
    Off,
    /// Bare: a date-time for time types, Unix seconds for integers.
    Auto,
    Second,
    Milli,
    Nano,
}

/// How a soft-delete field marks a deleted row.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum SoftDeleteMode {
    /// Bare: `Timestamp` for a time type, `Second` for an integer.
    Auto,
    Timestamp,
    Second,
    Milli,
    Nano,
    Flag,
}

/// Every setting of one field.
#[derive(Default)]
pub(crate) struct FieldAttrs {
    /// Every key given, in order, for the "does not go with" checks.
    pub keys: Vec<(&'static str, Span)>,
    pub column: Option<Setting<String>>,
    pub sql_type: Option<Setting<String>>,
    pub size: Option<Setting<u32>>,
    pub precision: Option<Setting<u32>>,
    pub scale: Option<Setting<u32>>,
    pub primary_key: Option<Span>,
    pub auto_increment: Option<Setting<bool>>,
    pub unique: Option<Span>,
    /// The default as SQL text (from `default` or `default_sql`).
    pub default: Option<Setting<String>>,
    pub not_null: Option<Span>,
    pub indexes: Vec<IndexAttr>,
    /// GORM's check text: `expr` or `name,expr`.
    pub check: Option<Setting<String>>,
    pub comment: Option<Setting<String>>,
    pub embedded: Option<Span>,
    pub embedded_prefix: Option<Setting<String>>,
    pub readonly: Option<Span>,
    pub create_only: Option<Span>,
    pub update_only: Option<Span>,
    pub write_only: Option<Span>,
    pub migration_only: Option<Span>,
    pub skip_migration: Option<Span>,
    pub ignore: Option<Span>,
    pub auto_create_time: Option<Setting<TimeMode>>,
    pub auto_update_time: Option<Setting<TimeMode>>,
    pub soft_delete: Option<Setting<SoftDeleteMode>>,
    /// `soft_delete_at = "field"`: the field that receives the deletion time (flag mode).
    pub soft_delete_at: Option<LitStr>,
    /// Relation settings (`belongs_to`, `foreign_key`, …).
    pub relation: RelationAttrs,
    /// `serializer = "json"`: the field is any serde type, stored through that serializer.
    pub serializer: Option<Setting<String>>,
}

/// The keys a field accepts, for the "unknown attribute" message.
const KEYS: &[&str] = &[
    "column",
    "type",
    "size",
    "precision",
    "scale",
    "primary_key",
    "auto_increment",
    "unique",
    "default",
    "default_sql",
    "not_null",
    "index",
    "unique_index",
    "check",
    "comment",
    "embedded",
    "embedded_prefix",
    "readonly",
    "create_only",
    "update_only",
    "write_only",
    "migration_only",
    "skip_migration",
    "ignore",
    "auto_create_time",
    "auto_update_time",
    "soft_delete",
    "soft_delete_at",
    "serializer",
];

/// Keys that may accompany `embedded`: they apply to every embedded column.
const EMBEDDED_KEYS: &[&str] = &[
    "embedded",
    "embedded_prefix",
    "readonly",
    "create_only",
    "update_only",
    "write_only",
    "migration_only",
    "skip_migration",
];

/// Pairs of permission keys that contradict each other.
const CONFLICTS: &[(&str, &str, &str)] = &[
    (
        "readonly",
        "create_only",
        "a read-only field is never written",
    ),
    (
        "readonly",
        "update_only",
        "a read-only field is never written",
    ),
    (
        "readonly",
        "write_only",
        "a read-only field cannot be write-only",
    ),
    (
        "readonly",
        "migration_only",
        "`migration_only` already makes the field unreadable",
    ),
    (
        "create_only",
        "update_only",
        "a field written on create and on update is the default: drop both",
    ),
    (
        "migration_only",
        "create_only",
        "a `migration_only` column is never written",
    ),
    (
        "migration_only",
        "update_only",
        "a `migration_only` column is never written",
    ),
    (
        "migration_only",
        "write_only",
        "a `migration_only` column is never written",
    ),
    (
        "migration_only",
        "skip_migration",
        "a `migration_only` column exists only through migration",
    ),
    (
        "soft_delete",
        "auto_create_time",
        "a soft-delete field is written by deletes only",
    ),
    (
        "serializer",
        "soft_delete",
        "the soft-delete field's type is the host's own (a date-time, an integer or a flag)",
    ),
    (
        "serializer",
        "auto_create_time",
        "the host fills a time-tracking field with its own value",
    ),
    (
        "serializer",
        "auto_update_time",
        "the host fills a time-tracking field with its own value",
    ),
    (
        "serializer",
        "primary_key",
        "a key is compared and generated as a plain column value",
    ),
    (
        "soft_delete",
        "auto_update_time",
        "a soft-delete field is written by deletes only",
    ),
];

fn time_mode(meta: &syn::meta::ParseNestedMeta<'_>, key: &str) -> syn::Result<TimeMode> {
    Ok(match value::flag_or_mode(meta, key)? {
        FlagOrMode::Flag(true) => TimeMode::Auto,
        FlagOrMode::Flag(false) => TimeMode::Off,
        FlagOrMode::Mode(s) => match s.value().as_str() {
            "second" => TimeMode::Second,
            "milli" => TimeMode::Milli,
            "nano" => TimeMode::Nano,
            other => {
                return Err(syn::Error::new(
                    s.span(),
                    format!(
                    "unknown `{key}` mode {other:?} (expected \"second\", \"milli\" or \"nano\"; \
                         write `{key}` alone for a date-time field)"
                ),
                ))
            }
        },
    })
}

fn soft_delete_mode(meta: &syn::meta::ParseNestedMeta<'_>) -> syn::Result<SoftDeleteMode> {
    Ok(match value::flag_or_mode(meta, "soft_delete")? {
        FlagOrMode::Flag(true) => SoftDeleteMode::Auto,
        FlagOrMode::Flag(false) => {
            return Err(meta.error("`soft_delete = false` has no meaning: remove the attribute"))
        }
        FlagOrMode::Mode(s) => match s.value().as_str() {
            "timestamp" => SoftDeleteMode::Timestamp,
            "second" => SoftDeleteMode::Second,
            "milli" => SoftDeleteMode::Milli,
            "nano" => SoftDeleteMode::Nano,
            "flag" => SoftDeleteMode::Flag,
            other => {
                return Err(syn::Error::new(
                    s.span(),
                    format!(
                        "unknown soft-delete mode {other:?} (expected \"timestamp\", \"second\", \
                         \"milli\", \"nano\" or \"flag\")"
                    ),
                ))
            }
        },
    })
}

/// `check = "expr"` or `check(name = "n", expr = "…")`, as GORM's `name,expr` text.
fn check_text(meta: &syn::meta::ParseNestedMeta<'_>) -> syn::Result<String> {
    if !meta.input.peek(syn::token::Paren) {
        return Ok(value::non_empty_string(meta, "check")?.value());
    }
    let mut name: Option<Setting<String>> = None;
    let mut expr: Option<Setting<String>> = None;
    meta.parse_nested_meta(|opt| match key_name(&opt).as_str() {
        "name" => {
            let s = value::non_empty_string(&opt, "name")?;
            let v = s.value();
            if !v
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
            {
                return Err(syn::Error::new(
                    s.span(),
                    format!("a check name holds only letters, digits, `_` and `-`, not {v:?}"),
                ));
            }
            set_once(&mut name, &opt, "name", v)
        }
        "expr" => {
            let v = value::non_empty_string(&opt, "expr")?.value();
            set_once(&mut expr, &opt, "expr", v)
        }
        k => Err(opt.error(format!(
            "unknown check option `{k}` (expected `name`, `expr`)"
        ))),
    })?;
    let Some(expr) = expr else {
        return Err(meta.error("`check(…)` needs `expr = \"…\"`"));
    };
    Ok(match name {
        Some(n) => format!("{},{}", n.value, expr.value),
        None => expr.value,
    })
}

impl FieldAttrs {
    pub fn parse(attrs: &[Attribute], errors: &mut Errors) -> FieldAttrs {
        let mut out = FieldAttrs::default();
        for attr in orm_attributes(attrs) {
            let r = attr.parse_nested_meta(|meta| {
                let key = key_name(&meta);
                let Some(&known) = KEYS.iter().chain(RELATION_KEYS).find(|k| **k == key) else {
                    return Err(meta.error(format!(
                        "unknown field attribute `{key}` (expected one of {})",
                        KEYS.iter()
                            .chain(RELATION_KEYS)
                            .map(|k| format!("`{k}`"))
                            .collect::<Vec<_>>()
                            .join(", ")
                    )));
                };
                out.keys.push((known, span_of(&meta)));
                out.parse_entry(&meta, known)
            });
            errors.check(r);
        }
        out.check_conflicts(errors);
        out
    }

    fn parse_entry(&mut self, meta: &syn::meta::ParseNestedMeta<'_>, key: &str) -> syn::Result<()> {
        match key {
            "column" => {
                let v = value::non_empty_string(meta, key)?.value();
                set_once(&mut self.column, meta, key, v)
            }
            "type" => {
                let v = value::non_empty_string(meta, key)?.value();
                set_once(&mut self.sql_type, meta, key, v)
            }
            "size" => {
                let v = value::u32_value(meta, key)?;
                set_once(&mut self.size, meta, key, v)
            }
            "precision" => {
                let v = value::u32_value(meta, key)?;
                set_once(&mut self.precision, meta, key, v)
            }
            "scale" => {
                let v = value::u32_value(meta, key)?;
                set_once(&mut self.scale, meta, key, v)
            }
            "primary_key" => set_flag(&mut self.primary_key, meta, key),
            "auto_increment" => {
                let v = value::flag_or_bool(meta, key)?;
                set_once(&mut self.auto_increment, meta, key, v)
            }
            "unique" => set_flag(&mut self.unique, meta, key),
            "default" => {
                let v = value::default_literal(meta)?;
                set_once(&mut self.default, meta, "default` or `default_sql", v)
            }
            "default_sql" => {
                let v = value::non_empty_string(meta, key)?.value();
                set_once(&mut self.default, meta, "default` or `default_sql", v)
            }
            "not_null" => set_flag(&mut self.not_null, meta, key),
            "index" => {
                self.indexes.push(IndexAttr::parse(meta, key, false)?);
                Ok(())
            }
            "unique_index" => {
                self.indexes.push(IndexAttr::parse(meta, key, true)?);
                Ok(())
            }
            "check" => {
                let v = check_text(meta)?;
                set_once(&mut self.check, meta, key, v)
            }
            "comment" => {
                let v = value::string(meta, key)?.value();
                set_once(&mut self.comment, meta, key, v)
            }
            "embedded" => set_flag(&mut self.embedded, meta, key),
            "embedded_prefix" => {
                let v = value::non_empty_string(meta, key)?.value();
                set_once(&mut self.embedded_prefix, meta, key, v)
            }
            "readonly" => set_flag(&mut self.readonly, meta, key),
            "create_only" => set_flag(&mut self.create_only, meta, key),
            "update_only" => set_flag(&mut self.update_only, meta, key),
            "write_only" => set_flag(&mut self.write_only, meta, key),
            "migration_only" => set_flag(&mut self.migration_only, meta, key),
            "skip_migration" => set_flag(&mut self.skip_migration, meta, key),
            "ignore" => set_flag(&mut self.ignore, meta, key),
            "auto_create_time" => {
                let v = time_mode(meta, key)?;
                set_once(&mut self.auto_create_time, meta, key, v)
            }
            "auto_update_time" => {
                let v = time_mode(meta, key)?;
                set_once(&mut self.auto_update_time, meta, key, v)
            }
            "soft_delete" => {
                let v = soft_delete_mode(meta)?;
                set_once(&mut self.soft_delete, meta, key, v)
            }
            "soft_delete_at" => {
                if self.soft_delete_at.is_some() {
                    return Err(meta.error("duplicate `soft_delete_at`"));
                }
                self.soft_delete_at = Some(value::non_empty_string(meta, key)?);
                Ok(())
            }
            "serializer" => {
                let v = value::non_empty_string(meta, key)?.value();
                set_once(&mut self.serializer, meta, key, v)
            }
            k if RELATION_KEYS.contains(&k) => self.relation.parse_entry(meta, k),
            _ => Err(meta.error(format!("unknown field attribute `{key}`"))),
        }
    }

    fn first(&self, key: &str) -> Option<Span> {
        self.keys.iter().find(|(k, _)| *k == key).map(|(_, s)| *s)
    }

    /// Options that contradict each other on one field.
    fn check_conflicts(&self, errors: &mut Errors) {
        if self.ignore.is_some() {
            for (k, span) in self.keys.iter().filter(|(k, _)| *k != "ignore") {
                errors.error(
                    *span,
                    format!("`{k}` has no effect on an `ignore`d field: it is no column at all"),
                );
            }
            return;
        }
        if self.relation.any() {
            for (k, span) in self.keys.iter().filter(|(k, _)| !RELATION_KEYS.contains(k)) {
                errors.error(
                    *span,
                    format!(
                        "`{k}` does not apply to a relation field: it is no column (put column \
                         settings on the foreign-key field)"
                    ),
                );
            }
            return;
        }
        if self.embedded.is_some() || self.embedded_prefix.is_some() {
            for (k, span) in self.keys.iter().filter(|(k, _)| !EMBEDDED_KEYS.contains(k)) {
                errors.error(
                    *span,
                    format!(
                        "`{k}` does not apply to an embedded struct: put it on the embedded \
                         struct's own fields"
                    ),
                );
            }
        }
        for (a, b, why) in CONFLICTS {
            if let (Some(_), Some(span)) = (self.first(a), self.first(b)) {
                errors.error(span, format!("`{b}` conflicts with `{a}`: {why}"));
            }
        }
        if let Some(at) = &self.soft_delete_at {
            match &self.soft_delete {
                Some(Setting {
                    value: SoftDeleteMode::Flag,
                    ..
                }) => {}
                _ => errors.error(
                    at.span(),
                    "`soft_delete_at` names the deletion-time field of a flag: it needs \
                     `soft_delete = \"flag\"` on this field",
                ),
            }
        }
        if let (Some(s), None) = (&self.scale, &self.precision) {
            errors.error(s.span, "`scale` needs `precision`");
        }
    }
}
