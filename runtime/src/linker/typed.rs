//! Typed downcalls: a handle viewed through Rust types, checked once against its descriptor.

use std::ffi::c_void;
use std::fmt;
use std::marker::PhantomData;
use std::sync::Arc;

use super::downcall::{Prepared, RetKind, ret_bytes, return_segment, store_registers};
use super::fast::{Frame, RetPlan, extend};
use super::value::Addressable;
use crate::layout::{LayoutKind, MemoryLayout};
use crate::{Address, Carrier, Result, Segment, SegmentAllocator};

mod sealed {
    pub trait Sealed {}
    /// Seals [`Signature`](super::Signature): only tuples of `NativeType`s are signatures.
    pub trait SealedSignature {}
    /// Seals [`IntoArgs`](super::IntoArgs): only tuples of `IntoArg`s lower arguments.
    pub trait SealedArgs<S> {}
}

/// A Rust type that stands for one C argument or return type in a typed view: the integers,
/// `f32`, `f64`, `bool`, [`Address`] (any pointer), [`ByValue`] (a struct or union by value),
/// and `()` (a `void` return).
pub trait NativeType: sealed::Sealed + 'static {
    /// Whether this type can carry `layout`.
    #[doc(hidden)]
    fn accepts(layout: &MemoryLayout) -> bool;
    /// The name used in mismatch messages.
    #[doc(hidden)]
    const NAME: &'static str;
    /// Whether the argument's storage is its bytes (structs) rather than a register image.
    #[doc(hidden)]
    const BY_VALUE: bool = false;
    /// The type that carries this one in an `extern "C"` function type when the view calls
    /// the function directly (itself, for scalars and [`Address`]); unused for [`ByValue`].
    #[doc(hidden)]
    type Direct: Copy;
    /// The direct form of a register image (as [`IntoArg::into_raw`] makes it).
    #[doc(hidden)]
    fn to_direct(bits: u64) -> Self::Direct;
}

/// The typed-view stand-in for a struct or union passed or returned by value. Pass a
/// `&Segment` holding its bytes; a struct return comes back in memory from an allocator.
#[derive(Debug, Clone, Copy)]
pub enum ByValue {}

impl sealed::Sealed for ByValue {}
impl NativeType for ByValue {
    fn accepts(layout: &MemoryLayout) -> bool {
        matches!(layout.kind(), LayoutKind::Struct(_) | LayoutKind::Union(_))
    }
    const NAME: &'static str = "ByValue";
    const BY_VALUE: bool = true;
    // Never passed directly: a signature with a by-value struct is called through the plan.
    type Direct = u64;
    fn to_direct(bits: u64) -> u64 {
        bits
    }
}

macro_rules! scalar_native {
    ($($t:ty),*) => {$(
        impl sealed::Sealed for $t {}
        impl NativeType for $t {
            fn accepts(layout: &MemoryLayout) -> bool {
                layout.value_kind() == Some(<$t as Carrier>::KIND)
            }
            const NAME: &'static str = stringify!($t);
            type Direct = $t;
            #[inline(always)]
            fn to_direct(bits: u64) -> $t {
                Scalar::from_bits(bits)
            }
        }
        // SAFETY: the register image of the value is its bits, zero-extended.
        unsafe impl IntoArg<$t> for $t {
            #[inline(always)]
            fn into_raw(self) -> u64 {
                Scalar::to_bits(self)
            }
        }
        // SAFETY: libffi writes a full ffi_arg for integers and the value's bytes for floats,
        // always in the low bytes of the buffer (little-endian targets).
        unsafe impl NativeReturn for $t {
            #[inline(always)]
            fn from_raw(buf: &[u64; 4]) -> Self {
                Scalar::from_bits(buf[0])
            }
            #[inline(always)]
            fn from_direct(value: $t) -> Self {
                value
            }
        }
    )*};
}

/// Bits of a scalar, zero-extended to 64.
trait Scalar: Sized {
    fn to_bits(self) -> u64;
    fn from_bits(bits: u64) -> Self;
}

macro_rules! int_scalar {
    ($($t:ty : $u:ty),*) => {$(
        impl Scalar for $t {
            #[inline(always)]
            fn to_bits(self) -> u64 { self as $u as u64 }
            #[inline(always)]
            fn from_bits(bits: u64) -> Self { bits as $u as $t }
        }
    )*};
}
int_scalar!(i8: u8, u8: u8, i16: u16, u16: u16, i32: u32, u32: u32, i64: u64, u64: u64,
            isize: usize, usize: usize);

