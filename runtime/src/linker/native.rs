//! `Native`: Rust types that have a C layout and can cross the boundary by value; and
//! `FieldAccess`: how generated accessors read and write a field of such a type in a segment.

use std::ffi::c_void;

use crate::layout::{MemoryLayout, SequenceLayout, ValueLayout};
use crate::{ADDRESS, Address, Segment};

/// A Rust type with a C layout: the scalars, [`Address`], raw pointers, arrays of `Native`
/// types, nullable `unsafe extern "C" fn` pointers, and the structs, unions, enums and callback
/// types that `#[ffm::foreign]` and `ffm-extract` generate.
///
/// Typed upcalls take and return `Native` values, and generated bindings build their
/// descriptors and struct layouts from `LAYOUT` at compile time.
///
/// Typed downcall views ([`Downcall::typed`](super::Downcall::typed)) pass and return `Native`
/// values by value, through Rust `extern "C"` function types where they can: a value C
/// returns is then taken as it is, not through `read_at`.
///
/// # Safety
/// `LAYOUT` must describe the type exactly: its size, alignment, and for scalars the kind of
/// value, so that the calling convention treats it as C treats the C type. A type whose layout
/// is a value layout must be that scalar: no padding, and passed by Rust's `extern "C"` ABI as
/// the scalar (the primitive itself, or a `#[repr(transparent)]` wrapper of one). A type whose
/// layout is a struct or union must be a `#[repr(C)]` struct or union with those members.
/// Every value C can hold in the layout's scalars (any integer, float or address, and 0 or 1
/// for `_Bool`) must be a valid value of the type: typed calls and typed upcalls take such
/// values from C as they are. `read_at` must only ever produce valid values of the type,
/// whatever the bytes. Generated code asserts the layout against `size_of`, `align_of` and
/// `offset_of!`.
pub unsafe trait Native: Copy + 'static {
    /// The type's C layout.
    const LAYOUT: MemoryLayout;

    /// `&LAYOUT`, usable where a `&'static` layout is needed in a `const`.
    #[doc(hidden)]
    const LAYOUT_REF: &'static MemoryLayout = &Self::LAYOUT;

    /// Reads a value at `offset`, field by field for aggregates, so that any bytes give a
    /// valid value (booleans are normalized).
    ///
    /// # Panics
    /// If the value is not inside `segment` (and, when `aligned`, not aligned).
    #[doc(hidden)]
    fn read_at(segment: &Segment, offset: usize, aligned: bool) -> Self;

    /// Writes the value at `offset`.
    ///
    /// # Panics
    /// As `read_at`.
    #[doc(hidden)]
    fn write_at(self, segment: &mut Segment, offset: usize, aligned: bool);
}

macro_rules! native_scalar {
    ($($t:ty),*) => {$(
        // SAFETY: the natural value layout of a carrier has the carrier's size, alignment and
        // kind; Segment::get yields valid values for every carrier.
        unsafe impl Native for $t {
            const LAYOUT: MemoryLayout = ValueLayout::<$t>::NATURAL.layout();
            #[inline]
            fn read_at(segment: &Segment, offset: usize, aligned: bool) -> Self {
                let l = ValueLayout::<$t>::NATURAL;
                segment.get(if aligned { l } else { l.unaligned() }, offset)
            }
            #[inline]
            fn write_at(self, segment: &mut Segment, offset: usize, aligned: bool) {
                let l = ValueLayout::<$t>::NATURAL;
                segment.set(if aligned { l } else { l.unaligned() }, offset, self)
            }
        }

        impl FieldAccess for $t {
            type Get<'a> = $t;
            type Set<'a> = $t;
            #[inline]
            fn get(segment: &Segment, offset: usize, aligned: bool) -> $t {
                <$t as Native>::read_at(segment, offset, aligned)
            }
            #[inline]
            fn set(segment: &mut Segment, offset: usize, aligned: bool, value: $t) {
                value.write_at(segment, offset, aligned)
            }
        }
    )*};
}

native_scalar!(
    i8, u8, i16, u16, i32, u32, i64, u64, isize, usize, f32, f64, bool, Address
);

macro_rules! native_pointer {
    ($($p:ident),*) => {$(
        // SAFETY: a raw pointer is a pointer-sized, pointer-aligned address; any bits are a
        // valid raw pointer.
        unsafe impl<T: 'static> Native for *$p T {
            const LAYOUT: MemoryLayout = ADDRESS.layout();
            #[inline]
            fn read_at(segment: &Segment, offset: usize, aligned: bool) -> Self {
                Address::read_at(segment, offset, aligned).as_mut_ptr()
            }
            #[inline]
            fn write_at(self, segment: &mut Segment, offset: usize, aligned: bool) {
                Address::from_ptr(self).write_at(segment, offset, aligned)
            }
        }

        impl<T: 'static> FieldAccess for *$p T {
            type Get<'a> = *$p T;
            type Set<'a> = *$p T;
            #[inline]
            fn get(segment: &Segment, offset: usize, aligned: bool) -> Self {
                Self::read_at(segment, offset, aligned)
            }
            #[inline]
            fn set(segment: &mut Segment, offset: usize, aligned: bool, value: Self) {
                value.write_at(segment, offset, aligned)
            }
        }
    )*};
}

native_pointer!(const, mut);

