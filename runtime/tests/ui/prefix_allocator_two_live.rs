// The recycling allocator hands the same memory out again, so a segment from it must be dead
// before the next allocation.
use ffm::{PrefixAllocator, Segment, SegmentAllocator, I32};

fn main() {
    let mut buf = [0u8; 64];
    let mut scratch = PrefixAllocator::new(Segment::of_mut_slice(&mut buf));
    let a = scratch.allocate(4, 4).unwrap();
    let b = scratch.allocate(4, 4).unwrap();
    a.set(I32, 0, 1);
    b.set(I32, 0, 2);
}
