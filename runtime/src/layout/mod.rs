//! Memory layouts: the shape of memory, described as data.
//!
//! A layout is a value layout (one scalar), a struct or union of member layouts, a sequence of
//! one element layout, or padding. Layouts are `Copy` and const-constructible, so generated code
//! can hold `pub const LAYOUT: StructLayout`:
//!
//! ```
//! use ffm::layout::{MemoryLayout, PathElement, SequenceLayout, StructLayout};
//! use ffm::I32;
//!
//! const POINT: StructLayout = StructLayout::new(&[I32.with_name("x").layout(), I32.with_name("y").layout()]);
//! const POINTS: SequenceLayout = SequenceLayout::new(10, &POINT.layout());
//!
//! let y3 = POINTS.byte_offset(&[PathElement::sequence(3), PathElement::group("y")]).unwrap();
//! assert_eq!(y3, 28);
//! ```
//!
//! Layouts built at run time (with the `try_` constructors, [`StructLayout::c`],
//! [`SequenceLayout::reshape`], names from `String`s) are *interned*: each distinct layout is
//! stored once for the life of the process, which is what lets every layout be `Copy` and hold
//! `&'static` references. Build layouts once, not per call.

mod accessor;
mod intern;
mod path;
mod value;

use std::fmt;
use std::ops::Deref;

pub use accessor::Accessor;
pub use intern::{intern_layout, intern_layouts, intern_str};
pub use path::PathElement;
pub use value::{
    ADDRESS, ADDRESS_UNALIGNED, BOOL, ByteOrder, Carrier, F32, F32_UNALIGNED, F64, F64_UNALIGNED,
    I8, I16, I16_UNALIGNED, I32, I32_UNALIGNED, I64, I64_UNALIGNED, ISIZE, U8, U16, U16_UNALIGNED,
    U32, U32_UNALIGNED, U64, U64_UNALIGNED, USIZE, ValueKind, ValueLayout,
};

use crate::{Error, Result};

/// A memory layout, erased: any of value, struct, union, sequence or padding.
///
/// Every layout has a size, an alignment and an optional name. The typed wrappers
/// ([`ValueLayout`], [`StructLayout`], [`UnionLayout`], [`SequenceLayout`], [`PaddingLayout`])
/// dereference to it.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct MemoryLayout {
    name: Option<&'static str>,
    size: usize,
    align: usize,
    kind: LayoutKind,
}

