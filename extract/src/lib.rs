//! # ffm-extract
//!
//! The IR and the emitter that `#[ffm::foreign]` and the header extractor share, the libclang
//! front-end that reads C headers into that IR, the `ffm-extract` command-line tool and a
//! `Builder` for build scripts.
//!
//! ```text
//!   #[foreign] items ──> syn front-end (ffm-macros) ─┐
//!                                                    ├──> ir::Unit ──> emit ──> Rust items
//!   C headers ──────────> clang front-end (here) ────┘
//! ```
//!
#![cfg_attr(
    feature = "clang",
    doc = "Features: `clang` (the libclang front-end, [`Builder`], [`generate`]; libclang is loaded"
)]
#![cfg_attr(
    not(feature = "clang"),
    doc = "Features: `clang` (the libclang front-end, `Builder`, `generate`; libclang is loaded"
)]
//! at run time, so building never needs it) and `cli` (the `ffm-extract` binary). `ffm-macros`
//! uses this crate without them.
#![warn(missing_docs)]

pub mod emit;
pub mod ir;
pub mod layout;

#[cfg(feature = "clang")]
mod builder;
#[cfg(feature = "clang")]
pub mod clang;
#[cfg(feature = "clang")]
mod generate;
#[cfg(feature = "clang")]
mod options;
#[cfg(feature = "clang")]
mod symbols;

#[cfg(feature = "clang")]
pub use builder::Builder;
#[cfg(feature = "clang")]
pub use clang::{ExtractError, Extraction, Includable, extract};
#[cfg(feature = "clang")]
pub use generate::{Bindings, generate};
#[cfg(feature = "clang")]
pub use options::Options;

/// Runs the command line: generates (or dumps the IR or the includable declarations) as the
/// options say; warnings go to standard error.
#[cfg(feature = "cli")]
pub fn run_cli(options: &Options) -> Result<(), Box<dyn std::error::Error>> {
    let bindings = generate(options)?;
    let ex = &bindings.extraction;
    if let Some(path) = &options.dump_includes {
        let mut text = String::new();
        for i in &ex.includables {
            text.push_str(&format!("{} {:<40} # {}\n", i.option, i.name, i.location));
        }
        std::fs::write(path, text)?;
    }
    for w in &ex.warnings {
        eprintln!("warning: {w}");
    }
    let out = if options.dump_ir {
        serde_json::to_string_pretty(&ex.unit)? + "\n"
    } else {
        bindings.code.clone()
    };
    match &options.output {
        Some(p) => std::fs::write(p, out)?,
        None => print!("{out}"),
    }
    Ok(())
}
