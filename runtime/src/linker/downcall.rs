//! Downcall handles: a prepared libffi call interface for one C function.

use std::ffi::c_void;
use std::fmt;
use std::marker::PhantomData;
use std::sync::Arc;

use libffi::middle::{Cif, Type};
use libffi::raw;

use super::abi::ffi_type;
use super::fast::{self, DynArg, Frame, Plan, RetPlan};
use super::typed::{NativeType, Signature, TypedDowncall};
use super::value::Value;
use super::{FunctionDescriptor, Linker, LinkerOptions, Symbol};
use crate::layout::{LayoutKind, MemoryLayout, ValueKind};
use crate::{Address, Error, I32, Result, Segment, SegmentAllocator};

/// How a return value comes back.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum RetKind {
    Void,
    Scalar(ValueKind),
    /// A struct or union of this size, written by libffi into the return buffer.
    Struct(usize),
}

/// Everything a call needs, prepared once.
pub(crate) struct Prepared {
    /// The register-shape plan, when the call needs no libffi (see `fast`).
    pub(crate) plan: Option<Plan>,
    /// The call made in line by the dynamic path, when it can be (the plan's, unless errno
    /// is captured).
    pub(crate) inline: Option<fast::InlineCall>,
    pub(crate) cif: Cif,
    pub(crate) code: unsafe extern "C" fn(),
    pub(crate) descriptor: FunctionDescriptor,
    pub(crate) name: String,
    pub(crate) ret: RetKind,
    /// The return layout (the descriptor's), kept at hand for the allocation of a struct return.
    pub(crate) ret_layout: Option<MemoryLayout>,
    pub(crate) capture_errno: bool,
    /// Whether a typed view whose arguments are all scalars may call the function through a
    /// Rust `extern "C"` function type (not variadic, and libffi not forced).
    pub(crate) direct: bool,
}

// SAFETY: after preparation the CIF (and the libffi types it points to, which it owns) is only
// read, by ffi_call, which is thread-safe; the code pointer is a plain function address.
unsafe impl Send for Prepared {}
// SAFETY: as above: shared access never mutates.
unsafe impl Sync for Prepared {}

/// The thread's `errno`.
#[cfg(target_os = "linux")]
fn errno_location() -> *mut i32 {
    unsafe extern "C" {
        safe fn __errno_location() -> *mut i32;
    }
    __errno_location()
}

#[cfg(not(target_os = "linux"))]
fn errno_location() -> *mut i32 {
    unsafe extern "C" {
        safe fn __error() -> *mut i32;
    }
    __error()
}

/// Writes a struct returned in registers (its eightbytes, in order) into `seg`, which is the
/// struct's size (at most 16 bytes).
#[inline(always)]
pub(crate) fn store_registers(seg: &mut Segment, out: [u64; 2]) {
    let dst = seg.as_bytes_mut();
    let (lo, hi) = (out[0].to_ne_bytes(), out[1].to_ne_bytes());
    match dst.len() {
        8 => dst.copy_from_slice(&lo),
        16 => {
            dst[..8].copy_from_slice(&lo);
            dst[8..].copy_from_slice(&hi);
        }
        n => {
            let mut bytes = [0u8; 16];
            bytes[..8].copy_from_slice(&lo);
            bytes[8..].copy_from_slice(&hi);
            dst.copy_from_slice(&bytes[..n]);
        }
    }
}

/// The allocator's answer for a struct return of `layout` (`size` bytes aligned to `align`,
/// read from it before the allocation, so that the compiler can see they are unchanged),
/// checked as `checked_allocation` does (C writes the whole struct, so it must hold the
/// struct's size at its alignment), and cut to the struct's size.
#[inline(always)]
pub(crate) fn return_segment<'a>(
    seg: &'a mut Segment,
    size: usize,
    align: usize,
    layout: &MemoryLayout,
) -> Result<&'a mut Segment> {
    // An answer of exactly the size, aligned (a layout's alignment is a power of two), is the
    // struct's bytes; anything else gets the full check, with its error.
    if seg.len() == size && seg.is_aligned_at(0, align) {
        return Ok(seg);
    }
    crate::alloc::checked_allocation(seg, size, align, Some(*layout))
}

