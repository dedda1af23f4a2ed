//! The ABI conformance matrix through the typed path of `#[ffm::foreign]`: the fixed subset of
//! signatures `matrix::typed_path_subset` (1,200 of them), declared with `#[ffm::foreign]` in
//! Rust the build script generates (`matrix::typed_rust_source`, written to
//! `OUT_DIR/matrix_typed.rs` and included here), and called through the generated wrappers,
//! which bind their symbol on first use and call through a typed function pointer (no libffi):
//!
//! - `m_i(…)`: with the very argument values the dynamic test passes (the same streams), and
//!   the same checks: every scalar leaf of every argument as C received it (the out buffer),
//!   which function ran, the return value;
//! - `u_i(cb, …)`: with a callback built by the generated `Cb_i::new(&arena, closure)` (a typed
//!   upcall): the arguments the closure got, and that the fresh value it returns comes back
//!   through C;
//! - `m_i` through a **typed view**: a `Downcall` linked at run time from the signature's
//!   `FunctionDescriptor` (as `abi_matrix.rs` links it), viewed with
//!   `handle.typed::<(A, B, …), R>()` where `A`, `B`, `R` are the very Rust types `#[foreign]`
//!   generated for the signature (the `shapes::*` structs and unions, the scalars,
//!   `*mut c_void`), with the checks of `m_i`: linked with the default options (the view calls
//!   through a Rust `extern "C"` function type), `libffi_only()` (through libffi), and
//!   capturing `errno` (through the register plan or libffi, with `call_capturing`).
//!
//! Every struct and union shape of the subset is a generated `#[repr(C)]` type (nested
//! anonymous members become types of their own), so the layouts `#[foreign]` computes are
//! checked against the C compiler's too.
//!
//! ```text
//! cargo test -p ffm-tests --test abi_matrix_typed
//! ```

use std::cell::Cell;
use std::ffi::c_void;
use std::sync::{Arc, Mutex};

use ffm::linker::{Downcall, Linker, LinkerOptions, Native};
use ffm::prelude::*;

#[path = "../matrix/gen.rs"]
mod matrix;

#[path = "../matrix/harness.rs"]
mod harness;

use harness::*;
use matrix::{Family, Rng, Sig};

/// A Rust type of the typed path: made from an argument value of the matrix, and turned back
/// into bytes for the checks (a scalar's own bytes, a struct's as it lays them out).
trait Typed: Sized {
    /// The value of `a`.
    fn from_arg(a: &Arg) -> Self;
    /// The value's bytes (nothing for `()`).
    fn bytes(self) -> Vec<u8>;
    /// The value a callback returns: `a`, or `()` for a void callback.
    fn ret(a: Option<&Arg>) -> Self {
        Self::from_arg(a.expect("a non-void callback has a value to return"))
    }
}

impl Typed for () {
    fn from_arg(a: &Arg) -> Self {
        panic!("no value of type () for {a:?}")
    }
    fn bytes(self) -> Vec<u8> {
        Vec::new()
    }
    fn ret(_: Option<&Arg>) -> Self {}
}

/// The bits of a scalar argument.
fn bits(a: &Arg) -> u64 {
    match a {
        Arg::Scalar(_, bits) => *bits,
        Arg::Struct(..) => panic!("a scalar expected, got {a:?}"),
    }
}

macro_rules! typed_ints {
    ($($t:ty),*) => {$(
        impl Typed for $t {
            fn from_arg(a: &Arg) -> Self {
                // The bits are the value's, truncated to its size.
                bits(a) as $t
            }
            fn bytes(self) -> Vec<u8> {
                self.to_ne_bytes().to_vec()
            }
        }
    )*};
}

typed_ints!(i8, u8, i16, u16, i32, u32, i64, u64);

impl Typed for f32 {
    fn from_arg(a: &Arg) -> Self {
        f32::from_bits(bits(a) as u32)
    }
    fn bytes(self) -> Vec<u8> {
        self.to_ne_bytes().to_vec()
    }
}