/// What a [`MemoryLayout`] is, with its parts.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum LayoutKind {
    /// A scalar.
    Value {
        /// The scalar's kind (its Rust carrier).
        kind: ValueKind,
        /// Its byte order.
        order: ByteOrder,
        /// For addresses: the layout of the pointee, if known.
        target: Option<&'static MemoryLayout>,
    },
    /// Members laid out one after the other.
    Struct(&'static [MemoryLayout]),
    /// Members laid out at offset 0, overlapping.
    Union(&'static [MemoryLayout]),
    /// `count` repetitions of `element`.
    Sequence {
        /// The repeated layout.
        element: &'static MemoryLayout,
        /// How many times it repeats.
        count: usize,
    },
    /// Bytes that hold nothing.
    Padding,
}

const fn is_pow2(n: usize) -> bool {
    n != 0 && n & (n - 1) == 0
}

impl MemoryLayout {
    /// Size in bytes.
    pub const fn byte_size(&self) -> usize {
        self.size
    }

    /// Alignment in bytes (a power of two).
    pub const fn byte_alignment(&self) -> usize {
        self.align
    }

    /// The name, if any.
    pub const fn name(&self) -> Option<&'static str> {
        self.name
    }

    /// What this layout is.
    pub const fn kind(&self) -> &LayoutKind {
        &self.kind
    }

    /// The same layout named `name`.
    pub const fn with_name(mut self, name: &'static str) -> Self {
        self.name = Some(name);
        self
    }

    /// The same layout named `name`, a run-time string (interned).
    pub fn with_name_interned(self, name: &str) -> Self {
        self.with_name(intern_str(name))
    }

    /// The same layout without a name.
    pub const fn without_name(mut self) -> Self {
        self.name = None;
        self
    }

    /// The same layout aligned to `align` bytes.
    ///
    /// # Panics
    /// If `align` is not a power of two, or if this is a struct or union and `align` is less than
    /// the alignment of one of its members (at compile time in a `const`). See
    /// [`try_with_byte_alignment`](Self::try_with_byte_alignment).
    pub const fn with_byte_alignment(self, align: usize) -> Self {
        match self.try_align(align) {
            Ok(l) => l,
            Err(AlignProblem::NotPow2) => panic!("alignment must be a power of two"),
            Err(AlignProblem::BelowMembers) => {
                panic!("a group's alignment cannot be below its members' alignment")
            }
        }
    }

    /// The same layout aligned to `align` bytes, or an error naming the problem.
    pub fn try_with_byte_alignment(self, align: usize) -> Result<Self> {
        match self.try_align(align) {
            Ok(l) => Ok(l),
            Err(AlignProblem::NotPow2) => Err(Error::InvalidAlignment { align }),
            Err(AlignProblem::BelowMembers) => Err(Error::InvalidLayout {
                reason: format!(
                    "alignment {align} is below the largest member alignment of {self}"
                ),
            }),
        }
    }

    const fn try_align(mut self, align: usize) -> Result<Self, AlignProblem> {
        if !is_pow2(align) {
            return Err(AlignProblem::NotPow2);
        }
        if let LayoutKind::Struct(m) | LayoutKind::Union(m) = self.kind
            && align < max_align(m)
        {
            return Err(AlignProblem::BelowMembers);
        }
        self.align = align;
        Ok(self)
    }

    /// The same layout with alignment `align`, even below a group's member alignments: the
    /// layout of a member of a C packed struct, which C places at any offset. For bindings;
    /// prefer [`with_byte_alignment`](Self::with_byte_alignment).
    ///
    /// # Panics
    /// If `align` is not a power of two.
    pub const fn with_alignment_unchecked(mut self, align: usize) -> Self {
        assert!(is_pow2(align), "alignment must be a power of two");
        self.align = align;
        self
    }

    /// Whether this is a value layout.
    pub const fn is_value(&self) -> bool {
        matches!(self.kind, LayoutKind::Value { .. })
    }

    /// The value kind, if this is a value layout.
    pub const fn value_kind(&self) -> Option<ValueKind> {
        match self.kind {
            LayoutKind::Value { kind, .. } => Some(kind),
            _ => None,
        }
    }

    /// The members of a struct or union, or `None`.
    pub const fn member_layouts(&self) -> Option<&'static [MemoryLayout]> {
        match self.kind {
            LayoutKind::Struct(m) | LayoutKind::Union(m) => Some(m),
            _ => None,
        }
    }

    /// Whether this struct or union has a member (at any depth) aligned below its natural
    /// alignment, as a C `packed` struct has.
    pub fn is_packed(&self) -> bool {
        match self.kind {
            LayoutKind::Value { kind, .. } => self.align < kind.size(),
            LayoutKind::Struct(m) | LayoutKind::Union(m) => m.iter().any(|l| l.is_packed()),
            LayoutKind::Sequence { element, .. } => element.is_packed(),
            LayoutKind::Padding => false,
        }
    }

    /// This layout as a struct layout, if it is one.
    pub const fn as_struct(&self) -> Option<StructLayout> {
        match self.kind {
            LayoutKind::Struct(_) => Some(StructLayout(*self)),
            _ => None,
        }
    }

    /// This layout as a union layout, if it is one.
    pub const fn as_union(&self) -> Option<UnionLayout> {
        match self.kind {
            LayoutKind::Union(_) => Some(UnionLayout(*self)),
            _ => None,
        }
    }

    /// This layout as a sequence layout, if it is one.
    pub const fn as_sequence(&self) -> Option<SequenceLayout> {
        match self.kind {
            LayoutKind::Sequence { .. } => Some(SequenceLayout(*self)),
            _ => None,
        }
    }

    /// This layout as a value layout carried by `T`, or a [`Error::CarrierMismatch`].
    pub fn as_value<T: Carrier>(&self) -> Result<ValueLayout<T>> {
        ValueLayout::from_layout(*self)
    }

    /// Checks that `offset` is a multiple of this layout's alignment: a helper for
    /// building groups by hand.
    pub const fn is_aligned_at(&self, offset: usize) -> bool {
        offset & (self.align - 1) == 0
    }
}

enum AlignProblem {
    NotPow2,
    BelowMembers,
}

const fn max_align(members: &[MemoryLayout]) -> usize {
    let mut a = 1;
    let mut i = 0;
    while i < members.len() {
        if members[i].align > a {
            a = members[i].align;
        }
        i += 1;
    }
    a
}

