//! Native test fixtures for `ffm`.
//!
//! The build script of this crate compiles two C libraries from `c/` into shared objects in
//! Cargo's `OUT_DIR`, and this crate exposes their absolute paths so that tests and benchmarks
//! can load them at run time:
//!
//! - [`TESTLIB`], built from `c/testlib.c` (declared in `c/testlib.h`) with `-O0`: structs,
//!   unions and `char` arrays passed and returned by value, callbacks (including one invoked
//!   from a C-created thread), `va_list` consumers, globals, small scalars and `errno`. Every
//!   exported symbol starts with `ffm_`.
//! - [`BENCHLIB`], built from `c/benchlib.c` with `-O2`: small functions for call-overhead
//!   benchmarks. Every exported symbol starts with `bl_`.
//!
//! This crate deliberately does not depend on `ffm`, so that `ffm` itself can dev-depend on it.
#![warn(missing_docs)]

/// Absolute path of `libffmtest.so`, the native test library built from `c/testlib.c`.
///
/// Every exported function and global is prefixed `ffm_`; see `c/testlib.h` for the full list.
pub const TESTLIB: &str = env!("FFM_TESTLIB");

/// Absolute path of `libffmbench.so`, the benchmark library built from `c/benchlib.c` with `-O2`.
///
/// Every exported function is prefixed `bl_`.
pub const BENCHLIB: &str = env!("FFM_BENCHLIB");
