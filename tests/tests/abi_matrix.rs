//! The ABI conformance matrix: every signature of `matrix/gen.rs` (the JDK's
//! `CallGeneratorHelper` space, 12,097 signatures, and 6,300 more with our extra kinds: small
//! and unsigned scalars, `char[N]`, nested, two-float and union shapes) called through the
//! dynamic downcall path (`m_i`), its stack-spill twin (`s_i`), its upcall twin (`u_i`), a
//! fixed sample through the upcall spill twin (`t_i`), and the varargs checker (`v_check`,
//! plainly and behind 16 variadic spill arguments); plus return-value normalization.
//!
//! The C library was generated from the same module at build time, so the signatures enumerated
//! here are exactly those that were compiled. Every test prints (straight to stderr, so it shows
//! without `--nocapture`) how many signatures it checked. The whole matrix runs by default, in
//! a few seconds; only the upcall spill twin (spill and upcall together, on top of each alone)
//! is a fixed sample of 4,000 signatures, because compiling it for all of them adds about half
//! the matrix's C compile time. Run just the matrix, or with every upcall spill twin too:
//!
//! ```text
//! cargo test -p ffm-tests --test abi_matrix
//! FFM_ABI_MATRIX_FULL=1 cargo test -p ffm-tests --test abi_matrix
//! ```
//!
//! Each C function stores every argument it receives into a thread-local out buffer (slot `k`
//! for argument `k`), which the test poisons before the call and reads after it through
//! `m_out_ptr()`, so every field of every argument is checked, not just the return value.
//! Struct padding is never compared: only the scalar leaves of each shape.

use std::cell::Cell;
use std::ffi::CString;
use std::io::Write as _;
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Instant;

use ffm::layout::{LayoutKind, PaddingLayout, ValueKind};
use ffm::linker::{
    Downcall, FunctionDescriptor, Library, Linker, LinkerOptions, SymbolLookup, Value,
};
use ffm::prelude::*;

#[path = "../matrix/gen.rs"]
mod matrix;

use matrix::{Family, Field, Leaf, Matrix, Rng, Scalar, Sig, Ty};

/// What the out buffer is filled with before each call.
const POISON: u8 = 0xA5;

fn lib() -> &'static Library {
    static LIB: OnceLock<Library> = OnceLock::new();
    LIB.get_or_init(|| Library::open(ffm_tests::MATRIXLIB).unwrap())
}

/// The matrix and the ffm layout of each of its struct shapes.
struct Env {
    m: Matrix,
    shape_layouts: Vec<MemoryLayout>,
    shape_leaves: Vec<Vec<Leaf>>,
}

fn env() -> &'static Env {
    static ENV: OnceLock<Env> = OnceLock::new();
    ENV.get_or_init(|| {
        let m = matrix::matrix();
        let shape_layouts = m.shapes.iter().map(|s| field_layout(&s.body)).collect();
        let shape_leaves = m.shapes.iter().map(|s| s.leaves()).collect();
        Env {
            m,
            shape_layouts,
            shape_leaves,
        }
    })
}

fn scalar_layout(s: Scalar) -> MemoryLayout {
    match s {
        Scalar::Int => I32.layout(),
        Scalar::Float => F32.layout(),
        Scalar::Double => F64.layout(),
        Scalar::Pointer => ADDRESS.layout(),
        Scalar::SChar => I8.layout(),
        Scalar::UChar => U8.layout(),
        Scalar::Short => I16.layout(),
        Scalar::UShort => U16.layout(),
        Scalar::Bool => BOOL.layout(),
        Scalar::LongLong => I64.layout(),
        Scalar::UInt => U32.layout(),
        Scalar::ULongLong => U64.layout(),
    }
}

fn field_layout(f: &Field) -> MemoryLayout {
    match f {
        Field::Scalar(s) => scalar_layout(*s),
        Field::Array(s, n) => SequenceLayout::try_new(*n, scalar_layout(*s))
            .unwrap()
            .layout(),
        Field::Nested(fields) => struct_layout(fields),
        Field::Union(fields) => union_layout(fields),
    }
}

/// A C union: ffm's union is as large as its largest member, so pad it up to its alignment
/// as C does.
fn union_layout(fields: &[Field]) -> MemoryLayout {
    let mut members: Vec<MemoryLayout> = fields.iter().map(field_layout).collect();
    let (size, _) = matrix::union_size_align(fields);
    if members.iter().all(|m| m.byte_size() < size) {
        members.push(PaddingLayout::new(size).layout());
    }
    UnionLayout::try_new(&members).unwrap().layout()
}

fn struct_layout(fields: &[Field]) -> MemoryLayout {
    let members: Vec<MemoryLayout> = fields.iter().map(field_layout).collect();
    StructLayout::c(&members).unwrap().layout()
}