/// Places `args` into `frame` as `plan` says (and `ret_memory`, the destination of a struct
/// returned in memory, into the first integer register), checking each against the plan as
/// it goes. `false`, with the frame half filled and not to be called with, when the count
/// differs or an argument is not of its planned kind, or a struct not of its size. (The frame
/// needs no clearing first: see [`Frame`].)
///
/// `STRUCTS_IN_LINE`: whether struct arguments are placed in line (for calls that return a
/// struct, which are the ones that pass structs) or out of line (so that the scalar loop of
/// the other calls keeps its registers).
#[inline(always)]
fn place<const STRUCTS_IN_LINE: bool>(
    plan: &Plan,
    frame: &mut Frame,
    args: &[Value<'_>],
    ret_memory: *mut u8,
) -> bool {
    if args.len() != plan.dyn_args.len() {
        return false;
    }
    if let RetPlan::Memory { .. } = plan.ret {
        // Exposed: the callee writes the struct through it.
        frame.set(0, ret_memory.expose_provenance() as u64);
    }
    // One match per argument checks its kind and lowers it; a planned struct skips the
    // scalar match.
    for (v, a) in args.iter().zip(&plan.dyn_args) {
        if a.kind.is_some() {
            match v.lower_as(a.kind) {
                Some(bits) => frame.set(a.at, bits),
                None => return false,
            }
            continue;
        }
        let placed = if STRUCTS_IN_LINE {
            place_struct_inline(frame, v, a)
        } else {
            place_struct(frame, v, a)
        };
        if !placed {
            return false;
        }
    }
    true
}

/// Places a struct argument `v`, planned as `a`; `false` if it is not a struct of the planned
/// size. (Out of line: see [`place`].)
#[inline(never)]
fn place_struct(frame: &mut Frame, v: &Value<'_>, a: &DynArg) -> bool {
    place_struct_inline(frame, v, a)
}

/// Places a struct argument `v`, planned as `a`; `false` if it is not a struct of the planned
/// size.
#[inline(always)]
fn place_struct_inline(frame: &mut Frame, v: &Value<'_>, a: &DynArg) -> bool {
    match v {
        Value::Struct(seg) if a.kind.is_none() && seg.len() == a.size() => {
            frame.put_struct(seg.as_bytes(), a);
            true
        }
        _ => false,
    }
}

impl Prepared {
    fn new(
        address: Address,
        name: &str,
        descriptor: FunctionDescriptor,
        options: &LinkerOptions,
    ) -> Result<Prepared> {
        descriptor.validate()?;
        let capture_errno = Linker::check_options(&descriptor, options)?;
        if address.is_null() {
            return Err(Error::InvalidDescriptor {
                descriptor: descriptor.to_string(),
                reason: format!("the address of `{name}` is null"),
            });
        }
        let args: Vec<Type> = descriptor.argument_layouts().iter().map(ffi_type).collect();
        let (ret_type, ret) = match descriptor.return_layout() {
            None => (Type::void(), RetKind::Void),
            Some(l) => (ffi_type(&l), ret_kind(&l)),
        };
        let ffi_error = |e: libffi::low::Error| Error::Ffi {
            what: format!("a call interface for `{name}` {descriptor}"),
            reason: format!("{e:?}"),
        };
        let cif = match options.variadic_index() {
            Some(fixed) => Cif::try_new_variadic(args, fixed, ret_type).map_err(ffi_error)?,
            None => Cif::try_new(args, ret_type).map_err(ffi_error)?,
        };
        // SAFETY: a non-null address of a function; the caller of a downcall vouches that it is
        // the function the descriptor describes, and calls are `unsafe`.
        let code =
            unsafe { std::mem::transmute::<*mut u8, unsafe extern "C" fn()>(address.as_mut_ptr()) };
        let plan = if options.libffi_only {
            None
        } else {
            fast::plan(&descriptor, options.variadic_index().is_some())
        };
        let inline = plan
            .as_ref()
            .and_then(|p| p.inline)
            .filter(|_| !capture_errno);
        Ok(Prepared {
            plan,
            inline,
            cif,
            code,
            ret_layout: descriptor.return_layout(),
            descriptor,
            name: name.to_owned(),
            ret,
            capture_errno,
            direct: options.variadic_index().is_none() && !options.libffi_only,
        })
    }

    /// Calls through libffi.
    ///
    /// # Safety
    /// `args` must hold one pointer per descriptor argument, each to storage of that argument's
    /// type; `ret` must point to storage for the return (at least 8 bytes for scalars, the
    /// struct's size rounded up to 16 for structs returned in registers). The C function's own
    /// requirements must hold.
    #[inline]
    pub(crate) unsafe fn raw_call(
        &self,
        args: *mut *mut c_void,
        ret: *mut c_void,
        state: Option<&mut Segment>,
    ) {
        if self.capture_errno {
            // SAFETY: errno_location returns the calling thread's errno, always valid.
            unsafe { errno_location().write(0) };
        }
        // SAFETY: forwarded contract; the CIF was prepared for exactly these types.
        unsafe { raw::ffi_call(self.cif.as_raw_ptr(), Some(self.code), ret, args) };
        if let Some(state) = state {
            // SAFETY: as above; read right after the call, before any other libc call.
            let errno = unsafe { errno_location().read() };
            state.set(I32, 0, errno);
        }
    }

    /// Calls through the register-shape plan: no libffi.
    ///
    /// # Safety
    /// `args` must match the descriptor (checked by the caller); for a struct return,
    /// `ret_struct` must be its destination. The C function's own requirements must hold.
    #[inline]
    pub(crate) unsafe fn fast_call(
        &self,
        plan: &Plan,
        args: &[Value<'_>],
        ret_struct: Option<&mut Segment>,
        state: Option<&mut Segment>,
    ) -> Value<'static> {
        let mut ret_struct = ret_struct;
        let ret_memory = match (plan.ret, ret_struct.as_deref_mut()) {
            (RetPlan::Memory { .. }, Some(seg)) => seg.as_mut_ptr(),
            _ => std::ptr::null_mut(),
        };
        let mut frame = Frame::uninit();
        if !place::<false>(plan, &mut frame, args, ret_memory) {
            unreachable!("the arguments were checked against the descriptor");
        }
        // SAFETY: forwarded.
        let out = unsafe { self.raw_fast(plan, &frame, state) };
        match plan.ret {
            RetPlan::Void | RetPlan::Memory { .. } => Value::Void,
            // `out` holds the return register; the value is in its low bytes.
            RetPlan::Scalar(kind) => Value::from_bits(kind, out[0]),
            RetPlan::Struct { .. } => {
                if let Some(seg) = ret_struct {
                    store_registers(seg, out);
                }
                Value::Void
            }
        }
    }

    /// Calls through the plan's invoker with errno handling.
    ///
    /// # Safety
    /// `regs` must hold the arguments as the plan places them.
    #[inline(always)]
    pub(crate) unsafe fn raw_fast(
        &self,
        plan: &Plan,
        frame: &Frame,
        state: Option<&mut Segment>,
    ) -> [u64; 2] {
        if self.capture_errno {
            // SAFETY: errno_location returns the calling thread's errno, always valid.
            unsafe { errno_location().write(0) };
        }
        // SAFETY: forwarded; the invoker was chosen for this descriptor's return shape and
        // stack words.
        let out = unsafe { (plan.invoke)(self.code as *const c_void, frame) };
        if let Some(state) = state {
            // SAFETY: as above; read right after the call.
            let errno = unsafe { errno_location().read() };
            state.set(I32, 0, errno);
        }
        out
    }

    pub(crate) fn check_state(&self, state: Option<&Segment>) -> Result<()> {
        match (self.capture_errno, state) {
            (true, Some(s)) => s.check_access(0, 4, 4),
            (false, None) => Ok(()),
            (true, None) => Err(self.mismatch(
                "call",
                "this handle captures errno: use a *_capturing method".into(),
            )),
            (false, Some(_)) => Err(self.mismatch(
                "call",
                "this handle captures no call state: link it with capture_call_state(\"errno\")"
                    .into(),
            )),
        }
    }

    pub(crate) fn mismatch(&self, what: &'static str, reason: String) -> Error {
        Error::SignatureMismatch {
            what,
            descriptor: format!("`{}` {}", self.name, self.descriptor),
            reason,
        }
    }
}

fn ret_kind(layout: &MemoryLayout) -> RetKind {
    match layout.kind() {
        LayoutKind::Value { kind, .. } => RetKind::Scalar(*kind),
        _ => RetKind::Struct(layout.byte_size()),
    }
}

/// A downcall handle: a C function and its descriptor, prepared for calling with dynamic
/// [`Value`]s, or through a [`typed`](Downcall::typed) view checked once.
///
/// It borrows the library the function came from (`'lib`), so the library cannot be unloaded
/// while the handle exists. It is cheap to clone and can be shared between threads.
#[derive(Clone)]
pub struct Downcall<'lib> {
    pub(crate) inner: Arc<Prepared>,
    _library: PhantomData<&'lib ()>,
}

