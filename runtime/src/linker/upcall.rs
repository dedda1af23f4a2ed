//! Upcall stubs: Rust closures as C function pointers, living as long as the arena that holds
//! them.
//!
//! On x86-64 System V both kinds of upcall start at a static thunk (see `thunks`): a typed
//! upcall's thunk jumps to its monomorphized trampoline, a dynamic upcall's thunk to the shared
//! entry in `dynup`. Other targets, signatures those paths cannot place, and upcalls beyond the
//! thunk pools use libffi closures.

use std::any::Any;
use std::ffi::c_void;
use std::fmt;
use std::marker::PhantomData;
use std::panic::{AssertUnwindSafe, catch_unwind};

use libffi::middle::{Cif, Type};
use libffi::raw;

use super::Native;
use super::abi::ffi_type;
use super::downcall::RetKind;
use super::typed::IntoArg;
use super::value::{Addressable, Value};
use super::{FunctionDescriptor, Linker};
use crate::layout::{LayoutKind, MemoryLayout, ValueKind};
use crate::{Address, Error, Result, Scope, Segment};

/// A C function pointer that calls a Rust closure, valid for `'a` (the borrow of the arena
/// that owns it). Pass it wherever C expects a function pointer: it is [`Addressable`].
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct UpcallStub<'a> {
    address: Address,
    _scope: PhantomData<&'a ()>,
}

impl UpcallStub<'_> {
    /// The function pointer.
    pub fn address(self) -> Address {
        self.address
    }
}

impl fmt::Debug for UpcallStub<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "UpcallStub({})", self.address)
    }
}

impl Addressable for UpcallStub<'_> {
    fn address(&self) -> Address {
        self.address
    }
}

// SAFETY: the register image of a function pointer is its address; the stub's lifetime keeps
// the closure alive for as long as the stub can be named.
unsafe impl IntoArg<Address> for UpcallStub<'_> {
    fn raw(&self) -> u64 {
        self.address.addr() as u64
    }
    fn into_direct(self) -> Address {
        self.address
    }
}

/// Owns a libffi closure, its CIF and the data its trampoline reads; frees them on drop.
struct ClosureHandle {
    closure: *mut raw::ffi_closure,
    _cif: Box<Cif>,
    _data: Box<dyn Any + Send + Sync>,
}

// SAFETY: the closure memory and CIF are only read by libffi after preparation; the data is
// Send + Sync. Freeing happens once, on drop.
unsafe impl Send for ClosureHandle {}

impl Drop for ClosureHandle {
    fn drop(&mut self) {
        // SAFETY: allocated by ffi_closure_alloc and freed once; no stub outlives the scope that
        // owns this handle.
        unsafe { raw::ffi_closure_free(self.closure.cast()) }
    }
}

type Trampoline =
    unsafe extern "C" fn(*mut raw::ffi_cif, *mut c_void, *mut *mut c_void, *mut c_void);

/// Allocates and prepares a libffi closure calling `trampoline` with `data`.
fn make_closure<'a, D: Any + Send + Sync>(
    scope: impl Scope<'a>,
    descriptor: &FunctionDescriptor,
    what: &str,
    data: D,
    trampoline: Trampoline,
) -> Result<UpcallStub<'a>> {
    descriptor.validate()?;
    let args: Vec<Type> = descriptor.argument_layouts().iter().map(ffi_type).collect();
    let ret = descriptor
        .return_layout()
        .map_or_else(Type::void, |l| ffi_type(&l));
    let ffi_error = |reason: String| Error::Ffi {
        what: format!("an upcall stub for {what} {descriptor}"),
        reason,
    };
    let cif = Box::new(Cif::try_new(args, ret).map_err(|e| ffi_error(format!("{e:?}")))?);
    let data: Box<D> = Box::new(data);
    let user = (&*data as *const D).cast_mut().cast::<c_void>();
    let mut code: *mut c_void = std::ptr::null_mut();
    // SAFETY: asks libffi for closure memory; it returns null on failure, checked below.
    let closure = unsafe { raw::ffi_closure_alloc(size_of::<raw::ffi_closure>(), &mut code) }
        .cast::<raw::ffi_closure>();
    if closure.is_null() || code.is_null() {
        return Err(ffi_error("ffi_closure_alloc returned null".into()));
    }
    let handle = ClosureHandle {
        closure,
        _cif: cif,
        _data: data,
    };
    // SAFETY: the closure and code come from ffi_closure_alloc; the CIF and the user data are
    // boxed in `handle`, which lives as long as the closure.
    let status = unsafe {
        raw::ffi_prep_closure_loc(
            closure,
            handle._cif.as_raw_ptr(),
            Some(trampoline),
            user,
            code,
        )
    };
    if status != raw::ffi_status_FFI_OK {
        return Err(ffi_error(format!(
            "ffi_prep_closure_loc returned status {status}"
        )));
    }
    scope.keep(handle);
    Ok(UpcallStub {
        address: Address::from_mut_ptr(code),
        _scope: PhantomData,
    })
}

