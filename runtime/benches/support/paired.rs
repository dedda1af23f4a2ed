//! Paired ratios: a row and its baseline timed alternately, many times, in short blocks.
//!
//! Criterion measures each row for seconds, one row after another; on a shared machine the
//! speed drifts by 10–20% over seconds (neighbours, frequency), so two rows of equal cost can
//! land that far apart. Here the two loops run in blocks of a few milliseconds, in the order
//! AB BA AB BA … so that a drift hits both alike, and each round gives one ratio. The median of
//! the rounds is the ratio the benchmark reports, with its interquartile range.

use std::hint::black_box;
use std::time::{Duration, Instant};

/// Rounds per pair (each one block of the baseline and one of the row).
const ROUNDS: usize = 41;
/// The length of one block.
const BLOCK: Duration = Duration::from_millis(3);

/// Runs `f` `n` times, keeping each result alive, and returns how long that took.
#[inline(always)]
pub fn timed<O>(n: u64, f: &mut impl FnMut() -> O) -> Duration {
    let start = Instant::now();
    for _ in 0..n {
        black_box(f());
    }
    start.elapsed()
}

/// The ratio of `row` to `baseline` (row time / baseline time per iteration) from paired
/// rounds.
#[derive(Debug, Clone, Copy)]
pub struct Ratio {
    pub median: f64,
    pub q1: f64,
    pub q3: f64,
}

/// Measures `row` against `baseline`, prints one line named `group/row_name` and returns the
/// ratio.
pub fn compare<A, B>(
    group: &str,
    row_name: &str,
    baseline_name: &str,
    baseline: impl FnMut() -> A,
    row: impl FnMut() -> B,
) -> Ratio {
    compare_rounds(ROUNDS, group, row_name, baseline_name, baseline, row)
}

/// [`compare`] with `rounds` rounds (fewer, for rows that take a long time per iteration).
pub fn compare_rounds<A, B>(
    rounds: usize,
    group: &str,
    row_name: &str,
    baseline_name: &str,
    mut baseline: impl FnMut() -> A,
    mut row: impl FnMut() -> B,
) -> Ratio {
    // Warm both up, then size a block from the baseline.
    let mut n = 1u64;
    while timed(n, &mut baseline) < BLOCK / 4 {
        n *= 2;
    }
    timed(n, &mut row);
    let per = timed(n, &mut baseline).as_secs_f64() / n as f64;
    let n = ((BLOCK.as_secs_f64() / per) as u64).max(1);
    let mut ratios = Vec::with_capacity(rounds);
    for round in 0..rounds {
        // AB in even rounds, BA in odd ones: each loop runs first as often as second.
        let (a, b) = if round % 2 == 0 {
            let a = timed(n, &mut baseline);
            (a, timed(n, &mut row))
        } else {
            let b = timed(n, &mut row);
            (timed(n, &mut baseline), b)
        };
        ratios.push(b.as_secs_f64() / a.as_secs_f64());
    }
    ratios.sort_by(f64::total_cmp);
    let at = |q: f64| ratios[((ratios.len() - 1) as f64 * q).round() as usize];
    let r = Ratio {
        median: at(0.5),
        q1: at(0.25),
        q3: at(0.75),
    };
    println!(
        "paired {group}/{row_name} vs {baseline_name}: {:.3}x (IQR {:.3}-{:.3}, {rounds} rounds of {n} iterations)",
        r.median, r.q1, r.q3
    );
    r
}

/// Whether the paired comparisons should run: no filter on the command line, or one that
/// `paired` contains (`cargo bench --bench linker -- paired`).
pub fn wanted() -> bool {
    match std::env::args().skip(1).find(|a| !a.starts_with('-')) {
        None => true,
        Some(filter) => "paired".contains(filter.as_str()),
    }
}
