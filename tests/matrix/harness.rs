//! The machinery the ABI matrix tests share (`tests/abi_matrix.rs`, the dynamic path, and
//! `tests/abi_matrix_typed.rs`, the typed path of `#[ffm::foreign]`): ffm layouts of the shapes,
//! argument values, the out buffer the C functions write what they received into, the checks,
//! and the loop that runs a check over many signatures and reports.
//!
//! Each test includes it after `gen.rs`:
//!
//! ```ignore
//! #[path = "../matrix/gen.rs"]
//! mod matrix;
//! #[path = "../matrix/harness.rs"]
//! mod harness;
//! ```
// Each test uses part of this module.
#![allow(dead_code)]

use std::cell::Cell;
use std::io::Write as _;
use std::sync::OnceLock;
use std::time::Instant;

use ffm::layout::{LayoutKind, PaddingLayout, ValueKind};
use ffm::linker::{
    Downcall, FunctionDescriptor, Library, Linker, LinkerOptions, SymbolLookup, Value,
};
use ffm::prelude::*;

use crate::matrix::{self, Family, Field, Leaf, Matrix, Rng, Scalar, Sig, Ty};

/// What the out buffer is filled with before each call.
pub(crate) const POISON: u8 = 0xA5;

pub(crate) fn lib() -> &'static Library {
    static LIB: OnceLock<Library> = OnceLock::new();
    LIB.get_or_init(|| Library::open(ffm_tests::MATRIXLIB).unwrap())
}

/// The matrix and the ffm layout of each of its struct shapes.
pub(crate) struct Env {
    pub(crate) m: Matrix,
    pub(crate) shape_layouts: Vec<MemoryLayout>,
    pub(crate) shape_leaves: Vec<Vec<Leaf>>,
}

pub(crate) fn env() -> &'static Env {
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

