//! # ffm — Foreign Function & Memory for Rust
//!
//! The ideas of OpenJDK's Project Panama, the Rust way: memory *segments* with spatial bounds
//! checked on every access and temporal bounds enforced by the borrow checker, *arenas* that
//! free many segments at once, *layouts* that describe C data with paths and typed accessors.
//!
//! ```
//! use ffm::layout::{PathElement, SequenceLayout, StructLayout};
//! use ffm::{Arena, SegmentAllocator, I32};
//!
//! const POINT: StructLayout =
//!     StructLayout::new(&[I32.with_name("x").layout(), I32.with_name("y").layout()]);
//! const POINTS: SequenceLayout = SequenceLayout::new(10, &POINT.layout());
//!
//! let arena = Arena::new();
//! let points = arena.allocate_layout(&POINTS)?;
//! let y = POINTS.accessor::<i32, 1>(&[PathElement::sequence_free(), PathElement::group("y")])?;
//! for i in 0..10 {
//!     y.set(points, [i], i as i32 * 10);
//! }
//! assert_eq!(points.get(I32, 28), 30); // [3].y is at byte 28
//! # Ok::<(), ffm::Error>(())
//! ```
//!
//! | Panama (the seeds)              | ffm                                                        |
//! |---------------------------------|------------------------------------------------------------|
//! | `MemorySegment`                 | [`Segment`] (`&Segment`, `&mut Segment`)                   |
//! | `ResourceScope` / `Arena` (confined) | [`Arena`]                                             |
//! | shared scope / `Arena.ofShared` | [`SharedArena`]                                            |
//! | global scope                    | [`Arena::global`]                                          |
//! | default (implicit) scope        | [`OwnedSegment`]                                           |
//! | `MemoryAddress`                 | [`Address`], with the unsafe [`Address::reinterpret`]     |
//! | `ValueLayout.OfInt` …           | [`ValueLayout<i32>`](ValueLayout) ([`I32`] …)              |
//! | `MemoryLayout`, `StructLayout`… | [`layout::MemoryLayout`], [`layout::StructLayout`] …       |
//! | `PathElement`                   | [`layout::PathElement`]                                    |
//! | memory-access `VarHandle`       | [`layout::Accessor`]                                       |
//! | `SegmentAllocator`              | [`SegmentAllocator`], [`SlicingAllocator`], [`PrefixAllocator`], [`MallocAllocator`] |
//! | `MemorySegment.map`             | [`MapOptions`], [`Mapping`], [`MappingMut`]                |
//! | spliterator                     | [`Segment::elements`], `Segment::par_elements` (feature `rayon`) |
//!
//! ## Safety model
//! Safe code cannot read or write outside a segment, use one after its memory is freed, or race
//! on one: bounds are checked on every access, and lifetimes plus `Send`/`Sync` do the rest at
//! compile time. The restricted operations of the seeds — giving bounds to a raw address,
//! mapping a file someone else may change — are `unsafe fn`s that say what the caller vouches
//! for.
//!
//! ## Features
#![cfg_attr(
    feature = "rayon",
    doc = "- `rayon`: [`Segment::par_elements`] and `par_elements_mut`."
)]
#![cfg_attr(
    not(feature = "rayon"),
    doc = "- `rayon`: `Segment::par_elements` and `par_elements_mut`."
)]
//! - `macros` (default): [`foreign`], typed bindings from Rust declarations.
#![warn(missing_docs)]
#![deny(unsafe_op_in_unsafe_fn)]

// Register images, libffi's return buffers and the eightbytes of structs are read and written
// little-endian throughout the linker.
#[cfg(target_endian = "big")]
compile_error!("ffm supports little-endian targets only (x86-64 and AArch64, among others)");

mod address;
mod alloc;
mod arena;
mod block;
mod error;
pub mod layout;
pub mod linker;
mod mapped;
mod owned;
mod segment;

pub use address::Address;
pub use alloc::{MallocAllocator, PrefixAllocator, SegmentAllocator, SlicingAllocator};
pub use arena::{Arena, Scope, SharedArena};
pub use error::{Error, Result, StringError};
pub use layout::{
    ADDRESS, ADDRESS_UNALIGNED, BOOL, ByteOrder, Carrier, F32, F32_UNALIGNED, F64, F64_UNALIGNED,
    I8, I16, I16_UNALIGNED, I32, I32_UNALIGNED, I64, I64_UNALIGNED, ISIZE, MemoryLayout, U8, U16,
    U16_UNALIGNED, U32, U32_UNALIGNED, U64, U64_UNALIGNED, USIZE, ValueLayout,
};
pub use mapped::{Advice, MapOptions, Mapping, MappingMut};
pub use owned::OwnedSegment;
pub use segment::{Elements, ElementsMut, Segment};

/// Typed bindings to C from Rust declarations: `unsafe extern "C"` blocks (functions bound on
/// first use, or linked), `#[repr(C)]` structs and unions with layouts and segment accessors,
/// C-like enums, callback types with closure upcalls, typedefs and constants.
///
/// ```
/// use std::ffi::{c_char, c_int};
///
/// #[ffm::foreign] // the default lookup: the process, libc, libm
/// unsafe extern "C" {
///     safe fn strlen(s: *const c_char) -> usize;
///     fn abs(x: c_int) -> c_int;
/// }
///
/// #[ffm::foreign]
/// #[repr(C)]
/// struct Point {
///     x: c_int,
///     y: c_int,
/// }
///
/// fn main() {
///     assert_eq!(strlen(c"Panama"), 6);
///     // SAFETY: abs has no preconditions.
///     let a = unsafe { abs(-3) };
///     assert_eq!(a, 3);
///     assert_eq!((Point::LAYOUT.byte_size(), Point::OFFSET_Y), (8, 4));
/// }
/// ```
///
/// Arguments: `library = "z"` (repeatable; a name, a path, or a path to a `&'static str`
/// constant), `link = "z"`, `name = HANDLE`, `crate = path`. On a `mod`, all its items form one
/// unit. The full reference is in the documentation of the `ffm-macros` crate.
#[cfg(feature = "macros")]
pub use ffm_macros::foreign;

/// The names most programs need, for `use ffm::prelude::*`: the allocator trait (whose typed
/// helpers are methods on every arena), the segment and layout types, and the value layouts.
pub mod prelude {
    pub use crate::layout::{
        MemoryLayout, PathElement, SequenceLayout, StructLayout, UnionLayout, ValueLayout,
    };
    pub use crate::{
        ADDRESS, Address, Arena, BOOL, F32, F64, I8, I16, I32, I64, OwnedSegment, Segment,
        SegmentAllocator, SharedArena, U8, U16, U32, U64, USIZE,
    };
}

/// The README's Rust examples, compiled and run as doctests so they stay true.
#[cfg(all(doctest, feature = "macros"))]
#[doc = include_str!("../../README.md")]
pub struct ReadmeDoctests;

#[doc(hidden)]
#[path = "private.rs"]
pub mod __private;
