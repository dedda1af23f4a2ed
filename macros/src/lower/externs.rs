//! Extern blocks: functions, statics and opaque types.

use std::collections::HashSet;

use ffm_extract::ir::{ExternBlock, Function, Global, ItemKind, Opaque, Param, Signature};
use syn::ext::IdentExt;
use syn::parse::{Parse, ParseStream};
use syn::{Attribute, Expr, ExprLit, FnArg, ForeignItem, Ident, Lit, Meta, Pat, Token};

use super::{Lower, name_of, origin, split_docs};
use crate::attrs::Args;
use crate::errors::Msg;
use crate::types::Pos;

/// A declaration in an extern block, whichever way syn parsed it.
enum Decl {
    Fn {
        attrs: Vec<Attribute>,
        safe: bool,
        sig: syn::Signature,
        body: Option<syn::Block>,
    },
    Static {
        attrs: Vec<Attribute>,
        mutability: bool,
        ident: Ident,
        ty: syn::Type,
        init: Option<Expr>,
    },
}

impl Parse for Decl {
    /// `[safe|unsafe] fn …;` or `[safe|unsafe] static [mut] X: T;` (which syn keeps verbatim).
    fn parse(input: ParseStream) -> syn::Result<Self> {
        let attrs = input.call(Attribute::parse_outer)?;
        let _: syn::Visibility = input.parse()?;
        let mut safe = false;
        if input.peek(Ident) && input.fork().parse::<Ident>()? == "safe" {
            input.parse::<Ident>()?;
            safe = true;
        } else if input.peek(Token![unsafe]) && input.peek2(Token![static]) {
            input.parse::<Token![unsafe]>()?;
        }
        if input.peek(Token![static]) {
            input.parse::<Token![static]>()?;
            let mutability = input.parse::<Option<Token![mut]>>()?.is_some();
            let ident = input.call(Ident::parse_any)?;
            input.parse::<Token![:]>()?;
            let ty = input.parse()?;
            let init = if input.parse::<Option<Token![=]>>()?.is_some() {
                Some(input.parse()?)
            } else {
                None
            };
            input.parse::<Token![;]>()?;
            return Ok(Decl::Static {
                attrs,
                mutability,
                ident,
                ty,
                init,
            });
        }
        let sig: syn::Signature = input.parse()?;
        let body = if input.peek(syn::token::Brace) {
            Some(input.parse()?)
        } else {
            input.parse::<Token![;]>()?;
            None
        };
        Ok(Decl::Fn {
            attrs,
            safe,
            sig,
            body,
        })
    }
}

impl Lower {
    pub(super) fn extern_block(&mut self, m: &syn::ItemForeignMod, outer: &Args) {
        let (inner, attrs) = self.inner_args(&m.attrs, true);
        let args = match &inner {
            Some(a) if a.has_binding() => a,
            _ => outer,
        };
        if m.unsafety.is_none() {
            self.errors.push(&m.abi, Msg::NotUnsafeExtern);
        }
        if let Some(abi) = &m.abi.name
            && abi.value() != "C"
        {
            self.errors.push(&m.abi, Msg::NonCAbi(abi.value()));
        }
        let attrs: Vec<Attribute> = attrs.into_iter().cloned().collect();
        let (docs, rest) = split_docs(&attrs, &mut self.errors);
        for a in rest {
            self.errors.push(a, Msg::UnknownAttr("an extern block"));
        }

        let mut functions = Vec::new();
        let mut globals = Vec::new();
        let mut seen_types = Vec::new();
        for fi in &m.items {
            let decl = match fi {
                ForeignItem::Fn(f) => Decl::Fn {
                    attrs: f.attrs.clone(),
                    safe: false,
                    sig: f.sig.clone(),
                    body: None,
                },
                ForeignItem::Static(s) => Decl::Static {
                    attrs: s.attrs.clone(),
                    mutability: matches!(s.mutability, syn::StaticMutability::Mut(_)),
                    ident: s.ident.clone(),
                    ty: (*s.ty).clone(),
                    init: None,
                },
                ForeignItem::Type(t) => {
                    seen_types.push(t.clone());
                    continue;
                }
                ForeignItem::Verbatim(tokens) => match syn::parse2::<Decl>(tokens.clone()) {
                    Ok(d) => d,
                    Err(e) => {
                        self.errors.add(e);
                        continue;
                    }
                },
                ForeignItem::Macro(mac) => {
                    self.errors
                        .push(&mac.mac, Msg::UnsupportedItem("a macro invocation"));
                    continue;
                }
                other => {
                    self.errors.push(other, Msg::UnsupportedItem("this item"));
                    continue;
                }
            };
            match decl {
                Decl::Fn {
                    attrs,
                    safe,
                    sig,
                    body,
                } => {
                    if body.is_some() {
                        self.errors.push(&sig, Msg::FnWithBody);
                        continue;
                    }
                    if let Some(f) = self.function(&attrs, &sig, safe) {
                        functions.push(f);
                    }
                }
                Decl::Static {
                    attrs,
                    mutability,
                    ident,
                    ty,
                    init,
                } => {
                    if let Some(init) = init {
                        self.errors.push(init, Msg::StaticInit);
                    }
                    if let Some(g) = self.global(&attrs, &ident, &ty, !mutability) {
                        globals.push(g);
                    }
                }
            }
        }

        // Opaque types declared in the block (`type sqlite3;`).
        for t in seen_types {
            let (docs, rest) = split_docs(&t.attrs, &mut self.errors);
            for a in rest {
                self.errors.push(a, Msg::UnknownAttr("an opaque type"));
            }
            if !t.generics.params.is_empty() {
                self.errors.push(&t.generics, Msg::Generics);
            }
            let name = name_of(&t.ident);
            self.declare(&name, &t.ident);
            self.push(
                name,
                t.ident.span(),
                docs,
                ItemKind::Opaque(Opaque {
                    size_align: None,
                    reason: None,
                }),
            );
        }

        let (binding, handle) = args.binding();
        if let Some((index, existing)) = self.handles.get(&handle).cloned() {
            if existing == binding {
                // Another block with the same libraries: one handle, one extern item.
                if let ItemKind::Extern(block) = &mut self.unit.items[index].kind {
                    block.functions.extend(functions);
                    block.globals.extend(globals);
                }
                self.unit.items[index].docs.extend(docs);
                return;
            }
            self.errors.push(&m.abi, Msg::Duplicate(handle));
            return;
        }
        self.declare(&handle, &m.abi);
        self.handles
            .insert(handle.clone(), (self.unit.items.len(), binding.clone()));
        self.push(
            handle,
            m.abi.extern_token.span,
            docs,
            ItemKind::Extern(ExternBlock {
                binding,
                functions,
                globals,
            }),
        );
    }

