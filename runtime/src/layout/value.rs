//! Value layouts: the leaves of a layout, each tied to the Rust type that carries it.

use std::fmt;
use std::hash::{Hash, Hasher};
use std::marker::PhantomData;
use std::ops::Deref;

use super::{LayoutKind, MemoryLayout};
use crate::address::Address;

/// The order of the bytes of a multi-byte value in memory.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ByteOrder {
    /// Least significant byte first (x86-64, most AArch64 systems).
    Little,
    /// Most significant byte first (network order).
    Big,
}

impl ByteOrder {
    /// The byte order of the machine this program runs on.
    pub const NATIVE: ByteOrder = if cfg!(target_endian = "little") {
        ByteOrder::Little
    } else {
        ByteOrder::Big
    };
}

/// What a value layout holds: the Rust carrier type, erased.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ValueKind {
    /// `i8` (C `signed char`, and `char` on x86-64).
    I8,
    /// `u8` (C `unsigned char`).
    U8,
    /// `i16` (C `short`).
    I16,
    /// `u16` (C `unsigned short`).
    U16,
    /// `i32` (C `int`).
    I32,
    /// `u32` (C `unsigned int`).
    U32,
    /// `i64` (C `long long`, and `long` on LP64).
    I64,
    /// `u64` (C `unsigned long long`).
    U64,
    /// `isize` (C `ssize_t`, `ptrdiff_t`).
    Isize,
    /// `usize` (C `size_t`).
    Usize,
    /// `f32` (C `float`).
    F32,
    /// `f64` (C `double`).
    F64,
    /// `bool` (C `_Bool`): one byte, read as `byte != 0`, written as 0 or 1.
    Bool,
    /// [`Address`] (any C pointer).
    Address,
}

impl ValueKind {
    /// Size in bytes of a value of this kind.
    pub const fn size(self) -> usize {
        match self {
            ValueKind::I8 | ValueKind::U8 | ValueKind::Bool => 1,
            ValueKind::I16 | ValueKind::U16 => 2,
            ValueKind::I32 | ValueKind::U32 | ValueKind::F32 => 4,
            ValueKind::I64 | ValueKind::U64 | ValueKind::F64 => 8,
            ValueKind::Isize | ValueKind::Usize | ValueKind::Address => size_of::<usize>(),
        }
    }

    /// The name used when layouts are printed (`i32`, `f64`, `ptr`, …).
    pub const fn name(self) -> &'static str {
        match self {
            ValueKind::I8 => "i8",
            ValueKind::U8 => "u8",
            ValueKind::I16 => "i16",
            ValueKind::U16 => "u16",
            ValueKind::I32 => "i32",
            ValueKind::U32 => "u32",
            ValueKind::I64 => "i64",
            ValueKind::U64 => "u64",
            ValueKind::Isize => "isize",
            ValueKind::Usize => "usize",
            ValueKind::F32 => "f32",
            ValueKind::F64 => "f64",
            ValueKind::Bool => "bool",
            ValueKind::Address => "ptr",
        }
    }

    /// The Rust type that carries values of this kind.
    pub const fn rust_type(self) -> &'static str {
        match self {
            ValueKind::Address => "ffm::Address",
            other => other.name(),
        }
    }

    /// Whether this is `f32` or `f64`.
    pub const fn is_float(self) -> bool {
        matches!(self, ValueKind::F32 | ValueKind::F64)
    }
}

mod sealed {
    pub trait Sealed {}
}

/// A Rust type that a [`ValueLayout`] can carry: the integers, `f32`, `f64`, `bool` and [`Address`].
///
/// The trait is sealed; its methods are for the runtime and generated code.
pub trait Carrier: Copy + Send + Sync + 'static + sealed::Sealed {
    /// The layout kind this type carries.
    const KIND: ValueKind;

    /// Reads a value from `ptr`, which need not be aligned.
    ///
    /// # Safety
    /// `ptr` must be valid for reading `KIND.size()` bytes.
    #[doc(hidden)]
    unsafe fn read(ptr: *const u8, order: ByteOrder) -> Self;

    /// Writes `self` to `ptr`, which need not be aligned.
    ///
    /// # Safety
    /// `ptr` must be valid for writing `KIND.size()` bytes.
    #[doc(hidden)]
    unsafe fn write(self, ptr: *mut u8, order: ByteOrder);
}

