//! # ffm-macros
//!
//! `#[foreign]`, re-exported as [`ffm::foreign`](https://docs.rs/ffm): typed bindings to C
//! from Rust declarations.
//!
//! The macro is a thin front-end: it reads the declarations with syn, checks them, builds the
//! IR that the header extractor also builds ([`ffm_extract::ir`]), and hands it to the shared
//! emitter ([`ffm_extract::emit`]). A header and the equivalent `#[foreign]` declarations
//! therefore expand to the same code. Everything this crate adds is in the front-end:
//!
//! - `attrs`: the attribute's arguments;
//! - `lower` and `types`: Rust items and types → IR, with every check;
//! - `errors`: the catalogue of error messages, and the collector that reports all errors of
//!   an item at once, each on its exact span;
//! - `expand`: the pipeline (and the one post-processing step, for `library = path`).
//!
//! It depends on `ffm-extract` without default features, so it never needs libclang.
#![warn(missing_docs)]

mod attrs;
mod errors;
mod expand;
mod lower;
mod types;

#[cfg(test)]
mod tests;

use proc_macro::TokenStream;

/// Typed bindings to C from Rust declarations: functions, globals, structs, unions, enums,
/// callback types, typedefs and constants.
///
/// # Extern blocks
///
/// ```
/// use std::ffi::{c_char, c_int};
///
/// #[ffm::foreign] // the default lookup: the process, libc, libm
/// unsafe extern "C" {
///     /// The length of a C string.
///     safe fn strlen(s: *const c_char) -> usize;
///     fn abs(x: c_int) -> c_int;
///     fn snprintf(buf: *mut c_char, size: usize, format: *const c_char, ...) -> c_int;
/// }
///
/// fn main() {
///     assert_eq!(strlen(c"four"), 4);
///     // SAFETY: abs has no preconditions.
///     let a = unsafe { abs(-3) };
///     assert_eq!(a, 3);
///
///     let mut buf = [0u8; 16];
///     let buf = ffm::Segment::of_mut_slice(&mut buf);
///     // SAFETY: the buffer holds 16 bytes, the format takes one int.
///     let n = unsafe { snprintf(&mut *buf, 16, c"%d!", (42,)) };
///     assert_eq!((n, buf.get_str(0).unwrap()), (3, "42!"));
///
///     DEFAULT_LIBRARIES.check().unwrap(); // every symbol resolves
///     assert_eq!(strlen::DESCRIPTOR.argument_layouts().len(), 1);
///     assert!(!strlen::address().unwrap().is_null());
/// }
/// ```
///
/// Every function becomes a wrapper with its C name that binds the symbol on first use (once,
/// thread-safe) and calls through a typed function pointer: after the first call, a call costs
/// one atomic load more than a direct call. `safe fn` items get safe wrappers, the others stay
/// `unsafe`. Pointer parameters take `impl Addressable` (segments, addresses, raw pointers,
/// `&CStr`, upcall stubs). A variadic function takes its variadic arguments as a tuple:
/// `printf(c"%d %s\n", (5, c"five"))`, promoted as C promotes them. Each function also has a
/// module of the same name with its `DESCRIPTOR` and `address()`.
///
/// A missing library or symbol is an error at first use that names it (the wrapper panics;
/// `name::address()` returns the error). To check eagerly, call `check()` on the block's
/// library handle, a `static` named by `name = IDENT` or by default after the libraries
/// (`LIBRARY_Z` for `"z"`, `DEFAULT_LIBRARIES` for the default lookup). Two blocks in one scope
/// need different handle names.
///
/// Extern `static`s become modules with `address()`, `get()`, `set()` (not for a non-`mut`
/// static) and `segment()`. `#[link_name = "symbol"]` binds a function or static under another
/// symbol. `type Name;` in a block declares an opaque (incomplete) type for use behind
/// pointers.
///
/// ## Arguments
///
/// - `library = "z"`: the library to load on first use (`"z"` finds `libz.so`, or its
///   versioned soname); a string with a `/` is a path. Repeat it to search several libraries in
///   order. Instead of a string, a path to a `&'static str` constant (`library =
///   my_crate::LIB_PATH`) names the library with a value computed elsewhere, such as a path
///   from `env!`. Without `library`, the default lookup (the process, libc, libm).
/// - `link = "z"`: link the library at build time instead: an ordinary `#[link]` extern block
///   with the same wrappers. Cannot be combined with `library`.
/// - `name = IDENT`: the name of the library handle.
/// - `crate = path`: the path of the `ffm` crate in generated code (default `::ffm`). Give an
///   absolute path (`::name` or `crate::…`): generated code uses it inside modules too.
///
/// # Structs and unions
///
/// ```
/// use std::ffi::c_int;
/// use ffm::{Arena, I32};
///
/// #[ffm::foreign]
/// #[repr(C)]
/// #[derive(PartialEq)]
/// struct Point {
///     x: c_int,
///     y: c_int,
/// }
///
/// let arena = Arena::new();
/// let p = Point::allocate(&arena).unwrap();
/// Point::set_y(p, 7);
/// assert_eq!(p.get(I32, Point::OFFSET_Y), 7);
/// assert_eq!(Point::read(p).unwrap(), Point { x: 0, y: 7 });
/// assert_eq!(Point::LAYOUT.byte_size(), 8);
/// ```
///
/// A struct or union must be `#[repr(C)]` (with `packed`, `packed(N)` or `align(N)` if need
/// be). It gains its `LAYOUT`, an `OFFSET_<FIELD>` per field, segment getters and setters
/// (aggregates as sub-segments), `allocate`, `allocate_array`, `read` and `write`, and
/// compile-time assertions that rustc's layout is C's. The emitter derives `Clone`, `Copy` and
/// (for structs) `Debug`; other derives and attributes are kept.
///
/// # Enums, callback types, typedefs and constants
///
/// ```
/// use std::ffi::{c_int, c_void};
/// use ffm::Arena;
///
/// #[ffm::foreign]
/// mod c {
///     use std::ffi::{c_int, c_void};
///
///     #[repr(C)]
///     pub enum Color { Red, Green = 4, Blue } // Blue is 5, as in C
///
///     pub type Compare = unsafe extern "C" fn(*const c_void, *const c_void) -> c_int;
///     pub type size_t = usize;
///     pub const LIMIT: c_int = 1 << 4;
///
///     unsafe extern "C" {
///         pub fn qsort(base: *mut c_void, n: size_t, size: size_t, compare: Compare);
///     }
/// }
///
/// assert_eq!(c::Color::Blue.0, 5);
/// assert_eq!(c::LIMIT, 16);
///
/// let arena = Arena::new();
/// let cmp = c::Compare::new(&arena, |a: *const c_void, b: *const c_void| {
///     // SAFETY: qsort passes pointers to two elements of the array.
///     let (a, b) = unsafe { (*a.cast::<c_int>(), *b.cast::<c_int>()) };
///     a.cmp(&b) as c_int
/// })
/// .unwrap();
/// let mut v: [c_int; 4] = [3, 1, 4, 2];
/// // SAFETY: four ints of 4 bytes, a comparator of ints.
/// unsafe { c::qsort(v.as_mut_ptr(), 4, 4, cmp) };
/// assert_eq!(v, [1, 2, 3, 4]);
/// ```
///
/// - A C-like enum (`#[repr(C)]` or an integer repr; discriminants are integer constant
///   expressions over literals and earlier variants, and implicit ones count up as in C) becomes
///   a newtype over its integer with a constant per variant, so any value C returns is valid.
///   `repr(C)` is C's `unsigned int`, or `int` if a value is negative.
/// - `type Name = unsafe extern "C" fn(..) -> R;` (or `Option<…>`) declares a callback type: a
///   nullable function-pointer newtype with `new(arena, closure)` (an upcall stub that lives as
///   long as the arena), `invoke` and `from_address`.
/// - Any other `type Name = T;` is a typedef; `const NAME: T = …;` a constant (an integer
///   constant expression, a float literal, or a C string for `&CStr`).
///
/// # Modules
///
/// On `mod name { … }`, all the items inside form one unit: struct layouts that use each other
/// are computed together, and the arguments of the attribute apply to every extern block in it
/// (an extern block may carry its own `#[foreign(library = …)]`). Blocks with the same
/// libraries share one handle. `use` items are kept; the module keeps its name, visibility
/// and attributes.
///
/// # Types
///
/// C scalars by the last segment of their path (`c_int`, `core::ffi::c_int`,
/// `std::os::raw::c_int`, `libc::c_int`) or as fixed-width Rust types (`i32`, `u8`, `usize`,
/// `f64`, `bool`); `*const T` / `*mut T`; `c_void` behind a pointer; `[T; N]` with a literal `N`
/// in fields and statics; `Option<unsafe extern "C" fn(..) -> R>`; and any other type by a single
/// name (a struct, enum, callback type or typedef declared elsewhere, in scope).
///
/// # Errors
///
/// Anything that is not C is a compile error on its exact span, with a hint: generics,
/// `impl Trait`, references, slices, tuples, `String`, `dyn`, a non-`Option` function pointer
/// (C's are nullable), a non-C ABI, a struct that is not `#[repr(C)]`, an enum with data,
/// patterns in parameters, duplicate names, bad attribute arguments, unsupported items …. All
/// the errors of one item are reported together.
///
/// # Where to declare
///
/// Declare extern blocks at module level, not inside a function body: every function and
/// static gets a module of its own (`strlen::DESCRIPTOR`), and items declared in a function
/// body are not visible from a module (nor from its `super`). In a `#[foreign]` module, a
/// `library = path` argument is resolved inside the module (write `super::LIB`,
/// `crate::LIB` or an absolute path).
#[proc_macro_attribute]
pub fn foreign(attr: TokenStream, item: TokenStream) -> TokenStream {
    expand::expand(attr.into(), item.into())
        .unwrap_or_else(syn::Error::into_compile_error)
        .into()
}
