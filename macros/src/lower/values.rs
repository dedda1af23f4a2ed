//! Enums, type aliases and constants, and the integer constant expressions they use.

use std::collections::{HashMap, HashSet};

use ffm_extract::ir::{ConstValue, Constant, Enum, ItemKind, Prim, Type, Variant};
use quote::{ToTokens, quote};
use syn::ext::IdentExt;
use syn::{Attribute, BinOp, Expr, ExprLit, Fields, Lit, Meta, UnOp};

use super::{Lower, name_of, split_docs};
use crate::errors::Msg;
use crate::types::{Pos, option_fn};

impl Lower {
    pub(super) fn enumeration(&mut self, e: &syn::ItemEnum) {
        let (_, attrs) = self.inner_args(&e.attrs, false);
        let attrs: Vec<Attribute> = attrs.into_iter().cloned().collect();
        let (docs, rest) = split_docs(&attrs, &mut self.errors);
        if !e.generics.params.is_empty() || e.generics.where_clause.is_some() {
            self.errors.push(&e.generics, Msg::Generics);
        }
        // `None`: repr(C).
        let mut repr: Option<Option<Prim>> = None;
        for attr in rest {
            if attr.path().is_ident("repr") {
                for meta in self.list(attr) {
                    let prim = match &meta {
                        Meta::Path(p) if p.is_ident("C") => Some(None),
                        Meta::Path(p) => p
                            .get_ident()
                            .and_then(|i| Prim::from_rust_name(&i.to_string()))
                            .filter(|p| !p.is_float() && *p != Prim::Bool && !p.is_c_alias())
                            .map(Some),
                        _ => None,
                    };
                    match prim {
                        Some(p) if repr.is_none() => repr = Some(p),
                        _ => {
                            let text = meta.to_token_stream().to_string().replace(' ', "");
                            self.errors.push(&meta, Msg::EnumReprType(text));
                        }
                    }
                }
            } else if attr.path().is_ident("derive") {
                const EMITTED: &[&str] = &[
                    "Clone",
                    "Copy",
                    "PartialEq",
                    "Eq",
                    "Hash",
                    "Default",
                    "Debug",
                ];
                for p in self.derives(attr) {
                    if !p
                        .segments
                        .last()
                        .is_some_and(|s| EMITTED.iter().any(|e| s.ident == e))
                    {
                        self.errors.push(&p, Msg::UnknownAttr("a #[foreign] enum (it is a newtype deriving Clone, Copy, PartialEq, Eq, Hash and Default, with a Debug impl)"));
                    }
                }
            } else {
                self.errors
                    .push(attr, Msg::UnknownAttr("a #[foreign] enum"));
            }
        }
        let Some(repr) = repr else {
            self.errors.push(&e.ident, Msg::EnumRepr);
            return;
        };

        let mut variants = Vec::new();
        let mut spans = Vec::new();
        let mut env = self.ints.clone();
        let mut variant_names = HashSet::new();
        let mut next: Option<i128> = Some(0);
        for v in &e.variants {
            let vname = name_of(&v.ident);
            if !matches!(v.fields, Fields::Unit) {
                self.errors
                    .push(&v.fields, Msg::EnumWithData(vname.clone()));
                continue;
            }
            if !variant_names.insert(vname.clone()) {
                self.errors
                    .push(&v.ident, Msg::DuplicateMember(vname.clone()));
            }
            let (vdocs, vrest) = split_docs(&v.attrs, &mut self.errors);
            for a in vrest {
                self.errors.push(a, Msg::UnknownAttr("an enum variant"));
            }
            let value = match &v.discriminant {
                Some((_, expr)) => {
                    spans.push(expr.to_token_stream());
                    self.eval(expr, &env)
                }
                None => {
                    spans.push(v.ident.to_token_stream());
                    next
                }
            };
            let Some(value) = value else {
                next = None;
                continue;
            };
            next = value.checked_add(1);
            env.insert(vname.clone(), value);
            variants.push(Variant {
                name: vname,
                value,
                docs: vdocs,
            });
        }
        // repr(C): `unsigned int`, or `int` when a value is negative (as GCC and Clang choose).
        let prim = repr.unwrap_or(if variants.iter().any(|v| v.value < 0) {
            Prim::Int
        } else {
            Prim::UInt
        });
        for (v, span) in variants.iter().zip(&spans) {
            self.check_range(v.value, prim, span);
        }
        let name = name_of(&e.ident);
        self.declare(&name, &e.ident);
        self.push(
            name,
            e.ident.span(),
            docs,
            ItemKind::Enum(Enum {
                repr: prim,
                variants,
            }),
        );
    }