/// Ends the process after a panic in an upcall: unwinding into C frames is undefined
/// behaviour, and C has no way to receive the panic.
#[cold]
pub(crate) fn abort_upcall(name: &str, payload: Box<dyn Any + Send>) -> ! {
    let msg = payload
        .downcast_ref::<&str>()
        .copied()
        .or_else(|| payload.downcast_ref::<String>().map(String::as_str))
        .unwrap_or("(a non-string panic payload)");
    eprintln!(
        "ffm: the upcall `{name}` panicked: {msg}\nffm: aborting the process, because a panic must not unwind into C"
    );
    std::process::abort()
}

/// Writes a scalar return the way libffi's closure expects: integers narrower than 64 bits as
/// a full, sign- or zero-extended register; floats as their own bytes.
///
/// # Safety
/// `ret` must be libffi's return storage for a scalar (at least 8 bytes).
unsafe fn write_ret(kind: ValueKind, bits: u64, ret: *mut c_void) {
    let widened: u64 = match kind {
        ValueKind::I8 => bits as u8 as i8 as i64 as u64,
        ValueKind::I16 => bits as u16 as i16 as i64 as u64,
        ValueKind::I32 => bits as u32 as i32 as i64 as u64,
        ValueKind::U8 | ValueKind::Bool => bits as u8 as u64,
        ValueKind::U16 => bits as u16 as u64,
        ValueKind::U32 => bits as u32 as u64,
        ValueKind::F32 => {
            // SAFETY: forwarded; four bytes for a float.
            unsafe { ret.cast::<u32>().write_unaligned(bits as u32) };
            return;
        }
        _ => bits,
    };
    // SAFETY: forwarded; a full register for everything else.
    unsafe { ret.cast::<u64>().write_unaligned(widened) }
}

/// What a dynamic upcall's trampoline needs.
struct Dynamic {
    f: Box<DynUpcall>,
    descriptor: FunctionDescriptor,
    ret: RetKind,
    name: String,
}

