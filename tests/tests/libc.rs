//! The linker against the C library and libm: the calls of the linker issue's list.

use std::ffi::CStr;

use ffm::layout::{PathElement, StructLayout};
use ffm::linker::{
    ByValue, DefaultLookup, FunctionDescriptor, Linker, LinkerOptions, VaList, Value,
};
use ffm::prelude::*;
use ffm::{F64, I64};

fn linker() -> Linker {
    Linker::native()
}

fn downcall(
    name: &str,
    desc: FunctionDescriptor,
    options: &LinkerOptions,
) -> ffm::linker::Downcall<'static> {
    static LOOKUP: DefaultLookup = DefaultLookup::new();
    let sym = LOOKUP.find_or_error(name).unwrap();
    linker().downcall(&sym, desc, options).unwrap()
}

#[test]
fn strlen_dynamic_and_typed() {
    let arena = Arena::new();
    let s = arena.allocate_str("Hello, Panama!").unwrap();
    let strlen = downcall(
        "strlen",
        FunctionDescriptor::of(USIZE, &[ADDRESS.layout()]),
        &LinkerOptions::new(),
    );
    // SAFETY: `s` is a NUL-terminated string.
    let n = unsafe { strlen.call(&[Value::pointer(&*s)]) }.unwrap();
    assert_eq!(n, Value::Usize(14));
    let typed = strlen.typed::<(Address,), usize>().unwrap();
    // SAFETY: as above.
    assert_eq!(unsafe { typed.call((&*s,)) }, 14);
    // SAFETY: a C string literal is terminated.
    assert_eq!(unsafe { typed.call((c"four",)) }, 4);
}

#[test]
fn strcat_and_strcmp() {
    let arena = Arena::new();
    let buf = arena.allocate(32, 1).unwrap();
    buf.set_string(0, "foo").unwrap();
    let strcat = downcall(
        "strcat",
        FunctionDescriptor::of(ADDRESS, &[ADDRESS.layout(), ADDRESS.layout()]),
        &LinkerOptions::new(),
    )
    .typed::<(Address, Address), Address>()
    .unwrap();
    let strcmp = downcall(
        "strcmp",
        FunctionDescriptor::of(I32, &[ADDRESS.layout(), ADDRESS.layout()]),
        &LinkerOptions::new(),
    )
    .typed::<(Address, Address), i32>()
    .unwrap();
    let dest = buf.address();
    // SAFETY: buf has room for "foobar\0" and both are terminated.
    let ret = unsafe { strcat.call((dest, c"bar")) };
    assert_eq!(ret, dest);
    assert_eq!(buf.get_str(0).unwrap(), "foobar");
    // SAFETY: terminated strings.
    unsafe {
        assert_eq!(strcmp.call((&*buf, c"foobar")), 0);
        assert!(strcmp.call((&*buf, c"zzz")) < 0);
        assert!(strcmp.call((c"zzz", &*buf)) > 0);
    }
}

#[test]
fn qsort_100k_with_a_rust_closure_comparator() {
    let arena = Arena::new();
    let n = 100_000usize;
    let mut data: Vec<i32> = (0..n as i32)
        .map(|i| (i * 7919) % 100_003 - 50_000)
        .collect();
    let array = arena.allocate_from(I32, &data).unwrap();
    // The seed's comparator, as a dynamic upcall: reads the two ints through the addresses.
    let compar = linker()
        .upcall(
            &arena,
            FunctionDescriptor::of(I32, &[ADDRESS.layout(), ADDRESS.layout()]),
            |args, _| {
                let a = args[0].as_address().unwrap();
                let b = args[1].as_address().unwrap();
                // SAFETY: qsort passes pointers to two ints of the array.
                let (x, y) = unsafe { (a.read(I32, 0), b.read(I32, 0)) };
                Value::I32(x.cmp(&y) as i32)
            },
        )
        .unwrap();
    let qsort = downcall(
        "qsort",
        FunctionDescriptor::void(&[
            ADDRESS.layout(),
            USIZE.layout(),
            USIZE.layout(),
            ADDRESS.layout(),
        ]),
        &LinkerOptions::new(),
    );
    // SAFETY: the array holds n ints; the comparator matches qsort's expectations.
    unsafe {
        qsort
            .call(&[
                Value::pointer(&*array),
                Value::Usize(n),
                Value::Usize(4),
                Value::pointer(&compar),
            ])
            .unwrap();
    }
    data.sort_unstable();
    assert_eq!(array.to_vec::<i32>().unwrap(), data);

    // And again through the typed paths (typed downcall, typed upcall).
    let array2 = arena
        .allocate_from(I32, &(0..1000).rev().collect::<Vec<i32>>())
        .unwrap();
    let cmp = linker()
        .upcall_typed(&arena, |a: Address, b: Address| {
            // SAFETY: pointers to ints of the array.
            let (x, y) = unsafe { (a.read(I32, 0), b.read(I32, 0)) };
            x.cmp(&y) as i32
        })
        .unwrap();
    let qsort = qsort
        .typed::<(Address, usize, usize, Address), ()>()
        .unwrap();
    // SAFETY: as above.
    unsafe { qsort.call((&*array2, 1000usize, 4usize, cmp)) };
    assert_eq!(
        array2.to_vec::<i32>().unwrap(),
        (0..1000).collect::<Vec<i32>>()
    );
}