    fn check_range(&mut self, value: i128, prim: Prim, tokens: impl ToTokens) {
        let bits = prim.size() * 8;
        let (min, max) = if prim.is_signed() {
            (-(1i128 << (bits - 1)), (1i128 << (bits - 1)) - 1)
        } else {
            (0, (1i128 << bits) - 1)
        };
        if value < min || value > max {
            self.errors.push(
                tokens,
                Msg::OutOfRange {
                    value,
                    ty: prim.rust_name().to_owned(),
                },
            );
        }
    }

    /// Evaluates an integer constant expression: literals, parentheses, unary `-`, binary
    /// arithmetic, shifts and bit operations, and names in `env`.
    fn eval(&mut self, expr: &Expr, env: &HashMap<String, i128>) -> Option<i128> {
        match expr {
            Expr::Lit(ExprLit {
                lit: Lit::Int(n), ..
            }) => match n.base10_parse::<i128>() {
                Ok(v) => Some(v),
                Err(_) => self.fail_expr(n, Msg::Discriminant),
            },
            Expr::Paren(p) => self.eval(&p.expr, env),
            Expr::Group(g) => self.eval(&g.expr, env),
            Expr::Unary(u) if matches!(u.op, UnOp::Neg(_)) => {
                let v = self.eval(&u.expr, env)?;
                v.checked_neg()
                    .or_else(|| self.fail_expr(u, Msg::Discriminant))
            }
            Expr::Binary(b) => {
                let l = self.eval(&b.left, env);
                let r = self.eval(&b.right, env);
                let (l, r) = (l?, r?);
                let v = match b.op {
                    BinOp::Add(_) => l.checked_add(r),
                    BinOp::Sub(_) => l.checked_sub(r),
                    BinOp::Mul(_) => l.checked_mul(r),
                    BinOp::Div(_) => l.checked_div(r),
                    BinOp::Rem(_) => l.checked_rem(r),
                    BinOp::Shl(_) => u32::try_from(r)
                        .ok()
                        .filter(|s| *s < 127)
                        .and_then(|s| l.checked_shl(s)),
                    BinOp::Shr(_) => u32::try_from(r)
                        .ok()
                        .filter(|s| *s < 127)
                        .and_then(|s| l.checked_shr(s)),
                    BinOp::BitAnd(_) => Some(l & r),
                    BinOp::BitOr(_) => Some(l | r),
                    BinOp::BitXor(_) => Some(l ^ r),
                    _ => None,
                };
                v.or_else(|| self.fail_expr(b, Msg::Discriminant))
            }
            Expr::Path(p) if p.qself.is_none() && p.path.get_ident().is_some() => {
                let name = name_of(p.path.get_ident().expect("checked"));
                match env.get(&name) {
                    Some(v) => Some(*v),
                    None => self.fail_expr(p, Msg::UnknownName(name)),
                }
            }
            other => self.fail_expr(other, Msg::Discriminant),
        }
    }

    fn fail_expr<R>(&mut self, tokens: impl ToTokens, msg: Msg) -> Option<R> {
        self.errors.push(tokens, msg);
        None
    }

    pub(super) fn type_alias(&mut self, t: &syn::ItemType) {
        let (_, attrs) = self.inner_args(&t.attrs, false);
        let attrs: Vec<Attribute> = attrs.into_iter().cloned().collect();
        let (docs, rest) = split_docs(&attrs, &mut self.errors);
        for a in rest {
            self.errors.push(a, Msg::UnknownAttr("a type alias"));
        }
        if !t.generics.params.is_empty() || t.generics.where_clause.is_some() {
            self.errors.push(&t.generics, Msg::Generics);
        }
        let bare = match &*t.ty {
            syn::Type::BareFn(f) => Some(f),
            syn::Type::Path(p) => option_fn(p),
            _ => None,
        };
        let kind = match bare {
            Some(f) => self.lower_bare_fn(f).map(ItemKind::FnPointer),
            None => self.lower_type(&t.ty, Pos::Alias).map(ItemKind::Typedef),
        };
        let name = name_of(&t.ident);
        self.declare(&name, &t.ident);
        if let Some(kind) = kind {
            self.push(name, t.ident.span(), docs, kind);
        }
    }

