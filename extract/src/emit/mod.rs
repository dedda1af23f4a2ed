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

use crate::ir::{Item, ItemKind, Unit};

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
    let cx = names::Ctx {
        krate: &options.crate_path,
        in_child: false,
        unit,
    };
    let mut out = TokenStream::new();
    for item in &unit.items {
        out.extend(emit_item(item, cx));
    }
    out
}

/// Emits one item, whole.
fn emit_item(item: &Item, cx: names::Ctx<'_>) -> TokenStream {
    match &item.kind {
        ItemKind::Record(r) => record::emit(item, r, cx),
        ItemKind::Enum(e) => items::emit_enum(item, e, cx),
        ItemKind::Typedef(t) => items::emit_typedef(item, t, cx),
        ItemKind::FnPointer(sig) => items::emit_fn_pointer(item, sig, cx),
        ItemKind::Constant(c) => items::emit_constant(item, c, cx),
        ItemKind::Extern(block) => externs::emit(item, block, cx),
        ItemKind::Opaque(o) => items::emit_opaque(item, o, cx),
    }
}

/// A part of a unit's output: an item, or a part of an extern block (which can hold hundreds
/// of functions). [`emit`] is the output of [`pieces`] in order, so a unit can be emitted and
/// formatted in parts ([`emit_pieces`]) and joined.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Piece {
    /// `unit.items[i]`, whole.
    Item(usize),
    /// The library handle (or `#[link]` block) of the extern block `unit.items[i]`.
    ExternHead(usize),
    /// Function `j` of the extern block `unit.items[i]`.
    Function(usize, usize),
    /// Global `j` of the extern block `unit.items[i]`.
    Global(usize, usize),
}

/// The pieces of `unit`, in output order.
pub fn pieces(unit: &Unit) -> Vec<Piece> {
    let mut out = Vec::with_capacity(unit.items.len());
    for (i, item) in unit.items.iter().enumerate() {
        match &item.kind {
            ItemKind::Extern(block) => {
                out.push(Piece::ExternHead(i));
                out.extend((0..block.functions.len()).map(|j| Piece::Function(i, j)));
                out.extend((0..block.globals.len()).map(|j| Piece::Global(i, j)));
            }
            _ => out.push(Piece::Item(i)),
        }
    }
    out
}

/// Emits `pieces` of `unit` (names are resolved against the whole unit).
///
/// # Panics
/// If a piece is not one of `pieces(unit)`.
pub fn emit_pieces(unit: &Unit, pieces: &[Piece], options: &EmitOptions) -> TokenStream {
    let cx = names::Ctx {
        krate: &options.crate_path,
        in_child: false,
        unit,
    };
    let block = |i: usize| match &unit.items[i].kind {
        ItemKind::Extern(block) => block,
        _ => panic!("item {i} is not an extern block"),
    };
    let mut out = TokenStream::new();
    for piece in pieces {
        out.extend(match *piece {
            Piece::Item(i) => emit_item(&unit.items[i], cx),
            Piece::ExternHead(i) => externs::head(&unit.items[i], block(i), cx),
            Piece::Function(i, j) => {
                let b = block(i);
                externs::function(&b.functions[j], &unit.items[i].name, &b.binding, cx)
            }
            Piece::Global(i, j) => {
                let b = block(i);
                externs::global(&b.globals[j], &unit.items[i].name, &b.binding, cx)
            }
        });
    }
    out
}

/// Formats emitted tokens as a Rust source file (prettyplease).
pub fn format(tokens: TokenStream) -> Result<String, syn::Error> {
    let file: syn::File = syn::parse2(tokens)?;
    Ok(prettyplease::unparse(&file))
}
