//! Layout paths: selecting a nested layout, its offset, and the free dimensions on the way.

use std::fmt;

use super::{Carrier, LayoutKind, MemoryLayout, accessor::Accessor};
use crate::{Error, Result};

/// One step of a layout path, from a layout to one of its parts.
///
/// ```
/// use ffm::layout::{PathElement, SequenceLayout, StructLayout};
/// use ffm::I32;
/// const POINT: StructLayout = StructLayout::new(&[I32.with_name("x").layout(), I32.with_name("y").layout()]);
/// const POINTS: SequenceLayout = SequenceLayout::new(10, &POINT.layout());
/// let path = [PathElement::sequence(3), PathElement::group("y")];
/// assert_eq!(POINTS.byte_offset(&path).unwrap(), 28);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum PathElement<'n> {
    /// The member of a struct or union with this name.
    Group(&'n str),
    /// The member of a struct or union at this position (padding counts).
    GroupIndex(usize),
    /// The element of a sequence at this index.
    Sequence(usize),
    /// Every element of a sequence: a free dimension, indexed when the accessor is used.
    SequenceFree,
    /// Elements `start`, `start + step`, … of a sequence: a free dimension.
    SequenceRange {
        /// First index.
        start: usize,
        /// Distance between indexes (at least 1).
        step: usize,
    },
    /// The pointee of an address layout that has a target layout.
    Dereference,
}

impl<'n> PathElement<'n> {
    /// Selects the member named `name`.
    pub const fn group(name: &'n str) -> Self {
        PathElement::Group(name)
    }
    /// Selects the member at position `index`.
    pub const fn group_index(index: usize) -> Self {
        PathElement::GroupIndex(index)
    }
    /// Selects the sequence element at `index`.
    pub const fn sequence(index: usize) -> Self {
        PathElement::Sequence(index)
    }
    /// Selects every sequence element, leaving a free dimension.
    pub const fn sequence_free() -> Self {
        PathElement::SequenceFree
    }
    /// Selects every `step`-th sequence element from `start`, leaving a free dimension.
    pub const fn sequence_range(start: usize, step: usize) -> Self {
        PathElement::SequenceRange { start, step }
    }
    /// Follows an address to its target layout.
    pub const fn dereference() -> Self {
        PathElement::Dereference
    }
}

impl fmt::Display for PathElement<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PathElement::Group(n) => write!(f, "group({n:?})"),
            PathElement::GroupIndex(i) => write!(f, "group_index({i})"),
            PathElement::Sequence(i) => write!(f, "sequence({i})"),
            PathElement::SequenceFree => write!(f, "sequence_free()"),
            PathElement::SequenceRange { start, step } => {
                write!(f, "sequence_range({start}, {step})")
            }
            PathElement::Dereference => write!(f, "dereference()"),
        }
    }
}

/// One free dimension of a path: indexes `0..count`, each `stride` bytes apart.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct FreeDim {
    pub(crate) stride: usize,
    pub(crate) count: usize,
}

/// Where a path leads.
pub(crate) struct Walk {
    pub(crate) layout: MemoryLayout,
    pub(crate) offset: usize,
    pub(crate) free: Vec<FreeDim>,
    pub(crate) dereferenced: bool,
}

fn mismatch(element: &PathElement<'_>, layout: &MemoryLayout) -> Error {
    Error::PathMismatch {
        element: element.to_string(),
        layout: *layout,
    }
}

