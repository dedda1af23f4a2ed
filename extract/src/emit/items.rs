//! Enums, typedefs, callback types, constants and opaque types.

use proc_macro2::{Literal, TokenStream};
use quote::quote;

use super::names::{
    Ctx, docs, fn_pointer_type, ident, prim, return_type, return_value_type, rust_type,
};
use crate::ir::{ConstValue, Constant, Enum, Item, Opaque, Signature, Type};

pub(crate) fn emit_enum(item: &Item, e: &Enum, cx: Ctx<'_>) -> TokenStream {
    let k = cx.krate;
    let name = ident(&item.name);
    let doc = docs(&item.docs);
    let repr = prim(e.repr);
    let consts = e.variants.iter().map(|v| {
        let vname = ident(&v.name);
        let vdoc = docs(&v.docs);
        let value = int_literal(v.value);
        quote!(#vdoc pub const #vname: #name = #name(#value as #repr);)
    });
    let names = e.variants.iter().map(|v| {
        let vname = ident(&v.name);
        let text = &v.name;
        quote!(if *self == Self::#vname { return f.write_str(#text); })
    });
    let type_name = &item.name;
    quote! {
        #doc
        #[repr(transparent)]
        #[derive(Clone, Copy, PartialEq, Eq, Hash, Default)]
        #[allow(non_camel_case_types, clippy::upper_case_acronyms)]
        pub struct #name(pub #repr);

        #[allow(non_upper_case_globals)]
        impl #name {
            #(#consts)*
        }

        impl ::core::fmt::Debug for #name {
            fn fmt(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
                #(#names)*
                f.write_fmt(format_args!(concat!(#type_name, "({})"), self.0))
            }
        }

        // SAFETY: a transparent newtype over an integer has the integer's layout, and every
        // integer is a valid value.
        #[allow(clippy::undocumented_unsafe_blocks)]
        unsafe impl #k::__private::Native for #name {
            const LAYOUT: #k::MemoryLayout = <#repr as #k::__private::Native>::LAYOUT;
            fn read_at(segment: &#k::Segment, offset: usize, aligned: bool) -> Self {
                #name(<#repr as #k::__private::Native>::read_at(segment, offset, aligned))
            }
            fn write_at(self, segment: &mut #k::Segment, offset: usize, aligned: bool) {
                #k::__private::Native::write_at(self.0, segment, offset, aligned)
            }
        }

        impl #k::__private::FieldAccess for #name {
            type Get<'a> = #name;
            type Set<'a> = #name;
            fn get(segment: &#k::Segment, offset: usize, aligned: bool) -> #name {
                <#name as #k::__private::Native>::read_at(segment, offset, aligned)
            }
            fn set(segment: &mut #k::Segment, offset: usize, aligned: bool, value: #name) {
                #k::__private::Native::write_at(value, segment, offset, aligned)
            }
        }
    }
}

fn int_literal(v: i128) -> TokenStream {
    if v < 0 {
        let lit = Literal::u128_unsuffixed(v.unsigned_abs());
        quote!(-#lit)
    } else {
        let lit = Literal::u128_unsuffixed(v as u128);
        quote!(#lit)
    }
}

pub(crate) fn emit_typedef(item: &Item, ty: &Type, cx: Ctx<'_>) -> TokenStream {
    let name = ident(&item.name);
    let doc = docs(&item.docs);
    let t = rust_type(ty, cx);
    quote! {
        #doc
        #[allow(non_camel_case_types, clippy::upper_case_acronyms)]
        pub type #name = #t;
    }
}

pub(crate) fn emit_fn_pointer(item: &Item, sig: &Signature, cx: Ctx<'_>) -> TokenStream {
    let k = cx.krate;
    let name = ident(&item.name);
    let doc = docs(&item.docs);
    let f = fn_pointer_type(sig, cx);
    let params: Vec<_> = sig
        .params
        .iter()
        .enumerate()
        .map(|(i, p)| (quote::format_ident!("a{i}"), rust_type(&p.ty, cx)))
        .collect();
    let arg_types: Vec<_> = params.iter().map(|(_, t)| t.clone()).collect();
    let ret = return_value_type(&sig.ret, cx);
    // `-> R`, nothing for `void` (clippy flags `-> ()`).
    let ret_arrow = return_type(&sig.ret, cx);
    // Rust closures cannot be variadic, and typed upcalls take up to 12 arguments.
    let invoke = if sig.variadic || sig.params.len() > 12 {
        quote!()
    } else {
        let names: Vec<_> = params.iter().map(|(n, _)| n.clone()).collect();
        let decls = params.iter().map(|(n, t)| quote!(#n: #t));
        let invoke_doc = " Calls the function.\n\n # Safety\n The pointer must be a live C function of this signature, and its contract must hold.\n\n # Panics\n If the pointer is null.";
        let new_doc = format!(
            " A `{}` that calls `f`: an upcall stub living in `scope` (an arena), freed when it closes.\n\n The pointer is only valid while `scope` is open; passing it to C or calling it is `unsafe`, and the caller keeps that promise. A panic in `f` aborts the process.",
            item.name
        );
        quote! {
            #[doc = #new_doc]
            pub fn new<'a, F>(scope: impl #k::__private::Scope<'a>, f: F) -> #k::Result<#name>
            where
                F: Fn(#(#arg_types),*) #ret_arrow + Send + Sync + 'static,
            {
                let stub = #k::__private::Linker::native().upcall_typed::<(#(#arg_types,)*), #ret, F>(scope, f)?;
                // SAFETY: the stub is a C function of exactly this signature (its descriptor is
                // derived from these very types) and is not null.
                Ok(unsafe { #name::from_address(#k::__private::Addressable::address(&stub)) })
            }

            #[doc = #invoke_doc]
            #[allow(clippy::too_many_arguments)]
            pub unsafe fn invoke(self, #(#decls),*) #ret_arrow {
                let f = self.0.expect("called a null function pointer");
                // SAFETY: forwarded to the caller.
                unsafe { f(#(#names),*) }
            }
        }
    };
    let type_name = &item.name;
    quote! {
        #doc
        #[repr(transparent)]
        #[derive(Clone, Copy, Default)]
        #[allow(non_camel_case_types, clippy::upper_case_acronyms, clippy::type_complexity)]
        pub struct #name(pub ::core::option::Option<#f>);

        #[allow(clippy::undocumented_unsafe_blocks, clippy::type_complexity)]
        impl #name {
            /// The null function pointer.
            pub const NULL: #name = #name(None);

            #invoke

            /// The function pointer at `address` (null gives [`NULL`](Self::NULL)).
            ///
            /// # Safety
            /// A non-null address must be a C function of this type's signature.
            pub unsafe fn from_address(address: #k::Address) -> #name {
                // SAFETY: Option of a function pointer has the layout of a pointer, with null
                // as None; the caller vouches for the function.
                #name(unsafe { ::core::mem::transmute::<*mut ::core::ffi::c_void, ::core::option::Option<#f>>(address.as_mut_ptr()) })
            }

            /// The function's address (null for [`NULL`](Self::NULL)).
            pub fn address(self) -> #k::Address {
                self.0.map_or(#k::Address::NULL, |f| #k::Address::from_ptr(f as *const u8))
            }
        }

        impl ::core::fmt::Debug for #name {
            fn fmt(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
                f.write_fmt(format_args!(concat!(#type_name, "({})"), self.address()))
            }
        }

        // SAFETY: a transparent newtype over a nullable function pointer: a pointer's layout,
        // read through Option<fn>'s own Native impl.
        #[allow(clippy::undocumented_unsafe_blocks)]
        unsafe impl #k::__private::Native for #name {
            const LAYOUT: #k::MemoryLayout = #k::ADDRESS.layout();
            fn read_at(segment: &#k::Segment, offset: usize, aligned: bool) -> Self {
                #name(<::core::option::Option<#f> as #k::__private::Native>::read_at(segment, offset, aligned))
            }
            fn write_at(self, segment: &mut #k::Segment, offset: usize, aligned: bool) {
                #k::__private::Native::write_at(self.0, segment, offset, aligned)
            }
        }

        impl #k::__private::FieldAccess for #name {
            type Get<'a> = #name;
            type Set<'a> = #name;
            fn get(segment: &#k::Segment, offset: usize, aligned: bool) -> #name {
                <#name as #k::__private::Native>::read_at(segment, offset, aligned)
            }
            fn set(segment: &mut #k::Segment, offset: usize, aligned: bool, value: #name) {
                #k::__private::Native::write_at(value, segment, offset, aligned)
            }
        }
    }
}

pub(crate) fn emit_constant(item: &Item, c: &Constant, cx: Ctx<'_>) -> TokenStream {
    let k = cx.krate;
    let name = ident(&item.name);
    let doc = docs(&item.docs);
    let (ty, value) = match &c.value {
        ConstValue::Int(v) if c.ty == Type::Prim(crate::ir::Prim::Bool) => {
            let b = *v != 0;
            (quote!(bool), quote!(#b))
        }
        ConstValue::Int(v) => (rust_type(&c.ty, cx), int_literal(*v)),
        ConstValue::Float(v) => {
            let single = c.ty == Type::Prim(crate::ir::Prim::F32);
            let float = if single { quote!(f32) } else { quote!(f64) };
            let lit = if v.is_finite() {
                // `Debug` prints the shortest text that reads back as the same value, with an
                // exponent when very large or small (`1e300`); an `f32` constant is printed as
                // an `f32`, so that it carries no excess precision.
                let text = if single {
                    format!("{:?}", *v as f32)
                } else {
                    format!("{v:?}")
                };
                text.parse::<TokenStream>().expect("a float literal")
            } else if v.is_nan() {
                quote!(#float::NAN)
            } else if *v > 0.0 {
                quote!(#float::INFINITY)
            } else {
                quote!(#float::NEG_INFINITY)
            };
            (rust_type(&c.ty, cx), lit)
        }
        ConstValue::Str(bytes) => {
            let mut with_nul = bytes.clone();
            with_nul.push(0);
            let s = std::ffi::CStr::from_bytes_until_nul(&with_nul).expect("terminated");
            let lit = Literal::c_string(s);
            (quote!(&::core::ffi::CStr), quote!(#lit))
        }
        ConstValue::Address(v) => {
            let bits = *v as u64 as usize;
            (quote!(#k::Address), quote!(#k::Address::NULL.add(#bits)))
        }
    };
    quote! {
        #doc
        #[allow(non_upper_case_globals, clippy::approx_constant)]
        pub const #name: #ty = #value;
    }
}

pub(crate) fn emit_opaque(item: &Item, o: &Opaque, cx: Ctx<'_>) -> TokenStream {
    let k = cx.krate;
    let name = ident(&item.name);
    let mut lines = item.docs.clone();
    if let Some(reason) = &o.reason {
        if !lines.is_empty() {
            lines.push(String::new());
        }
        lines.push(format!("Opaque: {reason}"));
    }
    let doc = docs(&lines);
    match o.size_align {
        None => quote! {
            #doc
            /// An incomplete type: use it behind pointers only.
            #[repr(C)]
            #[allow(non_camel_case_types, clippy::upper_case_acronyms)]
            pub struct #name {
                _opaque: [u8; 0],
                _not_send_sync_unpin: ::core::marker::PhantomData<(*mut u8, ::core::marker::PhantomPinned)>,
            }
        },
        Some((size, align)) => {
            let name_str = &item.name;
            let align_lit = Literal::usize_unsuffixed(align);
            quote! {
                    #doc
                    #[repr(C, align(#align_lit))]
                    #[derive(Clone, Copy)]
                    #[allow(non_camel_case_types, clippy::upper_case_acronyms)]
                    pub struct #name {
                        _opaque: [u8; #size],
                    }

                    impl ::core::fmt::Debug for #name {
                        fn fmt(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
                            f.write_str(#name_str)
                        }
                    }

                    // SAFETY: a blob of `size` bytes aligned to `align`: its layout is a byte
                    // sequence with that alignment, and any bytes are a valid value.
                    #[allow(clippy::undocumented_unsafe_blocks)]
            unsafe impl #k::__private::Native for #name {
                        const LAYOUT: #k::MemoryLayout = #k::layout::StructLayout::new(&[
                            #k::layout::SequenceLayout::new(#size, &#k::U8.layout()).layout(),
                        ])
                        .with_byte_alignment(#align)
                        .with_name(#name_str)
                        .layout();
                        fn read_at(segment: &#k::Segment, offset: usize, _aligned: bool) -> Self {
                            let bytes = #k::__private::aggregate_get(segment, offset, #size);
                            let mut v = #name { _opaque: [0; #size] };
                            v._opaque.copy_from_slice(bytes.as_bytes());
                            v
                        }
                        fn write_at(self, segment: &mut #k::Segment, offset: usize, _aligned: bool) {
                            segment.slice_mut(offset, #size).as_bytes_mut().copy_from_slice(&self._opaque);
                        }
                    }

                    impl #k::__private::FieldAccess for #name {
                        type Get<'a> = &'a #k::Segment;
                        type Set<'a> = &'a #k::Segment;
                        fn get(segment: &#k::Segment, offset: usize, _aligned: bool) -> &#k::Segment {
                            #k::__private::aggregate_get(segment, offset, #size)
                        }
                        fn set(segment: &mut #k::Segment, offset: usize, _aligned: bool, value: &#k::Segment) {
                            #k::__private::aggregate_set(segment, offset, #size, value)
                        }
                    }

                    const _: () = assert!(::core::mem::size_of::<#name>() == #size);
                }
        }
    }
}
