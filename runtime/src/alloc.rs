//! The allocator trait and the allocators that are not arenas.

use std::cell::{Cell, RefCell};
use std::marker::PhantomData;

use crate::arena::{Arena, SharedArena};
use crate::block::{Block, dangling, layout_for};
use crate::layout::{Carrier, MemoryLayout, ValueLayout};
use crate::segment::Segment;
use crate::{Error, Result};

/// Something that hands out zero-filled segments living for `'a`.
///
/// The trait is implemented for *references* to allocators: `&'a Arena`, `&'a SharedArena`,
/// `&'a SlicingAllocator`, `&'a MallocAllocator` (all `Copy`, so one value can allocate many
/// times, and every segment lives as long as the allocator is borrowed), and
/// `&'a mut PrefixAllocator` (which hands the same memory out again, so its segment keeps it
/// borrowed mutably). Methods take `self`; on an allocator value, method syntax borrows it:
///
/// ```
/// use ffm::{Arena, SegmentAllocator, I32};
/// let arena = Arena::new();
/// let xs = arena.allocate_from(I32, &[1, 2, 3]).unwrap();
/// let s = arena.allocate_str("hello").unwrap();
/// assert_eq!(xs.get_at_index(I32, 2), 3);
/// assert_eq!(s.get_str(0).unwrap(), "hello");
/// ```
///
/// Every allocation is zero-filled; struct-by-value returns and the typed helpers build on it.
///
/// An implementation answers a request with (at least) `size` bytes aligned to `align`. The
/// trait is safe to implement, so nothing unsafe may rely on that: where C writes into an
/// allocation (a struct returned by value, a built `va_list`), the answer is checked first and
/// a short or misaligned segment is an error.
pub trait SegmentAllocator<'a>: Sized {
    /// Allocates `size` zero-filled bytes aligned to `align`.
    fn allocate(self, size: usize, align: usize) -> Result<&'a mut Segment>;

    /// Allocates zero-filled memory for `layout`.
    fn allocate_layout(self, layout: &MemoryLayout) -> Result<&'a mut Segment> {
        self.allocate(layout.byte_size(), layout.byte_alignment())
    }

    /// Allocates one value of `layout`, initialized to `value`.
    fn allocate_value<T: Carrier>(
        self,
        layout: ValueLayout<T>,
        value: T,
    ) -> Result<&'a mut Segment> {
        let seg = self.allocate_layout(&layout)?;
        seg.try_set(layout, 0, value)?;
        Ok(seg)
    }

    /// Allocates a zero-filled array of `count` elements of `layout`.
    fn allocate_array<T: Carrier>(
        self,
        layout: ValueLayout<T>,
        count: usize,
    ) -> Result<&'a mut Segment> {
        let size = count
            .checked_mul(layout.byte_size())
            .ok_or_else(|| Error::SizeOverflow {
                what: format!("array of {count} × {layout}"),
            })?;
        self.allocate(size, layout.byte_alignment())
    }

    /// Allocates an array of `layout` holding `values`, written in the layout's byte order.
    fn allocate_from<T: Carrier>(
        self,
        layout: ValueLayout<T>,
        values: &[T],
    ) -> Result<&'a mut Segment> {
        let seg = self.allocate_array(layout, values.len())?;
        for (i, v) in values.iter().enumerate() {
            seg.try_set_at_index(layout, i, *v)?;
        }
        Ok(seg)
    }

    /// Allocates a copy of the bytes of `src`, aligned to `align`.
    fn allocate_copy(self, src: &Segment, align: usize) -> Result<&'a mut Segment> {
        let seg = self.allocate(src.len(), align)?;
        seg.copy_from(src);
        Ok(seg)
    }

    /// Allocates `s` as a NUL-terminated C string.
    ///
    /// Fails with [`Error::InvalidString`] if `s` contains a NUL.
    fn allocate_str(self, s: &str) -> Result<&'a mut Segment> {
        let seg = self.allocate(s.len() + 1, 1)?;
        seg.set_string(0, s)?;
        Ok(seg)
    }
}