impl MemoryLayout {
    pub(crate) fn walk(&self, path: &[PathElement<'_>]) -> Result<Walk> {
        let mut layout = *self;
        let mut offset: usize = 0;
        let mut free = Vec::new();
        let mut dereferenced = false;
        let overflow = || Error::SizeOverflow {
            what: format!("offset of path {path:?} in {self}"),
        };
        for element in path {
            match (*element, layout.kind) {
                (PathElement::Group(name), LayoutKind::Struct(m) | LayoutKind::Union(m)) => {
                    let is_struct = matches!(layout.kind, LayoutKind::Struct(_));
                    let mut member_offset = 0;
                    let found = m.iter().find(|l| {
                        let hit = l.name == Some(name);
                        if !hit && is_struct {
                            member_offset += l.size;
                        }
                        hit
                    });
                    let Some(found) = found else {
                        return Err(Error::NoSuchMember {
                            name: name.to_owned(),
                            layout,
                        });
                    };
                    offset = offset.checked_add(member_offset).ok_or_else(overflow)?;
                    layout = *found;
                }
                (PathElement::GroupIndex(i), LayoutKind::Struct(m) | LayoutKind::Union(m)) => {
                    let Some(found) = m.get(i) else {
                        return Err(Error::IndexOutOfRange {
                            index: i,
                            count: m.len(),
                            layout,
                        });
                    };
                    if matches!(layout.kind, LayoutKind::Struct(_)) {
                        offset += m[..i].iter().map(|l| l.size).sum::<usize>();
                    }
                    layout = *found;
                }
                (PathElement::Sequence(i), LayoutKind::Sequence { element, count }) => {
                    if i >= count {
                        return Err(Error::IndexOutOfRange {
                            index: i,
                            count,
                            layout,
                        });
                    }
                    // i < count, so i * size <= the sequence's size, which fits in usize.
                    offset = offset.checked_add(i * element.size).ok_or_else(overflow)?;
                    layout = *element;
                }
                (PathElement::SequenceFree, LayoutKind::Sequence { element, count }) => {
                    free.push(FreeDim {
                        stride: element.size,
                        count,
                    });
                    layout = *element;
                }
                (
                    PathElement::SequenceRange { start, step },
                    LayoutKind::Sequence { element, count },
                ) => {
                    if step == 0 {
                        return Err(Error::InvalidLayout {
                            reason: format!("{element} step must be at least 1"),
                        });
                    }
                    if start >= count {
                        return Err(Error::IndexOutOfRange {
                            index: start,
                            count,
                            layout,
                        });
                    }
                    offset = offset
                        .checked_add(start * element.size)
                        .ok_or_else(overflow)?;
                    let count = (count - start).div_ceil(step);
                    free.push(FreeDim {
                        // With two or more elements selected, step < count, so the product is
                        // at most the sequence's size; with one, the stride is never used and
                        // saturating keeps a huge step from overflowing.
                        stride: step.saturating_mul(element.size),
                        count,
                    });
                    layout = *element;
                }
                (
                    PathElement::Dereference,
                    LayoutKind::Value {
                        target: Some(target),
                        ..
                    },
                ) => {
                    dereferenced = true;
                    offset = 0;
                    free.clear();
                    layout = *target;
                }
                (element, _) => return Err(mismatch(&element, &layout)),
            }
        }
        Ok(Walk {
            layout,
            offset,
            free,
            dereferenced,
        })
    }

    /// The byte offset of the layout selected by `path`, from the start of this layout.
    ///
    /// The path may not have free dimensions or dereference steps: those have no single
    /// offset.
    pub fn byte_offset(&self, path: &[PathElement<'_>]) -> Result<usize> {
        let walk = self.walk(path)?;
        if let Some(e) = path.iter().find(|e| {
            matches!(
                e,
                PathElement::SequenceFree
                    | PathElement::SequenceRange { .. }
                    | PathElement::Dereference
            )
        }) {
            return Err(Error::InvalidLayout {
                reason: format!(
                    "byte_offset needs a path to one place, but {e} in {path:?} selects many in {self}"
                ),
            });
        }
        Ok(walk.offset)
    }

    /// The layout selected by `path`.
    pub fn select(&self, path: &[PathElement<'_>]) -> Result<MemoryLayout> {
        Ok(self.walk(path)?.layout)
    }

    /// A typed accessor for the value layout selected by `path`: the seeds' memory-access var
    /// handle.
    ///
    /// `T` must carry the selected value layout, and `N` must be the number of free dimensions
    /// of the path (each [`PathElement::sequence_free`] or [`PathElement::sequence_range`]).
    /// Both are checked here, once; using the accessor checks only the indexes and the
    /// segment's bounds.
    ///
    /// ```
    /// use ffm::layout::{Accessor, PathElement, SequenceLayout, StructLayout};
    /// use ffm::{I32, Arena, SegmentAllocator};
    /// const POINT: StructLayout = StructLayout::new(&[I32.with_name("x").layout(), I32.with_name("y").layout()]);
    /// const POINTS: SequenceLayout = SequenceLayout::new(10, &POINT.layout());
    /// let y: Accessor<i32, 1> = POINTS
    ///     .accessor(&[PathElement::sequence_free(), PathElement::group("y")])
    ///     .unwrap();
    /// let arena = Arena::new();
    /// let seg = arena.allocate_layout(&POINTS).unwrap();
    /// y.set(seg, [3], 42);
    /// assert_eq!(seg.get(I32, 28), 42);
    /// ```
    pub fn accessor<T: Carrier, const N: usize>(
        &self,
        path: &[PathElement<'_>],
    ) -> Result<Accessor<T, N>> {
        let walk = self.walk(path)?;
        if walk.dereferenced {
            return Err(Error::InvalidLayout {
                reason: format!(
                    "an accessor cannot follow {} in {path:?}: read the address, then reinterpret it",
                    PathElement::Dereference
                ),
            });
        }
        let value = walk.layout.as_value::<T>()?;
        let free: [FreeDim; N] =
            walk.free
                .try_into()
                .map_err(|v: Vec<FreeDim>| Error::FreeDimensions {
                    expected: N,
                    found: v.len(),
                    layout: walk.layout,
                })?;
        Ok(Accessor::new(value, walk.offset, free))
    }
}
