//! Segments: bounded views over bytes, borrowed from whatever owns them.

mod elements;
mod strings;

use std::fmt;
use std::ops::Range;

use zerocopy::{FromBytes, Immutable, IntoBytes, KnownLayout};

pub use elements::{Elements, ElementsMut};

use crate::address::Address;
use crate::layout::{Carrier, MemoryLayout, ValueLayout};
use crate::{Error, Result};

/// A view over contiguous bytes, with spatial bounds checked on every access and temporal bounds
/// given by the borrow it comes in: `&Segment` reads, `&mut Segment` reads and writes, exactly as
/// `&[u8]` and `&mut [u8]` do.
///
/// Segments come from an [`Arena`](crate::Arena) or another
/// [`SegmentAllocator`](crate::SegmentAllocator), from Rust slices ([`of_slice`](Self::of_slice)),
/// from a mapped file ([`Mapping`](crate::Mapping)), as an [`OwnedSegment`](crate::OwnedSegment),
/// or from a raw [`Address`] with the unsafe [`Address::reinterpret`]. Whatever owns the memory
/// is borrowed by the segment, so the borrow checker refuses any use after it is freed, and no
/// per-access liveness or thread check is needed.
///
/// Access is typed by value layouts: `seg.get(I32, 4)` reads an `i32` at byte offset 4 in the
/// layout's byte order, after checking that the four bytes are in bounds and that the address
/// is aligned as the layout requires. A failed check panics with the offset, length and layout;
/// the `try_` forms return an [`Error`] instead.
///
/// ```
/// use ffm::{Arena, I32, ADDRESS, Address};
/// let arena = Arena::new();
/// let seg = arena.allocate(16, 8).unwrap();
/// seg.set(I32, 4, 7);
/// assert_eq!(seg.get(I32, 4), 7);
/// assert_eq!(seg.get(ADDRESS, 8), Address::NULL); // arena memory starts zeroed
/// assert!(seg.try_get(I32, 14).is_err());         // 4 bytes at 14 overrun 16
/// ```
#[repr(transparent)]
pub struct Segment {
    bytes: [u8],
}

impl Segment {
    /// A segment over the bytes of a plain-data slice (no padding, so every byte is initialized).
    ///
    /// Rust's heap does not move, so such a segment may be passed to C directly.
    pub fn of_slice<T: IntoBytes + Immutable>(slice: &[T]) -> &Segment {
        Segment::of_bytes(slice.as_bytes())
    }

    /// A mutable segment over the bytes of a plain-data slice (any bytes written are a valid `T`).
    pub fn of_mut_slice<T: IntoBytes + FromBytes>(slice: &mut [T]) -> &mut Segment {
        Segment::of_bytes_mut(slice.as_mut_bytes())
    }

    /// A segment over bytes.
    pub fn of_bytes(bytes: &[u8]) -> &Segment {
        // SAFETY: Segment is repr(transparent) over [u8], so the fat pointers have the same
        // layout and metadata; the lifetime and mutability are carried over unchanged.
        unsafe { &*(bytes as *const [u8] as *const Segment) }
    }

    /// A mutable segment over bytes.
    pub fn of_bytes_mut(bytes: &mut [u8]) -> &mut Segment {
        // SAFETY: as in of_bytes; the exclusive borrow is carried over.
        unsafe { &mut *(bytes as *mut [u8] as *mut Segment) }
    }

