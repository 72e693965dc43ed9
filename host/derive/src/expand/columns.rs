//! Typed column handles: `pub const AGE: Column<User, i32>` for every column field.

use proc_macro2::TokenStream;
use quote::{format_ident, quote, quote_spanned};
use syn::spanned::Spanned;

use crate::{model::ModelDef, naming::upper_snake_case};

pub(crate) fn handles(model: &ModelDef) -> TokenStream {
    let ident = &model.ident;
    let table = &model.table;
    let consts: Vec<TokenStream> = model
        .fields
        .iter()
        .filter_map(|f| {
            let column = f.column()?;
            let ty = &f.ty;
            let name = format_ident!("{}", upper_snake_case(&f.name), span = f.ident.span());
            let doc = format!("The column `{table}.{column}` (field `{}`).", f.name);
            if let Some(s) = f.serialized() {
                let (spec, encode) = (s.spec(f), s.encoder());
                return Some(quote! {
                    #[doc = #doc]
                    pub const #name: ::plugorm::serializer::SerializedColumn<#ident, #ty> =
                        ::plugorm::serializer::SerializedColumn::new(#column, *#spec, #encode);
                });
            }
            Some(quote_spanned! {ty.span()=>
                #[doc = #doc]
                pub const #name: ::plugorm::model::Column<#ident, #ty> =
                    ::plugorm::model::Column::new(#column);
            })
        })
        .collect();
    if consts.is_empty() {
        return quote!();
    }
    // Unused handles of a private model must not warn: they exist for whoever needs them.
    quote! {
        #[automatically_derived]
        #[allow(dead_code)]
        impl #ident {
            #(#consts)*
        }
    }
}