impl Scalar for f32 {
    fn to_bits(self) -> u64 {
        f32::to_bits(self) as u64
    }
    fn from_bits(bits: u64) -> Self {
        f32::from_bits(bits as u32)
    }
}
impl Scalar for f64 {
    fn to_bits(self) -> u64 {
        f64::to_bits(self)
    }
    fn from_bits(bits: u64) -> Self {
        f64::from_bits(bits)
    }
}
impl Scalar for bool {
    fn to_bits(self) -> u64 {
        self as u64
    }
    fn from_bits(bits: u64) -> Self {
        bits as u8 != 0
    }
}
impl Scalar for Address {
    fn to_bits(self) -> u64 {
        // Exposed: C (or `fill_frame`, for struct bytes) turns the number back into a pointer.
        self.as_ptr::<u8>().expose_provenance() as u64
    }
    fn from_bits(bits: u64) -> Self {
        Address::from_mut_ptr(std::ptr::with_exposed_provenance_mut::<u8>(bits as usize))
    }
}

scalar_native!(
    i8, u8, i16, u16, i32, u32, i64, u64, isize, usize, f32, f64, bool, Address
);

impl sealed::Sealed for () {}
impl NativeType for () {
    fn accepts(_layout: &MemoryLayout) -> bool {
        false
    }
    const NAME: &'static str = "()";
    type Direct = ();
    fn to_direct(_bits: u64) {}
}
// SAFETY: nothing is read.
unsafe impl NativeReturn for () {
    fn from_raw(_buf: &[u64; 4]) -> Self {}
    #[inline(always)]
    fn from_direct(_value: ()) {}
}

/// A Rust value that can be passed where a typed view declares `T`: `T` itself for scalars,
/// and for [`Address`] anything [`Addressable`] (a borrow of a segment, a `&CStr`, a raw
/// pointer, an upcall stub, [`Address::NULL`]); for [`ByValue`], a `&Segment` of exactly the
/// struct's size.
///
/// # Safety
/// `into_raw` must return the register image of a scalar, or for `T::BY_VALUE` the address
/// (with its provenance exposed) of [`byte_len`](Self::byte_len) initialized bytes that stay
/// valid and unwritten while `self` is borrowed.
pub unsafe trait IntoArg<T: NativeType> {
    /// The argument's raw form.
    #[doc(hidden)]
    fn into_raw(self) -> u64;

    /// For a by-value struct: how many bytes can be read at the address `into_raw` returns.
    /// A call checks it against the struct's size before reading any of them.
    #[doc(hidden)]
    fn byte_len(&self) -> usize {
        0
    }
}

// SAFETY: the register image of a pointer is its address (exposed, since C dereferences it);
// the borrow `&'a A` keeps the pointee alive for the call expression.
unsafe impl<A: Addressable + ?Sized> IntoArg<Address> for &A {
    #[inline(always)]
    fn into_raw(self) -> u64 {
        Scalar::to_bits(self.address())
    }
}
// SAFETY: as above.
unsafe impl<T> IntoArg<Address> for *const T {
    #[inline(always)]
    fn into_raw(self) -> u64 {
        self.expose_provenance() as u64
    }
}
// SAFETY: as above.
unsafe impl<T> IntoArg<Address> for *mut T {
    #[inline(always)]
    fn into_raw(self) -> u64 {
        self.expose_provenance() as u64
    }
}
// SAFETY: the exposed address of the segment's `len()` bytes, kept alive (and, through the
// shared borrow, unwritten) for the call expression.
unsafe impl IntoArg<ByValue> for &Segment {
    #[inline(always)]
    fn into_raw(self) -> u64 {
        self.as_ptr().expose_provenance() as u64
    }
    #[inline(always)]
    fn byte_len(&self) -> usize {
        self.len()
    }
}
// SAFETY: as above.
unsafe impl IntoArg<ByValue> for &mut Segment {
    #[inline(always)]
    fn into_raw(self) -> u64 {
        self.as_ptr().expose_provenance() as u64
    }
    #[inline(always)]
    fn byte_len(&self) -> usize {
        self.len()
    }
}

