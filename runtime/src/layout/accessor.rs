//! Accessors: typed access to one value layout inside a larger layout (the seeds' var handles).

use std::fmt;

use super::path::FreeDim;
use super::{ByteOrder, Carrier, ValueLayout};
use crate::segment::Segment;
use crate::{Error, Result};

/// Reads and writes the value a layout path selects, given one index per free dimension.
///
/// Made by [`MemoryLayout::accessor`](super::MemoryLayout::accessor), which checks the carrier
/// type `T` and the number of free dimensions `N` once. Each use checks the indexes against the
/// sequence counts and the resulting offset against the segment's bounds and alignment.
///
/// Combinators cover what closures do not: [`bind`](Accessor::bind) fixes one coordinate,
/// [`at_offset`](Accessor::at_offset) moves the accessor by a byte offset (to use it on a
/// struct embedded in a larger segment).
pub struct Accessor<T, const N: usize> {
    layout: ValueLayout<T>,
    offset: usize,
    dims: [FreeDim; N],
    /// Whether the base offset and every stride are multiples of the alignment and the byte
    /// order is native: then, on a segment whose base is aligned and that is at least `extent`
    /// long, an access needs only its index checks.
    simple: bool,
    /// One past the last byte any in-range index reaches: a segment at least this long needs no
    /// per-access bounds check beyond the index ranges.
    extent: usize,
    /// When `simple`: the base offset and strides counted in values of `T` rather than bytes,
    /// so that the compiler sees element-wise addressing (and can vectorize a stride of one).
    elem_offset: usize,
    elem_strides: [usize; N],
}

impl<T, const N: usize> Clone for Accessor<T, N> {
    fn clone(&self) -> Self {
        *self
    }
}
impl<T, const N: usize> Copy for Accessor<T, N> {}

impl<T, const N: usize> fmt::Debug for Accessor<T, N> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Accessor")
            .field("layout", &self.layout)
            .field("offset", &self.offset)
            .field("dims", &self.dims)
            .finish_non_exhaustive()
    }
}

impl<T: Carrier, const N: usize> Accessor<T, N> {
    pub(crate) fn new(layout: ValueLayout<T>, offset: usize, dims: [FreeDim; N]) -> Self {
        let align = layout.byte_alignment();
        let extent = dims
            .iter()
            .try_fold(offset, |end, d| {
                end.checked_add(d.count.checked_sub(1)?.checked_mul(d.stride)?)
            })
            .and_then(|end| end.checked_add(T::KIND.size()))
            .unwrap_or(usize::MAX);
        let size = T::KIND.size();
        Accessor {
            layout,
            offset,
            dims,
            simple: offset.is_multiple_of(size)
                && dims.iter().all(|d| d.stride.is_multiple_of(size))
                && align <= size
                && layout.order() == ByteOrder::NATIVE,
            extent,
            elem_offset: offset / size,
            elem_strides: dims.map(|d| d.stride / size),
        }
    }

    /// The position (in values of `T`) for `indexes` and whether every index is in range,
    /// without branching. Only meaningful when `simple`.
    #[inline(always)]
    fn locate_elem(&self, indexes: &[usize; N]) -> (usize, bool) {
        let mut index = self.elem_offset;
        let mut in_range = true;
        for ((i, d), s) in indexes.iter().zip(&self.dims).zip(&self.elem_strides) {
            in_range &= *i < d.count;
            index = index.wrapping_add(i.wrapping_mul(*s));
        }
        (index, in_range)
    }

    /// Whether every in-range index of this accessor can be read from `segment` with the
    /// native byte order and no other check. Loop-invariant, so a loop over indexes tests it
    /// once.
    #[inline(always)]
    fn simple_on(&self, segment: &Segment) -> bool {
        self.simple
            & (self.extent <= segment.len())
            & (segment.as_ptr().addr() & (self.layout.byte_alignment() - 1) == 0)
    }