/// Checks struct members; returns the struct's size or a problem with the offending index.
const fn struct_size(members: &[MemoryLayout]) -> Result<usize, (usize, usize, StructProblem)> {
    let mut offset: usize = 0;
    let mut i = 0;
    while i < members.len() {
        let m = &members[i];
        if offset & (m.align - 1) != 0 {
            return Err((i, offset, StructProblem::Misaligned));
        }
        offset = match offset.checked_add(m.size) {
            Some(o) => o,
            None => return Err((i, offset, StructProblem::Overflow)),
        };
        i += 1;
    }
    Ok(offset)
}

enum StructProblem {
    Misaligned,
    Overflow,
}

const fn union_size(members: &[MemoryLayout]) -> usize {
    let mut s = 0;
    let mut i = 0;
    while i < members.len() {
        if members[i].size > s {
            s = members[i].size;
        }
        i += 1;
    }
    s
}

macro_rules! typed_layout {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Clone, Copy, PartialEq, Eq, Hash)]
        #[repr(transparent)]
        pub struct $name(MemoryLayout);

        impl $name {
            /// The erased layout.
            pub const fn layout(self) -> MemoryLayout {
                self.0
            }

            /// The same layout named `name`.
            pub const fn with_name(self, name: &'static str) -> Self {
                $name(self.0.with_name(name))
            }

            /// Size in bytes (usable in `const`, unlike the `Deref` to [`MemoryLayout`]).
            pub const fn byte_size(&self) -> usize {
                self.0.size
            }

            /// Alignment in bytes (usable in `const`).
            pub const fn byte_alignment(&self) -> usize {
                self.0.align
            }

            /// The same layout aligned to `align` bytes.
            ///
            /// # Panics
            /// As [`MemoryLayout::with_byte_alignment`].
            pub const fn with_byte_alignment(self, align: usize) -> Self {
                $name(self.0.with_byte_alignment(align))
            }
        }

        impl Deref for $name {
            type Target = MemoryLayout;
            fn deref(&self) -> &MemoryLayout {
                &self.0
            }
        }

        impl From<$name> for MemoryLayout {
            fn from(l: $name) -> MemoryLayout {
                l.0
            }
        }

        impl fmt::Debug for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                fmt::Debug::fmt(&self.0, f)
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                fmt::Display::fmt(&self.0, f)
            }
        }
    };
}

typed_layout!(
    /// A struct layout: members one after the other, each at an offset that is a multiple of its
    /// alignment. Padding is explicit ([`PaddingLayout`]), or inserted by [`StructLayout::c`].
    StructLayout
);
typed_layout!(
    /// A union layout: members overlapping at offset 0; its size is that of the largest member.
    UnionLayout
);
typed_layout!(
    /// A sequence layout: `count` repetitions of an element layout.
    SequenceLayout
);
typed_layout!(
    /// Padding: bytes that hold nothing, aligned to 1.
    PaddingLayout
);

impl StructLayout {
    /// A struct of `members`, which must already carry any padding C would insert.
    ///
    /// The struct's alignment is the largest member alignment; its size is the sum of the member
    /// sizes (add trailing padding to round it up, as C does).
    ///
    /// # Panics
    /// If a member lands at an offset that is not a multiple of its alignment, or the size
    /// overflows (at compile time in a `const`). See [`try_new`](Self::try_new).
    pub const fn new(members: &'static [MemoryLayout]) -> StructLayout {
        match struct_size(members) {
            Ok(size) => StructLayout(MemoryLayout {
                name: None,
                size,
                align: max_align(members),
                kind: LayoutKind::Struct(members),
            }),
            Err((_, _, StructProblem::Misaligned)) => {
                panic!("struct member is not aligned: insert padding before it")
            }
            Err((_, _, StructProblem::Overflow)) => panic!("struct size overflows usize"),
        }
    }

    /// A struct of `members` built at run time (interned), or an error naming the member that
    /// is out of place.
    pub fn try_new(members: &[MemoryLayout]) -> Result<StructLayout> {
        match struct_size(members) {
            Ok(_) => Ok(StructLayout::new(intern_layouts(members))),
            Err((i, offset, StructProblem::Misaligned)) => Err(Error::InvalidLayout {
                reason: format!(
                    "struct member #{i} {} at offset {offset} is not aligned to {} byte(s); insert padding before it",
                    members[i], members[i].align
                ),
            }),
            Err((i, _, StructProblem::Overflow)) => Err(Error::SizeOverflow {
                what: format!("struct size overflows usize at member #{i} {}", members[i]),
            }),
        }
    }