/// Checks a segment that an allocator answered a request for `size` bytes aligned to `align`
/// with, and returns its first `size` bytes.
///
/// [`SegmentAllocator`] is a safe trait, so an implementation may answer with a shorter or less
/// aligned segment than it was asked for. Code that lets C write the memory (struct returns,
/// `va_list`s) checks the answer with this first: C writes every byte of the layout, bounds or
/// not.
pub(crate) fn checked_allocation(
    segment: &mut Segment,
    size: usize,
    align: usize,
    layout: Option<MemoryLayout>,
) -> Result<&mut Segment> {
    if segment.len() < size {
        return Err(Error::OutOfBounds {
            offset: 0,
            len: size,
            segment_len: segment.len(),
            layout,
        });
    }
    if !align.is_power_of_two() {
        return Err(Error::InvalidAlignment { align });
    }
    if !segment.is_aligned_at(0, align) {
        return Err(Error::Misaligned {
            address: segment.as_ptr().addr(),
            offset: 0,
            align,
            layout,
        });
    }
    Ok(segment.slice_mut(0, size))
}

impl<'a> SegmentAllocator<'a> for &'a Arena {
    #[inline]
    fn allocate(self, size: usize, align: usize) -> Result<&'a mut Segment> {
        Arena::allocate(self, size, align)
    }
}

impl<'a> SegmentAllocator<'a> for &'a SharedArena {
    #[inline]
    fn allocate(self, size: usize, align: usize) -> Result<&'a mut Segment> {
        SharedArena::allocate(self, size, align)
    }
}

/// A bounded allocator that slices consecutive segments out of one segment it borrows, and
/// fails with [`Error::AllocatorFull`] when the next one does not fit.
///
/// ```
/// use ffm::{Segment, SegmentAllocator, SlicingAllocator};
/// let mut buf = [0u8; 16];
/// let slicer = SlicingAllocator::new(Segment::of_mut_slice(&mut buf));
/// let a = slicer.allocate(8, 1).unwrap();
/// let b = slicer.allocate(8, 1).unwrap();
/// assert!(slicer.allocate(1, 1).is_err());
/// a.fill(1);
/// b.fill(2);
/// ```
pub struct SlicingAllocator<'s> {
    base: *mut u8,
    len: usize,
    used: Cell<usize>,
    _segment: PhantomData<&'s mut Segment>,
}

impl<'s> SlicingAllocator<'s> {
    /// An allocator over all of `segment`, which it borrows for `'s`.
    pub fn new(segment: &'s mut Segment) -> Self {
        SlicingAllocator {
            base: segment.as_mut_ptr(),
            len: segment.len(),
            used: Cell::new(0),
            _segment: PhantomData,
        }
    }

    /// Bytes not yet handed out.
    pub fn remaining(&self) -> usize {
        self.len - self.used.get()
    }

    /// Total bytes.
    pub fn capacity(&self) -> usize {
        self.len
    }

    /// Starts again from the beginning. Takes `&mut self`, so no segment handed out earlier
    /// can still be in use.
    pub fn reset(&mut self) {
        self.used.set(0);
    }

    #[allow(clippy::mut_from_ref)] // each call returns a fresh, disjoint slice
    fn slice(&self, size: usize, align: usize) -> Result<&mut Segment> {
        layout_for(size, align)?;
        let used = self.used.get();
        let here = self.base.addr().wrapping_add(used);
        let pad = here.wrapping_neg() & (align - 1);
        let remaining = self.len - used;
        if pad > remaining || size > remaining - pad {
            return Err(Error::AllocatorFull {
                requested: size,
                align,
                remaining,
                capacity: self.len,
            });
        }
        self.used.set(used + pad + size);
        // SAFETY: [used + pad, used + pad + size) is inside the borrowed segment (checked
        // above) and past every range handed out before, so it is exclusive for 's; the bytes
        // are initialized because they belong to a segment.
        let seg = unsafe { Segment::from_raw_parts_mut(self.base.add(used + pad), size) };
        seg.fill(0);
        Ok(seg)
    }
}

