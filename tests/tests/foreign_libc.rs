//! `#[ffm::foreign]` against the C library: a safe wrapper (`strlen`), a Rust closure as
//! `qsort`'s comparator through a callback type, a variadic function (`snprintf`), a struct
//! read through its generated accessors (`gmtime`'s `struct tm`), linked functions, and the
//! errors of a missing symbol or library.

use std::ffi::{CStr, c_char, c_int, c_long, c_void};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use ffm::prelude::*;

/// qsort's comparator: negative, zero or positive as `*a` is less than, equal to or greater
/// than `*b`.
#[ffm::foreign]
type Compare = unsafe extern "C" fn(a: *const c_void, b: *const c_void) -> c_int;

/// Seconds since the epoch.
#[ffm::foreign]
type time_t = c_long;

/// glibc's broken-down time.
#[ffm::foreign]
#[repr(C)]
struct tm {
    tm_sec: c_int,
    tm_min: c_int,
    tm_hour: c_int,
    /// Day of the month, 1 to 31.
    tm_mday: c_int,
    tm_mon: c_int,
    /// Years since 1900.
    tm_year: c_int,
    tm_wday: c_int,
    tm_yday: c_int,
    tm_isdst: c_int,
    tm_gmtoff: c_long,
    tm_zone: *const c_char,
}

/// Functions of the C library, from the default lookup.
#[ffm::foreign]
unsafe extern "C" {
    /// The length of a C string.
    safe fn strlen(s: *const c_char) -> usize;
    fn qsort(base: *mut c_void, count: usize, size: usize, compare: Compare);
    fn snprintf(buf: *mut c_char, size: usize, format: *const c_char, ...) -> c_int;
    fn gmtime(time: *const time_t) -> *mut tm;
    #[link_name = "abs"]
    safe fn absolute(x: c_int) -> c_int;
}

/// libm, linked at build time.
#[ffm::foreign(link = "m")]
unsafe extern "C" {
    safe fn cbrt(x: f64) -> f64;
}

/// A symbol no library has.
#[ffm::foreign(name = BOGUS)]
unsafe extern "C" {
    safe fn ffm_no_such_function(x: c_int) -> c_int;
}

/// A library that does not exist.
#[ffm::foreign(library = "ffm_no_such_library", name = MISSING_LIBRARY)]
unsafe extern "C" {
    safe fn ffm_in_a_missing_library();
}

/// The runtime under another path (`crate = …`).
mod reexport {
    pub use ffm as runtime;
}

#[ffm::foreign(crate = crate::reexport::runtime, name = THROUGH_REEXPORT)]
unsafe extern "C" {
    #[link_name = "labs"]
    safe fn labs_through_reexport(x: c_long) -> c_long;
}

#[test]
fn a_crate_path_for_the_runtime() {
    assert_eq!(labs_through_reexport(-9), 9);
    THROUGH_REEXPORT.check().unwrap();
}

#[test]
fn strlen_is_a_safe_wrapper_taking_any_addressable() {
    assert_eq!(strlen(c"Hello, Panama!"), 14);
    let arena = Arena::new();
    let s = arena.allocate_str("segment").unwrap();
    assert_eq!(strlen(&*s), 7);
    assert_eq!(absolute(-5), 5);
    DEFAULT_LIBRARIES.check().unwrap();
}

#[test]
fn descriptors_and_addresses() {
    assert_eq!(strlen::DESCRIPTOR.argument_layouts(), &[ADDRESS.layout()]);
    assert_eq!(strlen::DESCRIPTOR.return_layout(), Some(USIZE.layout()));
    assert_eq!(qsort::DESCRIPTOR.argument_layouts().len(), 4);
    assert_eq!(qsort::DESCRIPTOR.return_layout(), None);
    // The fixed parameters of a variadic function.
    assert_eq!(snprintf::DESCRIPTOR.argument_layouts().len(), 3);
    let a = strlen::address().unwrap();
    assert!(!a.is_null());
    assert_eq!(strlen::address().unwrap(), a);
    assert!(!absolute::address().unwrap().is_null());
}

#[test]
fn qsort_with_a_rust_closure_comparator() {
    let arena = Arena::new();
    let calls = Arc::new(AtomicUsize::new(0));
    let counter = Arc::clone(&calls);
    let compare = Compare::new(&arena, move |a: *const c_void, b: *const c_void| {
        counter.fetch_add(1, Ordering::Relaxed);
        // SAFETY: qsort passes pointers to two elements of the `i32` array.
        let (a, b) = unsafe { (*a.cast::<i32>(), *b.cast::<i32>()) };
        a.cmp(&b) as c_int
    })
    .unwrap();

    let mut values: Vec<i32> = (0..1000).map(|i| (i * 7919) % 1000 - 500).collect();
    let mut sorted = values.clone();
    sorted.sort();
    let segment = Segment::of_mut_slice(&mut values);
    // SAFETY: 1000 four-byte elements, compared as `i32`s by `compare`, which lives in `arena`.
    unsafe { qsort(&mut *segment, 1000, 4, compare) };
    assert_eq!(values, sorted);
    assert!(calls.load(Ordering::Relaxed) >= 999);

    // The same function pointer, called from Rust.
    let (x, y) = (1i32, 2i32);
    // SAFETY: the comparator reads two i32s.
    let r = unsafe { compare.invoke((&raw const x).cast(), (&raw const y).cast()) };
    assert_eq!(r, -1);
    assert!(!compare.address().is_null());
    assert!(Compare::NULL.address().is_null());
}

