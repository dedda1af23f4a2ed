//! The linker against the project's own C library (`c/testlib.c`): structs and unions by
//! value, char arrays, nested structs, callbacks (with structs, on a C thread), `va_list`,
//! globals and small scalars.

use std::sync::{Arc, Mutex, OnceLock};

use ffm::layout::{MemoryLayout, PathElement, SequenceLayout, StructLayout, UnionLayout};
use ffm::linker::{
    ByValue, Downcall, FunctionDescriptor, Library, Linker, LinkerOptions, SymbolLookup, VaList,
    Value,
};
use ffm::prelude::*;

fn lib() -> &'static Library {
    static LIB: OnceLock<Library> = OnceLock::new();
    LIB.get_or_init(|| Library::open(ffm_tests::TESTLIB).unwrap())
}

fn down(name: &str, desc: FunctionDescriptor) -> Downcall<'static> {
    Linker::native()
        .downcall(
            &lib().find_or_error(name).unwrap(),
            desc,
            &LinkerOptions::new(),
        )
        .unwrap()
}

fn c_struct(members: &[MemoryLayout]) -> StructLayout {
    StructLayout::c(members).unwrap()
}

fn id() -> StructLayout {
    c_struct(&[I32.with_name("a").layout(), F64.with_name("b").layout()])
}
fn dddd() -> StructLayout {
    c_struct(&[F64.layout(), F64.layout(), F64.layout(), F64.layout()])
}

/// Calls `name(v[, k])` for a struct layout and returns the bumped struct's bytes.
#[allow(clippy::mut_from_ref)] // the result is a fresh copy in the arena
fn bump<'a>(
    arena: &'a Arena,
    name: &str,
    layout: StructLayout,
    v: &Segment,
    k: Option<i32>,
) -> &'a mut Segment {
    let mut args = vec![layout.layout()];
    let mut values = vec![Value::Struct(v)];
    if let Some(k) = k {
        args.push(I32.layout());
        values.push(Value::I32(k));
    }
    let d = down(name, FunctionDescriptor::of(layout, &args));
    // SAFETY: the descriptor matches testlib.h.
    let r = unsafe { d.call_in(arena, &values) }.unwrap();
    let bytes = r.as_struct().unwrap();
    arena.allocate_copy(bytes, 8).unwrap()
}

