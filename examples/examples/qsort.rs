//! C's `qsort` sorting an array in an arena, with a Rust closure as the comparator, bound
//! through `#[ffm::foreign]`.
//!
//! `cargo run -p ffm-examples --example qsort`

use std::ffi::{c_int, c_void};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use ffm::prelude::*;

#[ffm::foreign]
mod libc {
    use std::ffi::{c_int, c_void};

    /// qsort's comparator: negative, zero or positive as `*a` is less than, equal to or
    /// greater than `*b`.
    pub type Compare = unsafe extern "C" fn(a: *const c_void, b: *const c_void) -> c_int;

    /// Functions from the default lookup (the process, libc, libm).
    unsafe extern "C" {
        pub fn qsort(base: *mut c_void, count: usize, size: usize, compare: Compare);
    }
}

fn main() -> Result<(), ffm::Error> {
    let arena = Arena::new();
    let unsorted = [42, -7, 19, 3, 88, 0, -31, 19, 64, 5];
    let array = arena.allocate_from(I32, &unsorted)?;
    println!("before: {:?}", array.to_vec::<i32>()?);

    // The comparator is a closure with state: it counts its calls. It becomes a C function
    // pointer (an upcall stub) that lives as long as `arena`.
    let calls = Arc::new(AtomicUsize::new(0));
    let counter = Arc::clone(&calls);
    let compare = libc::Compare::new(&arena, move |a: *const c_void, b: *const c_void| {
        counter.fetch_add(1, Ordering::Relaxed);
        // SAFETY: qsort passes pointers to two elements of the array, which holds i32s.
        let (a, b) = unsafe { (*a.cast::<i32>(), *b.cast::<i32>()) };
        a.cmp(&b) as c_int
    })?;

    // SAFETY: the segment holds `unsorted.len()` elements of 4 bytes, which the comparator
    // compares as i32s; the comparator lives in `arena`, which outlives the call.
    unsafe { libc::qsort(&mut *array, unsorted.len(), 4, compare) };

    println!("after:  {:?}", array.to_vec::<i32>()?);
    println!(
        "{} comparisons, through qsort at {}",
        calls.load(Ordering::Relaxed),
        libc::qsort::address()?
    );
    Ok(())
}
