//! The IR both front-ends produce and the emitter reads: plain data describing C declarations.
//!
//! The `#[ffm::foreign]` macro builds it from Rust syntax, the libclang front-end from headers;
//! [`emit`](crate::emit) turns it into Rust items. Everything a difference between the two
//! front-ends could affect lives here, so that a header and the equivalent `#[foreign]` block
//! produce *equal* IR (compared with `==`, which ignores [`Origin`]s) and identical code.
//!
//! Layouts ([`RecordLayout`]) are computed by the front-end: clang's own numbers for headers,
//! C's rules applied to the field types by the macro ([`compute_layouts`](crate::layout::compute_layouts))
//! where it can resolve every field type, `None` where it cannot. The emitted code always
//! computes the layout again at compile time from the field types and asserts rustc agrees; a
//! known layout adds assertions of the front-end's numbers.

use std::fmt;

#[cfg(feature = "serde")]
use serde::Serialize;

/// What one header, or one `#[foreign]` item or module, declares.
#[derive(Debug, Clone, PartialEq, Default)]
#[cfg_attr(feature = "serde", derive(Serialize))]
pub struct Unit {
    /// The declarations, in source order.
    pub items: Vec<Item>,
}

/// Where a declaration came from: a header position, or a span in Rust source.
///
/// Two origins always compare equal: where an item was declared is not part of what it is.
#[derive(Debug, Clone, Default, Eq)]
#[cfg_attr(feature = "serde", derive(Serialize))]
pub struct Origin {
    /// The file (a header path, or the Rust source file when known).
    pub file: String,
    /// 1-based line, 0 when unknown.
    pub line: u32,
    /// 1-based column, 0 when unknown.
    pub column: u32,
}

impl PartialEq for Origin {
    fn eq(&self, _other: &Self) -> bool {
        true
    }
}

impl fmt::Display for Origin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}:{}", self.file, self.line, self.column)
    }
}

/// One declaration.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(Serialize))]
pub struct Item {
    /// The Rust name of the item (C names that are Rust keywords are escaped by the emitter).
    pub name: String,
    /// Where it was declared.
    pub origin: Origin,
    /// Documentation, one entry per paragraph line, without comment markers.
    pub docs: Vec<String>,
    /// What it is.
    pub kind: ItemKind,
}

/// The kinds of declaration.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(Serialize))]
#[non_exhaustive]
pub enum ItemKind {
    /// A struct or union.
    Record(Record),
    /// An enum: a newtype over an integer with named constants.
    Enum(Enum),
    /// A type alias.
    Typedef(Type),
    /// A named function-pointer type (a callback): a newtype with an upcall constructor.
    FnPointer(Signature),
    /// A constant (from a `#define`, an enum-like constant, or a Rust `const`).
    Constant(Constant),
    /// Functions and globals bound from a library.
    Extern(ExternBlock),
    /// A type known only by size and alignment (or not at all: an incomplete type).
    Opaque(Opaque),
}

/// A C type.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(Serialize))]
pub enum Type {
    /// `void` (as a return type, or behind a pointer).
    Void,
    /// A scalar.
    Prim(Prim),
    /// A pointer.
    Pointer {
        /// What it points to.
        pointee: Box<Type>,
        /// Whether the pointee is writable (`T *`) rather than `const T *`.
        mutable: bool,
    },
    /// A fixed-size array (a struct field; arrays as parameters are pointers).
    Array {
        /// The element type.
        element: Box<Type>,
        /// The number of elements.
        len: usize,
    },
    /// A record, enum, typedef, callback or opaque type declared elsewhere, by Rust name.
    Named(String),
    /// An anonymous, nullable function pointer.
    FnPointer(Box<Signature>),
}

