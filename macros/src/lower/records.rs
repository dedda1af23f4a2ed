//! Structs and unions, and the `repr` and `derive` attributes.

use std::collections::HashSet;

use ffm_extract::ir::{Field, ItemKind, Record, RecordKind};
use quote::{ToTokens, quote};
use syn::punctuated::Punctuated;
use syn::{Attribute, Ident, Meta, Token};

use super::{Lower, name_of, split_docs};
use crate::errors::Msg;
use crate::types::Pos;

impl Lower {
    pub(super) fn record<'f>(
        &mut self,
        attrs: &[Attribute],
        ident: &Ident,
        generics: &syn::Generics,
        fields: impl Iterator<Item = &'f syn::Field>,
        kind: RecordKind,
    ) {
        let kind_name = match kind {
            RecordKind::Struct => "struct",
            RecordKind::Union => "union",
        };
        let (_, attrs) = self.inner_args(attrs, false);
        let attrs: Vec<Attribute> = attrs.into_iter().cloned().collect();
        let (docs, rest) = split_docs(&attrs, &mut self.errors);
        if !generics.params.is_empty() || generics.where_clause.is_some() {
            self.errors.push(generics, Msg::Generics);
        }
        let mut repr_c = false;
        let mut pack = None;
        let mut align = None;
        let mut kept = Vec::new();
        for attr in rest {
            if attr.path().is_ident("repr") {
                for meta in self.list(attr) {
                    match &meta {
                        Meta::Path(p) if p.is_ident("C") => repr_c = true,
                        Meta::Path(p) if p.is_ident("packed") => pack = Some(1),
                        Meta::List(l) if l.path.is_ident("packed") => pack = self.power_of_two(l),
                        Meta::List(l) if l.path.is_ident("align") => align = self.power_of_two(l),
                        other => {
                            let text = other.to_token_stream().to_string().replace(' ', "");
                            self.errors.push(other, Msg::BadRepr(text));
                        }
                    }
                }
            } else if attr.path().is_ident("derive") {
                // The emitter derives Clone and Copy (and Debug, implemented by hand for
                // unions): drop those, keep the rest.
                let keep: Vec<syn::Path> = self
                    .derives(attr)
                    .into_iter()
                    .filter(|p| {
                        !p.segments.last().is_some_and(|s| {
                            s.ident == "Clone" || s.ident == "Copy" || s.ident == "Debug"
                        })
                    })
                    .collect();
                if !keep.is_empty() {
                    kept.push(quote!(#[derive(#(#keep),*)]).to_string());
                }
            } else {
                kept.push(attr.to_token_stream().to_string());
            }
        }
        if !repr_c {
            self.errors.push(ident, Msg::NotReprC(kind_name));
        }

        let mut ir_fields = Vec::new();
        let mut field_names = HashSet::new();
        let mut ok = true;
        for f in fields {
            let Some(fident) = &f.ident else { continue };
            let (fdocs, frest) = split_docs(&f.attrs, &mut self.errors);
            for a in frest {
                self.errors.push(a, Msg::UnknownAttr("a field"));
            }
            let fname = name_of(fident);
            if !field_names.insert(fname.clone()) {
                self.errors
                    .push(fident, Msg::DuplicateMember(fname.clone()));
            }
            match self.lower_type(&f.ty, Pos::Field) {
                Some(ty) => ir_fields.push(Field {
                    name: fname,
                    ty,
                    docs: fdocs,
                    bitfields: Vec::new(),
                    hidden: false,
                    anonymous: false,
                }),
                None => ok = false,
            }
        }
        let name = name_of(ident);
        self.declare(&name, ident);
        if ok {
            self.push(
                name,
                ident.span(),
                docs,
                ItemKind::Record(Record {
                    kind,
                    fields: ir_fields,
                    pack,
                    align,
                    layout: None,
                    attrs: kept,
                }),
            );
        }
    }

    /// The items of `#[name(a, b(1), …)]`.
    pub(super) fn list(&mut self, attr: &Attribute) -> Vec<Meta> {
        match attr.parse_args_with(Punctuated::<Meta, Token![,]>::parse_terminated) {
            Ok(items) => items.into_iter().collect(),
            Err(e) => {
                self.errors.add(e);
                Vec::new()
            }
        }
    }

    /// The paths of `#[derive(A, b::C)]`.
    pub(super) fn derives(&mut self, attr: &Attribute) -> Vec<syn::Path> {
        match attr.parse_args_with(Punctuated::<syn::Path, Token![,]>::parse_terminated) {
            Ok(items) => items.into_iter().collect(),
            Err(e) => {
                self.errors.add(e);
                Vec::new()
            }
        }
    }

    /// The `N` of `packed(N)` / `align(N)`.
    fn power_of_two(&mut self, list: &syn::MetaList) -> Option<usize> {
        let n = list
            .parse_args::<syn::LitInt>()
            .ok()
            .and_then(|n| n.base10_parse::<usize>().ok())
            .filter(|n| n.is_power_of_two());
        if n.is_none() {
            self.errors.push(&list.tokens, Msg::ReprValue);
        }
        n
    }
}
