//! Typed downcalls: a handle viewed through Rust types, checked once against its descriptor.

use std::ffi::c_void;
use std::fmt;
use std::marker::PhantomData;
use std::mem::MaybeUninit;
use std::sync::Arc;

use super::abi::leaves;
use super::downcall::{Prepared, RetKind, ret_bytes, return_segment, store_registers};
use super::fast::{Frame, RetPlan, extend};
use super::native::Native;
use super::value::Addressable;
use crate::layout::{LayoutKind, MemoryLayout, ValueKind};
use crate::{Address, Result, Segment, SegmentAllocator};

mod sealed {
    pub trait Sealed {}
    /// Seals [`Signature`](super::Signature): only tuples of `NativeType`s are signatures.
    pub trait SealedSignature {}
    /// Seals [`IntoArgs`](super::IntoArgs): only tuples of `IntoArg`s lower arguments.
    pub trait SealedArgs<S> {}
}

/// A Rust type that stands for one C argument or return type in a typed view: every
/// [`Native`] type (the integers, `f32`, `f64`, `bool`, [`Address`], raw pointers, nullable
/// `extern "C"` function pointers, and the structs, unions, enums and callback types that
/// `#[ffm::foreign]` and `ffm-extract` generate), [`ByValue`] (a struct or union by value whose
/// bytes are in a segment), and `()` (a `void` return).
///
/// A `Native` struct or union is accepted where the descriptor has a struct or union of the
/// same size and alignment with the same scalars at the same offsets (names aside), and is
/// passed and returned by value, like the C type.
pub trait NativeType: sealed::Sealed + 'static {
    /// Whether this type can carry `layout`.
    #[doc(hidden)]
    fn accepts(layout: &MemoryLayout) -> bool;
    /// The name used in mismatch messages.
    #[doc(hidden)]
    fn name() -> String;
    /// Whether the argument's storage is a segment's bytes ([`ByValue`]), so that a view
    /// cannot call the function through a Rust function type.
    #[doc(hidden)]
    const BY_VALUE: bool = false;
    /// The type that carries this one in an `extern "C"` function type when the view calls
    /// the function directly (itself, for `Native` types); unused for [`ByValue`].
    #[doc(hidden)]
    type Direct: Copy;
}

/// The typed-view stand-in for a struct or union passed or returned by value as the bytes of
/// a segment. Pass a `&Segment` holding its bytes; a struct return comes back in memory from
/// an allocator. (A Rust struct that is [`Native`] can be passed and returned by value
/// instead.)
#[derive(Debug, Clone, Copy)]
pub enum ByValue {}

impl sealed::Sealed for ByValue {}
impl NativeType for ByValue {
    fn accepts(layout: &MemoryLayout) -> bool {
        matches!(layout.kind(), LayoutKind::Struct(_) | LayoutKind::Union(_))
    }
    fn name() -> String {
        "ByValue".to_string()
    }
    const BY_VALUE: bool = true;
    // Never passed directly: a signature with a `ByValue` is called through the plan.
    type Direct = u64;
}

/// Whether a `Native` type is a scalar (its argument slot is a register image), rather than a
/// struct, union or array (the slot is then the address of its bytes).
const fn is_scalar<T: Native>() -> bool {
    matches!(T::LAYOUT.kind(), LayoutKind::Value { .. })
}

/// Whether two layouts are the same C type as far as a call can tell: the same scalar kind,
/// or aggregates of the same size and alignment with the same scalars at the same offsets.
fn same_shape(a: &MemoryLayout, b: &MemoryLayout) -> bool {
    match (a.kind(), b.kind()) {
        (LayoutKind::Value { .. }, LayoutKind::Value { .. }) => a.value_kind() == b.value_kind(),
        (
            LayoutKind::Struct(_) | LayoutKind::Union(_),
            LayoutKind::Struct(_) | LayoutKind::Union(_),
        ) => {
            if a.byte_size() != b.byte_size() || a.byte_alignment() != b.byte_alignment() {
                return false;
            }
            let (mut la, mut lb) = (Vec::new(), Vec::new());
            leaves(a, 0, &mut la);
            leaves(b, 0, &mut lb);
            // Union members overlap: compare the scalars as sets of (offset, kind).
            la.sort_unstable_by_key(|&(o, k)| (o, k as u8));
            lb.sort_unstable_by_key(|&(o, k)| (o, k as u8));
            la.dedup();
            lb.dedup();
            la == lb
        }
        _ => false,
    }
}

/// `std::any::type_name` without module paths: `Point` for `my_crate::bindings::Point`.
fn short_type_name<T: ?Sized>() -> String {
    let full = std::any::type_name::<T>();
    let mut out = String::with_capacity(full.len());
    let mut word = String::new();
    let mut chars = full.chars().peekable();
    while let Some(c) = chars.next() {
        if c.is_alphanumeric() || c == '_' {
            word.push(c);
        } else if c == ':' && chars.peek() == Some(&':') {
            // The word before `::` is a path segment: drop both.
            chars.next();
            word.clear();
        } else {
            out.push_str(&word);
            word.clear();
            out.push(c);
        }
    }
    out.push_str(&word);
    out
}

