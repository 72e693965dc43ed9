//! `#[orm(...)]` on the struct itself: `table = "…"`, `hooks`.

use syn::{Attribute, LitStr};

use super::{key_name, orm_attributes, set_flag, set_once, value, Errors, Setting};

/// The struct-level settings.
#[derive(Default)]
pub(crate) struct ContainerAttrs {
    /// `table = "name"`: the table instead of the plural snake-case struct name.
    pub table: Option<Setting<LitStr>>,
    /// `hooks`: the user implements `Hooks`; the derive writes no empty impl.
    pub hooks: Option<proc_macro2::Span>,
}

const KEYS: &str = "`table`, `hooks`";

impl ContainerAttrs {
    pub fn parse(attrs: &[Attribute], errors: &mut Errors) -> ContainerAttrs {
        let mut out = ContainerAttrs::default();
        for attr in orm_attributes(attrs) {
            let r = attr.parse_nested_meta(|meta| {
                let key = key_name(&meta);
                match key.as_str() {
                    "table" => {
                        let t = value::non_empty_string(&meta, "table")?;
                        set_once(&mut out.table, &meta, "table", t)
                    }
                    "hooks" => set_flag(&mut out.hooks, &meta, "hooks"),
                    _ => Err(meta.error(format!(
                        "unknown struct attribute `{key}` (expected one of {KEYS}; field \
                         settings go on the fields)"
                    ))),
                }
            });
            errors.check(r);
        }
        out
    }
}
