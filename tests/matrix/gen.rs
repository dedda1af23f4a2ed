//! The ABI conformance matrix: the signature space, and the C source that implements it.
//!
//! This one file is compiled twice: into `build.rs` (`#[path = "matrix/gen.rs"] mod matrix;`),
//! which writes [`c_sources`] into `OUT_DIR` and compiles it into `libffmmatrix.so`, and into
//! the test `tests/abi_matrix.rs` (`#[path = "../matrix/gen.rs"] mod matrix;`), which enumerates
//! the very same [`Matrix`] and calls every function through the linker. Nothing here may depend
//! on anything but `std`, and everything is deterministic: the enumeration order is fixed, no
//! hash-map order reaches the output, and argument values come from [`Rng`] with a fixed seed.
//!
//! # The signature space
//!
//! - **JDK part** (as the JDK's `CallGeneratorHelper`): the return is `void` or the type of the
//!   first parameter; 0–3 parameters drawn from {int, float, double, pointer, struct}; where a
//!   struct appears, one of the 84 struct shapes of 1–3 fields drawn from {int, float, double,
//!   pointer} (all struct parameters of one signature share the shape). 12,097 signatures.
//! - **Extended part**: for each extra kind X (the scalars `signed char`, `unsigned char`,
//!   `short`, `unsigned short`, `_Bool`, `long long`, `unsigned int`, `unsigned long long`, and
//!   the 62 [`extra_shapes`]: `char[N]` structs, nested structs, two-float structs, structs of
//!   the small scalars, unions alone and inside structs), every list of 1–3 parameters drawn
//!   from {int, float, double, X} that contains X, returning `void` or the first parameter's
//!   type. 6,300 signatures.
//!
//! # What the C does (per signature `i`)
//!
//! - `m_i(params)`: stores each parameter `k` into slot `k` of the thread-local out buffer
//!   (read through `m_out_ptr()`), its own index into [`SLOT_CALLED`], and returns parameter 0.
//! - `s_i(8 × long long, 8 × double, params)`: the stack-spill twin; every real parameter goes
//!   on the stack. Also stores the 16 prefix values into slots [`SLOT_SPILL`]`..`.
//! - `u_i(cb, params)`: the upcall twin; returns `cb(params)`.
//! - `t_i(cb, 8 × long long, 8 × double, params)`: the upcall twin of the spill twin, for the
//!   fixed sample [`upcall_spill_sample`] only (to save C compile time), or for every signature
//!   when the build runs with `FFM_ABI_MATRIX_FULL=1`.
//!
//! And once: `int v_check(const char *tags, ...)` reads each variadic argument with `va_arg`
//! as its tag says ([`Ty::va_tag`]) into slot `k`, and returns how many it read; the
//! normalization functions (x86-64 ELF only, in assembly): [`NARROW_RETURNS`] return narrow
//! values with garbage in the upper register bits, [`NARROW_ARGS`] call a callback with garbage
//! above a narrow argument, [`NARROW_EXTENSION`] report the register bits above a narrow
//! argument; `m_shape_info` lists the C compiler's own size, alignment and leaf offsets of every
//! shape, to check the generator's (and ffm's) layouts against.
//!
//! The struct padding in the out buffer is whatever the callee had; the test compares only the
//! scalar leaves ([`Shape::leaves`]). Every slot is [`SLOT`] bytes.
// build.rs and the test each use part of this module.
#![allow(dead_code)]

use std::fmt::Write as _;

/// The seed of every pseudo-random choice (argument values, samples).
pub const SEED: u64 = 0x5EED_F00D_AB1E_0001;

/// Bytes per out-buffer slot: room for the largest struct shape.
pub const SLOT: usize = 64;
/// Slots in the out buffer.
pub const SLOTS: usize = 32;
/// Size of the thread-local out buffer `m_out`.
pub const OUT_SIZE: usize = SLOT * SLOTS;
/// The slot where `m_i` and `s_i` store their index `i` (an `int`).
pub const SLOT_CALLED: usize = 7;
/// The first of the 16 slots where the spill twins store their prefix arguments.
pub const SLOT_SPILL: usize = 8;
/// `long long` parameters, then as many `double`s, in front of a spill twin's parameters.
pub const SPILL_EACH: usize = 8;
/// Files the per-signature functions are split into (compiled in parallel).
pub const CHUNKS: usize = 8;
/// Signatures that get an upcall spill twin `t_i` (a fixed sample: C compile time).
pub const UPCALL_SPILL_SAMPLE: usize = 4000;

/// A C scalar type.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Scalar {
    Int,
    Float,
    Double,
    Pointer,
    SChar,
    UChar,
    Short,
    UShort,
    Bool,
    LongLong,
    UInt,
    ULongLong,
}

impl Scalar {
    /// The four kinds of the JDK's matrix.
    pub const BASE: [Scalar; 4] = [Scalar::Int, Scalar::Float, Scalar::Double, Scalar::Pointer];
    /// Our extra scalar kinds.
    pub const EXTRA: [Scalar; 8] = [
        Scalar::SChar,
        Scalar::UChar,
        Scalar::Short,
        Scalar::UShort,
        Scalar::Bool,
        Scalar::LongLong,
        Scalar::UInt,
        Scalar::ULongLong,
    ];

