//! Iterating a segment as an array of elements, sequentially or (feature `rayon`) in parallel.

use std::iter::FusedIterator;
use std::slice::{ChunksExact, ChunksExactMut};

use super::Segment;
use crate::layout::MemoryLayout;
use crate::{Error, Result};

/// The elements of a segment, each a `&Segment` of the element layout's size.
/// Made by [`Segment::elements`].
#[derive(Debug, Clone)]
pub struct Elements<'a>(ChunksExact<'a, u8>);

/// The elements of a segment, each a `&mut Segment`. Made by [`Segment::elements_mut`].
#[derive(Debug)]
pub struct ElementsMut<'a>(ChunksExactMut<'a, u8>);

impl<'a> Iterator for Elements<'a> {
    type Item = &'a Segment;
    fn next(&mut self) -> Option<&'a Segment> {
        self.0.next().map(Segment::of_bytes)
    }
    fn size_hint(&self) -> (usize, Option<usize>) {
        self.0.size_hint()
    }
    fn nth(&mut self, n: usize) -> Option<&'a Segment> {
        self.0.nth(n).map(Segment::of_bytes)
    }
}
impl DoubleEndedIterator for Elements<'_> {
    fn next_back(&mut self) -> Option<Self::Item> {
        self.0.next_back().map(Segment::of_bytes)
    }
}
impl ExactSizeIterator for Elements<'_> {}
impl FusedIterator for Elements<'_> {}

impl<'a> Iterator for ElementsMut<'a> {
    type Item = &'a mut Segment;
    fn next(&mut self) -> Option<&'a mut Segment> {
        self.0.next().map(Segment::of_bytes_mut)
    }
    fn size_hint(&self) -> (usize, Option<usize>) {
        self.0.size_hint()
    }
}
impl DoubleEndedIterator for ElementsMut<'_> {
    fn next_back(&mut self) -> Option<Self::Item> {
        self.0.next_back().map(Segment::of_bytes_mut)
    }
}
impl ExactSizeIterator for ElementsMut<'_> {}
impl FusedIterator for ElementsMut<'_> {}

impl Segment {
    /// Checks that this segment is a whole, aligned array of `layout`; returns the element size.
    fn element_size(&self, layout: &MemoryLayout) -> Result<usize> {
        let size = layout.byte_size();
        if size == 0 || !self.len().is_multiple_of(size) {
            return Err(Error::LengthMismatch {
                len: self.len(),
                element_size: size,
            });
        }
        if !size.is_multiple_of(layout.byte_alignment()) {
            return Err(Error::InvalidLayout {
                reason: format!(
                    "elements of {layout} ({size} bytes) cannot all be aligned to {}",
                    layout.byte_alignment()
                ),
            });
        }
        self.check_access(0, 0, layout.byte_alignment())
            .map_err(|e| match e {
                Error::Misaligned {
                    address,
                    offset,
                    align,
                    ..
                } => Error::Misaligned {
                    address,
                    offset,
                    align,
                    layout: Some(*layout),
                },
                e => e,
            })?;
        Ok(size)
    }

    /// The segment as consecutive elements of `layout` (the seeds' spliterator, sequential).
    ///
    /// Fails if the length is not a multiple of the layout's size or the segment is not aligned
    /// for it.
    ///
    /// ```
    /// use ffm::{Segment, I32};
    /// let data = [1i32, 2, 3, 4];
    /// const PAIR: ffm::layout::SequenceLayout = ffm::layout::SequenceLayout::new(2, &I32.layout());
    /// let pairs = Segment::of_slice(&data).elements(&PAIR).unwrap();
    /// let sums: Vec<i32> = pairs.map(|p| p.get_at_index(I32, 0) + p.get_at_index(I32, 1)).collect();
    /// assert_eq!(sums, [3, 7]);
    /// ```
    pub fn elements(&self, layout: &MemoryLayout) -> Result<Elements<'_>> {
        let size = self.element_size(layout)?;
        Ok(Elements(self.as_bytes().chunks_exact(size)))
    }

    /// The segment as consecutive mutable elements of `layout`.
    pub fn elements_mut(&mut self, layout: &MemoryLayout) -> Result<ElementsMut<'_>> {
        let size = self.element_size(layout)?;
        Ok(ElementsMut(self.as_bytes_mut().chunks_exact_mut(size)))
    }

    /// The segment as elements of `layout`, as a rayon parallel iterator: the seeds' parallel
    /// spliterator. Each element goes to one thread; no two threads see the same bytes.
    ///
    /// ```
    /// use ffm::layout::SequenceLayout;
    /// use ffm::{Segment, I32};
    /// use rayon::prelude::*;
    /// let data: Vec<i32> = (0..1000).collect();
    /// let seq = SequenceLayout::try_new(1000, I32.layout()).unwrap();
    /// let bulk = seq.reshape(&[-1, 100]).unwrap();
    /// let sum: i32 = Segment::of_slice(&data)
    ///     .par_elements(bulk.element_layout())
    ///     .unwrap()
    ///     .map(|chunk| (0..100).map(|i| chunk.get_at_index(I32, i)).sum::<i32>())
    ///     .sum();
    /// assert_eq!(sum, 499_500);
    /// ```
    #[cfg(feature = "rayon")]
    pub fn par_elements(
        &self,
        layout: &MemoryLayout,
    ) -> Result<impl rayon::iter::IndexedParallelIterator<Item = &Segment> + '_> {
        use rayon::prelude::*;
        let size = self.element_size(layout)?;
        Ok(self
            .as_bytes()
            .par_chunks_exact(size)
            .map(Segment::of_bytes))
    }

    /// The segment as mutable elements of `layout`, as a rayon parallel iterator.
    #[cfg(feature = "rayon")]
    pub fn par_elements_mut(
        &mut self,
        layout: &MemoryLayout,
    ) -> Result<impl rayon::iter::IndexedParallelIterator<Item = &mut Segment> + '_> {
        use rayon::prelude::*;
        let size = self.element_size(layout)?;
        Ok(self
            .as_bytes_mut()
            .par_chunks_exact_mut(size)
            .map(Segment::of_bytes_mut))
    }
}