#[test]
fn structs_of_one_to_four_fields_in_registers_and_memory() {
    let arena = Arena::new();
    // struct ffm_i1 { int a; }: a + 1
    let i1 = c_struct(&[I32.layout()]);
    let v = arena.allocate_from(I32, &[41]).unwrap();
    assert_eq!(bump(&arena, "ffm_i1_bump", i1, v, None).get(I32, 0), 42);

    // struct ffm_f2 { float a, b; }: × 2 (one SSE eightbyte)
    let f2 = c_struct(&[F32.layout(), F32.layout()]);
    let v = arena.allocate_from(F32, &[1.5, -2.0]).unwrap();
    assert_eq!(
        bump(&arena, "ffm_f2_bump", f2, v, None)
            .to_vec::<f32>()
            .unwrap(),
        [3.0, -4.0]
    );

    // struct ffm_id { int a; double b; }: a + k, b × 2 (INTEGER, SSE)
    let v = arena.allocate_layout(&id()).unwrap();
    v.set(I32, 0, 10);
    v.set(F64, 8, 1.25);
    let r = bump(&arena, "ffm_id_bump", id(), v, Some(5));
    assert_eq!((r.get(I32, 0), r.get(F64, 8)), (15, 2.5));

    // struct ffm_fi { float a; int b; }: a × 2, b + 1 (one INTEGER eightbyte, mixed)
    let fi = c_struct(&[F32.layout(), I32.layout()]);
    let v = arena.allocate(8, 4).unwrap();
    v.set(F32, 0, 0.75);
    v.set(I32, 4, -1);
    let r = bump(&arena, "ffm_fi_bump", fi, v, None);
    assert_eq!((r.get(F32, 0), r.get(I32, 4)), (1.5, 0));

    // struct ffm_pp { void *a, *b; }: each pointer + 1 byte
    let pp = c_struct(&[ADDRESS.layout(), ADDRESS.layout()]);
    let v = arena.allocate(16, 8).unwrap();
    v.set(ADDRESS, 0, Address::NULL.add(0x1000));
    v.set(ADDRESS, 8, Address::NULL.add(0x2000));
    let r = bump(&arena, "ffm_pp_bump", pp, v, None);
    assert_eq!(
        (r.get(ADDRESS, 0).addr(), r.get(ADDRESS, 8).addr()),
        (0x1001, 0x2001)
    );

    // struct ffm_ifdp { int a; float b; double c; void *p; } (24 bytes: memory)
    let ifdp = c_struct(&[I32.layout(), F32.layout(), F64.layout(), ADDRESS.layout()]);
    let v = arena.allocate_layout(&ifdp).unwrap();
    v.set(I32, 0, 1);
    v.set(F32, 4, 2.0);
    v.set(F64, 8, 3.0);
    v.set(ADDRESS, 16, Address::NULL.add(64));
    let r = bump(&arena, "ffm_ifdp_bump", ifdp, v, Some(100));
    assert_eq!(
        (
            r.get(I32, 0),
            r.get(F32, 4),
            r.get(F64, 8),
            r.get(ADDRESS, 16).addr()
        ),
        (101, 4.0, 6.0, 65)
    );

    // struct ffm_dddd (32 bytes: memory) and struct ffm_iiii (two INTEGER eightbytes)
    let v = arena.allocate_from(F64, &[1.0, 2.0, 3.0, 4.0]).unwrap();
    assert_eq!(
        bump(&arena, "ffm_dddd_bump", dddd(), v, None)
            .to_vec::<f64>()
            .unwrap(),
        [2.0, 4.0, 6.0, 8.0]
    );
    let iiii = c_struct(&[I32.layout(), I32.layout(), I32.layout(), I32.layout()]);
    let v = arena.allocate_from(I32, &[1, 2, 3, 4]).unwrap();
    assert_eq!(
        bump(&arena, "ffm_iiii_bump", iiii, v, None)
            .to_vec::<i32>()
            .unwrap(),
        [2, 3, 4, 5]
    );

    // struct ffm_fff { float a, b, c; } (12 bytes: SSE, SSE) and struct ffm_dd
    let fff = c_struct(&[F32.layout(), F32.layout(), F32.layout()]);
    let v = arena.allocate_from(F32, &[1.0, 2.0, 3.0]).unwrap();
    assert_eq!(
        bump(&arena, "ffm_fff_bump", fff, v, None)
            .to_vec::<f32>()
            .unwrap(),
        [2.0, 4.0, 6.0]
    );
    let dd = c_struct(&[F64.layout(), F64.layout()]);
    let v = arena.allocate_from(F64, &[0.5, -0.5]).unwrap();
    assert_eq!(
        bump(&arena, "ffm_dd_bump", dd, v, None)
            .to_vec::<f64>()
            .unwrap(),
        [1.0, -1.0]
    );
}