    /// The C type.
    pub fn c_type(self) -> &'static str {
        match self {
            Scalar::Int => "int",
            Scalar::Float => "float",
            Scalar::Double => "double",
            Scalar::Pointer => "void *",
            Scalar::SChar => "signed char",
            Scalar::UChar => "unsigned char",
            Scalar::Short => "short",
            Scalar::UShort => "unsigned short",
            Scalar::Bool => "_Bool",
            Scalar::LongLong => "long long",
            Scalar::UInt => "unsigned int",
            Scalar::ULongLong => "unsigned long long",
        }
    }

    /// Size and alignment in bytes (x86-64 and AArch64 LP64).
    pub fn size(self) -> usize {
        match self {
            Scalar::SChar | Scalar::UChar | Scalar::Bool => 1,
            Scalar::Short | Scalar::UShort => 2,
            Scalar::Int | Scalar::Float | Scalar::UInt => 4,
            Scalar::Double | Scalar::Pointer | Scalar::LongLong | Scalar::ULongLong => 8,
        }
    }

    /// A one-letter code, used in shape names and descriptions.
    pub fn code(self) -> char {
        match self {
            Scalar::Int => 'I',
            Scalar::Float => 'F',
            Scalar::Double => 'D',
            Scalar::Pointer => 'P',
            Scalar::SChar => 'c',
            Scalar::UChar => 'h',
            Scalar::Short => 's',
            Scalar::UShort => 't',
            Scalar::Bool => 'b',
            Scalar::LongLong => 'l',
            Scalar::UInt => 'u',
            Scalar::ULongLong => 'U',
        }
    }

    /// The type C passes in place of this one as a variadic argument.
    pub fn promoted(self) -> Scalar {
        match self {
            Scalar::Float => Scalar::Double,
            Scalar::SChar | Scalar::UChar | Scalar::Short | Scalar::UShort | Scalar::Bool => {
                Scalar::Int
            }
            s => s,
        }
    }

    /// Whether the type is floating-point.
    pub fn is_float(self) -> bool {
        matches!(self, Scalar::Float | Scalar::Double)
    }

    /// The type as a `#[foreign]` declaration spells it: the `core::ffi` name of the C type
    /// (`c_int`, `c_uchar`, `*mut c_void`), or `f32`, `f64`, `bool`.
    pub fn foreign_type(self) -> &'static str {
        match self {
            Scalar::Int => "c_int",
            Scalar::Float => "f32",
            Scalar::Double => "f64",
            Scalar::Pointer => "*mut c_void",
            Scalar::SChar => "c_schar",
            Scalar::UChar => "c_uchar",
            Scalar::Short => "c_short",
            Scalar::UShort => "c_ushort",
            Scalar::Bool => "bool",
            Scalar::LongLong => "c_longlong",
            Scalar::UInt => "c_uint",
            Scalar::ULongLong => "c_ulonglong",
        }
    }

    /// The name [`foreign_type`](Self::foreign_type) needs from `core::ffi`, if any.
    fn foreign_import(self) -> Option<&'static str> {
        match self {
            Scalar::Float | Scalar::Double | Scalar::Bool => None,
            Scalar::Pointer => Some("c_void"),
            s => Some(s.foreign_type()),
        }
    }

    /// The fixed-width Rust type (`i32`, `u8`, `*mut c_void`): what the test glue spells.
    pub fn rust_type(self) -> &'static str {
        match self {
            Scalar::Int => "i32",
            Scalar::Float => "f32",
            Scalar::Double => "f64",
            Scalar::Pointer => "*mut c_void",
            Scalar::SChar => "i8",
            Scalar::UChar => "u8",
            Scalar::Short => "i16",
            Scalar::UShort => "u16",
            Scalar::Bool => "bool",
            Scalar::LongLong => "i64",
            Scalar::UInt => "u32",
            Scalar::ULongLong => "u64",
        }
    }
}

/// A member of a struct shape.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Field {
    /// A scalar member.
    Scalar(Scalar),
    /// `T name[n]`.
    Array(Scalar, usize),
    /// A nested (anonymous) struct.
    Nested(Vec<Field>),
    /// A nested (anonymous) union.
    Union(Vec<Field>),
}

impl Field {
    /// Size and alignment as C lays the member out.
    pub fn size_align(&self) -> (usize, usize) {
        match self {
            Field::Scalar(s) => (s.size(), s.size()),
            Field::Array(s, n) => (s.size() * n, s.size()),
            Field::Nested(fields) => struct_size_align(fields),
            Field::Union(fields) => union_size_align(fields),
        }
    }

    /// Every scalar in the member: (offset from `base`, type, C access path below `path`).
    fn leaves(&self, base: usize, path: &str, out: &mut Vec<Leaf>) {
        match self {
            Field::Scalar(s) => out.push(Leaf {
                offset: base,
                scalar: *s,
                path: path.to_owned(),
            }),
            Field::Array(s, n) => {
                for i in 0..*n {
                    out.push(Leaf {
                        offset: base + i * s.size(),
                        scalar: *s,
                        path: format!("{path}[{i}]"),
                    });
                }
            }
            Field::Nested(fields) | Field::Union(fields) => {
                let offsets = match self {
                    Field::Union(_) => vec![0; fields.len()],
                    _ => member_offsets(fields),
                };
                for (i, (off, f)) in offsets.into_iter().zip(fields).enumerate() {
                    let path = if path.is_empty() {
                        format!("f{i}")
                    } else {
                        format!("{path}.f{i}")
                    };
                    f.leaves(base + off, &path, out);
                }
            }
        }
    }

    fn c_member(&self, name: &str, out: &mut String) {
        match self {
            Field::Scalar(s) => write!(out, "{} {name}; ", s.c_type()).unwrap(),
            Field::Array(s, n) => write!(out, "{} {name}[{n}]; ", s.c_type()).unwrap(),
            Field::Nested(fields) | Field::Union(fields) => {
                out.push_str(self.keyword());
                out.push_str(" { ");
                for (i, f) in fields.iter().enumerate() {
                    f.c_member(&format!("f{i}"), out);
                }
                write!(out, "}} {name}; ").unwrap();
            }
        }
    }

    /// `struct` or `union`.
    fn keyword(&self) -> &'static str {
        match self {
            Field::Union(_) => "union",
            _ => "struct",
        }
    }

    fn describe(&self, out: &mut String) {
        match self {
            Field::Scalar(s) => out.push_str(s.c_type()),
            Field::Array(s, n) => write!(out, "{}[{n}]", s.c_type()).unwrap(),
            Field::Nested(fields) | Field::Union(fields) => {
                if let Field::Union(_) = self {
                    out.push_str("union ");
                }
                out.push('{');
                for (i, f) in fields.iter().enumerate() {
                    if i > 0 {
                        out.push_str(", ");
                    }
                    f.describe(out);
                }
                out.push('}');
            }
        }
    }
}

/// The offset of each member of a C struct of `fields`.
pub fn member_offsets(fields: &[Field]) -> Vec<usize> {
    let mut offset: usize = 0;
    fields
        .iter()
        .map(|f| {
            let (size, align) = f.size_align();
            offset = offset.next_multiple_of(align);
            let o = offset;
            offset += size;
            o
        })
        .collect()
}

/// Size and alignment of a C struct of `fields`.
pub fn struct_size_align(fields: &[Field]) -> (usize, usize) {
    let mut offset: usize = 0;
    let mut align = 1;
    for f in fields {
        let (s, a) = f.size_align();
        offset = offset.next_multiple_of(a) + s;
        align = align.max(a);
    }
    (offset.next_multiple_of(align), align)
}

/// Size and alignment of a C union of `fields`.
pub fn union_size_align(fields: &[Field]) -> (usize, usize) {
    let (size, align) = fields.iter().fold((0, 1), |(s, a), f| {
        let (fs, fa) = f.size_align();
        (s.max(fs), a.max(fa))
    });
    (size.next_multiple_of(align), align)
}

/// One scalar inside a struct shape.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Leaf {
    /// Byte offset in the struct.
    pub offset: usize,
    /// Its type.
    pub scalar: Scalar,
    /// The C member designator (`f1`, `f0[3]`, `f0.f1`).
    pub path: String,
}

/// A struct (or union) type of the matrix, passed by value.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Shape {
    /// The C tag.
    pub name: String,
    /// The type: a [`Field::Nested`] for a struct, a [`Field::Union`] for a union.
    pub body: Field,
}

impl Shape {
    /// Whether this is a union.
    pub fn is_union(&self) -> bool {
        matches!(self.body, Field::Union(_))
    }

    /// The members, in order.
    pub fn fields(&self) -> &[Field] {
        match &self.body {
            Field::Nested(f) | Field::Union(f) => f,
            _ => unreachable!("a shape is a struct or a union"),
        }
    }

    /// Size and alignment as C lays the type out.
    pub fn size_align(&self) -> (usize, usize) {
        self.body.size_align()
    }

