// Resetting a slicing allocator hands its memory out again, so it needs every segment it gave
// out to be dead: `reset` takes `&mut self`.
use ffm::{Segment, SegmentAllocator, SlicingAllocator, I32};

fn main() {
    let mut buf = [0u8; 16];
    let mut slicer = SlicingAllocator::new(Segment::of_mut_slice(&mut buf));
    let a = (&slicer).allocate(4, 4).unwrap();
    slicer.reset();
    let b = (&slicer).allocate(4, 4).unwrap();
    a.set(I32, 0, 1);
    b.set(I32, 0, 2);
}