#[test]
fn structs_through_the_typed_path() {
    let arena = Arena::new();
    let d = down(
        "ffm_id_bump",
        FunctionDescriptor::of(id(), &[id().layout(), I32.layout()]),
    )
    .typed::<(ByValue, i32), ByValue>()
    .unwrap();
    let v = arena.allocate_layout(&id()).unwrap();
    v.set(I32, 0, 1);
    v.set(F64, 8, 4.0);
    // SAFETY: matches testlib.h.
    let r = unsafe { d.call_in(&arena, (&*v, 2)) }.unwrap();
    assert_eq!((r.get(I32, 0), r.get(F64, 8)), (3, 8.0));

    let mix = down(
        "ffm_mix_structs",
        FunctionDescriptor::of(
            F64,
            &[
                id().layout(),
                dddd().layout(),
                c_struct(&[F32.layout(), I32.layout()]).layout(),
            ],
        ),
    )
    .typed::<(ByValue, ByValue, ByValue), f64>()
    .unwrap();
    let y = arena.allocate_from(F64, &[1.0, 2.0, 3.0, 4.0]).unwrap();
    let z = arena.allocate(8, 4).unwrap();
    z.set(F32, 0, 0.5);
    z.set(I32, 4, 7);
    // SAFETY: matches testlib.h.
    let total = unsafe { mix.call((&*v, &*y, &*z)) };
    assert_eq!(total, 1.0 + 4.0 + 10.0 + 0.5 + 7.0);

    // A struct that no longer fits in registers after six ints goes on the stack.
    let spill = down(
        "ffm_id_spill",
        FunctionDescriptor::of(
            F64,
            &[
                I32.layout(),
                I32.layout(),
                I32.layout(),
                I32.layout(),
                I32.layout(),
                I32.layout(),
                id().layout(),
                F64.layout(),
            ],
        ),
    )
    .typed::<(i32, i32, i32, i32, i32, i32, ByValue, f64), f64>()
    .unwrap();
    // SAFETY: matches testlib.h.
    let got = unsafe { spill.call((1, 2, 3, 4, 5, 6, &*v, 0.5)) };
    assert_eq!(got, 21.0 + 1.0 + 4.0 + 0.5);
}

#[test]
fn char_array_structs_of_every_size_from_1_to_16() {
    let arena = Arena::new();
    for n in 1..=16usize {
        let layout =
            StructLayout::try_new(&[SequenceLayout::try_new(n, I8.layout()).unwrap().layout()])
                .unwrap();
        let d = down(
            &format!("ffm_c{n}_rev"),
            FunctionDescriptor::of(layout, &[layout.layout()]),
        );
        let bytes: Vec<i8> = (0..n as i8).map(|i| i + 1).collect();
        let v = arena.allocate_from(I8, &bytes).unwrap();
        // SAFETY: matches testlib.h.
        let r = unsafe { d.call_in(&arena, &[Value::Struct(v)]) }.unwrap();
        let mut expected = bytes.clone();
        expected.reverse();
        assert_eq!(
            r.as_struct().unwrap().to_vec::<i8>().unwrap(),
            expected,
            "char[{n}]"
        );
    }
}

#[test]
fn unions_by_value() {
    let arena = Arena::new();
    let u = UnionLayout::try_new(&[
        I32.with_name("i").layout(),
        F32.with_name("f").layout(),
        F64.with_name("d").layout(),
    ])
    .unwrap();
    let v = arena.allocate_layout(&u).unwrap();
    v.set(F64, 0, 6.5);
    let as_double = down(
        "ffm_u_as_double",
        FunctionDescriptor::of(F64, &[u.layout()]),
    )
    .typed::<(ByValue,), f64>()
    .unwrap();
    // SAFETY: matches testlib.h.
    assert_eq!(unsafe { as_double.call((&*v,)) }, 6.5);
    let pass = down("ffm_u_pass", FunctionDescriptor::of(u, &[u.layout()]));
    // SAFETY: matches testlib.h.
    let r = unsafe { pass.call_in(&arena, &[Value::Struct(v)]) }.unwrap();
    assert_eq!(r.as_struct().unwrap().get(F64, 0), 6.5);

    // union { int i; float f; } is one INTEGER eightbyte.
    let uif = UnionLayout::try_new(&[I32.layout(), F32.layout()]).unwrap();
    let v = arena.allocate_value(F32, 1.0).unwrap();
    let pass = down("ffm_uif_pass", FunctionDescriptor::of(uif, &[uif.layout()]));
    // SAFETY: matches testlib.h.
    let r = unsafe { pass.call_in(&arena, &[Value::Struct(v)]) }.unwrap();
    assert_eq!(r.as_struct().unwrap().get(F32, 0), 1.0);
    let as_int = down(
        "ffm_uif_as_int",
        FunctionDescriptor::of(I32, &[uif.layout()]),
    );
    // SAFETY: matches testlib.h.
    let got = unsafe { as_int.call(&[Value::Struct(v)]) }.unwrap();
    assert_eq!(got, Value::I32(1.0f32.to_bits() as i32));
}