    /// Every scalar in the type, in declaration order (union members overlap).
    pub fn leaves(&self) -> Vec<Leaf> {
        let mut out = Vec::new();
        self.body.leaves(0, "", &mut out);
        out
    }

    /// `{int, float[2]}`, `union {int, float}`.
    pub fn describe(&self) -> String {
        let mut s = String::new();
        self.body.describe(&mut s);
        s
    }

    /// `struct S_IF` or `union X_3`.
    pub fn c_type(&self) -> String {
        format!("{} {}", self.body.keyword(), self.name)
    }

    fn c_decl(&self) -> String {
        let mut s = format!("{} {{ ", self.c_type());
        for (i, f) in self.fields().iter().enumerate() {
            f.c_member(&format!("f{i}"), &mut s);
        }
        s.push_str("};");
        s
    }
}

/// The 84 shapes of the JDK's matrix: 1–3 fields drawn from {int, float, double, pointer}.
pub fn jdk_shapes() -> Vec<Shape> {
    let mut out = Vec::new();
    for n in 1..=3 {
        for combo in product(&Scalar::BASE, n) {
            out.push(Shape {
                name: format!("S_{}", combo.iter().map(|s| s.code()).collect::<String>()),
                body: Field::Nested(combo.into_iter().map(Field::Scalar).collect()),
            });
        }
    }
    out
}

/// Our extra shapes: `char[N]` structs, arrays mixed with scalars, two-float structs, nested
/// structs, structs of the small and unsigned scalars, and unions (alone and inside structs).
pub fn extra_shapes() -> Vec<Shape> {
    use Field::{Array as A, Nested as N, Scalar as S, Union as U};
    use Scalar::*;
    let ff = || N(vec![S(Float), S(Float)]);
    let mut list: Vec<Vec<Field>> = Vec::new();
    // char[N]: one to three INTEGER eightbytes, then memory.
    for n in (1..=17).chain([24, 32]) {
        list.push(vec![A(SChar, n)]);
    }
    // Arrays mixed with scalars.
    list.extend([
        vec![A(SChar, 3), S(Int)],
        vec![S(Short), A(SChar, 5)],
        vec![A(SChar, 7), S(Double)],
        vec![S(Float), A(SChar, 2)],
        vec![A(UChar, 6), S(Float)],
        vec![A(Float, 3)],
        vec![A(Int, 2), S(Float)],
        vec![S(Double), A(Float, 2)],
    ]);
    // Two-float structs, nested and side by side.
    list.extend([
        vec![ff(), S(Float)],
        vec![ff(), ff()],
        vec![S(Float), S(Float), S(Float), S(Float)],
        vec![ff(), S(Int)],
        vec![S(Double), ff()],
        vec![ff(), S(Double), ff()],
    ]);
    // Nested structs.
    list.extend([
        vec![N(vec![S(Int), S(Float)]), S(Double)],
        vec![N(vec![S(SChar), S(Short)]), S(SChar)],
        vec![S(Double), N(vec![S(Float)])],
        vec![N(vec![N(vec![S(Float)])]), S(Float)],
        vec![S(Int), N(vec![A(SChar, 2), S(Short)])],
        vec![N(vec![S(LongLong)]), N(vec![S(Bool), S(UChar)])],
    ]);
    // The small and unsigned scalars.
    list.extend([
        vec![S(SChar), S(Short), S(Int)],
        vec![S(Bool), S(SChar)],
        vec![S(LongLong), S(SChar)],
        vec![S(UShort), S(Float)],
        vec![S(UChar), S(UChar), S(UChar)],
        vec![S(Short), S(Double)],
        vec![S(UInt), S(ULongLong)],
        vec![S(Bool), S(Float), S(Bool)],
        vec![S(Short), S(Short), S(Short), S(Short), S(Short)],
        vec![S(Float), S(Short), S(Float)],
        vec![S(Pointer), S(Bool)],
    ]);
    let mut shapes: Vec<Field> = list.into_iter().map(N).collect();
    // Unions, alone and inside structs (ffm builds their libffi types itself).
    shapes.extend([
        U(vec![S(Int), S(Float)]),
        U(vec![A(Float, 2), S(Double)]),
        U(vec![S(Double), S(LongLong)]),
        U(vec![A(SChar, 5), S(Int)]),
        U(vec![A(Float, 3), S(Double)]),
        U(vec![ff(), A(Int, 2)]),
        U(vec![N(vec![S(Double), S(Float)]), A(SChar, 20)]),
        U(vec![S(Float)]),
        U(vec![S(UChar), S(Bool)]),
        N(vec![S(Float), U(vec![S(Int), S(Float)])]),
        N(vec![U(vec![S(Float), S(Float)]), S(Float), S(Double)]),
        N(vec![S(SChar), U(vec![S(Short), A(SChar, 3)])]),
    ]);
    shapes
        .into_iter()
        .enumerate()
        .map(|(i, body)| Shape {
            name: format!("X_{i}"),
            body,
        })
        .collect()
}

/// A parameter or return type.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Ty {
    /// A scalar.
    Scalar(Scalar),
    /// A struct by value: an index into [`Matrix::shapes`].
    Struct(usize),
}

impl Ty {
    /// The C type.
    pub fn c_type(self, shapes: &[Shape]) -> String {
        match self {
            Ty::Scalar(s) => s.c_type().to_owned(),
            Ty::Struct(i) => shapes[i].c_type(),
        }
    }

    /// The tag `v_check` reads this type (promoted) by: `i` int, `u` unsigned int, `l` long
    /// long, `U` unsigned long long, `d` double, `p` pointer, `S<shape>;` a struct.
    pub fn va_tag(self) -> String {
        match self {
            Ty::Scalar(s) => match s.promoted() {
                Scalar::Int => "i",
                Scalar::UInt => "u",
                Scalar::LongLong => "l",
                Scalar::ULongLong => "U",
                Scalar::Double => "d",
                Scalar::Pointer => "p",
                other => unreachable!("{other:?} is promoted"),
            }
            .to_owned(),
            Ty::Struct(i) => format!("S{i};"),
        }
    }

    /// The type as a variadic argument (C's default argument promotions).
    pub fn promoted(self) -> Ty {
        match self {
            Ty::Scalar(s) => Ty::Scalar(s.promoted()),
            t => t,
        }
    }
}

/// Which part of the matrix a signature belongs to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Family {
    /// The JDK's `CallGeneratorHelper` space.
    Jdk,
    /// Our extra kinds.
    Extended,
}

/// One C signature of the matrix.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Sig {
    /// Whether the function returns its first parameter's type (else `void`).
    pub returns_first: bool,
    /// The parameter types.
    pub params: Vec<Ty>,
    /// The part of the matrix.
    pub family: Family,
}

impl Sig {
    /// The return type, `None` for `void`.
    pub fn ret(&self) -> Option<Ty> {
        self.returns_first.then(|| self.params[0])
    }

