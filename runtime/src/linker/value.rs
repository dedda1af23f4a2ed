//! Dynamic values for downcalls and upcalls, and the `Addressable` trait for pointer arguments.

use std::ffi::CStr;
use std::marker::PhantomData;

use crate::layout::{LayoutKind, MemoryLayout, ValueKind};
use crate::{Address, OwnedSegment, Segment};

/// Anything that has an address and can be passed where C expects a pointer: segments,
/// addresses, raw pointers, C strings, symbols, upcall stubs.
///
/// Passing a borrow of it to a call keeps it alive (and, for a segment, its arena open) for the
/// whole call.
pub trait Addressable {
    /// The address C receives.
    fn address(&self) -> Address;
}

impl Addressable for Segment {
    fn address(&self) -> Address {
        Segment::address(self)
    }
}

impl Addressable for OwnedSegment {
    fn address(&self) -> Address {
        Segment::address(self)
    }
}

impl Addressable for Address {
    fn address(&self) -> Address {
        *self
    }
}

impl Addressable for CStr {
    fn address(&self) -> Address {
        Address::from_ptr(self.as_ptr())
    }
}

impl<T> Addressable for *const T {
    fn address(&self) -> Address {
        Address::from_ptr(*self)
    }
}

impl<T> Addressable for *mut T {
    fn address(&self) -> Address {
        Address::from_mut_ptr(*self)
    }
}

impl<T: Addressable + ?Sized> Addressable for &T {
    fn address(&self) -> Address {
        (**self).address()
    }
}

impl<T: Addressable + ?Sized> Addressable for &mut T {
    fn address(&self) -> Address {
        (**self).address()
    }
}

/// A pointer argument that keeps whatever it points into borrowed for `'a`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Ptr<'a> {
    address: Address,
    _borrow: PhantomData<&'a ()>,
}

impl<'a> Ptr<'a> {
    /// A pointer to `target`, borrowing it for `'a`.
    pub fn to<A: Addressable + ?Sized>(target: &'a A) -> Ptr<'a> {
        Ptr {
            address: target.address(),
            _borrow: PhantomData,
        }
    }

    /// The address.
    pub fn address(self) -> Address {
        self.address
    }
}

impl Ptr<'static> {
    /// A pointer from a raw address, borrowing nothing.
    pub const fn raw(address: Address) -> Ptr<'static> {
        Ptr {
            address,
            _borrow: PhantomData,
        }
    }

    /// The null pointer.
    pub const NULL: Ptr<'static> = Ptr::raw(Address::NULL);
}