    #[cold]
    #[inline(never)]
    #[track_caller]
    fn fail(&self, segment: &Segment, indexes: [usize; N]) -> ! {
        let e = match self.offset_of(indexes) {
            Ok(offset) => {
                segment
                    .try_get(self.layout, offset)
                    .err()
                    .unwrap_or(Error::OutOfBounds {
                        offset,
                        len: T::KIND.size(),
                        segment_len: segment.len(),
                        layout: Some(self.layout.layout()),
                    })
            }
            Err(e) => e,
        };
        crate::segment::access_failed(e)
    }

    /// The value layout this accessor reads and writes.
    pub fn layout(&self) -> ValueLayout<T> {
        self.layout
    }

    /// The byte offset of the value when every index is 0.
    pub fn offset(&self) -> usize {
        self.offset
    }

    /// The number of valid indexes in each free dimension.
    pub fn dimensions(&self) -> [usize; N] {
        self.dims.map(|d| d.count)
    }

    /// The byte offset for `indexes`, or an error naming the index out of range, or an
    /// [`Error::SizeOverflow`] if the offset does not fit in `usize` (an accessor moved far
    /// with [`at_offset`](Self::at_offset)).
    #[inline]
    pub fn offset_of(&self, indexes: [usize; N]) -> Result<usize> {
        let mut offset = self.offset;
        let mut overflowed = false;
        for (i, d) in indexes.iter().zip(&self.dims) {
            if *i >= d.count {
                return Err(Error::IndexOutOfRange {
                    index: *i,
                    count: d.count,
                    layout: self.layout.layout(),
                });
            }
            // i < count, so i * stride stays within the (usize-sized) enclosing layout; adding
            // the base offset may still overflow when the accessor was moved far with
            // at_offset, and a wrapped offset would land inside the segment at the wrong place.
            let (sum, carry) = offset.overflowing_add(*i * d.stride);
            offset = sum;
            overflowed |= carry;
        }
        if overflowed {
            return Err(self.overflow(indexes));
        }
        Ok(offset)
    }

    /// [`offset_of`](Self::offset_of) without the error: `None` for an index out of range or
    /// an offset that overflows.
    #[inline(always)]
    fn checked_offset(&self, indexes: &[usize; N]) -> Option<usize> {
        let mut offset = self.offset;
        let mut ok = true;
        for (i, d) in indexes.iter().zip(&self.dims) {
            ok &= *i < d.count;
            // Wrapping: the product only counts when the index is in range (then it fits).
            let (sum, carry) = offset.overflowing_add(i.wrapping_mul(d.stride));
            offset = sum;
            ok &= !carry;
        }
        ok.then_some(offset)
    }

    #[cold]
    #[inline(never)]
    fn overflow(&self, indexes: [usize; N]) -> Error {
        Error::SizeOverflow {
            what: format!(
                "the offset of {} at indexes {indexes:?} (base offset {}, dimensions {:?})",
                self.layout, self.offset, self.dims
            ),
        }
    }

    /// Reads the value at `indexes`.
    ///
    /// # Panics
    /// If an index is out of range, the offset overflows `usize`, or the value is outside
    /// `segment` or misaligned; the message names the index, offset and layout. See
    /// [`try_get`](Self::try_get).
    #[inline]
    #[track_caller]
    pub fn get(&self, segment: &Segment, indexes: [usize; N]) -> T {
        if self.simple_on(segment) {
            let (index, in_range) = self.locate_elem(&indexes);
            if in_range {
                // SAFETY: every in-range index lands inside `extent <= len` bytes, aligned
                // because the base and all strides and offsets are multiples of the value size
                // (itself a multiple of the alignment); the segment is readable while borrowed.
                unsafe {
                    T::read(
                        segment.as_ptr().cast::<T>().add(index).cast(),
                        ByteOrder::NATIVE,
                    )
                }
            } else {
                self.fail(segment, indexes)
            }
        } else {
            self.get_general(segment, indexes)
        }
    }