impl Typed for f64 {
    fn from_arg(a: &Arg) -> Self {
        f64::from_bits(bits(a))
    }
    fn bytes(self) -> Vec<u8> {
        self.to_ne_bytes().to_vec()
    }
}

impl Typed for bool {
    fn from_arg(a: &Arg) -> Self {
        bits(a) != 0
    }
    fn bytes(self) -> Vec<u8> {
        vec![self as u8]
    }
}

impl Typed for *mut c_void {
    fn from_arg(a: &Arg) -> Self {
        // Never dereferenced: C only stores it.
        Address::NULL.add(bits(a) as usize).as_mut_ptr()
    }
    fn bytes(self) -> Vec<u8> {
        self.addr().to_ne_bytes().to_vec()
    }
}

/// `Typed` for the generated shapes (in module `shapes`), through their generated `read` and
/// `write`; and `SHAPE_LAYOUTS`, each shape's name and the layout `#[foreign]` computed.
macro_rules! typed_shapes {
    ($($t:ident),* $(,)?) => {
        $(
            impl Typed for shapes::$t {
                fn from_arg(a: &Arg) -> Self {
                    match a {
                        Arg::Struct(_, bytes) => shapes::$t::read(Segment::of_bytes(bytes)).unwrap(),
                        Arg::Scalar(..) => panic!("a struct expected, got {a:?}"),
                    }
                }
                fn bytes(self) -> Vec<u8> {
                    let mut buf = vec![0u8; size_of::<shapes::$t>()];
                    self.write(Segment::of_bytes_mut(&mut buf)).unwrap();
                    buf
                }
            }
        )*

        /// Every generated shape: its name and its layout as `#[foreign]` computed it.
        const SHAPE_LAYOUTS: &[(&str, MemoryLayout)] = &[
            $((stringify!($t), <shapes::$t as Native>::LAYOUT),)*
        ];
    };
}

/// What a typed upcall check brings back: the bytes C returned, and the arguments the closure
/// received (as bytes), if it was called.
type UpResult = (Vec<u8>, Option<Vec<Vec<u8>>>);

/// Calls `u_i` with these arguments, its callback returning the given value.
type UpFn = fn(&[Arg], Option<&Arg>) -> Result<UpResult, String>;