    /// `(int, struct S_IF {int, float}) -> int`.
    pub fn describe(&self, shapes: &[Shape]) -> String {
        let mut s = String::from("(");
        for (i, p) in self.params.iter().enumerate() {
            if i > 0 {
                s.push_str(", ");
            }
            s.push_str(&p.c_type(shapes));
            if let Ty::Struct(k) = p {
                write!(s, " {}", shapes[*k].describe()).unwrap();
            }
        }
        s.push_str(") -> ");
        match self.ret() {
            Some(t) => s.push_str(&t.c_type(shapes)),
            None => s.push_str("void"),
        }
        s
    }

    /// The integer argument registers (x86-64 System V) a call of this signature uses, at
    /// most 6: one per integer or pointer; for a struct or union of at most 16 bytes, one per
    /// eightbyte holding anything but floats, if all its eightbytes fit in the registers left
    /// (else it goes on the stack whole); and one for the address of a struct returned in
    /// memory. (A typed upcall's thunk passes its state in the next one, so an upcall of 6
    /// goes through a libffi closure instead.)
    pub fn integer_registers(&self, shapes: &[Shape]) -> usize {
        // (INTEGER, SSE) eightbytes of a shape passed in registers, None for memory.
        let classes = |k: usize| -> Option<(usize, usize)> {
            let (size, _) = shapes[k].size_align();
            if size > 16 {
                return None;
            }
            let leaves = shapes[k].leaves();
            let words = size.div_ceil(8);
            let ints = (0..words)
                .filter(|w| {
                    leaves
                        .iter()
                        .any(|l| l.offset / 8 == *w && !l.scalar.is_float())
                })
                .count();
            Some((ints, words - ints))
        };
        let (mut gpr, mut sse) = (0, 0);
        if let Some(Ty::Struct(k)) = self.ret()
            && classes(k).is_none()
        {
            gpr += 1;
        }
        for p in &self.params {
            match *p {
                Ty::Scalar(s) if s.is_float() => sse += 1,
                Ty::Scalar(_) => gpr += 1,
                Ty::Struct(k) => {
                    if let Some((i, f)) = classes(k)
                        && gpr + i <= 6
                        && sse + f <= 8
                    {
                        gpr += i;
                        sse += f;
                    }
                }
            }
        }
        gpr.min(6)
    }

    /// The Rust types of a typed view of this signature (`ByValue` for structs): the shape a
    /// `#[foreign]` declaration of it would have, e.g. `fn(i32, ByValue) -> i32`.
    pub fn rust_types(&self) -> String {
        let t = |ty: Ty| match ty {
            Ty::Struct(_) => "ByValue",
            Ty::Scalar(s) => match s {
                Scalar::Int => "i32",
                Scalar::Float => "f32",
                Scalar::Double => "f64",
                Scalar::Pointer => "Address",
                Scalar::SChar => "i8",
                Scalar::UChar => "u8",
                Scalar::Short => "i16",
                Scalar::UShort => "u16",
                Scalar::Bool => "bool",
                Scalar::LongLong => "i64",
                Scalar::UInt => "u32",
                Scalar::ULongLong => "u64",
            },
        };
        let params: Vec<&str> = self.params.iter().map(|p| t(*p)).collect();
        match self.ret() {
            Some(r) => format!("fn({}) -> {}", params.join(", "), t(r)),
            None => format!("fn({})", params.join(", ")),
        }
    }
}

/// The whole matrix: struct shapes and signatures, in a fixed order. Signature `i` is
/// implemented by the C functions `m_i`, `s_i`, `u_i` and `t_i`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Matrix {
    /// The JDK shapes (first 84) then [`extra_shapes`].
    pub shapes: Vec<Shape>,
    /// Every signature: the JDK part, then the extended part.
    pub sigs: Vec<Sig>,
}

/// Every list of `n` items drawn from `from`, in lexicographic order.
fn product<T: Copy>(from: &[T], n: usize) -> Vec<Vec<T>> {
    let mut out = vec![Vec::new()];
    for _ in 0..n {
        out = out
            .into_iter()
            .flat_map(|prefix| {
                from.iter().map(move |x| {
                    let mut v = prefix.clone();
                    v.push(*x);
                    v
                })
            })
            .collect();
    }
    out
}

/// A parameter kind while enumerating: a base scalar or "the X of this signature".
#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    Base(Scalar),
    X,
}

/// Builds the matrix.
pub fn matrix() -> Matrix {
    let jdk = jdk_shapes();
    let n_jdk_shapes = jdk.len();
    let mut shapes = jdk;
    shapes.extend(extra_shapes());
    let kinds: Vec<Kind> = Scalar::BASE
        .iter()
        .map(|s| Kind::Base(*s))
        .chain([Kind::X])
        .collect();
    let mut sigs = Vec::new();
    let resolve = |list: &[Kind], x: Ty| -> Vec<Ty> {
        list.iter()
            .map(|k| match k {
                Kind::Base(s) => Ty::Scalar(*s),
                Kind::X => x,
            })
            .collect()
    };
    // The JDK part: X is "struct", one shape per signature.
    for returns_first in [false, true] {
        for n in 0..=3 {
            if returns_first && n == 0 {
                continue;
            }
            for list in product(&kinds, n) {
                if list.contains(&Kind::X) {
                    for shape in 0..n_jdk_shapes {
                        sigs.push(Sig {
                            returns_first,
                            params: resolve(&list, Ty::Struct(shape)),
                            family: Family::Jdk,
                        });
                    }
                } else {
                    sigs.push(Sig {
                        returns_first,
                        params: resolve(&list, Ty::Scalar(Scalar::Int)),
                        family: Family::Jdk,
                    });
                }
            }
        }
    }
    // The extended part: X is each extra kind in turn, and appears at least once; the other
    // parameters are int, float or double (pointers classify like long long).
    let ext_kinds = [
        Kind::Base(Scalar::Int),
        Kind::Base(Scalar::Float),
        Kind::Base(Scalar::Double),
        Kind::X,
    ];
    let extras: Vec<Ty> = Scalar::EXTRA
        .iter()
        .map(|s| Ty::Scalar(*s))
        .chain((n_jdk_shapes..shapes.len()).map(Ty::Struct))
        .collect();
    for x in extras {
        for returns_first in [false, true] {
            for n in 1..=3 {
                for list in product(&ext_kinds, n) {
                    if list.contains(&Kind::X) {
                        sigs.push(Sig {
                            returns_first,
                            params: resolve(&list, x),
                            family: Family::Extended,
                        });
                    }
                }
            }
        }
    }
    Matrix { shapes, sigs }
}

/// A small deterministic PRNG (xorshift64*).
#[derive(Clone, Debug)]
pub struct Rng(u64);

impl Rng {
    /// A generator for stream `stream` of [`SEED`].
    pub fn new(stream: u64) -> Rng {
        let mut r = Rng(SEED ^ stream.wrapping_add(1).wrapping_mul(0x9E37_79B9_7F4A_7C15));
        if r.0 == 0 {
            r.0 = 1;
        }
        for _ in 0..4 {
            r.next_u64();
        }
        r
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    /// A random index below `n`.
    pub fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n as u64) as usize
    }
}