impl<T: Native> sealed::Sealed for T {}
impl<T: Native> NativeType for T {
    fn accepts(layout: &MemoryLayout) -> bool {
        matches!(
            T::LAYOUT.kind(),
            LayoutKind::Value { .. } | LayoutKind::Struct(_) | LayoutKind::Union(_)
        ) && same_shape(&T::LAYOUT, layout)
    }
    fn name() -> String {
        if is_scalar::<T>() {
            short_type_name::<T>()
        } else {
            // The Rust type's own layout, to set beside the descriptor's.
            format!("{}, laid out {}", short_type_name::<T>(), T::LAYOUT)
        }
    }
    type Direct = T;
}

impl sealed::Sealed for () {}
impl NativeType for () {
    fn accepts(_layout: &MemoryLayout) -> bool {
        false
    }
    fn name() -> String {
        "()".to_string()
    }
    type Direct = ();
}
// SAFETY: nothing is read.
unsafe impl NativeReturn for () {
    fn from_bytes(_bytes: &[u8]) -> Self {}
    #[inline(always)]
    fn from_direct(_value: ()) {}
}

/// A Rust value that can be passed where a typed view declares `T`: a [`Native`] value for
/// its own type (a struct or union by value too); for [`Address`] anything [`Addressable`] (a
/// borrow of a segment, a `&CStr`, a raw pointer, an upcall stub, [`Address::NULL`]); for
/// [`ByValue`], a `&Segment` of exactly the struct's size.
///
/// # Safety
/// `raw` must return the register image of a scalar, or for a struct or union (a slot the
/// plan passes by value) the address (with its provenance exposed) of
/// [`byte_len`](Self::byte_len) bytes (padding may be uninitialized) that stay valid and
/// unwritten while `self` is borrowed. `into_direct` must return the same argument as
/// `T::Direct`.
pub unsafe trait IntoArg<T: NativeType> {
    /// The argument's raw form.
    #[doc(hidden)]
    fn raw(&self) -> u64;

    /// For a struct by value: how many bytes can be read at the address `raw` returns. A
    /// call checks it against the struct's size before reading any of them.
    #[doc(hidden)]
    fn byte_len(&self) -> usize {
        0
    }

    /// The argument as the Rust type that carries `T` in a direct call.
    #[doc(hidden)]
    fn into_direct(self) -> T::Direct;
}

// SAFETY: a scalar's image is its bytes, zero-extended (a `Native` type with a value layout is
// that scalar, without padding, by `Native`'s contract), with the provenance of an address
// exposed; any other type's slot is the address of `self`, `size_of::<T>()` bytes borrowed
// with `self` (a struct's padding among them, uninitialized: the plan copies them as bytes,
// libffi and C copy them as memory). The direct form is the value itself.
unsafe impl<T: Native> IntoArg<T> for T {
    #[inline(always)]
    fn raw(&self) -> u64 {
        if !is_scalar::<T>() {
            // A struct or union (or an array, which no view accepts): its address.
            return (self as *const T).expose_provenance() as u64;
        }
        if T::LAYOUT.value_kind() == Some(ValueKind::Address) {
            debug_assert_eq!(size_of::<T>(), size_of::<*const u8>());
            // SAFETY: a `Native` type with an address layout is a pointer-sized address.
            let p = unsafe { std::mem::transmute_copy::<T, *const u8>(self) };
            // Exposed: C (or `fill_frame`, for struct bytes) turns the number back into a
            // pointer.
            return p.expose_provenance() as u64;
        }
        let mut bits = 0u64;
        let n = size_of::<T>().min(8);
        // SAFETY: `self` is `size_of::<T>()` bytes, all initialized (a scalar of at most
        // eight bytes without padding, by `Native`'s contract); `bits` has room for eight.
        // Little-endian: the low bytes of the image are the value's.
        unsafe {
            std::ptr::copy_nonoverlapping(
                (self as *const T).cast::<u8>(),
                (&mut bits as *mut u64).cast::<u8>(),
                n,
            )
        };
        bits
    }
    #[inline(always)]
    fn byte_len(&self) -> usize {
        if is_scalar::<T>() { 0 } else { size_of::<T>() }
    }
    #[inline(always)]
    fn into_direct(self) -> T {
        self
    }
}