/// Calls `m_i` through a typed view of `handle` (a handle of `m_i` linked at run time) over the
/// generated Rust types, with these arguments: through `call_capturing` into the given state
/// segment when there is one, else through `call`. The bytes of what it returned, or why the
/// view was refused.
type ViewFn = fn(&Downcall<'static>, Option<&mut Segment>, &[Arg]) -> Result<Vec<u8>, String>;

/// One signature of the typed subset: how to call its wrappers.
struct TypedSig {
    /// The index into the matrix.
    index: usize,
    /// Calls `m_i` through its wrapper with these arguments; the bytes of what it returned.
    down: fn(&[Arg]) -> Vec<u8>,
    /// Calls `u_i` through its wrapper with a `Cb_i::new` closure that records its arguments
    /// and returns the given value, and these arguments (for the signatures of
    /// `matrix::typed_upcall_subset`).
    up: Option<UpFn>,
    /// Calls `m_i` through a typed view of a handle; `None` for a signature with more
    /// parameters than a typed view takes ([`VIEW_MAX_ARITY`]).
    view: Option<ViewFn>,
}

/// The most parameters a typed view (`ffm::linker::Signature`) takes.
const VIEW_MAX_ARITY: usize = 16;

/// A `TypedSig` function was given the wrong number of arguments.
fn arity(args: &[Arg]) -> ! {
    panic!("{} arguments do not fit the signature", args.len())
}

/// The error of a failed `Cb_i::new`.
fn cb_error(e: ffm::Error) -> String {
    format!("Cb_i::new: {e}")
}

/// The return type of a signature: `()` when none is written.
macro_rules! ret_ty {
    () => {
        ()
    };
    ($r:ty) => {
        $r
    };
}

/// A [`TypedSig`] for signature `$i`: `$m` (and `$u`, with callback type `$cb`) in module
/// `$module`, with these parameters.
macro_rules! typed_sig {
    ($i:literal, $module:ident, $m:ident, $u:ident, $cb:ident, ($($a:ident: $t:ty),*) $(-> $r:ty)?) => {
        TypedSig {
            index: $i,
            down: typed_down!($module, $m, ($($a: $t),*)),
            view: typed_view!(($($a: $t),*) $(-> $r)?),
            up: Some({
                fn up(args: &[Arg], ret: Option<&Arg>) -> Result<UpResult, String> {
                    let arena = Arena::new();
                    let received: Arc<Mutex<Option<Vec<Vec<u8>>>>> = Arc::default();
                    let record = Arc::clone(&received);
                    let to_return = ret.cloned();
                    let cb = $module::$cb::new(&arena, move |$($a: $t),*| -> ret_ty!($($r)?) {
                        *record.lock().unwrap() = Some(vec![$(Typed::bytes($a)),*]);
                        <ret_ty!($($r)?) as Typed>::ret(to_return.as_ref())
                    })
                    .map_err(cb_error)?;
                    let [$($a),*] = args else { arity(args) };
                    // SAFETY: as for `m_i`; the C function calls `cb` (which lives in `arena`,
                    // open for the call) with its arguments and returns what it returns.
                    let r = unsafe { $module::$u(cb, $(<$t as Typed>::from_arg($a)),*) };
                    let got = received.lock().unwrap().take();
                    Ok((Typed::bytes(r), got))
                }
                up
            }),
        }
    };
    ($i:literal, $module:ident, $m:ident, ($($a:ident: $t:ty),*) $(-> $r:ty)?) => {
        TypedSig {
            index: $i,
            down: typed_down!($module, $m, ($($a: $t),*)),
            view: typed_view!(($($a: $t),*) $(-> $r)?),
            up: None,
        }
    };
}

/// The `down` function of a [`TypedSig`]: calls `$module::$m`.
macro_rules! typed_down {
    ($module:ident, $m:ident, ($($a:ident: $t:ty),*)) => {{
        fn down(args: &[Arg]) -> Vec<u8> {
            let [$($a),*] = args else { arity(args) };
            // SAFETY: the declaration was generated from the very signature the C function was
            // generated from; it only stores its arguments into this thread's out buffer.
            let r = unsafe { $module::$m($(<$t as Typed>::from_arg($a)),*) };
            Typed::bytes(r)
        }
        down
    }};
}

/// The `view` function of a [`TypedSig`]: a typed view over these parameter types and return,
/// or `None` past [`VIEW_MAX_ARITY`] parameters.
macro_rules! typed_view {
    // More parameters than a typed view takes: none.
    ((
        $a0:ident: $t0:ty, $a1:ident: $t1:ty, $a2:ident: $t2:ty, $a3:ident: $t3:ty,
        $a4:ident: $t4:ty, $a5:ident: $t5:ty, $a6:ident: $t6:ty, $a7:ident: $t7:ty,
        $a8:ident: $t8:ty, $a9:ident: $t9:ty, $a10:ident: $t10:ty, $a11:ident: $t11:ty,
        $a12:ident: $t12:ty, $a13:ident: $t13:ty, $a14:ident: $t14:ty, $a15:ident: $t15:ty,
        $a16:ident: $t16:ty $(, $more:ident: $tm:ty)*
    ) $(-> $r:ty)?) => {
        None
    };
    (($($a:ident: $t:ty),*) $(-> $r:ty)?) => {{
        fn view(
            handle: &Downcall<'static>,
            state: Option<&mut Segment>,
            args: &[Arg],
        ) -> Result<Vec<u8>, String> {
            let view = handle
                .typed::<($($t,)*), ret_ty!($($r)?)>()
                .map_err(|e| format!("typed view: {e}"))?;
            let [$($a),*] = args else { arity(args) };
            let r = match state {
                // SAFETY: the handle was linked from the descriptor of the very signature the C
                // function was generated from, and the view checked these Rust types against
                // it; the function only stores its arguments into this thread's out buffer.
                None => unsafe { view.call(($(<$t as Typed>::from_arg($a),)*)) },
                // SAFETY: as above.
                Some(state) => unsafe {
                    view.call_capturing(state, ($(<$t as Typed>::from_arg($a),)*))
                }
                .map_err(|e| format!("call_capturing: {e}"))?,
            };
            Ok(Typed::bytes(r))
        }
        Some(view as ViewFn)
    }};
}

include!(concat!(env!("OUT_DIR"), "/matrix_typed.rs"));

/// The typed-path entry of signature `i`.
fn typed(i: usize) -> &'static TypedSig {
    let k = TYPED
        .binary_search_by_key(&i, |t| t.index)
        .unwrap_or_else(|_| panic!("signature {i} is not in the typed subset"));
    &TYPED[k]
}

