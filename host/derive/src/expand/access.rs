//! Field access by schema index: `new_default`, `value_at`, `is_zero_at`, `set_at`.
//!
//! Without embedded fields each is one `match` on the index. With them, the fields form
//! segments — runs of plain columns and embedded structs, whose width is known only at
//! run time — walked in order, each taking its share of the index.

use proc_macro2::TokenStream;
use quote::{quote, quote_spanned};
use syn::spanned::Spanned;

use crate::model::{FieldDef, FieldKind, ModelDef};

enum Segment<'a> {
    Columns(Vec<&'a FieldDef>),
    Embedded(&'a FieldDef),
}

fn segments(model: &ModelDef) -> Vec<Segment<'_>> {
    let mut out: Vec<Segment<'_>> = Vec::new();
    for f in &model.fields {
        match &f.kind {
            FieldKind::Column { .. } => match out.last_mut() {
                Some(Segment::Columns(list)) => list.push(f),
                _ => out.push(Segment::Columns(vec![f])),
            },
            FieldKind::Embedded { .. } => out.push(Segment::Embedded(f)),
            FieldKind::Ignored | FieldKind::Relation { .. } => {}
        }
    }
    out
}

/// How one accessor reads a plain column, delegates to an embedded struct, and what it
/// returns for an index past the last field.
struct Accessor {
    column: fn(&FieldDef) -> TokenStream,
    embedded: fn(&FieldDef) -> TokenStream,
    fallback: TokenStream,
    /// Parameters to mark used when the struct has no column at all.
    params: TokenStream,
}