fn ty_layout(e: &Env, t: Ty) -> MemoryLayout {
    match t {
        Ty::Scalar(s) => scalar_layout(s),
        Ty::Struct(i) => e.shape_layouts[i],
    }
}

fn descriptor(e: &Env, ret: Option<Ty>, params: &[Ty]) -> FunctionDescriptor {
    let args: Vec<MemoryLayout> = params.iter().map(|t| ty_layout(e, *t)).collect();
    match ret {
        Some(r) => FunctionDescriptor::of(ty_layout(e, r), &args),
        None => FunctionDescriptor::void(&args),
    }
}

fn link(
    name: &str,
    desc: FunctionDescriptor,
    opts: &LinkerOptions,
) -> Result<Downcall<'static>, String> {
    let sym = lib().find_or_error(name).map_err(|e| e.to_string())?;
    Linker::native()
        .downcall(&sym, desc, opts)
        .map_err(|e| format!("linking {name} {desc}: {e}"))
}

/// The scalar type's value with these (truncated) bits.
fn scalar_value(s: Scalar, bits: u64) -> Value<'static> {
    match s {
        Scalar::Int => Value::I32(bits as u32 as i32),
        Scalar::Float => Value::F32(f32::from_bits(bits as u32)),
        Scalar::Double => Value::F64(f64::from_bits(bits)),
        Scalar::Pointer => Value::address(Address::NULL.add(bits as usize)),
        Scalar::SChar => Value::I8(bits as u8 as i8),
        Scalar::UChar => Value::U8(bits as u8),
        Scalar::Short => Value::I16(bits as u16 as i16),
        Scalar::UShort => Value::U16(bits as u16),
        Scalar::Bool => Value::Bool(bits != 0),
        Scalar::LongLong => Value::I64(bits as i64),
        Scalar::UInt => Value::U32(bits as u32),
        Scalar::ULongLong => Value::U64(bits),
    }
}

/// A value as the test keeps it: the kind and bits of a scalar, or a struct's bytes.
#[derive(Clone, Debug, PartialEq)]
enum Got {
    Void,
    Scalar(Option<ValueKind>, u64),
    Bytes(Vec<u8>),
}

fn got_of(v: &Value<'_>) -> Got {
    let bits = match *v {
        Value::Void => return Got::Void,
        Value::Struct(s) => return Got::Bytes(s.as_bytes().to_vec()),
        Value::I8(x) => x as u8 as u64,
        Value::U8(x) => x as u64,
        Value::I16(x) => x as u16 as u64,
        Value::U16(x) => x as u64,
        Value::I32(x) => x as u32 as u64,
        Value::U32(x) => x as u64,
        Value::I64(x) => x as u64,
        Value::U64(x) => x,
        Value::Isize(x) => x as u64,
        Value::Usize(x) => x as u64,
        Value::F32(x) => x.to_bits() as u64,
        Value::F64(x) => x.to_bits(),
        Value::Bool(x) => x as u64,
        Value::Pointer(p) => p.address().addr() as u64,
        _ => u64::MAX,
    };
    Got::Scalar(v.kind(), bits)
}

/// Random bits for a scalar, truncated to its size (a bool is 0 or 1; floats are exact and
/// finite; pointers are never dereferenced).
fn random_bits(s: Scalar, rng: &mut Rng) -> u64 {
    let r = rng.next_u64();
    match s {
        Scalar::Float => {
            let v = ((r % (1 << 24)) as i64 - (1 << 23)) as f32 / 256.0;
            v.to_bits() as u64
        }
        Scalar::Double => {
            let v = ((r % (1 << 52)) as i64 - (1 << 51)) as f64 / 1024.0;
            v.to_bits()
        }
        Scalar::Pointer => (r & 0x0000_7FFF_FFFF_FFF8) | 0x10,
        Scalar::Bool => r & 1,
        s => r & (u64::MAX >> (64 - 8 * s.size())),
    }
}

/// An argument (or expected return) value.
#[derive(Clone, Debug, PartialEq)]
enum Arg {
    Scalar(Scalar, u64),
    /// A struct of shape `.0`: its bytes, padding zeroed.
    Struct(usize, Vec<u8>),
}

impl Arg {
    fn random(e: &Env, t: Ty, rng: &mut Rng) -> Arg {
        match t {
            Ty::Scalar(s) => Arg::Scalar(s, random_bits(s, rng)),
            Ty::Struct(i) => {
                let mut bytes = vec![0u8; e.shape_layouts[i].byte_size()];
                for leaf in &e.shape_leaves[i] {
                    let bits = random_bits(leaf.scalar, rng);
                    let n = leaf.scalar.size();
                    bytes[leaf.offset..leaf.offset + n].copy_from_slice(&bits.to_ne_bytes()[..n]);
                }
                Arg::Struct(i, bytes)
            }
        }
    }