impl<'a> SegmentAllocator<'a> for &'a SlicingAllocator<'_> {
    fn allocate(self, size: usize, align: usize) -> Result<&'a mut Segment> {
        self.slice(size, align)
    }
}

impl std::fmt::Debug for SlicingAllocator<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SlicingAllocator")
            .field("capacity", &self.len)
            .field("remaining", &self.remaining())
            .finish()
    }
}

/// A recycling allocator: every request is answered with (a zero-filled, aligned prefix of) the
/// same segment. For scratch memory reused call after call.
///
/// Because the memory is handed out again, each segment borrows the allocator mutably for as
/// long as it lives: a second allocation while the first is alive does not compile.
///
/// ```
/// use ffm::{PrefixAllocator, Segment, SegmentAllocator, I32};
/// let mut buf = [0u8; 64];
/// let mut scratch = PrefixAllocator::new(Segment::of_mut_slice(&mut buf));
/// for i in 0..3 {
///     let seg = scratch.allocate(4, 4).unwrap();
///     assert_eq!(seg.get(I32, 0), 0); // zero again each time
///     seg.set(I32, 0, i);
/// }
/// ```
#[derive(Debug)]
pub struct PrefixAllocator<'s> {
    segment: &'s mut Segment,
}

impl<'s> PrefixAllocator<'s> {
    /// An allocator that recycles `segment`.
    pub fn new(segment: &'s mut Segment) -> Self {
        PrefixAllocator { segment }
    }

    /// Total bytes.
    pub fn capacity(&self) -> usize {
        self.segment.len()
    }
}

impl<'a> SegmentAllocator<'a> for &'a mut PrefixAllocator<'_> {
    /// Small enough to inline into every caller: a few compares, a few stores to zero-fill a
    /// small request, and anything unusual settled out of line.
    #[inline]
    fn allocate(self, size: usize, align: usize) -> Result<&'a mut Segment> {
        if !align.is_power_of_two() {
            return prefix_exact(self.segment, size, align);
        }
        self.prefix(size, align)
    }

    /// As [`allocate`](SegmentAllocator::allocate); a layout's alignment is a power of two, so that is
    /// not checked again.
    #[inline]
    fn allocate_layout(self, layout: &MemoryLayout) -> Result<&'a mut Segment> {
        self.prefix(layout.byte_size(), layout.byte_alignment())
    }
}

impl PrefixAllocator<'_> {
    /// The zero-filled prefix of `size` bytes aligned to `align`, which the caller has seen to
    /// be a power of two. (Were it not, the answer would still be inside the segment, since
    /// the checks bound the padding by `align - 1`, only not aligned.)
    #[inline(always)]
    fn prefix(&mut self, size: usize, align: usize) -> Result<&mut Segment> {
        let capacity = self.segment.len();
        let mask = align.wrapping_sub(1);
        // In line, a sufficient condition: a power-of-two alignment (the caller's word), and
        // the size plus the most padding it can need within the capacity. Then the request has
        // a layout (the size rounded up to the alignment is within the capacity, so within
        // `isize::MAX`, as `layout_for` wants), and it fits whatever the padding. Anything
        // else (a request that fits only thanks to the base's alignment, or fails) is settled
        // out of line, exactly.
        if !(size <= capacity && mask <= capacity - size) {
            return prefix_exact(self.segment, size, align);
        }
        let pad = self.segment.as_ptr().addr().wrapping_neg() & mask;
        // SAFETY: `pad <= mask` and `size + mask <= capacity` (checked above), so
        // `pad..pad + size` is inside the segment's bytes, which `self` borrows mutably.
        let bytes = unsafe {
            self.segment
                .as_bytes_mut()
                .get_unchecked_mut(pad..pad + size)
        };
        zero_fill(bytes);
        Ok(Segment::of_bytes_mut(bytes))
    }
}

