//! Linker benchmarks: each row measures, in the same run, the direct call through the same
//! `dlsym` pointer, raw libffi (a prepared CIF, arguments by pointer), and ffm's dynamic
//! (`Value`) and typed paths. The callees are the project's `benchlib.c` (built `-O2`). The
//! typed rows take their inputs as the direct row does: one `black_box` of the arguments per
//! call (and the direct row one of its function pointer, which the typed path loads from its
//! slot instead).
//!
//! The dynamic rows return what the direct row returns: the scalar out of the returned
//! `Value`, converted to the direct row's type with `TryFrom` (which checks the value's kind),
//! or a field of the returned struct; `add` is also read with `as_i64` (which widens any
//! integer kind, one dispatch on the kind more). A whole `Value` handed to `black_box` is copied
//! from where the call built it, piece by piece, and read back whole: a store-forwarding stall
//! of about 3 ns on the benchmark machine that a caller reading the value does not pay.
//!
//! After each downcall group, its typed and dynamic rows are also timed against the direct row
//! in alternating short blocks (`support/paired.rs`): the printed `paired` lines are the ratios
//! with the machine's drift cancelled, which criterion's one-row-after-another medians do not
//! do.

use std::ffi::c_void;
use std::hint::black_box;
use std::time::Duration;

use criterion::{BatchSize, Criterion, criterion_group, criterion_main};
use ffm::layout::StructLayout;
use ffm::linker::{
    ByValue, FunctionDescriptor, Library, Linker, LinkerOptions, SymbolLookup, Value,
};
use ffm::prelude::*;
use libffi::middle::{Cif, Closure, CodePtr, Type, arg};

#[path = "support/paired.rs"]
mod paired;

/// The typed path: `#[ffm::foreign]` wrappers, bound on first use, called through a typed
/// function pointer.
#[ffm::foreign(library = ffm_tests::BENCHLIB, name = BENCHLIB)]
mod bl {
    use std::ffi::{c_char, c_int, c_long};

    #[repr(C)]
    pub struct bl_point {
        pub x: c_int,
        pub y: c_int,
    }

    #[repr(C)]
    pub struct bl_big {
        pub a: f64,
        pub b: f64,
        pub c: f64,
        pub d: f64,
    }

    pub type bl_cb = unsafe extern "C" fn(c_int) -> c_int;

    unsafe extern "C" {
        pub fn bl_noop();
        pub fn bl_add(a: c_int, b: c_int) -> c_int;
        pub fn bl_mix6(a: c_int, b: c_long, c: f64, d: f32, e: *mut c_char, f: c_long) -> c_long;
        pub fn bl_point_add(p: bl_point, q: bl_point) -> bl_point;
        pub fn bl_big_scale(v: bl_big, k: f64) -> bl_big;
        pub fn bl_call_cb(cb: bl_cb, n: c_int) -> c_int;
    }
}

fn lib() -> &'static Library {
    static LIB: std::sync::OnceLock<Library> = std::sync::OnceLock::new();
    LIB.get_or_init(|| Library::open(ffm_tests::BENCHLIB).expect("benchlib"))
}

fn sym(name: &str) -> *const c_void {
    lib().find_or_error(name).unwrap().address().as_ptr()
}

fn handle(name: &str, desc: FunctionDescriptor) -> ffm::linker::Downcall<'static> {
    Linker::native()
        .downcall(
            &lib().find_or_error(name).unwrap(),
            desc,
            &LinkerOptions::new(),
        )
        .unwrap()
}

const POINT: StructLayout = StructLayout::new(&[I32.layout(), I32.layout()]);
const BIG: StructLayout =
    StructLayout::new(&[F64.layout(), F64.layout(), F64.layout(), F64.layout()]);