    fn value<'a>(&self, arena: &'a Arena) -> Value<'a> {
        match self {
            Arg::Scalar(s, bits) => scalar_value(*s, *bits),
            Arg::Struct(_, bytes) => {
                Value::Struct(arena.allocate_copy(Segment::of_bytes(bytes), 16).unwrap())
            }
        }
    }

    /// The argument after C's default argument promotions (a variadic argument).
    fn promoted(&self) -> Arg {
        match *self {
            Arg::Scalar(Scalar::Float, b) => {
                Arg::Scalar(Scalar::Double, (f32::from_bits(b as u32) as f64).to_bits())
            }
            Arg::Scalar(Scalar::SChar, b) => {
                Arg::Scalar(Scalar::Int, b as u8 as i8 as i32 as u32 as u64)
            }
            Arg::Scalar(Scalar::Short, b) => {
                Arg::Scalar(Scalar::Int, b as u16 as i16 as i32 as u32 as u64)
            }
            Arg::Scalar(Scalar::UChar | Scalar::UShort | Scalar::Bool, b) => {
                Arg::Scalar(Scalar::Int, b)
            }
            ref other => other.clone(),
        }
    }

    /// Checks what the code received or returned.
    fn check(&self, e: &Env, got: &Got) -> Result<(), String> {
        match (self, got) {
            (Arg::Scalar(s, b), got) => {
                let expected = got_of(&scalar_value(*s, *b));
                if *got == expected {
                    Ok(())
                } else {
                    Err(format!("expected {expected:?}, got {got:?}"))
                }
            }
            (Arg::Struct(i, bytes), Got::Bytes(got)) if got.len() == bytes.len() => self
                .check_bytes(e, got)
                .map_err(|m| format!("shape {}: {m}", e.m.shapes[*i].name)),
            (Arg::Struct(_, bytes), got) => Err(format!(
                "expected a {}-byte struct, got {got:?}",
                bytes.len()
            )),
        }
    }

    /// Checks the bytes a C function stored for this argument (leaves only, not padding).
    fn check_bytes(&self, e: &Env, got: &[u8]) -> Result<(), String> {
        let mismatch = |what: String, want: &[u8], have: &[u8]| {
            Err(format!(
                "{what}: expected bytes {want:02x?}, got {have:02x?}"
            ))
        };
        match self {
            Arg::Scalar(s, bits) => {
                let n = s.size();
                let want = &bits.to_ne_bytes()[..n];
                if &got[..n] == want {
                    Ok(())
                } else {
                    mismatch(format!("{s:?}"), want, &got[..n])
                }
            }
            Arg::Struct(i, bytes) => {
                for leaf in &e.shape_leaves[*i] {
                    let r = leaf.offset..leaf.offset + leaf.scalar.size();
                    if got[r.clone()] != bytes[r.clone()] {
                        return mismatch(
                            format!(
                                "field {} ({:?} at offset {})",
                                leaf.path, leaf.scalar, leaf.offset
                            ),
                            &bytes[r.clone()],
                            &got[r],
                        );
                    }
                }
                Ok(())
            }
        }
    }
}

/// The calling thread's out buffer.
fn out_address() -> Address {
    thread_local! {
        static OUT: Cell<Option<Address>> = const { Cell::new(None) };
    }
    OUT.with(|c| {
        if let Some(a) = c.get() {
            return a;
        }
        let h = link(
            "m_out_ptr",
            FunctionDescriptor::of(ADDRESS, &[]),
            &LinkerOptions::new(),
        )
        .unwrap();
        // SAFETY: `unsigned char *m_out_ptr(void)`.
        let a = unsafe { h.call(&[]) }.unwrap().as_address().unwrap();
        c.set(Some(a));
        a
    })
}

fn poison_out() {
    // SAFETY: the calling thread's out buffer (thread-local, OUT_SIZE bytes); no C code runs on
    // this thread while the segment is alive (it ends with this statement).
    let seg = unsafe { out_address().reinterpret_mut(matrix::OUT_SIZE) };
    seg.fill(POISON);
}

fn read_out() -> Vec<u8> {
    // SAFETY: as in `poison_out`.
    let seg = unsafe { out_address().reinterpret(matrix::OUT_SIZE) };
    seg.as_bytes().to_vec()
}

fn slot(out: &[u8], k: usize) -> &[u8] {
    &out[k * matrix::SLOT..(k + 1) * matrix::SLOT]
}