/// A deterministic sample of `count` distinct indexes below `n` (all of them if `count >= n`),
/// sorted, drawn from stream `stream` of [`SEED`].
pub fn sample(n: usize, count: usize, stream: u64) -> Vec<usize> {
    if count >= n {
        return (0..n).collect();
    }
    // Partial Fisher-Yates over the index list.
    let mut idx: Vec<usize> = (0..n).collect();
    let mut rng = Rng::new(stream);
    for i in 0..count {
        let j = i + rng.below(n - i);
        idx.swap(i, j);
    }
    let mut out = idx[..count].to_vec();
    out.sort_unstable();
    out
}

/// The signatures (indexes into [`Matrix::sigs`]) that have an upcall spill twin `t_i`: a
/// fixed deterministic sample of [`UPCALL_SPILL_SAMPLE`], or all of them with `full` (the
/// build script's `FFM_ABI_MATRIX_FULL=1`).
pub fn upcall_spill_sample(m: &Matrix, full: bool) -> Vec<usize> {
    if full {
        return (0..m.sigs.len()).collect();
    }
    sample(m.sigs.len(), UPCALL_SPILL_SAMPLE, 0x5B111)
}

/// The signatures (indexes into [`Matrix::sigs`]) that go through the typed path of the
/// `#[foreign]` macro (`tests/abi_matrix_typed.rs`): a fixed deterministic subset of 1,200,
/// covering every parameter count, both families and every shape: every signature of at most
/// one parameter, then a sample of the rest. [`typed_rust_source`] declares them.
pub fn typed_path_subset(m: &Matrix) -> Vec<usize> {
    const SIZE: usize = 1200;
    // Every signature of at most one parameter (293 of them), then a sample of the rest.
    let (small, rest): (Vec<usize>, Vec<usize>) =
        (0..m.sigs.len()).partition(|&i| m.sigs[i].params.len() <= 1);
    let mut out = small;
    let more = SIZE.saturating_sub(out.len());
    out.extend(
        sample(rest.len(), more, 0x7E9ED)
            .into_iter()
            .map(|k| rest[k]),
    );
    out.sort_unstable();
    out
}

/// The signatures of [`typed_path_subset`] whose upcall twin `u_i` is declared too, with its
/// callback type `Cb_i` (a typed upcall per signature costs about 45 ms of compile time, in
/// rustc's type checking of the callback type and in code generation of the runtime's generic
/// upcall machinery for the closure), [`TYPED_UPCALLS`] in all: `() -> void`; `(T) -> T` for
/// every scalar and every shape (a struct by value into the callback and back out of it);
/// every signature that uses 4 or more integer argument registers
/// ([`Sig::integer_registers`]: a typed upcall's thunk passes its state in the next one, so
/// these reach the thunks of `r8` and `r9` and, with 6, the libffi fallback); and a sample of
/// the rest.
pub fn typed_upcall_subset(m: &Matrix) -> Vec<usize> {
    let subset = typed_path_subset(m);
    let (mut out, rest): (Vec<usize>, Vec<usize>) = subset.iter().partition(|&&i| {
        let sig = &m.sigs[i];
        sig.params.is_empty()
            || (sig.params.len() == 1 && sig.returns_first)
            || sig.integer_registers(&m.shapes) >= 4
    });
    let more = TYPED_UPCALLS.saturating_sub(out.len());
    out.extend(
        sample(rest.len(), more, 0x7E9E_D0C8)
            .into_iter()
            .map(|k| rest[k]),
    );
    out.sort_unstable();
    out
}

/// How many signatures [`typed_upcall_subset`] has.
pub const TYPED_UPCALLS: usize = 300;

/// `#[foreign]` modules the typed-path functions are split into.
pub const TYPED_MODULES: usize = 4;

