//! Structs and unions: the `#[repr(C)]` type, its `Native` layout computed at compile time,
//! offsets, jextract-style segment accessors, allocation, whole-value reads and writes,
//! bitfield accessors, and layout assertions.

use proc_macro2::{Literal, TokenStream};
use quote::{format_ident, quote};

use super::names::{Ctx, docs, ident, layout, prim, rust_type};
use crate::ir::{Item, ItemKind, Prim, Record, RecordKind, Type};

/// Accessor names the generated impl uses itself: a field with one of these names gets its
/// accessors suffixed with `_field`.
const RESERVED: &[&str] = &["allocate", "allocate_array", "read", "write", "layout"];

fn accessor_name(field: &str) -> String {
    if RESERVED.contains(&field) {
        format!("{field}_field")
    } else {
        field.to_owned()
    }
}

/// The name of a field's offset constant: `OFFSET_` and the name in capitals, unless another
/// visible field of `fields` has the same name in capitals (Xcms.h's `y` and `Y`): then a field not
/// spelled in capitals keeps its own spelling (`OFFSET_y`), which no other field has.
fn offset_const(field: &str, fields: &[crate::ir::Field]) -> proc_macro2::Ident {
    let upper = field.to_uppercase();
    let clash = fields
        .iter()
        .any(|f| !f.hidden && f.name != field && f.name.to_uppercase() == upper);
    if clash && field != upper {
        format_ident!("OFFSET_{}", field)
    } else {
        format_ident!("OFFSET_{}", upper)
    }
}