    /// The empty segment.
    pub fn empty() -> &'static Segment {
        Segment::of_bytes(&[])
    }

    /// The empty mutable segment.
    pub fn empty_mut() -> &'static mut Segment {
        Segment::of_bytes_mut(&mut [])
    }

    /// # Safety
    /// `ptr` must be non-null and valid for reads of `len` initialized bytes for `'a`, with no
    /// writes through other pointers during `'a`.
    pub(crate) unsafe fn from_raw_parts<'a>(ptr: *const u8, len: usize) -> &'a Segment {
        // SAFETY: forwarded caller contract.
        Segment::of_bytes(unsafe { std::slice::from_raw_parts(ptr, len) })
    }

    /// # Safety
    /// `ptr` must be non-null and valid for reads and writes of `len` initialized bytes for `'a`,
    /// with no other access during `'a`.
    pub(crate) unsafe fn from_raw_parts_mut<'a>(ptr: *mut u8, len: usize) -> &'a mut Segment {
        // SAFETY: forwarded caller contract.
        Segment::of_bytes_mut(unsafe { std::slice::from_raw_parts_mut(ptr, len) })
    }

    /// Length in bytes.
    #[inline]
    pub const fn len(&self) -> usize {
        self.bytes.len()
    }

    /// Whether the segment has no bytes.
    #[inline]
    pub const fn is_empty(&self) -> bool {
        self.bytes.is_empty()
    }

    /// The address of the first byte.
    #[inline]
    pub const fn address(&self) -> Address {
        Address::from_ptr(self.bytes.as_ptr())
    }

    /// A pointer to the first byte.
    #[inline]
    pub const fn as_ptr(&self) -> *const u8 {
        self.bytes.as_ptr()
    }

    /// A mutable pointer to the first byte.
    #[inline]
    pub const fn as_mut_ptr(&mut self) -> *mut u8 {
        self.bytes.as_mut_ptr()
    }

    /// The bytes.
    #[inline]
    pub const fn as_bytes(&self) -> &[u8] {
        &self.bytes
    }

    /// The bytes, mutably.
    #[inline]
    pub const fn as_bytes_mut(&mut self) -> &mut [u8] {
        &mut self.bytes
    }

    /// A read-only view. `&Segment` is already read-only; this names the conversion for code
    /// that holds a `&mut Segment` and hands out a view that cannot write.
    #[inline]
    pub fn as_read_only(&self) -> &Segment {
        self
    }

    #[inline(always)]
    fn fits(&self, offset: usize, size: usize) -> bool {
        size <= self.bytes.len() && offset <= self.bytes.len() - size
    }

    /// Whether `offset` in this segment is aligned to `align` (a power of two).
    #[inline(always)]
    pub(crate) fn is_aligned_at(&self, offset: usize, align: usize) -> bool {
        // (base + offset) % align == 0, written so that for an offset that is a multiple of the
        // alignment (index * size) the compiler reduces it to a loop-invariant test of the base.
        let mask = align - 1;
        self.bytes.as_ptr().addr() & mask == offset.wrapping_neg() & mask
    }

    /// Checks an access of `size` bytes aligned to `align` at `offset`.
    #[inline]
    pub fn check_access(&self, offset: usize, size: usize, align: usize) -> Result<()> {
        if !align.is_power_of_two() {
            return Err(Error::InvalidAlignment { align });
        }
        if self.fits(offset, size) && self.is_aligned_at(offset, align) {
            Ok(())
        } else {
            Err(self.access_error(offset, size, align, None))
        }
    }

    #[cold]
    fn access_error(
        &self,
        offset: usize,
        size: usize,
        align: usize,
        layout: Option<MemoryLayout>,
    ) -> Error {
        if !self.fits(offset, size) {
            Error::OutOfBounds {
                offset,
                len: size,
                segment_len: self.len(),
                layout,
            }
        } else if !align.is_power_of_two() {
            Error::InvalidAlignment { align }
        } else {
            Error::Misaligned {
                address: self.bytes.as_ptr().addr().wrapping_add(offset),
                offset,
                align,
                layout,
            }
        }
    }

    #[cold]
    #[inline(never)]
    #[track_caller]
    fn fail(&self, offset: usize, layout: MemoryLayout) -> ! {
        access_failed(self.access_error(
            offset,
            layout.byte_size(),
            layout.byte_alignment(),
            Some(layout),
        ))
    }

    /// Reads a value of `layout` at byte `offset`.
    ///
    /// # Panics
    /// If the value is not inside the segment, or its address is not aligned as `layout`
    /// requires. The message names the offset, length and layout.
    #[inline]
    #[track_caller]
    pub fn get<T: Carrier>(&self, layout: ValueLayout<T>, offset: usize) -> T {
        let size = T::KIND.size();
        if self.fits(offset, size) && self.is_aligned_at(offset, layout.byte_alignment()) {
            // SAFETY: `offset + size <= len` was just checked, so the bytes are inside this
            // segment, which is readable and initialized for as long as `self` is borrowed.
            unsafe { T::read(self.bytes.as_ptr().add(offset), layout.order()) }
        } else {
            self.fail(offset, layout.layout())
        }
    }

    /// Writes `value` with `layout` at byte `offset`.
    ///
    /// # Panics
    /// As [`get`](Self::get).
    #[inline]
    #[track_caller]
    pub fn set<T: Carrier>(&mut self, layout: ValueLayout<T>, offset: usize, value: T) {
        let size = T::KIND.size();
        if self.fits(offset, size) && self.is_aligned_at(offset, layout.byte_alignment()) {
            // SAFETY: in bounds as checked; `&mut self` gives exclusive access to the bytes.
            unsafe { value.write(self.bytes.as_mut_ptr().add(offset), layout.order()) }
        } else {
            self.fail(offset, layout.layout())
        }
    }

    /// Reads a value of `layout` at byte `offset`, or returns why it cannot.
    #[inline]
    pub fn try_get<T: Carrier>(&self, layout: ValueLayout<T>, offset: usize) -> Result<T> {
        let size = T::KIND.size();
        if self.fits(offset, size) && self.is_aligned_at(offset, layout.byte_alignment()) {
            // SAFETY: as in get.
            Ok(unsafe { T::read(self.bytes.as_ptr().add(offset), layout.order()) })
        } else {
            Err(self.access_error(offset, size, layout.byte_alignment(), Some(layout.layout())))
        }
    }

    /// Writes `value` with `layout` at byte `offset`, or returns why it cannot.
    #[inline]
    pub fn try_set<T: Carrier>(
        &mut self,
        layout: ValueLayout<T>,
        offset: usize,
        value: T,
    ) -> Result<()> {
        let size = T::KIND.size();
        if self.fits(offset, size) && self.is_aligned_at(offset, layout.byte_alignment()) {
            // SAFETY: as in set.
            unsafe { value.write(self.bytes.as_mut_ptr().add(offset), layout.order()) };
            Ok(())
        } else {
            Err(self.access_error(offset, size, layout.byte_alignment(), Some(layout.layout())))
        }
    }

    /// Reads element `index` of an array of `layout` (at byte offset `index * size`).
    ///
    /// # Panics
    /// As [`get`](Self::get).
    #[inline]
    #[track_caller]
    pub fn get_at_index<T: Carrier>(&self, layout: ValueLayout<T>, index: usize) -> T {
        match index.checked_mul(T::KIND.size()) {
            Some(offset) => self.get(layout, offset),
            None => self.fail(usize::MAX, layout.layout()),
        }
    }

    /// Writes element `index` of an array of `layout`.
    ///
    /// # Panics
    /// As [`get`](Self::get).
    #[inline]
    #[track_caller]
    pub fn set_at_index<T: Carrier>(&mut self, layout: ValueLayout<T>, index: usize, value: T) {
        match index.checked_mul(T::KIND.size()) {
            Some(offset) => self.set(layout, offset, value),
            None => self.fail(usize::MAX, layout.layout()),
        }
    }

    /// Reads element `index` of an array of `layout`, or returns why it cannot.
    #[inline]
    pub fn try_get_at_index<T: Carrier>(&self, layout: ValueLayout<T>, index: usize) -> Result<T> {
        self.try_get(layout, index.saturating_mul(T::KIND.size()))
    }

    /// Writes element `index` of an array of `layout`, or returns why it cannot.
    #[inline]
    pub fn try_set_at_index<T: Carrier>(
        &mut self,
        layout: ValueLayout<T>,
        index: usize,
        value: T,
    ) -> Result<()> {
        self.try_set(layout, index.saturating_mul(T::KIND.size()), value)
    }

    /// The `len` bytes from `offset`, or an [`Error::OutOfBounds`].
    pub fn try_slice(&self, offset: usize, len: usize) -> Result<&Segment> {
        self.check_access(offset, len, 1)?;
        Ok(Segment::of_bytes(&self.bytes[offset..offset + len]))
    }

    /// The `len` bytes from `offset`, mutably, or an [`Error::OutOfBounds`].
    pub fn try_slice_mut(&mut self, offset: usize, len: usize) -> Result<&mut Segment> {
        self.check_access(offset, len, 1)?;
        Ok(Segment::of_bytes_mut(&mut self.bytes[offset..offset + len]))
    }

    /// The `len` bytes from `offset`.
    ///
    /// # Panics
    /// If they are not all inside the segment.
    #[track_caller]
    pub fn slice(&self, offset: usize, len: usize) -> &Segment {
        self.try_slice(offset, len)
            .unwrap_or_else(|e| access_failed(e))
    }

    /// The `len` bytes from `offset`, mutably.
    ///
    /// # Panics
    /// If they are not all inside the segment.
    #[track_caller]
    pub fn slice_mut(&mut self, offset: usize, len: usize) -> &mut Segment {
        self.try_slice_mut(offset, len)
            .unwrap_or_else(|e| access_failed(e))
    }

    /// The bytes from `offset` to the end.
    ///
    /// # Panics
    /// If `offset > len`.
    #[track_caller]
    pub fn slice_from(&self, offset: usize) -> &Segment {
        self.slice(offset, self.len().saturating_sub(offset))
    }

    /// The bytes from `offset` to the end, mutably.
    ///
    /// # Panics
    /// If `offset > len`.
    #[track_caller]
    pub fn slice_from_mut(&mut self, offset: usize) -> &mut Segment {
        let len = self.len().saturating_sub(offset);
        self.slice_mut(offset, len)
    }

    /// Splits into the bytes before `offset` and from `offset` on, both mutable.
    ///
    /// # Panics
    /// If `offset > len`.
    #[track_caller]
    pub fn split_at_mut(&mut self, offset: usize) -> (&mut Segment, &mut Segment) {
        if offset > self.len() {
            access_failed(self.access_error(offset, 0, 1, None));
        }
        let (a, b) = self.bytes.split_at_mut(offset);
        (Segment::of_bytes_mut(a), Segment::of_bytes_mut(b))
    }

    /// Sets every byte to `value`.
    pub fn fill(&mut self, value: u8) {
        self.bytes.fill(value);
    }

    /// Copies all of `src` to the start of this segment.
    ///
    /// The copy is a `memmove`, so it is correct even for segments that overlap (which safe code
    /// can only make through [`Address::reinterpret_mut`]).
    ///
    /// # Panics
    /// If `src` is longer than this segment.
    #[track_caller]
    pub fn copy_from(&mut self, src: &Segment) {
        if src.len() > self.len() {
            access_failed(Error::OutOfBounds {
                offset: 0,
                len: src.len(),
                segment_len: self.len(),
                layout: None,
            });
        }
        // SAFETY: src is readable for src.len() bytes, self writable for at least as many;
        // ptr::copy allows the two ranges to overlap.
        unsafe { std::ptr::copy(src.as_ptr(), self.as_mut_ptr(), src.len()) }
    }

    /// Copies the bytes in `src` to `dest` within this segment; the ranges may overlap.
    ///
    /// # Panics
    /// If either range is out of bounds.
    #[track_caller]
    pub fn copy_within(&mut self, src: Range<usize>, dest: usize) {
        self.bytes.copy_within(src, dest)
    }

    /// The offset of the first byte where this segment and `other` differ: `None` if they are
    /// equal, the shorter length if one is a prefix of the other.
    pub fn mismatch(&self, other: &Segment) -> Option<usize> {
        let n = self.len().min(other.len());
        match self.bytes[..n]
            .iter()
            .zip(&other.bytes[..n])
            .position(|(a, b)| a != b)
        {
            Some(i) => Some(i),
            None if self.len() == other.len() => None,
            None => Some(n),
        }
    }

    /// Copies the segment into a `Vec<T>` of plain-data values in native byte order.
    ///
    /// Fails with [`Error::LengthMismatch`] if the length is not a multiple of `size_of::<T>()`.
    pub fn to_vec<T: FromBytes>(&self) -> Result<Vec<T>> {
        let size = size_of::<T>();
        if size == 0 || !self.len().is_multiple_of(size) {
            return Err(Error::LengthMismatch {
                len: self.len(),
                element_size: size,
            });
        }
        let n = self.len() / size;
        let mut v = Vec::<T>::with_capacity(n);
        // SAFETY: the Vec has room for n * size == len bytes; the source is len initialized
        // bytes; T: FromBytes makes any bytes a valid T, so all n elements are initialized.
        unsafe {
            std::ptr::copy_nonoverlapping(self.as_ptr(), v.as_mut_ptr().cast::<u8>(), self.len());
            v.set_len(n);
        }
        Ok(v)
    }

    /// Reads every element of an array of `layout` into a `Vec`, in the layout's byte order.
    pub fn to_vec_with<T: Carrier>(&self, layout: ValueLayout<T>) -> Result<Vec<T>> {
        let size = layout.byte_size();
        if !self.len().is_multiple_of(size) {
            return Err(Error::LengthMismatch {
                len: self.len(),
                element_size: size,
            });
        }
        (0..self.len() / size)
            .map(|i| self.try_get_at_index(layout, i))
            .collect()
    }

    /// The segment as a slice of `T`, without copying; it must be aligned for `T` and a whole
    /// number of `T`s long.
    pub fn as_slice<T: FromBytes + Immutable + KnownLayout>(&self) -> Result<&[T]> {
        <[T]>::ref_from_bytes(&self.bytes).map_err(|_| self.view_error::<T>())
    }

    /// The segment as a mutable slice of `T`, without copying.
    pub fn as_mut_slice<T: FromBytes + IntoBytes + KnownLayout>(&mut self) -> Result<&mut [T]> {
        let error = self.view_error::<T>();
        <[T]>::mut_from_bytes(&mut self.bytes).map_err(|_| error)
    }

    #[cold]
    fn view_error<T>(&self) -> Error {
        let size = size_of::<T>();
        if size == 0 || !self.len().is_multiple_of(size) {
            Error::LengthMismatch {
                len: self.len(),
                element_size: size,
            }
        } else {
            Error::Misaligned {
                address: self.as_ptr().addr(),
                offset: 0,
                align: align_of::<T>(),
                layout: None,
            }
        }
    }
}

/// Panics with an access error; the one place the panicking accessors format their message.
#[cold]
#[inline(never)]
#[track_caller]
pub(crate) fn access_failed(e: Error) -> ! {
    panic!("{e}")
}

impl PartialEq for Segment {
    fn eq(&self, other: &Segment) -> bool {
        self.bytes == other.bytes
    }
}
impl Eq for Segment {}

impl fmt::Debug for Segment {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Segment({} byte(s) at {})", self.len(), self.address())
    }
}

impl AsRef<[u8]> for Segment {
    fn as_ref(&self) -> &[u8] {
        &self.bytes
    }
}

impl AsMut<[u8]> for Segment {
    fn as_mut(&mut self) -> &mut [u8] {
        &mut self.bytes
    }
}

impl AsRef<Segment> for Segment {
    fn as_ref(&self) -> &Segment {
        self
    }
}

impl<'a> From<&'a [u8]> for &'a Segment {
    fn from(b: &'a [u8]) -> &'a Segment {
        Segment::of_bytes(b)
    }
}

impl<'a> From<&'a mut [u8]> for &'a mut Segment {
    fn from(b: &'a mut [u8]) -> &'a mut Segment {
        Segment::of_bytes_mut(b)
    }
}

#[cfg(test)]
mod tests;
