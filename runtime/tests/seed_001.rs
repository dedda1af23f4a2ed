//! Every code scenario of seed 001 ("State of foreign memory support"), in its ffm form.

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use ffm::layout::{Accessor, PathElement, SequenceLayout, StructLayout};
use ffm::{Address, Arena, I32, MapOptions, Segment, SegmentAllocator, SharedArena};
use rayon::prelude::*;

/// Counts the bytes the global allocator has live, per thread, so a test can see its own
/// memory come back while other tests run beside it.
struct Counting;
thread_local! {
    static LIVE: Cell<isize> = const { Cell::new(0) };
}

fn live() -> isize {
    LIVE.with(Cell::get)
}

fn count(delta: isize) {
    // try_with: allocations during thread teardown are simply not counted.
    let _ = LIVE.try_with(|l| l.set(l.get() + delta));
}

// SAFETY: forwards to System and only adds bookkeeping.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, l: Layout) -> *mut u8 {
        count(l.size() as isize);
        // SAFETY: forwarded contract.
        unsafe { System.alloc(l) }
    }
    unsafe fn alloc_zeroed(&self, l: Layout) -> *mut u8 {
        count(l.size() as isize);
        // SAFETY: forwarded contract.
        unsafe { System.alloc_zeroed(l) }
    }
    unsafe fn dealloc(&self, p: *mut u8, l: Layout) {
        count(-(l.size() as isize));
        // SAFETY: forwarded contract.
        unsafe { System.dealloc(p, l) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

const POINT: StructLayout =
    StructLayout::new(&[I32.with_name("x").layout(), I32.with_name("y").layout()]);
const POINTS: SequenceLayout = SequenceLayout::new(10, &POINT.layout());

#[derive(Debug, PartialEq, Clone, Copy)]
struct Point {
    x: i32,
    y: i32,
}

fn filled_points(arena: &Arena) -> &mut Segment {
    let seg = arena.allocate(10 * 4 * 2, 4).unwrap();
    for i in 0..10 {
        seg.set_at_index(I32, i * 2, i as i32);
        seg.set_at_index(I32, i * 2 + 1, -(i as i32));
    }
    seg
}

fn expected() -> Vec<Point> {
    (0..10).map(|i| Point { x: i, y: -i }).collect()
}

#[test]
fn points_by_index_arithmetic() {
    let arena = Arena::new();
    let seg = filled_points(&arena);
    let values: Vec<Point> = (0..10)
        .map(|i| Point {
            x: seg.get_at_index(I32, i * 2),
            y: seg.get_at_index(I32, i * 2 + 1),
        })
        .collect();
    assert_eq!(values, expected());
}

#[test]
fn points_through_a_byte_view() {
    // The seed's `asByteBuffer().asIntBuffer()`: a typed view of the same bytes, no copy.
    let arena = Arena::new();
    let seg = filled_points(&arena);
    let ints: &[i32] = seg.as_slice().unwrap();
    let values: Vec<Point> = ints
        .chunks_exact(2)
        .map(|p| Point { x: p[0], y: p[1] })
        .collect();
    assert_eq!(values, expected());
    assert_eq!(seg.as_bytes().len(), 80);
}

#[test]
fn points_through_layout_accessors() {
    let arena = Arena::new();
    let seg = arena.allocate_layout(&POINTS).unwrap();
    let x: Accessor<i32, 1> = POINTS
        .accessor(&[PathElement::sequence_free(), PathElement::group("x")])
        .unwrap();
    let y: Accessor<i32, 1> = POINTS
        .accessor(&[PathElement::sequence_free(), PathElement::group("y")])
        .unwrap();
    for i in 0..10 {
        x.set(seg, [i], i as i32);
        y.set(seg, [i], -(i as i32));
    }
    let values: Vec<Point> = (0..10)
        .map(|i| Point {
            x: x.get(seg, [i]),
            y: y.get(seg, [i]),
        })
        .collect();
    assert_eq!(values, expected());
    // The accessors and index arithmetic agree on where things are.
    assert_eq!(seg.get_at_index(I32, 7), -3);
}

#[test]
fn byte_offset_of_the_fourth_y_is_28() {
    let y3 = POINTS
        .byte_offset(&[PathElement::sequence(3), PathElement::group("y")])
        .unwrap();
    assert_eq!(y3, 28);
}

#[test]
fn combining_handles_binds_a_coordinate() {
    // The seed's `insertCoordinates`: from a handle with a free index to one at a fixed place.
    let arena = Arena::new();
    let seg = filled_points(&arena);
    let y: Accessor<i32, 1> = POINTS
        .accessor(&[PathElement::sequence_free(), PathElement::group("y")])
        .unwrap();
    let y3: Accessor<i32, 0> = y.bind(0, 3).unwrap();
    assert_eq!(y3.offset(), 28);
    assert_eq!(y3.get(seg, []), -3);
    assert!(y.bind(0, 10).is_err());
}

fn mapped_regions(file: &std::path::Path) -> usize {
    let maps = std::fs::read_to_string("/proc/self/maps").unwrap();
    let name = file.to_str().unwrap();
    maps.lines().filter(|l| l.ends_with(name)).count()
}

#[test]
fn mapped_file_is_released_at_close() {
    let dir = std::env::temp_dir().join(format!("ffm-seed001-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("someFile");
    let file = std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .create(true)
        .truncate(true)
        .open(&path)
        .unwrap();
    file.set_len(100_000).unwrap();
    {
        let arena = Arena::new();
        // SAFETY: the file is private to this test and not resized while mapped.
        let mapped = arena.keep_alive(unsafe { MapOptions::new().map_mut(&file).unwrap() });
        mapped.set(I32, 400, 1234);
        assert_eq!(mapped.len(), 100_000);
        assert_eq!(
            mapped_regions(&path),
            1,
            "the file is mapped while the arena is open"
        );
        arena.close();
        assert_eq!(
            mapped_regions(&path),
            0,
            "closing the arena unmaps the file"
        );
    }
    // The write went to the file.
    let bytes = std::fs::read(&path).unwrap();
    assert_eq!(
        i32::from_ne_bytes(bytes[400..404].try_into().unwrap()),
        1234
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn many_segments_are_freed_at_once() {
    let closed = Arc::new(AtomicUsize::new(0));
    let before = live();
    let arena = Arena::new();
    // 300 × 100 bytes: small enough that every chunk comes from the global allocator (chunks of
    // 64 KiB and more are anonymous mappings, which it does not see).
    let segments: Vec<&mut Segment> = (0..300).map(|_| arena.allocate(100, 8).unwrap()).collect();
    assert_eq!(segments.len(), 300);
    let c = closed.clone();
    arena.on_close(move || {
        c.fetch_add(1, Ordering::SeqCst);
    });
    let during = live();
    assert!(
        during - before >= 30_000,
        "300 × 100 bytes are live: {}",
        during - before
    );
    drop(segments);
    arena.close();
    assert_eq!(
        live(),
        before,
        "closing the arena returned every byte at once"
    );
    assert_eq!(closed.load(Ordering::SeqCst), 1);
}

/// The seed's `writePoint`: two writes that must both happen or neither.
fn write_point(segment: &mut Segment, x: i32, y: i32) {
    segment.set_at_index(I32, 0, x);
    segment.set_at_index(I32, 1, y);
}

#[test]
fn two_writes_are_atomic_with_respect_to_close() {
    // In Java a shared segment could be closed by another thread between the two writes, so the
    // seed acquires a handle. In ffm, `write_point` holds `&mut Segment`, which borrows the
    // arena; `SharedArena::close` takes the arena by value, so it cannot run while any borrow is
    // alive (tests/ui/close_while_borrowed.rs shows the compiler refusing it). Every thread
    // therefore writes both coordinates or none, with no run-time handle at all.
    let arena = SharedArena::new();
    let points: Vec<&mut Segment> = (0..8).map(|_| arena.allocate(8, 4).unwrap()).collect();
    std::thread::scope(|s| {
        for (i, p) in points.into_iter().enumerate() {
            s.spawn(move || write_point(p, i as i32, 100 + i as i32));
        }
    });
    arena.close();
}

#[test]
fn two_writes_both_land_from_many_threads() {
    let arena = SharedArena::new();
    let segs: Vec<Address> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..4)
            .map(|t| {
                let arena = &arena;
                s.spawn(move || {
                    (0..1000)
                        .map(|i| {
                            let seg = arena.allocate(8, 4).unwrap();
                            write_point(seg, t, i);
                            seg.address()
                        })
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().unwrap())
            .collect()
    });
    // Every segment is distinct, and both writes are visible in each.
    let mut addrs: Vec<usize> = segs.iter().map(|a| a.addr()).collect();
    addrs.sort_unstable();
    addrs.dedup();
    assert_eq!(addrs.len(), 4000);
    for (n, a) in segs.iter().enumerate() {
        // SAFETY: every address is an 8-byte segment of `arena`, which is still open, and no
        // thread writes to it any more.
        let seg = unsafe { a.reinterpret(8) };
        assert_eq!(seg.get_at_index(I32, 0), (n / 1000) as i32);
        assert_eq!(seg.get_at_index(I32, 1), (n % 1000) as i32);
    }
    arena.close();
}

#[test]
fn parallel_sum_over_a_reshaped_layout() {
    let seq = SequenceLayout::try_new(1_000_000, I32.layout()).unwrap();
    let arena = Arena::new();
    let segment = arena.allocate_layout(&seq).unwrap();
    for i in 0..1_000_000 {
        segment.set_at_index(I32, i, (i % 7) as i32);
    }
    let seq_bulk = seq.reshape(&[-1, 100]).unwrap();
    assert_eq!(seq_bulk.to_string(), "[10000:[100:i32]]");
    let sum: i64 = segment
        .par_elements(seq_bulk.element_layout())
        .unwrap()
        .map(|slice| {
            let mut res = 0i64;
            for i in 0..100 {
                res += i64::from(slice.get_at_index(I32, i));
            }
            res
        })
        .sum();
    let expected: i64 = (0..1_000_000i64).map(|i| i % 7).sum();
    assert_eq!(sum, expected);
}

#[test]
fn unsafe_segment_over_a_raw_address() {
    // Memory managed by "someone else" (here a leaked Box standing in for a C allocator).
    let raw: *mut [u8; 10] = Box::into_raw(Box::new([0u8; 10]));
    let some_long_addr = raw.addr();
    let freed = Arc::new(AtomicUsize::new(0));
    {
        let scope = SharedArena::new();
        let addr = Address::from_mut_ptr(raw);
        assert_eq!(addr.addr(), some_long_addr);
        // SAFETY: the 10 bytes are ours until the cleanup below frees them, which runs when
        // `scope` closes, after the last use of `unsafe_segment`.
        let unsafe_segment = unsafe { addr.reinterpret_mut(10) };
        let f = freed.clone();
        scope.on_close(move || {
            // SAFETY: the address came from Box::into_raw and is freed once, here.
            drop(unsafe { Box::from_raw(addr.as_mut_ptr::<[u8; 10]>()) });
            f.fetch_add(1, Ordering::SeqCst);
        });
        unsafe_segment.fill(7);
        assert_eq!(unsafe_segment.len(), 10);
        assert_eq!(unsafe_segment.as_bytes(), [7u8; 10]);
        assert!(
            unsafe_segment.try_get(I32, 8).is_err(),
            "the 10-byte bound is enforced"
        );
        scope.close();
    }
    assert_eq!(freed.load(Ordering::SeqCst), 1);
}

#[test]
fn slices_share_the_parent_bounds() {
    let arena = Arena::new();
    let segment = arena.allocate(10, 1).unwrap();
    let slice = segment.slice_mut(4, 4);
    slice.set(ffm::I32_UNALIGNED, 0, 9);
    assert!(slice.try_get(ffm::I32_UNALIGNED, 1).is_err());
    assert_eq!(segment.get(ffm::I32_UNALIGNED, 4), 9);
    let _ = (&arena).allocate_str("x").unwrap();
}
