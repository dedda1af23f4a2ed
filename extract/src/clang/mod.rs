//! The libclang front-end: C headers into the IR, with clang's own layouts.
#![allow(non_upper_case_globals)] // clang-sys names its constants as libclang does

mod docs;
mod ffi;
mod macros;
mod resolve;
mod translate;

use std::path::{Path, PathBuf};

use clang_sys::CXDiagnostic_Error;

use crate::ir::{Binding, ItemKind, LibraryRef, Unit};
use crate::options::Options;
use translate::{Filters, Translator};

pub use translate::Includable;

/// Points clang-sys at the newest installed libclang when it can be found quickly (see below),
/// by setting `LIBCLANG_PATH` for this process; otherwise does nothing, and the first
/// extraction runs clang-sys's search, which looks through every library directory (about a
/// tenth of a second). `LIBCLANG_PATH`, when set, is left as it is.
///
/// Looked at: `/usr/lib/llvm-N/lib` (Debian, Ubuntu) and `/usr/lib64/llvmN/lib64` (Fedora);
/// not used when `LD_LIBRARY_PATH` or `LIBRARY_PATH` name a directory holding a libclang.
///
/// # Safety
/// It sets an environment variable: no other thread may run (call it first thing in `main`).
pub unsafe fn locate_libclang_quickly() {
    if let Some(dir) = ffi::quick_libclang_dir() {
        // SAFETY: the caller promises that no other thread runs.
        unsafe { std::env::set_var("LIBCLANG_PATH", dir) };
    }
}

/// Why extraction failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ExtractError {
    /// libclang could not be loaded.
    #[error(
        "libclang could not be loaded ({0}). Install it (Debian/Ubuntu: `apt-get install libclang-dev`), or set LIBCLANG_PATH to the directory that holds libclang.so"
    )]
    Libclang(String),
    /// No header was given.
    #[error("no header given")]
    NoHeader,
    /// A header does not exist.
    #[error("{0}: no such header")]
    MissingHeader(PathBuf),
    /// clang reported errors; each is `file:line:col: error: message`.
    #[error("the headers do not parse:\n{}", .0.join("\n"))]
    Parse(Vec<String>),
    /// libclang failed.
    #[error("{0}")]
    Clang(String),
    /// A library given with `--library` could not be opened for the symbol check.
    #[error("{0}")]
    Library(String),
}

/// What extraction produced.
#[derive(Debug, Clone)]
pub struct Extraction {
    /// The IR.
    pub unit: Unit,
    /// Warnings, each naming a declaration and the reason (`file:line:col: …`).
    pub warnings: Vec<String>,
    /// Declarations left out, with the reason.
    pub skipped: Vec<String>,
    /// Symbols not found in the libraries (with `--library`).
    pub missing_symbols: Vec<String>,
    /// Every file clang read.
    pub files: Vec<PathBuf>,
    /// Every declaration the include options could name.
    pub includables: Vec<Includable>,
}