    // Inline, and calling nothing that returns: then the compiler sees that the loop over
    // an accessor writes no memory it reads, tests `simple_on` once outside the loop, and
    // vectorizes the fast path.
    #[inline(always)]
    #[track_caller]
    fn get_general(&self, segment: &Segment, indexes: [usize; N]) -> T {
        match self.checked_offset(&indexes) {
            Some(offset) => segment.get(self.layout, offset),
            None => self.fail(segment, indexes),
        }
    }

    /// Writes `value` at `indexes`.
    ///
    /// # Panics
    /// As [`get`](Self::get).
    #[inline]
    #[track_caller]
    pub fn set(&self, segment: &mut Segment, indexes: [usize; N], value: T) {
        if self.simple_on(segment) {
            let (index, in_range) = self.locate_elem(&indexes);
            if in_range {
                // SAFETY: as in get; `&mut Segment` makes the write exclusive.
                unsafe {
                    value.write(
                        segment.as_mut_ptr().cast::<T>().add(index).cast(),
                        ByteOrder::NATIVE,
                    )
                }
            } else {
                self.fail(segment, indexes)
            }
        } else {
            self.set_general(segment, indexes, value)
        }
    }

    // Inline, and calling nothing that returns: then the compiler sees that the loop over
    // an accessor writes no memory it reads, tests `simple_on` once outside the loop, and
    // vectorizes the fast path.
    #[inline(always)]
    #[track_caller]
    fn set_general(&self, segment: &mut Segment, indexes: [usize; N], value: T) {
        match self.checked_offset(&indexes) {
            Some(offset) => segment.set(self.layout, offset, value),
            None => self.fail(segment, indexes),
        }
    }

    /// Reads the value at `indexes`, or returns the error.
    #[inline]
    pub fn try_get(&self, segment: &Segment, indexes: [usize; N]) -> Result<T> {
        segment.try_get(self.layout, self.offset_of(indexes)?)
    }

    /// Writes `value` at `indexes`, or returns the error.
    #[inline]
    pub fn try_set(&self, segment: &mut Segment, indexes: [usize; N], value: T) -> Result<()> {
        segment.try_set(self.layout, self.offset_of(indexes)?, value)
    }

    /// The same accessor, `bytes` further into the segment: for a layout embedded at that
    /// offset in a larger one.
    pub fn at_offset(self, bytes: usize) -> Result<Self> {
        let offset = self
            .offset
            .checked_add(bytes)
            .ok_or_else(|| Error::SizeOverflow {
                what: format!("accessor offset {} + {bytes}", self.offset),
            })?;
        Ok(Accessor::new(self.layout, offset, self.dims))
    }
}

macro_rules! bind {
    ($($n:literal => $m:literal),*) => {$(
        impl<T: Carrier> Accessor<T, $n> {
            /// Fixes free dimension `dim` at `index`, leaving an accessor with one index fewer
            /// (the seeds' `insertCoordinates`).
            pub fn bind(self, dim: usize, index: usize) -> Result<Accessor<T, $m>> {
                let Some(d) = self.dims.get(dim) else {
                    return Err(Error::FreeDimensions { expected: dim + 1, found: $n, layout: self.layout.layout() });
                };
                if index >= d.count {
                    return Err(Error::IndexOutOfRange { index, count: d.count, layout: self.layout.layout() });
                }
                let offset = self.offset.checked_add(index * d.stride).ok_or_else(|| Error::SizeOverflow {
                    what: format!("accessor offset {} + {index} * {}", self.offset, d.stride),
                })?;
                let mut rest = self.dims.iter().enumerate().filter(|(i, _)| *i != dim).map(|(_, d)| *d);
                let dims: [FreeDim; $m] = std::array::from_fn(|_| rest.next().expect("one dimension fewer"));
                Ok(Accessor::new(self.layout, offset, dims))
            }
        }
    )*};
}

bind!(1 => 0, 2 => 1, 3 => 2, 4 => 3);