// SAFETY: the register image of a pointer is its address (exposed, since C dereferences it);
// the borrow `&'a A` keeps the pointee alive for the call expression.
unsafe impl<A: Addressable + ?Sized> IntoArg<Address> for &A {
    #[inline(always)]
    fn raw(&self) -> u64 {
        self.address().as_ptr::<u8>().expose_provenance() as u64
    }
    #[inline(always)]
    fn into_direct(self) -> Address {
        self.address()
    }
}
// SAFETY: as above.
unsafe impl<T> IntoArg<Address> for *const T {
    #[inline(always)]
    fn raw(&self) -> u64 {
        self.expose_provenance() as u64
    }
    #[inline(always)]
    fn into_direct(self) -> Address {
        Address::from_ptr(self)
    }
}
// SAFETY: as above.
unsafe impl<T> IntoArg<Address> for *mut T {
    #[inline(always)]
    fn raw(&self) -> u64 {
        self.expose_provenance() as u64
    }
    #[inline(always)]
    fn into_direct(self) -> Address {
        Address::from_mut_ptr(self)
    }
}
// SAFETY: the exposed address of the segment's `len()` bytes, kept alive (and, through the
// shared borrow, unwritten) for the call expression. Never passed directly.
unsafe impl IntoArg<ByValue> for &Segment {
    #[inline(always)]
    fn raw(&self) -> u64 {
        self.as_ptr().expose_provenance() as u64
    }
    #[inline(always)]
    fn byte_len(&self) -> usize {
        self.len()
    }
    fn into_direct(self) -> u64 {
        <Self as IntoArg<ByValue>>::raw(&self)
    }
}
// SAFETY: as above.
unsafe impl IntoArg<ByValue> for &mut Segment {
    #[inline(always)]
    fn raw(&self) -> u64 {
        self.as_ptr().expose_provenance() as u64
    }
    #[inline(always)]
    fn byte_len(&self) -> usize {
        self.len()
    }
    fn into_direct(self) -> u64 {
        <Self as IntoArg<ByValue>>::raw(&self)
    }
}

/// A return type of a typed view: every [`Native`] type (structs and unions by value too) and
/// `()`. (A struct returned as a segment's bytes is [`ByValue`], through `call_in`.)
///
/// # Safety
/// `from_bytes` must produce a valid value from any bytes.
pub unsafe trait NativeReturn: NativeType {
    /// Reads the value from the bytes of the return: a register image (libffi's or the
    /// plan's, in the low bytes) or the struct's memory. `bytes` is at least the value's size.
    #[doc(hidden)]
    fn from_bytes(bytes: &[u8]) -> Self;
    /// The value from the return of a direct call.
    #[doc(hidden)]
    fn from_direct(value: Self::Direct) -> Self;
}

// SAFETY: `read_at` produces a valid value from any bytes (`Native`'s contract).
unsafe impl<T: Native> NativeReturn for T {
    #[inline(always)]
    fn from_bytes(bytes: &[u8]) -> Self {
        T::read_at(Segment::of_slice(bytes), 0, false)
    }
    #[inline(always)]
    fn from_direct(value: T) -> T {
        value
    }
}

/// The argument types of a typed view: a tuple of [`NativeType`]s, `()` to `(A, …, P)`.
///
/// The trait is sealed: a typed call trusts the check it makes against the descriptor.
pub trait Signature: sealed::SealedSignature + 'static {
    /// The number of arguments.
    const LEN: usize;
    /// Checks each position against `layouts`; on mismatch, the position and Rust type name.
    #[doc(hidden)]
    fn check(layouts: &[MemoryLayout]) -> std::result::Result<(), (usize, String)>;
    /// Whether every argument is a `Native` value (no [`ByValue`] segment), so that a view can
    /// call the function through a Rust `extern "C"` function type.
    #[doc(hidden)]
    const DIRECT: bool;
}

/// Values that can be passed for a [`Signature`]: a tuple whose elements each implement
/// [`IntoArg`] for the corresponding type.
///
/// The trait is sealed: a typed call trusts the slots it lowers the arguments into (one per
/// argument, and for a struct the address and length of its bytes), so only the tuples of
/// [`IntoArg`] values (an `unsafe` trait) implement it.
pub trait IntoArgs<S: Signature>: sealed::SealedArgs<S> {
    /// Lowers the arguments into raw slots (register images, or for structs the address of
    /// their bytes) and calls `f` with them and, per argument, its
    /// [`byte_len`](IntoArg::byte_len); the borrows last for the call.
    #[doc(hidden)]
    fn with_slots<R>(self, f: impl FnOnce(&mut [u64], &[usize]) -> R) -> R;

    /// Calls `code` as an `extern "C" fn(S…) -> Ret` with the arguments.
    ///
    /// # Safety
    /// `S::DIRECT` must hold, and `code` must be a non-variadic C function whose parameters
    /// and return are those types; its own requirements on the arguments must hold.
    #[doc(hidden)]
    unsafe fn call_direct<Ret: NativeType>(self, code: *const c_void) -> Ret::Direct;
}