macro_rules! int_carrier {
    ($($t:ty => $kind:ident),* $(,)?) => {$(
        impl sealed::Sealed for $t {}
        impl Carrier for $t {
            const KIND: ValueKind = ValueKind::$kind;
            #[inline(always)]
            unsafe fn read(ptr: *const u8, order: ByteOrder) -> Self {
                // SAFETY: the caller guarantees `ptr` is readable for size_of::<$t>() bytes;
                // read_unaligned has no alignment requirement and every bit pattern is valid.
                let v = unsafe { ptr.cast::<$t>().read_unaligned() };
                if matches!(order, ByteOrder::Little) == cfg!(target_endian = "little") { v } else { v.swap_bytes() }
            }
            #[inline(always)]
            unsafe fn write(self, ptr: *mut u8, order: ByteOrder) {
                let v = if matches!(order, ByteOrder::Little) == cfg!(target_endian = "little") { self } else { self.swap_bytes() };
                // SAFETY: the caller guarantees `ptr` is writable for size_of::<$t>() bytes.
                unsafe { ptr.cast::<$t>().write_unaligned(v) }
            }
        }
    )*};
}

int_carrier!(i8 => I8, u8 => U8, i16 => I16, u16 => U16, i32 => I32, u32 => U32,
             i64 => I64, u64 => U64, isize => Isize, usize => Usize);

macro_rules! float_carrier {
    ($($t:ty => $kind:ident / $bits:ty),* $(,)?) => {$(
        impl sealed::Sealed for $t {}
        impl Carrier for $t {
            const KIND: ValueKind = ValueKind::$kind;
            #[inline(always)]
            unsafe fn read(ptr: *const u8, order: ByteOrder) -> Self {
                // SAFETY: forwarded caller contract.
                <$t>::from_bits(unsafe { <$bits as Carrier>::read(ptr, order) })
            }
            #[inline(always)]
            unsafe fn write(self, ptr: *mut u8, order: ByteOrder) {
                // SAFETY: forwarded caller contract.
                unsafe { self.to_bits().write(ptr, order) }
            }
        }
    )*};
}

float_carrier!(f32 => F32 / u32, f64 => F64 / u64);

impl sealed::Sealed for bool {}
impl Carrier for bool {
    const KIND: ValueKind = ValueKind::Bool;
    #[inline(always)]
    unsafe fn read(ptr: *const u8, _order: ByteOrder) -> Self {
        // SAFETY: the caller guarantees one readable byte; any byte value is read as u8 first,
        // never as `bool`, so a byte other than 0/1 is normalized rather than UB.
        unsafe { ptr.read() != 0 }
    }
    #[inline(always)]
    unsafe fn write(self, ptr: *mut u8, _order: ByteOrder) {
        // SAFETY: the caller guarantees one writable byte.
        unsafe { ptr.write(u8::from(self)) }
    }
}

impl sealed::Sealed for Address {}
impl Carrier for Address {
    const KIND: ValueKind = ValueKind::Address;
    #[inline(always)]
    unsafe fn read(ptr: *const u8, order: ByteOrder) -> Self {
        if matches!(order, ByteOrder::Little) == cfg!(target_endian = "little") {
            // SAFETY: the caller guarantees pointer-size readable bytes; reading as a pointer
            // keeps whatever provenance the stored pointer had.
            Address::from_ptr(unsafe { ptr.cast::<*mut u8>().read_unaligned() })
        } else {
            // SAFETY: as above; a byte-swapped address has no provenance to keep.
            let bits = unsafe { <usize as Carrier>::read(ptr, order) };
            Address::from_ptr(std::ptr::with_exposed_provenance_mut::<u8>(bits))
        }
    }
    #[inline(always)]
    unsafe fn write(self, ptr: *mut u8, order: ByteOrder) {
        if matches!(order, ByteOrder::Little) == cfg!(target_endian = "little") {
            // SAFETY: the caller guarantees pointer-size writable bytes.
            unsafe { ptr.cast::<*mut u8>().write_unaligned(self.as_mut_ptr()) }
        } else {
            // SAFETY: as above.
            unsafe { self.as_ptr::<u8>().expose_provenance().write(ptr, order) }
        }
    }
}