/// A C value of any type, for the dynamic call path: the argument of a downcall, the return of
/// one, and the arguments and return of a dynamic upcall.
#[derive(Clone, Copy, Debug, PartialEq)]
#[non_exhaustive]
pub enum Value<'a> {
    /// No value (the return of a `void` function).
    Void,
    /// `signed char`.
    I8(i8),
    /// `unsigned char`.
    U8(u8),
    /// `short`.
    I16(i16),
    /// `unsigned short`.
    U16(u16),
    /// `int`.
    I32(i32),
    /// `unsigned int`.
    U32(u32),
    /// `long long` (and `long` on LP64).
    I64(i64),
    /// `unsigned long long`.
    U64(u64),
    /// `ssize_t`.
    Isize(isize),
    /// `size_t`.
    Usize(usize),
    /// `float`.
    F32(f32),
    /// `double`.
    F64(f64),
    /// `_Bool`.
    Bool(bool),
    /// Any pointer.
    Pointer(Ptr<'a>),
    /// A struct or union passed by value: its bytes.
    Struct(&'a Segment),
}

impl<'a> Value<'a> {
    /// A pointer argument to `target`, borrowing it for the call.
    pub fn pointer<A: Addressable + ?Sized>(target: &'a A) -> Value<'a> {
        Value::Pointer(Ptr::to(target))
    }

    /// A pointer argument from a raw address.
    pub fn address(address: Address) -> Value<'static> {
        Value::Pointer(Ptr::raw(address))
    }

    /// The null pointer.
    pub const NULL: Value<'static> = Value::Pointer(Ptr::NULL);

    /// The value's kind, or `None` for `Void` and structs.
    pub fn kind(&self) -> Option<ValueKind> {
        Some(match self {
            Value::Void | Value::Struct(_) => return None,
            Value::I8(_) => ValueKind::I8,
            Value::U8(_) => ValueKind::U8,
            Value::I16(_) => ValueKind::I16,
            Value::U16(_) => ValueKind::U16,
            Value::I32(_) => ValueKind::I32,
            Value::U32(_) => ValueKind::U32,
            Value::I64(_) => ValueKind::I64,
            Value::U64(_) => ValueKind::U64,
            Value::Isize(_) => ValueKind::Isize,
            Value::Usize(_) => ValueKind::Usize,
            Value::F32(_) => ValueKind::F32,
            Value::F64(_) => ValueKind::F64,
            Value::Bool(_) => ValueKind::Bool,
            Value::Pointer(_) => ValueKind::Address,
        })
    }

    /// Describes the value's type for messages.
    pub(crate) fn type_name(&self) -> String {
        match self {
            Value::Void => "void".into(),
            Value::Struct(s) => format!("a {}-byte struct", s.len()),
            v => v.kind().map(ValueKind::name).unwrap_or("?").into(),
        }
    }

    /// Whether this value can be passed as `layout`.
    pub(crate) fn fits(&self, layout: &MemoryLayout) -> bool {
        match (self, layout.kind()) {
            (Value::Struct(s), LayoutKind::Struct(_) | LayoutKind::Union(_)) => {
                s.len() == layout.byte_size()
            }
            (v, LayoutKind::Value { kind, .. }) => v.kind() == Some(*kind),
            _ => false,
        }
    }

    /// The integer, widened, if this is any integer or `bool`.
    pub fn as_i64(&self) -> Option<i64> {
        Some(match *self {
            Value::I8(v) => v.into(),
            Value::U8(v) => v.into(),
            Value::I16(v) => v.into(),
            Value::U16(v) => v.into(),
            Value::I32(v) => v.into(),
            Value::U32(v) => v.into(),
            Value::I64(v) => v,
            Value::U64(v) => v as i64,
            Value::Isize(v) => v as i64,
            Value::Usize(v) => v as i64,
            Value::Bool(v) => v.into(),
            _ => return None,
        })
    }

    /// The floating-point value, if this is `F32` or `F64`.
    pub fn as_f64(&self) -> Option<f64> {
        match *self {
            Value::F32(v) => Some(v.into()),
            Value::F64(v) => Some(v),
            _ => None,
        }
    }

    /// The address, if this is a pointer.
    pub fn as_address(&self) -> Option<Address> {
        match *self {
            Value::Pointer(p) => Some(p.address()),
            _ => None,
        }
    }

    /// The bytes, if this is a struct.
    pub fn as_struct(&self) -> Option<&'a Segment> {
        match *self {
            Value::Struct(s) => Some(s),
            _ => None,
        }
    }

    /// A scalar's kind and its bits extended to a full register (signed integers
    /// sign-extended, the rest zero-extended), in one step; `None` for `Void` and structs.
    #[inline(always)]
    pub(crate) fn lower(&self) -> Option<(ValueKind, u64)> {
        Some(match *self {
            Value::I8(v) => (ValueKind::I8, v as i64 as u64),
            Value::U8(v) => (ValueKind::U8, v as u64),
            Value::I16(v) => (ValueKind::I16, v as i64 as u64),
            Value::U16(v) => (ValueKind::U16, v as u64),
            Value::I32(v) => (ValueKind::I32, v as i64 as u64),
            Value::U32(v) => (ValueKind::U32, v as u64),
            Value::I64(v) => (ValueKind::I64, v as u64),
            Value::U64(v) => (ValueKind::U64, v),
            Value::Isize(v) => (ValueKind::Isize, v as u64),
            Value::Usize(v) => (ValueKind::Usize, v as u64),
            Value::F32(v) => (ValueKind::F32, v.to_bits() as u64),
            Value::F64(v) => (ValueKind::F64, v.to_bits()),
            Value::Bool(v) => (ValueKind::Bool, v as u64),
            Value::Pointer(p) => (
                ValueKind::Address,
                p.address().as_ptr::<u8>().expose_provenance() as u64,
            ),
            Value::Void | Value::Struct(_) => return None,
        })
    }

    /// The check and lowering of the dynamic downcall path, in one match on the value: its
    /// bits extended to a full register (as [`lower`](Self::lower)) if it is a scalar of kind
    /// `expected`; `None` otherwise (and always for `expected` `None`, a struct argument).
    #[inline(always)]
    pub(crate) fn lower_as(&self, expected: Option<ValueKind>) -> Option<u64> {
        match self.lower() {
            Some((kind, bits)) if expected == Some(kind) => Some(bits),
            _ => None,
        }
    }

    /// The raw register image of a scalar (low bytes hold the value), for libffi.
    pub(crate) fn bits(&self) -> u64 {
        match *self {
            Value::I8(v) => v as u8 as u64,
            Value::U8(v) => v as u64,
            Value::I16(v) => v as u16 as u64,
            Value::U16(v) => v as u64,
            Value::I32(v) => v as u32 as u64,
            Value::U32(v) => v as u64,
            Value::I64(v) => v as u64,
            Value::U64(v) => v,
            Value::Isize(v) => v as u64,
            Value::Usize(v) => v as u64,
            Value::F32(v) => v.to_bits() as u64,
            Value::F64(v) => v.to_bits(),
            Value::Bool(v) => v as u64,
            Value::Pointer(p) => p.address().as_ptr::<u8>().expose_provenance() as u64,
            Value::Void | Value::Struct(_) => 0,
        }
    }

    /// The scalar of `kind` whose bits are the low bytes of `bits` (a register image).
    #[inline]
    pub(crate) fn from_bits(kind: ValueKind, bits: u64) -> Value<'static> {
        match kind {
            ValueKind::I8 => Value::I8(bits as u8 as i8),
            ValueKind::U8 => Value::U8(bits as u8),
            ValueKind::I16 => Value::I16(bits as u16 as i16),
            ValueKind::U16 => Value::U16(bits as u16),
            ValueKind::I32 => Value::I32(bits as u32 as i32),
            ValueKind::U32 => Value::U32(bits as u32),
            ValueKind::I64 => Value::I64(bits as i64),
            ValueKind::U64 => Value::U64(bits),
            ValueKind::Isize => Value::Isize(bits as isize),
            ValueKind::Usize => Value::Usize(bits as usize),
            ValueKind::F32 => Value::F32(f32::from_bits(bits as u32)),
            ValueKind::F64 => Value::F64(f64::from_bits(bits)),
            ValueKind::Bool => Value::Bool(bits as u8 != 0),
            ValueKind::Address => Value::Pointer(Ptr::raw(Address::from_mut_ptr(
                std::ptr::with_exposed_provenance_mut::<u8>(bits as usize),
            ))),
        }
    }

    /// Reads a scalar of `kind` from libffi's return or argument storage.
    ///
    /// # Safety
    /// `ptr` must be readable for the kind's size.
    pub(crate) unsafe fn read(kind: ValueKind, ptr: *const u8) -> Value<'static> {
        use crate::layout::{ByteOrder, Carrier};
        const N: ByteOrder = ByteOrder::NATIVE;
        // SAFETY: (all arms) forwarded caller contract; reads are unaligned.
        unsafe {
            match kind {
                ValueKind::I8 => Value::I8(i8::read(ptr, N)),
                ValueKind::U8 => Value::U8(u8::read(ptr, N)),
                ValueKind::I16 => Value::I16(i16::read(ptr, N)),
                ValueKind::U16 => Value::U16(u16::read(ptr, N)),
                ValueKind::I32 => Value::I32(i32::read(ptr, N)),
                ValueKind::U32 => Value::U32(u32::read(ptr, N)),
                ValueKind::I64 => Value::I64(i64::read(ptr, N)),
                ValueKind::U64 => Value::U64(u64::read(ptr, N)),
                ValueKind::Isize => Value::Isize(isize::read(ptr, N)),
                ValueKind::Usize => Value::Usize(usize::read(ptr, N)),
                ValueKind::F32 => Value::F32(f32::read(ptr, N)),
                ValueKind::F64 => Value::F64(f64::read(ptr, N)),
                ValueKind::Bool => Value::Bool(bool::read(ptr, N)),
                ValueKind::Address => Value::Pointer(Ptr::raw(<Address as Carrier>::read(ptr, N))),
            }
        }
    }
}