#[test]
fn snprintf_is_variadic() {
    let mut buf = [0u8; 64];
    let segment = Segment::of_mut_slice(&mut buf);
    // SAFETY: 64 writable bytes; the arguments match the format.
    let n = unsafe {
        snprintf(
            &mut *segment,
            64,
            c"%d|%s|%.2f|%ld",
            (42, c"text", 2.5f64, -7i64),
        )
    };
    assert_eq!(n, 15);
    assert_eq!(segment.get_str(0).unwrap(), "42|text|2.50|-7");
    // No variadic arguments at all.
    // SAFETY: as above, and the format has no conversions.
    let n = unsafe { snprintf(&mut *segment, 64, c"plain", ()) };
    assert_eq!((n, segment.get_str(0).unwrap()), (5, "plain"));
}

#[test]
fn gmtime_returns_a_struct_read_through_the_accessors() {
    assert_eq!(tm::LAYOUT.byte_size(), 56);
    assert_eq!((tm::OFFSET_TM_GMTOFF, tm::OFFSET_TM_ZONE), (40, 48));

    // 2000-03-01 12:34:56 UTC, a Wednesday, day 60 of a leap year.
    let time: time_t = 951_914_096;
    // SAFETY: gmtime reads one time_t and returns its static struct tm.
    let p = unsafe { gmtime(std::ptr::from_ref(&time)) };
    assert!(!p.is_null());
    // SAFETY: gmtime's result points to a struct tm, valid until the next call (this test is
    // the only caller in the process).
    let segment = unsafe { Address::from_mut_ptr(p).reinterpret(size_of::<tm>()) };
    assert_eq!(tm::tm_year(segment), 100);
    assert_eq!(tm::tm_mon(segment), 2);
    assert_eq!(tm::tm_mday(segment), 1);
    assert_eq!(
        (
            tm::tm_hour(segment),
            tm::tm_min(segment),
            tm::tm_sec(segment)
        ),
        (12, 34, 56)
    );
    assert_eq!((tm::tm_wday(segment), tm::tm_yday(segment)), (3, 60));
    assert_eq!(tm::tm_gmtoff(segment), 0);
    // SAFETY: tm_zone points to a static C string.
    let zone = unsafe { CStr::from_ptr(tm::tm_zone(segment)) };
    assert_eq!(zone, c"GMT");

    let whole = tm::read(segment).unwrap();
    assert_eq!((whole.tm_year, whole.tm_isdst), (100, 0));

    // Writing through the setters into our own copy.
    let arena = Arena::new();
    let copy = tm::allocate(&arena).unwrap();
    whole.write(copy).unwrap();
    tm::set_tm_year(copy, 101);
    assert_eq!(tm::read(copy).unwrap().tm_year, 101);
    assert_eq!(tm::tm_mday(copy), 1);
}

#[test]
fn linked_functions() {
    assert!((cbrt(27.0) - 3.0).abs() < 1e-12);
    assert!(!cbrt::address().unwrap().is_null());
    assert_eq!(cbrt::DESCRIPTOR.argument_layouts(), &[F64.layout()]);
}

#[test]
fn a_missing_symbol_is_an_error_that_names_it() {
    let e = BOGUS.check().unwrap_err().to_string();
    assert!(e.contains("ffm_no_such_function"), "{e}");
    let e = ffm_no_such_function::address().unwrap_err().to_string();
    assert!(e.contains("ffm_no_such_function"), "{e}");
    let panic = std::panic::catch_unwind(|| ffm_no_such_function(1)).unwrap_err();
    let message = panic.downcast_ref::<String>().cloned().unwrap_or_default();
    assert!(
        message.contains("cannot call `ffm_no_such_function`"),
        "{message}"
    );
}

#[test]
fn a_missing_library_is_an_error_that_names_it() {
    let e = MISSING_LIBRARY.check().unwrap_err().to_string();
    assert!(e.contains("ffm_no_such_library"), "{e}");
    let e = ffm_in_a_missing_library::address().unwrap_err().to_string();
    assert!(e.contains("ffm_no_such_library"), "{e}");
}