/// A value layout: the layout of one scalar, tied to the Rust type `T` that carries it.
///
/// It knows its size (that of `T`), its byte order and its alignment. Segment access is typed by
/// it: `segment.get(I32, 8)` returns an `i32`, read in the layout's byte order after checking the
/// layout's alignment. A `ValueLayout` is `Copy` and const-constructible; it dereferences to the
/// erased [`MemoryLayout`], and [`layout`](Self::layout) converts it.
///
/// ```
/// use ffm::{ByteOrder, I32};
/// let be = I32.with_order(ByteOrder::Big).with_name("len");
/// assert_eq!(be.byte_size(), 4);
/// assert_eq!(be.name(), Some("len"));
/// ```
#[repr(transparent)]
pub struct ValueLayout<T> {
    layout: MemoryLayout,
    _carrier: PhantomData<fn() -> T>,
}

impl<T: Carrier> ValueLayout<T> {
    /// The natural layout of `T`: native byte order, aligned to its size, no name.
    pub const NATURAL: ValueLayout<T> = ValueLayout {
        layout: MemoryLayout {
            name: None,
            size: T::KIND.size(),
            align: T::KIND.size(),
            kind: LayoutKind::Value {
                kind: T::KIND,
                order: ByteOrder::NATIVE,
                target: None,
            },
        },
        _carrier: PhantomData,
    };

    /// The same layout with byte order `order`.
    pub const fn with_order(self, order: ByteOrder) -> Self {
        let mut layout = self.layout;
        if let LayoutKind::Value { kind, target, .. } = layout.kind {
            layout.kind = LayoutKind::Value {
                kind,
                order,
                target,
            };
        }
        Self::wrap(layout)
    }

    /// The byte order of the value.
    pub const fn order(&self) -> ByteOrder {
        match self.layout.kind {
            LayoutKind::Value { order, .. } => order,
            _ => ByteOrder::NATIVE,
        }
    }

    /// The same layout with name `name`.
    pub const fn with_name(self, name: &'static str) -> Self {
        Self::wrap(self.layout.with_name(name))
    }

    /// The same layout with alignment `align` bytes.
    ///
    /// # Panics
    /// If `align` is not a power of two (at compile time in a `const`).
    pub const fn with_byte_alignment(self, align: usize) -> Self {
        Self::wrap(self.layout.with_byte_alignment(align))
    }

    /// The same layout with alignment 1: accesses through it work at any address.
    pub const fn unaligned(self) -> Self {
        self.with_byte_alignment(1)
    }

    /// The erased layout.
    pub const fn layout(self) -> MemoryLayout {
        self.layout
    }

    /// The kind of value this layout holds.
    pub const fn kind(&self) -> ValueKind {
        T::KIND
    }

    /// Views an erased layout as a value layout carried by `T`, if it holds `T`'s kind.
    pub fn from_layout(layout: MemoryLayout) -> crate::Result<Self> {
        match layout.kind {
            LayoutKind::Value { kind, .. } if kind == T::KIND => Ok(Self::wrap(layout)),
            _ => Err(crate::Error::CarrierMismatch {
                requested: T::KIND.rust_type(),
                layout,
            }),
        }
    }

    const fn wrap(layout: MemoryLayout) -> Self {
        ValueLayout {
            layout,
            _carrier: PhantomData,
        }
    }
}

impl ValueLayout<Address> {
    /// The same address layout, pointing at memory of layout `target`.
    ///
    /// The target layout is what a [`PathElement::dereference`](super::PathElement::dereference)
    /// step selects, and what bindings use to describe the pointee.
    pub const fn with_target_layout(self, target: &'static MemoryLayout) -> Self {
        let mut layout = self.layout;
        if let LayoutKind::Value { kind, order, .. } = layout.kind {
            layout.kind = LayoutKind::Value {
                kind,
                order,
                target: Some(target),
            };
        }
        Self::wrap(layout)
    }

