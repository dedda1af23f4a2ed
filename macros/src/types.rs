//! Rust types as written → IR types.
//!
//! Scalars are recognized by the last segment of their path (`c_int`, `core::ffi::c_int`,
//! `libc::c_int`, `i32` …); `c_void` only behind a pointer; `*const T` / `*mut T` are pointers;
//! `[T; N]` with a literal `N` an array; `Option<unsafe extern "C" fn(..) -> R>` a nullable
//! function pointer; any other single identifier a named type declared elsewhere.

use ffm_extract::ir::{Param, Prim, Signature, Type};
use proc_macro2::TokenStream;
use quote::{ToTokens, format_ident, quote};
use syn::ext::IdentExt;
use syn::{Expr, ExprLit, GenericArgument, Lit, PathArguments, ReturnType, TypeBareFn, TypePath};

use crate::errors::Msg;
use crate::lower::Lower;

/// Where a type appears: what is allowed depends on it.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum Pos {
    /// A parameter of a function or function-pointer type.
    Param,
    /// A return type.
    Return,
    /// A struct or union field.
    Field,
    /// Behind a pointer.
    Pointee,
    /// An array element.
    Element,
    /// An extern static.
    Global,
    /// The target of a type alias.
    Alias,
}

/// Rust types with no C layout, and what to write instead.
const RUST_ONLY: &[(&str, &str)] = &[
    (
        "String",
        "pass a C string as `*const c_char` (the generated wrapper takes a `&CStr` such as `c\"text\"`)",
    ),
    (
        "str",
        "pass a C string as `*const c_char` (the generated wrapper takes a `&CStr` such as `c\"text\"`)",
    ),
    (
        "CString",
        "pass a C string as `*const c_char` (the generated wrapper takes a `&CStr` such as `c\"text\"`)",
    ),
    (
        "CStr",
        "pass a C string as `*const c_char` (the generated wrapper takes a `&CStr` such as `c\"text\"`)",
    ),
    (
        "OsString",
        "pass a C string as `*const c_char` (the generated wrapper takes a `&CStr`)",
    ),
    (
        "Vec",
        "pass a pointer and a length: `ptr: *const T, len: usize`",
    ),
    (
        "Box",
        "pass a raw pointer (`*mut T`), or a segment through the generated wrapper",
    ),
    ("Rc", "pass a raw pointer (`*mut T`)"),
    ("Arc", "pass a raw pointer (`*mut T`)"),
    (
        "char",
        "Rust's `char` is a 32-bit Unicode scalar value; C's `char` is `c_char`",
    ),
    ("i128", "128-bit integers have no stable C ABI"),
    ("u128", "128-bit integers have no stable C ABI"),
    ("Self", "name the type"),
];

impl Lower {
    /// Lowers a type in position `pos`, reporting what is not a C type.
    pub(crate) fn lower_type(&mut self, ty: &syn::Type, pos: Pos) -> Option<Type> {
        use syn::Type as T;
        match ty {
            T::Paren(p) => self.lower_type(&p.elem, pos),
            T::Group(g) => self.lower_type(&g.elem, pos),
            T::Ptr(p) => {
                let pointee = self.lower_type(&p.elem, Pos::Pointee)?;
                Some(Type::Pointer {
                    pointee: Box::new(pointee),
                    mutable: p.mutability.is_some(),
                })
            }
            T::Array(a) => {
                let len = match &a.len {
                    Expr::Lit(ExprLit {
                        lit: Lit::Int(n), ..
                    }) => n.base10_parse::<usize>().ok(),
                    _ => None,
                };
                if len.is_none() {
                    self.errors.push(&a.len, Msg::ArrayLen);
                }
                if matches!(pos, Pos::Param | Pos::Return) {
                    self.errors.push(a, Msg::ArrayByValue);
                    return None;
                }
                let element = self.lower_type(&a.elem, Pos::Element)?;
                Some(Type::Array {
                    element: Box::new(element),
                    len: len?,
                })
            }
            T::Tuple(t) if t.elems.is_empty() && pos == Pos::Return => Some(Type::Void),
            T::Tuple(t) => self.fail(t, Msg::Tuple),
            T::Reference(r) => match &*r.elem {
                T::Path(p) if p.qself.is_none() && p.path.is_ident("str") => self.fail(
                    r,
                    Msg::RustType {
                        name: "&str".into(),
                        hint: RUST_ONLY[1].1,
                    },
                ),
                _ => self.fail(r, Msg::Reference),
            },
            T::Slice(s) => self.fail(s, Msg::Slice),
            T::ImplTrait(i) => self.fail(i, Msg::ImplTrait),
            T::TraitObject(d) => self.fail(d, Msg::Dyn),
            T::BareFn(f) => self.fail(f, Msg::BareFn),
            T::Never(n) => self.fail(n, Msg::Never),
            T::Path(p) => self.lower_path(p, pos),
            other => self.fail(other, Msg::UnsupportedType),
        }
    }

    fn fail<R>(&mut self, tokens: impl ToTokens, msg: Msg) -> Option<R> {
        self.errors.push(tokens, msg);
        None
    }

