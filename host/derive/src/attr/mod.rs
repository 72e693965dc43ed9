//! Parsing `#[orm(...)]` attributes into typed settings, each remembering where it was
//! written so later checks can point at it.

mod container;
mod field;
mod index;
mod relation;
mod value;

pub(crate) use container::ContainerAttrs;
pub(crate) use field::{FieldAttrs, SoftDeleteMode, TimeMode};
pub(crate) use index::IndexAttr;
pub(crate) use relation::DeclaredKind;

use proc_macro2::Span;
use syn::{meta::ParseNestedMeta, Attribute};

/// A value set by an attribute, and the span of the key that set it.
#[derive(Clone, Debug)]
pub(crate) struct Setting<T> {
    pub value: T,
    pub span: Span,
}

/// The key of the attribute entry being parsed (`size` in `size = 10`), as written.
pub(crate) fn key_name(meta: &ParseNestedMeta<'_>) -> String {
    meta.path
        .get_ident()
        .map(|i| i.to_string())
        .unwrap_or_else(|| {
            let segments: Vec<String> = meta
                .path
                .segments
                .iter()
                .map(|s| s.ident.to_string())
                .collect();
            segments.join("::")
        })
}

/// Stores `value` in `slot`, refusing a key given twice.
pub(crate) fn set_once<T>(
    slot: &mut Option<Setting<T>>,
    meta: &ParseNestedMeta<'_>,
    key: &str,
    value: T,
) -> syn::Result<()> {
    if slot.is_some() {
        return Err(meta.error(format!("duplicate `{key}`")));
    }
    *slot = Some(Setting {
        value,
        span: span_of(meta),
    });
    Ok(())
}

/// Records a bare flag (`unique`), refusing it twice and refusing a value.
pub(crate) fn set_flag(
    slot: &mut Option<Span>,
    meta: &ParseNestedMeta<'_>,
    key: &str,
) -> syn::Result<()> {
    if !meta.input.is_empty() && !meta.input.peek(syn::Token![,]) {
        return Err(meta.error(format!(
            "`{key}` is a flag and takes no value: write `{key}`"
        )));
    }
    if slot.is_some() {
        return Err(meta.error(format!("duplicate `{key}`")));
    }
    *slot = Some(span_of(meta));
    Ok(())
}

/// The span of the entry's key.
pub(crate) fn span_of(meta: &ParseNestedMeta<'_>) -> Span {
    use syn::spanned::Spanned;
    meta.path.span()
}

/// The `#[orm(...)]` attributes among `attrs`.
pub(crate) fn orm_attributes(attrs: &[Attribute]) -> impl Iterator<Item = &Attribute> {
    attrs.iter().filter(|a| a.path().is_ident("orm"))
}

/// Runs every error-collecting step and joins their errors into one.
#[derive(Default)]
pub(crate) struct Errors(Option<syn::Error>);

impl Errors {
    pub fn push(&mut self, e: syn::Error) {
        match &mut self.0 {
            Some(all) => all.combine(e),
            None => self.0 = Some(e),
        }
    }

    pub fn error(&mut self, span: Span, message: impl std::fmt::Display) {
        self.push(syn::Error::new(span, message));
    }

    pub fn check<T>(&mut self, r: syn::Result<T>) -> Option<T> {
        match r {
            Ok(v) => Some(v),
            Err(e) => {
                self.push(e);
                None
            }
        }
    }

    pub fn finish(self) -> syn::Result<()> {
        match self.0 {
            Some(e) => Err(e),
            None => Ok(()),
        }
    }
}