macro_rules! signature {
    ($len:expr; $($n:tt $S:ident $T:ident),*) => {
        impl<$($S: NativeType),*> sealed::SealedSignature for ($($S,)*) {}
        impl<$($S: NativeType, $T: IntoArg<$S>),*> sealed::SealedArgs<($($S,)*)> for ($($T,)*) {}

        impl<$($S: NativeType),*> Signature for ($($S,)*) {
            const LEN: usize = $len;
            const DIRECT: bool = true $(&& !$S::BY_VALUE)*;
            #[allow(unused_variables)]
            fn check(layouts: &[MemoryLayout]) -> std::result::Result<(), (usize, String)> {
                $(
                    if !$S::accepts(&layouts[$n]) {
                        return Err(($n, $S::name()));
                    }
                )*
                Ok(())
            }
        }

        impl<$($S: NativeType, $T: IntoArg<$S>),*> IntoArgs<($($S,)*)> for ($($T,)*) {
            #[inline(always)]
            #[allow(unused_mut, unused_variables, clippy::unused_unit)]
            fn with_slots<R>(self, f: impl FnOnce(&mut [u64], &[usize]) -> R) -> R {
                let lens: [usize; $len] = [$(<$T as IntoArg<$S>>::byte_len(&self.$n)),*];
                // Borrowed from `self`, which lives until `f` returns: the addresses of
                // aggregates passed by value stay valid for the call.
                let mut slots: [u64; $len] = [$(<$T as IntoArg<$S>>::raw(&self.$n)),*];
                f(&mut slots, &lens)
            }

            #[inline(always)]
            unsafe fn call_direct<Ret: NativeType>(self, code: *const c_void) -> Ret::Direct {
                // SAFETY: the caller vouches that `code` is a non-variadic C function of
                // exactly these parameter and return types, none a `ByValue` (each `Direct`
                // type is a `Native` type, which has the C ABI of the C type its layout
                // describes: a scalar, or a `repr(C)` struct or union), so Rust extends and
                // places each argument, and reads the return, as C does.
                unsafe {
                    let f: unsafe extern "C" fn($($S::Direct),*) -> Ret::Direct =
                        std::mem::transmute(code);
                    f($(<$T as IntoArg<$S>>::into_direct(self.$n)),*)
                }
            }
        }
    };
}

signature!(0;);
signature!(1; 0 A TA);
signature!(2; 0 A TA, 1 B TB);
signature!(3; 0 A TA, 1 B TB, 2 C TC);
signature!(4; 0 A TA, 1 B TB, 2 C TC, 3 D TD);
signature!(5; 0 A TA, 1 B TB, 2 C TC, 3 D TD, 4 E TE);
signature!(6; 0 A TA, 1 B TB, 2 C TC, 3 D TD, 4 E TE, 5 F TF);
signature!(7; 0 A TA, 1 B TB, 2 C TC, 3 D TD, 4 E TE, 5 F TF, 6 G TG);
signature!(8; 0 A TA, 1 B TB, 2 C TC, 3 D TD, 4 E TE, 5 F TF, 6 G TG, 7 H TH);
signature!(9; 0 A TA, 1 B TB, 2 C TC, 3 D TD, 4 E TE, 5 F TF, 6 G TG, 7 H TH, 8 I TI);
signature!(10; 0 A TA, 1 B TB, 2 C TC, 3 D TD, 4 E TE, 5 F TF, 6 G TG, 7 H TH, 8 I TI, 9 J TJ);
signature!(11; 0 A TA, 1 B TB, 2 C TC, 3 D TD, 4 E TE, 5 F TF, 6 G TG, 7 H TH, 8 I TI, 9 J TJ, 10 K TK);
signature!(12; 0 A TA, 1 B TB, 2 C TC, 3 D TD, 4 E TE, 5 F TF, 6 G TG, 7 H TH, 8 I TI, 9 J TJ, 10 K TK, 11 L TL);
signature!(13; 0 A TA, 1 B TB, 2 C TC, 3 D TD, 4 E TE, 5 F TF, 6 G TG, 7 H TH, 8 I TI, 9 J TJ, 10 K TK, 11 L TL, 12 M TM);
signature!(14; 0 A TA, 1 B TB, 2 C TC, 3 D TD, 4 E TE, 5 F TF, 6 G TG, 7 H TH, 8 I TI, 9 J TJ, 10 K TK, 11 L TL, 12 M TM, 13 N TN);
signature!(15; 0 A TA, 1 B TB, 2 C TC, 3 D TD, 4 E TE, 5 F TF, 6 G TG, 7 H TH, 8 I TI, 9 J TJ, 10 K TK, 11 L TL, 12 M TM, 13 N TN, 14 O TO);
signature!(16; 0 A TA, 1 B TB, 2 C TC, 3 D TD, 4 E TE, 5 F TF, 6 G TG, 7 H TH, 8 I TI, 9 J TJ, 10 K TK, 11 L TL, 12 M TM, 13 N TN, 14 O TO, 15 P TP);

/// Variance and auto traits of a typed view: it maps `S` to `R`, and borrows the library.
type TypedMarker<'lib, S, R> = (fn(S) -> R, &'lib ());