impl fmt::Debug for Downcall<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Downcall({} {})", self.inner.name, self.inner.descriptor)
    }
}

impl Linker {
    /// A downcall handle for `symbol` with signature `descriptor`.
    ///
    /// Fails if the descriptor has a layout C cannot pass (see
    /// [`FunctionDescriptor::validate`]), a variadic argument C would promote, or an unknown
    /// call state to capture.
    pub fn downcall<'lib>(
        &self,
        symbol: &Symbol<'lib>,
        descriptor: FunctionDescriptor,
        options: &LinkerOptions,
    ) -> Result<Downcall<'lib>> {
        Ok(Downcall {
            inner: Arc::new(Prepared::new(
                symbol.address(),
                symbol.name(),
                descriptor,
                options,
            )?),
            _library: PhantomData,
        })
    }
}

/// Storage for one dynamic argument: the register image of a scalar.
type Slot = u64;

/// Most calls have few arguments: their slots live on the stack.
const INLINE_ARGS: usize = 16;

impl<'lib> Downcall<'lib> {
    /// The descriptor the handle was made with.
    pub fn descriptor(&self) -> &FunctionDescriptor {
        &self.inner.descriptor
    }

    /// The function's address.
    pub fn address(&self) -> Address {
        Address::from_ptr(self.inner.code as *const u8)
    }

