//! `#[ffm::foreign]` on a module against the project's C test library (`c/testlib.h`), loaded
//! by its path (`library = ffm_tests::TESTLIB`, a `&'static str` constant): structs, nested
//! structs and unions by value in and out, callbacks (with structs, with state), a variadic
//! function and globals.

use std::sync::{Arc, Mutex};

use ffm::prelude::*;
use testlib::*;

#[ffm::foreign(library = ffm_tests::TESTLIB, name = TESTLIB)]
mod testlib {
    use std::ffi::{c_char, c_int, c_longlong, c_short};

    /// `struct ffm_id`: INTEGER and SSE.
    #[repr(C)]
    #[derive(PartialEq)]
    pub struct ffm_id {
        pub a: c_int,
        pub b: f64,
    }

    /// `struct ffm_dddd`: 32 bytes, passed in memory.
    #[repr(C)]
    #[derive(PartialEq)]
    pub struct ffm_dddd {
        pub a: f64,
        pub b: f64,
        pub c: f64,
        pub d: f64,
    }

    #[repr(C)]
    pub struct ffm_fi {
        pub a: f32,
        pub b: c_int,
    }

    #[repr(C)]
    #[derive(PartialEq)]
    pub struct ffm_inner {
        pub a: c_short,
        pub b: c_char,
    }

    /// A struct in a struct (`in` is a Rust keyword).
    #[repr(C)]
    #[derive(PartialEq)]
    pub struct ffm_outer {
        pub r#in: ffm_inner,
        pub d: f64,
        pub arr: [c_int; 2],
    }

    #[repr(C)]
    pub union ffm_u {
        pub i: c_int,
        pub f: f32,
        pub d: f64,
    }

    pub type size_t = usize;

    pub type IntCb = unsafe extern "C" fn(c_int, c_int) -> c_int;
    pub type IdCb = unsafe extern "C" fn(ffm_id, c_int) -> ffm_id;
    pub type CountCb = unsafe extern "C" fn(c_int) -> c_int;

    unsafe extern "C" {
        pub fn ffm_id_bump(v: ffm_id, k: c_int) -> ffm_id;
        pub fn ffm_dddd_bump(v: ffm_dddd) -> ffm_dddd;
        pub fn ffm_mix_structs(x: ffm_id, y: ffm_dddd, z: ffm_fi) -> f64;
        pub fn ffm_outer_bump(o: ffm_outer) -> ffm_outer;
        pub fn ffm_u_as_double(u: ffm_u) -> f64;
        pub safe fn ffm_inc_size(v: size_t) -> size_t;

        pub fn ffm_call_int_cb(cb: IntCb, a: c_int, b: c_int) -> c_int;
        pub fn ffm_call_struct_cb(cb: IdCb, v: ffm_id, k: c_int) -> ffm_id;
        pub fn ffm_call_cb_n(cb: CountCb, n: c_int) -> c_int;

        pub fn ffm_sum_ints(n: c_int, ...) -> c_longlong;

        /// Initially 42.
        pub static mut ffm_global_counter: c_int;
        /// Initially {7, 2.5}.
        pub static mut ffm_global_pair: ffm_id;
        pub safe fn ffm_read_counter() -> c_int;
        pub safe fn ffm_read_pair_sum() -> f64;
    }
}

#[test]
fn every_symbol_resolves() {
    TESTLIB.check().unwrap();
}

#[test]
fn structs_by_value_in_and_out() {
    // SAFETY: plain-data structs by value.
    let r = unsafe { ffm_id_bump(ffm_id { a: 10, b: 1.25 }, 5) };
    assert_eq!(r, ffm_id { a: 15, b: 2.5 });

    let v = ffm_dddd {
        a: 1.0,
        b: 2.0,
        c: 3.0,
        d: 4.0,
    };
    // SAFETY: as above (a MEMORY-class struct, returned through a hidden pointer).
    let r = unsafe { ffm_dddd_bump(v) };
    assert_eq!(
        r,
        ffm_dddd {
            a: 2.0,
            b: 4.0,
            c: 6.0,
            d: 8.0
        }
    );

    // SAFETY: as above.
    let sum = unsafe { ffm_mix_structs(ffm_id { a: 1, b: 2.0 }, v, ffm_fi { a: 0.5, b: 3 }) };
    assert_eq!(sum, 1.0 + 2.0 + 10.0 + 0.5 + 3.0);

    let o = ffm_outer {
        r#in: ffm_inner { a: 1, b: 2 },
        d: 1.5,
        arr: [10, 20],
    };
    // SAFETY: as above.
    let r = unsafe { ffm_outer_bump(o) };
    assert_eq!(
        r,
        ffm_outer {
            r#in: ffm_inner { a: 2, b: 3 },
            d: 3.0,
            arr: [20, 30],
        }
    );

    // SAFETY: as above; every member of the union is plain data.
    let d = unsafe { ffm_u_as_double(ffm_u { d: -0.5 }) };
    assert_eq!(d, -0.5);

    assert_eq!(ffm_inc_size(41), 42);
}