    /// The layout of the memory this address points to, if one was given.
    pub const fn target_layout(&self) -> Option<&'static MemoryLayout> {
        match self.layout.kind {
            LayoutKind::Value { target, .. } => target,
            _ => None,
        }
    }
}

impl<T> Clone for ValueLayout<T> {
    fn clone(&self) -> Self {
        *self
    }
}
impl<T> Copy for ValueLayout<T> {}

impl<T> PartialEq for ValueLayout<T> {
    fn eq(&self, other: &Self) -> bool {
        self.layout == other.layout
    }
}
impl<T> Eq for ValueLayout<T> {}
impl<T> Hash for ValueLayout<T> {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.layout.hash(state)
    }
}

impl<T> fmt::Debug for ValueLayout<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&self.layout, f)
    }
}

impl<T> fmt::Display for ValueLayout<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.layout, f)
    }
}

impl<T> Deref for ValueLayout<T> {
    type Target = MemoryLayout;
    fn deref(&self) -> &MemoryLayout {
        &self.layout
    }
}

impl<T> From<ValueLayout<T>> for MemoryLayout {
    fn from(v: ValueLayout<T>) -> MemoryLayout {
        v.layout
    }
}

/// `i8`, natural alignment, native order.
pub const I8: ValueLayout<i8> = ValueLayout::NATURAL;
/// `u8`, natural alignment, native order.
pub const U8: ValueLayout<u8> = ValueLayout::NATURAL;
/// `i16`, aligned to 2, native order.
pub const I16: ValueLayout<i16> = ValueLayout::NATURAL;
/// `u16`, aligned to 2, native order.
pub const U16: ValueLayout<u16> = ValueLayout::NATURAL;
/// `i32`, aligned to 4, native order.
pub const I32: ValueLayout<i32> = ValueLayout::NATURAL;
/// `u32`, aligned to 4, native order.
pub const U32: ValueLayout<u32> = ValueLayout::NATURAL;
/// `i64`, aligned to 8, native order.
pub const I64: ValueLayout<i64> = ValueLayout::NATURAL;
/// `u64`, aligned to 8, native order.
pub const U64: ValueLayout<u64> = ValueLayout::NATURAL;
/// `isize`, pointer-sized and aligned, native order.
pub const ISIZE: ValueLayout<isize> = ValueLayout::NATURAL;
/// `usize`, pointer-sized and aligned, native order.
pub const USIZE: ValueLayout<usize> = ValueLayout::NATURAL;
/// `f32`, aligned to 4, native order.
pub const F32: ValueLayout<f32> = ValueLayout::NATURAL;
/// `f64`, aligned to 8, native order.
pub const F64: ValueLayout<f64> = ValueLayout::NATURAL;
/// `bool`, one byte.
pub const BOOL: ValueLayout<bool> = ValueLayout::NATURAL;
/// A pointer, carried as [`Address`], pointer-aligned, native order.
pub const ADDRESS: ValueLayout<Address> = ValueLayout::NATURAL;

/// `i16` with alignment 1.
pub const I16_UNALIGNED: ValueLayout<i16> = I16.unaligned();
/// `u16` with alignment 1.
pub const U16_UNALIGNED: ValueLayout<u16> = U16.unaligned();
/// `i32` with alignment 1.
pub const I32_UNALIGNED: ValueLayout<i32> = I32.unaligned();
/// `u32` with alignment 1.
pub const U32_UNALIGNED: ValueLayout<u32> = U32.unaligned();
/// `i64` with alignment 1.
pub const I64_UNALIGNED: ValueLayout<i64> = I64.unaligned();
/// `u64` with alignment 1.
pub const U64_UNALIGNED: ValueLayout<u64> = U64.unaligned();
/// `f32` with alignment 1.
pub const F32_UNALIGNED: ValueLayout<f32> = F32.unaligned();
/// `f64` with alignment 1.
pub const F64_UNALIGNED: ValueLayout<f64> = F64.unaligned();
/// A pointer with alignment 1.
pub const ADDRESS_UNALIGNED: ValueLayout<Address> = ADDRESS.unaligned();