fn downcalls(c: &mut Criterion) {
    let arena = Arena::new();

    // noop()
    {
        let p = sym("bl_noop");
        // SAFETY: bl_noop is `void bl_noop(void)`.
        let direct: extern "C" fn() = unsafe { std::mem::transmute(p) };
        let cif = Cif::new(std::iter::empty::<Type>(), Type::void());
        let h = handle("bl_noop", FunctionDescriptor::void(&[]));
        let typed = h.typed::<(), ()>().unwrap();
        let direct_row = || black_box(direct)();
        // SAFETY: bl_noop has no preconditions.
        let typed_row = || unsafe { bl::bl_noop() };
        // SAFETY: the descriptor matches the benchmark function.
        let view_row = || unsafe { typed.call(()) };
        let mut g = c.benchmark_group("noop");
        g.bench_function("direct", |b| b.iter(direct_row));
        g.bench_function("ffm_typed", |b| b.iter(typed_row));
        g.bench_function("raw_libffi", |b| {
            b.iter(|| {
                // SAFETY: the CIF matches bl_noop.
                unsafe { cif.call::<()>(CodePtr(p as *mut _), &[]) }
            })
        });
        let dynamic_row = || {
            // SAFETY: the descriptor matches the benchmark function.
            unsafe { h.call(&[]) }.unwrap();
        };
        g.bench_function("ffm_dynamic", |b| b.iter(dynamic_row));
        g.bench_function("ffm_typed_view", |b| b.iter(view_row));
        g.finish();
        typed_pairs(
            "noop",
            direct_row,
            typed_row,
            Some(("ffm_typed_view", view_row)),
            dynamic_row,
        );
    }

    // add(int, int)
    {
        let p = sym("bl_add");
        // SAFETY: bl_add is `int bl_add(int, int)`.
        let direct: extern "C" fn(i32, i32) -> i32 = unsafe { std::mem::transmute(p) };
        let cif = Cif::new([Type::i32(), Type::i32()], Type::i32());
        let h = handle(
            "bl_add",
            FunctionDescriptor::of(I32, &[I32.layout(), I32.layout()]),
        );
        let typed = h.typed::<(i32, i32), i32>().unwrap();
        let direct_row = || {
            let f = black_box(direct);
            let (x, y) = black_box((1, 2));
            f(x, y)
        };
        let typed_row = || {
            let (x, y) = black_box((1, 2));
            // SAFETY: bl_add has no preconditions.
            unsafe { bl::bl_add(x, y) }
        };
        let view_row = || {
            let (x, y) = black_box((1, 2));
            // SAFETY: the descriptor matches the benchmark function.
            unsafe { typed.call((x, y)) }
        };
        let mut g = c.benchmark_group("add");
        g.bench_function("direct", |b| b.iter(direct_row));
        g.bench_function("ffm_typed", |b| b.iter(typed_row));
        g.bench_function("raw_libffi", |b| {
            b.iter(|| {
                let (x, y) = (black_box(1i32), black_box(2i32));
                // SAFETY: the CIF matches bl_add.
                unsafe { cif.call::<i32>(CodePtr(p as *mut _), &[arg(&x), arg(&y)]) }
            })
        });
        let dynamic_row = || {
            // SAFETY: the descriptor matches.
            let r = unsafe { h.call(&[Value::I32(black_box(1)), Value::I32(black_box(2))]) };
            i32::try_from(r.unwrap()).unwrap()
        };
        // The same, read with `as_i64` (which widens any integer kind).
        let widened_row = || {
            // SAFETY: the descriptor matches.
            let r = unsafe { h.call(&[Value::I32(black_box(1)), Value::I32(black_box(2))]) };
            r.unwrap().as_i64()
        };
        g.bench_function("ffm_dynamic", |b| b.iter(dynamic_row));
        g.bench_function("ffm_dynamic_as_i64", |b| b.iter(widened_row));
        g.bench_function("ffm_typed_view", |b| b.iter(view_row));
        g.finish();
        if paired::wanted() {
            paired::compare(
                "add",
                "ffm_dynamic_as_i64",
                "direct",
                direct_row,
                widened_row,
            );
        }
        typed_pairs(
            "add",
            direct_row,
            typed_row,
            Some(("ffm_typed_view", view_row)),
            dynamic_row,
        );
    }

    // mix6(int, long, double, float, char*, long)
    {
        let p = sym("bl_mix6");
        type Mix6 = extern "C" fn(i32, i64, f64, f32, *const u8, i64) -> i64;
        // SAFETY: bl_mix6 has this signature.
        let direct: Mix6 = unsafe { std::mem::transmute(p) };
        let cif = Cif::new(
            [
                Type::i32(),
                Type::i64(),
                Type::f64(),
                Type::f32(),
                Type::pointer(),
                Type::i64(),
            ],
            Type::i64(),
        );
        let h = handle(
            "bl_mix6",
            FunctionDescriptor::of(
                I64,
                &[
                    I32.layout(),
                    I64.layout(),
                    F64.layout(),
                    F32.layout(),
                    ADDRESS.layout(),
                    I64.layout(),
                ],
            ),
        );
        let typed = h
            .typed::<(i32, i64, f64, f32, Address, i64), i64>()
            .unwrap();
        let text = arena.allocate_str("x").unwrap();
        let tp = text.as_ptr();
        let direct_row = || {
            let f = black_box(direct);
            let (a, e) = black_box((1, tp));
            f(a, 2, 3.0, 4.0, e, 6)
        };
        let typed_row = || {
            let (a, e) = black_box((1, tp));
            // SAFETY: `text` is a C string, which is all bl_mix6 reads.
            unsafe { bl::bl_mix6(a, 2, 3.0, 4.0, e, 6) }
        };
        let view_row = || {
            let (a, e) = black_box((1, tp));
            // SAFETY: the descriptor matches; `text` is a C string.
            unsafe { typed.call((a, 2i64, 3.0, 4.0f32, Address::from_ptr(e), 6i64)) }
        };
        let mut g = c.benchmark_group("mix6");
        g.bench_function("direct", |b| b.iter(direct_row));
        g.bench_function("ffm_typed", |b| b.iter(typed_row));
        g.bench_function("raw_libffi", |b| {
            b.iter(|| {
                let (a, bb, cc, d, e, f) =
                    (black_box(1i32), 2i64, 3.0f64, 4.0f32, black_box(tp), 6i64);
                // SAFETY: the CIF matches bl_mix6.
                unsafe {
                    cif.call::<i64>(
                        CodePtr(p as *mut _),
                        &[arg(&a), arg(&bb), arg(&cc), arg(&d), arg(&e), arg(&f)],
                    )
                }
            })
        });
        let dynamic_row = || {
            // SAFETY: the descriptor matches; `text` is a C string.
            let r = unsafe {
                h.call(&[
                    Value::I32(black_box(1)),
                    Value::I64(2),
                    Value::F64(3.0),
                    Value::F32(4.0),
                    Value::pointer(&*text),
                    Value::I64(6),
                ])
            };
            i64::try_from(r.unwrap()).unwrap()
        };
        g.bench_function("ffm_dynamic", |b| b.iter(dynamic_row));
        g.bench_function("ffm_typed_view", |b| b.iter(view_row));
        g.finish();
        typed_pairs(
            "mix6",
            direct_row,
            typed_row,
            Some(("ffm_typed_view", view_row)),
            dynamic_row,
        );
    }

    // 8-byte struct by value, in registers both ways
    {
        let p = sym("bl_point_add");
        // SAFETY: bl_point_add has this signature.
        let direct: extern "C" fn(bl::bl_point, bl::bl_point) -> bl::bl_point =
            unsafe { std::mem::transmute(p) };
        let pt = || Type::structure([Type::i32(), Type::i32()]);
        let cif = Cif::new([pt(), pt()], pt());
        let h = handle(
            "bl_point_add",
            FunctionDescriptor::of(POINT, &[POINT.layout(), POINT.layout()]),
        );
        let typed = h.typed::<(ByValue, ByValue), ByValue>().unwrap();
        let a = arena.allocate_from(I32, &[1, 2]).unwrap();
        let bseg = arena.allocate_from(I32, &[3, 4]).unwrap();
        let (pa, pb) = (bl::bl_point { x: 1, y: 2 }, bl::bl_point { x: 3, y: 4 });
        let mut scratch_buf = [0u64; 4];
        // Both rows read the same arguments from memory the compiler cannot see through (a
        // black_box of a tuple of small structs is sometimes rebuilt field by field, and then
        // read back whole: a store-forwarding stall that has nothing to do with the call).
        let args = (pa, pb);
        let direct_row = || {
            let f = black_box(direct);
            let (p, q) = *black_box(&args);
            f(p, q)
        };
        let typed_row = || {
            let (p, q) = *black_box(&args);
            // SAFETY: bl_point_add has no preconditions.
            unsafe { bl::bl_point_add(p, q) }
        };
        let mut g = c.benchmark_group("struct8");
        g.bench_function("direct", |b| b.iter(direct_row));
        g.bench_function("ffm_typed", |b| b.iter(typed_row));
        g.bench_function("raw_libffi", |b| {
            b.iter(|| {
                let (x, y) = (black_box(pa), pb);
                // SAFETY: the CIF matches bl_point_add.
                unsafe { cif.call::<bl::bl_point>(CodePtr(p as *mut _), &[arg(&x), arg(&y)]) }
            })
        });
        let mut scratch = ffm::PrefixAllocator::new(Segment::of_mut_slice(&mut scratch_buf));
        let mut dynamic_row = || {
            // SAFETY: the descriptor matches.
            let r = unsafe {
                h.call_in(
                    &mut scratch,
                    &[Value::Struct(black_box(&*a)), Value::Struct(&*bseg)],
                )
            };
            r.unwrap().as_struct().unwrap().get(I32, 0)
        };
        g.bench_function("ffm_dynamic", |b| b.iter(&mut dynamic_row));
        let mut scratch_buf2 = [0u64; 4];
        let mut scratch2 = ffm::PrefixAllocator::new(Segment::of_mut_slice(&mut scratch_buf2));
        g.bench_function("ffm_typed_view", |b| {
            b.iter(|| {
                // SAFETY: the descriptor matches.
                let r = unsafe { typed.call_in(&mut scratch2, (black_box(&*a), &*bseg)) };
                black_box(r.unwrap().get(I32, 0))
            })
        });
        // The typed view over the Rust struct (a `Native` type): passed and returned by value.
        let native = h
            .typed::<(bl::bl_point, bl::bl_point), bl::bl_point>()
            .unwrap();
        let native_row = || {
            let (p, q) = *black_box(&args);
            // SAFETY: the descriptor matches; bl_point_add has no preconditions.
            unsafe { native.call((p, q)) }
        };
        g.bench_function("ffm_typed_view_native", |b| b.iter(native_row));
        g.finish();
        typed_pairs(
            "struct8",
            direct_row,
            typed_row,
            Some(("ffm_typed_view_native", native_row)),
            dynamic_row,
        );
    }

    // 32-byte struct by value, in memory both ways
    {
        let p = sym("bl_big_scale");
        // SAFETY: bl_big_scale has this signature.
        let direct: extern "C" fn(bl::bl_big, f64) -> bl::bl_big =
            unsafe { std::mem::transmute(p) };
        let bt = || Type::structure([Type::f64(), Type::f64(), Type::f64(), Type::f64()]);
        let cif = Cif::new([bt(), Type::f64()], bt());
        let h = handle(
            "bl_big_scale",
            FunctionDescriptor::of(BIG, &[BIG.layout(), F64.layout()]),
        );
        let typed = h.typed::<(ByValue, f64), ByValue>().unwrap();
        let v = arena.allocate_from(F64, &[1.0, 2.0, 3.0, 4.0]).unwrap();
        let big = bl::bl_big {
            a: 1.0,
            b: 2.0,
            c: 3.0,
            d: 4.0,
        };
        let direct_row = || {
            let f = black_box(direct);
            let v = black_box(big);
            f(v, 2.0)
        };
        // The same argument as the direct row: a captured value, copied through black_box.
        let typed_row = || {
            let v = black_box(big);
            // SAFETY: bl_big_scale has no preconditions.
            unsafe { bl::bl_big_scale(v, 2.0) }
        };
        let mut g = c.benchmark_group("struct32");
        g.bench_function("direct", |b| b.iter(direct_row));
        g.bench_function("ffm_typed", |b| b.iter(typed_row));
        g.bench_function("raw_libffi", |b| {
            b.iter(|| {
                let (x, k) = (black_box(big), 2.0f64);
                // SAFETY: the CIF matches bl_big_scale.
                unsafe { cif.call::<bl::bl_big>(CodePtr(p as *mut _), &[arg(&x), arg(&k)]) }
            })
        });
        let mut buf = [0u64; 8];
        let mut scratch = ffm::PrefixAllocator::new(Segment::of_mut_slice(&mut buf));
        let mut dynamic_row = || {
            // SAFETY: the descriptor matches.
            let r = unsafe {
                h.call_in(
                    &mut scratch,
                    &[Value::Struct(black_box(&*v)), Value::F64(2.0)],
                )
            };
            r.unwrap().as_struct().unwrap().get(F64, 0)
        };
        g.bench_function("ffm_dynamic", |b| b.iter(&mut dynamic_row));
        let mut buf2 = [0u64; 8];
        let mut scratch2 = ffm::PrefixAllocator::new(Segment::of_mut_slice(&mut buf2));
        g.bench_function("ffm_typed_view", |b| {
            b.iter(|| {
                // SAFETY: the descriptor matches.
                let r = unsafe { typed.call_in(&mut scratch2, (black_box(&*v), 2.0)) };
                black_box(r.unwrap().get(F64, 0))
            })
        });
        let native = h.typed::<(bl::bl_big, f64), bl::bl_big>().unwrap();
        let native_row = || {
            let v = black_box(big);
            // SAFETY: the descriptor matches; bl_big_scale has no preconditions.
            unsafe { native.call((v, 2.0)) }
        };
        g.bench_function("ffm_typed_view_native", |b| b.iter(native_row));
        g.finish();
        typed_pairs(
            "struct32",
            direct_row,
            typed_row,
            Some(("ffm_typed_view_native", native_row)),
            dynamic_row,
        );
    }
}

