//! The emitter: IR in, Rust items out. Both front-ends go through it, so a header and the
//! equivalent `#[foreign]` declarations expand to the same code.
//!
//! Generated code reaches the runtime only through `<crate>::__private` and its public API
//! (`<crate>` is `::ffm` unless [`EmitOptions::crate_path`] says otherwise).

mod externs;
mod items;
mod names;
mod record;

use proc_macro2::TokenStream;
use quote::quote;

pub use names::{ident, is_keyword};

use crate::ir::{ItemKind, Unit};

/// Options for [`emit`].
#[derive(Clone, Debug)]
pub struct EmitOptions {
    /// The path of the `ffm` runtime crate in generated code (`::ffm`).
    pub crate_path: TokenStream,
}

impl Default for EmitOptions {
    fn default() -> Self {
        EmitOptions {
            crate_path: quote!(::ffm),
        }
    }
}

/// Emits the Rust items for `unit`.
pub fn emit(unit: &Unit, options: &EmitOptions) -> TokenStream {
    emit_range(unit, 0..unit.items.len(), options)
}

/// Emits the Rust items for `unit.items[range]` (names are resolved against the whole unit),
/// so that parts of a unit can be emitted and formatted apart: concatenated in order, they
/// are what [`emit`] makes.
///
/// # Panics
/// If `range` is out of bounds.
pub fn emit_range(
    unit: &Unit,
    range: std::ops::Range<usize>,
    options: &EmitOptions,
) -> TokenStream {
    let cx = names::Ctx {
        krate: &options.crate_path,
        in_child: false,
        unit,
    };
    let mut out = TokenStream::new();
    for item in &unit.items[range] {
        out.extend(match &item.kind {
            ItemKind::Record(r) => record::emit(item, r, cx),
            ItemKind::Enum(e) => items::emit_enum(item, e, cx),
            ItemKind::Typedef(t) => items::emit_typedef(item, t, cx),
            ItemKind::FnPointer(sig) => items::emit_fn_pointer(item, sig, cx),
            ItemKind::Constant(c) => items::emit_constant(item, c, cx),
            ItemKind::Extern(block) => externs::emit(item, block, cx),
            ItemKind::Opaque(o) => items::emit_opaque(item, o, cx),
        });
    }
    out
}

/// Formats emitted tokens as a Rust source file (prettyplease).
pub fn format(tokens: TokenStream) -> Result<String, syn::Error> {
    let file: syn::File = syn::parse2(tokens)?;
    Ok(prettyplease::unparse(&file))
}
