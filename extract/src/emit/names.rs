//! Turning C names into Rust identifiers, and C types into Rust types and layout expressions.

use proc_macro2::{Ident, Span, TokenStream};
use quote::{format_ident, quote};

use crate::ir::{Prim, Signature, Type};

/// Rust's keywords (all editions, including reserved ones).
const KEYWORDS: &[&str] = &[
    "as", "async", "await", "break", "const", "continue", "crate", "dyn", "else", "enum", "extern",
    "false", "fn", "for", "gen", "if", "impl", "in", "let", "loop", "match", "mod", "move", "mut",
    "pub", "ref", "return", "self", "Self", "static", "struct", "super", "trait", "true", "type",
    "unsafe", "use", "where", "while", "abstract", "become", "box", "do", "final", "macro",
    "override", "priv", "typeof", "unsized", "virtual", "yield", "try",
];

/// Keywords that cannot be raw identifiers: these get a trailing `_`.
const NOT_RAW: &[&str] = &["crate", "self", "Self", "super", "_"];

/// The Rust identifier for a C name: keywords become raw identifiers (`r#type`), the few that
/// cannot become `self_`.
pub fn ident(name: &str) -> Ident {
    if NOT_RAW.contains(&name) {
        format_ident!("{}_", name)
    } else if KEYWORDS.contains(&name) {
        Ident::new_raw(name, Span::call_site())
    } else {
        Ident::new(name, Span::call_site())
    }
}

/// Whether a name needs escaping to be a Rust identifier.
pub fn is_keyword(name: &str) -> bool {
    KEYWORDS.contains(&name) || NOT_RAW.contains(&name)
}

/// How a type is spelled: whether named types need a `super::` prefix (inside the per-function
/// and per-global modules).
#[derive(Clone, Copy)]
pub struct Ctx<'a> {
    /// The path to the runtime crate (`::ffm`).
    pub krate: &'a TokenStream,
    /// Whether named types are referred to from a child module.
    pub in_child: bool,
    /// The whole unit, to look up named types (for anonymous members).
    pub unit: &'a crate::ir::Unit,
}

impl<'a> Ctx<'a> {
    /// The same context, one module deeper.
    pub fn child(self) -> Ctx<'a> {
        Ctx {
            in_child: true,
            ..self
        }
    }

    /// A named type.
    pub fn named(&self, name: &str) -> TokenStream {
        let id = ident(name);
        if self.in_child {
            quote!(super::#id)
        } else {
            quote!(#id)
        }
    }
}

/// The Rust spelling of a scalar.
pub fn prim(p: Prim) -> TokenStream {
    let id = format_ident!("{}", p.rust_name());
    if p.is_c_alias() {
        quote!(::core::ffi::#id)
    } else {
        quote!(#id)
    }
}

/// The Rust type for a C type (as a field, a parameter of a function-pointer type, …).
pub fn rust_type(ty: &Type, cx: Ctx<'_>) -> TokenStream {
    match ty {
        Type::Void => quote!(::core::ffi::c_void),
        Type::Prim(p) => prim(*p),
        Type::Pointer { pointee, mutable } => {
            let t = rust_type(pointee, cx);
            if *mutable {
                quote!(*mut #t)
            } else {
                quote!(*const #t)
            }
        }
        Type::Array { element, len } => {
            let t = rust_type(element, cx);
            quote!([#t; #len])
        }
        Type::Named(n) => cx.named(n),
        Type::FnPointer(sig) => {
            let f = fn_pointer_type(sig, cx);
            quote!(::core::option::Option<#f>)
        }
    }
}

/// `unsafe extern "C" fn(A, B, ...) -> R`.
pub fn fn_pointer_type(sig: &Signature, cx: Ctx<'_>) -> TokenStream {
    fn_pointer_type_abi(sig, "C", cx)
}

/// [`fn_pointer_type`] with another ABI string (`"C-unwind"`).
pub fn fn_pointer_type_abi(sig: &Signature, abi: &str, cx: Ctx<'_>) -> TokenStream {
    let params = sig.params.iter().map(|p| rust_type(&p.ty, cx));
    let dots = sig.variadic.then(|| quote!(, ...));
    let ret = return_type(&sig.ret, cx);
    quote!(unsafe extern #abi fn(#(#params),* #dots) #ret)
}

/// `-> R`, or nothing for `void`.
pub fn return_type(ty: &Type, cx: Ctx<'_>) -> TokenStream {
    match ty {
        Type::Void => quote!(),
        t => {
            let t = rust_type(t, cx);
            quote!(-> #t)
        }
    }
}

/// The Rust type of a return value, `()` for `void`.
pub fn return_value_type(ty: &Type, cx: Ctx<'_>) -> TokenStream {
    match ty {
        Type::Void => quote!(()),
        t => rust_type(t, cx),
    }
}

/// A const expression for the layout of a (non-void) type.
pub fn layout(ty: &Type, cx: Ctx<'_>) -> TokenStream {
    let k = cx.krate;
    let t = rust_type(ty, cx);
    quote!(<#t as #k::__private::Native>::LAYOUT)
}

/// `#[doc = "…"]` attributes, one per line.
pub fn docs(lines: &[String]) -> TokenStream {
    let lines = lines.iter().map(|l| {
        let l = if l.is_empty() {
            String::new()
        } else {
            format!(" {l}")
        };
        quote!(#[doc = #l])
    });
    quote!(#(#lines)*)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keywords_are_escaped() {
        assert_eq!(ident("type").to_string(), "r#type");
        assert_eq!(ident("self").to_string(), "self_");
        assert_eq!(ident("gen").to_string(), "r#gen");
        assert_eq!(ident("value").to_string(), "value");
    }
}