/// A downcall handle viewed through Rust types: arguments `S` (a tuple), return `R`. Made by
/// [`Downcall::typed`](super::Downcall::typed), which checks the types against the descriptor
/// once. A signature of `Native` types (scalars, pointers, Rust structs and unions) calls the
/// function through a Rust `extern "C"` function type, unless the function is variadic, the
/// handle captures call state or was linked `libffi_only`; those calls, and signatures with
/// [`ByValue`] segments, go through the handle's register plan (or libffi).
pub struct TypedDowncall<'lib, S, R> {
    inner: Arc<Prepared>,
    /// The function, when [`call`](Self::call) may call it through a Rust function type: every
    /// argument a `Native` value, the function not variadic, no call state to capture. Held
    /// here so that such a call loads nothing else.
    direct: Option<unsafe extern "C" fn()>,
    _types: PhantomData<TypedMarker<'lib, S, R>>,
}

impl<S, R> Clone for TypedDowncall<'_, S, R> {
    fn clone(&self) -> Self {
        TypedDowncall {
            inner: self.inner.clone(),
            direct: self.direct,
            _types: PhantomData,
        }
    }
}

impl<S, R> fmt::Debug for TypedDowncall<'_, S, R> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "TypedDowncall({} {})",
            self.inner.name, self.inner.descriptor
        )
    }
}

#[cold]
#[track_caller]
fn capture_needed(name: &str) -> ! {
    panic!("`{name}` was linked with capture_call_state: call it with call_capturing")
}

fn return_matches<R: NativeType>(ret: Option<&MemoryLayout>) -> bool {
    match ret {
        None => std::any::TypeId::of::<R>() == std::any::TypeId::of::<()>(),
        Some(l) => R::accepts(l),
    }
}

impl<'lib, S: Signature, R: NativeType> TypedDowncall<'lib, S, R> {
    pub(crate) fn new(inner: Arc<Prepared>) -> Result<Self> {
        let layouts = inner.descriptor.argument_layouts();
        if layouts.len() != S::LEN {
            return Err(inner.mismatch(
                "typed view",
                format!(
                    "the Rust signature has {} argument(s), the descriptor {}",
                    S::LEN,
                    layouts.len()
                ),
            ));
        }
        if let Err((i, name)) = S::check(layouts) {
            return Err(inner.mismatch(
                "typed view",
                format!(
                    "argument #{i} is declared {}, but the Rust type is {name}",
                    layouts[i]
                ),
            ));
        }
        let ret = inner.descriptor.return_layout();
        if !return_matches::<R>(ret.as_ref()) {
            return Err(inner.mismatch(
                "typed view",
                format!(
                    "the return is declared {}, but the Rust type is {}",
                    ret.map_or("void".to_string(), |l| l.to_string()),
                    R::name()
                ),
            ));
        }
        let direct = (S::DIRECT && inner.direct && !inner.capture_errno).then_some(inner.code);
        Ok(TypedDowncall {
            inner,
            direct,
            _types: PhantomData,
        })
    }

    /// The function's address.
    pub fn address(&self) -> Address {
        Address::from_ptr(self.inner.code as *const u8)
    }
}

/// Panics for a by-value argument whose segment is not the struct's size.
#[cold]
#[inline(never)]
fn struct_size_mismatch(index: usize, len: usize, size: usize) -> ! {
    panic!(
        "argument #{index} is a {len}-byte segment, but the descriptor passes a {size}-byte struct by value"
    )
}

/// Places typed slots into the frame by the plan.
///
/// # Panics
/// If a struct argument's segment (`lens`) is not the struct's size.
#[inline(always)]
fn fill_frame(frame: &mut Frame, plan: &super::fast::Plan, slots: &[u64], lens: &[usize]) {
    // One planned argument per slot (the view checked the count): taken as a slice of the
    // slots' length, which is the signature's, so the loop below has a constant trip count
    // and unrolls.
    let Some(args) = plan.dyn_args.get(..slots.len()) else {
        unreachable!("the typed view checked the argument count")
    };
    for (i, ((raw, a), len)) in slots.iter().zip(args).zip(lens).enumerate() {
        match a.kind {
            Some(kind) => frame.set(a.at, extend(kind, *raw)),
            None => {
                // A struct or union argument: the view checked that its Rust type is
                // `ByValue` or a `Native` struct or union, so the slot is the address of its
                // `len` bytes (a Rust struct's padding among them, uninitialized).
                let size = a.size();
                if *len != size {
                    struct_size_mismatch(i, *len, size);
                }
                let at = std::ptr::with_exposed_provenance::<u8>(*raw as usize);
                // SAFETY: `at` is the exposed address of the struct argument's bytes, `len ==
                // size` of them (checked above), kept alive by the IntoArg borrow for the call;
                // they are copied as bytes, never read as values.
                unsafe { frame.put_struct_raw(at, a) };
            }
        }
    }
}

