//! `index` / `unique_index` entries of a field, GORM's index tag options:
//! `index`, `index = "name"`, `index(name = "…", composite = "…", priority = 1,
//! sort = "desc", length = 10, kind = "btree", class = "FULLTEXT", condition = "…",
//! comment = "…", unique)`.

use proc_macro2::Span;
use syn::meta::ParseNestedMeta;

use super::{key_name, set_once, span_of, value, Setting};

/// GORM's default priority of an index member (lower sorts first).
pub(crate) const DEFAULT_PRIORITY: i64 = 10;

/// One index a field belongs to.
#[derive(Clone, Debug)]
pub(crate) struct IndexAttr {
    /// The `index` / `unique_index` key.
    pub span: Span,
    pub unique: bool,
    /// An explicit index name (`index = "idx_x"` or `name = "idx_x"`).
    pub name: Option<Setting<String>>,
    /// `composite = "x"`: the index `idx_<table>_x`, shared by every field naming it.
    pub composite: Option<Setting<String>>,
    pub priority: i64,
    /// `asc` / `desc` as written, or empty.
    pub sort: String,
    /// Prefix length (MySQL), 0 = whole column.
    pub length: u32,
    /// The index method (`btree`, `hash`) or class (`FULLTEXT`, `SPATIAL`).
    pub kind: Option<Setting<String>>,
    /// A partial-index condition (GORM's `where`).
    pub condition: Option<Setting<String>>,
    pub comment: Option<Setting<String>>,
}

const OPTIONS: &str = "`name`, `composite`, `priority`, `sort`, `length`, `kind`, `class`, \
                       `condition`, `comment`, `unique`";

impl IndexAttr {
    /// Parses `index`, `index = "name"` or `index(...)` (`unique` for `unique_index`).
    pub fn parse(meta: &ParseNestedMeta<'_>, key: &str, unique: bool) -> syn::Result<IndexAttr> {
        let mut index = IndexAttr {
            span: span_of(meta),
            unique,
            name: None,
            composite: None,
            priority: DEFAULT_PRIORITY,
            sort: String::new(),
            length: 0,
            kind: None,
            condition: None,
            comment: None,
        };
        if meta.input.peek(syn::Token![=]) {
            let name = value::string(meta, key)?;
            if name.value().trim().is_empty() {
                return Err(syn::Error::new(
                    name.span(),
                    format!("empty index name: write `{key}` for the default name `idx_<table>_<column>`"),
                ));
            }
            index.name = Some(Setting {
                value: name.value(),
                span: name.span(),
            });
        } else if meta.input.peek(syn::token::Paren) {
            let mut priority: Option<Setting<i64>> = None;
            let mut sort: Option<Setting<String>> = None;
            let mut length: Option<Setting<u32>> = None;
            let mut unique_flag: Option<Span> = None;
            meta.parse_nested_meta(|opt| {
                let k = key_name(&opt);
                match k.as_str() {
                    "name" => {
                        let v = value::non_empty_string(&opt, "name")?.value();
                        set_once(&mut index.name, &opt, "name", v)
                    }
                    "composite" => {
                        let v = value::non_empty_string(&opt, "composite")?.value();
                        set_once(&mut index.composite, &opt, "composite", v)
                    }
                    "priority" => {
                        let v = value::i64_value(&opt, "priority")?;
                        set_once(&mut priority, &opt, "priority", v)
                    }
                    "sort" => {
                        let s = value::string(&opt, "sort")?;
                        let v = s.value();
                        if !(v.eq_ignore_ascii_case("asc") || v.eq_ignore_ascii_case("desc")) {
                            return Err(syn::Error::new(
                                s.span(),
                                format!("index sort must be \"asc\" or \"desc\", not {v:?}"),
                            ));
                        }
                        set_once(&mut sort, &opt, "sort", v)
                    }
                    "length" => {
                        let v = value::u32_value(&opt, "length")?;
                        set_once(&mut length, &opt, "length", v)
                    }
                    "kind" => {
                        let s = value::non_empty_string(&opt, "kind")?;
                        let v = s.value();
                        if !v.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
                            return Err(syn::Error::new(
                                s.span(),
                                format!("index kind must be one word such as \"btree\", not {v:?}"),
                            ));
                        }
                        set_kind(&mut index.kind, &opt, v)
                    }
                    "class" => {
                        let s = value::string(&opt, "class")?;
                        let v = s.value();
                        if v.eq_ignore_ascii_case("unique") {
                            unique_flag = Some(span_of(&opt));
                            Ok(())
                        } else if v.eq_ignore_ascii_case("fulltext")
                            || v.eq_ignore_ascii_case("spatial")
                        {
                            set_kind(&mut index.kind, &opt, v.to_ascii_uppercase())
                        } else {
                            Err(syn::Error::new(
                                s.span(),
                                format!(
                                    "index class must be \"UNIQUE\", \"FULLTEXT\" or \"SPATIAL\", not {v:?}"
                                ),
                            ))
                        }
                    }
                    "condition" => {
                        let v = value::non_empty_string(&opt, "condition")?.value();
                        set_once(&mut index.condition, &opt, "condition", v)
                    }
                    "comment" => {
                        let v = value::string(&opt, "comment")?.value();
                        set_once(&mut index.comment, &opt, "comment", v)
                    }
                    "unique" => {
                        if !value::flag_or_bool(&opt, "unique")? {
                            return Ok(());
                        }
                        if unique_flag.is_some() {
                            return Err(opt.error("duplicate `unique`"));
                        }
                        unique_flag = Some(span_of(&opt));
                        Ok(())
                    }
                    _ => Err(opt.error(format!(
                        "unknown index option `{k}` (expected one of {OPTIONS})"
                    ))),
                }
            })?;
            if let (Some(n), Some(_)) = (&index.name, &index.composite) {
                return Err(syn::Error::new(
                    n.span,
                    "an index takes `name` or `composite`, not both",
                ));
            }
            if let (Some(span), true) = (unique_flag, unique) {
                return Err(syn::Error::new(
                    span,
                    "`unique_index` is already unique: drop `unique` or write `index(…, unique)`",
                ));
            }
            index.unique |= unique_flag.is_some();
            index.priority = priority.map_or(DEFAULT_PRIORITY, |p| p.value);
            index.sort = sort.map(|s| s.value).unwrap_or_default();
            index.length = length.map_or(0, |l| l.value);
        }
        Ok(index)
    }

    /// The name this index has in the struct's list of indexes, before the table is known:
    /// the explicit name, `composite:<name>`, or `column:<column>` for a default name.
    pub fn group_key(&self, column: &str) -> String {
        match (&self.name, &self.composite) {
            (Some(n), _) => format!("name:{}", n.value),
            (None, Some(c)) => format!("composite:{}", c.value),
            (None, None) => format!("column:{column}"),
        }
    }
}

/// `kind` and `class` share one slot: an index has a method or a class.
fn set_kind(
    slot: &mut Option<Setting<String>>,
    meta: &ParseNestedMeta<'_>,
    value: String,
) -> syn::Result<()> {
    if slot.is_some() {
        return Err(meta.error(
            "an index takes one `kind` (method such as \"btree\") or one `class` (\"FULLTEXT\", \"SPATIAL\")",
        ));
    }
    *slot = Some(Setting {
        value,
        span: span_of(meta),
    });
    Ok(())
}