extern "C" fn rust_inc(v: i32) -> i32 {
    v + 1
}

unsafe extern "C" fn libffi_inc(
    _cif: &libffi::low::ffi_cif,
    result: &mut libffi::low::ffi_arg,
    args: *const *const c_void,
    _user: &(),
) {
    // SAFETY: libffi passes one pointer to an int.
    let v = unsafe { *(*args).cast::<i32>() };
    *result = (v + 1) as i64 as libffi::low::ffi_arg;
}

unsafe extern "C" fn libffi_cmp(
    _cif: &libffi::low::ffi_cif,
    result: &mut libffi::low::ffi_arg,
    args: *const *const c_void,
    _user: &(),
) {
    // SAFETY: libffi passes two pointers to pointers to ints of the array.
    let (x, y) = unsafe {
        let a = *(*args).cast::<*const i32>();
        let b = *(*args.add(1)).cast::<*const i32>();
        (*a, *b)
    };
    *result = (x.cmp(&y) as i32) as i64 as libffi::low::ffi_arg;
}

unsafe extern "C" {
    fn qsort(base: *mut c_void, n: usize, size: usize, cmp: *const c_void);
}

fn upcalls(c: &mut Criterion) {
    let arena = Arena::new();
    let linker = Linker::native();
    let p = sym("bl_call_cb");
    // SAFETY: bl_call_cb is `int bl_call_cb(int (*)(int), int)`.
    let call_cb: extern "C" fn(*const c_void, i32) -> i32 = unsafe { std::mem::transmute(p) };
    let unit = ();
    let raw_closure = Closure::new(Cif::new([Type::i32()], Type::i32()), libffi_inc, &unit);
    let dynamic = linker
        .upcall(
            &arena,
            FunctionDescriptor::of(I32, &[I32.layout()]),
            |args, _| Value::I32(args[0].as_i64().unwrap() as i32 + 1),
        )
        .unwrap();
    let typed = linker.upcall_typed(&arena, |v: i32| v + 1).unwrap();
    let c_inc = sym("bl_inc");
    let c_row = || call_cb(black_box(c_inc), 1000);
    let typed_row = || call_cb(black_box(typed.address().as_ptr()), 1000);
    let mut g = c.benchmark_group("upcall_x1000");
    g.bench_function("c_to_c", |b| b.iter(c_row));
    g.bench_function("direct_rust_fn", |b| {
        b.iter(|| call_cb(black_box(rust_inc as *const c_void), 1000))
    });
    g.bench_function("raw_libffi", |b| {
        b.iter(|| call_cb(black_box(*raw_closure.code_ptr() as *const c_void), 1000))
    });
    g.bench_function("ffm_dynamic", |b| {
        b.iter(|| call_cb(black_box(dynamic.address().as_ptr()), 1000))
    });
    g.bench_function("ffm_typed", |b| b.iter(typed_row));
    // The whole typed path: a `#[foreign]` callback type's closure, passed to a `#[foreign]`
    // wrapper.
    let foreign_cb = bl::bl_cb::new(&arena, |v| v + 1).unwrap();
    // SAFETY: the callback lives in `arena`, which outlives the call.
    let foreign_row = || unsafe { bl::bl_call_cb(black_box(foreign_cb), 1000) };
    g.bench_function("ffm_foreign", |b| b.iter(foreign_row));
    g.finish();
    if paired::wanted() {
        paired::compare("upcall_x1000", "ffm_typed", "c_to_c", c_row, typed_row);
        paired::compare("upcall_x1000", "ffm_foreign", "c_to_c", c_row, foreign_row);
    }

    // qsort of 1M i32 with a comparator
    const N: usize = 1_000_000;
    let template: Vec<i32> = {
        let mut x = 0x2545_f491_4f6c_dd1du64;
        (0..N)
            .map(|_| {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                x as i32
            })
            .collect()
    };
    let raw_cmp = Closure::new(
        Cif::new([Type::pointer(), Type::pointer()], Type::i32()),
        libffi_cmp,
        &unit,
    );
    let dyn_cmp = linker
        .upcall(
            &arena,
            FunctionDescriptor::of(I32, &[ADDRESS.layout(), ADDRESS.layout()]),
            |args, _| {
                // SAFETY: qsort passes pointers to ints of the array.
                let (x, y) = unsafe {
                    (
                        args[0].as_address().unwrap().read(I32, 0),
                        args[1].as_address().unwrap().read(I32, 0),
                    )
                };
                Value::I32(x.cmp(&y) as i32)
            },
        )
        .unwrap();
    let typed_cmp = linker
        .upcall_typed(&arena, |a: Address, b: Address| {
            // SAFETY: qsort passes pointers to ints of the array.
            let (x, y) = unsafe { (a.read(I32, 0), b.read(I32, 0)) };
            x.cmp(&y) as i32
        })
        .unwrap();
    let c_cmp = sym("bl_cmp_i32");
    let mut g = c.benchmark_group("qsort_1M");
    g.sample_size(10).measurement_time(Duration::from_secs(8));
    let cases: [(&str, *const c_void); 4] = [
        ("c_comparator", c_cmp),
        ("raw_libffi", *raw_cmp.code_ptr() as *const c_void),
        ("ffm_dynamic", dyn_cmp.address().as_ptr()),
        ("ffm_typed", typed_cmp.address().as_ptr()),
    ];
    for (name, cmp) in cases {
        g.bench_function(name, |b| {
            b.iter_batched_ref(
                || template.clone(),
                // SAFETY: the vector holds N ints; the comparator matches qsort's contract.
                |v| unsafe { qsort(v.as_mut_ptr().cast(), N, 4, cmp) },
                BatchSize::LargeInput,
            )
        });
    }
    g.finish();
    if paired::wanted() {
        // Each iteration copies the unsorted input too (4 MB, about 0.2% of a sort), in both
        // rows alike.
        let template = &template;
        let sort = |cmp: *const c_void| {
            move || {
                let mut v = template.clone();
                // SAFETY: as above.
                unsafe { qsort(v.as_mut_ptr().cast(), N, 4, cmp) };
                v
            }
        };
        let typed = typed_cmp.address().as_ptr();
        paired::compare_rounds(
            11,
            "qsort_1M",
            "ffm_typed",
            "c_comparator",
            sort(c_cmp),
            sort(typed),
        );
    }
}

/// The paired ratios of a downcall group's typed rows to its direct row (see `paired`).
fn typed_pairs<A, B, V, D>(
    group: &str,
    direct: impl FnMut() -> A,
    typed: impl FnMut() -> B,
    view: Option<(&str, impl FnMut() -> V)>,
    dynamic: impl FnMut() -> D,
) {
    if !paired::wanted() {
        return;
    }
    let mut direct = direct;
    paired::compare(group, "ffm_typed", "direct", &mut direct, typed);
    if let Some((name, view)) = view {
        paired::compare(group, name, "direct", &mut direct, view);
    }
    paired::compare(group, "ffm_dynamic", "direct", &mut direct, dynamic);
}

fn config() -> Criterion {
    Criterion::default()
        .sample_size(30)
        .warm_up_time(Duration::from_millis(300))
        .measurement_time(Duration::from_secs(2))
}

criterion_group! { name = benches; config = config(); targets = downcalls, upcalls }
criterion_main!(benches);