/// Checks the bytes of a returned value: `expected`'s leaves, or nothing for `None` (void).
fn check_ret_bytes(e: &Env, expected: Option<&Arg>, got: &[u8]) -> Result<(), String> {
    match expected {
        None if got.is_empty() => Ok(()),
        None => Err(format!("a void function returned {got:02x?}")),
        Some(a) => {
            let want = match a {
                Arg::Scalar(s, _) => s.size(),
                Arg::Struct(_, bytes) => bytes.len(),
            };
            if got.len() != want {
                return Err(format!(
                    "return value: expected {want} bytes, got {got:02x?}"
                ));
            }
            a.check_bytes(e, got)
                .map_err(|m| format!("return value: {m}"))
        }
    }
}

/// A random value of each parameter of `sig`, drawn from `rng` in order.
fn random_args(e: &Env, sig: &Sig, rng: &mut Rng) -> Vec<Arg> {
    sig.params.iter().map(|t| Arg::random(e, *t, rng)).collect()
}

/// `m_i` through its wrapper: as the dynamic test's `check_downcall`, with the same values.
fn check_typed_downcall(e: &Env, i: usize, sig: &Sig) -> Result<Checked, String> {
    let mut rng = rng_for(i, Variant::TypedDowncall);
    let args = random_args(e, sig, &mut rng);
    poison_out();
    let r = (typed(i).down)(&args);
    let out = read_out();
    check_called(&out, i)?;
    check_args(e, &args, &out, 0)?;
    check_ret_bytes(e, sig.returns_first.then(|| &args[0]), &r)?;
    Ok(Checked::default())
}

/// `u_i` through its wrapper with a `Cb_i::new` closure: as the dynamic test's `check_upcall`,
/// with the same values.
fn check_typed_upcall(e: &Env, i: usize, sig: &Sig) -> Result<Checked, String> {
    let mut rng = rng_for(i, Variant::TypedUpcall);
    let args = random_args(e, sig, &mut rng);
    let ret = sig.ret().map(|t| Arg::random(e, t, &mut rng));
    let up = typed(i).up.ok_or("no upcall twin declared")?;
    let (r, got) = up(&args, ret.as_ref())?;
    let got = got.ok_or("the callback was not called")?;
    if got.len() != args.len() {
        return Err(format!("the callback got {} arguments", got.len()));
    }
    for (k, (a, g)) in args.iter().zip(&got).enumerate() {
        a.check_bytes(e, g)
            .map_err(|m| format!("argument {k} as the callback received it: {m}"))?;
    }
    check_ret_bytes(e, ret.as_ref(), &r)
        .map_err(|m| format!("what C returned from the callback: {m}"))?;
    Ok(Checked::default())
}

/// How a typed-view check links `m_i`: the options, and whether the handle captures `errno`.
fn view_options(variant: Variant, libffi_only: bool) -> LinkerOptions {
    let options = match variant {
        Variant::TypedView => LinkerOptions::new(),
        Variant::TypedViewLibffi => LinkerOptions::new().libffi_only(),
        Variant::TypedViewCapturing => LinkerOptions::new().capture_call_state("errno"),
        v => unreachable!("{v:?} is not a typed-view variant"),
    };
    if libffi_only {
        options.libffi_only()
    } else {
        options
    }
}