    /// Doc comments and `#[link_name]`; reports any other attribute.
    fn decl_attrs(
        &mut self,
        attrs: &[Attribute],
        place: &'static str,
    ) -> (Vec<String>, Option<String>) {
        let (docs, rest) = split_docs(attrs, &mut self.errors);
        let mut link_name = None;
        for a in rest {
            if a.path().is_ident("link_name") {
                match &a.meta {
                    Meta::NameValue(nv) => match &nv.value {
                        Expr::Lit(ExprLit {
                            lit: Lit::Str(s), ..
                        }) => link_name = Some(s.value()),
                        other => self.errors.push(other, Msg::LinkNameValue),
                    },
                    other => self.errors.push(other, Msg::LinkNameValue),
                }
            } else {
                self.errors.push(a, Msg::UnknownAttr(place));
            }
        }
        (docs, link_name)
    }

    fn function(
        &mut self,
        attrs: &[Attribute],
        sig: &syn::Signature,
        safe: bool,
    ) -> Option<Function> {
        let (docs, link_name) = self.decl_attrs(attrs, "a foreign function");
        let mut ok = true;
        if let Some(c) = &sig.constness {
            self.errors.push(c, Msg::Qualifier("const"));
            ok = false;
        }
        if let Some(a) = &sig.asyncness {
            self.errors.push(a, Msg::Qualifier("async"));
            ok = false;
        }
        if let Some(abi) = &sig.abi {
            self.errors.push(abi, Msg::Qualifier("extern"));
            ok = false;
        }
        if !sig.generics.params.is_empty() || sig.generics.where_clause.is_some() {
            self.errors.push(&sig.generics, Msg::Generics);
            ok = false;
        }
        let mut params = Vec::new();
        let mut param_names = HashSet::new();
        for (i, input) in sig.inputs.iter().enumerate() {
            let FnArg::Typed(pt) = input else {
                self.errors.push(input, Msg::Receiver);
                ok = false;
                continue;
            };
            if let Some(a) = pt.attrs.first() {
                self.errors.push(a, Msg::UnknownAttr("a parameter"));
            }
            let name = match &*pt.pat {
                Pat::Ident(pi)
                    if pi.by_ref.is_none() && pi.mutability.is_none() && pi.subpat.is_none() =>
                {
                    let name = name_of(&pi.ident);
                    if !param_names.insert(name.clone()) {
                        self.errors
                            .push(&pi.ident, Msg::DuplicateMember(name.clone()));
                    }
                    name
                }
                Pat::Wild(_) => format!("arg{i}"),
                other => {
                    self.errors.push(other, Msg::Pattern);
                    ok = false;
                    continue;
                }
            };
            match self.lower_type(&pt.ty, Pos::Param) {
                Some(ty) => params.push(Param { name, ty }),
                None => ok = false,
            }
        }
        if let Some(v) = &sig.variadic {
            if sig.inputs.is_empty() {
                self.errors.push(v.dots, Msg::VariadicWithoutFixed);
                ok = false;
            } else if sig.inputs.len() > 6 {
                self.errors.push(v.dots, Msg::VariadicTooManyFixed);
                ok = false;
            }
        }
        let ret = self.lower_return(&sig.output);
        let name = name_of(&sig.ident);
        self.declare(&name, &sig.ident);
        let f = Function {
            symbol: link_name.unwrap_or_else(|| name.clone()),
            name,
            origin: origin(sig.ident.span()),
            docs,
            sig: Signature {
                params,
                ret: ret?,
                variadic: sig.variadic.is_some(),
            },
            safe,
        };
        ok.then_some(f)
    }

    fn global(
        &mut self,
        attrs: &[Attribute],
        ident: &Ident,
        ty: &syn::Type,
        constant: bool,
    ) -> Option<Global> {
        let (docs, link_name) = self.decl_attrs(attrs, "an extern static");
        let ty = self.lower_type(ty, Pos::Global);
        let name = name_of(ident);
        self.declare(&name, ident);
        Some(Global {
            symbol: link_name.unwrap_or_else(|| name.clone()),
            name,
            origin: origin(ident.span()),
            docs,
            ty: ty?,
            constant,
        })
    }
}