/// Reads the headers of `options` into the IR.
pub fn extract(options: &Options) -> Result<Extraction, ExtractError> {
    ffi::load().map_err(ExtractError::Libclang)?;
    if options.headers.is_empty() {
        return Err(ExtractError::NoHeader);
    }
    let mut headers = Vec::new();
    for h in &options.headers {
        let c = std::fs::canonicalize(h).map_err(|_| ExtractError::MissingHeader(h.clone()))?;
        headers.push(c);
    }
    let args = options.clang_args();
    let main_dir = headers[0]
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_else(|| PathBuf::from("."));
    let (main, unsaved) = if headers.len() == 1 {
        (headers[0].clone(), Vec::new())
    } else {
        let file = main_dir.join("__ffm_extract_headers__.h");
        let text: String = headers
            .iter()
            .map(|h| format!("#include \"{}\"\n", h.display()))
            .collect();
        (file.clone(), vec![(file, text)])
    };
    let tu =
        ffi::TranslationUnit::parse(&main, &args, &unsaved, true).map_err(ExtractError::Clang)?;
    let errors: Vec<String> = tu
        .diagnostics()
        .into_iter()
        .filter(|d| d.severity >= CXDiagnostic_Error)
        .map(|d| d.text)
        .collect();
    if !errors.is_empty() {
        return Err(ExtractError::Parse(errors));
    }
    let root = tu.cursor();
    let filters = Filters {
        functions: options.include_function.clone(),
        structs: options.include_struct.clone(),
        unions: options.include_union.clone(),
        typedefs: options.include_typedef.clone(),
        vars: options.include_var.clone(),
        constants: options.include_constant.clone(),
    };
    let mut t = Translator::new(&headers);
    let includables = t.includables(&root);
    let macro_cursors = t.run(&root, &filters);
    let mut cursors = std::collections::HashMap::new();
    let mut candidates = Vec::new();
    for (c, name) in macro_cursors {
        if let Some(candidate) = macros::candidate(&name, &c.tokens(&tu)) {
            candidates.push(candidate);
            cursors.insert(name, c);
        }
    }
    let evaluated =
        macros::evaluate(&headers, &args, &candidates, &main_dir).map_err(ExtractError::Clang)?;
    let mut constants = std::collections::HashSet::new();
    for (name, constant) in evaluated {
        if let Some(c) = cursors.get(&name) {
            constants.insert(name.clone());
            t.push_constant(c, name, constant);
        }
    }
    t.warn_unmatched(&filters, &constants);
    let binding = match &options.link {
        Some(lib) => Binding::Link(lib.clone()),
        None => Binding::Runtime(
            options
                .library
                .iter()
                .map(|l| LibraryRef::Name(l.clone()))
                .collect(),
        ),
    };
    let (mut unit, warnings, skipped) = t.finish(binding, options.library_handle.clone());
    let mut warnings = warnings;
    let mut missing_symbols = Vec::new();
    if !options.library.is_empty() {
        let symbols: Vec<String> = unit
            .items
            .iter()
            .filter_map(|i| match &i.kind {
                ItemKind::Extern(b) => Some(
                    b.functions
                        .iter()
                        .map(|f| f.symbol.clone())
                        .chain(b.globals.iter().map(|g| g.symbol.clone()))
                        .collect::<Vec<_>>(),
                ),
                _ => None,
            })
            .flatten()
            .collect();
        missing_symbols =
            crate::symbols::missing(&options.library, &symbols).map_err(ExtractError::Library)?;
        let origins: std::collections::HashMap<&str, String> = unit
            .items
            .iter()
            .filter_map(|i| match &i.kind {
                ItemKind::Extern(b) => Some(b),
                _ => None,
            })
            .flat_map(|b| {
                let functions = b.functions.iter().map(|f| (f.symbol.as_str(), &f.origin));
                let globals = b.globals.iter().map(|g| (g.symbol.as_str(), &g.origin));
                functions.chain(globals)
            })
            .map(|(s, o)| (s, o.to_string()))
            .collect();
        for m in &missing_symbols {
            warnings.push(format!(
                "{}: symbol `{m}` is not in {}{}",
                origins.get(m.as_str()).map_or("", String::as_str),
                options.library.join(", "),
                if options.skip_missing {
                    "; left out (--skip-missing)"
                } else {
                    "; calling it will fail (--skip-missing leaves it out)"
                }
            ));
        }
        if options.skip_missing {
            for item in &mut unit.items {
                if let ItemKind::Extern(b) = &mut item.kind {
                    b.functions.retain(|f| !missing_symbols.contains(&f.symbol));
                    b.globals.retain(|g| !missing_symbols.contains(&g.symbol));
                }
            }
        }
    }
    let mut files = tu.inclusions();
    files.retain(|f| {
        f.file_name()
            .is_some_and(|n| n != "__ffm_extract_headers__.h")
    });
    files.sort();
    files.dedup();
    Ok(Extraction {
        unit,
        warnings,
        skipped,
        missing_symbols,
        files,
        includables,
    })
}
