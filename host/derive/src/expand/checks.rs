//! Compile-time checks of field types against their settings: a Unix-time mode needs an
//! integer, a timestamp soft delete needs an `Option` of a date-time, and so on. They read
//! the `FieldType` constants in a `const` item spanned at the attribute, so a mismatch is
//! a compile error pointing at the attribute that asked for it.

use proc_macro2::{Span, TokenStream};
use quote::{quote, quote_spanned};
use syn::Type;

use super::schema::{is_integer, is_time};
use crate::{
    attr::{SoftDeleteMode, TimeMode},
    model::{FieldDef, ModelDef},
};

/// What a field type must be.
#[derive(Clone, Copy)]
enum Need {
    Integer,
    TimeOrInteger,
    NullableTime,
    NullableTimeOrInteger,
}

fn assertion(span: Span, ty: &Type, need: Need, message: String) -> TokenStream {
    let field_type = quote!(<#ty as ::plugorm::FieldType>);
    let dt = quote!(#field_type::DATA_TYPE);
    let nullable = quote!(#field_type::NULLABLE);
    let (int, time) = (is_integer(&dt), is_time(&dt));
    let ok = match need {
        Need::Integer => int,
        Need::TimeOrInteger => quote!(#int || #time),
        Need::NullableTime => quote!(#nullable && #time),
        Need::NullableTimeOrInteger => quote!(#int || (#nullable && #time)),
    };
    quote_spanned! {span=>
        const _: () = {
            if !(#ok) {
                ::core::panic!(#message);
            }
        };
    }
}

fn time_checks(f: &FieldDef, key: &str, mode: Option<(TimeMode, Span)>) -> Option<TokenStream> {
    let (mode, span) = mode?;
    let (need, wants) = match mode {
        TimeMode::Off => return None,
        TimeMode::Auto => (
            Need::TimeOrInteger,
            "a date-time type (chrono) or an integer of Unix seconds",
        ),
        TimeMode::Second | TimeMode::Milli | TimeMode::Nano => (
            Need::Integer,
            "an integer type (a date-time field takes the bare attribute)",
        ),
    };
    Some(assertion(
        span,
        &f.ty,
        need,
        format!("field `{}`: `{key}` needs {wants}", f.name),
    ))
}

pub(crate) fn field_type_checks(model: &ModelDef) -> TokenStream {
    let mut out = TokenStream::new();
    for f in &model.fields {
        let a = &f.attrs;
        let created = a.auto_create_time.as_ref().map(|s| (s.value, s.span));
        out.extend(time_checks(f, "auto_create_time", created));
        let updated = a.auto_update_time.as_ref().map(|s| (s.value, s.span));
        out.extend(time_checks(f, "auto_update_time", updated));
        if let Some(sd) = &a.soft_delete {
            let (need, wants) = match sd.value {
                SoftDeleteMode::Auto => (
                    Need::NullableTimeOrInteger,
                    "an `Option` of a date-time (NULL while alive) or an integer of Unix seconds",
                ),
                SoftDeleteMode::Timestamp => (
                    Need::NullableTime,
                    "an `Option` of a date-time type: the column is NULL while the row is alive",
                ),
                SoftDeleteMode::Second
                | SoftDeleteMode::Milli
                | SoftDeleteMode::Nano
                | SoftDeleteMode::Flag => (Need::Integer, "an integer type: 0 while alive"),
            };
            out.extend(assertion(
                sd.span,
                &f.ty,
                need,
                format!("field `{}`: `soft_delete` needs {wants}", f.name),
            ));
        }
        if let Some(at) = &a.soft_delete_at {
            let target = model.fields.iter().find(|t| t.name == at.value());
            if let Some(target) = target {
                out.extend(assertion(
                    at.span(),
                    &target.ty,
                    Need::TimeOrInteger,
                    format!(
                        "field `{}`: `soft_delete_at` names `{}`, which needs a date-time or \
                         integer type",
                        f.name, target.name
                    ),
                ));
            }
        }
    }
    out
}
