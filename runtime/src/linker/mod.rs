//! The C linker: symbol lookup, downcalls (Rust calling C), upcalls (C calling Rust) and
//! variable argument lists, over a prepared libffi call interface.
//!
//! ```
//! use ffm::linker::{DefaultLookup, FunctionDescriptor, Linker, LinkerOptions, SymbolLookup};
//! use ffm::{Address, ADDRESS, USIZE};
//!
//! let linker = Linker::native();
//! let strlen = DefaultLookup::new().find_or_error("strlen")?;
//! let desc = FunctionDescriptor::of(USIZE, &[ADDRESS.layout()]);
//! let strlen = linker.downcall(&strlen, desc, &LinkerOptions::new())?
//!     .typed::<(Address,), usize>()?;
//! // SAFETY: strlen reads a NUL-terminated string, which a C string literal is.
//! let n = unsafe { strlen.call((c"hello",)) };
//! assert_eq!(n, 5);
//! # Ok::<(), ffm::Error>(())
//! ```
//!
//! Making a handle is safe: the descriptor is checked for what can be checked (layouts C can
//! pass, variadic promotions, a typed view that matches). Calling one is `unsafe`: nothing can
//! check that the descriptor matches the C function, or what the function does with the
//! pointers it is given.

mod abi;
mod descriptor;
mod downcall;
#[cfg(all(target_arch = "x86_64", unix))]
mod dynup;
mod fast;
mod lookup;
mod native;
mod thunks;
mod typed;
mod upcall;
mod valist;
mod value;

pub use descriptor::FunctionDescriptor;
pub use downcall::Downcall;
pub use lookup::{DefaultLookup, Library, Or, Symbol, SymbolLookup};
pub use native::{FieldAccess, Native, aggregate_get, aggregate_set};
pub use typed::{ByValue, IntoArg, IntoArgs, NativeReturn, NativeType, Signature, TypedDowncall};
pub use upcall::{UpcallFn, UpcallReturn, UpcallStub};
pub use valist::{VaList, VaListBuilder};
pub use value::{Addressable, Ptr, Value, ValueKindError};

pub(crate) use abi::{Class, classify};

use crate::layout::StructLayout;
use crate::{Error, I32, Result};

/// Options for a downcall.
///
/// ```
/// use ffm::linker::LinkerOptions;
/// // printf(const char *fmt, ...) called with two variadic arguments after the format
/// let opts = LinkerOptions::new().first_variadic_arg(1);
/// // strtol, reporting errno
/// let opts = LinkerOptions::new().capture_call_state("errno");
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct LinkerOptions {
    first_variadic: Option<usize>,
    capture: Vec<String>,
    libffi_only: bool,
}

impl LinkerOptions {
    /// No options: a fixed-arity call that captures nothing.
    pub fn new() -> Self {
        LinkerOptions::default()
    }

    /// The function is variadic, and arguments from `index` on are its variadic part.
    ///
    /// C promotes variadic `float` to `double` and integers narrower than `int` to `int`, so
    /// those layouts (f32, i8, u8, i16, u16, bool) are refused there, as Java refuses them.
    pub fn first_variadic_arg(mut self, index: usize) -> Self {
        self.first_variadic = Some(index);
        self
    }

    /// Captures a piece of thread state right after the call: `"errno"` is the one supported.
    ///
    /// The handle's `*_capturing` call methods then take a segment of
    /// [`Linker::capture_state_layout`], which receives the state. `errno` is set to 0 before
    /// the call, so a captured 0 means the function did not set it.
    pub fn capture_call_state(mut self, name: &str) -> Self {
        self.capture.push(name.to_owned());
        self
    }

    /// Calls through libffi even where the register-shape path (no libffi) could: for
    /// comparing the two, and as an escape hatch.
    pub fn libffi_only(mut self) -> Self {
        self.libffi_only = true;
        self
    }

    /// The index of the first variadic argument, if the function is variadic.
    pub fn variadic_index(&self) -> Option<usize> {
        self.first_variadic
    }
}

/// The native linker: makes downcall handles and upcall stubs for the platform's C calling
/// convention.
#[derive(Clone, Copy, Debug, Default)]
pub struct Linker {
    _private: (),
}

impl Linker {
    /// The linker for this platform's C ABI.
    pub fn native() -> Linker {
        Linker { _private: () }
    }

    /// The default symbol lookup: libc, libm and the running process.
    pub fn default_lookup(&self) -> DefaultLookup {
        DefaultLookup::new()
    }

    /// The layout of the segment that captured call state is written into: `[i32(errno)]`.
    pub fn capture_state_layout() -> StructLayout {
        const STATE: StructLayout = StructLayout::new(&[I32.with_name("errno").layout()]);
        STATE
    }

    /// Checks `options` against `descriptor`; returns whether errno is captured.
    fn check_options(descriptor: &FunctionDescriptor, options: &LinkerOptions) -> Result<bool> {
        let bad = |reason: String| Error::InvalidDescriptor {
            descriptor: descriptor.to_string(),
            reason,
        };
        if let Some(first) = options.first_variadic {
            let args = descriptor.argument_layouts();
            if first > args.len() {
                return Err(bad(format!(
                    "first_variadic_arg({first}) is past the {} argument(s)",
                    args.len()
                )));
            }
            for (i, a) in args.iter().enumerate().skip(first) {
                if let Some(kind) = a.value_kind() {
                    use crate::layout::ValueKind::*;
                    let promoted = match kind {
                        F32 => Some("f64 (C promotes a variadic float to double)"),
                        I8 | U8 | I16 | U16 | Bool => {
                            Some("i32 (C promotes variadic integers narrower than int to int)")
                        }
                        _ => None,
                    };
                    if let Some(use_instead) = promoted {
                        return Err(bad(format!(
                            "variadic argument #{i} has layout {a}, which C never receives; use {use_instead}"
                        )));
                    }
                }
            }
        }
        let mut errno = false;
        for c in &options.capture {
            match c.as_str() {
                "errno" => errno = true,
                other => {
                    return Err(bad(format!(
                        "unknown call state `{other}` to capture; supported: errno"
                    )));
                }
            }
        }
        Ok(errno)
    }
}
