//! The seeds' points array, three ways, and a parallel sum over a reshaped layout.
//!
//! `cargo run -p ffm-examples --example points`

use ffm::layout::{Accessor, PathElement, SequenceLayout, StructLayout};
use ffm::prelude::*;
use rayon::prelude::*;

const POINT: StructLayout =
    StructLayout::new(&[I32.with_name("x").layout(), I32.with_name("y").layout()]);
const POINTS: SequenceLayout = SequenceLayout::new(10, &POINT.layout());

fn main() -> Result<(), ffm::Error> {
    let arena = Arena::new();
    let points = arena.allocate_layout(&POINTS)?;

    // Structured access: accessors derived from layout paths.
    let x: Accessor<i32, 1> =
        POINTS.accessor(&[PathElement::sequence_free(), PathElement::group("x")])?;
    let y: Accessor<i32, 1> =
        POINTS.accessor(&[PathElement::sequence_free(), PathElement::group("y")])?;
    for i in 0..10 {
        x.set(points, [i], i as i32);
        y.set(points, [i], (i * i) as i32);
    }

    // The same memory by index arithmetic.
    let y3 = POINTS.byte_offset(&[PathElement::sequence(3), PathElement::group("y")])?;
    println!(
        "layout {POINTS}: [3].y is at byte {y3} and holds {}",
        points.get(I32, y3)
    );

    // Out-of-bounds access is an error, not a crash.
    match points.try_get_at_index(I32, 20) {
        Ok(v) => println!("unexpected value {v}"),
        Err(e) => println!("as expected: {e}"),
    }

    // A parallel sum over a million ints, in bulk chunks of 100 (the seeds' spliterator).
    let seq = SequenceLayout::try_new(1_000_000, I32.layout())?;
    let big = arena.allocate_layout(&seq)?;
    for (i, v) in big.as_mut_slice::<i32>()?.iter_mut().enumerate() {
        *v = (i % 10) as i32;
    }
    let bulk = seq.reshape(&[-1, 100])?;
    let sum: i64 = big
        .par_elements(bulk.element_layout())?
        .map(|chunk| {
            (0..100)
                .map(|i| i64::from(chunk.get_at_index(I32, i)))
                .sum::<i64>()
        })
        .sum();
    println!("parallel sum of {} = {sum}", bulk);
    arena.close();
    Ok(())
}