    /// A struct of `members` laid out by C's rules: padding inserted before each member to align
    /// it, and at the end to round the size up to the struct's alignment.
    ///
    /// ```
    /// use ffm::layout::StructLayout;
    /// use ffm::{I8, I32, I64};
    /// let s = StructLayout::c(&[I8.layout(), I64.layout(), I32.layout()]).unwrap();
    /// assert_eq!((s.byte_size(), s.byte_alignment()), (24, 8));
    /// ```
    pub fn c(members: &[MemoryLayout]) -> Result<StructLayout> {
        let mut out = Vec::with_capacity(members.len() * 2);
        let mut offset: usize = 0;
        let overflow = || Error::SizeOverflow {
            what: format!("C struct of {} member(s) overflows usize", members.len()),
        };
        for m in members {
            let aligned = offset
                .checked_next_multiple_of(m.align)
                .ok_or_else(overflow)?;
            if aligned > offset {
                out.push(PaddingLayout::new(aligned - offset).layout());
            }
            out.push(*m);
            offset = aligned.checked_add(m.size).ok_or_else(overflow)?;
        }
        let align = max_align(members);
        let end = offset
            .checked_next_multiple_of(align)
            .ok_or_else(overflow)?;
        if end > offset {
            out.push(PaddingLayout::new(end - offset).layout());
        }
        StructLayout::try_new(&out)
    }

    /// The members, padding included.
    pub const fn members(&self) -> &'static [MemoryLayout] {
        match self.0.kind {
            LayoutKind::Struct(m) => m,
            _ => &[],
        }
    }

    /// The byte offset of each member, in order.
    pub fn member_offsets(&self) -> impl Iterator<Item = (usize, &'static MemoryLayout)> {
        let mut offset = 0;
        self.members().iter().map(move |m| {
            let o = offset;
            offset += m.size;
            (o, m)
        })
    }
}

impl UnionLayout {
    /// A union of `members`: size of the largest member, alignment of the most aligned.
    pub const fn new(members: &'static [MemoryLayout]) -> UnionLayout {
        UnionLayout(MemoryLayout {
            name: None,
            size: union_size(members),
            align: max_align(members),
            kind: LayoutKind::Union(members),
        })
    }

    /// A union of `members` built at run time (interned).
    pub fn try_new(members: &[MemoryLayout]) -> Result<UnionLayout> {
        Ok(UnionLayout::new(intern_layouts(members)))
    }

    /// The members.
    pub const fn members(&self) -> &'static [MemoryLayout] {
        match self.0.kind {
            LayoutKind::Union(m) => m,
            _ => &[],
        }
    }
}

impl SequenceLayout {
    /// `count` repetitions of `element`.
    ///
    /// # Panics
    /// If the element's size is not a multiple of its alignment (the elements after the first
    /// would be misaligned) or the total size overflows (at compile time in a `const`).
    pub const fn new(count: usize, element: &'static MemoryLayout) -> SequenceLayout {
        if element.size & (element.align - 1) != 0 {
            panic!("sequence element size is not a multiple of its alignment");
        }
        let size = match count.checked_mul(element.size) {
            Some(s) => s,
            None => panic!("sequence size overflows usize"),
        };
        SequenceLayout(MemoryLayout {
            name: None,
            size,
            align: element.align,
            kind: LayoutKind::Sequence { element, count },
        })
    }

    /// `count` repetitions of `element`, built at run time (the element is interned).
    pub fn try_new(count: usize, element: MemoryLayout) -> Result<SequenceLayout> {
        if !element.size.is_multiple_of(element.align) {
            return Err(Error::InvalidLayout {
                reason: format!(
                    "sequence element {element} has size {} which is not a multiple of its alignment {}",
                    element.size, element.align
                ),
            });
        }
        if count.checked_mul(element.size).is_none() {
            return Err(Error::SizeOverflow {
                what: format!(
                    "{count} elements of {element} ({} bytes each)",
                    element.size
                ),
            });
        }
        Ok(SequenceLayout::new(count, intern_layout(element)))
    }