#[test]
fn nested_struct_by_value() {
    let arena = Arena::new();
    let inner = c_struct(&[I16.with_name("a").layout(), I8.with_name("b").layout()]);
    let outer = c_struct(&[
        inner.with_name("in").layout(),
        F64.with_name("d").layout(),
        SequenceLayout::try_new(2, I32.layout())
            .unwrap()
            .with_name("arr")
            .layout(),
    ]);
    assert_eq!(outer.byte_size(), 24);
    let v = arena.allocate_layout(&outer).unwrap();
    let off = |p: &[PathElement]| outer.byte_offset(p).unwrap();
    v.set(
        I16,
        off(&[PathElement::group("in"), PathElement::group("a")]),
        10,
    );
    v.set(
        I8,
        off(&[PathElement::group("in"), PathElement::group("b")]),
        20,
    );
    v.set(F64, off(&[PathElement::group("d")]), 1.5);
    v.set(
        I32,
        off(&[PathElement::group("arr"), PathElement::sequence(1)]),
        5,
    );
    let d = down(
        "ffm_outer_bump",
        FunctionDescriptor::of(outer, &[outer.layout()]),
    );
    // SAFETY: matches testlib.h.
    let r = unsafe { d.call_in(&arena, &[Value::Struct(v)]) }.unwrap();
    let r = r.as_struct().unwrap();
    assert_eq!(r.get(I16, 0), 11);
    assert_eq!(r.get(I8, 2), 21);
    assert_eq!(r.get(F64, 8), 3.0);
    assert_eq!((r.get(I32, 16), r.get(I32, 20)), (10, 15));
}

#[test]
fn callbacks_taking_and_returning_structs() {
    let arena = Arena::new();
    let linker = Linker::native();
    // struct ffm_id cb(struct ffm_id, int): a × 10 + k, b + 0.5
    let cb = linker
        .upcall(
            &arena,
            FunctionDescriptor::of(id(), &[id().layout(), I32.layout()]),
            |args, ret| {
                let v = args[0].as_struct().unwrap();
                let k = args[1].as_i64().unwrap() as i32;
                ret.set(I32, 0, v.get(I32, 0) * 10 + k);
                ret.set(F64, 8, v.get(F64, 8) + 0.5);
                Value::Void
            },
        )
        .unwrap();
    let call = down(
        "ffm_call_struct_cb",
        FunctionDescriptor::of(id(), &[ADDRESS.layout(), id().layout(), I32.layout()]),
    )
    .typed::<(Address, ByValue, i32), ByValue>()
    .unwrap();
    let v = arena.allocate_layout(&id()).unwrap();
    v.set(I32, 0, 4);
    v.set(F64, 8, 2.0);
    // SAFETY: matches testlib.h; the stub is alive while `arena` is.
    let r = unsafe { call.call_in(&arena, (cb, &*v, 3)) }.unwrap();
    assert_eq!((r.get(I32, 0), r.get(F64, 8)), (43, 2.5));

    // A 32-byte struct (memory class) in and out of a callback.
    let big = linker
        .upcall(
            &arena,
            FunctionDescriptor::of(dddd(), &[dddd().layout()]),
            |args, ret| {
                let v = args[0].as_struct().unwrap();
                for i in 0..4 {
                    ret.set_at_index(F64, i, v.get_at_index(F64, 3 - i) + 100.0);
                }
                Value::Void
            },
        )
        .unwrap();
    let call = down(
        "ffm_call_big_cb",
        FunctionDescriptor::of(dddd(), &[ADDRESS.layout(), dddd().layout()]),
    );
    let v = arena.allocate_from(F64, &[1.0, 2.0, 3.0, 4.0]).unwrap();
    // SAFETY: matches testlib.h.
    let r = unsafe { call.call_in(&arena, &[Value::pointer(&big), Value::Struct(v)]) }.unwrap();
    assert_eq!(
        r.as_struct().unwrap().to_vec::<f64>().unwrap(),
        [104.0, 103.0, 102.0, 101.0]
    );

    // An int callback called many times, with captured state.
    let calls = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let c = calls.clone();
    let counter = linker
        .upcall_typed(&arena, move |i: i32| {
            c.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            i * 2
        })
        .unwrap();
    let call_n = down(
        "ffm_call_cb_n",
        FunctionDescriptor::of(I32, &[ADDRESS.layout(), I32.layout()]),
    )
    .typed::<(Address, i32), i32>()
    .unwrap();
    // SAFETY: matches testlib.h.
    let got = unsafe { call_n.call((counter, 100)) };
    assert_eq!(got, 2 * (0..100).sum::<i32>());
    assert_eq!(calls.load(std::sync::atomic::Ordering::Relaxed), 100);
}