/// Storage for the return of a typed call that is not direct: room for `R` at the start
/// (aligned for it), and at least 32 bytes aligned for `u64` (the return registers, libffi's
/// full-word integer returns, a small struct's eightbytes).
#[repr(C)]
struct RetStorage<R> {
    value: MaybeUninit<R>,
    spare: [u64; 4],
}

/// Calls `call` with storage for the return (see [`RetStorage`]), zeroed in place, and reads
/// the value back from its bytes. The storage is not moved between the zeroing and the read,
/// so every byte is initialized: zero, or written by C, libffi or the plan's stores.
#[inline(always)]
fn with_return<R: NativeReturn>(call: impl FnOnce(*mut c_void)) -> R {
    let mut storage = MaybeUninit::<RetStorage<R>>::uninit();
    let p = storage.as_mut_ptr();
    // SAFETY: `p` is valid for writes of one `RetStorage<R>`.
    unsafe { std::ptr::write_bytes(p, 0, 1) };
    call(p.cast());
    // SAFETY: the storage's bytes are all initialized (see above) and stay borrowed here.
    let bytes = unsafe { std::slice::from_raw_parts(p.cast::<u8>(), size_of::<RetStorage<R>>()) };
    R::from_bytes(bytes)
}

/// Lowers typed slots into registers by the plan, or into libffi's pointer array, and calls.
///
/// # Safety
/// `slots` and `lens` must come from `IntoArgs` for the signature checked against this
/// handle's descriptor; `ret` must be storage for the return (32 bytes, or the struct for a
/// memory return). The C function's requirements must hold.
///
/// # Panics
/// If a struct argument's segment is not the struct's size (before anything is called).
#[inline(always)]
unsafe fn call_slots(
    inner: &Prepared,
    slots: &mut [u64],
    lens: &[usize],
    ret: *mut c_void,
    state: Option<&mut Segment>,
) {
    if let Some(plan) = &inner.plan {
        let mut frame = Frame::uninit();
        if let RetPlan::Memory { .. } = plan.ret {
            // Exposed: the callee writes the struct through it.
            frame.set(0, ret.expose_provenance() as u64);
        }
        fill_frame(&mut frame, plan, slots, lens);
        // SAFETY: forwarded.
        let out = unsafe { inner.raw_fast(plan, &frame, state) };
        if !matches!(plan.ret, RetPlan::Memory { .. }) {
            // SAFETY: `ret` is 32 writable bytes for register returns.
            unsafe { ret.cast::<[u64; 2]>().write_unaligned(out) };
        }
        return;
    }
    let layouts = inner.descriptor.argument_layouts();
    let mut ptrs = [std::ptr::null_mut::<c_void>(); 16];
    for (i, ((slot, l), len)) in slots.iter_mut().zip(layouts).zip(lens).enumerate() {
        ptrs[i] = if matches!(l.kind(), LayoutKind::Struct(_) | LayoutKind::Union(_)) {
            if *len != l.byte_size() {
                struct_size_mismatch(i, *len, l.byte_size());
            }
            std::ptr::with_exposed_provenance_mut(*slot as usize)
        } else {
            slot as *mut u64 as *mut c_void
        };
    }
    // SAFETY: each pointer points to storage of the declared type; the rest is forwarded.
    unsafe { inner.raw_call(ptrs.as_mut_ptr(), ret, state) }
}