macro_rules! value_from {
    ($($t:ty => $v:ident),*) => {$(
        impl From<$t> for Value<'_> {
            fn from(v: $t) -> Self {
                Value::$v(v)
            }
        }
    )*};
}

value_from!(i8 => I8, u8 => U8, i16 => I16, u16 => U16, i32 => I32, u32 => U32, i64 => I64,
            u64 => U64, isize => Isize, usize => Usize, f32 => F32, f64 => F64, bool => Bool);

/// A [`Value`] was not of the kind a conversion asked for: `i32::try_from(value)` of a value
/// that is not [`Value::I32`].
///
/// The conversions out of a `Value` are exact, as the descriptor's types are: an `int` return
/// comes back as `Value::I32` and converts to `i32` only (use [`Value::as_i64`] to widen any
/// integer). It converts into [`Error`](crate::Error), so `?` works in a function returning
/// [`ffm::Result`](crate::Result).
///
/// ```
/// use ffm::linker::{Value, ValueKindError};
/// use ffm::layout::ValueKind;
///
/// assert_eq!(i32::try_from(Value::I32(7)), Ok(7));
/// let err: ValueKindError = i32::try_from(Value::I64(7)).unwrap_err();
/// assert_eq!((err.expected(), err.found()), (ValueKind::I32, Some(ValueKind::I64)));
/// assert_eq!(err.to_string(), "expected a value of type i32, found i64");
/// assert_eq!(
///     f64::try_from(Value::Void).unwrap_err().to_string(),
///     "expected a value of type f64, found void"
/// );
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
#[error("expected a value of type {}, found {found}", expected.name())]
pub struct ValueKindError {
    expected: ValueKind,
    found: Found,
}