#[test]
fn callback_from_a_c_created_thread() {
    let arena = Arena::new();
    let seen = Arc::new(Mutex::new(None));
    let s = seen.clone();
    let cb = Linker::native()
        .upcall_typed(&arena, move |v: i32| {
            *s.lock().unwrap() = Some(std::thread::current().id());
            v * 3
        })
        .unwrap();
    let on_thread = down(
        "ffm_call_on_thread",
        FunctionDescriptor::of(I32, &[ADDRESS.layout(), I32.layout()]),
    )
    .typed::<(Address, i32), i32>()
    .unwrap();
    // SAFETY: matches testlib.h; the stub outlives the call (joined inside).
    assert_eq!(unsafe { on_thread.call((cb, 14)) }, 42);
    let id = seen.lock().unwrap().expect("the callback ran");
    assert_ne!(id, std::thread::current().id(), "it ran on the C thread");
}

#[test]
fn reading_a_va_list_inside_an_upcall() {
    let arena = Arena::new();
    let got: Arc<Mutex<Vec<String>>> = Arc::default();
    let g = got.clone();
    let reader = Linker::native()
        .upcall(
            &arena,
            FunctionDescriptor::void(&[I32.layout(), ADDRESS.layout()]),
            move |args, _| {
                let n = args[0].as_i64().unwrap();
                // SAFETY: C passes the live va_list of ffm_call_with_va; we read what the caller
                // below passed, in order.
                let mut ap = unsafe { VaList::from_address(args[1].as_address().unwrap()) };
                let scratch = Arena::new();
                let mut out = g.lock().unwrap();
                out.push(format!("n={n}"));
                // SAFETY: the reads follow the variadic arguments the caller passed.
                unsafe {
                    out.push(ap.next_i32().unwrap().to_string());
                    out.push(ap.next_f64().unwrap().to_string());
                    let s = ap.next_struct(&id(), &scratch).unwrap();
                    out.push(format!("{{{}, {}}}", s.get(I32, 0), s.get(F64, 8)));
                    out.push(ap.next_i64().unwrap().to_string());
                    out.push(
                        ap.next_address()
                            .unwrap()
                            .read_cstr()
                            .to_str()
                            .unwrap()
                            .to_owned(),
                    );
                    let d = ap.next_struct(&dddd(), &scratch).unwrap();
                    out.push(format!("{:?}", d.to_vec::<f64>().unwrap()));
                    out.push(ap.next_f64().unwrap().to_string());
                }
                Value::Void
            },
        )
        .unwrap();
    let call = Linker::native()
        .downcall(
            &lib().find_or_error("ffm_call_with_va").unwrap(),
            FunctionDescriptor::void(&[
                ADDRESS.layout(),
                I32.layout(),
                I32.layout(),
                F64.layout(),
                id().layout(),
                I64.layout(),
                ADDRESS.layout(),
                dddd().layout(),
                F64.layout(),
            ]),
            &LinkerOptions::new().first_variadic_arg(2),
        )
        .unwrap();
    let s = arena.allocate_layout(&id()).unwrap();
    s.set(I32, 0, 9);
    s.set(F64, 8, 0.25);
    let d = arena.allocate_from(F64, &[1.0, 2.0, 3.0, 4.0]).unwrap();
    // SAFETY: matches testlib.h; the reader reads exactly these variadic arguments.
    unsafe {
        call.call(&[
            Value::pointer(&reader),
            Value::I32(7),
            Value::I32(-3),
            Value::F64(1.5),
            Value::Struct(s),
            Value::I64(1 << 40),
            Value::pointer(c"hello"),
            Value::Struct(d),
            Value::F64(-2.0),
        ])
        .unwrap();
    }
    assert_eq!(
        *got.lock().unwrap(),
        [
            "n=7",
            "-3",
            "1.5",
            "{9, 0.25}",
            "1099511627776",
            "hello",
            "[1.0, 2.0, 3.0, 4.0]",
            "-2"
        ]
    );
}