/// The scalar types, by their C name (or, for Rust input written with fixed-width types, the
/// Rust name).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(Serialize))]
pub enum Prim {
    /// `_Bool` / `bool`
    Bool,
    /// `char` (`c_char`)
    Char,
    /// `signed char`
    SChar,
    /// `unsigned char`
    UChar,
    /// `short`
    Short,
    /// `unsigned short`
    UShort,
    /// `int`
    Int,
    /// `unsigned int`
    UInt,
    /// `long`
    Long,
    /// `unsigned long`
    ULong,
    /// `long long`
    LongLong,
    /// `unsigned long long`
    ULongLong,
    /// `float` / `f32`
    F32,
    /// `double` / `f64`
    F64,
    /// `int8_t` / `i8`
    I8,
    /// `uint8_t` / `u8`
    U8,
    /// `int16_t` / `i16`
    I16,
    /// `uint16_t` / `u16`
    U16,
    /// `int32_t` / `i32`
    I32,
    /// `uint32_t` / `u32`
    U32,
    /// `int64_t` / `i64`
    I64,
    /// `uint64_t` / `u64`
    U64,
    /// `ssize_t`, `ptrdiff_t`, `intptr_t` / `isize`
    Isize,
    /// `size_t`, `uintptr_t` / `usize`
    Usize,
}

impl Prim {
    /// Size in bytes on LP64 targets (x86-64 and AArch64 Linux and macOS).
    pub fn size(self) -> usize {
        match self {
            Prim::Bool | Prim::Char | Prim::SChar | Prim::UChar | Prim::I8 | Prim::U8 => 1,
            Prim::Short | Prim::UShort | Prim::I16 | Prim::U16 => 2,
            Prim::Int | Prim::UInt | Prim::F32 | Prim::I32 | Prim::U32 => 4,
            Prim::Long
            | Prim::ULong
            | Prim::LongLong
            | Prim::ULongLong
            | Prim::F64
            | Prim::I64
            | Prim::U64
            | Prim::Isize
            | Prim::Usize => 8,
        }
    }

    /// The Rust type name (the `core::ffi` alias for C names).
    pub fn rust_name(self) -> &'static str {
        match self {
            Prim::Bool => "bool",
            Prim::Char => "c_char",
            Prim::SChar => "c_schar",
            Prim::UChar => "c_uchar",
            Prim::Short => "c_short",
            Prim::UShort => "c_ushort",
            Prim::Int => "c_int",
            Prim::UInt => "c_uint",
            Prim::Long => "c_long",
            Prim::ULong => "c_ulong",
            Prim::LongLong => "c_longlong",
            Prim::ULongLong => "c_ulonglong",
            Prim::F32 => "f32",
            Prim::F64 => "f64",
            Prim::I8 => "i8",
            Prim::U8 => "u8",
            Prim::I16 => "i16",
            Prim::U16 => "u16",
            Prim::I32 => "i32",
            Prim::U32 => "u32",
            Prim::I64 => "i64",
            Prim::U64 => "u64",
            Prim::Isize => "isize",
            Prim::Usize => "usize",
        }
    }

    /// Whether the name is a `core::ffi` alias (`c_int`, …) rather than a Rust primitive.
    pub fn is_c_alias(self) -> bool {
        self.rust_name().starts_with("c_")
    }

    /// Whether it is a signed integer.
    pub fn is_signed(self) -> bool {
        matches!(
            self,
            Prim::Char
                | Prim::SChar
                | Prim::Short
                | Prim::Int
                | Prim::Long
                | Prim::LongLong
                | Prim::I8
                | Prim::I16
                | Prim::I32
                | Prim::I64
                | Prim::Isize
        )
    }

    /// Whether it is `f32` or `f64`.
    pub fn is_float(self) -> bool {
        matches!(self, Prim::F32 | Prim::F64)
    }

    /// The scalar for a Rust type name (`i32`, `c_int`, `core::ffi::c_int` last segment …).
    pub fn from_rust_name(name: &str) -> Option<Prim> {
        const ALL: [Prim; 24] = [
            Prim::Bool,
            Prim::Char,
            Prim::SChar,
            Prim::UChar,
            Prim::Short,
            Prim::UShort,
            Prim::Int,
            Prim::UInt,
            Prim::Long,
            Prim::ULong,
            Prim::LongLong,
            Prim::ULongLong,
            Prim::F32,
            Prim::F64,
            Prim::I8,
            Prim::U8,
            Prim::I16,
            Prim::U16,
            Prim::I32,
            Prim::U32,
            Prim::I64,
            Prim::U64,
            Prim::Isize,
            Prim::Usize,
        ];
        match name {
            "c_float" => Some(Prim::F32),
            "c_double" => Some(Prim::F64),
            _ => ALL.into_iter().find(|p| p.rust_name() == name),
        }
    }
}

