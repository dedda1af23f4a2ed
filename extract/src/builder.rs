//! The `Builder`, for build scripts.

use std::path::PathBuf;

use crate::clang::ExtractError;
use crate::generate::{Bindings, generate};
use crate::options::Options;

/// Generates bindings from a build script:
///
/// ```no_run
/// // build.rs
/// let out = std::path::PathBuf::from(std::env::var("OUT_DIR").unwrap());
/// ffm_extract::Builder::new()
///     .header("/usr/include/zlib.h")
///     .library("z")
///     .include_function("compress")
///     .include_function("zlibVersion")
///     .generate()
///     .expect("bindings")
///     .write_to_file(out.join("zlib.rs"))
///     .unwrap();
/// ```
///
/// `generate` prints `cargo:rerun-if-changed` for every header clang read and each warning as
/// `cargo:warning=`, so Cargo reruns the script when a header changes and shows what was
/// skipped. The methods are the command line's options, one for one (see
/// [`Options`](crate::Options)).
#[derive(Debug, Clone, Default)]
pub struct Builder {
    pub(crate) options: Options,
}

impl Builder {
    /// A builder with no headers and default options.
    pub fn new() -> Self {
        Builder::default()
    }

    /// Adds a header to extract.
    pub fn header(mut self, path: impl Into<PathBuf>) -> Self {
        self.options.headers.push(path.into());
        self
    }

    /// The options built so far.
    pub fn options(&self) -> &Options {
        &self.options
    }

    /// Extracts and emits the bindings; reports files and warnings to Cargo.
    pub fn generate(self) -> Result<Bindings, ExtractError> {
        let bindings = generate(&self.options)?;
        for f in &bindings.extraction.files {
            println!("cargo:rerun-if-changed={}", f.display());
        }
        for w in &bindings.extraction.warnings {
            println!("cargo:warning={}", w.replace('\n', " "));
        }
        Ok(bindings)
    }
}