fn check_called(out: &[u8], i: usize) -> Result<(), String> {
    let called = i32::from_ne_bytes(slot(out, matrix::SLOT_CALLED)[..4].try_into().unwrap());
    if called as usize == i {
        Ok(())
    } else {
        Err(format!(
            "the out buffer says function {called} ran, not {i}"
        ))
    }
}

fn check_args(e: &Env, args: &[Arg], out: &[u8], first_slot: usize) -> Result<(), String> {
    for (k, a) in args.iter().enumerate() {
        a.check_bytes(e, slot(out, first_slot + k))
            .map_err(|m| format!("argument {k} as C received it: {m}"))?;
    }
    Ok(())
}

fn check_ret(e: &Env, expected: Option<&Arg>, got: &Value<'_>) -> Result<(), String> {
    let got = got_of(got);
    match expected {
        Some(a) => a.check(e, &got).map_err(|m| format!("return value: {m}")),
        None if got == Got::Void => Ok(()),
        None => Err(format!("a void function returned {got:?}")),
    }
}

/// The 8 `long long` and 8 `double` arguments in front of a spill twin's parameters.
fn spill_prefix(rng: &mut Rng) -> (Vec<Ty>, Vec<Arg>) {
    let types: Vec<Ty> = std::iter::repeat_n(Ty::Scalar(Scalar::LongLong), matrix::SPILL_EACH)
        .chain(std::iter::repeat_n(
            Ty::Scalar(Scalar::Double),
            matrix::SPILL_EACH,
        ))
        .collect();
    let args = types
        .iter()
        .map(|t| match *t {
            Ty::Scalar(s) => Arg::Scalar(s, random_bits(s, rng)),
            Ty::Struct(_) => unreachable!(),
        })
        .collect();
    (types, args)
}

/// The variants of the matrix; each has its own stream of argument values.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Variant {
    Downcall,
    Spill,
    Upcall,
    UpcallSpill,
    Varargs,
    VarargsSpill,
}

fn rng_for(i: usize, v: Variant) -> Rng {
    Rng::new((i as u64) << 4 | v as u64)
}

/// `m_i` (or `s_i` with `spill`): the arguments arrive, the first comes back.
fn check_downcall(e: &Env, i: usize, sig: &Sig, spill: bool) -> Result<(), String> {
    let variant = if spill {
        Variant::Spill
    } else {
        Variant::Downcall
    };
    let mut rng = rng_for(i, variant);
    let (mut types, mut prefix) = if spill {
        spill_prefix(&mut rng)
    } else {
        (Vec::new(), Vec::new())
    };
    let args: Vec<Arg> = sig
        .params
        .iter()
        .map(|t| Arg::random(e, *t, &mut rng))
        .collect();
    types.extend(&sig.params);
    let name = format!("{}_{i}", if spill { "s" } else { "m" });
    let h = link(
        &name,
        descriptor(e, sig.ret(), &types),
        &LinkerOptions::new(),
    )?;
    let arena = Arena::new();
    prefix.extend(args.iter().cloned());
    let values: Vec<Value<'_>> = prefix.iter().map(|a| a.value(&arena)).collect();
    poison_out();
    // SAFETY: the descriptor is built from the very Sig the C function was generated from; the
    // function only stores its arguments into this thread's out buffer.
    let r = unsafe { h.call_in(&arena, &values) }.map_err(|e| e.to_string())?;
    let out = read_out();
    check_called(&out, i)?;
    check_args(e, &args, &out, 0)?;
    if spill {
        check_args(
            e,
            &prefix[..2 * matrix::SPILL_EACH],
            &out,
            matrix::SLOT_SPILL,
        )
        .map_err(|m| format!("spill prefix: {m}"))?;
    }
    check_ret(
        e,
        if sig.returns_first {
            args.first()
        } else {
            None
        },
        &r,
    )
}

