//! The pipeline: attribute arguments and item (syn) → IR → the shared emitter → tokens.

use ffm_extract::emit::{EmitOptions, emit};
use proc_macro2::TokenStream;
use quote::{ToTokens, quote};
use syn::AttrStyle;

use crate::attrs::{self, Args};
use crate::errors::Msg;
use crate::lower::{Lower, Lowered};

/// Expands `#[foreign(attr)] item`, or returns every error found.
pub(crate) fn expand(attr: TokenStream, item: TokenStream) -> syn::Result<TokenStream> {
    let mut lower = Lower::default();
    let args = Args::parse(attr, &mut lower.errors);
    let item: syn::Item = match syn::parse2(item) {
        Ok(item) => item,
        Err(e) => {
            lower.errors.add(e);
            return Err(lower.errors.into_error());
        }
    };
    let krate = match &args.krate {
        Some((_, path)) => path.to_token_stream(),
        None => quote!(::ffm),
    };
    match &item {
        syn::Item::Mod(m) => {
            let Some((_, items)) = &m.content else {
                let (md, id) = (&m.mod_token, &m.ident);
                lower.errors.push(quote!(#md #id), Msg::ModWithoutBody);
                return Err(lower.errors.into_error());
            };
            for item in items {
                lower.item(item, &args, true);
            }
            let body = emit_unit(lower.finish()?, krate)?;
            let kept = items.iter().filter(|i| matches!(i, syn::Item::Use(_)));
            let (inner, outer): (Vec<_>, Vec<_>) = m
                .attrs
                .iter()
                .filter(|a| !attrs::is_foreign(a))
                .partition(|a| matches!(a.style, AttrStyle::Inner(_)));
            let (vis, md, id) = (&m.vis, &m.mod_token, &m.ident);
            Ok(quote! {
                #(#outer)*
                #vis #md #id {
                    #(#inner)*
                    #(#kept)*
                    #body
                }
            })
        }
        other => {
            lower.item(other, &args, false);
            emit_unit(lower.finish()?, krate)
        }
    }
}

/// Emits the unit and adds the assertion that the scalar types as written are the ones the
/// bindings use.
fn emit_unit(lowered: Lowered, krate: TokenStream) -> syn::Result<TokenStream> {
    let tokens = emit(&lowered.unit, &EmitOptions { crate_path: krate });
    let check = lowered.uses.check();
    Ok(quote!(#tokens #check))
}