// SAFETY: an array is its elements one after the other, which is what a sequence layout says;
// reading reads every element with its own (valid-value) read.
unsafe impl<T: Native, const N: usize> Native for [T; N] {
    const LAYOUT: MemoryLayout = SequenceLayout::new(N, T::LAYOUT_REF).layout();
    fn read_at(segment: &Segment, offset: usize, aligned: bool) -> Self {
        let size = T::LAYOUT.byte_size();
        std::array::from_fn(|i| T::read_at(segment, offset + i * size, aligned))
    }
    fn write_at(self, segment: &mut Segment, offset: usize, aligned: bool) {
        let size = T::LAYOUT.byte_size();
        for (i, v) in self.into_iter().enumerate() {
            v.write_at(segment, offset + i * size, aligned);
        }
    }
}

/// How a generated segment accessor reads and writes a field of this type: scalars and
/// pointers by value, aggregates (structs, unions, arrays) as a sub-segment, in jextract's
/// manner.
pub trait FieldAccess {
    /// What the getter returns.
    type Get<'a>;
    /// What the setter takes.
    type Set<'a>;
    /// Reads the field at `offset` of `segment`.
    ///
    /// # Panics
    /// If the field is not inside `segment` (or, when `aligned`, misaligned).
    fn get(segment: &Segment, offset: usize, aligned: bool) -> Self::Get<'_>;
    /// Writes the field at `offset` of `segment` (an aggregate: copies the bytes of a segment
    /// of its exact size).
    ///
    /// # Panics
    /// As `get`, and for an aggregate whose source has another size.
    fn set(segment: &mut Segment, offset: usize, aligned: bool, value: Self::Set<'_>);
}

/// Field access for aggregates: a sub-segment of the type's size.
pub fn aggregate_get(segment: &Segment, offset: usize, size: usize) -> &Segment {
    segment.slice(offset, size)
}

/// Field access for aggregates: copies `value` (which must be `size` bytes) into place.
///
/// # Panics
/// If `value` is not `size` bytes, or the field is out of bounds.
pub fn aggregate_set(segment: &mut Segment, offset: usize, size: usize, value: &Segment) {
    assert_eq!(
        value.len(),
        size,
        "a {size}-byte field cannot be set from a segment of {} byte(s)",
        value.len()
    );
    segment.slice_mut(offset, size).copy_from(value);
}

impl<T: Native, const N: usize> FieldAccess for [T; N] {
    type Get<'a> = &'a Segment;
    type Set<'a> = &'a Segment;
    fn get(segment: &Segment, offset: usize, _aligned: bool) -> &Segment {
        aggregate_get(segment, offset, size_of::<[T; N]>())
    }
    fn set(segment: &mut Segment, offset: usize, _aligned: bool, value: &Segment) {
        aggregate_set(segment, offset, size_of::<[T; N]>(), value)
    }
}

macro_rules! native_fn_pointer {
    () => {
        native_fn_pointer!(@one [] []);
    };
    ($($a:ident),+) => {
        native_fn_pointer!(@one [$($a),*] []);
        native_fn_pointer!(@one [$($a),*] [...]);
    };
    (@one [$($a:ident),*] [$($dots:tt)*]) => {
        // SAFETY: a nullable function pointer is a pointer-sized address; reading goes through
        // an address, and `Option` makes every address (null included) a valid value.
        unsafe impl<R: 'static, $($a: 'static),*> Native for Option<unsafe extern "C" fn($($a,)* $($dots)*) -> R> {
            const LAYOUT: MemoryLayout = ADDRESS.layout();
            fn read_at(segment: &Segment, offset: usize, aligned: bool) -> Self {
                let p: *mut c_void = Address::read_at(segment, offset, aligned).as_mut_ptr();
                // SAFETY: Option<fn> has the layout of a pointer, with null as None; any other
                // address is a valid (if not necessarily callable) function pointer value, and
                // calling it is `unsafe`.
                unsafe { std::mem::transmute::<*mut c_void, Self>(p) }
            }
            fn write_at(self, segment: &mut Segment, offset: usize, aligned: bool) {
                let p = self.map_or(std::ptr::null::<u8>(), |f| f as *const u8);
                Address::from_ptr(p).write_at(segment, offset, aligned)
            }
        }

        impl<R: 'static, $($a: 'static),*> FieldAccess for Option<unsafe extern "C" fn($($a,)* $($dots)*) -> R> {
            type Get<'a> = Self;
            type Set<'a> = Self;
            fn get(segment: &Segment, offset: usize, aligned: bool) -> Self {
                Self::read_at(segment, offset, aligned)
            }
            fn set(segment: &mut Segment, offset: usize, aligned: bool, value: Self) {
                value.write_at(segment, offset, aligned)
            }
        }
    };
}

native_fn_pointer!();
native_fn_pointer!(A);
native_fn_pointer!(A, B);
native_fn_pointer!(A, B, C);
native_fn_pointer!(A, B, C, D);
native_fn_pointer!(A, B, C, D, E);
native_fn_pointer!(A, B, C, D, E, F);
native_fn_pointer!(A, B, C, D, E, F, G);
native_fn_pointer!(A, B, C, D, E, F, G, H);
native_fn_pointer!(A, B, C, D, E, F, G, H, I);
native_fn_pointer!(A, B, C, D, E, F, G, H, I, J);
native_fn_pointer!(A, B, C, D, E, F, G, H, I, J, K);
native_fn_pointer!(A, B, C, D, E, F, G, H, I, J, K, L);