/// The Rust source of the typed path, for the signatures of [`typed_path_subset`]: what the
/// build script writes to `OUT_DIR/matrix_typed.rs` and `tests/abi_matrix_typed.rs`
/// `include!`s.
///
/// - `#[ffm::foreign] pub mod shapes`: every struct and union shape the subset passes, as a
///   `#[repr(C)]` struct or union with fields `f0`, `f1`, … (`char[N]` as `[c_schar; N]`; an
///   anonymous nested struct or union as a type of its own, `X_90_f0`).
/// - [`TYPED_MODULES`] `#[ffm::foreign(library = ffm_tests::MATRIXLIB, name = MATRIX_k)] pub
///   mod typed_k`: per signature `i`, `m_i`; and for those of [`typed_upcall_subset`], the
///   callback type `Cb_i` (`unsafe extern "C" fn` with the signature's parameters and return)
///   and the upcall twin `u_i(cb: Cb_i, …)`.
/// - `static TYPED: &[TypedSig]`: one `typed_sig!(i, typed_k, m_i, [u_i, Cb_i,] (a0: T0, …)
///   -> R)` per signature (the test defines the macro: it calls the wrappers), and one
///   `typed_shapes!(…)` naming every shape.
///
/// Scalars are spelled with their `core::ffi` names in the declarations (each module imports
/// just the names it uses) and as fixed-width Rust types in the table.
pub fn typed_rust_source(m: &Matrix) -> String {
    let subset = typed_path_subset(m);
    let mut with_up = vec![false; m.sigs.len()];
    for i in typed_upcall_subset(m) {
        with_up[i] = true;
    }
    let shapes = &m.shapes;
    let mut used = vec![false; shapes.len()];
    for &i in &subset {
        for p in &m.sigs[i].params {
            if let Ty::Struct(k) = p {
                used[*k] = true;
            }
        }
    }
    let mut s = String::new();
    writeln!(
        s,
        "// Generated by tests/matrix/gen.rs (typed_rust_source): do not edit.\n\
         // The typed path of #[ffm::foreign] over the ABI matrix: {} signatures m_i\n\
         // (typed_path_subset), {TYPED_UPCALLS} of them with their upcall twin u_i and callback\n\
         // type Cb_i (typed_upcall_subset), in {TYPED_MODULES} modules; their shapes; and the\n\
         // table the test walks.\n",
        subset.len()
    )
    .unwrap();

    // The shapes.
    let mut imports = std::collections::BTreeSet::new();
    let mut decls = String::new();
    let mut names = Vec::new();
    for (k, shape) in shapes.iter().enumerate() {
        if used[k] {
            rust_record(
                &shape.name,
                &shape.body,
                &format!("`{}`: {}", shape.c_type(), shape.describe()),
                &mut decls,
                &mut imports,
            );
            names.push(shape.name.as_str());
        }
    }
    s.push_str("/// The struct and union shapes of the typed-path signatures.\n");
    s.push_str("#[ffm::foreign]\npub mod shapes {\n");
    use_line(&imports, &mut s);
    s.push_str(&decls);
    s.push_str("}\n\n");

    // The functions, in modules.
    let per_module = subset.len().div_ceil(TYPED_MODULES);
    let rust_ty = |t: Ty| match t {
        Ty::Scalar(sc) => sc.foreign_type().to_owned(),
        Ty::Struct(k) => shapes[k].name.clone(),
    };
    for (c, chunk) in subset.chunks(per_module).enumerate() {
        let mut imports = std::collections::BTreeSet::new();
        let mut used_shapes = std::collections::BTreeSet::new();
        let mut body = String::new();
        let mut fns = String::new();
        for &i in chunk {
            let sig = &m.sigs[i];
            for p in &sig.params {
                match *p {
                    Ty::Scalar(sc) => imports.extend(sc.foreign_import()),
                    Ty::Struct(k) => {
                        used_shapes.insert(k);
                    }
                }
            }
            let types: Vec<String> = sig.params.iter().map(|p| rust_ty(*p)).collect();
            let ret = sig
                .ret()
                .map_or(String::new(), |r| format!(" -> {}", rust_ty(r)));
            let params: Vec<String> = types
                .iter()
                .enumerate()
                .map(|(k, t)| format!("a{k}: {t}"))
                .collect();
            let describe = sig.describe(shapes);
            writeln!(
                fns,
                "        /// #{i}: {describe}\n        pub fn m_{i}({}){ret};",
                params.join(", ")
            )
            .unwrap();
            if with_up[i] {
                writeln!(
                    body,
                    "    /// #{i}: {describe}\n    pub type Cb_{i} = unsafe extern \"C\" fn({}){ret};",
                    types.join(", ")
                )
                .unwrap();
                let mut u_params = vec![format!("cb: Cb_{i}")];
                u_params.extend(params.iter().cloned());
                writeln!(fns, "        pub fn u_{i}({}){ret};", u_params.join(", ")).unwrap();
            }
        }
        let (first, last) = (chunk[0], chunk[chunk.len() - 1]);
        writeln!(
            s,
            "/// Signatures #{first}…#{last} of the typed subset ({} of them).\n\
             #[ffm::foreign(library = ffm_tests::MATRIXLIB, name = MATRIX_{c})]\n\
             pub mod typed_{c} {{",
            chunk.len()
        )
        .unwrap();
        use_line(&imports, &mut s);
        if !used_shapes.is_empty() {
            let list: Vec<&str> = used_shapes
                .iter()
                .map(|&k| shapes[k].name.as_str())
                .collect();
            writeln!(s, "    use super::shapes::{{{}}};", list.join(", ")).unwrap();
        }
        s.push('\n');
        s.push_str(&body);
        s.push_str("\n    unsafe extern \"C\" {\n");
        s.push_str(&fns);
        s.push_str("    }\n}\n\n");
    }

    // The table.
    let glue_ty = |t: Ty| match t {
        Ty::Scalar(sc) => sc.rust_type().to_owned(),
        Ty::Struct(k) => format!("shapes::{}", shapes[k].name),
    };
    writeln!(s, "typed_shapes!({});\n", names.join(", ")).unwrap();
    s.push_str(
        "/// Every typed-path signature, in index order: how to call `m_i` (and `u_i`) through\n\
         /// their wrappers.\n\
         static TYPED: &[TypedSig] = &[\n",
    );
    for (c, chunk) in subset.chunks(per_module).enumerate() {
        for &i in chunk {
            let sig = &m.sigs[i];
            let params: Vec<String> = sig
                .params
                .iter()
                .enumerate()
                .map(|(k, t)| format!("a{k}: {}", glue_ty(*t)))
                .collect();
            let ret = sig
                .ret()
                .map_or(String::new(), |r| format!(" -> {}", glue_ty(r)));
            let up = if with_up[i] {
                format!("u_{i}, Cb_{i}, ")
            } else {
                String::new()
            };
            writeln!(
                s,
                "    typed_sig!({i}, typed_{c}, m_{i}, {up}({}){ret}),",
                params.join(", ")
            )
            .unwrap();
        }
    }
    s.push_str("];\n");
    s
}

/// `use core::ffi::{…};` for these names (nothing if there are none).
fn use_line(imports: &std::collections::BTreeSet<&'static str>, s: &mut String) {
    match imports.len() {
        0 => {}
        1 => writeln!(s, "    use core::ffi::{};", imports.first().unwrap()).unwrap(),
        _ => writeln!(
            s,
            "    use core::ffi::{{{}}};",
            imports.iter().copied().collect::<Vec<_>>().join(", ")
        )
        .unwrap(),
    }
}

/// The `#[repr(C)]` struct or union `name` for `body` (a [`Field::Nested`] or
/// [`Field::Union`]), after the types of its nested members (named `name_f<i>`).
fn rust_record(
    name: &str,
    body: &Field,
    doc: &str,
    out: &mut String,
    imports: &mut std::collections::BTreeSet<&'static str>,
) {
    let fields = match body {
        Field::Nested(f) | Field::Union(f) => f,
        _ => unreachable!("a record is a struct or a union"),
    };
    let mut members = String::new();
    for (i, f) in fields.iter().enumerate() {
        let ty = match f {
            Field::Scalar(sc) => {
                imports.extend(sc.foreign_import());
                sc.foreign_type().to_owned()
            }
            Field::Array(sc, n) => {
                imports.extend(sc.foreign_import());
                format!("[{}; {n}]", sc.foreign_type())
            }
            Field::Nested(_) | Field::Union(_) => {
                let sub = format!("{name}_f{i}");
                rust_record(
                    &sub,
                    f,
                    &format!("Member `f{i}` of `{name}`."),
                    out,
                    imports,
                );
                sub
            }
        };
        writeln!(members, "        pub f{i}: {ty},").unwrap();
    }
    writeln!(
        out,
        "    /// {doc}\n    #[repr(C)]\n    pub {} {name} {{\n{members}    }}",
        body.keyword()
    )
    .unwrap();
}

/// The C sources of the matrix library: `(file name, contents)`, a header, a main file, and
/// [`CHUNKS`] files of per-signature functions. `full`: an upcall spill twin for every
/// signature, not just the sample.
pub fn c_sources(m: &Matrix, full: bool) -> Vec<(String, String)> {
    let mut files = Vec::new();
    files.push(("matrix.h".to_owned(), header(m)));
    files.push(("matrix_main.c".to_owned(), main_file(m)));
    let mut with_t = vec![false; m.sigs.len()];
    for i in upcall_spill_sample(m, full) {
        with_t[i] = true;
    }
    let per_chunk = m.sigs.len().div_ceil(CHUNKS);
    for (c, chunk) in m.sigs.chunks(per_chunk).enumerate() {
        let mut s = String::with_capacity(chunk.len() * 700);
        s.push_str(
            "/* Generated by tests/matrix/gen.rs: do not edit. */\n#include \"matrix.h\"\n\n",
        );
        for (k, sig) in chunk.iter().enumerate() {
            let i = c * per_chunk + k;
            sig_functions(m, i, sig, with_t[i], &mut s);
        }
        files.push((format!("matrix_{c}.c"), s));
    }
    files
}