/// A return type of a typed view: scalars, [`Address`] and `()`.
///
/// # Safety
/// `from_raw` must read the value from libffi's return buffer as libffi writes it.
pub unsafe trait NativeReturn: NativeType {
    /// Reads the value.
    #[doc(hidden)]
    fn from_raw(buf: &[u64; 4]) -> Self;
    /// The value from the return of a direct call.
    #[doc(hidden)]
    fn from_direct(value: Self::Direct) -> Self;
}

/// The argument types of a typed view: a tuple of [`NativeType`]s, `()` to `(A, …, P)`.
///
/// The trait is sealed: a typed call trusts the check it makes against the descriptor.
pub trait Signature: sealed::SealedSignature + 'static {
    /// The number of arguments.
    const LEN: usize;
    /// Checks each position against `layouts`; on mismatch, the position and Rust type name.
    #[doc(hidden)]
    fn check(layouts: &[MemoryLayout]) -> std::result::Result<(), (usize, &'static str)>;
    /// Whether every argument travels as a scalar (no [`ByValue`]), so that a view can call
    /// the function through a Rust `extern "C"` function type.
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
            fn check(layouts: &[MemoryLayout]) -> std::result::Result<(), (usize, &'static str)> {
                $(
                    if !$S::accepts(&layouts[$n]) {
                        return Err(($n, $S::NAME));
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
                let mut slots: [u64; $len] = [$(self.$n.into_raw()),*];
                f(&mut slots, &lens)
            }

            #[inline(always)]
            unsafe fn call_direct<Ret: NativeType>(self, code: *const c_void) -> Ret::Direct {
                // SAFETY: the caller vouches that `code` is a non-variadic C function of
                // exactly these parameter and return types, all scalars or pointers (each
                // `Direct` type is the Rust type with that C ABI); the register images are
                // turned back into those types, so Rust extends and places them as C expects.
                unsafe {
                    let f: unsafe extern "C" fn($($S::Direct),*) -> Ret::Direct =
                        std::mem::transmute(code);
                    f($($S::to_direct(self.$n.into_raw())),*)
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
/// once. A signature of scalars calls the function through a Rust `extern "C"` function type;
/// one with structs by value goes through the handle's register plan (or libffi).
pub struct TypedDowncall<'lib, S, R> {
    inner: Arc<Prepared>,
    /// The function, when [`call`](Self::call) may call it through a Rust function type: every
    /// argument a scalar, the function not variadic, no call state to capture. Held here so
    /// that such a call loads nothing else.
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
                    R::NAME
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
                // `ByValue`, so the slot is the address of its `len` bytes.
                let size = a.size();
                if *len != size {
                    struct_size_mismatch(i, *len, size);
                }
                let at = std::ptr::with_exposed_provenance::<u8>(*raw as usize);
                // SAFETY: `at` is the exposed address of the struct argument's bytes, `len ==
                // size` of them (checked above), kept alive by the IntoArg borrow for the call.
                let bytes = unsafe { std::slice::from_raw_parts(at, size) };
                frame.put_struct(bytes, a);
            }
        }
    }
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
            // SAFETY: every argument is a scalar and the function is not variadic (see
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
        if let Some(plan) = &inner.plan {
            // Scalar and void returns only (the typed view checked R against the descriptor).
            return args.with_slots(|slots, lens| {
                let mut frame = Frame::uninit();
                fill_frame(&mut frame, plan, slots, lens);
                // SAFETY: the slots were lowered for the checked signature and placed by the
                // plan; the rest is the caller's contract.
                let out = unsafe { (plan.invoke)(inner.code as *const c_void, &frame) };
                R::from_raw(&[out[0], out[1], 0, 0])
            });
        }
        let mut ret = [0u64; 4];
        // SAFETY: the signature was checked against the descriptor; ret is 32 bytes. The rest
        // is the caller's contract.
        args.with_slots(|slots, lens| unsafe {
            call_slots(&self.inner, slots, lens, ret.as_mut_ptr().cast(), None)
        });
        R::from_raw(&ret)
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
        let mut ret = [0u64; 4];
        // SAFETY: as in call.
        args.with_slots(|slots, lens| unsafe {
            call_slots(
                &self.inner,
                slots,
                lens,
                ret.as_mut_ptr().cast(),
                Some(state),
            )
        });
        Ok(R::from_raw(&ret))
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