#[test]
fn layouts_and_accessors_of_nested_structs() {
    assert_eq!(
        (ffm_outer::LAYOUT.byte_size(), ffm_outer::OFFSET_D),
        (24, 8)
    );
    assert_eq!(ffm_outer::OFFSET_ARR, 16);
    assert_eq!(ffm_inner::LAYOUT.byte_size(), 4);
    assert_eq!(ffm_u::LAYOUT.byte_size(), 8);

    let arena = Arena::new();
    let seg = ffm_outer::allocate(&arena).unwrap();
    ffm_outer::set_d(seg, 2.0);
    // An aggregate field is a sub-segment.
    ffm_inner::set_a(seg.slice_mut(ffm_outer::OFFSET_IN, 4), 7);
    assert_eq!(ffm_inner::a(ffm_outer::r#in(seg)), 7);
    let arr = ffm_outer::arr(seg);
    assert_eq!(arr.len(), 8);
    let o = ffm_outer::read(seg).unwrap();
    assert_eq!((o.r#in.a, o.d, o.arr), (7, 2.0, [0, 0]));
}

#[test]
fn callbacks_from_closures() {
    let arena = Arena::new();
    let cb = IntCb::new(&arena, |a, b| a * 10 + b).unwrap();
    // SAFETY: the callback lives in `arena`, which outlives the call.
    assert_eq!(unsafe { ffm_call_int_cb(cb, 4, 2) }, 42);

    let bump = IdCb::new(&arena, |v: ffm_id, k| ffm_id {
        a: v.a + k,
        b: v.b * 2.0,
    })
    .unwrap();
    // SAFETY: as above; structs by value into and out of the upcall.
    let r = unsafe { ffm_call_struct_cb(bump, ffm_id { a: 1, b: 0.25 }, 9) };
    assert_eq!(r, ffm_id { a: 10, b: 0.5 });

    // A closure with state, called n times in order.
    let seen = Arc::new(Mutex::new(Vec::new()));
    let log = Arc::clone(&seen);
    let count = CountCb::new(&arena, move |i| {
        log.lock().unwrap().push(i);
        i * i
    })
    .unwrap();
    // SAFETY: as above.
    let total = unsafe { ffm_call_cb_n(count, 5) };
    assert_eq!(total, 1 + 4 + 9 + 16);
    assert_eq!(*seen.lock().unwrap(), [0, 1, 2, 3, 4]);
}

#[test]
fn a_variadic_function() {
    // SAFETY: n says how many ints follow.
    let sum = unsafe { ffm_sum_ints(4, (1, 2, 3, 4)) };
    assert_eq!(sum, 10);
}

#[test]
fn globals() {
    // SAFETY: this test is the only user of the globals in this process.
    unsafe {
        assert_eq!(ffm_global_counter::get(), 42);
        ffm_global_counter::set(7);
    }
    assert_eq!(ffm_read_counter(), 7);

    // SAFETY: as above.
    let pair = unsafe { ffm_global_pair::get() };
    assert_eq!(pair, ffm_id { a: 7, b: 2.5 });
    // SAFETY: as above.
    let segment = unsafe { ffm_global_pair::segment() }.unwrap();
    ffm_id::set_a(segment, 8);
    assert_eq!(ffm_read_pair_sum(), 10.5);
    // SAFETY: as above.
    unsafe { ffm_global_pair::set(ffm_id { a: 1, b: 1.0 }) };
    assert_eq!(ffm_read_pair_sum(), 2.0);
    assert!(!ffm_global_counter::address().unwrap().is_null());
}