/// What C captured into a state segment must overwrite: a value `errno` never takes.
const STATE_POISON: i32 = i32::from_ne_bytes([POISON; 4]);

/// `m_i` through a typed view over the generated Rust types, of a handle linked at run time
/// from the signature's descriptor (with the options of `variant`; for
/// [`Variant::TypedViewCapturing`], once with the default options and once `libffi_only()`):
/// the checks of [`check_typed_downcall`], and for a capturing handle that `errno` (which the
/// function does not set, and the call zeroes first) was written into the state. Counts in
/// `direct` how many handles took the register-shape path (`is_direct`), and how many libffi.
fn check_typed_view(
    e: &Env,
    i: usize,
    sig: &Sig,
    variant: Variant,
    direct: &Cell<[usize; 2]>,
) -> Result<Checked, String> {
    let mut rng = rng_for(i, variant);
    let args = random_args(e, sig, &mut rng);
    let view = typed(i).view.ok_or("no typed view declared")?;
    let capturing = variant == Variant::TypedViewCapturing;
    let paths: &[(&str, bool)] = if capturing {
        &[("default", false), ("libffi_only", true)]
    } else {
        &[("", false)]
    };
    for &(path, libffi_only) in paths {
        let options = view_options(variant, libffi_only);
        let h = link(
            &format!("m_{i}"),
            descriptor(e, sig.ret(), &sig.params),
            &options,
        )?;
        let must_be_libffi = variant == Variant::TypedViewLibffi || libffi_only;
        if must_be_libffi && h.is_direct() {
            return Err(format!("{}: a libffi_only() handle is direct", h.name()));
        }
        let mut counts = direct.get();
        counts[h.is_direct() as usize] += 1;
        direct.set(counts);
        let at = |m: String| {
            if path.is_empty() {
                m
            } else {
                format!("{path} path (is_direct: {}): {m}", h.is_direct())
            }
        };
        let arena = Arena::new();
        let mut state = if capturing {
            let s = arena
                .allocate_layout(&Linker::capture_state_layout())
                .map_err(|e| e.to_string())?;
            s.set(I32, 0, STATE_POISON);
            Some(s)
        } else {
            None
        };
        poison_out();
        let r = view(&h, state.as_deref_mut(), &args).map_err(at)?;
        let out = read_out();
        check_called(&out, i).map_err(at)?;
        check_args(e, &args, &out, 0).map_err(at)?;
        check_ret_bytes(e, sig.returns_first.then(|| &args[0]), &r).map_err(at)?;
        if let Some(state) = state {
            let errno = state.get(I32, 0);
            if errno != 0 {
                return Err(at(format!(
                    "the captured errno is {errno:#x}, not 0 (the function does not set it)"
                )));
            }
        }
    }
    Ok(Checked::default())
}

/// Runs [`check_typed_view`] with `variant` over the signatures `indexes` of the typed subset
/// that have a typed view, and reports how many have none (more parameters than a view takes)
/// and how many handles took the register-shape path.
fn run_typed_views(variant: Variant, what: &str, indexes: &[usize]) {
    let (with_view, without): (Vec<usize>, Vec<usize>) =
        indexes.iter().partition(|&&i| typed(i).view.is_some());
    let direct = Cell::new([0usize; 2]);
    run(variant, what, &with_view, |e, i, sig| {
        check_typed_view(e, i, sig, variant, &direct)
    });
    let [libffi, planned] = direct.get();
    say(&format!(
        "  {what}: {} handles linked, {planned} on the register-shape path (is_direct), {libffi} through libffi; {} signatures skipped: more than {VIEW_MAX_ARITY} parameters, no typed view",
        libffi + planned,
        without.len()
    ));
}

fn subset() -> Vec<usize> {
    matrix::typed_path_subset(&env().m)
}

#[test]
fn typed_downcall_matrix() {
    run(
        Variant::TypedDowncall,
        "typed path: m_i through #[ffm::foreign] wrappers",
        &subset(),
        check_typed_downcall,
    );
}

