//! The dynamic call path's in-line calls (scalars in registers, up to eight of them) against
//! libc and libm: integer and vector registers filled from arguments in any order, every
//! width of register file, and every mismatch refused with the checked path's error before C
//! is reached.

use ffm::linker::{Downcall, FunctionDescriptor, Linker, LinkerOptions, Value};
use ffm::prelude::*;

fn libc(name: &str, descriptor: FunctionDescriptor) -> Downcall<'static> {
    let linker = Linker::native();
    let symbol = linker.default_lookup().find_or_error(name).unwrap();
    linker
        .downcall(&symbol, descriptor, &LinkerOptions::new())
        .unwrap()
}

#[test]
fn no_arguments() {
    // `getpid` takes nothing and returns an int: no register is loaded.
    let getpid = libc("getpid", FunctionDescriptor::of(I32, &[]));
    // SAFETY: getpid has no preconditions.
    let pid = unsafe { getpid.call(&[]) }.unwrap();
    assert_eq!(pid, Value::I32(std::process::id() as i32));
}

#[test]
fn a_double_before_an_int_and_a_double_return() {
    // double ldexp(double, int): the first argument goes to xmm0, the second to rdi, and the
    // return comes back in xmm0.
    let ldexp = libc(
        "ldexp",
        FunctionDescriptor::of(F64, &[F64.layout(), I32.layout()]),
    );
    for (x, e, want) in [(3.0, 4, 48.0), (-1.5, -1, -0.75), (1.0, 0, 1.0)] {
        // SAFETY: ldexp has no preconditions.
        let got = unsafe { ldexp.call(&[Value::F64(x), Value::I32(e)]) }.unwrap();
        assert_eq!(got, Value::F64(want), "ldexp({x}, {e})");
    }
}

#[test]
fn a_narrow_signed_argument_is_sign_extended() {
    // long labs(long) and int abs(int): a negative int must reach C as a negative int.
    let abs = libc("abs", FunctionDescriptor::of(I32, &[I32.layout()]));
    let labs = libc("labs", FunctionDescriptor::of(I64, &[I64.layout()]));
    // SAFETY: abs and labs have no preconditions for these values.
    unsafe {
        assert_eq!(abs.call(&[Value::I32(-5)]).unwrap(), Value::I32(5));
        assert_eq!(
            labs.call(&[Value::I64(-(1 << 40))]).unwrap(),
            Value::I64(1 << 40)
        );
    }
}

#[test]
fn four_pointers_and_sizes() {
    // void *memccpy(void *dst, const void *src, int c, size_t n): four integer registers.
    let memccpy = libc(
        "memccpy",
        FunctionDescriptor::of(
            ADDRESS,
            &[
                ADDRESS.layout(),
                ADDRESS.layout(),
                I32.layout(),
                USIZE.layout(),
            ],
        ),
    );
    let arena = Arena::new();
    let src = arena.allocate_str("hello, world").unwrap();
    let dst = arena.allocate(16, 1).unwrap();
    // SAFETY: dst has 16 writable bytes, src 13 readable ones, and n is 12.
    let r = unsafe {
        memccpy.call(&[
            Value::pointer(&*dst),
            Value::pointer(&*src),
            Value::I32(b',' as i32),
            Value::Usize(12),
        ])
    }
    .unwrap();
    // memccpy returns the byte after the copied ','.
    assert_eq!(
        r.as_address().unwrap().as_ptr::<u8>(),
        dst.as_ptr().wrapping_add(6)
    );
    assert_eq!(&dst.as_bytes()[..6], b"hello,");
}

#[test]
fn six_integer_registers() {
    // void *mmap(void *, size_t, int, int, int, off_t) and int munmap(void *, size_t): all
    // six integer registers, the widest register file.
    let mmap = libc(
        "mmap",
        FunctionDescriptor::of(
            ADDRESS,
            &[
                ADDRESS.layout(),
                USIZE.layout(),
                I32.layout(),
                I32.layout(),
                I32.layout(),
                I64.layout(),
            ],
        ),
    );
    let munmap = libc(
        "munmap",
        FunctionDescriptor::of(I32, &[ADDRESS.layout(), USIZE.layout()]),
    );
    const PROT_READ: i32 = 1;
    const MAP_PRIVATE: i32 = 2;
    const MAP_ANONYMOUS: i32 = 0x20;
    // SAFETY: an anonymous private mapping at an address of the kernel's choice, unmapped
    // below with its length.
    unsafe {
        let p = mmap
            .call(&[
                Value::address(Address::NULL),
                Value::Usize(4096),
                Value::I32(PROT_READ),
                Value::I32(MAP_PRIVATE | MAP_ANONYMOUS),
                Value::I32(-1),
                Value::I64(0),
            ])
            .unwrap();
        let addr = p.as_address().unwrap();
        assert!(!addr.is_null());
        assert_ne!(addr.as_ptr::<u8>() as isize, -1, "mmap failed");
        // The page reads as zeros.
        assert_eq!(addr.as_ptr::<u8>().read(), 0);
        let r = munmap.call(&[p, Value::Usize(4096)]).unwrap();
        assert_eq!(r, Value::I32(0));
    }
}

#[test]
fn mismatches_are_refused_before_the_call() {
    let ldexp = libc(
        "ldexp",
        FunctionDescriptor::of(F64, &[F64.layout(), I32.layout()]),
    );
    let arena = Arena::new();
    let bytes = arena.allocate(8, 8).unwrap();
    let cases: [(&[Value<'_>], &str); 6] = [
        (&[Value::F64(1.0)], "1 argument(s) given, 2 declared"),
        (
            &[Value::F64(1.0), Value::I32(1), Value::I32(2)],
            "3 argument(s) given, 2 declared",
        ),
        (&[], "0 argument(s) given, 2 declared"),
        (
            &[Value::F32(1.0), Value::I32(1)],
            "argument #0 is f32, declared f64",
        ),
        (
            &[Value::F64(1.0), Value::I64(1)],
            "argument #1 is i64, declared i32",
        ),
        (
            &[Value::F64(1.0), Value::Struct(bytes)],
            "argument #1 is a 8-byte struct, declared i32",
        ),
    ];
    for (args, want) in cases {
        // SAFETY: refused before reaching C.
        let err = unsafe { ldexp.call(args) }.unwrap_err();
        assert!(err.to_string().ends_with(want), "{err} (want …{want})");
    }
}