impl<S: Signature, R: NativeReturn> TypedDowncall<'_, S, R> {
    /// Calls the function.
    ///
    /// # Safety
    /// The descriptor must match the C function, and the function's requirements on its
    /// arguments must hold.
    ///
    /// # Panics
    /// If the handle captures call state: use [`call_capturing`](Self::call_capturing). If a
    /// [`ByValue`] argument's segment is not exactly the struct's size (nothing is called then).
    #[inline]
    pub unsafe fn call(&self, args: impl IntoArgs<S>) -> R {
        if S::DIRECT
            && let Some(code) = self.direct
        {
            // SAFETY: every argument is a `Native` value and the function is not variadic (see
            // `direct`); the view checked S and R against the descriptor, which the caller
            // vouches for. The rest is the caller's contract.
            return R::from_direct(unsafe { args.call_direct::<R>(code as *const c_void) });
        }
        // SAFETY: forwarded.
        unsafe { self.call_planned(args) }
    }

    /// [`call`](Self::call) through the register plan or libffi: out of line, so that the
    /// direct call above stays small enough to inline everywhere.
    ///
    /// # Safety
    /// As for [`call`](Self::call).
    #[inline(never)]
    unsafe fn call_planned(&self, args: impl IntoArgs<S>) -> R {
        let inner = &*self.inner;
        if inner.capture_errno {
            capture_needed(&inner.name);
        }
        if let Some(plan) = &inner.plan
            && let RetPlan::Void | RetPlan::Scalar(_) = plan.ret
        {
            return args.with_slots(|slots, lens| {
                let mut frame = Frame::uninit();
                fill_frame(&mut frame, plan, slots, lens);
                // SAFETY: the slots were lowered for the checked signature and placed by the
                // plan; the rest is the caller's contract.
                let out = unsafe { (plan.invoke)(inner.code as *const c_void, &frame) };
                R::from_bytes(&ret_bytes(&[out[0], out[1], 0, 0]))
            });
        }
        with_return(|ret| {
            // SAFETY: the signature was checked against the descriptor; `ret` is storage for
            // the return (see `RetStorage`). The rest is the caller's contract.
            args.with_slots(|slots, lens| unsafe {
                call_slots(&self.inner, slots, lens, ret, None)
            })
        })
    }

    /// Calls the function and writes `errno` into `state` (see
    /// [`LinkerOptions::capture_call_state`](super::LinkerOptions::capture_call_state)).
    ///
    /// # Safety
    /// As for [`call`](Self::call).
    ///
    /// # Panics
    /// As [`call`](Self::call), for a [`ByValue`] argument of the wrong size.
    pub unsafe fn call_capturing(&self, state: &mut Segment, args: impl IntoArgs<S>) -> Result<R> {
        self.inner.check_state(Some(state))?;
        Ok(with_return(|ret| {
            // SAFETY: as in call.
            args.with_slots(|slots, lens| unsafe {
                call_slots(&self.inner, slots, lens, ret, Some(state))
            })
        }))
    }
}

