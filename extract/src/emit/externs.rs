//! Functions and globals: wrappers that bind their symbol on first use (or link it) and call
//! through a typed function pointer; a module per item with its descriptor and address.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::names::{Ctx, docs, fn_pointer_type_abi, ident, layout, return_type, rust_type};
use crate::ir::{Binding, ExternBlock, Function, Global, Item, LibraryRef, Type};

pub(crate) fn emit(item: &Item, block: &ExternBlock, cx: Ctx<'_>) -> TokenStream {
    let mut out = head(item, block, cx);
    for f in &block.functions {
        out.extend(function(f, &item.name, &block.binding, cx));
    }
    for g in &block.globals {
        out.extend(global(g, &item.name, &block.binding, cx));
    }
    out
}

/// What an extern block emits before its functions: the library handle, or the `#[link]`
/// block.
pub(crate) fn head(item: &Item, block: &ExternBlock, cx: Ctx<'_>) -> TokenStream {
    let k = cx.krate;
    let handle = ident(&item.name);
    let doc = docs(&item.docs);
    let mut out = TokenStream::new();
    match &block.binding {
        Binding::Runtime(libraries) => {
            let symbols = block
                .functions
                .iter()
                .map(|f| &f.symbol)
                .chain(block.globals.iter().map(|g| &g.symbol));
            let where_ = if libraries.is_empty() {
                "the default lookup (the running process, libc, libm)".to_string()
            } else {
                libraries
                    .iter()
                    .map(|l| format!("`{}`", l.text()))
                    .collect::<Vec<_>>()
                    .join(", ")
            };
            let libraries: Vec<TokenStream> = libraries
                .iter()
                .map(|l| match l {
                    LibraryRef::Name(n) => quote!(#n),
                    LibraryRef::Const(p) => {
                        let path: syn::Path =
                            syn::parse_str(p).expect("a library constant is a Rust path");
                        quote!(#path)
                    }
                })
                .collect();
            let handle_doc = format!(
                " The libraries these bindings load on first use: {where_}. `{}.check()` resolves every symbol now and reports all that are missing.",
                item.name
            );
            out.extend(quote! {
                #doc
                #[doc = #handle_doc]
                pub static #handle: #k::__private::ForeignLibrary =
                    #k::__private::ForeignLibrary::new(&[#(#libraries),*], &[#(#symbols),*]);
            });
        }
        Binding::Link(lib) => {
            let decls = block.functions.iter().map(|f| {
                let link = link_ident(&f.name);
                let symbol = &f.symbol;
                let params = f.sig.params.iter().map(|p| {
                    let n = ident(&p.name);
                    let t = rust_type(&p.ty, cx);
                    quote!(#n: #t)
                });
                let dots = f.sig.variadic.then(|| quote!(, ...));
                let ret = return_type(&f.sig.ret, cx);
                quote! {
                    #[link_name = #symbol]
                    fn #link(#(#params),* #dots) #ret;
                }
            });
            let globals = block.globals.iter().map(|g| {
                let link = link_ident(&g.name);
                let symbol = &g.symbol;
                let t = rust_type(&g.ty, cx);
                quote! {
                    #[link_name = #symbol]
                    static mut #link: #t;
                }
            });
            out.extend(quote! {
                #[link(name = #lib)]
                #[allow(non_snake_case, non_upper_case_globals, clippy::missing_safety_doc, clippy::type_complexity)]
                unsafe extern "C" {
                    #(#decls)*
                    #(#globals)*
                }
            });
        }
    }
    out
}

fn link_ident(name: &str) -> proc_macro2::Ident {
    format_ident!("__ffm_link_{}", name)
}

/// Whether a parameter of this type is passed through `impl Addressable`.
fn is_pointer(ty: &Type) -> bool {
    matches!(ty, Type::Pointer { .. })
}

pub(crate) fn function(f: &Function, handle: &str, binding: &Binding, cx: Ctx<'_>) -> TokenStream {
    let k = cx.krate;
    let name = ident(&f.name);
    let symbol = &f.symbol;
    let handle = ident(handle);
    let mut doc_lines = f.docs.clone();
    if !f.safe {
        if !doc_lines.is_empty() {
            doc_lines.push(String::new());
        }
        doc_lines.push("# Safety".into());
        doc_lines.push(
            "A call into C: the caller upholds the C function's contract (valid pointers, terminated strings, lifetimes)."
                .into(),
        );
    }
    let doc = docs(&doc_lines);

    // Wrapper parameters: pointers as `impl Addressable`, everything else as its Rust type.
    let fixed = &f.sig.params;
    let wrapper_params = fixed.iter().map(|p| {
        let n = ident(&p.name);
        if is_pointer(&p.ty) {
            quote!(#n: impl #k::__private::Addressable)
        } else {
            let t = rust_type(&p.ty, cx);
            quote!(#n: #t)
        }
    });
    let lowered: Vec<TokenStream> = fixed
        .iter()
        .map(|p| {
            let n = ident(&p.name);
            match &p.ty {
                Type::Pointer { mutable: true, .. } => {
                    quote!(#k::__private::Addressable::address(&#n).as_mut_ptr())
                }
                Type::Pointer { mutable: false, .. } => {
                    quote!(#k::__private::Addressable::address(&#n).as_ptr())
                }
                _ => quote!(#n),
            }
        })
        .collect();
    let fixed_types: Vec<TokenStream> = fixed.iter().map(|p| rust_type(&p.ty, cx)).collect();
    let ret = return_type(&f.sig.ret, cx);
    let ret_value = super::names::return_value_type(&f.sig.ret, cx);
    let unsafety = (!f.safe).then(|| quote!(unsafe));

    // The variadic tuple's parameter: `args`, unless a C parameter has that name.
    let mut var_name = String::from("args");
    while fixed.iter().any(|p| p.name == var_name) {
        var_name.push('_');
    }
    let var_name = ident(&var_name);
    let call = match (binding, f.sig.variadic) {
        (_, true) => {
            let address = match binding {
                Binding::Runtime(_) => quote!({
                    static __FFM_SLOT: #k::__private::FnSlot = #k::__private::FnSlot::new();
                    __FFM_SLOT.get(&#handle, #symbol)
                }),
                Binding::Link(_) => {
                    let link = link_ident(&f.name);
                    quote!((#link as *const ::core::ffi::c_void))
                }
            };
            quote! {
                let __ffm_fn = #address;
                // SAFETY: the symbol is the C-variadic function this binding declares, with
                // these fixed parameters; the rest of the contract is the caller's.
                unsafe { #k::__private::VarArgs::call::<#ret_value>(#var_name, __ffm_fn, (#(#lowered,)*)) }
            }
        }
        // The slot starts out holding a resolver of the function's own type, which binds the
        // symbol, stores it in the slot and forwards the call: the wrapper is one load and
        // one indirect call, like a call through a function pointer. `C-unwind`, so that the
        // resolver's panic for a missing symbol reaches the caller; a C function called
        // through that type behaves as through `extern "C"`.
        (Binding::Runtime(_), false) => {
            let unwind_type = fn_pointer_type_abi(&f.sig, "C-unwind", cx);
            let forwarded: Vec<_> = (0..fixed.len())
                .map(|i| format_ident!("__ffm_{}", i))
                .collect();
            quote! {
                unsafe extern "C-unwind" fn __ffm_resolve(#(#forwarded: #fixed_types),*) #ret {
                    let __ffm_fn: #unwind_type =
                        // SAFETY: the slot now holds the C function this binding declares.
                        unsafe { ::core::mem::transmute(__FFM_SLOT.bind(&#handle, #symbol)) };
                    // SAFETY: forwarded from the wrapper, whose caller upholds the contract.
                    unsafe { __ffm_fn(#(#forwarded),*) }
                }
                static __FFM_SLOT: #k::__private::FnSlot =
                    #k::__private::FnSlot::resolving(__ffm_resolve as #unwind_type as *const ::core::ffi::c_void);
                // SAFETY: the slot holds either the resolver above or the C function this
                // binding declares: both have this signature.
                let __ffm_fn: #unwind_type = unsafe { ::core::mem::transmute(__FFM_SLOT.load()) };
                // SAFETY: the caller upholds the C function's contract.
                unsafe { __ffm_fn(#(#lowered),*) }
            }
        }
        (Binding::Link(_), false) => {
            let link = link_ident(&f.name);
            quote! {
                // SAFETY: the caller upholds the C function's contract.
                unsafe { #link(#(#lowered),*) }
            }
        }
    };
    let (generics, var_param) = if f.sig.variadic {
        (
            quote!(<__FfmVarArgs: #k::__private::VarArgs<(#(#fixed_types,)*)>>),
            quote!(, #var_name: __FfmVarArgs),
        )
    } else {
        (quote!(), quote!())
    };

    let layouts: Vec<TokenStream> = fixed.iter().map(|p| layout(&p.ty, cx.child())).collect();
    let ret_layout = match &f.sig.ret {
        Type::Void => quote!(None),
        t => {
            let l = layout(t, cx.child());
            quote!(Some(#l))
        }
    };
    let mod_doc = format!(
        " The descriptor and address of [`{}`](fn@{}).",
        f.name, f.name
    );
    let desc_doc = if f.sig.variadic {
        " The descriptor of the fixed parameters (the function is variadic)."
    } else {
        " The function's descriptor."
    };
    let address_body = match binding {
        Binding::Runtime(_) => quote!(super::#handle.resolve(#symbol)),
        Binding::Link(_) => {
            let link = link_ident(&f.name);
            quote!(Ok(#k::Address::from_ptr(super::#link as *const u8)))
        }
    };

    quote! {
        #doc
        #[inline]
        #[allow(non_snake_case, clippy::too_many_arguments, clippy::undocumented_unsafe_blocks, clippy::type_complexity)]
        pub #unsafety fn #name #generics(#(#wrapper_params),* #var_param) #ret {
            #call
        }

        #[doc = #mod_doc]
        #[allow(non_snake_case)]
        pub mod #name {
            #[doc = #desc_doc]
            pub const DESCRIPTOR: #k::__private::FunctionDescriptor =
                #k::__private::FunctionDescriptor::new(#ret_layout, &[#(#layouts),*]);

            /// The function's address, binding it now if need be.
            pub fn address() -> #k::Result<#k::Address> {
                #address_body
            }
        }
    }
}

pub(crate) fn global(g: &Global, handle: &str, binding: &Binding, cx: Ctx<'_>) -> TokenStream {
    let k = cx.krate;
    let name = ident(&g.name);
    let symbol = &g.symbol;
    let handle = ident(handle);
    let child = cx.child();
    let ty = rust_type(&g.ty, child);
    let doc = docs(&g.docs);
    let address_body = match binding {
        Binding::Runtime(_) => quote!(super::#handle.resolve(#symbol)),
        Binding::Link(_) => {
            let link = link_ident(&g.name);
            quote!(Ok(#k::Address::from_ptr(&raw const super::#link)))
        }
    };
    let setter = (!g.constant).then(|| {
        quote! {
            /// Writes the global.
            ///
            /// # Safety
            /// No other thread (nor C code) may access the global meanwhile.
            ///
            /// # Panics
            /// If the symbol cannot be found.
            pub unsafe fn set(value: #ty) {
                let p = address().unwrap_or_else(|e| panic!("ffm: {}", e)).as_mut_ptr::<#ty>();
                // SAFETY: the symbol is a global of this type; exclusive access is the caller's
                // promise.
                unsafe { p.write(value) }
            }
        }
    });
    quote! {
        #doc
        #[allow(non_snake_case, non_upper_case_globals, clippy::undocumented_unsafe_blocks, clippy::type_complexity)]
        pub mod #name {
            /// The global's address.
            pub fn address() -> #k::Result<#k::Address> {
                #address_body
            }

            /// Reads the global.
            ///
            /// # Safety
            /// No other thread (nor C code) may write the global meanwhile, and it must hold a
            /// valid value of its type.
            ///
            /// # Panics
            /// If the symbol cannot be found.
            pub unsafe fn get() -> #ty {
                let p = address().unwrap_or_else(|e| panic!("ffm: {}", e)).as_ptr::<#ty>();
                // SAFETY: the symbol is a global of this type; the rest is the caller's promise.
                unsafe { p.read() }
            }

            #setter

            /// The global's memory, as a segment of its size.
            ///
            /// # Safety
            /// For as long as the segment is used, nothing else may access the global.
            pub unsafe fn segment() -> #k::Result<&'static mut #k::Segment> {
                let a = address()?;
                // SAFETY: the global's bytes, live for the program (the library is never
                // unloaded); exclusivity is the caller's promise.
                Ok(unsafe { a.reinterpret_mut(::core::mem::size_of::<#ty>()) })
            }
        }
    }
}