/// A function signature (of a function or a function pointer).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(Serialize))]
pub struct Signature {
    /// The parameters, in order.
    pub params: Vec<Param>,
    /// The return type ([`Type::Void`] for none).
    pub ret: Type,
    /// Whether it ends with `...`.
    pub variadic: bool,
}

/// A parameter.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(Serialize))]
pub struct Param {
    /// The parameter's name (generated, `arg0` …, when the declaration has none).
    pub name: String,
    /// Its type.
    pub ty: Type,
}

/// A struct or union.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(Serialize))]
pub struct Record {
    /// Struct or union.
    pub kind: RecordKind,
    /// The fields, in order.
    pub fields: Vec<Field>,
    /// `#pragma pack(n)` / `__attribute__((packed))` (1): the maximum field alignment.
    pub pack: Option<usize>,
    /// An explicit alignment (`__attribute__((aligned(n)))`, `#[repr(align(n))]`).
    pub align: Option<usize>,
    /// The layout, when the front-end knows it.
    pub layout: Option<RecordLayout>,
    /// Attributes to carry over verbatim (from Rust input: derives and the like), as source.
    pub attrs: Vec<String>,
}

/// Struct or union.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(Serialize))]
pub enum RecordKind {
    /// Fields one after the other.
    Struct,
    /// Fields overlapping.
    Union,
}

/// A field.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(Serialize))]
pub struct Field {
    /// Its name.
    pub name: String,
    /// Its type.
    pub ty: Type,
    /// Documentation.
    pub docs: Vec<String>,
    /// For a storage field that holds C bitfields: the bitfields, with accessors.
    pub bitfields: Vec<Bitfield>,
    /// Whether the field is private padding or storage (not a C member by itself).
    pub hidden: bool,
    /// Whether the field is an anonymous struct or union member, whose own members are
    /// reachable from this record (C11 anonymous members).
    pub anonymous: bool,
}

/// A C bitfield, stored in the bytes of a hidden storage field.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(Serialize))]
pub struct Bitfield {
    /// Its name.
    pub name: String,
    /// The declared type (an integer or `_Bool`).
    pub ty: Prim,
    /// First bit, counted from the start of the storage field.
    pub bit_offset: usize,
    /// Width in bits.
    pub width: usize,
    /// Documentation.
    pub docs: Vec<String>,
}

/// Size, alignment and field offsets, as a front-end computed them.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(Serialize))]
pub struct RecordLayout {
    /// Size in bytes.
    pub size: usize,
    /// Alignment in bytes.
    pub align: usize,
    /// Byte offset of each field, in order.
    pub offsets: Vec<usize>,
}

/// An enum.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(Serialize))]
pub struct Enum {
    /// The integer type that carries it.
    pub repr: Prim,
    /// The named values.
    pub variants: Vec<Variant>,
}

/// A named enum value.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(Serialize))]
pub struct Variant {
    /// Its name.
    pub name: String,
    /// Its value.
    pub value: i128,
    /// Documentation.
    pub docs: Vec<String>,
}

/// A constant.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(Serialize))]
pub struct Constant {
    /// Its type.
    pub ty: Type,
    /// Its value.
    pub value: ConstValue,
}