pub(crate) type DynUpcall = dyn Fn(&[Value<'_>], &mut Segment) -> Value<'static> + Send + Sync;

unsafe extern "C" fn dynamic_trampoline(
    _cif: *mut raw::ffi_cif,
    ret: *mut c_void,
    args: *mut *mut c_void,
    user: *mut c_void,
) {
    // SAFETY: `user` is the Dynamic boxed in the ClosureHandle that owns this closure.
    let data = unsafe { &*user.cast::<Dynamic>() };
    let result = catch_unwind(AssertUnwindSafe(|| {
        let layouts = data.descriptor.argument_layouts();
        // Most callbacks have few arguments: their values live on the stack.
        let mut inline = [Value::Void; 16];
        let mut heap = Vec::new();
        let values: &mut [Value<'_>] = if layouts.len() <= inline.len() {
            &mut inline[..layouts.len()]
        } else {
            heap.resize(layouts.len(), Value::Void);
            &mut heap
        };
        for (i, (l, v)) in layouts.iter().zip(values.iter_mut()).enumerate() {
            // SAFETY: libffi passes one pointer per argument, to storage of its type.
            let p = unsafe { *args.add(i) }.cast::<u8>();
            *v = match l.kind() {
                // SAFETY: p points to the argument's storage, valid for the call.
                LayoutKind::Value { kind, .. } => unsafe { Value::read(*kind, p) },
                // SAFETY: the struct's bytes, valid and not written for the duration of the call.
                _ => Value::Struct(unsafe { Segment::from_raw_parts(p, l.byte_size()) }),
            };
        }
        let values: &[Value<'_>] = values;
        match data.ret {
            RetKind::Struct(size) => {
                // SAFETY: libffi's return storage holds the struct; zero it so the segment's
                // bytes are initialized, then lend it to the closure.
                let out = unsafe {
                    std::ptr::write_bytes(ret.cast::<u8>(), 0, size);
                    Segment::from_raw_parts_mut(ret.cast::<u8>(), size)
                };
                (data.f)(values, out);
            }
            RetKind::Void => {
                (data.f)(values, Segment::empty_mut());
            }
            RetKind::Scalar(kind) => {
                let v = (data.f)(values, Segment::empty_mut());
                if v.kind() != Some(kind) {
                    panic!(
                        "it returned {}, but its descriptor {} returns {}",
                        v.type_name(),
                        data.descriptor,
                        kind.name()
                    );
                }
                // SAFETY: scalar return storage.
                unsafe { write_ret(kind, v.bits(), ret) };
            }
        }
    }));
    if let Err(payload) = result {
        abort_upcall(&data.name, payload);
    }
}

impl Linker {
    /// An upcall stub for `descriptor` that calls `f` with dynamic values.
    ///
    /// `f` receives the arguments (structs as [`Value::Struct`] segments over the argument's
    /// bytes) and a segment for a struct return value (empty otherwise); it returns the scalar
    /// result (`Value::Void` for `void` or struct returns). The stub lives in `scope` (an
    /// arena) and is freed when it closes. C may call it from any thread, so `f` is
    /// `Send + Sync`.
    ///
    /// A panic in `f` does not unwind into C: the process aborts with a message naming the
    /// callback.
    pub fn upcall<'a, F>(
        &self,
        scope: impl Scope<'a>,
        descriptor: FunctionDescriptor,
        f: F,
    ) -> Result<UpcallStub<'a>>
    where
        F: Fn(&[Value<'_>], &mut Segment) -> Value<'static> + Send + Sync + 'static,
    {
        descriptor.validate()?;
        let name = std::any::type_name::<F>().to_owned();
        // The fast path: a thunk that hands the entry point its state in `r11`.
        #[cfg(all(target_arch = "x86_64", unix))]
        let f: Box<DynUpcall> =
            match super::dynup::DynState::new(Box::new(f), descriptor, name.clone()) {
                Ok(state) => {
                    let state = Box::new(state);
                    let address = &*state as *const super::dynup::DynState as usize;
                    match super::thunks::acquire(super::thunks::R11, address, super::dynup::entry())
                    {
                        Some(thunk) => {
                            let address = Address::from_ptr(thunk.code());
                            scope.keep(FastUpcall {
                                _thunk: thunk,
                                _data: state,
                            });
                            return Ok(UpcallStub {
                                address,
                                _scope: PhantomData,
                            });
                        }
                        None => state.f,
                    }
                }
                Err(f) => f,
            };
        #[cfg(not(all(target_arch = "x86_64", unix)))]
        let f: Box<DynUpcall> = Box::new(f);
        let ret = match descriptor.return_layout() {
            None => RetKind::Void,
            Some(l) => match l.kind() {
                LayoutKind::Value { kind, .. } => RetKind::Scalar(*kind),
                _ => RetKind::Struct(l.byte_size()),
            },
        };
        let data = Dynamic {
            f,
            descriptor,
            ret,
            name: name.clone(),
        };
        make_closure(scope, &descriptor, &name, data, dynamic_trampoline)
    }

    /// An upcall stub that calls a typed closure `f: Fn(A, B, …) -> R` whose arguments and
    /// result are [`Native`] types. The descriptor is derived from the types' layouts, so
    /// nothing can disagree.
    ///
    /// ```
    /// use ffm::linker::Linker;
    /// use ffm::Arena;
    /// let arena = Arena::new();
    /// let add = Linker::native().upcall_typed(&arena, |a: i32, b: i32| a + b).unwrap();
    /// // SAFETY: the stub is an `int (*)(int, int)`, alive while `arena` is.
    /// let f: extern "C" fn(i32, i32) -> i32 = unsafe { std::mem::transmute(add.address()) };
    /// assert_eq!(f(2, 3), 5);
    /// ```
    pub fn upcall_typed<'a, S, R, F>(&self, scope: impl Scope<'a>, f: F) -> Result<UpcallStub<'a>>
    where
        F: UpcallFn<S, R>,
    {
        let descriptor = F::descriptor();
        descriptor.validate()?;
        let name = std::any::type_name::<F>().to_owned();
        // The fast path: a static thunk that hands the trampoline its state in a register.
        let reg = super::thunks::integer_registers(&descriptor);
        if reg < 6 && cfg!(all(target_arch = "x86_64", unix)) {
            let data: Box<Typed<F>> = Box::new(Typed { f, name });
            let state = &*data as *const Typed<F> as usize;
            match super::thunks::acquire(reg, state, F::fast_trampoline()) {
                Some(thunk) => {
                    #[cfg(all(target_arch = "x86_64", unix))]
                    let address = Address::from_ptr(thunk.code());
                    #[cfg(not(all(target_arch = "x86_64", unix)))]
                    let address = Address::NULL;
                    scope.keep(FastUpcall {
                        _thunk: thunk,
                        _data: data,
                    });
                    return Ok(UpcallStub {
                        address,
                        _scope: PhantomData,
                    });
                }
                None => {
                    let Typed { f, name } = *data;
                    return make_closure(
                        scope,
                        &descriptor,
                        &name.clone(),
                        Typed { f, name },
                        F::trampoline(),
                    );
                }
            }
        }
        make_closure(
            scope,
            &descriptor,
            &name,
            Typed {
                f,
                name: name.clone(),
            },
            F::trampoline(),
        )
    }
}

/// A closure usable as a typed upcall: `Fn(A, …) -> R` for up to 12 arguments, each
/// [`Native`] (scalars, pointers, [`Address`], generated structs by value), returning a
/// `Native` value or `()`.
///
/// Sealed: only closures implement it, so the trampolines a stub jumps to are always ffm's own.
pub trait UpcallFn<S, R>: sealed::SealedFn<S, R> + Send + Sync + Sized + 'static {
    /// The descriptor derived from the argument and return types.
    #[doc(hidden)]
    fn descriptor() -> FunctionDescriptor;
    /// The libffi trampoline for this closure type.
    #[doc(hidden)]
    fn trampoline() -> Trampoline;
    /// The address of the thunk-path trampoline: `extern "C" fn(args…, state) -> R`.
    #[doc(hidden)]
    fn fast_trampoline() -> usize;
}

/// What a typed upcall's trampoline needs.
struct Typed<F> {
    f: F,
    name: String,
}

/// A typed upcall on the thunk path: the thunk (released first, so that it stops reaching the
/// state) and the closure state.
struct FastUpcall {
    _thunk: super::thunks::Thunk,
    _data: Box<dyn Any + Send + Sync>,
}

/// A return type of a typed upcall: any [`Native`] type (scalars, pointers, generated
/// structs by value), or `()`. Sealed: the runtime writes C's return registers from it.
pub trait UpcallReturn: sealed::SealedReturn + 'static {
    /// The return layout (`None` for `void`).
    #[doc(hidden)]
    const LAYOUT: Option<MemoryLayout>;
    /// Writes the value into libffi's return storage.
    ///
    /// # Safety
    /// `ret` must be libffi's return storage for this type.
    #[doc(hidden)]
    unsafe fn write(self, ret: *mut c_void);
}

/// Keeps [`UpcallFn`] and [`UpcallReturn`] to the implementations in this module.
mod sealed {
    pub trait SealedFn<S, R> {}
    pub trait SealedReturn {}
    impl SealedReturn for () {}
    impl<T: super::Native> SealedReturn for T {}
}

impl UpcallReturn for () {
    const LAYOUT: Option<MemoryLayout> = None;
    unsafe fn write(self, _ret: *mut c_void) {}
}

impl<T: Native> UpcallReturn for T {
    const LAYOUT: Option<MemoryLayout> = Some(T::LAYOUT);
    unsafe fn write(self, ret: *mut c_void) {
        match T::LAYOUT.kind() {
            LayoutKind::Value { kind, .. } => {
                let mut bits = [0u8; 8];
                // SAFETY: a scalar Native is at most 8 bytes.
                unsafe { std::ptr::write_unaligned(bits.as_mut_ptr().cast::<T>(), self) };
                // SAFETY: forwarded.
                unsafe { write_ret(*kind, u64::from_ne_bytes(bits), ret) }
            }
            // SAFETY: libffi's return storage for a struct holds its bytes.
            _ => unsafe { std::ptr::write_unaligned(ret.cast::<T>(), self) },
        }
    }
}

macro_rules! upcall_fn {
    ($($n:tt $A:ident),*) => {
        impl<F, R, $($A),*> sealed::SealedFn<($($A,)*), R> for F
        where
            F: Fn($($A),*) -> R + Send + Sync + 'static,
            R: UpcallReturn,
            $($A: Native,)*
        {}

        impl<F, R, $($A),*> UpcallFn<($($A,)*), R> for F
        where
            F: Fn($($A),*) -> R + Send + Sync + 'static,
            R: UpcallReturn,
            $($A: Native,)*
        {
            fn descriptor() -> FunctionDescriptor {
                let args = [$($A::LAYOUT),*];
                match R::LAYOUT {
                    Some(r) => FunctionDescriptor::of(r, &args),
                    None => FunctionDescriptor::void(&args),
                }
            }

            fn trampoline() -> Trampoline {
                #[allow(unused_variables)]
                unsafe extern "C" fn tramp<F, R, $($A),*>(
                    _cif: *mut raw::ffi_cif,
                    ret: *mut c_void,
                    args: *mut *mut c_void,
                    user: *mut c_void,
                ) where
                    F: Fn($($A),*) -> R + Send + Sync + 'static,
                    R: UpcallReturn,
                    $($A: Native,)*
                {
                    // SAFETY: `user` is the Typed<F> boxed in the ClosureHandle of this closure.
                    let data = unsafe { &*user.cast::<Typed<F>>() };
                    // SAFETY: libffi passes one pointer per argument, to storage of the type
                    // the descriptor (derived from these very types) declares.
                    #[allow(unused_unsafe)]
                    let result = catch_unwind(AssertUnwindSafe(|| unsafe {
                        (data.f)($(std::ptr::read_unaligned((*args.add($n)).cast::<$A>())),*)
                    }));
                    match result {
                        // SAFETY: libffi's return storage for R.
                        Ok(r) => unsafe { r.write(ret) },
                        Err(payload) => abort_upcall(&data.name, payload),
                    }
                }
                tramp::<F, R, $($A),*>
            }

            fn fast_trampoline() -> usize {
                #[allow(non_snake_case)]
                unsafe extern "C" fn fast<F, R, $($A),*>($($A: $A,)* state: *const Typed<F>) -> R
                where
                    F: Fn($($A),*) -> R + Send + Sync + 'static,
                    R: UpcallReturn,
                    $($A: Native,)*
                {
                    // SAFETY: the thunk passes the Typed<F> it was acquired with, which lives
                    // until the thunk is released.
                    let data = unsafe { &*state };
                    match catch_unwind(AssertUnwindSafe(|| (data.f)($($A),*))) {
                        Ok(r) => r,
                        Err(payload) => abort_upcall(&data.name, payload),
                    }
                }
                fast::<F, R, $($A),*> as *const () as usize
            }
        }
    };
}

upcall_fn!();
upcall_fn!(0 A);
upcall_fn!(0 A, 1 B);
upcall_fn!(0 A, 1 B, 2 C);
upcall_fn!(0 A, 1 B, 2 C, 3 D);
upcall_fn!(0 A, 1 B, 2 C, 3 D, 4 E);
upcall_fn!(0 A, 1 B, 2 C, 3 D, 4 E, 5 G);
upcall_fn!(0 A, 1 B, 2 C, 3 D, 4 E, 5 G, 6 H);
upcall_fn!(0 A, 1 B, 2 C, 3 D, 4 E, 5 G, 6 H, 7 I);
upcall_fn!(0 A, 1 B, 2 C, 3 D, 4 E, 5 G, 6 H, 7 I, 8 J);
upcall_fn!(0 A, 1 B, 2 C, 3 D, 4 E, 5 G, 6 H, 7 I, 8 J, 9 K);
upcall_fn!(0 A, 1 B, 2 C, 3 D, 4 E, 5 G, 6 H, 7 I, 8 J, 9 K, 10 L);
upcall_fn!(0 A, 1 B, 2 C, 3 D, 4 E, 5 G, 6 H, 7 I, 8 J, 9 K, 10 L, 11 M);