/// `u_i(cb, …)` (or `t_i(cb, 16 spill arguments, …)`): C passes the arguments on to a Rust
/// closure, which records them and returns a fresh value, which C returns.
fn check_upcall(e: &'static Env, i: usize, sig: &Sig, spill: bool) -> Result<(), String> {
    let variant = if spill {
        Variant::UpcallSpill
    } else {
        Variant::Upcall
    };
    let mut rng = rng_for(i, variant);
    let (mut types, mut args) = if spill {
        spill_prefix(&mut rng)
    } else {
        (Vec::new(), Vec::new())
    };
    types.extend(&sig.params);
    args.extend(sig.params.iter().map(|t| Arg::random(e, *t, &mut rng)));
    let ret = sig.ret().map(|t| Arg::random(e, t, &mut rng));
    let cb_desc = descriptor(e, sig.ret(), &types);

    let received: Arc<Mutex<Option<Vec<Got>>>> = Arc::default();
    let record = received.clone();
    let to_return = ret.clone();
    let arena = Arena::new();
    let stub = Linker::native()
        .upcall(&arena, cb_desc, move |vals, ret_seg| {
            *record.lock().unwrap() = Some(vals.iter().map(got_of).collect());
            match &to_return {
                None => Value::Void,
                Some(Arg::Scalar(s, bits)) => scalar_value(*s, *bits),
                Some(Arg::Struct(_, bytes)) => {
                    ret_seg.as_bytes_mut().copy_from_slice(bytes);
                    Value::Void
                }
            }
        })
        .map_err(|e| format!("upcall stub {cb_desc}: {e}"))?;
    let mut down_types = vec![Ty::Scalar(Scalar::Pointer)];
    down_types.extend(&types);
    let name = format!("{}_{i}", if spill { "t" } else { "u" });
    let h = link(
        &name,
        descriptor(e, sig.ret(), &down_types),
        &LinkerOptions::new(),
    )?;
    let mut values = vec![Value::pointer(&stub)];
    values.extend(args.iter().map(|a| a.value(&arena)));
    // SAFETY: as in check_downcall; the stub matches the callback type C calls, and lives in
    // `arena`, which outlives the call.
    let r = unsafe { h.call_in(&arena, &values) }.map_err(|e| e.to_string())?;
    let got = received
        .lock()
        .unwrap()
        .take()
        .ok_or("the callback was not called")?;
    if got.len() != args.len() {
        return Err(format!("the callback got {} arguments", got.len()));
    }
    for (k, (a, g)) in args.iter().zip(&got).enumerate() {
        a.check(e, g)
            .map_err(|m| format!("argument {k} as the callback received it: {m}"))?;
    }
    check_ret(e, ret.as_ref(), &r).map_err(|m| format!("what C returned from the callback: {m}"))
}

/// `v_check(tags, …)` with the signature's parameters as variadic arguments (promoted), after
/// 16 variadic spill arguments with `spill`. Also checks that the unpromoted descriptor is
/// refused.
fn check_varargs(e: &Env, i: usize, sig: &Sig, spill: bool) -> Result<(), String> {
    let variant = if spill {
        Variant::VarargsSpill
    } else {
        Variant::Varargs
    };
    let mut rng = rng_for(i, variant);
    let (mut types, mut args) = if spill {
        spill_prefix(&mut rng)
    } else {
        (Vec::new(), Vec::new())
    };
    types.extend(&sig.params);
    args.extend(sig.params.iter().map(|t| Arg::random(e, *t, &mut rng)));
    let tags = CString::new(types.iter().map(|t| t.va_tag()).collect::<String>()).unwrap();
    let promoted_types: Vec<Ty> = types.iter().map(|t| t.promoted()).collect();
    let promoted: Vec<Arg> = args.iter().map(Arg::promoted).collect();
    let with_tags = |ts: &[Ty]| {
        let mut v = vec![Ty::Scalar(Scalar::Pointer)];
        v.extend(ts);
        descriptor(e, Some(Ty::Scalar(Scalar::Int)), &v)
    };
    let opts = LinkerOptions::new().first_variadic_arg(1);
    if promoted_types != types {
        let bad = with_tags(&types);
        let sym = lib().find_or_error("v_check").map_err(|e| e.to_string())?;
        match Linker::native().downcall(&sym, bad, &opts) {
            Err(ffm::Error::InvalidDescriptor { .. }) => {}
            other => {
                return Err(format!(
                    "the unpromoted variadic descriptor {bad} was not refused: {other:?}"
                ));
            }
        }
    }
    let h = link("v_check", with_tags(&promoted_types), &opts)?;
    let arena = Arena::new();
    let mut values = vec![Value::pointer(tags.as_c_str())];
    values.extend(promoted.iter().map(|a| a.value(&arena)));
    poison_out();
    // SAFETY: v_check reads exactly the variadic arguments its tags describe, with these
    // (promoted) types, into this thread's out buffer.
    let r = unsafe { h.call(&values) }.map_err(|e| e.to_string())?;
    let out = read_out();
    if r != Value::I32(args.len() as i32) {
        return Err(format!("v_check({tags:?}, …) returned {r:?}"));
    }
    check_args(e, &promoted, &out, 0).map_err(|m| format!("variadic {m}"))
}

/// Signatures excluded from the default run because of a known linker bug: each exclusion
/// must name its `#[ignore]`d reproducer. None: the matrix found no linker bug.
fn known_linker_bug(_variant: Variant, _sig: &Sig) -> Option<&'static str> {
    None
}