/// The value of a constant.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(Serialize))]
pub enum ConstValue {
    /// An integer (of the constant's integer type).
    Int(i128),
    /// A floating-point number.
    Float(f64),
    /// A C string (bytes without the terminator).
    Str(Vec<u8>),
    /// A pointer with this address (`((void*)0)`, `((sqlite3_destructor_type)-1)`).
    Address(i128),
}

/// Functions and globals bound from one set of libraries.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(Serialize))]
pub struct ExternBlock {
    /// How the symbols are found.
    pub binding: Binding,
    /// The functions.
    pub functions: Vec<Function>,
    /// The global variables.
    pub globals: Vec<Global>,
}

/// How a block's symbols are found.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(Serialize))]
pub enum Binding {
    /// Looked up at run time on first use: in these libraries, or in the default lookup
    /// (libc, libm, the process) when the list is empty.
    Runtime(Vec<LibraryRef>),
    /// Linked at build time (`#[link(name = …)]`).
    Link(String),
}

/// A library to search at run time.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(Serialize))]
pub enum LibraryRef {
    /// A short name (`"z"`), file name (`"libz.so.1"`) or path.
    Name(String),
    /// A Rust path to a `&str` constant holding one of those (`ffm_tests::TESTLIB`), resolved
    /// where the bindings are emitted.
    Const(String),
}

impl LibraryRef {
    /// The text naming the library: the name, or the constant's path.
    pub fn text(&self) -> &str {
        match self {
            LibraryRef::Name(s) | LibraryRef::Const(s) => s,
        }
    }
}

/// A function.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(Serialize))]
pub struct Function {
    /// The Rust name.
    pub name: String,
    /// The symbol to bind (differs from the name for asm-label renames such as
    /// `__isoc99_fscanf`).
    pub symbol: String,
    /// Where it was declared.
    pub origin: Origin,
    /// Documentation.
    pub docs: Vec<String>,
    /// The signature.
    pub sig: Signature,
    /// Whether the Rust wrapper is safe to call (`safe fn` in Rust input).
    pub safe: bool,
}

/// A global variable.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(Serialize))]
pub struct Global {
    /// The Rust name.
    pub name: String,
    /// The symbol to bind.
    pub symbol: String,
    /// Where it was declared.
    pub origin: Origin,
    /// Documentation.
    pub docs: Vec<String>,
    /// Its type.
    pub ty: Type,
    /// Whether C declares it `const`.
    pub constant: bool,
}

/// A type known only by size and alignment, or an incomplete type (`None`): usable behind
/// pointers.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(Serialize))]
pub struct Opaque {
    /// Size and alignment, when known.
    pub size_align: Option<(usize, usize)>,
    /// Why the type is opaque (for the generated docs), if it is not simply incomplete.
    pub reason: Option<String>,
}

impl Binding {
    /// The default name of the `static` that holds a block's libraries: `LIBRARY_Z` for
    /// `"z"`, `LIBRARY_LIBFOO_SO_1` for `"libfoo.so.1"`, `DEFAULT_LIBRARIES` for the default
    /// lookup. Both front-ends use it, so equal declarations get equal names.
    pub fn default_handle_name(&self) -> String {
        let libs: Vec<String> = match self {
            Binding::Runtime(libs) => libs
                .iter()
                .map(|l| match l {
                    LibraryRef::Name(n) => n.clone(),
                    LibraryRef::Const(p) => p.rsplit("::").next().unwrap_or(p).to_owned(),
                })
                .collect(),
            Binding::Link(lib) => vec![lib.clone()],
        };
        if libs.is_empty() {
            return "DEFAULT_LIBRARIES".into();
        }
        let stem: Vec<String> = libs
            .iter()
            .map(|l| {
                let file = l.rsplit('/').next().unwrap_or(l);
                file.chars()
                    .map(|c| {
                        if c.is_ascii_alphanumeric() {
                            c.to_ascii_uppercase()
                        } else {
                            '_'
                        }
                    })
                    .collect()
            })
            .collect();
        format!("LIBRARY_{}", stem.join("_"))
    }
}