    pub(super) fn constant(&mut self, c: &syn::ItemConst) {
        let (_, attrs) = self.inner_args(&c.attrs, false);
        let attrs: Vec<Attribute> = attrs.into_iter().cloned().collect();
        let (docs, rest) = split_docs(&attrs, &mut self.errors);
        for a in rest {
            self.errors.push(a, Msg::UnknownAttr("a constant"));
        }
        if !c.generics.params.is_empty() || c.generics.where_clause.is_some() {
            self.errors.push(&c.generics, Msg::Generics);
        }
        let name = name_of(&c.ident);
        self.declare(&name, &c.ident);
        let constant = match &*c.ty {
            syn::Type::Reference(r) => match &*r.elem {
                syn::Type::Path(p)
                    if p.qself.is_none()
                        && p.path.segments.last().is_some_and(|s| s.ident == "CStr") =>
                {
                    self.uses.record(p, quote!(::core::ffi::CStr));
                    self.c_string(&c.expr)
                }
                syn::Type::Path(p) if p.path.is_ident("str") => {
                    self.fail_expr(r, Msg::ConstStrType)
                }
                _ => self.fail_expr(&c.ty, Msg::ConstType),
            },
            syn::Type::Path(p) => {
                let prim = p
                    .path
                    .segments
                    .last()
                    .and_then(|s| Prim::from_rust_name(&s.ident.unraw().to_string()))
                    .filter(|_| p.qself.is_none());
                match prim {
                    Some(Prim::Bool) | None => self.fail_expr(&c.ty, Msg::ConstType),
                    Some(prim) => {
                        if prim.is_c_alias() || p.path.segments.len() > 1 {
                            self.uses.record(p, crate::types::canonical_prim(prim));
                        }
                        self.scalar(&c.expr, prim)
                    }
                }
            }
            _ => self.fail_expr(&c.ty, Msg::ConstType),
        };
        let Some(constant) = constant else { return };
        if let ConstValue::Int(v) = constant.value {
            self.ints.insert(name.clone(), v);
        }
        self.push(name, c.ident.span(), docs, ItemKind::Constant(constant));
    }

    /// A `c"…"` or `"…"` literal.
    fn c_string(&mut self, expr: &Expr) -> Option<Constant> {
        let bytes = match expr {
            Expr::Lit(ExprLit {
                lit: Lit::CStr(s), ..
            }) => s.value().into_bytes(),
            Expr::Lit(ExprLit {
                lit: Lit::Str(s), ..
            }) => {
                let v = s.value().into_bytes();
                if v.contains(&0) {
                    return self.fail_expr(s, Msg::NulInString);
                }
                v
            }
            other => return self.fail_expr(other, Msg::ConstValue),
        };
        Some(Constant {
            ty: Type::Pointer {
                pointee: Box::new(Type::Prim(Prim::Char)),
                mutable: false,
            },
            value: ConstValue::Str(bytes),
        })
    }

    /// An integer (constant expression) or a float literal, of type `prim`.
    fn scalar(&mut self, expr: &Expr, prim: Prim) -> Option<Constant> {
        let value = if prim.is_float() {
            ConstValue::Float(self.float(expr)?)
        } else {
            let v = match expr {
                Expr::Lit(ExprLit {
                    lit: Lit::Float(_) | Lit::Str(_) | Lit::CStr(_) | Lit::Bool(_) | Lit::Char(_),
                    ..
                }) => return self.fail_expr(expr, Msg::ConstValue),
                _ => self.eval(expr, &self.ints.clone())?,
            };
            self.check_range(v, prim, expr);
            ConstValue::Int(v)
        };
        Some(Constant {
            ty: Type::Prim(prim),
            value,
        })
    }

    fn float(&mut self, expr: &Expr) -> Option<f64> {
        match expr {
            Expr::Lit(ExprLit {
                lit: Lit::Float(f), ..
            }) => f.base10_parse().ok(),
            Expr::Lit(ExprLit {
                lit: Lit::Int(i), ..
            }) => i.base10_parse::<i64>().ok().map(|v| v as f64),
            Expr::Unary(u) if matches!(u.op, UnOp::Neg(_)) => self.float(&u.expr).map(|v| -v),
            Expr::Paren(p) => self.float(&p.expr),
            other => self.fail_expr(other, Msg::ConstValue),
        }
    }
}