#[test]
fn typed_upcall_matrix() {
    run(
        Variant::TypedUpcall,
        "typed path: u_i through #[ffm::foreign] wrappers, with Cb_i::new closures",
        &matrix::typed_upcall_subset(&env().m),
        check_typed_upcall,
    );
    let m = &env().m;
    let mut by_registers = [0usize; 7];
    for i in matrix::typed_upcall_subset(m) {
        by_registers[m.sigs[i].integer_registers(&m.shapes)] += 1;
    }
    say(&format!(
        "  typed upcalls by integer argument registers used (0..=6, 6 through a libffi closure, the others through a thunk): {by_registers:?}"
    ));
}

#[test]
fn typed_view_matrix() {
    run_typed_views(
        Variant::TypedView,
        "typed views: m_i through handle.typed::<generated types>() (default options)",
        &subset(),
    );
}

#[test]
fn typed_view_libffi_matrix() {
    run_typed_views(
        Variant::TypedViewLibffi,
        "typed views: m_i through handle.typed::<generated types>() (libffi_only)",
        &subset(),
    );
}

/// Every 7th signature of the typed subset.
fn capturing_sample() -> Vec<usize> {
    subset().into_iter().step_by(7).collect()
}

#[test]
fn typed_view_capturing_sample() {
    run_typed_views(
        Variant::TypedViewCapturing,
        "typed views: m_i through call_capturing (capture_call_state(\"errno\"), default and libffi_only), every 7th signature",
        &capturing_sample(),
    );
}

/// A typed view is declared for every signature of at most [`VIEW_MAX_ARITY`] parameters:
/// `typed_view!` makes one for 16 parameters (which a handle of another arity refuses), and
/// none for 17.
#[test]
fn typed_view_arity_limit() {
    let sixteen: Option<ViewFn> = typed_view!((
        a0: i32, a1: i32, a2: i32, a3: i32, a4: i32, a5: i32, a6: i32, a7: i32,
        a8: i32, a9: i32, a10: i32, a11: i32, a12: i32, a13: i32, a14: i32, a15: f64
    ) -> i32);
    let seventeen: Option<ViewFn> = typed_view!((
        a0: i32, a1: i32, a2: i32, a3: i32, a4: i32, a5: i32, a6: i32, a7: i32,
        a8: i32, a9: i32, a10: i32, a11: i32, a12: i32, a13: i32, a14: i32, a15: i32,
        a16: i32
    ));
    assert!(seventeen.is_none());
    let view = sixteen.expect("a typed view for 16 parameters");
    let e = env();
    let i = subset()[0];
    let sig = &e.m.sigs[i];
    let h = link(
        &format!("m_{i}"),
        descriptor(e, sig.ret(), &sig.params),
        &LinkerOptions::new(),
    )
    .unwrap();
    let args = vec![Arg::Scalar(matrix::Scalar::Int, 0); 16];
    let err = view(&h, None, &args).unwrap_err();
    assert!(err.contains("16 argument(s)"), "{err}");
    let m = &e.m;
    let max = subset()
        .iter()
        .map(|&i| m.sigs[i].params.len())
        .max()
        .unwrap();
    let without = TYPED.iter().filter(|t| t.view.is_none()).count();
    assert_eq!(
        without,
        TYPED
            .iter()
            .filter(|t| m.sigs[t.index].params.len() > VIEW_MAX_ARITY)
            .count()
    );
    say(&format!(
        "typed views: at most {max} parameters in the typed subset (a view takes {VIEW_MAX_ARITY}); {without} signatures without one"
    ));
}

/// Every symbol of the generated declarations resolves.
#[test]
fn every_typed_symbol_resolves() {
    for (k, handle) in [
        &typed_0::MATRIX_0,
        &typed_1::MATRIX_1,
        &typed_2::MATRIX_2,
        &typed_3::MATRIX_3,
    ]
    .into_iter()
    .enumerate()
    {
        handle.check().unwrap_or_else(|e| panic!("typed_{k}: {e}"));
    }
    assert_eq!(matrix::TYPED_MODULES, 4, "one handle per module above");
}