#[test]
fn printf_and_snprintf_are_variadic() {
    let arena = Arena::new();
    let printf = downcall(
        "printf",
        FunctionDescriptor::of(
            I32,
            &[
                ADDRESS.layout(),
                I32.layout(),
                F64.layout(),
                ADDRESS.layout(),
            ],
        ),
        &LinkerOptions::new().first_variadic_arg(1),
    );
    // SAFETY: the format matches the variadic arguments.
    let n = unsafe {
        printf
            .call(&[
                Value::pointer(c"printf from ffm: %d %.2f %s\n"),
                Value::I32(42),
                Value::F64(2.5),
                Value::pointer(c"done"),
            ])
            .unwrap()
    };
    assert_eq!(
        n,
        Value::I32("printf from ffm: 42 2.50 done\n".len() as i32)
    );

    let snprintf = downcall(
        "snprintf",
        FunctionDescriptor::of(
            I32,
            &[
                ADDRESS.layout(),
                USIZE.layout(),
                ADDRESS.layout(),
                I32.layout(),
                F64.layout(),
                ADDRESS.layout(),
                I64.layout(),
            ],
        ),
        &LinkerOptions::new().first_variadic_arg(3),
    )
    .typed::<(Address, usize, Address, i32, f64, Address, i64), i32>()
    .unwrap();
    let buf = arena.allocate(64, 1).unwrap();
    // SAFETY: 64 writable bytes; the format matches the arguments.
    let n = unsafe {
        snprintf.call((
            &*buf,
            64usize,
            c"%d|%g|%s|%lld",
            -7,
            0.125,
            c"str",
            1i64 << 40,
        ))
    };
    assert_eq!(buf.get_str(0).unwrap(), "-7|0.125|str|1099511627776");
    assert_eq!(n as usize, buf.get_str(0).unwrap().len());
}

#[test]
fn vsnprintf_with_a_built_va_list() {
    let arena = Arena::new();
    let vsnprintf = downcall(
        "vsnprintf",
        FunctionDescriptor::of(
            I32,
            &[
                ADDRESS.layout(),
                USIZE.layout(),
                ADDRESS.layout(),
                ADDRESS.layout(),
            ],
        ),
        &LinkerOptions::new(),
    )
    .typed::<(Address, usize, Address, Address), i32>()
    .unwrap();
    let list = VaList::builder()
        .i32(12)
        .f64(3.5)
        .address(c"abc".as_ptr().into())
        .i64(-9_000_000_000)
        .build(&arena)
        .unwrap();
    let buf = arena.allocate(64, 1).unwrap();
    // SAFETY: the list holds exactly what the format reads.
    unsafe { vsnprintf.call((&*buf, 64usize, c"%d %.1f %s %ld", list.address())) };
    assert_eq!(buf.get_str(0).unwrap(), "12 3.5 abc -9000000000");
}

/// glibc's `struct tm`: nine ints, then `long tm_gmtoff` and `const char *tm_zone`.
const TM: StructLayout = StructLayout::new(&[
    I32.with_name("tm_sec").layout(),
    I32.with_name("tm_min").layout(),
    I32.with_name("tm_hour").layout(),
    I32.with_name("tm_mday").layout(),
    I32.with_name("tm_mon").layout(),
    I32.with_name("tm_year").layout(),
    I32.with_name("tm_wday").layout(),
    I32.with_name("tm_yday").layout(),
    I32.with_name("tm_isdst").layout(),
    ffm::layout::PaddingLayout::new(4).layout(),
    I64.with_name("tm_gmtoff").layout(),
    ADDRESS.with_name("tm_zone").layout(),
]);

