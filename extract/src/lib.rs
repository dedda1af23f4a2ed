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
#![warn(missing_docs)]

pub mod emit;
pub mod ir;
pub mod layout;