impl<S: Signature> TypedDowncall<'_, S, ByValue> {
    /// Calls a function that returns a struct by value; the struct is written into memory from
    /// `allocator`.
    ///
    /// Fails, before calling, if the allocator fails or answers with a segment shorter or less
    /// aligned than the struct (a [`SegmentAllocator`] is safe to implement, so its answer is
    /// checked before C writes into it).
    ///
    /// # Safety
    /// As for [`call`](Self::call).
    ///
    /// # Panics
    /// As [`call`](Self::call), for a [`ByValue`] argument of the wrong size.
    pub unsafe fn call_in<'a>(
        &self,
        allocator: impl SegmentAllocator<'a>,
        args: impl IntoArgs<S>,
    ) -> Result<&'a mut Segment> {
        let inner = &*self.inner;
        let (RetKind::Struct(size), Some(layout)) = (inner.ret, &inner.ret_layout) else {
            unreachable!("the typed view checked the struct return")
        };
        // The allocator's answer, checked: at least the struct's size, aligned for it.
        let align = layout.byte_alignment();
        let seg = return_segment(allocator.allocate_layout(layout)?, size, align, layout)?;
        if let Some(plan) = &inner.plan {
            args.with_slots(|slots, lens| {
                let mut frame = Frame::uninit();
                if let RetPlan::Memory { .. } = plan.ret {
                    // Exposed: the callee writes the struct through it.
                    frame.set(0, seg.as_mut_ptr().expose_provenance() as u64);
                }
                fill_frame(&mut frame, plan, slots, lens);
                // SAFETY: as in call: the slots were lowered for the checked signature and
                // placed by the plan; for a memory return, the hidden pointer is `seg`: the
                // struct's size, aligned for it (checked above).
                let out = unsafe { inner.raw_fast(plan, &frame, None) };
                if let RetPlan::Struct { .. } = plan.ret {
                    store_registers(seg, out);
                }
            });
            return Ok(seg);
        }
        if size > 16 {
            // SAFETY: as in call; the segment is the hidden return pointer: exactly `size`
            // writable bytes, aligned for the struct (checked above).
            args.with_slots(|slots, lens| unsafe {
                call_slots(inner, slots, lens, seg.as_mut_ptr().cast(), None)
            });
        } else {
            let mut ret = [0u64; 4];
            // SAFETY: as in call; registers are stored into the 32-byte buffer.
            args.with_slots(|slots, lens| unsafe {
                call_slots(inner, slots, lens, ret.as_mut_ptr().cast(), None)
            });
            seg.as_bytes_mut().copy_from_slice(&ret_bytes(&ret)[..size]);
        }
        Ok(seg)
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Mutex;

    use super::*;
    use crate::layout::StructLayout;
    use crate::linker::{Downcall, FunctionDescriptor, Linker, LinkerOptions, Symbol, Value};
    use crate::{Arena, F64, I8, I32, I64, PrefixAllocator};

    /// What an upcall received: each struct argument's bytes, in order.
    type Received = Arc<Mutex<Vec<Vec<u8>>>>;

    /// A downcall handle (linked with `options`) of an upcall stub for `descriptor`, which
    /// records its struct arguments and returns the struct `ret` (its bytes).
    fn echo<'a>(
        arena: &'a Arena,
        descriptor: FunctionDescriptor,
        ret: Vec<u8>,
        options: &LinkerOptions,
    ) -> (Downcall<'a>, Received) {
        let received = Received::default();
        let record = received.clone();
        let stub = Linker::native()
            .upcall(arena, descriptor, move |args, ret_seg| {
                *record.lock().unwrap() = args
                    .iter()
                    .filter_map(|v| v.as_struct().map(|s| s.as_bytes().to_vec()))
                    .collect();
                ret_seg.as_bytes_mut().copy_from_slice(&ret);
                Value::Void
            })
            .unwrap();
        // SAFETY: the stub is a function of exactly this descriptor, alive as long as `arena`.
        let symbol = unsafe { Symbol::from_address(stub.address(), "echo") };
        let handle = Linker::native()
            .downcall(&symbol, descriptor, options)
            .unwrap();
        (handle, received)
    }

    fn bytes(n: usize, from: u8) -> Vec<u8> {
        (0..n).map(|i| from.wrapping_add(i as u8)).collect()
    }

    /// Structs by value of awkward sizes (3, 8, 12 and 32 bytes), in registers and on the
    /// stack, returned in registers (12 bytes) and in memory (32 bytes), through the typed view
    /// and the dynamic path, planned and through libffi: C receives each struct's bytes and
    /// the caller gets the returned struct's.
    #[test]
    fn structs_by_value_reach_c_and_come_back() {
        let odd = StructLayout::c(&[I8.layout(); 3]).unwrap().layout();
        let pair = StructLayout::c(&[I32.layout(); 2]).unwrap().layout();
        let twelve = StructLayout::c(&[I32.layout(); 3]).unwrap().layout();
        let big = StructLayout::c(&[F64.layout(); 4]).unwrap().layout();
        let (a, b, c, d) = (bytes(3, 1), bytes(8, 10), bytes(12, 20), bytes(32, 40));
        let arena = Arena::new();
        for (planned, options) in [
            (true, LinkerOptions::new()),
            (false, LinkerOptions::new().libffi_only()),
        ] {
            // In registers where they fit; the return in memory.
            let desc = FunctionDescriptor::of(big, &[odd, pair, twelve, big, F64.layout()]);
            let ret = bytes(32, 100);
            let (h, got) = echo(&arena, desc, ret.clone(), &options);
            assert_eq!(h.is_direct(), planned);
            let (sa, sb, sc, sd) = (
                Segment::of_slice(&a),
                Segment::of_slice(&b),
                Segment::of_slice(&c),
                Segment::of_slice(&d),
            );
            let view = h
                .typed::<(ByValue, ByValue, ByValue, ByValue, f64), ByValue>()
                .unwrap();
            let mut buf = [0u64; 8];
            let mut scratch = PrefixAllocator::new(Segment::of_mut_slice(&mut buf));
            // SAFETY: the descriptor is the stub's.
            let r = unsafe { view.call_in(&mut scratch, (sa, sb, sc, sd, 1.5)) }.unwrap();
            assert_eq!(r.as_bytes(), ret);
            assert_eq!(*got.lock().unwrap(), [&a[..], &b, &c, &d]);
            let args = [
                Value::Struct(sa),
                Value::Struct(sb),
                Value::Struct(sc),
                Value::Struct(sd),
                Value::F64(1.5),
            ];
            got.lock().unwrap().clear();
            // SAFETY: as above.
            let r = unsafe { h.call_in(&mut scratch, &args) }.unwrap();
            assert_eq!(r.as_struct().unwrap().as_bytes(), ret);
            assert_eq!(*got.lock().unwrap(), [&a[..], &b, &c, &d]);

            // The integer registers taken: the small structs go on the stack; the return in
            // two registers, 12 bytes.
            let mut args = vec![I64.layout(); 6];
            args.extend([pair, odd, twelve]);
            let desc = FunctionDescriptor::of(twelve, &args);
            let ret = bytes(12, 200);
            let (h, got) = echo(&arena, desc, ret.clone(), &options);
            assert_eq!(h.is_direct(), planned);
            let view = h
                .typed::<(i64, i64, i64, i64, i64, i64, ByValue, ByValue, ByValue), ByValue>()
                .unwrap();
            // SAFETY: as above.
            let r = unsafe { view.call_in(&arena, (1, 2, 3, 4, 5, 6, sb, sa, sc)) }.unwrap();
            assert_eq!(r.as_bytes(), ret);
            assert_eq!(*got.lock().unwrap(), [&b[..], &a, &c]);
            let mut args: Vec<Value<'_>> = (1..=6).map(Value::I64).collect();
            args.extend([Value::Struct(sb), Value::Struct(sa), Value::Struct(sc)]);
            got.lock().unwrap().clear();
            // SAFETY: as above.
            let r = unsafe { h.call_in(&mut scratch, &args) }.unwrap();
            assert_eq!(r.as_struct().unwrap().as_bytes(), ret);
            assert_eq!(*got.lock().unwrap(), [&b[..], &a, &c]);
        }
    }
}
