//! Owned segments: memory with no arena, freed when dropped (the seeds' default scope).

use std::ops::{Deref, DerefMut};

use crate::Result;
use crate::block::{Block, dangling, layout_for};
use crate::layout::MemoryLayout;
use crate::segment::Segment;

/// A zero-filled segment that owns its memory and frees it on drop, like a `Box<[u8]>` with an
/// alignment of your choosing. It dereferences to [`Segment`].
///
/// ```
/// use ffm::{OwnedSegment, F64};
/// let mut seg = OwnedSegment::new(16, 8).unwrap();
/// seg.set_at_index(F64, 1, 2.5);
/// assert_eq!(seg.get_at_index(F64, 1), 2.5);
/// ```
pub struct OwnedSegment {
    block: Option<Block>,
    align: usize,
}

impl OwnedSegment {
    /// `size` zero-filled bytes aligned to `align`.
    pub fn new(size: usize, align: usize) -> Result<OwnedSegment> {
        layout_for(size, align)?;
        let block = if size == 0 {
            None
        } else {
            Some(Block::zeroed(size, align)?)
        };
        Ok(OwnedSegment { block, align })
    }

    /// Zero-filled memory for `layout`.
    pub fn for_layout(layout: &MemoryLayout) -> Result<OwnedSegment> {
        OwnedSegment::new(layout.byte_size(), layout.byte_alignment())
    }

    /// A copy of `src`, aligned to `align`.
    pub fn copy_of(src: &Segment, align: usize) -> Result<OwnedSegment> {
        let mut seg = OwnedSegment::new(src.len(), align)?;
        seg.copy_from(src);
        Ok(seg)
    }

    /// The alignment the memory was allocated with.
    pub fn alignment(&self) -> usize {
        self.align
    }
}

impl Deref for OwnedSegment {
    type Target = Segment;
    fn deref(&self) -> &Segment {
        match &self.block {
            // SAFETY: the block is `len` zeroed-then-initialized bytes owned by self; the shared
            // borrow of self keeps them alive and unwritten.
            Some(b) => unsafe { Segment::from_raw_parts(b.ptr(), b.len()) },
            // SAFETY: zero-length segment at a non-null aligned address.
            None => unsafe { Segment::from_raw_parts(dangling(self.align), 0) },
        }
    }
}

impl DerefMut for OwnedSegment {
    fn deref_mut(&mut self) -> &mut Segment {
        match &self.block {
            // SAFETY: as in deref; the exclusive borrow of self makes the access exclusive.
            Some(b) => unsafe { Segment::from_raw_parts_mut(b.ptr(), b.len()) },
            // SAFETY: zero-length segment at a non-null aligned address.
            None => unsafe { Segment::from_raw_parts_mut(dangling(self.align), 0) },
        }
    }
}

impl Clone for OwnedSegment {
    /// Copies the bytes into a new allocation with the same alignment.
    ///
    /// # Panics
    /// If the system refuses the memory, as `Vec::clone` does.
    fn clone(&self) -> Self {
        OwnedSegment::copy_of(self, self.align).expect("allocation failed while cloning")
    }
}

impl std::fmt::Debug for OwnedSegment {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "OwnedSegment({} byte(s) at {})",
            self.len(),
            self.address()
        )
    }
}