/// A [`PrefixAllocator`]'s answer to a request its in-line check does not settle: the aligned,
/// zero-filled prefix of `segment` if the request has a layout and fits, else why not (the
/// request's [`layout_for`] error, or [`Error::AllocatorFull`]).
#[inline(never)]
fn prefix_exact(segment: &mut Segment, size: usize, align: usize) -> Result<&mut Segment> {
    layout_for(size, align)?;
    let capacity = segment.len();
    let pad = segment.as_ptr().addr().wrapping_neg() & (align - 1);
    if pad > capacity || size > capacity - pad {
        return Err(Error::AllocatorFull {
            requested: size,
            align,
            remaining: capacity,
            capacity,
        });
    }
    let seg = segment.slice_mut(pad, size);
    seg.fill(0);
    Ok(seg)
}

/// Zero-fills `bytes`: up to 32 bytes with two (possibly overlapping) stores, in line, rather
/// than a call to `memset`.
#[inline(always)]
fn zero_fill(bytes: &mut [u8]) {
    let n = bytes.len();
    if (8..=16).contains(&n) {
        bytes[..8].fill(0);
        bytes[n - 8..].fill(0);
    } else if (16..=32).contains(&n) {
        bytes[..16].fill(0);
        bytes[n - 16..].fill(0);
    } else {
        bytes.fill(0);
    }
}

/// An allocator that makes one system allocation per request (Rust's global allocator, which
/// is `malloc` unless the program sets another), all freed when it drops.
///
/// Unlike an arena it does not pack requests together, so each segment's memory is its own
/// allocation: useful when C code expects memory it may inspect with `malloc_usable_size`, or
/// to let tools such as sanitizers see each request separately.
#[derive(Default)]
pub struct MallocAllocator {
    blocks: RefCell<Vec<Block>>,
}

impl MallocAllocator {
    /// A new allocator holding nothing.
    pub const fn new() -> Self {
        MallocAllocator {
            blocks: RefCell::new(Vec::new()),
        }
    }

    /// How many allocations it holds.
    pub fn allocations(&self) -> usize {
        self.blocks.borrow().len()
    }
}

impl<'a> SegmentAllocator<'a> for &'a MallocAllocator {
    fn allocate(self, size: usize, align: usize) -> Result<&'a mut Segment> {
        layout_for(size, align)?;
        if size == 0 {
            // SAFETY: zero-length segment at a non-null aligned address.
            return Ok(unsafe { Segment::from_raw_parts_mut(dangling(align), 0) });
        }
        let block = Block::heap_zeroed(size, align)?;
        let ptr = block.ptr();
        self.blocks.borrow_mut().push(block);
        // SAFETY: a fresh zeroed heap block of `size` bytes, owned by the allocator until it
        // drops, which the borrow `'a` outlasts; handed out once.
        Ok(unsafe { Segment::from_raw_parts_mut(ptr, size) })
    }
}

impl std::fmt::Debug for MallocAllocator {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MallocAllocator")
            .field("allocations", &self.allocations())
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::layout::{F64, I8, I32, StructLayout};

    /// What a [`PrefixAllocator`] over `segment` answered before its in-line fast path: the
    /// offset and length of the segment it hands out, or the error (as text).
    fn reference(
        segment: &Segment,
        size: usize,
        align: usize,
    ) -> std::result::Result<(usize, usize), String> {
        if let Err(e) = layout_for(size, align) {
            return Err(format!("{e:?}"));
        }
        let capacity = segment.len();
        let pad = segment.as_ptr().addr().wrapping_neg() & (align - 1);
        if pad > capacity || size > capacity - pad {
            return Err(format!(
                "{:?}",
                Error::AllocatorFull {
                    requested: size,
                    align,
                    remaining: capacity,
                    capacity,
                }
            ));
        }
        Ok((pad, size))
    }