fn header(m: &Matrix) -> String {
    let mut s = String::new();
    s.push_str(
        "/* Generated by tests/matrix/gen.rs: do not edit. */\n\
         #ifndef FFM_MATRIX_H\n#define FFM_MATRIX_H\n#include <string.h>\n\n",
    );
    writeln!(
        s,
        "extern _Thread_local unsigned char m_out[{OUT_SIZE}];\n\
         void m_save(int slot, const void *value, unsigned long size);\n\
         /* Stores x into slot i of the out buffer. */\n\
         #define W(i, x) m_save((i), &(x), sizeof(x))\n\
         #define CALLED(n) do {{ int called_ = (n); W({SLOT_CALLED}, called_); }} while (0)"
    )
    .unwrap();
    let ll: Vec<String> = (0..SPILL_EACH).map(|i| format!("long long x{i}")).collect();
    let dd: Vec<String> = (0..SPILL_EACH).map(|i| format!("double y{i}")).collect();
    writeln!(
        s,
        "#define SPILL_PARAMS {}, {}",
        ll.join(", "),
        dd.join(", ")
    )
    .unwrap();
    let lt: Vec<&str> = (0..SPILL_EACH).map(|_| "long long").collect();
    let dt: Vec<&str> = (0..SPILL_EACH).map(|_| "double").collect();
    writeln!(
        s,
        "#define SPILL_TYPES {}, {}",
        lt.join(", "),
        dt.join(", ")
    )
    .unwrap();
    let la: Vec<String> = (0..SPILL_EACH).map(|i| format!("x{i}")).collect();
    let da: Vec<String> = (0..SPILL_EACH).map(|i| format!("y{i}")).collect();
    writeln!(s, "#define SPILL_ARGS {}, {}", la.join(", "), da.join(", ")).unwrap();
    writeln!(
        s,
        "/* Stores the 16 prefix arguments into slots {SLOT_SPILL}... */\n\
         void m_spill_save(SPILL_PARAMS);\n\
         #define SPILL_SAVE m_spill_save(SPILL_ARGS)\n"
    )
    .unwrap();
    for shape in &m.shapes {
        writeln!(s, "{}", shape.c_decl()).unwrap();
    }
    s.push_str("\n#endif\n");
    s
}

/// `m_i`, `s_i`, `u_i` (and `t_i` if `with_t`) for signature `i`.
fn sig_functions(m: &Matrix, i: usize, sig: &Sig, with_t: bool, s: &mut String) {
    let shapes = &m.shapes;
    let ret = sig.ret().map_or("void".to_owned(), |t| t.c_type(shapes));
    let types: Vec<String> = sig.params.iter().map(|p| p.c_type(shapes)).collect();
    let params: Vec<String> = types
        .iter()
        .enumerate()
        .map(|(k, t)| format!("{t} a{k}"))
        .collect();
    let args: Vec<String> = (0..sig.params.len()).map(|k| format!("a{k}")).collect();
    let saves: String = (0..sig.params.len())
        .map(|k| format!(" W({k}, a{k});"))
        .collect();
    let ret_stmt = if sig.returns_first { " return a0;" } else { "" };
    let ret_kw = if sig.returns_first { "return " } else { "" };
    let join = |prefix: &str, items: &[String]| -> String {
        let mut v = Vec::new();
        if !prefix.is_empty() {
            v.push(prefix.to_owned());
        }
        v.extend(items.iter().cloned());
        if v.is_empty() {
            "void".to_owned()
        } else {
            v.join(", ")
        }
    };
    let cb = |prefix: &str| format!("{ret} (*cb)({})", join(prefix, &types));
    writeln!(s, "/* {i}: {} */", sig.describe(shapes)).unwrap();
    writeln!(
        s,
        "{ret} m_{i}({}) {{ CALLED({i});{saves}{ret_stmt} }}",
        join("", &params)
    )
    .unwrap();
    writeln!(
        s,
        "{ret} s_{i}({}) {{ CALLED({i}); SPILL_SAVE;{saves}{ret_stmt} }}",
        join("SPILL_PARAMS", &params)
    )
    .unwrap();
    writeln!(
        s,
        "{ret} u_{i}({}) {{ {ret_kw}cb({}); }}",
        join(&cb(""), &params),
        args.join(", ")
    )
    .unwrap();
    if with_t {
        writeln!(
            s,
            "{ret} t_{i}({}) {{ {ret_kw}cb({}); }}",
            join(&format!("{}, SPILL_PARAMS", cb("SPILL_TYPES")), &params),
            join("SPILL_ARGS", &args)
        )
        .unwrap();
    }
}

/// The normalization cases: functions returning a narrow type with garbage in the rest of the
/// return register (x86-64 only). `(symbol, C return type, rax or xmm0 image)`.
pub const NARROW_RETURNS: &[(&str, Scalar, u64)] = &[
    ("n_bool_true", Scalar::Bool, 0xDEAD_BEEF_ABCD_1201),
    ("n_bool_false", Scalar::Bool, 0xDEAD_BEEF_ABCD_1200),
    ("n_schar_neg", Scalar::SChar, 0xDEAD_BEEF_ABCD_12F0),
    ("n_schar_pos", Scalar::SChar, 0xFFFF_FFFF_FFFF_FF7F),
    ("n_uchar", Scalar::UChar, 0xDEAD_BEEF_ABCD_12F0),
    ("n_short_neg", Scalar::Short, 0xDEAD_BEEF_ABCD_8001),
    ("n_short_pos", Scalar::Short, 0xFFFF_FFFF_FFFF_7FFE),
    ("n_ushort", Scalar::UShort, 0xDEAD_BEEF_ABCD_FFFE),
    ("n_int", Scalar::Int, 0xDEAD_BEEF_8000_0000),
    ("n_uint", Scalar::UInt, 0xDEAD_BEEF_FFFF_FFFF),
    ("n_float", Scalar::Float, 0xDEAD_BEEF_3FC0_0000),
];

/// Functions calling a callback `int cb(T)` (or, with `stack`, `int cb(int × 6, T)` with `T`
/// on the stack) with garbage above a narrow argument: `(symbol, T, register or stack image,
/// on the stack)`. They return what the callback returns.
pub const NARROW_ARGS: &[(&str, Scalar, u64, bool)] = &[
    ("n_call_bool", Scalar::Bool, 0xDEAD_BEEF_ABCD_1201, false),
    ("n_call_schar", Scalar::SChar, 0xDEAD_BEEF_ABCD_12F0, false),
    ("n_call_uchar", Scalar::UChar, 0xDEAD_BEEF_ABCD_12F0, false),
    ("n_call_short", Scalar::Short, 0xDEAD_BEEF_ABCD_8001, false),
    (
        "n_call_ushort",
        Scalar::UShort,
        0xDEAD_BEEF_ABCD_FFFE,
        false,
    ),
    ("n_call_int", Scalar::Int, 0xDEAD_BEEF_8000_0001, false),
    (
        "n_call_stack_bool",
        Scalar::Bool,
        0xDEAD_BEEF_ABCD_1201,
        true,
    ),
    (
        "n_call_stack_schar",
        Scalar::SChar,
        0xDEAD_BEEF_ABCD_12F0,
        true,
    ),
    (
        "n_call_stack_short",
        Scalar::Short,
        0xDEAD_BEEF_ABCD_8001,
        true,
    ),
    (
        "n_call_stack_ushort",
        Scalar::UShort,
        0xDEAD_BEEF_ABCD_FFFE,
        true,
    ),
];