    /// The repeated layout.
    pub const fn element_layout(&self) -> &'static MemoryLayout {
        match self.0.kind {
            LayoutKind::Sequence { element, .. } => element,
            _ => panic!("not a sequence"),
        }
    }

    /// The number of repetitions.
    pub const fn element_count(&self) -> usize {
        match self.0.kind {
            LayoutKind::Sequence { count, .. } => count,
            _ => 0,
        }
    }

    /// The same element repeated `count` times.
    pub fn with_element_count(&self, count: usize) -> Result<SequenceLayout> {
        let mut s = SequenceLayout::try_new(count, *self.element_layout())?;
        s.0.name = self.0.name;
        Ok(s)
    }

    /// Flattens nested sequences into one sequence of their innermost element:
    /// `[10:[5:i32]]` becomes `[50:i32]`.
    ///
    /// The count cannot overflow for an element of non-zero size (the nested sizes already fit
    /// in `usize`); for a zero-size element it saturates at `usize::MAX`.
    pub fn flatten(&self) -> SequenceLayout {
        let mut count = self.element_count();
        let mut element = self.element_layout();
        while let LayoutKind::Sequence {
            element: e,
            count: c,
        } = element.kind
        {
            count = count.saturating_mul(c);
            element = e;
        }
        SequenceLayout::new(count, element)
    }

    /// Rearranges the flattened elements into nested sequences of the given counts, outermost
    /// first; one count may be `-1` and is then inferred. `[1000:i32].reshape(&[-1, 100])` is
    /// `[10:[100:i32]]`, the bulk layout for processing in chunks of 100.
    pub fn reshape(&self, counts: &[isize]) -> Result<SequenceLayout> {
        let flat = self.flatten();
        let total = flat.element_count();
        let bad = |why: String| Error::InvalidLayout {
            reason: format!("cannot reshape {self} into {counts:?}: {why}"),
        };
        if counts.is_empty() {
            return Err(bad("no element counts given".into()));
        }
        let mut inferred = None;
        let mut product: usize = 1;
        for (i, &c) in counts.iter().enumerate() {
            match c {
                -1 if inferred.is_none() => inferred = Some(i),
                -1 => return Err(bad("more than one count is -1".into())),
                c if c <= 0 => return Err(bad(format!("count {c} is not positive"))),
                c => {
                    product = product
                        .checked_mul(c as usize)
                        .ok_or_else(|| bad("the counts overflow usize".into()))?
                }
            }
        }
        let mut resolved: Vec<usize> = counts.iter().map(|&c| c.max(0) as usize).collect();
        match inferred {
            Some(i) => {
                if !total.is_multiple_of(product) {
                    return Err(bad(format!(
                        "{total} elements are not divisible by {product}"
                    )));
                }
                resolved[i] = total / product;
            }
            None if product != total => {
                return Err(bad(format!(
                    "the counts multiply to {product}, but there are {total} elements"
                )));
            }
            None => {}
        }
        let mut layout = *flat.element_layout();
        for &c in resolved.iter().rev() {
            layout = SequenceLayout::try_new(c, layout)?.layout();
        }
        Ok(SequenceLayout(layout))
    }
}

impl PaddingLayout {
    /// `size` bytes of padding.
    pub const fn new(size: usize) -> PaddingLayout {
        PaddingLayout(MemoryLayout {
            name: None,
            size,
            align: 1,
            kind: LayoutKind::Padding,
        })
    }
}

impl fmt::Display for MemoryLayout {
    /// Prints layouts compactly: `i32`, `[i32(x) i32(y)](Point)`, `[10:i32]`, `[i32|f32]`, `x4`
    /// (padding); a non-native byte order adds `be`/`le`, a non-natural alignment `%align`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let natural = match self.kind {
            LayoutKind::Value { kind, order, .. } => {
                f.write_str(kind.name())?;
                if order != ByteOrder::NATIVE {
                    f.write_str(match order {
                        ByteOrder::Big => "be",
                        ByteOrder::Little => "le",
                    })?;
                }
                kind.size()
            }
            LayoutKind::Struct(m) | LayoutKind::Union(m) => {
                let sep = if matches!(self.kind, LayoutKind::Struct(_)) {
                    " "
                } else {
                    "|"
                };
                f.write_str("[")?;
                for (i, l) in m.iter().enumerate() {
                    if i > 0 {
                        f.write_str(sep)?;
                    }
                    write!(f, "{l}")?;
                }
                f.write_str("]")?;
                max_align(m)
            }
            LayoutKind::Sequence { element, count } => {
                write!(f, "[{count}:{element}]")?;
                element.align
            }
            LayoutKind::Padding => {
                write!(f, "x{}", self.size)?;
                1
            }
        };
        if self.align != natural {
            write!(f, "%{}", self.align)?;
        }
        if let Some(name) = self.name {
            write!(f, "({name})")?;
        }
        Ok(())
    }
}

impl fmt::Debug for MemoryLayout {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "MemoryLayout({self})")
    }
}

#[cfg(test)]
mod tests;
