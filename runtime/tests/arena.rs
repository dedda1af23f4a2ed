//! Arenas under a mixed load: many segments of assorted sizes and alignments (zero-length,
//! small, over-aligned, large enough for a block of their own) must each be zeroed, aligned,
//! of the size asked, and disjoint from every other.

use ffm::{Arena, Segment, SharedArena};

/// A deterministic stream of (size, align) requests.
fn requests(n: usize) -> Vec<(usize, usize)> {
    let mut x = 0x9e37_79b9_7f4a_7c15u64;
    let mut next = move || {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        x
    };
    (0..n)
        .map(|_| {
            let r = next();
            let size = match r % 10 {
                0 => 0,
                1 => 300 * 1024 + (r >> 8) as usize % 1000, // over the large threshold
                2 => (r >> 8) as usize % 20_000,
                _ => (r >> 8) as usize % 64,
            };
            let align = 1usize << ((r >> 40) % 13); // 1 ..= 4096
            (size, align)
        })
        .collect()
}

/// Allocates every request with `allocate`, checks each segment when it is made, tags it with
/// its index, and then checks that no tag was overwritten (no two segments overlap).
fn check<'a>(allocate: impl Fn(usize, usize) -> &'a mut Segment) {
    let reqs = requests(3000);
    let mut segments = Vec::with_capacity(reqs.len());
    for (i, &(size, align)) in reqs.iter().enumerate() {
        let seg = allocate(size, align);
        assert_eq!(seg.len(), size, "request {i}: size");
        assert_eq!(
            seg.as_ptr().addr() % align,
            0,
            "request {i}: {size} bytes aligned to {align}"
        );
        assert!(
            seg.as_bytes().iter().all(|&b| b == 0),
            "request {i}: zeroed"
        );
        seg.as_bytes_mut().fill((i % 251) as u8 + 1);
        segments.push(seg);
    }
    for (i, seg) in segments.iter().enumerate() {
        let tag = (i % 251) as u8 + 1;
        assert!(
            seg.as_bytes().iter().all(|&b| b == tag),
            "segment {i} was overwritten by another"
        );
    }
}

#[test]
fn arena_segments_are_zeroed_aligned_and_disjoint() {
    let arena = Arena::new();
    check(|size, align| arena.allocate(size, align).unwrap());
}

#[test]
fn shared_arena_segments_are_zeroed_aligned_and_disjoint() {
    let arena = SharedArena::new();
    check(|size, align| arena.allocate(size, align).unwrap());
}

#[test]
fn arena_on_close_and_keep_alive_run_at_close() {
    use std::sync::Arc;
    use std::sync::atomic::{AtomicUsize, Ordering};
    let closed = Arc::new(AtomicUsize::new(0));
    let arena = Arena::new();
    for _ in 0..3 {
        let c = closed.clone();
        arena.on_close(move || {
            c.fetch_add(1, Ordering::SeqCst);
        });
        // Allocations between registrations must not lose the registered actions.
        arena.allocate(1 << 20, 8).unwrap();
    }
    let kept = arena.keep_alive(vec![1u8, 2, 3]);
    kept.push(4);
    assert_eq!(kept.len(), 4);
    assert_eq!(closed.load(Ordering::SeqCst), 0);
    arena.close();
    assert_eq!(closed.load(Ordering::SeqCst), 3);
}