/// What a [`ValueKindError`] found.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Found {
    Kind(ValueKind),
    Void,
    Struct,
}

impl std::fmt::Display for Found {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Found::Kind(kind) => kind.name(),
            Found::Void => "void",
            Found::Struct => "a struct",
        })
    }
}

impl ValueKindError {
    /// The kind the conversion asked for.
    pub fn expected(&self) -> ValueKind {
        self.expected
    }

    /// The kind of the value it was given; `None` for [`Value::Void`] and [`Value::Struct`].
    pub fn found(&self) -> Option<ValueKind> {
        match self.found {
            Found::Kind(kind) => Some(kind),
            Found::Void | Found::Struct => None,
        }
    }

    /// The error of converting `value` to `expected`. (Out of line: the conversions' callers
    /// keep only the check of the tag in their path.)
    #[cold]
    #[inline(never)]
    fn new(expected: ValueKind, value: &Value<'_>) -> ValueKindError {
        let found = match (value.kind(), value) {
            (Some(kind), _) => Found::Kind(kind),
            (None, Value::Struct(_)) => Found::Struct,
            (None, _) => Found::Void,
        };
        ValueKindError { expected, found }
    }
}

macro_rules! value_into {
    ($($t:ty => $v:ident),*) => {$(
        impl TryFrom<Value<'_>> for $t {
            type Error = ValueKindError;

            #[doc = concat!("The value if it is [`Value::", stringify!($v),
                            "`], exactly; otherwise an error naming both kinds.")]
            #[inline]
            fn try_from(v: Value<'_>) -> Result<$t, ValueKindError> {
                match v {
                    Value::$v(x) => Ok(x),
                    v => Err(ValueKindError::new(ValueKind::$v, &v)),
                }
            }
        }
    )*};
}

value_into!(i8 => I8, u8 => U8, i16 => I16, u16 => U16, i32 => I32, u32 => U32, i64 => I64,
            u64 => U64, isize => Isize, usize => Usize, f32 => F32, f64 => F64, bool => Bool);

impl TryFrom<Value<'_>> for Address {
    type Error = ValueKindError;

    /// The address if the value is a [`Value::Pointer`]; otherwise an error naming both kinds.
    #[inline]
    fn try_from(v: Value<'_>) -> Result<Address, ValueKindError> {
        match v {
            Value::Pointer(p) => Ok(p.address()),
            v => Err(ValueKindError::new(ValueKind::Address, &v)),
        }
    }
}

impl From<Address> for Value<'_> {
    fn from(a: Address) -> Self {
        Value::Pointer(Ptr {
            address: a,
            _borrow: PhantomData,
        })
    }
}

impl<'a> From<Ptr<'a>> for Value<'a> {
    fn from(p: Ptr<'a>) -> Self {
        Value::Pointer(p)
    }
}