    /// The function's name.
    pub fn name(&self) -> &str {
        &self.inner.name
    }

    /// Whether calls go through the register-shape path (no libffi), rather than libffi.
    pub fn is_direct(&self) -> bool {
        self.inner.plan.is_some()
    }

    /// Whether [`call`](Self::call) makes this call in line, from the caller's code: at most
    /// eight scalar arguments, all in registers, a scalar or no return, not variadic, and no
    /// call state captured. Other calls go through a precompiled invoker, or libffi.
    pub fn is_inline(&self) -> bool {
        self.inner.inline.is_some()
    }

    /// A typed view of this handle: arguments `S` (a tuple of [`NativeType`]s) and return `R`,
    /// checked against the descriptor here, once, so calls through it check nothing.
    ///
    /// Scalars, pointers and Rust structs and unions that are [`Native`] (those
    /// `#[ffm::foreign]` and `ffm-extract` generate) are passed and returned by value, as C
    /// does; a struct is accepted where the descriptor has one of the same size, alignment and
    /// scalars at the same offsets. Struct bytes held in a segment are passed as [`ByValue`].
    ///
    /// ```
    /// use ffm::linker::{DefaultLookup, FunctionDescriptor, Linker, LinkerOptions, Native};
    /// use ffm::linker::SymbolLookup;
    /// use ffm::I32;
    ///
    /// #[ffm::foreign]
    /// mod c {
    ///     /// `div_t` of `<stdlib.h>`.
    ///     #[repr(C)]
    ///     pub struct div_t {
    ///         pub quot: i32,
    ///         pub rem: i32,
    ///     }
    /// }
    ///
    /// let div = DefaultLookup::new().find_or_error("div")?;
    /// let desc = FunctionDescriptor::of(c::div_t::LAYOUT, &[I32.layout(), I32.layout()]);
    /// let div = Linker::native()
    ///     .downcall(&div, desc, &LinkerOptions::new())?
    ///     .typed::<(i32, i32), c::div_t>()?;
    /// // SAFETY: `div_t div(int, int)`; the divisor is not zero.
    /// let r = unsafe { div.call((17, 5)) };
    /// assert_eq!((r.quot, r.rem), (3, 2));
    /// # Ok::<(), ffm::Error>(())
    /// ```
    ///
    /// [`NativeType`]: super::NativeType
    /// [`Native`]: super::Native
    /// [`ByValue`]: super::ByValue
    pub fn typed<S: Signature, R: NativeType>(&self) -> Result<TypedDowncall<'lib, S, R>> {
        TypedDowncall::new(self.inner.clone())
    }

    fn check_args(&self, args: &[Value<'_>]) -> Result<()> {
        let layouts = self.inner.descriptor.argument_layouts();
        if args.len() != layouts.len() {
            return Err(self.inner.mismatch(
                "call",
                format!(
                    "{} argument(s) given, {} declared",
                    args.len(),
                    layouts.len()
                ),
            ));
        }
        for (i, (v, l)) in args.iter().zip(layouts).enumerate() {
            if !v.fits(l) {
                return Err(self.inner.mismatch(
                    "call",
                    format!("argument #{i} is {}, declared {l}", v.type_name()),
                ));
            }
        }
        Ok(())
    }

    /// Calls with dynamic arguments; for functions that return a scalar or nothing.
    ///
    /// Each argument is checked against the descriptor (kind, and size for structs). A call
    /// whose arguments are at most eight scalars in registers and whose return is a scalar or
    /// nothing (not variadic, no errno) is made in line, from the caller, through a universal
    /// function type: each argument is lowered into the next register of its class, and the
    /// arguments' kinds are compared with the descriptor's at once. Where the `Value`s are
    /// written at the call site, the compiler places them there and then, and what is left is
    /// one comparison, the call, and making the returned `Value`. Other calls go through a
    /// precompiled invoker, or libffi.
    ///
    /// The returned [`Value`] is of the descriptor's return kind: convert it with `TryFrom`
    /// (`i32::try_from(value)`, exact, a [`ValueKindError`](super::ValueKindError) naming
    /// both kinds otherwise) or widen any integer with [`Value::as_i64`].
    ///
    /// ```
    /// use ffm::linker::{DefaultLookup, FunctionDescriptor, Linker, LinkerOptions};
    /// use ffm::linker::{SymbolLookup, Value};
    /// use ffm::{F64, I32};
    ///
    /// let linker = Linker::native();
    /// // double ldexp(double x, int exp): x · 2^exp
    /// let ldexp = linker.downcall(
    ///     &DefaultLookup::new().find_or_error("ldexp")?,
    ///     FunctionDescriptor::of(F64, &[F64.layout(), I32.layout()]),
    ///     &LinkerOptions::new(),
    /// )?;
    /// // SAFETY: the descriptor is ldexp's; it has no preconditions.
    /// let r = unsafe { ldexp.call(&[Value::F64(1.5), Value::I32(3)]) }?;
    /// assert_eq!(f64::try_from(r)?, 12.0);
    ///
    /// // An argument of another kind than the descriptor's is refused before C is reached.
    /// // SAFETY: as above.
    /// let err = unsafe { ldexp.call(&[Value::F64(1.5), Value::I64(3)]) }.unwrap_err();
    /// assert!(err.to_string().ends_with("argument #1 is i64, declared i32"), "{err}");
    /// # Ok::<(), ffm::Error>(())
    /// ```
    ///
    /// # Safety
    /// The descriptor must match the C function, and the function's requirements on its
    /// arguments (valid pointers, terminated strings, …) must hold.
    #[inline(always)]
    pub unsafe fn call(&self, args: &[Value<'_>]) -> Result<Value<'static>> {
        let inner = &*self.inner;
        // `rax` and `xmm0` after the call.
        let out = match &inner.inline {
            // A call of scalars in registers is made here, in line (see `fast::InlineCall`).
            Some(ic) if args.len() <= fast::MAX_INLINE => {
                let mut regs = fast::InlineRegs::new();
                // The arguments' kinds by position (`fast::kind_code`), a byte each: the call
                // is made if they are the planned ones.
                let mut kinds = 0u64;
                let mut scalars = true;
                for (i, v) in args.iter().enumerate() {
                    // The value's own kind places it, whatever the plan says, so that where
                    // the arguments are written at the call site their placement is known
                    // there (and the check below is one comparison).
                    match v.lower() {
                        Some((kind, bits)) => {
                            kinds = fast::pack_kind(kinds, i, kind);
                            regs.push(kind, bits);
                        }
                        // (A `Void` or a struct would add no code: the flag refuses it.)
                        None => scalars = false,
                    }
                }
                if scalars && kinds == ic.kinds && regs.fits() {
                    // SAFETY: every argument is a scalar, and the packed codes (never 0, one
                    // byte per position) equal the plan's, so there are as many arguments as
                    // planned, each of its planned kind. An `InlineCall` exists only for a
                    // plan that is not variadic, puts every argument in a register and
                    // returns a scalar or nothing, and `InlineCall::new` checked that
                    // `InlineRegs` places each argument in the plan's register: `regs` holds
                    // the call as the plan makes it. The rest is the caller's contract.
                    unsafe { regs.call(inner.code as *const c_void) }
                } else {
                    // SAFETY: forwarded.
                    unsafe { self.call_planned(args)? }
                }
            }
            // SAFETY: forwarded.
            _ => unsafe { self.call_planned(args)? },
        };
        // One place makes the returned value from the register it is in, so that a caller
        // reading it (`as_i64`, a match) reads it from there, whichever way the call went.
        Ok(match inner.ret {
            RetKind::Scalar(kind) => Value::from_bits(kind, out[usize::from(kind.is_float())]),
            // (A struct return is refused by `call_planned`.)
            RetKind::Void | RetKind::Struct(_) => Value::Void,
        })
    }

    /// The register-shape call of [`call`](Self::call) through an invoker, or the checked
    /// path. Returns the value as [`call`](Self::call) reads it: in the first word for an
    /// integer, the second for a floating-point value. Marked cold so that the compiler lays
    /// it out of the in-line call's way: the in-line call then falls through to making its
    /// result, with no jump taken (which took the dynamic `noop` benchmark row from 1.19× the
    /// direct call to 1.00×).
    ///
    /// # Safety
    /// As for [`call`](Self::call).
    #[cold]
    #[inline(never)]
    unsafe fn call_planned(&self, args: &[Value<'_>]) -> Result<[u64; 2]> {
        let inner = &*self.inner;
        if let Some(plan @ Plan { ret: RetPlan::Void | RetPlan::Scalar(_), .. }) = &inner.plan
            && !inner.capture_errno
            // SAFETY: forwarded; a scalar or void return needs no destination.
            && let Some(out) = unsafe { self.try_fast(plan, args, std::ptr::null_mut()) }
        {
            // `out[0]` holds the return register, whichever its class.
            return Ok([out[0], out[0]]);
        }
        // SAFETY: forwarded.
        let bits = unsafe { self.call_checked(args)? }.bits();
        Ok([bits, bits])
    }

    /// The checked path of [`call`](Self::call): reports any mismatch before calling.
    ///
    /// # Safety
    /// As for [`call`](Self::call).
    #[inline(never)]
    unsafe fn call_checked(&self, args: &[Value<'_>]) -> Result<Value<'static>> {
        // SAFETY: forwarded.
        unsafe { self.invoke(args, None, None) }
    }

    /// The register-shape call when every argument is of its planned kind (and every struct
    /// of its size); `None`, without calling, when one is not (the checked path then says
    /// which). Returns the two return registers.
    ///
    /// # Safety
    /// As for [`call`](Self::call); for a struct returned in memory, `ret_memory` must be
    /// writable for the struct and aligned for it.
    #[inline(always)]
    unsafe fn try_fast(
        &self,
        plan: &Plan,
        args: &[Value<'_>],
        ret_memory: *mut u8,
    ) -> Option<[u64; 2]> {
        let mut frame = Frame::uninit();
        if !place::<false>(plan, &mut frame, args, ret_memory) {
            return None;
        }
        // SAFETY: every argument matched its planned kind and size; the rest is the caller's
        // contract.
        Some(unsafe { (plan.invoke)(self.inner.code as *const c_void, &frame) })
    }

    /// Calls, writing `errno` into `state` (a segment of [`Linker::capture_state_layout`])
    /// right after the call. The handle must have been made with
    /// `capture_call_state("errno")`.
    ///
    /// # Safety
    /// As for [`call`](Self::call).
    pub unsafe fn call_capturing(
        &self,
        state: &mut Segment,
        args: &[Value<'_>],
    ) -> Result<Value<'static>> {
        // SAFETY: forwarded.
        unsafe { self.invoke(args, None, Some(state)) }
    }

    /// Calls a function that may return a struct by value: the struct is written into memory
    /// from `allocator` and returned as [`Value::Struct`].
    ///
    /// ```
    /// use ffm::layout::StructLayout;
    /// use ffm::linker::{DefaultLookup, FunctionDescriptor, Linker, LinkerOptions};
    /// use ffm::linker::{SymbolLookup, Value};
    /// use ffm::{Arena, I32};
    ///
    /// // div_t div(int numerator, int denominator), div_t being { int quot; int rem; }
    /// const DIV_T: StructLayout = StructLayout::new(&[I32.layout(), I32.layout()]);
    /// let div = Linker::native().downcall(
    ///     &DefaultLookup::new().find_or_error("div")?,
    ///     FunctionDescriptor::of(DIV_T, &[I32.layout(), I32.layout()]),
    ///     &LinkerOptions::new(),
    /// )?;
    /// let arena = Arena::new();
    /// // SAFETY: the descriptor is div's; the denominator is not 0.
    /// let r = unsafe { div.call_in(&arena, &[Value::I32(17), Value::I32(5)]) }?;
    /// let quot_rem = r.as_struct().expect("a struct");
    /// assert_eq!((quot_rem.get(I32, 0), quot_rem.get(I32, 4)), (3, 2));
    /// # Ok::<(), ffm::Error>(())
    /// ```
    ///
    /// # Safety
    /// As for [`call`](Self::call).
    #[inline(always)]
    pub unsafe fn call_in<'a>(
        &self,
        allocator: impl SegmentAllocator<'a>,
        args: &[Value<'_>],
    ) -> Result<Value<'a>> {
        let inner = &*self.inner;
        let (RetKind::Struct(_), Some(layout)) = (inner.ret, &inner.ret_layout) else {
            // No struct to return: as `call`.
            // SAFETY: forwarded.
            return unsafe { self.call(args) };
        };
        let (size, align) = (layout.byte_size(), layout.byte_alignment());
        let seg = return_segment(allocator.allocate_layout(layout)?, size, align, layout)?;
        if let Some(plan) = &inner.plan
            && !inner.capture_errno
        {
            let mut frame = Frame::uninit();
            if place::<true>(plan, &mut frame, args, seg.as_mut_ptr()) {
                // SAFETY: every argument matched its planned kind and size; `seg` is the
                // struct's size and alignment (checked above), the destination of a struct
                // returned in memory. The rest is the caller's contract.
                let out = unsafe { (plan.invoke)(inner.code as *const c_void, &frame) };
                if let RetPlan::Struct { .. } = plan.ret {
                    store_registers(seg, out);
                }
                return Ok(Value::Struct(seg));
            }
        }
        // SAFETY: forwarded.
        unsafe { self.call_in_checked(seg, None, args) }
    }

    /// [`call_in`](Self::call_in) and [`call_capturing`](Self::call_capturing) together.
    ///
    /// # Safety
    /// As for [`call`](Self::call).
    pub unsafe fn call_in_capturing<'a>(
        &self,
        allocator: impl SegmentAllocator<'a>,
        state: &mut Segment,
        args: &[Value<'_>],
    ) -> Result<Value<'a>> {
        match (self.inner.ret, &self.inner.ret_layout) {
            (RetKind::Struct(_), Some(layout)) => {
                let (size, align) = (layout.byte_size(), layout.byte_alignment());
                let seg = return_segment(allocator.allocate_layout(layout)?, size, align, layout)?;
                // SAFETY: forwarded.
                unsafe { self.call_in_checked(seg, Some(state), args) }
            }
            // SAFETY: forwarded.
            _ => unsafe { self.invoke(args, None, Some(state)) },
        }
    }

    /// The checked path of a call returning a struct into `seg` (its size and alignment).
    ///
    /// # Safety
    /// As for [`call`](Self::call).
    #[inline(never)]
    unsafe fn call_in_checked<'a>(
        &self,
        seg: &'a mut Segment,
        state: Option<&mut Segment>,
        args: &[Value<'_>],
    ) -> Result<Value<'a>> {
        // SAFETY: forwarded.
        unsafe { self.invoke(args, Some(&mut *seg), state)? };
        Ok(Value::Struct(seg))
    }

    unsafe fn invoke(
        &self,
        args: &[Value<'_>],
        ret_struct: Option<&mut Segment>,
        state: Option<&mut Segment>,
    ) -> Result<Value<'static>> {
        self.check_args(args)?;
        self.inner.check_state(state.as_deref())?;
        if matches!(self.inner.ret, RetKind::Struct(_)) && ret_struct.is_none() {
            return Err(self.inner.mismatch(
                "call",
                "the function returns a struct by value: use call_in with an allocator".into(),
            ));
        }
        if let Some(plan) = &self.inner.plan {
            // SAFETY: forwarded; the plan was made for this descriptor.
            return Ok(unsafe { self.inner.fast_call(plan, args, ret_struct, state) });
        }
        let n = args.len();
        let mut inline_slots = [0 as Slot; INLINE_ARGS];
        let mut inline_ptrs = [std::ptr::null_mut::<c_void>(); INLINE_ARGS];
        let mut heap_slots;
        let mut heap_ptrs;
        let (slots, ptrs): (&mut [Slot], &mut [*mut c_void]) = if n <= INLINE_ARGS {
            (&mut inline_slots[..n], &mut inline_ptrs[..n])
        } else {
            heap_slots = vec![0 as Slot; n];
            heap_ptrs = vec![std::ptr::null_mut::<c_void>(); n];
            (&mut heap_slots, &mut heap_ptrs)
        };
        for (i, v) in args.iter().enumerate() {
            ptrs[i] = match v {
                // libffi reads a struct argument from its bytes, which the borrow keeps alive.
                Value::Struct(s) => s.as_ptr() as *mut c_void,
                scalar => {
                    slots[i] = scalar.bits();
                    &mut slots[i] as *mut Slot as *mut c_void
                }
            };
        }
        let mut ret_buf = [0u64; 4];
        match (self.inner.ret, ret_struct) {
            (RetKind::Struct(size), Some(seg)) => {
                if size > 16 {
                    // Returned in memory: libffi passes the segment as the hidden pointer and
                    // the callee writes exactly `size` bytes.
                    // SAFETY: forwarded; `seg` is `size` writable bytes.
                    unsafe {
                        self.inner
                            .raw_call(ptrs.as_mut_ptr(), seg.as_mut_ptr().cast(), state)
                    };
                } else {
                    // Returned in registers: libffi may store whole registers, so go through a
                    // 32-byte buffer and copy the struct's bytes.
                    // SAFETY: forwarded; ret_buf holds two registers' worth and more.
                    unsafe {
                        self.inner
                            .raw_call(ptrs.as_mut_ptr(), ret_buf.as_mut_ptr().cast(), state)
                    };
                    seg.as_bytes_mut()
                        .copy_from_slice(&ret_bytes(&ret_buf)[..size]);
                }
                Ok(Value::Void)
            }
            (RetKind::Void, _) => {
                // SAFETY: forwarded; a void function writes no return value.
                unsafe {
                    self.inner
                        .raw_call(ptrs.as_mut_ptr(), ret_buf.as_mut_ptr().cast(), state)
                };
                Ok(Value::Void)
            }
            (RetKind::Scalar(kind), _) => {
                // SAFETY: forwarded; libffi writes a full ffi_arg (8 bytes) for integers.
                unsafe {
                    self.inner
                        .raw_call(ptrs.as_mut_ptr(), ret_buf.as_mut_ptr().cast(), state)
                };
                // SAFETY: ret_buf is 32 initialized bytes; narrow integers are in the low bytes.
                Ok(unsafe { Value::read(kind, ret_buf.as_ptr().cast()) })
            }
            (RetKind::Struct(_), None) => unreachable!("checked above"),
        }
    }
}

pub(crate) fn ret_bytes(words: &[u64; 4]) -> [u8; 32] {
    let mut out = [0u8; 32];
    for (chunk, w) in out.chunks_exact_mut(8).zip(words) {
        chunk.copy_from_slice(&w.to_ne_bytes());
    }
    out
}