    /// Every request, against every base alignment and capacity around it: the same segment
    /// (zero-filled, nothing else written) or the same error as before.
    #[test]
    fn prefix_allocator_answers_as_before() {
        let aligns = [
            0,
            1,
            2,
            3,
            4,
            6,
            8,
            16,
            32,
            64,
            1 << 20,
            1 << 62,
            1 << 63,
            usize::MAX,
        ];
        let sizes = (0..=48).chain([
            usize::MAX,
            usize::MAX - 7,
            isize::MAX as usize,
            isize::MAX as usize - 7,
            isize::MAX as usize + 1,
        ]);
        let sizes: Vec<usize> = sizes.collect();
        let mut buf = [0u64; 16];
        for start in 0..16 {
            for capacity in 0..=(128 - start).min(48) {
                for &align in &aligns {
                    for &size in &sizes {
                        buf.fill(u64::MAX);
                        let bytes = &mut Segment::of_mut_slice(&mut buf).as_bytes_mut()
                            [start..start + capacity];
                        let base = bytes.as_ptr().addr();
                        let segment = Segment::of_bytes_mut(bytes);
                        let expected = reference(segment, size, align);
                        let mut prefix = PrefixAllocator::new(segment);
                        let got = match prefix.allocate(size, align) {
                            Ok(seg) => {
                                assert!(seg.as_bytes().iter().all(|b| *b == 0));
                                Ok((seg.as_ptr().addr() - base, seg.len()))
                            }
                            Err(e) => Err(format!("{e:?}")),
                        };
                        assert_eq!(
                            got, expected,
                            "start {start} capacity {capacity} size {size} align {align}"
                        );
                        // Nothing outside the answer was written.
                        let written = got.map_or(0..0, |(at, len)| start + at..start + at + len);
                        let all = Segment::of_slice(&buf).as_bytes();
                        for (i, b) in all.iter().enumerate() {
                            if !written.contains(&i) {
                                assert_eq!(*b, 0xff, "byte {i} was written");
                            }
                        }
                    }
                }
            }
        }
    }

    /// `allocate_layout` answers as `allocate` with the layout's size and alignment.
    #[test]
    fn prefix_allocator_layouts_answer_as_sizes() {
        let layouts = [
            I8.layout(),
            I32.layout(),
            F64.layout(),
            StructLayout::c(&[I32.layout(), I32.layout()])
                .unwrap()
                .layout(),
            StructLayout::c(&[F64.layout(); 4]).unwrap().layout(),
            StructLayout::c(&[F64.layout(); 4])
                .unwrap()
                .layout()
                .with_byte_alignment(64),
        ];
        let mut buf = [0u64; 16];
        for start in 0..16 {
            for capacity in 0..=(128 - start).min(40) {
                for layout in &layouts {
                    let bytes = &mut Segment::of_mut_slice(&mut buf).as_bytes_mut()
                        [start..start + capacity];
                    let segment = Segment::of_bytes_mut(bytes);
                    let expected = reference(segment, layout.byte_size(), layout.byte_alignment());
                    let mut prefix = PrefixAllocator::new(segment);
                    let got = prefix
                        .allocate_layout(layout)
                        .map(|s| (s.as_ptr().addr(), s.len()))
                        .map_err(|e| format!("{e:?}"));
                    let base = bytes_base(&buf, start);
                    assert_eq!(
                        got.map(|(a, l)| (a - base, l)),
                        expected,
                        "{layout} at {start}, {capacity}"
                    );
                }
            }
        }
    }

    fn bytes_base(buf: &[u64; 16], start: usize) -> usize {
        Segment::of_slice(buf).as_ptr().addr() + start
    }
}
