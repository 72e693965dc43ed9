//! `Model::relations`: one `plugorm::relation::Relation` per relation field, holding what
//! the field declares (kind, keys, join table, polymorphism — GORM's conventions fill the
//! rest at run time) and typed accessors to the related values.

use proc_macro2::TokenStream;
use quote::{quote, quote_spanned};
use syn::spanned::Spanned;

use crate::{
    attr::{DeclaredKind, Setting},
    model::{FieldDef, FieldKind, ModelDef, Shape},
};

/// `&["a", "b"]` from GORM's comma list `"a,b"`.
fn list(s: &Option<Setting<String>>) -> TokenStream {
    let items: Vec<String> = s
        .as_ref()
        .map(|s| {
            s.value
                .split(',')
                .map(|p| p.trim().to_string())
                .filter(|p| !p.is_empty())
                .collect()
        })
        .unwrap_or_default();
    quote!(&[#(#items),*])
}

fn opt(s: &Option<Setting<String>>) -> TokenStream {
    match s {
        Some(s) => {
            let v = &s.value;
            quote!(::core::option::Option::Some(#v))
        }
        None => quote!(::core::option::Option::None),
    }
}

fn one(f: &FieldDef, model: &ModelDef, shape: Shape, target: &syn::Type) -> TokenStream {
    let owner = &model.ident;
    let ident = &f.ident;
    let name = &f.name;
    let r = &f.attrs.relation;
    let kind = match r.kind.as_ref().map(|k| k.value) {
        Some(DeclaredKind::BelongsTo) => quote!(::core::option::Option::Some(
            ::plugorm::relation::RelationKind::BelongsTo
        )),
        Some(DeclaredKind::HasOne) => quote!(::core::option::Option::Some(
            ::plugorm::relation::RelationKind::HasOne
        )),
        Some(DeclaredKind::HasMany) => quote!(::core::option::Option::Some(
            ::plugorm::relation::RelationKind::HasMany
        )),
        Some(DeclaredKind::ManyToMany) => quote!(::core::option::Option::Some(
            ::plugorm::relation::RelationKind::ManyToMany
        )),
        None => quote!(::core::option::Option::None),
    };
    let many = shape == Shape::Many;
    let foreign_key = list(&r.foreign_key);
    let references = list(&r.references);
    let join_foreign_key = list(&r.join_foreign_key);
    let join_references = list(&r.join_references);
    let join_table = opt(&r.join_table);
    let polymorphic = opt(&r.polymorphic);
    let polymorphic_type = opt(&r.polymorphic_type);
    let polymorphic_id = opt(&r.polymorphic_id);
    let polymorphic_value = opt(&r.polymorphic_value);
    let on_delete = opt(&r.on_delete);
    let on_update = opt(&r.on_update);
    let constraint = r.no_constraint.is_none();
    let (get, get_mut, set) = match shape {
        Shape::Many => (
            quote!(&m.#ident[..]),
            quote!(&mut m.#ident[..]),
            quote!(m.#ident = v),
        ),
        Shape::Optional => (
            quote!(m.#ident.as_slice()),
            quote!(m.#ident.as_mut_slice()),
            quote!(m.#ident = ::core::iter::IntoIterator::into_iter(v).next()),
        ),
        Shape::OptionalBox => (
            quote!(m.#ident.as_deref().map_or(&[], ::core::slice::from_ref)),
            quote!(m.#ident.as_deref_mut().map_or(&mut [], ::core::slice::from_mut)),
            quote!(
                m.#ident = ::core::iter::IntoIterator::into_iter(v)
                    .next()
                    .map(::std::boxed::Box::new)
            ),
        ),
        Shape::Boxed => (
            quote!(::core::slice::from_ref(&*m.#ident)),
            quote!(::core::slice::from_mut(&mut *m.#ident)),
            quote!(
                m.#ident = ::std::boxed::Box::new(
                    ::core::iter::IntoIterator::into_iter(v)
                        .next()
                        .unwrap_or_else(<#target as ::plugorm::Model>::new_default),
                )
            ),
        ),
        Shape::Bare => (
            quote!(::core::slice::from_ref(&m.#ident)),
            quote!(::core::slice::from_mut(&mut m.#ident)),
            quote!(
                m.#ident = ::core::iter::IntoIterator::into_iter(v)
                    .next()
                    .unwrap_or_else(<#target as ::plugorm::Model>::new_default)
            ),
        ),
    };
    let join_model = match (&r.join_model, &r.join_table) {
        (Some(j), Some(_)) => {
            let ty = &j.value;
            quote!(.with_join_model::<#ty>())
        }
        _ => quote!(),
    };
    let relation = quote_spanned! {target.span()=>
        ::plugorm::relation::Relation::new::<#target>(
            ::plugorm::relation::RelationDecl {
                field: #name,
                kind: #kind,
                many: #many,
                foreign_key: #foreign_key,
                references: #references,
                join_table: #join_table,
                join_foreign_key: #join_foreign_key,
                join_references: #join_references,
                polymorphic: #polymorphic,
                polymorphic_type: #polymorphic_type,
                polymorphic_id: #polymorphic_id,
                polymorphic_value: #polymorphic_value,
                on_delete: #on_delete,
                on_update: #on_update,
                constraint: #constraint,
            },
            ::plugorm::relation::Access::<#owner, #target> {
                get: |m: &#owner| -> &[#target] { #get },
                get_mut: |m: &mut #owner| -> &mut [#target] { #get_mut },
                set: |m: &mut #owner, v: ::std::vec::Vec<#target>| { #set; },
            },
        )#join_model
    };
    match (&r.join_model, &r.join_table) {
        (Some(j), None) => quote_spanned! {j.span=>
            {
                ::core::compile_error!("`join_model` goes with `many_to_many = \"join_table\"`");
                #relation
            }
        },
        _ => relation,
    }
}

/// The `relations()` method of the `Model` impl (nothing when the struct has none: the
/// trait's default returns an empty list).
pub(crate) fn relations(model: &ModelDef) -> TokenStream {
    let owner = &model.ident;
    let each: Vec<TokenStream> = model
        .fields
        .iter()
        .filter_map(|f| match &f.kind {
            FieldKind::Relation { shape, target } => Some(one(f, model, *shape, target)),
            _ => None,
        })
        .collect();
    if each.is_empty() {
        return quote!();
    }
    quote! {
        fn relations() -> &'static [::plugorm::relation::Relation<Self>] {
            static RELATIONS: ::std::sync::OnceLock<
                ::std::vec::Vec<::plugorm::relation::Relation<#owner>>,
            > = ::std::sync::OnceLock::new();
            RELATIONS.get_or_init(|| ::std::vec![#(#each),*])
        }
    }
}