    fn lower_path(&mut self, p: &TypePath, pos: Pos) -> Option<Type> {
        if p.qself.is_some() {
            return self.fail(p, Msg::UnsupportedType);
        }
        if let Some(f) = option_fn(p) {
            return self
                .lower_bare_fn(f)
                .map(|sig| Type::FnPointer(Box::new(sig)));
        }
        let last = p.path.segments.last()?;
        let name = last.ident.unraw().to_string();
        if let Some(hint) = RUST_ONLY.iter().find(|(n, _)| *n == name).map(|(_, h)| *h) {
            return self.fail(p, Msg::RustType { name, hint });
        }
        if name == "Option" {
            return self.fail(
                p,
                Msg::RustType {
                    name: p.to_token_stream().to_string().replace(' ', ""),
                    hint: "only `Option<unsafe extern \"C\" fn(..)>`, a nullable function pointer, is a C type",
                },
            );
        }
        if p.path.segments.iter().any(|s| !s.arguments.is_none()) {
            return self.fail(p, Msg::GenericType);
        }
        if name == "c_void" {
            if pos != Pos::Pointee {
                return self.fail(p, Msg::VoidByValue);
            }
            self.uses.record(p, quote!(::core::ffi::c_void));
            return Some(Type::Void);
        }
        if let Some(prim) = Prim::from_rust_name(&name) {
            if name.starts_with("c_") {
                self.uses.record(p, canonical_prim(prim));
            }
            return Some(Type::Prim(prim));
        }
        if p.path.segments.len() > 1 || p.path.leading_colon.is_some() {
            return self.fail(p, Msg::PathType(crate::attrs::path_text(&p.path)));
        }
        Some(Type::Named(name))
    }

    /// `unsafe extern "C" fn(A, B, ...) -> R` → a signature.
    pub(crate) fn lower_bare_fn(&mut self, f: &TypeBareFn) -> Option<Signature> {
        let mut ok = true;
        if let Some(l) = &f.lifetimes {
            self.errors.push(l, Msg::Generics);
            ok = false;
        }
        match &f.abi {
            None => {
                self.errors.push(f, Msg::RustAbiFnPointer);
                ok = false;
            }
            Some(abi) => {
                if let Some(name) = &abi.name
                    && name.value() != "C"
                {
                    self.errors.push(abi, Msg::NonCAbi(name.value()));
                    ok = false;
                }
            }
        }
        let mut params = Vec::new();
        for (i, arg) in f.inputs.iter().enumerate() {
            let name = match &arg.name {
                Some((ident, _)) if ident != "_" => ident.unraw().to_string(),
                _ => format!("arg{i}"),
            };
            if !arg.attrs.is_empty() {
                self.errors
                    .push(&arg.attrs[0], Msg::UnknownAttr("a parameter"));
            }
            match self.lower_type(&arg.ty, Pos::Param) {
                Some(ty) => params.push(Param { name, ty }),
                None => ok = false,
            }
        }
        let ret = self.lower_return(&f.output);
        let sig = Signature {
            params,
            ret: ret?,
            variadic: f.variadic.is_some(),
        };
        ok.then_some(sig)
    }

    /// A function's return type (`()` or nothing: void).
    pub(crate) fn lower_return(&mut self, output: &ReturnType) -> Option<Type> {
        match output {
            ReturnType::Default => Some(Type::Void),
            ReturnType::Type(_, ty) => self.lower_type(ty, Pos::Return),
        }
    }
}

/// The function type `F` of `Option<F>` (`std::option::Option`, `core::option::Option` too),
/// if `p` is one and `F` is a bare function type.
pub(crate) fn option_fn(p: &TypePath) -> Option<&TypeBareFn> {
    if p.qself.is_some() {
        return None;
    }
    let segs: Vec<String> = p
        .path
        .segments
        .iter()
        .map(|s| s.ident.to_string())
        .collect();
    let is_option = match segs.as_slice() {
        [one] => one == "Option",
        [krate, m, o] => (krate == "std" || krate == "core") && m == "option" && o == "Option",
        _ => false,
    };
    if !is_option {
        return None;
    }
    let PathArguments::AngleBracketed(args) = &p.path.segments.last()?.arguments else {
        return None;
    };
    match args.args.iter().collect::<Vec<_>>().as_slice() {
        [GenericArgument::Type(syn::Type::BareFn(f))] => Some(f),
        _ => None,
    }
}

/// How generated code spells a scalar (the emitter's spelling).
pub(crate) fn canonical_prim(p: Prim) -> TokenStream {
    let id = format_ident!("{}", p.rust_name());
    if p.is_c_alias() {
        quote!(::core::ffi::#id)
    } else {
        quote!(#id)
    }
}

/// The paths the user wrote for C scalars (`c_int`, `libc::c_char`) and `c_void`, with the
/// type generated code uses in their place.
///
/// Generated code spells scalars absolutely (`::core::ffi::c_int`), which would leave the
/// user's imports unused; [`check`](Uses::check) emits one assertion that uses them and proves
/// each is the type the bindings assume.
#[derive(Default)]
pub(crate) struct Uses {
    pairs: Vec<(TokenStream, TokenStream)>,
}

impl Uses {
    /// Records a path as written and its canonical spelling.
    pub(crate) fn record(&mut self, written: &TypePath, canonical: TokenStream) {
        let written = written.to_token_stream();
        let key = written.to_string();
        if !self.pairs.iter().any(|(w, _)| w.to_string() == key) {
            self.pairs.push((written, canonical));
        }
    }

    /// `const _: fn((c_int, …)) -> (::core::ffi::c_int, …) = ::core::convert::identity;`: it
    /// compiles only if every written type is the canonical one.
    pub(crate) fn check(&self) -> TokenStream {
        if self.pairs.is_empty() {
            return TokenStream::new();
        }
        let written = self.pairs.iter().map(|(w, _)| w);
        let canonical = self.pairs.iter().map(|(_, c)| c);
        quote! {
            // The C types as written are the types the bindings use.
            #[allow(clippy::type_complexity)]
            const _: fn((#(#written,)*)) -> (#(#canonical,)*) = ::core::convert::identity;
        }
    }
}