#[test]
fn a_built_va_list_with_structs_reaches_c() {
    let arena = Arena::new();
    let s = arena.allocate_layout(&id()).unwrap();
    s.set(I32, 0, 2);
    s.set(F64, 8, 0.5);
    let d = arena.allocate_from(F64, &[1.0, 1.0, 1.0, 1.0]).unwrap();
    let list = VaList::builder()
        .i32(1)
        .i64(10)
        .f64(0.25)
        .struct_value(s, &id())
        .unwrap()
        .struct_value(d, &dddd())
        .unwrap()
        .build(&arena)
        .unwrap();
    let vsum = down(
        "ffm_vsum_tagged",
        FunctionDescriptor::of(F64, &[ADDRESS.layout(), ADDRESS.layout()]),
    )
    .typed::<(Address, Address), f64>()
    .unwrap();
    // SAFETY: the tags describe the list.
    let got = unsafe { vsum.call((c"ildsD", list.address())) };
    assert_eq!(got, 1.0 + 10.0 + 0.25 + 2.5 + 4.0);
}

#[test]
fn globals_are_memory() {
    let counter = lib().find_or_error("ffm_global_counter").unwrap();
    let read = down("ffm_read_counter", FunctionDescriptor::of(I32, &[]))
        .typed::<(), i32>()
        .unwrap();
    // SAFETY: the global is an int, and only this test touches it.
    let seg = unsafe { counter.address().reinterpret_mut(4) };
    assert_eq!(seg.get(I32, 0), 42);
    seg.set(I32, 0, 43);
    // SAFETY: matches testlib.h.
    assert_eq!(unsafe { read.call(()) }, 43);
    let pair = lib().find_or_error("ffm_global_pair").unwrap();
    // SAFETY: the global is a struct ffm_id.
    let pair = unsafe { pair.address().reinterpret(id().byte_size()) };
    assert_eq!((pair.get(I32, 0), pair.get(F64, 8)), (7, 2.5));
}

