//! Memory benchmarks, each measured beside its baseline in the same run:
//! - summing 10M i32 through `get_at_index` and through an accessor vs a plain `&[i32]`;
//! - allocating 1M 16-byte segments from an arena vs `Box::new([0u8; 16])`;
//! - closing an arena that holds 1M small (written) segments;
//! - summing a field of a million structs through an accessor vs a plain loop.
//!
//! The sums are also timed against the plain slice in alternating short blocks
//! (`support/paired.rs`): the printed `paired` lines are those ratios with the machine's drift
//! cancelled.

use std::hint::black_box;
use std::time::{Duration, Instant};

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use ffm::layout::{Accessor, PathElement, SequenceLayout, StructLayout};
use ffm::{Arena, I32, Segment, SegmentAllocator};

#[path = "support/paired.rs"]
mod paired;

const N: usize = 10_000_000;
const ALLOCS: usize = 1_000_000;

fn sum_i32(c: &mut Criterion) {
    let data: Vec<i32> = (0..N as i32).map(|i| i % 1000).collect();
    let seg = Segment::of_slice(&data);
    let seq = SequenceLayout::try_new(N, I32.layout()).unwrap();
    let acc: Accessor<i32, 1> = seq.accessor(&[PathElement::sequence_free()]).unwrap();

    let plain = || {
        let s: &[i32] = black_box(&data);
        s.iter().fold(0i32, |a, &x| a.wrapping_add(x))
    };
    let get_at_index = || {
        let s: &Segment = black_box(seg);
        let mut sum = 0i32;
        for i in 0..s.len() / 4 {
            sum = sum.wrapping_add(s.get_at_index(I32, i));
        }
        sum
    };
    // The loop runs over the accessor's own dimension, as code walking a sequence does: the
    // index check is then provably true, and the loop vectorizes like the plain one.
    let accessor = || {
        let acc = black_box(acc);
        let s: &Segment = black_box(seg);
        let mut sum = 0i32;
        for i in 0..acc.dimensions()[0] {
            sum = sum.wrapping_add(acc.get(s, [i]));
        }
        sum
    };
    // The loop bound is a constant the accessor cannot know: one predictable branch per element.
    let accessor_const_bound = || {
        let acc = black_box(acc);
        let s: &Segment = black_box(seg);
        let mut sum = 0i32;
        for i in 0..N {
            sum = sum.wrapping_add(acc.get(s, [i]));
        }
        sum
    };

    let mut g = c.benchmark_group("sum_10M_i32");
    g.throughput(Throughput::Elements(N as u64));
    g.bench_function("plain_slice", |b| b.iter(plain));
    g.bench_function("get_at_index", |b| b.iter(get_at_index));
    g.bench_function("accessor", |b| b.iter(accessor));
    g.bench_function("accessor_const_bound", |b| b.iter(accessor_const_bound));
    g.finish();
    if paired::wanted() {
        let group = "sum_10M_i32";
        paired::compare(group, "get_at_index", "plain_slice", plain, get_at_index);
        paired::compare(group, "accessor", "plain_slice", plain, accessor);
        paired::compare(
            group,
            "accessor_const_bound",
            "plain_slice",
            plain,
            accessor_const_bound,
        );
    }
}

/// A million `{ int x; int y; }` points: sum the `x` fields through an accessor, and in a plain
/// Rust loop over `&[Point]`.
fn struct_field_sum(c: &mut Criterion) {
    #[repr(C)]
    #[derive(Clone, Copy)]
    struct Point {
        x: i32,
        #[allow(dead_code)] // present for the layout: the sum reads only x
        y: i32,
    }
    const M: usize = 1_000_000;
    let points: Vec<Point> = (0..M as i32).map(|i| Point { x: i % 97, y: -i }).collect();
    let point =
        StructLayout::try_new(&[I32.with_name("x").layout(), I32.with_name("y").layout()]).unwrap();
    let seq = SequenceLayout::try_new(M, point.layout()).unwrap();
    let x: Accessor<i32, 1> = seq
        .accessor(&[PathElement::sequence_free(), PathElement::group("x")])
        .unwrap();
    let arena = Arena::new();
    let seg = arena.allocate_layout(&seq).unwrap();
    for (i, p) in points.iter().enumerate() {
        x.set(seg, [i], p.x);
    }
    let seg: &Segment = seg;

    let mut g = c.benchmark_group("struct_field_sum_1M");
    g.throughput(Throughput::Elements(M as u64));
    g.bench_function("plain_loop", |b| {
        b.iter(|| {
            let ps: &[Point] = black_box(&points);
            ps.iter().fold(0i32, |a, p| a.wrapping_add(p.x))
        })
    });
    g.bench_function("accessor", |b| {
        b.iter(|| {
            let x = black_box(x);
            let s: &Segment = black_box(seg);
            let mut sum = 0i32;
            for i in 0..x.dimensions()[0] {
                sum = sum.wrapping_add(x.get(s, [i]));
            }
            sum
        })
    });
    g.finish();
}

fn allocate(c: &mut Criterion) {
    let mut g = c.benchmark_group("allocate_1M_x16B");
    g.throughput(Throughput::Elements(ALLOCS as u64));
    // Each segment's address is used (summed), as a caller would use the segment; the cursor
    // can stay in a register, as it does in ordinary code.
    g.bench_function("arena", |b| {
        b.iter_custom(|iters| {
            let mut total = Duration::ZERO;
            for _ in 0..iters {
                let arena = Arena::new();
                let start = Instant::now();
                let mut sum = 0usize;
                for _ in 0..ALLOCS {
                    sum = sum.wrapping_add(arena.allocate(16, 8).unwrap().as_ptr().addr());
                }
                black_box(sum);
                total += start.elapsed();
                drop(arena);
            }
            total
        })
    });
    // The pessimistic form: every segment escapes through `black_box`, which forces the arena's
    // cursor through memory on every allocation.
    g.bench_function("arena_opaque", |b| {
        b.iter_custom(|iters| {
            let mut total = Duration::ZERO;
            for _ in 0..iters {
                let arena = Arena::new();
                let alloc = &arena;
                let start = Instant::now();
                for _ in 0..ALLOCS {
                    black_box(alloc.allocate(16, 8).unwrap());
                }
                total += start.elapsed();
                drop(arena);
            }
            total
        })
    });
    g.bench_function("box_16_bytes", |b| {
        b.iter_custom(|iters| {
            let mut total = Duration::ZERO;
            for _ in 0..iters {
                let mut keep: Vec<Box<[u8; 16]>> = Vec::with_capacity(ALLOCS);
                let start = Instant::now();
                for _ in 0..ALLOCS {
                    keep.push(black_box(Box::new([0u8; 16])));
                }
                total += start.elapsed();
                drop(keep);
            }
            total
        })
    });
    g.finish();
}

fn close(c: &mut Criterion) {
    let mut g = c.benchmark_group("close_arena_1M_segments");
    g.bench_function("arena", |b| {
        b.iter_custom(|iters| {
            let mut total = Duration::ZERO;
            for _ in 0..iters {
                let arena = Arena::new();
                for _ in 0..ALLOCS {
                    arena.allocate(16, 8).unwrap().set(I32, 0, 1);
                }
                let start = Instant::now();
                arena.close();
                total += start.elapsed();
            }
            total
        })
    });
    g.finish();
}

fn config() -> Criterion {
    Criterion::default()
        .sample_size(20)
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(3))
}

criterion_group! { name = benches; config = config(); targets = sum_i32, struct_field_sum, allocate, close }
criterion_main!(benches);