pub(crate) fn emit(item: &Item, record: &Record, cx: Ctx<'_>) -> TokenStream {
    let k = cx.krate;
    let name = ident(&item.name);
    let name_str = &item.name;
    let doc = docs(&item.docs);
    let attrs: Vec<TokenStream> = record
        .attrs
        .iter()
        .map(|a| a.parse().expect("IR attributes are valid token streams"))
        .collect();
    let is_struct = record.kind == RecordKind::Struct;
    let aligned = record.pack.is_none();
    let pack = record.pack.unwrap_or(0);
    let align = record.align.unwrap_or(0);

    let mut repr = vec![quote!(C)];
    if let Some(p) = record.pack {
        let p = Literal::usize_unsuffixed(p);
        repr.push(if record.pack == Some(1) {
            quote!(packed)
        } else {
            quote!(packed(#p))
        });
    }
    if let Some(a) = record.align {
        let a = Literal::usize_unsuffixed(a);
        repr.push(quote!(align(#a)));
    }

    let fields = record.fields.iter().map(|f| {
        let fname = ident(&f.name);
        let ty = rust_type(&f.ty, cx);
        let fdoc = docs(&f.docs);
        let hidden = f.hidden.then(|| quote!(#[doc(hidden)]));
        quote!(#fdoc #hidden pub #fname: #ty)
    });
    let member_layouts: Vec<TokenStream> = record
        .fields
        .iter()
        .map(|f| {
            let l = layout(&f.ty, cx);
            let n = &f.name;
            quote!(#l.with_name(#n))
        })
        .collect();
    let n = record.fields.len();

    let keyword = if is_struct {
        quote!(struct)
    } else {
        quote!(union)
    };
    let derive_debug = is_struct.then(|| quote!(, Debug));
    let type_def = quote! {
        #doc
        #(#attrs)*
        #[repr(#(#repr),*)]
        #[derive(Clone, Copy #derive_debug)]
        #[allow(non_camel_case_types, non_snake_case, clippy::upper_case_acronyms, clippy::type_complexity)]
        pub #keyword #name {
            #(#fields,)*
        }
    };

    // The layout, computed at compile time from the field types by C's rules.
    let (layout_static, layout_const, layout_type) = if is_struct {
        let m = 2 * n + 1;
        (
            quote! {
                #[doc(hidden)]
                pub const __FFM_LAYOUT: &'static #k::__private::CStruct<#m> =
                    &#k::__private::CStruct::new([#(#member_layouts),*], #pack, #align);
            },
            quote!(Self::__FFM_LAYOUT.layout().with_name(#name_str).layout()),
            quote!(#k::layout::StructLayout),
        )
    } else {
        let m = n + 1;
        (
            quote! {
                #[doc(hidden)]
                pub const __FFM_LAYOUT: &'static #k::__private::CUnion<#m> =
                    &#k::__private::CUnion::new([#(#member_layouts),*], #pack, #align);
            },
            quote!(Self::__FFM_LAYOUT.layout().with_name(#name_str).layout()),
            quote!(#k::layout::UnionLayout),
        )
    };
    let typed_layout = if is_struct {
        quote!(#k::__private::struct_layout(<Self as #k::__private::Native>::LAYOUT))
    } else {
        quote!(#k::__private::union_layout(<Self as #k::__private::Native>::LAYOUT))
    };

    let field_offset = |i: usize| {
        if is_struct {
            quote!(Self::__FFM_LAYOUT.offset(#i))
        } else {
            quote!(0)
        }
    };

    // Offsets and segment accessors of the visible fields.
    let mut accessors = Vec::new();
    for (i, f) in record.fields.iter().enumerate() {
        if f.hidden {
            continue;
        }
        let off_name = offset_const(&f.name, &record.fields);
        // `OFFSET_y` beside `OFFSET_Y`.
        let off_allow = (off_name != format!("OFFSET_{}", f.name.to_uppercase()))
            .then(|| quote!(#[allow(non_upper_case_globals)]));
        let off = field_offset(i);
        let ty = rust_type(&f.ty, cx);
        let fname = &f.name;
        let getter = ident(&accessor_name(&f.name));
        let setter = format_ident!("set_{}", accessor_name(&f.name));
        let off_doc = format!(" Byte offset of `{fname}`.");
        let get_doc = format!(
            " Reads `{fname}` from a segment holding a `{name_str}` (an aggregate field comes back as a sub-segment)."
        );
        let set_doc = format!(" Writes `{fname}` into a segment holding a `{name_str}`.");
        accessors.push(quote! {
            #[doc = #off_doc]
            #off_allow
            pub const #off_name: usize = #off;

            #[doc = #get_doc]
            ///
            /// # Panics
            /// If the segment is too short (or misaligned) for the field.
            #[allow(non_snake_case)]
            pub fn #getter(segment: &#k::Segment) -> <#ty as #k::__private::FieldAccess>::Get<'_> {
                <#ty as #k::__private::FieldAccess>::get(segment, Self::#off_name, #aligned)
            }

            #[doc = #set_doc]
            ///
            /// # Panics
            /// If the segment is too short (or misaligned) for the field.
            #[allow(non_snake_case)]
            pub fn #setter(segment: &mut #k::Segment, value: <#ty as #k::__private::FieldAccess>::Set<'_>) {
                <#ty as #k::__private::FieldAccess>::set(segment, Self::#off_name, #aligned, value)
            }
        });
    }

    // Members of anonymous struct and union members, reachable from this record.
    for (i, f) in record.fields.iter().enumerate() {
        if f.anonymous {
            // The offset as a sum of terms (none for a union's member: offset 0), so that the
            // expression has neither `+ 0` nor extra parentheses for lints to flag.
            let base: Vec<TokenStream> = if is_struct {
                vec![field_offset(i)]
            } else {
                Vec::new()
            };
            flattened(&mut accessors, cx, name_str, &base, &f.ty, aligned);
        }
    }

    // Bitfields: accessors on the value.
    for f in &record.fields {
        let storage = ident(&f.name);
        for b in &f.bitfields {
            let getter = ident(&accessor_name(&b.name));
            let setter = format_ident!("set_{}", accessor_name(&b.name));
            let ty = prim(b.ty);
            let (off, width) = (b.bit_offset, b.width);
            let bdoc = docs(&b.docs);
            let read = if b.ty == Prim::Bool {
                quote!(#k::__private::bits_get(&self.#storage, #off, #width) != 0)
            } else if b.ty.is_signed() {
                quote!(#k::__private::sign_extend(#k::__private::bits_get(&self.#storage, #off, #width), #width) as #ty)
            } else {
                quote!(#k::__private::bits_get(&self.#storage, #off, #width) as #ty)
            };
            let set_doc = format!(
                " Sets the {width}-bit field `{}` (higher bits are dropped).",
                b.name
            );
            // The casts go through u64, which may be the field's own type.
            accessors.push(quote! {
                #bdoc
                #[allow(non_snake_case, clippy::unnecessary_cast)]
                pub fn #getter(&self) -> #ty {
                    #read
                }

                #[doc = #set_doc]
                #[allow(non_snake_case, clippy::unnecessary_cast)]
                pub fn #setter(&mut self, value: #ty) {
                    #k::__private::bits_set(&mut self.#storage, #off, #width, value as u64)
                }
            });
        }
    }

    // Native: layout and field-wise reads and writes.
    let (read_body, write_body) = if is_struct {
        let reads = record.fields.iter().enumerate().map(|(i, f)| {
            let fname = ident(&f.name);
            let ty = rust_type(&f.ty, cx);
            let off = field_offset(i);
            let aligned = if aligned { quote!(aligned) } else { quote!(false) };
            quote!(#fname: <#ty as #k::__private::Native>::read_at(segment, offset + #off, #aligned))
        });
        let writes = record.fields.iter().enumerate().map(|(i, f)| {
            let fname = ident(&f.name);
            let off = field_offset(i);
            // Copy out first: fields of packed structs cannot be borrowed.
            let aligned = if aligned {
                quote!(aligned)
            } else {
                quote!(false)
            };
            quote! {
                let v = self.#fname;
                #k::__private::Native::write_at(v, segment, offset + #off, #aligned);
            }
        });
        // A packed struct reads and writes its fields unaligned whatever the caller says.
        let ignore = (!aligned).then(|| quote!(let _ = aligned;));
        (
            quote!(#ignore #name { #(#reads),* }),
            quote!(#ignore #(#writes)*),
        )
    } else {
        (
            quote! {
                let _ = aligned;
                let bytes = #k::__private::aggregate_get(segment, offset, ::core::mem::size_of::<Self>());
                // SAFETY: the bytes are in bounds (aggregate_get checked), read unaligned; a
                // union has no validity requirement on its bytes, and every member is Copy.
                unsafe { ::core::ptr::read_unaligned(bytes.as_ptr().cast::<Self>()) }
            },
            quote! {
                let _ = aligned;
                let bytes = segment.slice_mut(offset, ::core::mem::size_of::<Self>());
                // SAFETY: the destination is exactly size_of::<Self>() writable bytes.
                unsafe { ::core::ptr::write_unaligned(bytes.as_mut_ptr().cast::<Self>(), self) }
            },
        )
    };

    let allocate_doc = format!(" Allocates a zero-filled `{name_str}`.");
    let allocate_array_doc = format!(" Allocates a zero-filled array of `count` `{name_str}`s.");
    let read_doc =
        format!(" Reads a whole `{name_str}` from the start of `segment`, field by field.");
    let write_doc = format!(" Writes this `{name_str}` to the start of `segment`, field by field.");
    let layout_doc = format!(" The C layout of `{name_str}`.");

    let mut assertions = vec![
        quote!(
            assert!(::core::mem::size_of::<#name>() == <#name as #k::__private::Native>::LAYOUT.byte_size())
        ),
        quote!(
            assert!(::core::mem::align_of::<#name>() == <#name as #k::__private::Native>::LAYOUT.byte_alignment())
        ),
    ];
    if is_struct {
        for (i, f) in record.fields.iter().enumerate() {
            let fname = ident(&f.name);
            assertions.push(quote!(
                assert!(::core::mem::offset_of!(#name, #fname) == #name::__FFM_LAYOUT.offset(#i))
            ));
        }
    }
    if let Some(l) = &record.layout {
        let (size, al) = (l.size, l.align);
        assertions.push(quote!(assert!(::core::mem::size_of::<#name>() == #size)));
        assertions.push(quote!(assert!(::core::mem::align_of::<#name>() == #al)));
        if is_struct {
            for (f, off) in record.fields.iter().zip(&l.offsets) {
                let fname = ident(&f.name);
                assertions.push(quote!(
                    assert!(::core::mem::offset_of!(#name, #fname) == #off)
                ));
            }
        }
    }

    let debug_impl = (!is_struct).then(|| {
        let text = format!("{name_str} {{ .. }}");
        quote! {
            impl ::core::fmt::Debug for #name {
                fn fmt(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
                    f.write_str(#text)
                }
            }
        }
    });

    quote! {
        #type_def

        // SAFETY: LAYOUT is computed from the field types by C's rules, exactly as rustc lays
        // out this #[repr(C)] type (asserted below); reads go field by field through each
        // field type's own Native::read_at.
        #[allow(clippy::undocumented_unsafe_blocks)]
        unsafe impl #k::__private::Native for #name {
            const LAYOUT: #k::MemoryLayout = #layout_const;
            fn read_at(segment: &#k::Segment, offset: usize, aligned: bool) -> Self {
                #read_body
            }
            fn write_at(self, segment: &mut #k::Segment, offset: usize, aligned: bool) {
                #write_body
            }
        }

        impl #k::__private::FieldAccess for #name {
            type Get<'a> = &'a #k::Segment;
            type Set<'a> = &'a #k::Segment;
            fn get(segment: &#k::Segment, offset: usize, _aligned: bool) -> &#k::Segment {
                #k::__private::aggregate_get(segment, offset, ::core::mem::size_of::<Self>())
            }
            fn set(segment: &mut #k::Segment, offset: usize, _aligned: bool, value: &#k::Segment) {
                #k::__private::aggregate_set(segment, offset, ::core::mem::size_of::<Self>(), value)
            }
        }

        #[allow(non_snake_case, clippy::undocumented_unsafe_blocks, clippy::type_complexity)]
        impl #name {
            #layout_static

            #[doc = #layout_doc]
            pub const LAYOUT: #layout_type = #typed_layout;

            #(#accessors)*

            #[doc = #allocate_doc]
            pub fn allocate<'a>(allocator: impl #k::__private::SegmentAllocator<'a>) -> #k::Result<&'a mut #k::Segment> {
                allocator.allocate_layout(&<Self as #k::__private::Native>::LAYOUT)
            }

            #[doc = #allocate_array_doc]
            pub fn allocate_array<'a>(
                allocator: impl #k::__private::SegmentAllocator<'a>,
                count: usize,
            ) -> #k::Result<&'a mut #k::Segment> {
                let size = count.checked_mul(::core::mem::size_of::<Self>()).ok_or_else(|| #k::Error::SizeOverflow {
                    what: ::std::format!("{} × {}", count, #name_str),
                })?;
                allocator.allocate(size, ::core::mem::align_of::<Self>())
            }

            #[doc = #read_doc]
            ///
            /// Fails if the segment is shorter than the struct; any alignment is accepted.
            pub fn read(segment: &#k::Segment) -> #k::Result<Self> {
                segment.check_access(0, ::core::mem::size_of::<Self>(), 1)?;
                Ok(<Self as #k::__private::Native>::read_at(segment, 0, false))
            }

            #[doc = #write_doc]
            ///
            /// Fails if the segment is shorter than the struct; any alignment is accepted.
            pub fn write(&self, segment: &mut #k::Segment) -> #k::Result<()> {
                segment.check_access(0, ::core::mem::size_of::<Self>(), 1)?;
                <Self as #k::__private::Native>::write_at(*self, segment, 0, false);
                Ok(())
            }
        }

        #debug_impl

        const _: () = {
            #(#assertions;)*
        };
    }
}

/// Accessors for the members of an anonymous member of type `ty` at `base` (the sum of these
/// terms), recursively.
fn flattened(
    out: &mut Vec<TokenStream>,
    cx: Ctx<'_>,
    parent: &str,
    base: &[TokenStream],
    ty: &Type,
    aligned: bool,
) {
    let k = cx.krate;
    let Type::Named(inner_name) = ty else { return };
    let Some(ItemKind::Record(inner)) = cx
        .unit
        .items
        .iter()
        .find(|i| &i.name == inner_name)
        .map(|i| &i.kind)
    else {
        return;
    };
    let inner_ident = ident(inner_name);
    for (j, m) in inner.fields.iter().enumerate() {
        if m.hidden {
            continue;
        }
        let mut terms = base.to_vec();
        if inner.kind == RecordKind::Struct {
            terms.push(quote!(#inner_ident::__FFM_LAYOUT.offset(#j)));
        }
        if m.anonymous {
            flattened(out, cx, parent, &terms, &m.ty, aligned);
            continue;
        }
        let off = if terms.is_empty() {
            quote!(0)
        } else {
            quote!(#(#terms)+*)
        };
        let ty = rust_type(&m.ty, cx);
        let getter = ident(&accessor_name(&m.name));
        let setter = format_ident!("set_{}", accessor_name(&m.name));
        let mname = &m.name;
        let get_doc = format!(
            " Reads `{mname}`, a member of an anonymous member of `{parent}`, from a segment holding a `{parent}`."
        );
        let set_doc = format!(" Writes `{mname}` into a segment holding a `{parent}`.");
        out.push(quote! {
            #[doc = #get_doc]
            #[allow(non_snake_case)]
            pub fn #getter(segment: &#k::Segment) -> <#ty as #k::__private::FieldAccess>::Get<'_> {
                <#ty as #k::__private::FieldAccess>::get(segment, #off, #aligned)
            }

            #[doc = #set_doc]
            #[allow(non_snake_case)]
            pub fn #setter(segment: &mut #k::Segment, value: <#ty as #k::__private::FieldAccess>::Set<'_>) {
                <#ty as #k::__private::FieldAccess>::set(segment, #off, #aligned, value)
            }
        });
    }
}
