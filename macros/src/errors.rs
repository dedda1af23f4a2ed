//! Every error `#[foreign]` reports, in one place, and the collector that gathers them.
//!
//! Each error is a [`Msg`] reported on the exact span of the offending tokens; the front-end
//! keeps going after an error so that all the errors of one item come out together (one
//! `syn::Error`, [`combine`](syn::Error::combine)d).

use std::fmt;

use proc_macro2::Span;
use quote::ToTokens;

/// The catalogue of messages.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Msg {
    // ---- attribute arguments ----
    /// `#[foreign(foo = 1)]`.
    UnknownArg(String),
    /// `library = 5`.
    ArgValue {
        key: &'static str,
        expected: &'static str,
    },
    /// `library` and `link` in one attribute.
    LibraryAndLink,
    /// `name = A, name = B`.
    DuplicateArg(String),
    /// `library = ""`.
    EmptyLibrary,
    /// `link = "/usr/lib/libz.so"`.
    LinkPath,
    /// `library` on a struct.
    ArgNotForItem(&'static str),
    /// `crate` on an extern block inside a `#[foreign]` module.
    CrateInner,

    // ---- items ----
    /// A trait, impl, use, macro … where a C declaration is expected.
    UnsupportedItem(&'static str),
    /// `fn f() {}`.
    FnWithBody,
    /// `mod m;`.
    ModWithoutBody,
    /// `extern "C" {}` without `unsafe`.
    NotUnsafeExtern,
    /// `extern "Rust"`, `extern "system"`, ….
    NonCAbi(String),
    /// `unsafe fn(i32)` (Rust ABI) as a callback type.
    RustAbiFnPointer,
    /// `<T>`, `<'a>`, `for<'a>`.
    Generics,
    /// `const fn` / `async fn` in an extern block.
    Qualifier(&'static str),
    /// `fn f(self)`.
    Receiver,
    /// `fn f((a, b): (i32, i32))`, `fn f(mut x: i32)`.
    Pattern,
    /// `static X: c_int = 1;` in an extern block.
    StaticInit,
    /// An attribute the front-end does not carry over.
    UnknownAttr(&'static str),
    /// `#[doc = include_str!(…)]`.
    DocNotLiteral,
    /// `#[link_name]` without a string.
    LinkNameValue,
    /// `fn f(...)`.
    VariadicWithoutFixed,
    /// A variadic function with more fixed parameters than the runtime supports.
    VariadicTooManyFixed,
    /// The same name twice in one unit.
    Duplicate(String),
    /// The same field, variant or parameter name twice.
    DuplicateMember(String),
    /// `mod inner {}` inside a `#[foreign]` module.
    NestedModule,

    // ---- structs and unions ----
    /// A struct or union without `#[repr(C)]`.
    NotReprC(&'static str),
    /// `#[repr(transparent)]`, `#[repr(u8)]` on a struct, ….
    BadRepr(String),
    /// `#[repr(align(3))]`.
    ReprValue,
    /// `struct P(i32, i32);`.
    TupleStruct,
    /// `struct P;`.
    UnitStruct,

    // ---- enums ----
    /// `enum E { A(i32) }`.
    EnumWithData(String),
    /// An enum without `#[repr(C)]` or an integer repr.
    EnumRepr,
    /// `#[repr(f32)]`, `#[repr(C, u8)]` ….
    EnumReprType(String),
    /// `A = "x"`, `A = f(1)`.
    Discriminant,
    /// A value that does not fit its type.
    OutOfRange { value: i128, ty: String },
    /// A name in a constant expression that is not an earlier variant or constant.
    UnknownName(String),

    // ---- types ----
    /// `&T`.
    Reference,
    /// `[T]`.
    Slice,
    /// `(A, B)`.
    Tuple,
    /// `impl Trait`.
    ImplTrait,
    /// `dyn Trait`.
    Dyn,
    /// `unsafe extern "C" fn(..)` not wrapped in `Option`.
    BareFn,
    /// `String`, `char`, `i128` ….
    RustType { name: String, hint: &'static str },
    /// `c_void` by value.
    VoidByValue,
    /// `[T; N]` as a parameter or return type.
    ArrayByValue,
    /// `[T; N]` where N is not a literal.
    ArrayLen,
    /// `a::Point` (a path to a non-scalar type).
    PathType(String),
    /// `Foo<T>`.
    GenericType,
    /// `-> !`.
    Never,
    /// Anything else: macros in type position, `_`, qualified paths.
    UnsupportedType,
    /// `const X: Point = …`.
    ConstType,
    /// `const X: &str = "…"`.
    ConstStrType,
    /// `const X: c_int = foo();`.
    ConstValue,
    /// `const S: &CStr = "a\0b";`.
    NulInString,
}

impl Msg {
    /// The message and an optional hint.
    fn parts(&self) -> (String, Option<&'static str>) {
        use Msg::*;
        match self {
            UnknownArg(key) => (
                format!("unknown #[foreign] argument `{key}`"),
                Some(
                    "the arguments are `library = \"z\"` (repeatable; a string or a path to a `&str` constant), `link = \"z\"`, `name = IDENT` and `crate = path`",
                ),
            ),
            ArgValue { key, expected } => (format!("`{key}` expects {expected}"), None),
            LibraryAndLink => (
                "`library` and `link` cannot be combined".into(),
                Some(
                    "`library` loads the library on first use, `link` links it at build time: choose one",
                ),
            ),
            DuplicateArg(key) => (format!("`{key}` is given more than once"), None),
            EmptyLibrary => (
                "empty library name".into(),
                Some(
                    "name a library (`\"z\"` finds libz.so) or give a path; leave `library` out for the default lookup (libc, libm, the process)",
                ),
            ),
            LinkPath => (
                "`link` takes a library name, not a path".into(),
                Some(
                    "`link = \"z\"` links libz; to load a file by its path, use `library = \"/path/to/libz.so\"`",
                ),
            ),
            ArgNotForItem(key) => (
                format!(
                    "`{key}` only applies to extern blocks (or a #[foreign] module containing them)"
                ),
                None,
            ),
            CrateInner => (
                "`crate` applies to the whole #[foreign] module".into(),
                Some("give it on the module's attribute"),
            ),

            UnsupportedItem(what) => (
                format!("{what} cannot be #[foreign]"),
                Some(
                    "#[foreign] takes `unsafe extern \"C\"` blocks, #[repr(C)] structs and unions, C-like enums, type aliases, constants, or a module of them",
                ),
            ),
            FnWithBody => (
                "a function with a body cannot be #[foreign]".into(),
                Some(
                    "declare C functions in `unsafe extern \"C\" { … }`; for a Rust function that C calls, declare a callback type (`type Cb = unsafe extern \"C\" fn(..);`) and make one with `Cb::new(arena, closure)`",
                ),
            ),
            ModWithoutBody => (
                "a #[foreign] module must have its items inline".into(),
                Some("write `mod name { … }`"),
            ),
            NotUnsafeExtern => (
                "extern blocks must be `unsafe extern \"C\"`".into(),
                Some(
                    "declaring foreign functions is a promise that their signatures are right: write `unsafe extern \"C\" { … }`",
                ),
            ),
            NonCAbi(abi) => (
                format!("`extern \"{abi}\"` is not supported"),
                Some("#[foreign] binds C functions: write `extern \"C\"`"),
            ),
            RustAbiFnPointer => (
                "a Rust-ABI function pointer cannot be called by C".into(),
                Some("write `unsafe extern \"C\" fn(..)`"),
            ),
            Generics => (
                "generic parameters are not supported".into(),
                Some("C declarations are not generic: write concrete types"),
            ),
            Qualifier(q) => (format!("a foreign function cannot be `{q}`"), None),
            Receiver => (
                "C functions have no `self` parameter".into(),
                Some("declare the receiver as an ordinary parameter, such as `this: *mut T`"),
            ),
            Pattern => (
                "patterns are not allowed in parameters".into(),
                Some("name the parameter (`x: c_int`) or write `_: c_int`"),
            ),
            StaticInit => (
                "an extern static cannot have a value".into(),
                Some("C defines it: write `static NAME: T;`"),
            ),
            UnknownAttr(place) => (
                format!("this attribute is not supported on {place}"),
                Some(
                    "#[foreign] keeps doc comments here, and `#[link_name = \"symbol\"]` on functions and statics",
                ),
            ),
            DocNotLiteral => (
                "#[foreign] needs doc attributes to be string literals".into(),
                None,
            ),
            LinkNameValue => (
                "`link_name` expects a string: `#[link_name = \"symbol\"]`".into(),
                None,
            ),
            VariadicWithoutFixed => (
                "a variadic function needs at least one fixed parameter".into(),
                Some("C's `va_start` needs it: `fn printf(format: *const c_char, ...)`"),
            ),
            VariadicTooManyFixed => (
                "a variadic function can have at most 6 fixed parameters".into(),
                None,
            ),
            Duplicate(name) => (
                format!("`{name}` is declared more than once"),
                Some("rename one (`#[link_name = \"symbol\"]` keeps a function's C name)"),
            ),
            DuplicateMember(name) => (format!("`{name}` is declared more than once"), None),
            NestedModule => (
                "a #[foreign] module cannot contain modules".into(),
                Some("declare the inner module on its own, with its own #[foreign] attribute"),
            ),

            NotReprC(kind) => (
                format!("a #[foreign] {kind} must be `#[repr(C)]`"),
                Some("only #[repr(C)] types have C's layout: add `#[repr(C)]`"),
            ),
            BadRepr(what) => (
                format!("`repr({what})` is not supported by #[foreign]"),
                Some(
                    "structs and unions take `repr(C)`, with `packed`, `packed(N)` or `align(N)`; enums take `repr(C)` or an integer type",
                ),
            ),
            ReprValue => ("expected a power of two (an integer literal)".into(), None),
            TupleStruct => (
                "tuple structs are not C structs".into(),
                Some("name the fields: `struct Point { x: c_int, y: c_int }`"),
            ),
            UnitStruct => (
                "a #[foreign] struct needs fields".into(),
                Some(
                    "for a type used only behind pointers, declare `type Name;` in an `unsafe extern \"C\"` block",
                ),
            ),

            EnumWithData(variant) => (
                format!("C enums have no data, but `{variant}` has fields"),
                Some(
                    "a #[foreign] enum has unit variants with integer values; for a tagged union, declare a #[repr(C)] union and a struct",
                ),
            ),
            EnumRepr => (
                "a #[foreign] enum needs `#[repr(C)]` or an integer repr such as `#[repr(u32)]`"
                    .into(),
                None,
            ),
            EnumReprType(ty) => (
                format!("`repr({ty})` is not an integer repr"),
                Some(
                    "use `repr(C)` (C's `unsigned int`, or `int` with negative values) or `repr(i8)` … `repr(u64)`",
                ),
            ),
            Discriminant => (
                "expected an integer constant expression".into(),
                Some(
                    "#[foreign] evaluates integer literals, parentheses, the operators `- + * / % << >> & | ^` and the names of earlier variants or constants",
                ),
            ),
            OutOfRange { value, ty } => (format!("{value} does not fit in `{ty}`"), None),
            UnknownName(name) => (
                format!("`{name}` is not an earlier variant or constant of this #[foreign] item"),
                None,
            ),

            Reference => (
                "references are not C types".into(),
                Some(
                    "use a raw pointer (`*const T` or `*mut T`); the generated wrapper takes `impl Addressable` for pointer parameters, so references, segments and addresses can be passed",
                ),
            ),
            Slice => (
                "slices have no C layout".into(),
                Some("pass a pointer and a length: `ptr: *const T, len: usize`"),
            ),
            Tuple => (
                "tuples have no C layout".into(),
                Some("declare a #[repr(C)] struct"),
            ),
            ImplTrait => (
                "`impl Trait` is not a C type".into(),
                Some(
                    "declare the C type (such as `*const c_char`); the generated wrapper already takes `impl Addressable` for pointer parameters",
                ),
            ),
            Dyn => (
                "trait objects have no C layout".into(),
                Some("pass a `*mut c_void` context pointer, or use a callback type"),
            ),
            BareFn => (
                "C function pointers are nullable, Rust function pointers are not".into(),
                Some(
                    "use `Option<unsafe extern \"C\" fn(..)>`, or a #[foreign] callback type (`type Cb = unsafe extern \"C\" fn(..);`)",
                ),
            ),
            RustType { name, hint } => (format!("`{name}` has no C layout"), Some(hint)),
            VoidByValue => (
                "`c_void` is only a C type behind a pointer".into(),
                Some(
                    "write `*mut c_void` for an untyped pointer; a function that returns nothing has no `->`",
                ),
            ),
            ArrayByValue => (
                "C does not pass or return arrays by value".into(),
                Some("pass a pointer to the first element: `*const T`"),
            ),
            ArrayLen => (
                "array lengths must be integer literals".into(),
                Some("write the number: `[c_char; 16]`"),
            ),
            PathType(path) => (
                format!("`{path}`: a named type must be a single identifier"),
                Some(
                    "import it with `use` and write its name; paths are only for C scalars such as `core::ffi::c_int`",
                ),
            ),
            GenericType => (
                "generic types are not C types".into(),
                Some("write a concrete C type"),
            ),
            Never => (
                "`!` is not a C return type".into(),
                Some("declare the function without a return type"),
            ),
            UnsupportedType => ("this type is not supported by #[foreign]".into(), None),
            ConstType => (
                "a #[foreign] constant must have a C scalar type or `&CStr`".into(),
                None,
            ),
            ConstStrType => (
                "`&str` is not a C string".into(),
                Some("write `const NAME: &CStr = c\"…\";`"),
            ),
            ConstValue => (
                "expected an integer, float or string literal".into(),
                Some(
                    "integer constants may also be expressions of literals and earlier constants: `1 << 4`",
                ),
            ),
            NulInString => ("a C string constant cannot contain NUL".into(), None),
        }
    }
}

impl fmt::Display for Msg {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (msg, hint) = self.parts();
        match hint {
            Some(h) => write!(f, "{msg}\nhelp: {h}"),
            None => f.write_str(&msg),
        }
    }
}

/// Errors gathered while one item is checked.
#[derive(Default)]
pub(crate) struct Errors(Option<syn::Error>);

impl Errors {
    /// Reports `msg` on the span of `tokens` (from their first to their last token).
    pub(crate) fn push(&mut self, tokens: impl ToTokens, msg: Msg) {
        self.add(syn::Error::new_spanned(tokens, msg));
    }

    /// Adds an error (a syntax error, or errors gathered elsewhere).
    pub(crate) fn add(&mut self, error: syn::Error) {
        match &mut self.0 {
            Some(e) => e.combine(error),
            None => self.0 = Some(error),
        }
    }

    /// The errors reported (after at least one was).
    pub(crate) fn into_error(self) -> syn::Error {
        self.0
            .unwrap_or_else(|| syn::Error::new(Span::call_site(), "ffm internal error"))
    }

    /// `Ok(())` if nothing was reported, else every error.
    pub(crate) fn finish(self) -> syn::Result<()> {
        match self.0 {
            Some(e) => Err(e),
            None => Ok(()),
        }
    }
}