fn say(line: &str) {
    // Straight to stderr: libtest captures `println!`, not the stream itself.
    let _ = writeln!(std::io::stderr().lock(), "abi_matrix: {line}");
}

/// Runs `check` over the signatures `indexes`, reports the count, and fails with the first
/// failures listed.
fn run(
    variant: Variant,
    what: &str,
    indexes: &[usize],
    check: impl Fn(&'static Env, usize, &Sig) -> Result<(), String>,
) {
    let e = env();
    let start = Instant::now();
    let mut checked = [0usize; 2];
    let mut skipped = Vec::new();
    let mut failures = Vec::new();
    for &i in indexes {
        let sig = &e.m.sigs[i];
        if let Some(bug) = known_linker_bug(variant, sig) {
            skipped.push(format!("#{i} {}: {bug}", sig.describe(&e.m.shapes)));
            continue;
        }
        match check(e, i, sig) {
            Ok(()) => checked[(sig.family == Family::Extended) as usize] += 1,
            Err(m) => failures.push(format!("#{i} {}: {m}", sig.describe(&e.m.shapes))),
        }
    }
    say(&format!(
        "{what}: {} signatures checked ({} JDK-space + {} extended), {} failed, {} skipped for known linker bugs, in {:.2?}",
        checked[0] + checked[1],
        checked[0],
        checked[1],
        failures.len(),
        skipped.len(),
        start.elapsed()
    ));
    for s in &skipped {
        say(&format!("  skipped {s}"));
    }
    assert!(
        failures.is_empty(),
        "{what}: {} of {} signatures failed; the first ones:\n{}",
        failures.len(),
        indexes.len(),
        failures[..failures.len().min(25)].join("\n")
    );
}

fn all() -> Vec<usize> {
    (0..env().m.sigs.len()).collect()
}

#[test]
fn downcall_matrix() {
    run(Variant::Downcall, "downcall m_i", &all(), |e, i, s| {
        check_downcall(e, i, s, false)
    });
}

#[test]
fn stack_spill_matrix() {
    run(Variant::Spill, "stack-spill twin s_i", &all(), |e, i, s| {
        check_downcall(e, i, s, true)
    });
}

#[test]
fn upcall_matrix() {
    run(Variant::Upcall, "upcall twin u_i", &all(), |e, i, s| {
        check_upcall(e, i, s, false)
    });
}

/// Whether the library was built with `FFM_ABI_MATRIX_FULL=1` (an upcall spill twin for every
/// signature).
fn full() -> bool {
    env!("FFM_MATRIX_FULL") == "1"
}

#[test]
fn upcall_stack_spill_sample() {
    let sample = matrix::upcall_spill_sample(&env().m, full());
    run(
        Variant::UpcallSpill,
        if full() {
            "upcall spill twin t_i (all)"
        } else {
            "upcall spill twin t_i (fixed sample; FFM_ABI_MATRIX_FULL=1 for all)"
        },
        &sample,
        |e, i, s| check_upcall(e, i, s, true),
    );
}

#[test]
fn varargs_matrix() {
    run(Variant::Varargs, "varargs v_check", &all(), |e, i, s| {
        check_varargs(e, i, s, false)
    });
}

#[test]
fn varargs_stack_spill_matrix() {
    run(
        Variant::VarargsSpill,
        "varargs v_check after 16 spill arguments",
        &all(),
        |e, i, s| check_varargs(e, i, s, true),
    );
}

#[test]
fn the_matrix_covers_the_jdk_space() {
    let m = &env().m;
    let jdk = m.sigs.iter().filter(|s| s.family == Family::Jdk).count();
    assert_eq!(jdk, 12_097, "the JDK's CallGeneratorHelper space");
    assert_eq!(matrix::jdk_shapes().len(), 84);
    let h = link(
        "m_sig_count",
        FunctionDescriptor::of(I32, &[]),
        &LinkerOptions::new(),
    )
    .unwrap();
    // SAFETY: `int m_sig_count(void)`.
    let n = unsafe { h.call(&[]) }.unwrap();
    assert_eq!(n, Value::I32(m.sigs.len() as i32), "the C library's count");
    say(&format!(
        "{} signatures ({jdk} JDK-space, {} extended) over {} struct shapes ({} JDK, {} extra)",
        m.sigs.len(),
        m.sigs.len() - jdk,
        m.shapes.len(),
        matrix::jdk_shapes().len(),
        matrix::extra_shapes().len()
    ));
}

/// The generated C on disk is exactly what the generator produces now (so the test enumerates
/// what was compiled), and generating twice gives the same files.
#[test]
fn the_generated_c_is_what_the_generator_produces() {
    let m = matrix::matrix();
    assert_eq!(m, matrix::matrix());
    let sources = matrix::c_sources(&m, full());
    assert_eq!(sources, matrix::c_sources(&m, full()));
    let dir = std::path::Path::new(ffm_tests::MATRIXSRC);
    for (name, text) in &sources {
        let on_disk = std::fs::read_to_string(dir.join(name)).unwrap();
        assert!(
            on_disk == *text,
            "{name} differs from the generator's output"
        );
    }
}

/// Every struct shape's size, alignment and leaf offsets agree three ways: the C compiler's
/// (`m_shape_info`), the generator's and ffm's `StructLayout::c`.
#[test]
fn shape_layouts_match_the_c_compiler() {
    let e = env();
    let info = lib().find_or_error("m_shape_info").unwrap();
    let len = lib().find_or_error("m_shape_info_len").unwrap();
    // SAFETY: `const int m_shape_info_len`.
    let len = unsafe { len.address().read(I32, 0) } as usize;
    // SAFETY: `const int m_shape_info[m_shape_info_len]`, never written.
    let info = unsafe { info.address().reinterpret(len * 4) }
        .to_vec::<i32>()
        .unwrap();
    let mut at = 0;
    for (k, shape) in e.m.shapes.iter().enumerate() {
        let (size, align) = shape.size_align();
        let leaves = &e.shape_leaves[k];
        let c = &info[at..at + 3 + leaves.len()];
        at += 3 + leaves.len();
        let c_offsets: Vec<usize> = c[3..].iter().map(|&o| o as usize).collect();
        let gen_offsets: Vec<usize> = leaves.iter().map(|l| l.offset).collect();
        assert_eq!(
            (c[0] as usize, c[1] as usize, c[2] as usize, &c_offsets),
            (size, align, leaves.len(), &gen_offsets),
            "the generator's layout of {} {}",
            shape.name,
            shape.describe()
        );
        let l = e.shape_layouts[k];
        let mut ffm_leaves = Vec::new();
        ffm_leaf_offsets(&l, 0, &mut ffm_leaves);
        assert_eq!(
            (l.byte_size(), l.byte_alignment(), &ffm_leaves),
            (size, align, &gen_offsets),
            "ffm's layout of {} {}",
            shape.name,
            shape.describe()
        );
    }
    assert_eq!(at, info.len());
}

fn ffm_leaf_offsets(l: &MemoryLayout, base: usize, out: &mut Vec<usize>) {
    match *l.kind() {
        LayoutKind::Value { .. } => out.push(base),
        LayoutKind::Struct(members) => {
            let mut off = base;
            for m in members {
                ffm_leaf_offsets(m, off, out);
                off += m.byte_size();
            }
        }
        LayoutKind::Union(members) => {
            for m in members {
                ffm_leaf_offsets(m, base, out);
            }
        }
        LayoutKind::Sequence { element, count } => {
            for i in 0..count {
                ffm_leaf_offsets(element, base + i * element.byte_size(), out);
            }
        }
        _ => {}
    }
}

/// HOOK for the typed path of the `#[foreign]` macro, which does not exist yet: once it does,
/// declare the functions `m_i` of [`matrix::typed_path_subset`] through it (each with the Rust
/// signature [`matrix::Sig::rust_types`] gives) and check them as `check_downcall` does. For
/// now this pins the subset: deterministic, at least 1,000 signatures, both families, every
/// parameter count.
#[test]
fn typed_path_hook_subset() {
    let m = &env().m;
    let subset = matrix::typed_path_subset(m);
    assert_eq!(subset, matrix::typed_path_subset(m));
    assert!(subset.len() >= 1000);
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
    say(&format!(
        "typed-path hook: {} signatures reserved for #[foreign] (e.g. #{} {})",
        subset.len(),
        subset[0],
        m.sigs[subset[0]].rust_types()
    ));
}

#[cfg(all(target_arch = "x86_64", target_os = "linux"))]
mod normalization {
    use super::*;
    use ffm::linker::TypedDowncall;

    fn expected(s: Scalar, image: u64) -> Value<'static> {
        match s {
            Scalar::Bool => Value::Bool(image & 0xFF != 0),
            Scalar::Float => Value::F32(f32::from_bits(image as u32)),
            s => scalar_value(s, image & (u64::MAX >> (64 - 8 * s.size()))),
        }
    }

    /// Narrow returns with garbage above them in %rax (or %xmm0) are narrowed, through the
    /// dynamic and the typed path.
    #[test]
    fn narrow_returns_with_garbage_in_the_upper_bits() {
        for &(name, s, image) in matrix::NARROW_RETURNS {
            let h = link(
                name,
                FunctionDescriptor::of(scalar_layout(s), &[]),
                &LinkerOptions::new(),
            )
            .unwrap();
            // SAFETY: the asm function takes nothing and returns this type.
            let got = unsafe { h.call(&[]) }.unwrap();
            assert_eq!(got, expected(s, image), "{name} (dynamic)");
            let typed = typed_return(&h, s);
            assert_eq!(typed, expected(s, image), "{name} (typed)");
        }
        say(&format!(
            "normalization: {} narrow returns with garbage upper bits checked",
            matrix::NARROW_RETURNS.len()
        ));
    }

    fn typed_return(h: &Downcall<'static>, s: Scalar) -> Value<'static> {
        fn call<R: ffm::linker::NativeReturn + Into<Value<'static>>>(
            h: &Downcall<'static>,
        ) -> Value<'static> {
            let t: TypedDowncall<'static, (), R> = h.typed().unwrap();
            // SAFETY: as for the dynamic call.
            let r = unsafe { t.call(()) };
            r.into()
        }
        match s {
            Scalar::Bool => call::<bool>(h),
            Scalar::SChar => call::<i8>(h),
            Scalar::UChar => call::<u8>(h),
            Scalar::Short => call::<i16>(h),
            Scalar::UShort => call::<u16>(h),
            Scalar::Int => call::<i32>(h),
            Scalar::UInt => call::<u32>(h),
            Scalar::Float => call::<f32>(h),
            other => panic!("no narrow case for {other:?}"),
        }
    }

    /// Narrow integer arguments in registers reach the callee sign- or zero-extended to 32
    /// bits, as GCC and Clang callers extend them and Clang-compiled callees expect (the psABI
    /// leaves those bits unspecified).
    #[test]
    fn narrow_register_arguments_are_extended_to_32_bits() {
        let mut checked = 0;
        for &(name, s) in matrix::NARROW_EXTENSION {
            let h = link(
                name,
                FunctionDescriptor::of(I32, &[scalar_layout(s)]),
                &LinkerOptions::new(),
            )
            .unwrap();
            let mut values: Vec<u64> = [0x80u64, 0xF0, 0xFF, 0x7F, 0x8001, 0xFFFF, 0, 1]
                .iter()
                .map(|b| b & (u64::MAX >> (64 - 8 * s.size())))
                .filter(|&b| s != Scalar::Bool || b <= 1)
                .collect();
            values.sort_unstable();
            values.dedup();
            for bits in values {
                let v = scalar_value(s, bits);
                // SAFETY: the asm probe takes one T and returns an int.
                let got = unsafe { h.call(&[v]) }.unwrap();
                let want = Value::I32(v.as_i64().unwrap() as i32);
                assert_eq!(got, want, "{name}({v:?}): the 32 bits of %edi");
                checked += 1;
            }
        }
        say(&format!(
            "normalization: {checked} narrow register arguments checked for 32-bit extension"
        ));
    }

    /// C passes a narrow argument with garbage above it (in a register, or in a stack slot):
    /// the upcall sees the narrowed value.
    #[test]
    fn narrow_arguments_with_garbage_reach_upcalls_narrowed() {
        for &(name, s, image, stack) in matrix::NARROW_ARGS {
            let want = expected(s, image);
            let mut params = if stack {
                vec![I32.layout(); 6]
            } else {
                Vec::new()
            };
            params.push(scalar_layout(s));
            let seen: Arc<Mutex<Vec<Got>>> = Arc::default();
            let record = seen.clone();
            let arena = Arena::new();
            let stub = Linker::native()
                .upcall(
                    &arena,
                    FunctionDescriptor::of(I32, &params),
                    move |args, _| {
                        record.lock().unwrap().extend(args.iter().map(got_of));
                        Value::I32(args.last().unwrap().as_i64().unwrap() as i32)
                    },
                )
                .unwrap();
            let h = link(
                name,
                FunctionDescriptor::of(I32, &[ADDRESS.layout()]),
                &LinkerOptions::new(),
            )
            .unwrap();
            // SAFETY: the asm function calls its argument as `int cb([int × 6,] T)` and returns
            // its result; the stub lives in `arena`.
            let r = unsafe { h.call(&[Value::pointer(&stub)]) }.unwrap();
            let seen = seen.lock().unwrap().clone();
            assert_eq!(seen.last(), Some(&got_of(&want)), "{name}");
            if stack {
                let ints: Vec<Got> = (1..=6).map(|k| got_of(&Value::I32(k))).collect();
                assert_eq!(seen[..6], ints, "{name}: the register arguments");
            }
            assert_eq!(
                r,
                Value::I32(want.as_i64().unwrap() as i32),
                "{name}: the value back"
            );
        }
        say(&format!(
            "normalization: {} narrow upcall arguments with garbage upper bits checked",
            matrix::NARROW_ARGS.len()
        ));
    }
}
