//! Code generation: the `Embedded` and `Model` impls, the empty `Hooks` impl, compile-time
//! checks of field types, and the typed column handles.

mod access;
mod checks;
mod columns;
mod relations;
mod schema;

use proc_macro2::TokenStream;
use quote::quote;
use syn::DeriveInput;

use crate::model::ModelDef;

pub(crate) fn derive_model(input: &DeriveInput) -> syn::Result<TokenStream> {
    let model = ModelDef::analyse(input)?;
    let ident = &model.ident;
    let type_name = ident.to_string();
    let table = &model.table;
    let push_fields = schema::push_fields(&model);
    let conventions = schema::primary_key_convention(&model);
    let indexes = schema::indexes(&model);
    let new_default = access::new_default(&model);
    let value_at = access::value_at(&model);
    let try_value_at = access::try_value_at(&model);
    let serialized_fields = access::serialized_fields(&model);
    // Only a model that may hold serializer fields (its own or an embedded struct's)
    // records them for the host's check.
    let mark = if model.fields.iter().any(|f| {
        f.serialized().is_some() || matches!(f.kind, crate::model::FieldKind::Embedded { .. })
    }) {
        quote! {
            static MARKED: ::std::sync::Once = ::std::sync::Once::new();
            MARKED.call_once(|| {
                ::plugorm::serializer::mark_schema(
                    schema,
                    <Self as ::plugorm::model::Embedded>::serialized_fields(),
                )
            });
        }
    } else {
        quote!()
    };
    let is_zero_at = access::is_zero_at(&model);
    let set_at = access::set_at(&model);
    let checks = checks::field_type_checks(&model);
    let handles = columns::handles(&model);
    let relations = relations::relations(&model);
    let hooks = if model.hooks {
        quote!()
    } else {
        quote! {
            #[automatically_derived]
            impl ::plugorm::Hooks for #ident {}
        }
    };
    Ok(quote! {
        const _: () = {
            #checks

            #[automatically_derived]
            impl ::plugorm::model::Embedded for #ident {
                fn embedded_fields() -> &'static [::plugorm::plugin_api::schema::FieldSchema] {
                    static FIELDS: ::std::sync::OnceLock<
                        ::std::vec::Vec<::plugorm::plugin_api::schema::FieldSchema>,
                    > = ::std::sync::OnceLock::new();
                    FIELDS.get_or_init(|| {
                        let mut fields: ::std::vec::Vec<::plugorm::plugin_api::schema::FieldSchema> =
                            ::std::vec::Vec::new();
                        #push_fields
                        fields
                    })
                }
                fn new_default() -> Self {
                    #new_default
                }
                fn value_at(&self, index: usize) -> ::plugorm::Value {
                    #value_at
                }
                fn try_value_at(&self, index: usize) -> ::plugorm::Result<::plugorm::Value> {
                    #try_value_at
                }
                fn serialized_fields() -> ::std::vec::Vec<::plugorm::serializer::Mark> {
                    #serialized_fields
                }
                fn is_zero_at(&self, index: usize) -> bool {
                    #is_zero_at
                }
                fn set_at(
                    &mut self,
                    index: usize,
                    cell: ::plugorm::plugin_api::Cell<'_>,
                ) -> ::std::result::Result<(), ::plugorm::plugin_api::row::DecodeError> {
                    #set_at
                }
            }

            #[automatically_derived]
            impl ::plugorm::Model for #ident {
                fn schema() -> &'static ::plugorm::plugin_api::schema::ModelSchema {
                    static SCHEMA: ::std::sync::OnceLock<::plugorm::plugin_api::schema::ModelSchema> =
                        ::std::sync::OnceLock::new();
                    let schema = SCHEMA.get_or_init(|| {
                        let mut fields = <Self as ::plugorm::model::Embedded>::embedded_fields().to_vec();
                        #conventions
                        let table: &str = #table;
                        let indexes: ::std::vec::Vec<::plugorm::plugin_api::schema::IndexSchema> =
                            ::std::vec![#(#indexes),*];
                        ::plugorm::plugin_api::schema::ModelSchema {
                            name: ::std::convert::From::from(#type_name),
                            table: ::std::convert::From::from(table),
                            fields: ::std::convert::From::from(fields),
                            indexes: ::std::convert::From::from(indexes),
                        }
                    });
                    #mark
                    schema
                }
                #[inline]
                fn new_default() -> Self {
                    <Self as ::plugorm::model::Embedded>::new_default()
                }
                #relations
                #[inline]
                fn value_at(&self, index: usize) -> ::plugorm::Value {
                    <Self as ::plugorm::model::Embedded>::value_at(self, index)
                }
                #[inline]
                fn try_value_at(&self, index: usize) -> ::plugorm::Result<::plugorm::Value> {
                    <Self as ::plugorm::model::Embedded>::try_value_at(self, index)
                }
                #[inline]
                fn is_zero_at(&self, index: usize) -> bool {
                    <Self as ::plugorm::model::Embedded>::is_zero_at(self, index)
                }
                #[inline]
                fn set_at(
                    &mut self,
                    index: usize,
                    cell: ::plugorm::plugin_api::Cell<'_>,
                ) -> ::std::result::Result<(), ::plugorm::plugin_api::row::DecodeError> {
                    <Self as ::plugorm::model::Embedded>::set_at(self, index, cell)
                }
            }

            #hooks
        };

        #handles
    })
}
