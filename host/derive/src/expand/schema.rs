//! The schema-building code: one `FieldSchema` per column (embedded fields flattened),
//! GORM's primary-key convention, and the indexes.

use proc_macro2::{Span, TokenStream};
use quote::{quote, quote_spanned};
use syn::{spanned::Spanned, Ident};

use crate::{
    attr::{FieldAttrs, SoftDeleteMode, TimeMode},
    model::{FieldDef, FieldKind, IndexName, ModelDef, Serialized},
};

fn rstring(text: &str) -> TokenStream {
    quote!(::plugorm::plugin_api::types::Text::from(#text))
}

fn rsome(text: &str) -> TokenStream {
    let s = rstring(text);
    quote!(::plugorm::plugin_api::types::Optional::Some(#s))
}

fn time_tracking(variant: &str) -> TokenStream {
    let v = Ident::new(variant, Span::call_site());
    quote!(::plugorm::plugin_api::schema::TimeTracking::#v)
}

fn soft_delete(variant: &str) -> TokenStream {
    let v = Ident::new(variant, Span::call_site());
    quote!(::plugorm::plugin_api::schema::SoftDelete::#v)
}

/// `matches!(<data type>, <time-like types>)`.
pub(super) fn is_time(dt: &TokenStream) -> TokenStream {
    quote! {
        ::core::matches!(
            #dt,
            ::plugorm::plugin_api::schema::DataType::Timestamp
                | ::plugorm::plugin_api::schema::DataType::TimestampTz
                | ::plugorm::plugin_api::schema::DataType::Date
        )
    }
}

/// `matches!(<data type>, Int | UInt)`.
pub(super) fn is_integer(dt: &TokenStream) -> TokenStream {
    quote! {
        ::core::matches!(
            #dt,
            ::plugorm::plugin_api::schema::DataType::Int
                | ::plugorm::plugin_api::schema::DataType::UInt
        )
    }
}

/// Permission settings, as assignments on `f` (they also apply to embedded columns).
fn permissions(attrs: &FieldAttrs) -> TokenStream {
    let mut out = TokenStream::new();
    if attrs.readonly.is_some() {
        out.extend(quote!(f.creatable = false; f.updatable = false;));
    }
    if attrs.create_only.is_some() {
        out.extend(quote!(f.updatable = false;));
    }
    if attrs.update_only.is_some() {
        out.extend(quote!(f.creatable = false;));
    }
    if attrs.write_only.is_some() {
        out.extend(quote!(f.readable = false;));
    }
    if attrs.migration_only.is_some() {
        out.extend(quote!(f.readable = false; f.creatable = false; f.updatable = false;));
    }
    if attrs.skip_migration.is_some() {
        out.extend(quote!(f.migrate = false;));
    }
    out
}

/// The time-tracking value of `auto_create_time` / `auto_update_time`, or of the
/// `created_at` / `updated_at` convention when the attribute is absent.
fn tracking(mode: Option<TimeMode>, conventional: bool) -> Option<TokenStream> {
    let dt = quote!(f.data_type);
    let (int, time) = (is_integer(&dt), is_time(&dt));
    let (second, as_time, none) = (
        time_tracking("UnixSecond"),
        time_tracking("Time"),
        time_tracking("None"),
    );
    Some(match mode {
        Some(TimeMode::Off) => return None,
        Some(TimeMode::Auto) => quote!(if #int { #second } else { #as_time }),
        Some(TimeMode::Second) => second,
        Some(TimeMode::Milli) => time_tracking("UnixMilli"),
        Some(TimeMode::Nano) => time_tracking("UnixNano"),
        None if conventional => {
            quote!(if #int { #second } else if #time { #as_time } else { #none })
        }
        None => return None,
    })
}

fn column_field(f: &FieldDef, column: &str) -> TokenStream {
    let ty = &f.ty;
    let name = &f.name;
    let a = &f.attrs;
    let field_type = quote_spanned!(ty.span()=> <#ty as ::plugorm::FieldType>);
    let mut sets = TokenStream::new();
    if let Some(s) = &a.size {
        let v = s.value;
        sets.extend(quote!(f.size = #v;));
    }
    if let Some(s) = &a.precision {
        let v = s.value;
        sets.extend(quote!(f.precision = #v;));
    }
    if let Some(s) = &a.scale {
        let v = s.value;
        sets.extend(quote!(f.scale = #v;));
    }
    if let Some(s) = &a.sql_type {
        let v = rsome(&s.value);
        sets.extend(quote!(f.sql_type = #v;));
    }
    if a.primary_key.is_some() {
        sets.extend(quote!(f.primary_key = true;));
    }
    if let Some(s) = &a.auto_increment {
        let v = s.value;
        sets.extend(quote!(f.auto_increment = #v;));
    }
    if a.unique.is_some() {
        sets.extend(quote!(f.unique = true;));
    }
    if a.not_null.is_some() {
        sets.extend(quote!(f.not_null = true;));
    }
    for (slot, setting) in [
        ("default", &a.default),
        ("check", &a.check),
        ("comment", &a.comment),
    ] {
        if let Some(s) = setting {
            let slot = Ident::new(slot, Span::call_site());
            let v = rsome(&s.value);
            sets.extend(quote!(f.#slot = #v;));
        }
    }
    sets.extend(permissions(a));
    let created = tracking(
        a.auto_create_time.as_ref().map(|s| s.value),
        name == "created_at",
    );
    if let Some(t) = created {
        sets.extend(quote!(f.auto_create_time = #t;));
    }
    let updated = tracking(
        a.auto_update_time.as_ref().map(|s| s.value),
        name == "updated_at",
    );
    if let Some(t) = updated {
        sets.extend(quote!(f.auto_update_time = #t;));
    }
    if let Some(sd) = &a.soft_delete {
        let dt = quote!(f.data_type);
        let int = is_integer(&dt);
        let mode = match sd.value {
            SoftDeleteMode::Auto => {
                let (second, timestamp) = (soft_delete("UnixSecond"), soft_delete("Timestamp"));
                quote!(if #int { #second } else { #timestamp })
            }
            SoftDeleteMode::Timestamp => soft_delete("Timestamp"),
            SoftDeleteMode::Second => soft_delete("UnixSecond"),
            SoftDeleteMode::Milli => soft_delete("UnixMilli"),
            SoftDeleteMode::Nano => soft_delete("UnixNano"),
            SoftDeleteMode::Flag => soft_delete("Flag"),
        };
        sets.extend(quote!(f.soft_delete = #mode;));
    }
    if let Some(at) = &f.soft_delete_at_column {
        let v = rsome(at);
        sets.extend(quote!(f.soft_delete_at = #v;));
    }
    let (data_type, bits, nullable) = match f.serialized() {
        Some(s) => serialized_column_type(&s),
        None => (
            quote!(#field_type::DATA_TYPE),
            quote!(#field_type::BITS),
            quote!(#field_type::NULLABLE),
        ),
    };
    quote! {
        {
            let mut f = ::plugorm::plugin_api::schema::FieldSchema::new(
                #name,
                #column,
                #data_type,
            );
            f.bits = #bits;
            f.nullable = #nullable;
            #sets
            fields.push(f);
        }
    }
}

/// The column type of a serializer field unless `type = "…"` overrides it: text (GORM's
/// default for serializer fields, and what makes equality on canonical JSON text work on
/// every database), bytes for `binary`, and for `unixtime` an integer of seconds (a
/// date-time field) or a timestamp (an integer field, GORM's direction).
fn serialized_column_type(s: &Serialized<'_>) -> (TokenStream, TokenStream, TokenStream) {
    let data_type = |v: &str| {
        let v = Ident::new(v, Span::call_site());
        quote!(::plugorm::plugin_api::schema::DataType::#v)
    };
    let (dt, bits) = match s.name.to_lowercase().as_str() {
        "binary" => (data_type("Bytes"), 0u8),
        "unixtime" if s.inner_is_integer() => (data_type("Timestamp"), 0),
        "unixtime" => (data_type("Int"), 64),
        _ => (data_type("String"), 0),
    };
    let nullable = s.optional;
    (dt, quote!(#bits), quote!(#nullable))
}

fn embedded_fields(f: &FieldDef, prefix: &str) -> TokenStream {
    let ty = &f.ty;
    let name = &f.name;
    let embedded = quote_spanned!(ty.span()=> <#ty as ::plugorm::model::Embedded>);
    let perms = permissions(&f.attrs);
    let prefixing = if prefix.is_empty() {
        quote!()
    } else {
        quote! {
            f.column = ::std::convert::From::from(::std::format!("{}{}", #prefix, f.column));
            if let ::plugorm::plugin_api::types::Optional::Some(at) = &f.soft_delete_at {
                f.soft_delete_at = ::plugorm::plugin_api::types::Optional::Some(
                    ::std::convert::From::from(::std::format!("{}{}", #prefix, at)),
                );
            }
        }
    };
    quote! {
        for inner in #embedded::embedded_fields() {
            let mut f = ::core::clone::Clone::clone(inner);
            f.name = ::std::convert::From::from(::std::format!("{}.{}", #name, f.name));
            #prefixing
            #perms
            fields.push(f);
        }
    }
}

/// Statements pushing every field's schema onto `fields`, in declaration order.
pub(crate) fn push_fields(model: &ModelDef) -> TokenStream {
    model
        .fields
        .iter()
        .map(|f| match &f.kind {
            FieldKind::Column { column } => column_field(f, column),
            FieldKind::Embedded { prefix } => embedded_fields(f, prefix),
            FieldKind::Ignored | FieldKind::Relation { .. } => quote!(),
        })
        .collect()
}

/// GORM's primary-key rules, applied to the flattened fields: a field named or columned
/// `id` is the key when no other field is; the prioritized key (`id`, the only key, or the
/// auto-increment one of several) is auto-increment when it is an integer and its
/// `auto_increment` was not set explicitly.
pub(crate) fn primary_key_convention(model: &ModelDef) -> TokenStream {
    let explicit: Vec<&str> = model
        .fields
        .iter()
        .filter(|f| f.attrs.auto_increment.is_some())
        .filter_map(|f| f.column())
        .collect();
    let int = is_integer(&quote!(f.data_type));
    quote! {
        {
            let explicit_auto_increment: &[&str] = &[#(#explicit),*];
            let named_id = fields
                .iter()
                .position(|f| f.column.as_str() == "id" || f.name.as_str() == "id");
            let has_key = fields.iter().any(|f| f.primary_key);
            let prioritized = match named_id {
                ::core::option::Option::Some(i) if fields[i].primary_key || !has_key => {
                    fields[i].primary_key = true;
                    ::core::option::Option::Some(i)
                }
                _ => {
                    let keys: ::std::vec::Vec<usize> = fields
                        .iter()
                        .enumerate()
                        .filter(|(_, f)| f.primary_key)
                        .map(|(i, _)| i)
                        .collect();
                    if keys.len() == 1 {
                        ::core::option::Option::Some(keys[0])
                    } else {
                        keys.into_iter().find(|&i| fields[i].auto_increment)
                    }
                }
            };
            if let ::core::option::Option::Some(i) = prioritized {
                let f = &mut fields[i];
                if #int && !explicit_auto_increment.contains(&f.column.as_str()) {
                    f.auto_increment = true;
                }
            }
        }
    }
}

/// One `IndexSchema` expression per index (names generated against `table`).
pub(crate) fn indexes(model: &ModelDef) -> Vec<TokenStream> {
    model
        .indexes
        .iter()
        .map(|ix| {
            let name = match &ix.name {
                IndexName::Explicit(n) => rstring(n),
                IndexName::Generated(suffix) => quote! {
                    ::plugorm::plugin_api::types::Text::from(
                        ::plugorm::plugin_api::render::ddl::format_name("idx", table, #suffix, 64),
                    )
                },
            };
            let unique = ix.unique;
            let columns = ix.members.iter().map(|m| {
                let column = rstring(&m.column);
                let sort = rstring(&m.sort);
                let length = m.length;
                quote! {
                    ::plugorm::plugin_api::schema::IndexColumn {
                        column: #column,
                        sort: #sort,
                        length: #length,
                    }
                }
            });
            let (kind, condition, comment) = (
                rstring(&ix.kind),
                rstring(&ix.condition),
                rstring(&ix.comment),
            );
            quote! {
                ::plugorm::plugin_api::schema::IndexSchema {
                    name: #name,
                    unique: #unique,
                    columns: ::std::convert::From::from(::std::vec![#(#columns),*]),
                    kind: #kind,
                    condition: #condition,
                    comment: #comment,
                }
            }
        })
        .collect()
}