/// The table covers the subset, in order; the subset is deterministic, at least 1,000
/// signatures, with both families and every parameter count.
#[test]
fn the_typed_subset() {
    let m = &env().m;
    let subset = subset();
    assert_eq!(subset, matrix::typed_path_subset(m));
    assert!(subset.len() >= 1000);
    let table: Vec<usize> = TYPED.iter().map(|t| t.index).collect();
    assert_eq!(table, subset, "the generated table is the subset");
    let upcalls = matrix::typed_upcall_subset(m);
    assert_eq!(upcalls.len(), matrix::TYPED_UPCALLS);
    let with_up: Vec<usize> = TYPED
        .iter()
        .filter(|t| t.up.is_some())
        .map(|t| t.index)
        .collect();
    assert_eq!(
        with_up, upcalls,
        "the upcall twins declared are the upcall subset"
    );
    for n in 0..=6 {
        assert!(
            upcalls
                .iter()
                .any(|&i| m.sigs[i].integer_registers(&m.shapes) == n),
            "no typed upcall uses {n} integer registers"
        );
    }
    for k in 0..m.shapes.len() {
        let round_trip = upcalls
            .iter()
            .any(|&i| m.sigs[i].params == [matrix::Ty::Struct(k)] && m.sigs[i].returns_first);
        assert!(
            round_trip,
            "no typed upcall takes and returns {}",
            m.shapes[k].name
        );
    }
    for family in [Family::Jdk, Family::Extended] {
        for n in 0..=3 {
            let any = subset
                .iter()
                .any(|&i| m.sigs[i].family == family && m.sigs[i].params.len() == n);
            assert!(
                any || (family == Family::Extended && n == 0),
                "{family:?} with {n} parameters"
            );
        }
    }
    let shapes = subset
        .iter()
        .flat_map(|&i| &m.sigs[i].params)
        .filter_map(|t| match t {
            matrix::Ty::Struct(k) => Some(*k),
            matrix::Ty::Scalar(_) => None,
        })
        .collect::<std::collections::BTreeSet<_>>();
    say(&format!(
        "typed subset: {} signatures ({} JDK-space, {} extended) over {} of the {} struct and union shapes; {} with their upcall twin",
        subset.len(),
        subset
            .iter()
            .filter(|&&i| m.sigs[i].family == Family::Jdk)
            .count(),
        subset
            .iter()
            .filter(|&&i| m.sigs[i].family == Family::Extended)
            .count(),
        shapes.len(),
        m.shapes.len(),
        upcalls.len()
    ));
}

/// The generated Rust on disk is exactly what the generator produces now, and generating twice
/// gives the same text.
#[test]
fn the_generated_rust_is_what_the_generator_produces() {
    let m = matrix::matrix();
    let text = matrix::typed_rust_source(&m);
    assert_eq!(text, matrix::typed_rust_source(&m));
    let on_disk = include_str!(concat!(env!("OUT_DIR"), "/matrix_typed.rs"));
    assert!(
        on_disk == text,
        "matrix_typed.rs differs from the generator's output"
    );
}

/// The layouts `#[foreign]` computed for the generated shapes are the generator's (size,
/// alignment, every scalar leaf's offset), and so the C compiler's (which `abi_matrix`'s
/// `shape_layouts_match_the_c_compiler` checks against the generator's).
#[test]
fn generated_shape_layouts_match_the_generator() {
    let m = &env().m;
    for (name, l) in SHAPE_LAYOUTS {
        let shape = m.shapes.iter().find(|s| s.name == *name).unwrap();
        let (size, align) = shape.size_align();
        let offsets: Vec<usize> = shape.leaves().iter().map(|l| l.offset).collect();
        let mut ffm_offsets = Vec::new();
        ffm_leaf_offsets(l, 0, &mut ffm_offsets);
        assert_eq!(
            (l.byte_size(), l.byte_alignment(), &ffm_offsets),
            (size, align, &offsets),
            "#[foreign]'s layout of {name} {}",
            shape.describe()
        );
    }
    say(&format!(
        "typed subset: the #[foreign] layouts of {} shapes match the generator's",
        SHAPE_LAYOUTS.len()
    ));
}