#[test]
fn small_scalars_are_narrowed() {
    let l = |n: &str, r: ffm::layout::MemoryLayout, a: ffm::layout::MemoryLayout| {
        down(n, FunctionDescriptor::of(r, &[a]))
    };
    // SAFETY: (all calls) each descriptor matches testlib.h.
    unsafe {
        assert_eq!(
            l("ffm_neg_schar", I8.layout(), I8.layout())
                .call(&[Value::I8(-128)])
                .unwrap(),
            Value::I8(-128)
        );
        assert_eq!(
            l("ffm_neg_schar", I8.layout(), I8.layout())
                .call(&[Value::I8(5)])
                .unwrap(),
            Value::I8(-5)
        );
        assert_eq!(
            l("ffm_inc_uchar", U8.layout(), U8.layout())
                .call(&[Value::U8(255)])
                .unwrap(),
            Value::U8(0)
        );
        assert_eq!(
            l("ffm_neg_short", I16.layout(), I16.layout())
                .call(&[Value::I16(300)])
                .unwrap(),
            Value::I16(-300)
        );
        assert_eq!(
            l("ffm_inc_ushort", U16.layout(), U16.layout())
                .call(&[Value::U16(65535)])
                .unwrap(),
            Value::U16(0)
        );
        assert_eq!(
            l("ffm_not", BOOL.layout(), BOOL.layout())
                .call(&[Value::Bool(false)])
                .unwrap(),
            Value::Bool(true)
        );
        assert_eq!(
            l("ffm_inc_ullong", U64.layout(), U64.layout())
                .call(&[Value::U64(u64::MAX)])
                .unwrap(),
            Value::U64(0)
        );
        assert_eq!(
            l("ffm_twice_float", F32.layout(), F32.layout())
                .call(&[Value::F32(1.25)])
                .unwrap(),
            Value::F32(2.5)
        );
        assert_eq!(
            l("ffm_inc_size", USIZE.layout(), USIZE.layout())
                .call(&[Value::Usize(9)])
                .unwrap(),
            Value::Usize(10)
        );
        let typed = l("ffm_neg_short", I16.layout(), I16.layout())
            .typed::<(i16,), i16>()
            .unwrap();
        assert_eq!(typed.call((i16::MIN + 1,)), i16::MAX);
        let not = l("ffm_not", BOOL.layout(), BOOL.layout())
            .typed::<(bool,), bool>()
            .unwrap();
        assert!(!not.call((true,)));
    }
    let sum = down(
        "ffm_sum_scalars",
        FunctionDescriptor::of(
            F64,
            &[
                I8.layout(),
                U8.layout(),
                I16.layout(),
                U16.layout(),
                BOOL.layout(),
                I32.layout(),
                I64.layout(),
                F32.layout(),
                F64.layout(),
            ],
        ),
    )
    .typed::<(i8, u8, i16, u16, bool, i32, i64, f32, f64), f64>()
    .unwrap();
    // SAFETY: matches testlib.h.
    let total = unsafe {
        sum.call((
            -1i8,
            200u8,
            -300i16,
            60000u16,
            true,
            -5,
            1i64 << 33,
            0.5f32,
            0.25,
        ))
    };
    assert_eq!(
        total,
        -1.0 + 200.0 - 300.0 + 60000.0 + 1.0 - 5.0 + (1u64 << 33) as f64 + 0.5 + 0.25
    );
}

/// More live upcalls than a thunk pool holds (1024 per register): the ones past the pool go
/// through libffi closures, every stub calls its own closure, and closing the arena returns
/// the thunks for the next arena.
#[test]
fn more_upcalls_than_the_thunk_pools_hold() {
    let call = down(
        "ffm_call_int_cb",
        FunctionDescriptor::of(I32, &[ADDRESS.layout(), I32.layout(), I32.layout()]),
    )
    .typed::<(Address, i32, i32), i32>()
    .unwrap();
    let desc = FunctionDescriptor::of(I32, &[I32.layout(), I32.layout()]);
    for round in 0..2 {
        let arena = Arena::new();
        let mut stubs = Vec::new();
        for k in 0..1500i32 {
            let typed = Linker::native()
                .upcall_typed(&arena, move |a: i32, b: i32| a * b + k)
                .unwrap();
            let dynamic = Linker::native()
                .upcall(&arena, desc, move |args, _| {
                    let (a, b) = (args[0].as_i64().unwrap(), args[1].as_i64().unwrap());
                    Value::I32((a - b) as i32 + k)
                })
                .unwrap();
            stubs.push((k, typed.address(), dynamic.address()));
        }
        for (k, typed, dynamic) in stubs {
            // SAFETY: both are `int (*)(int, int)` stubs alive in `arena`.
            unsafe {
                assert_eq!(call.call((typed, 6, 7)), 42 + k, "typed {k}, round {round}");
                assert_eq!(
                    call.call((dynamic, 6, 7)),
                    k - 1,
                    "dynamic {k}, round {round}"
                );
            }
        }
    }
}
