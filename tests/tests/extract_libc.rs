//! The C library through the bindings ffm-extract generates from `stdlib.h`, `time.h`,
//! `sys/stat.h` and `stdio.h` at build time (`extract_build.rs`: `qsort`, `gmtime`, `stat` and
//! `snprintf`, with the types they need): a Rust closure as qsort's comparator through the
//! generated callback type, `struct tm` read through its generated accessors, `st_size` of a
//! file, and a variadic call.
//!
//! Built only when `extract_build.rs` could generate the bindings (cfg `ffm_extract_libc`).
#![cfg(ffm_extract_libc)]

use std::ffi::{CStr, c_int, c_void};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use ffm::prelude::*;

#[allow(dead_code)]
mod libc {
    include!(concat!(env!("OUT_DIR"), "/extract_libc.rs"));
}

use libc::{__compar_fn_t, tm};

#[test]
fn qsort_with_a_closure_through_the_generated_callback_type() {
    let arena = Arena::new();
    let calls = Arc::new(AtomicUsize::new(0));
    let counter = Arc::clone(&calls);
    // Descending order, to tell the comparator's work from an accident.
    let compare = __compar_fn_t::new(&arena, move |a: *const c_void, b: *const c_void| {
        counter.fetch_add(1, Ordering::Relaxed);
        // SAFETY: qsort passes pointers to two `f64` elements of the array.
        let (a, b) = unsafe { (*a.cast::<f64>(), *b.cast::<f64>()) };
        b.total_cmp(&a) as c_int
    })
    .unwrap();

    let mut values: Vec<f64> = (0..500).map(|i| ((i * 7919) % 500) as f64 / 4.0).collect();
    let mut expected = values.clone();
    expected.sort_by(|a, b| b.total_cmp(a));
    let len = values.len();
    // SAFETY: `len` eight-byte elements, compared as `f64`s by `compare`, alive in `arena`.
    unsafe { libc::qsort(Segment::of_mut_slice(&mut values), len, 8, compare) };
    assert_eq!(values, expected);
    assert!(calls.load(Ordering::Relaxed) >= len - 1);
}

#[test]
fn gmtime_fills_a_struct_tm_read_through_the_accessors() {
    // The layout comes from clang; the generated assertions checked it against rustc's.
    assert_eq!(tm::LAYOUT.byte_size(), 56);
    assert_eq!(tm::OFFSET_TM_ZONE, 48);

    // 2024-02-29 23:59:58 UTC, a Thursday, day 59 of a leap year.
    let time: libc::time_t = 1_709_251_198;
    // SAFETY: gmtime reads one time_t and returns its static struct tm.
    let p = unsafe { libc::gmtime(&raw const time) };
    assert!(!p.is_null());
    // SAFETY: gmtime's result is a struct tm, valid until the next call from this thread.
    let segment = unsafe { Address::from_mut_ptr(p).reinterpret(size_of::<tm>()) };
    assert_eq!(
        (
            tm::tm_year(segment),
            tm::tm_mon(segment),
            tm::tm_mday(segment)
        ),
        (124, 1, 29)
    );
    assert_eq!(
        (
            tm::tm_hour(segment),
            tm::tm_min(segment),
            tm::tm_sec(segment)
        ),
        (23, 59, 58)
    );
    assert_eq!((tm::tm_wday(segment), tm::tm_yday(segment)), (4, 59));
    // SAFETY: tm_zone points to a static C string.
    let zone = unsafe { CStr::from_ptr(tm::tm_zone(segment)) };
    assert_eq!(zone, c"GMT");
    let copy = tm::read(segment).unwrap();
    assert_eq!((copy.tm_year, copy.tm_isdst, copy.tm_gmtoff), (124, 0, 0));
}

/// C's `stat()` is `stat_` in Rust: `struct stat` takes the name (see the function's docs).
#[test]
fn stat_reads_the_size_of_a_file() {
    let path = std::env::temp_dir().join(format!("ffm-extract-stat-{}", std::process::id()));
    std::fs::write(&path, vec![7u8; 12_345]).unwrap();
    let c_path = std::ffi::CString::new(path.to_str().unwrap()).unwrap();

    let arena = Arena::new();
    let buffer = libc::stat::allocate(&arena).unwrap();
    // SAFETY: a terminated path and a zeroed `struct stat` for the result.
    let status = unsafe { libc::stat_(c_path.as_c_str(), &mut *buffer) };
    assert_eq!(status, 0);
    assert_eq!(libc::stat::st_size(buffer), 12_345);
    // S_IFREG: a regular file.
    assert_eq!(libc::stat::st_mode(buffer) & 0o170000, 0o100000);
    // Nested structs come back as segments: st_mtim is a struct timespec.
    let mtime = libc::stat::st_mtim(buffer);
    assert!(libc::timespec::tv_sec(mtime) > 1_600_000_000);
    std::fs::remove_file(&path).unwrap();

    // A file that does not exist.
    // SAFETY: as above.
    let status = unsafe { libc::stat_(c"/nonexistent/ffm/file", &mut *buffer) };
    assert_eq!(status, -1);
}

#[test]
fn snprintf_is_variadic() {
    let mut buffer = [0u8; 64];
    let segment = Segment::of_mut_slice(&mut buffer);
    // SAFETY: 64 writable bytes; the arguments match the conversions.
    let n = unsafe {
        libc::snprintf(
            &mut *segment,
            64,
            c"%s=%d (%.3f) %c",
            (c"answer", 42, 0.125f64, b'!' as c_int),
        )
    };
    assert_eq!(n, 19);
    assert_eq!(segment.get_str(0).unwrap(), "answer=42 (0.125) !");
    // Truncation: the return value is the length it would have had.
    let mut small = [0u8; 8];
    let small_segment = Segment::of_mut_slice(&mut small);
    // SAFETY: as above, with 8 writable bytes.
    let n = unsafe { libc::snprintf(&mut *small_segment, 8, c"%d", (123_456_789,)) };
    assert_eq!(n, 9);
    assert_eq!(small_segment.get_str(0).unwrap(), "1234567");
}