pub(crate) fn scalar_layout(s: Scalar) -> MemoryLayout {
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

pub(crate) fn field_layout(f: &Field) -> MemoryLayout {
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
pub(crate) fn union_layout(fields: &[Field]) -> MemoryLayout {
    let mut members: Vec<MemoryLayout> = fields.iter().map(field_layout).collect();
    let (size, _) = matrix::union_size_align(fields);
    if members.iter().all(|m| m.byte_size() < size) {
        members.push(PaddingLayout::new(size).layout());
    }
    UnionLayout::try_new(&members).unwrap().layout()
}

pub(crate) fn struct_layout(fields: &[Field]) -> MemoryLayout {
    let members: Vec<MemoryLayout> = fields.iter().map(field_layout).collect();
    StructLayout::c(&members).unwrap().layout()
}

pub(crate) fn ty_layout(e: &Env, t: Ty) -> MemoryLayout {
    match t {
        Ty::Scalar(s) => scalar_layout(s),
        Ty::Struct(i) => e.shape_layouts[i],
    }
}

pub(crate) fn descriptor(e: &Env, ret: Option<Ty>, params: &[Ty]) -> FunctionDescriptor {
    let args: Vec<MemoryLayout> = params.iter().map(|t| ty_layout(e, *t)).collect();
    match ret {
        Some(r) => FunctionDescriptor::of(ty_layout(e, r), &args),
        None => FunctionDescriptor::void(&args),
    }
}

pub(crate) fn link(
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
pub(crate) fn scalar_value(s: Scalar, bits: u64) -> Value<'static> {
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
pub(crate) enum Got {
    Void,
    Scalar(Option<ValueKind>, u64),
    Bytes(Vec<u8>),
}

pub(crate) fn got_of(v: &Value<'_>) -> Got {
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
pub(crate) fn random_bits(s: Scalar, rng: &mut Rng) -> u64 {
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
pub(crate) enum Arg {
    Scalar(Scalar, u64),
    /// A struct of shape `.0`: its bytes, padding zeroed.
    Struct(usize, Vec<u8>),
}

impl Arg {
    pub(crate) fn random(e: &Env, t: Ty, rng: &mut Rng) -> Arg {
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

    pub(crate) fn value<'a>(&self, arena: &'a Arena) -> Value<'a> {
        match self {
            Arg::Scalar(s, bits) => scalar_value(*s, *bits),
            Arg::Struct(_, bytes) => {
                Value::Struct(arena.allocate_copy(Segment::of_bytes(bytes), 16).unwrap())
            }
        }
    }

    /// The argument after C's default argument promotions (a variadic argument).
    pub(crate) fn promoted(&self) -> Arg {
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
    pub(crate) fn check(&self, e: &Env, got: &Got) -> Result<(), String> {
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
    pub(crate) fn check_bytes(&self, e: &Env, got: &[u8]) -> Result<(), String> {
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
pub(crate) fn out_address() -> Address {
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

pub(crate) fn poison_out() {
    // SAFETY: the calling thread's out buffer (thread-local, OUT_SIZE bytes); no C code runs on
    // this thread while the segment is alive (it ends with this statement).
    let seg = unsafe { out_address().reinterpret_mut(matrix::OUT_SIZE) };
    seg.fill(POISON);
}

pub(crate) fn read_out() -> Vec<u8> {
    // SAFETY: as in `poison_out`.
    let seg = unsafe { out_address().reinterpret(matrix::OUT_SIZE) };
    seg.as_bytes().to_vec()
}

pub(crate) fn slot(out: &[u8], k: usize) -> &[u8] {
    &out[k * matrix::SLOT..(k + 1) * matrix::SLOT]
}

pub(crate) fn check_called(out: &[u8], i: usize) -> Result<(), String> {
    let called = i32::from_ne_bytes(slot(out, matrix::SLOT_CALLED)[..4].try_into().unwrap());
    if called as usize == i {
        Ok(())
    } else {
        Err(format!(
            "the out buffer says function {called} ran, not {i}"
        ))
    }
}

pub(crate) fn check_args(
    e: &Env,
    args: &[Arg],
    out: &[u8],
    first_slot: usize,
) -> Result<(), String> {
    for (k, a) in args.iter().enumerate() {
        a.check_bytes(e, slot(out, first_slot + k))
            .map_err(|m| format!("argument {k} as C received it: {m}"))?;
    }
    Ok(())
}

pub(crate) fn check_ret(e: &Env, expected: Option<&Arg>, got: &Value<'_>) -> Result<(), String> {
    let got = got_of(got);
    match expected {
        Some(a) => a.check(e, &got).map_err(|m| format!("return value: {m}")),
        None if got == Got::Void => Ok(()),
        None => Err(format!("a void function returned {got:?}")),
    }
}

/// The 8 `long long` and 8 `double` arguments in front of a spill twin's parameters.
pub(crate) fn spill_prefix(rng: &mut Rng) -> (Vec<Ty>, Vec<Arg>) {
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

/// The variants of the matrix. Each of the first six has its own stream of argument values;
/// the typed path's wrappers reuse the streams of [`Downcall`](Variant::Downcall) and
/// [`Upcall`](Variant::Upcall), so that they pass the very values the dynamic path passes; the
/// typed views have streams of their own, so that they add values.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Variant {
    Downcall,
    Spill,
    Upcall,
    UpcallSpill,
    Varargs,
    VarargsSpill,
    /// `m_i` through its `#[ffm::foreign]` wrapper.
    TypedDowncall,
    /// `u_i` through its wrapper, with a `Cb_i::new` closure.
    TypedUpcall,
    /// `m_i` through a typed view (`Downcall::typed`, over the generated Rust types) of a
    /// handle linked with the default options.
    TypedView,
    /// The same through a handle linked `libffi_only()`.
    TypedViewLibffi,
    /// The same through handles linked with `capture_call_state("errno")`, called with
    /// `call_capturing`.
    TypedViewCapturing,
}

impl Variant {
    /// The stream of argument values.
    fn stream(self) -> Variant {
        match self {
            Variant::TypedDowncall => Variant::Downcall,
            Variant::TypedUpcall => Variant::Upcall,
            v => v,
        }
    }
}

pub(crate) fn rng_for(i: usize, v: Variant) -> Rng {
    Rng::new((i as u64) << 4 | v.stream() as u64)
}

/// Signatures excluded from the default run because of a known bug: each exclusion must name
/// its `#[ignore]`d reproducer. None: the matrix found no bug.
pub(crate) fn known_bug(_variant: Variant, _i: usize, _sig: &Sig) -> Option<&'static str> {
    None
}

pub(crate) fn say(line: &str) {
    // Straight to stderr: libtest captures `println!`, not the stream itself.
    let _ = writeln!(
        std::io::stderr().lock(),
        "{}: {line}",
        env!("CARGO_CRATE_NAME")
    );
}

/// What one signature's check found out besides success.
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct Checked {
    /// For a dynamic downcall checked both through a handle made with the default options and
    /// through a `libffi_only()` one: whether the default handle took the register-shape path
    /// ([`Downcall::is_direct`]) rather than libffi.
    pub(crate) direct: Option<bool>,
    /// For the same default handle: whether `call` makes it in line
    /// ([`Downcall::is_inline`]), from the caller's code.
    pub(crate) inline: Option<bool>,
}

/// Runs `check` over the signatures `indexes`, reports the count (and, for dynamic downcalls,
/// how many took the register-shape path), and fails with the first failures listed.
pub(crate) fn run(
    variant: Variant,
    what: &str,
    indexes: &[usize],
    check: impl Fn(&'static Env, usize, &Sig) -> Result<Checked, String>,
) {
    let e = env();
    let start = Instant::now();
    let mut checked = [0usize; 2];
    let mut paths = [0usize; 2];
    let mut in_line = 0usize;
    let mut skipped = Vec::new();
    let mut failures = Vec::new();
    for &i in indexes {
        let sig = &e.m.sigs[i];
        if let Some(bug) = known_bug(variant, i, sig) {
            skipped.push(format!("#{i} {}: {bug}", sig.describe(&e.m.shapes)));
            continue;
        }
        match check(e, i, sig) {
            Ok(c) => {
                checked[(sig.family == Family::Extended) as usize] += 1;
                if let Some(direct) = c.direct {
                    paths[direct as usize] += 1;
                }
                in_line += usize::from(c.inline == Some(true));
            }
            Err(m) => failures.push(format!("#{i} {}: {m}", sig.describe(&e.m.shapes))),
        }
    }
    say(&format!(
        "{what}: {} signatures checked ({} JDK-space + {} extended), {} failed, {} skipped for known bugs, in {:.2?}",
        checked[0] + checked[1],
        checked[0],
        checked[1],
        failures.len(),
        skipped.len(),
        start.elapsed()
    ));
    if paths != [0, 0] {
        say(&format!(
            "  {what}: with the default options {} took the register-shape path (is_direct; {} of them made in line, is_inline) and {} libffi; all {} also called through a libffi_only() handle",
            paths[1],
            in_line,
            paths[0],
            paths[0] + paths[1]
        ));
    }
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

pub(crate) fn all() -> Vec<usize> {
    (0..env().m.sigs.len()).collect()
}

/// The offset of every scalar leaf of `l` (placed at `base`), in order.
pub(crate) fn ffm_leaf_offsets(l: &MemoryLayout, base: usize, out: &mut Vec<usize>) {
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