#[test]
fn gmtime_reads_struct_tm_through_a_layout() {
    let arena = Arena::new();
    let gmtime = downcall(
        "gmtime",
        FunctionDescriptor::of(ADDRESS, &[ADDRESS.layout()]),
        &LinkerOptions::new(),
    )
    .typed::<(Address,), Address>()
    .unwrap();
    // 2021-03-04 05:06:07 UTC, a Thursday, day 62 of the year.
    let t = arena.allocate_value(I64, 1_614_834_367).unwrap();
    // SAFETY: gmtime reads a time_t and returns a pointer to its static struct tm.
    let tm_ptr = unsafe { gmtime.call((&*t,)) };
    assert!(!tm_ptr.is_null());
    // SAFETY: gmtime's static buffer holds a struct tm until the next call on this thread.
    let tm = unsafe { tm_ptr.reinterpret(TM.byte_size()) };
    let field = |name: &str| {
        let off = TM.byte_offset(&[PathElement::group(name)]).unwrap();
        tm.get(I32, off)
    };
    assert_eq!(field("tm_year") + 1900, 2021);
    assert_eq!(field("tm_mon") + 1, 3);
    assert_eq!(field("tm_mday"), 4);
    assert_eq!(
        (field("tm_hour"), field("tm_min"), field("tm_sec")),
        (5, 6, 7)
    );
    assert_eq!(field("tm_wday"), 4);
    assert_eq!(field("tm_yday"), 62);
    let zone = tm.get(
        ADDRESS,
        TM.byte_offset(&[PathElement::group("tm_zone")]).unwrap(),
    );
    // SAFETY: tm_zone points to a static, terminated zone name.
    assert_eq!(unsafe { zone.read_cstr() }, c"GMT");
    let _: &CStr = c"";
}

#[test]
fn strtol_sets_errno_which_is_captured() {
    let arena = Arena::new();
    let strtol = downcall(
        "strtol",
        FunctionDescriptor::of(I64, &[ADDRESS.layout(), ADDRESS.layout(), I32.layout()]),
        &LinkerOptions::new().capture_call_state("errno"),
    )
    .typed::<(Address, Address, i32), i64>()
    .unwrap();
    let state = arena
        .allocate_layout(&Linker::capture_state_layout())
        .unwrap();
    let errno = Linker::capture_state_layout()
        .accessor::<i32, 0>(&[PathElement::group("errno")])
        .unwrap();
    // SAFETY: terminated strings; endptr may be NULL.
    unsafe {
        let v = strtol
            .call_capturing(state, (c"12345", Address::NULL, 10))
            .unwrap();
        assert_eq!((v, errno.get(state, [])), (12345, 0));
        let v = strtol
            .call_capturing(state, (c"99999999999999999999999", Address::NULL, 10))
            .unwrap();
        assert_eq!(v, i64::MAX);
        assert_eq!(errno.get(state, []), 34, "ERANGE");
        let v = strtol
            .call_capturing(state, (c"-5", Address::NULL, 10))
            .unwrap();
        assert_eq!(
            (v, errno.get(state, [])),
            (-5, 0),
            "errno is reset before each call"
        );
    }
    // A handle that captures needs a state segment: a plain call is refused before reaching C.
    let refused = std::panic::catch_unwind(|| {
        // SAFETY: refused before the call.
        unsafe { strtol.call((c"1", Address::NULL, 10)) }
    });
    assert!(refused.is_err());
}

#[test]
fn getpid_and_libm() {
    let getpid = downcall(
        "getpid",
        FunctionDescriptor::of(I32, &[]),
        &LinkerOptions::new(),
    )
    .typed::<(), i32>()
    .unwrap();
    // SAFETY: getpid has no preconditions.
    assert_eq!(unsafe { getpid.call(()) } as u32, std::process::id());

    let pow = downcall(
        "pow",
        FunctionDescriptor::of(F64, &[F64.layout(), F64.layout()]),
        &LinkerOptions::new(),
    );
    // SAFETY: pow is pure.
    let p = unsafe { pow.call(&[Value::F64(2.0), Value::F64(10.0)]) };
    assert_eq!(p.unwrap(), Value::F64(1024.0));
    let sin = downcall(
        "sin",
        FunctionDescriptor::of(F64, &[F64.layout()]),
        &LinkerOptions::new(),
    )
    .typed::<(f64,), f64>()
    .unwrap();
    // SAFETY: sin is pure.
    let s = unsafe { sin.call((std::f64::consts::FRAC_PI_6,)) };
    assert!((s - 0.5).abs() < 1e-15, "{s}");
    let _ = std::marker::PhantomData::<ByValue>;
}