fn body(model: &ModelDef, acc: &Accessor) -> TokenStream {
    let segs = segments(model);
    let fallback = &acc.fallback;
    if segs.is_empty() {
        let params = &acc.params;
        return quote! { let _ = #params; #fallback };
    }
    if let [Segment::Columns(cols)] = segs.as_slice() {
        let arms = cols.iter().enumerate().map(|(i, f)| {
            let e = (acc.column)(f);
            quote!(#i => #e,)
        });
        return quote! {
            match index {
                #(#arms)*
                _ => #fallback,
            }
        };
    }
    let last = segs.len() - 1;
    let steps = segs.iter().enumerate().map(|(n, seg)| {
        let advance = n < last;
        match seg {
            Segment::Columns(cols) => {
                let arms = cols.iter().enumerate().map(|(i, f)| {
                    let e = (acc.column)(f);
                    quote!(#i => return #e,)
                });
                let width = cols.len();
                let skip = if advance {
                    quote!(index -= #width;)
                } else {
                    quote!()
                };
                quote! {
                    match index {
                        #(#arms)*
                        _ => {}
                    }
                    #skip
                }
            }
            Segment::Embedded(f) => {
                let ty = &f.ty;
                let e = (acc.embedded)(f);
                let skip = if advance {
                    quote!(index -= width;)
                } else {
                    quote!()
                };
                quote! {
                    let width = <#ty as ::plugorm::model::Embedded>::embedded_fields().len();
                    if index < width {
                        return #e;
                    }
                    #skip
                }
            }
        }
    });
    // A lone embedded struct takes the index as it is.
    let binding = if last > 0 {
        quote!(let mut index = index;)
    } else {
        quote!()
    };
    quote! {
        #binding
        #(#steps)*
        #fallback
    }
}

/// A column field's value: through its serializer, or its `FieldType`; wrapped in `Ok`
/// for the fallible accessor, an encoding failure read as NULL for the infallible one.
fn column_value(f: &FieldDef, fallible: bool) -> TokenStream {
    let ident = &f.ident;
    match (f.serialized(), fallible) {
        (Some(s), true) => s.encode_field(f),
        (Some(s), false) => {
            let encoded = s.encode_field(f);
            quote!(::plugorm::serializer::value_or_null(#encoded))
        }
        (None, true) => quote_spanned!(f.ty.span()=>
            ::core::result::Result::Ok(::plugorm::FieldType::to_value(&self.#ident))),
        (None, false) => {
            quote_spanned!(f.ty.span()=> ::plugorm::FieldType::to_value(&self.#ident))
        }
    }
}

pub(crate) fn value_at(model: &ModelDef) -> TokenStream {
    body(
        model,
        &Accessor {
            column: |f| column_value(f, false),
            embedded: |f| {
                let (ident, ty) = (&f.ident, &f.ty);
                quote!(<#ty as ::plugorm::model::Embedded>::value_at(&self.#ident, index))
            },
            fallback: quote!(::plugorm::Value::Null),
            params: quote!(index),
        },
    )
}

pub(crate) fn try_value_at(model: &ModelDef) -> TokenStream {
    body(
        model,
        &Accessor {
            column: |f| column_value(f, true),
            embedded: |f| {
                let (ident, ty) = (&f.ident, &f.ty);
                quote!(<#ty as ::plugorm::model::Embedded>::try_value_at(&self.#ident, index))
            },
            fallback: quote!(::core::result::Result::Ok(::plugorm::Value::Null)),
            params: quote!(index),
        },
    )
}

pub(crate) fn is_zero_at(model: &ModelDef) -> TokenStream {
    body(
        model,
        &Accessor {
            column: |f| {
                let ident = &f.ident;
                match f.serialized() {
                    Some(s) if s.optional => {
                        quote!(::plugorm::serializer::is_zero_option(&self.#ident))
                    }
                    Some(_) => quote!(::plugorm::serializer::is_zero(&self.#ident)),
                    None => {
                        quote_spanned!(f.ty.span()=> ::plugorm::FieldType::is_zero(&self.#ident))
                    }
                }
            },
            embedded: |f| {
                let (ident, ty) = (&f.ident, &f.ty);
                quote!(<#ty as ::plugorm::model::Embedded>::is_zero_at(&self.#ident, index))
            },
            fallback: quote!(true),
            params: quote!(index),
        },
    )
}

pub(crate) fn set_at(model: &ModelDef) -> TokenStream {
    body(
        model,
        &Accessor {
            column: |f| {
                let (ident, ty) = (&f.ident, &f.ty);
                let from_cell = match f.serialized() {
                    Some(s) => {
                        let (spec, inner) = (s.spec(f), s.inner);
                        let decode = if s.optional {
                            quote!(::plugorm::serializer::decode_option::<#inner>)
                        } else {
                            quote!(::plugorm::serializer::decode::<#inner>)
                        };
                        quote!(#decode(#spec, cell))
                    }
                    None => {
                        quote_spanned!(ty.span()=> <#ty as ::plugorm::FieldType>::from_cell(cell))
                    }
                };
                quote!({
                    self.#ident = #from_cell?;
                    ::core::result::Result::Ok(())
                })
            },
            embedded: |f| {
                let (ident, ty) = (&f.ident, &f.ty);
                quote!(<#ty as ::plugorm::model::Embedded>::set_at(&mut self.#ident, index, cell))
            },
            fallback: quote!(::core::result::Result::Ok(())),
            params: quote!((index, cell)),
        },
    )
}

/// The serializer fields, embedded ones as `outer.inner` (the host's marker of which
/// fields a serializer encodes).
pub(crate) fn serialized_fields(model: &ModelDef) -> TokenStream {
    let parts = model
        .fields
        .iter()
        .filter_map(|f| match (&f.kind, f.serialized()) {
            (_, Some(s)) => {
                let (field, name) = (&f.name, s.name);
                Some(quote! {
                    marks.push(::plugorm::serializer::Mark {
                        field: ::std::string::String::from(#field),
                        serializer: #name,
                    });
                })
            }
            (FieldKind::Embedded { .. }, None) => {
                let (ty, outer) = (&f.ty, format!("{}.", f.name));
                Some(quote! {
                    for mut m in <#ty as ::plugorm::model::Embedded>::serialized_fields() {
                        m.field.insert_str(0, #outer);
                        marks.push(m);
                    }
                })
            }
            _ => None,
        });
    quote! {
        #[allow(unused_mut)]
        let mut marks: ::std::vec::Vec<::plugorm::serializer::Mark> = ::std::vec::Vec::new();
        #(#parts)*
        marks
    }
}

/// `Self { field: <default>, … }`: columns and ignored fields at `Default`, embedded
/// structs at their `Embedded::new_default`.
pub(crate) fn new_default(model: &ModelDef) -> TokenStream {
    let inits = model.fields.iter().map(|f| {
        let (ident, ty) = (&f.ident, &f.ty);
        match f.kind {
            FieldKind::Embedded { .. } => quote_spanned! {ty.span()=>
                #ident: <#ty as ::plugorm::model::Embedded>::new_default()
            },
            _ => quote_spanned!(ty.span()=> #ident: <#ty as ::core::default::Default>::default()),
        }
    });
    quote!(Self { #(#inits),* })
}
