//! Rust items → IR: checks every item, reporting all that is not C, and builds the
//! [`Unit`](ffm_extract::ir::Unit).

use std::collections::{HashMap, HashSet};

use ffm_extract::ir::{Binding, Item, ItemKind, Origin, RecordKind, Unit};
use proc_macro2::Span;
use quote::{ToTokens, quote};
use syn::ext::IdentExt;
use syn::{Attribute, Expr, ExprLit, Fields, Ident, Lit, Meta};

use crate::attrs::{self, Args};
use crate::errors::{Errors, Msg};
use crate::types::Uses;

mod externs;
mod records;
mod values;

/// What lowering produced besides the unit.
pub(crate) struct Lowered {
    /// The IR.
    pub(crate) unit: Unit,
    /// The scalar paths as written, for the generated type assertion.
    pub(crate) uses: Uses,
}

/// The lowering state of one `#[foreign]` item or module.
#[derive(Default)]
pub(crate) struct Lower {
    pub(crate) errors: Errors,
    pub(crate) uses: Uses,
    unit: Unit,
    /// Every name declared so far: items, functions, globals, handles.
    names: HashSet<String>,
    /// Integer constants declared so far (for constant expressions).
    ints: HashMap<String, i128>,
    /// Handle name → (index of its extern item, its binding).
    handles: HashMap<String, (usize, Binding)>,
}

/// Where a declaration came from (file, line and 1-based column, when the compiler says).
pub(crate) fn origin(span: Span) -> Origin {
    let start = span.start();
    Origin {
        file: span.file(),
        line: start.line as u32,
        column: if start.line == 0 {
            0
        } else {
            start.column as u32 + 1
        },
    }
}

/// Doc comments (one entry per `#[doc]`, one leading space stripped) and the other attributes.
fn split_docs<'a>(
    attrs: &'a [Attribute],
    errors: &mut Errors,
) -> (Vec<String>, Vec<&'a Attribute>) {
    let mut docs = Vec::new();
    let mut rest = Vec::new();
    for attr in attrs {
        match &attr.meta {
            Meta::NameValue(nv) if nv.path.is_ident("doc") => match &nv.value {
                Expr::Lit(ExprLit {
                    lit: Lit::Str(s), ..
                }) => {
                    let text = s.value();
                    docs.push(text.strip_prefix(' ').unwrap_or(&text).to_owned());
                }
                other => errors.push(other, Msg::DocNotLiteral),
            },
            _ => rest.push(attr),
        }
    }
    (docs, rest)
}

fn name_of(ident: &Ident) -> String {
    ident.unraw().to_string()
}

impl Lower {
    /// Declares a name, reporting it if it is already taken.
    fn declare(&mut self, name: &str, tokens: impl ToTokens) {
        if !self.names.insert(name.to_owned()) {
            self.errors.push(tokens, Msg::Duplicate(name.to_owned()));
        }
    }

    fn push(&mut self, name: String, span: Span, docs: Vec<String>, kind: ItemKind) {
        self.unit.items.push(Item {
            name,
            origin: origin(span),
            docs,
            kind,
        });
    }

    /// Finishes: the unit (with layouts computed), or every error reported.
    pub(crate) fn finish(self) -> syn::Result<Lowered> {
        self.errors.finish()?;
        let mut unit = self.unit;
        ffm_extract::layout::compute_layouts(&mut unit);
        Ok(Lowered {
            unit,
            uses: self.uses,
        })
    }

    /// One item of a `#[foreign]` module or a standalone `#[foreign]` item. `args` are the
    /// attribute's arguments (the module's, for an item inside one); `in_module` allows `use`.
    pub(crate) fn item(&mut self, item: &syn::Item, args: &Args, in_module: bool) {
        use syn::Item as I;
        match item {
            I::ForeignMod(m) => self.extern_block(m, args),
            I::Struct(s) => {
                if !in_module {
                    args.reject_binding(&mut self.errors);
                }
                match &s.fields {
                    Fields::Named(named) if !named.named.is_empty() => self.record(
                        &s.attrs,
                        &s.ident,
                        &s.generics,
                        named.named.iter(),
                        RecordKind::Struct,
                    ),
                    Fields::Unnamed(u) => self.errors.push(u, Msg::TupleStruct),
                    _ => self.errors.push(&s.ident, Msg::UnitStruct),
                }
            }
            I::Union(u) => {
                if !in_module {
                    args.reject_binding(&mut self.errors);
                }
                self.record(
                    &u.attrs,
                    &u.ident,
                    &u.generics,
                    u.fields.named.iter(),
                    RecordKind::Union,
                );
            }
            I::Enum(e) => {
                if !in_module {
                    args.reject_binding(&mut self.errors);
                }
                self.enumeration(e);
            }
            I::Type(t) => {
                if !in_module {
                    args.reject_binding(&mut self.errors);
                }
                self.type_alias(t);
            }
            I::Const(c) => {
                if !in_module {
                    args.reject_binding(&mut self.errors);
                }
                self.constant(c);
            }
            I::Fn(f) => self.errors.push(&f.sig, Msg::FnWithBody),
            I::Mod(m) => {
                let (md, id) = (&m.mod_token, &m.ident);
                self.errors.push(quote!(#md #id), Msg::NestedModule);
            }
            I::Trait(t) => {
                let (tr, id) = (&t.trait_token, &t.ident);
                self.errors
                    .push(quote!(#tr #id), Msg::UnsupportedItem("a trait"));
            }
            I::Impl(i) => {
                let (im, ty) = (&i.impl_token, &i.self_ty);
                self.errors
                    .push(quote!(#im #ty), Msg::UnsupportedItem("an impl block"));
            }
            I::Static(s) => {
                let (st, id) = (&s.static_token, &s.ident);
                self.errors.push(
                    quote!(#st #id),
                    Msg::UnsupportedItem("a static outside an extern block"),
                );
            }
            I::Use(u) if !in_module => self.errors.push(u, Msg::UnsupportedItem("a `use` item")),
            I::Use(_) => {}
            I::Macro(m) => self
                .errors
                .push(&m.mac, Msg::UnsupportedItem("a macro invocation")),
            other => self.errors.push(other, Msg::UnsupportedItem("this item")),
        }
    }

    /// The `#[foreign(…)]` attributes on an item inside a `#[foreign]` module: arguments that
    /// apply to this item only (binding keys for extern blocks). Returns the other attributes.
    pub(crate) fn inner_args<'a>(
        &mut self,
        attrs: &'a [Attribute],
        extern_block: bool,
    ) -> (Option<Args>, Vec<&'a Attribute>) {
        let mut args = None;
        let mut rest = Vec::new();
        for attr in attrs {
            if attrs::is_foreign(attr) {
                let a = Args::from_attr(attr, &mut self.errors);
                if let Some((key, _)) = &a.krate {
                    self.errors.push(key, Msg::CrateInner);
                }
                if !extern_block {
                    a.reject_binding(&mut self.errors);
                }
                args = Some(a);
            } else {
                rest.push(attr);
            }
        }
        (args, rest)
    }
}