/// Probes of how a caller widens a narrow argument in a register (x86-64 only): `int f(T)`
/// returning all 32 bits of `%edi`. `(symbol, T)`. The psABI leaves the bits above `T`
/// unspecified, but GCC and Clang callers extend `T` to 32 bits (sign- or zero-, as `T` is
/// signed) and Clang-compiled callees rely on it. (For a narrow argument on the stack neither
/// compiler's callees read above `T`, so the rest of its slot is not checked.)
pub const NARROW_EXTENSION: &[(&str, Scalar)] = &[
    ("n_ext_schar", Scalar::SChar),
    ("n_ext_uchar", Scalar::UChar),
    ("n_ext_short", Scalar::Short),
    ("n_ext_ushort", Scalar::UShort),
    ("n_ext_bool", Scalar::Bool),
];

fn main_file(m: &Matrix) -> String {
    let mut s = String::new();
    s.push_str(
        "/* Generated by tests/matrix/gen.rs: do not edit. */\n\
         #include <stdarg.h>\n#include <stddef.h>\n#include <stdlib.h>\n#include \"matrix.h\"\n\n",
    );
    writeln!(
        s,
        "_Thread_local unsigned char m_out[{OUT_SIZE}] __attribute__((aligned(16)));\n\n\
         void m_save(int slot, const void *value, unsigned long size) {{\n\
         \x20 memcpy(m_out + {SLOT} * slot, value, size);\n\
         }}\n\n\
         void m_spill_save(SPILL_PARAMS) {{\n\
         \x20 {}\n\
         }}\n\n\
         /* The calling thread's out buffer. */\n\
         unsigned char *m_out_ptr(void) {{ return m_out; }}\n\n\
         /* How many signatures the matrix has. */\n\
         int m_sig_count(void) {{ return {}; }}\n",
        (0..SPILL_EACH)
            .map(|k| format!(
                "W({}, x{k}); W({}, y{k});",
                SLOT_SPILL + k,
                SLOT_SPILL + SPILL_EACH + k
            ))
            .collect::<Vec<_>>()
            .join(" "),
        m.sigs.len()
    )
    .unwrap();

    // The C compiler's view of every shape: size, alignment, leaf count, leaf offsets.
    s.push_str(
        "/* Per shape: sizeof, _Alignof, number of scalar leaves, offsetof each leaf. */\n\
         const int m_shape_info[] = {\n",
    );
    let mut n_info = 0;
    for shape in &m.shapes {
        let leaves = shape.leaves();
        write!(
            s,
            "  sizeof({0}), _Alignof({0}), {1},",
            shape.c_type(),
            leaves.len()
        )
        .unwrap();
        for leaf in &leaves {
            write!(s, " offsetof({}, {}),", shape.c_type(), leaf.path).unwrap();
        }
        s.push('\n');
        n_info += 3 + leaves.len();
    }
    writeln!(s, "}};\nconst int m_shape_info_len = {n_info};\n").unwrap();

    // The varargs checker.
    s.push_str(
        "/* Reads one variadic argument per tag into slot k of the out buffer; returns the\n   \
         number read, or -1 on an unknown tag. Tags: i int, u unsigned, l long long,\n   \
         U unsigned long long, d double, p pointer, S<n>; struct shape n. */\n\
         int v_check(const char *tags, ...) {\n\
         \x20 va_list ap;\n  va_start(ap, tags);\n  int k = 0;\n\
         \x20 for (const char *t = tags; *t; t++, k++) {\n\
         \x20   switch (*t) {\n\
         \x20   case 'i': { int v = va_arg(ap, int); W(k, v); break; }\n\
         \x20   case 'u': { unsigned int v = va_arg(ap, unsigned int); W(k, v); break; }\n\
         \x20   case 'l': { long long v = va_arg(ap, long long); W(k, v); break; }\n\
         \x20   case 'U': { unsigned long long v = va_arg(ap, unsigned long long); W(k, v); break; }\n\
         \x20   case 'd': { double v = va_arg(ap, double); W(k, v); break; }\n\
         \x20   case 'p': { void *v = va_arg(ap, void *); W(k, v); break; }\n\
         \x20   case 'S': {\n\
         \x20     char *end;\n\
         \x20     long n = strtol(t + 1, &end, 10);\n\
         \x20     t = end;\n\
         \x20     switch (n) {\n",
    );
    for (i, shape) in m.shapes.iter().enumerate() {
        writeln!(
            s,
            "      case {i}: {{ {0} v = va_arg(ap, {0}); W(k, v); break; }}",
            shape.c_type()
        )
        .unwrap();
    }
    s.push_str(
        "      default: va_end(ap); return -1;\n\
         \x20     }\n\
         \x20     break;\n\
         \x20   }\n\
         \x20   default: va_end(ap); return -1;\n\
         \x20   }\n\
         \x20 }\n\
         \x20 va_end(ap);\n\
         \x20 return k;\n\
         }\n\n",
    );

    // Normalization: hand-written returns and calls with garbage above narrow values.
    s.push_str(
        "#if defined(__x86_64__) && defined(__ELF__)\n__asm__(\n  \".pushsection .text\\n\"\n",
    );
    let func = |s: &mut String, name: &str, body: &[String]| {
        writeln!(
            s,
            "  \".globl {name}\\n.type {name}, @function\\n{name}:\\n\"",
        )
        .unwrap();
        for line in body {
            writeln!(s, "  \"\\t{line}\\n\"").unwrap();
        }
        writeln!(s, "  \".size {name}, .-{name}\\n\"").unwrap();
    };
    for (name, scalar, image) in NARROW_RETURNS {
        let mut body = vec![format!("movabsq $0x{image:016X}, %rax")];
        if scalar.is_float() {
            body.push("movq %rax, %xmm0".into());
        }
        body.push("ret".into());
        func(&mut s, name, &body);
    }
    for (name, _, image, stack) in NARROW_ARGS {
        let body: Vec<String> = if *stack {
            // int cb(int, int, int, int, int, int, T): T is the first stack argument.
            [
                "pushq %rbp",
                "movq %rsp, %rbp",
                "subq $16, %rsp",
                "movq %rdi, %rax",
                &format!("movabsq $0x{image:016X}, %r11"),
                "movq %r11, (%rsp)",
                "movabsq $0xFFFFFFFF00000001, %rdi",
                "movl $2, %esi",
                "movl $3, %edx",
                "movl $4, %ecx",
                "movl $5, %r8d",
                "movl $6, %r9d",
                "call *%rax",
                "leave",
                "ret",
            ]
            .map(String::from)
            .to_vec()
        } else {
            // int cb(T): a tail call with the image in %rdi.
            [
                "movq %rdi, %rax",
                &format!("movabsq $0x{image:016X}, %rdi"),
                "jmp *%rax",
            ]
            .map(String::from)
            .to_vec()
        };
        func(&mut s, name, &body);
    }
    for (name, _) in NARROW_EXTENSION {
        func(
            &mut s,
            name,
            &["movl %edi, %eax".to_owned(), "ret".to_owned()],
        );
    }
    s.push_str("  \".popsection\\n\"\n);\n#endif\n");
    s
}
