//! The dynamic call path's in-line calls (scalars in registers, up to eight of them) against
//! libc, libm and a few assembly functions that return one argument register as they find
//! it: integer and vector registers filled from arguments in any order, every width of
//! register file, small integers extended to the full register, narrow returns read from
//! the low bytes, the calls that are not made in line, and every mismatch refused with the
//! checked path's error before C is reached.

use ffm::linker::{Downcall, FunctionDescriptor, Linker, LinkerOptions, Symbol, Value};
use ffm::prelude::*;

fn libc(name: &str, descriptor: FunctionDescriptor) -> Downcall<'static> {
    let linker = Linker::native();
    let symbol = linker.default_lookup().find_or_error(name).unwrap();
    let handle = linker
        .downcall(&symbol, descriptor, &LinkerOptions::new())
        .unwrap();
    assert!(handle.is_inline(), "{handle:?} is not made in line");
    handle
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
fn negative_integers() {
    // long labs(long) and int abs(int).
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
fn floats_in_and_out() {
    // float fmaf(float, float, float): f32 in the low half of xmm0-xmm2 and back in xmm0.
    let fmaf = libc(
        "fmaf",
        FunctionDescriptor::of(F32, &[F32.layout(), F32.layout(), F32.layout()]),
    );
    // SAFETY: fmaf has no preconditions.
    let r = unsafe { fmaf.call(&[Value::F32(1.5), Value::F32(2.0), Value::F32(0.25)]) };
    assert_eq!(r.unwrap(), Value::F32(3.25));
}

#[test]
fn calls_that_are_not_made_in_line() {
    let linker = Linker::native();
    let lookup = linker.default_lookup();
    let printf = lookup.find_or_error("printf").unwrap();
    let getpid = lookup.find_or_error("getpid").unwrap();
    let ldexp = lookup.find_or_error("ldexp").unwrap();
    let handle = |symbol, descriptor, options: &LinkerOptions| {
        linker.downcall(symbol, descriptor, options).unwrap()
    };
    let variadic = handle(
        &printf,
        FunctionDescriptor::of(I32, &[ADDRESS.layout(), I32.layout()]),
        &LinkerOptions::new().first_variadic_arg(1),
    );
    assert!(variadic.is_direct() && !variadic.is_inline());
    let errno = handle(
        &getpid,
        FunctionDescriptor::of(I32, &[]),
        &LinkerOptions::new().capture_call_state("errno"),
    );
    assert!(errno.is_direct() && !errno.is_inline());
    let libffi = handle(
        &ldexp,
        FunctionDescriptor::of(F64, &[F64.layout(), I32.layout()]),
        &LinkerOptions::new().libffi_only(),
    );
    assert!(!libffi.is_direct() && !libffi.is_inline());
    // The same calls through libffi give the same answers.
    // SAFETY: ldexp has no preconditions.
    let r = unsafe { libffi.call(&[Value::F64(3.0), Value::I32(4)]) };
    assert_eq!(r.unwrap(), Value::F64(48.0));
}

/// Functions that return one argument register as they find it, to see exactly what the
/// caller put there.
#[cfg(all(target_arch = "x86_64", unix))]
mod registers {
    use super::*;

    std::arch::global_asm!(
        ".text",
        ".globl ffm_t_rdi",
        "ffm_t_rdi:",
        "    mov rax, rdi",
        "    ret",
        ".globl ffm_t_rcx",
        "ffm_t_rcx:",
        "    mov rax, rcx",
        "    ret",
        ".globl ffm_t_xmm4",
        "ffm_t_xmm4:",
        "    movaps xmm0, xmm4",
        "    ret",
        ".globl ffm_t_xmm7",
        "ffm_t_xmm7:",
        "    movaps xmm0, xmm7",
        "    ret",
        // Stores every argument register, in order, into `ffm_t_regs`.
        ".globl ffm_t_dump",
        "ffm_t_dump:",
        "    lea rax, [rip + ffm_t_regs]",
        "    mov qword ptr [rax], rdi",
        "    mov qword ptr [rax + 8], rsi",
        "    mov qword ptr [rax + 16], rdx",
        "    mov qword ptr [rax + 24], rcx",
        "    mov qword ptr [rax + 32], r8",
        "    mov qword ptr [rax + 40], r9",
        "    movq qword ptr [rax + 48], xmm0",
        "    movq qword ptr [rax + 56], xmm1",
        "    movq qword ptr [rax + 64], xmm2",
        "    movq qword ptr [rax + 72], xmm3",
        "    movq qword ptr [rax + 80], xmm4",
        "    movq qword ptr [rax + 88], xmm5",
        "    movq qword ptr [rax + 96], xmm6",
        "    movq qword ptr [rax + 104], xmm7",
        "    ret",
        ".bss",
        ".p2align 3",
        ".globl ffm_t_regs",
        "ffm_t_regs:",
        "    .zero 112",
        ".text",
    );

    unsafe extern "C" {
        fn ffm_t_rdi();
        fn ffm_t_rcx();
        fn ffm_t_xmm4();
        fn ffm_t_xmm7();
        fn ffm_t_dump();
        /// What `ffm_t_dump` found: rdi, rsi, rdx, rcx, r8, r9, then xmm0 to xmm7.
        static mut ffm_t_regs: [u64; 14];
    }

    fn handle(f: unsafe extern "C" fn(), descriptor: FunctionDescriptor) -> Downcall<'static> {
        // SAFETY: the functions above are in the test binary for as long as it runs; each
        // reads only the register it returns, so any descriptor calls it safely.
        let symbol = unsafe { Symbol::from_address(Address::from_ptr(f as *const u8), "probe") };
        Linker::native()
            .downcall(&symbol, descriptor, &LinkerOptions::new())
            .unwrap()
    }

    /// The whole of `rdi` after passing `v` as a `kind` argument.
    fn rdi_after(v: Value<'_>) -> i64 {
        let kind = match v {
            Value::I8(_) => I8.layout(),
            Value::U8(_) => U8.layout(),
            Value::I16(_) => I16.layout(),
            Value::U16(_) => U16.layout(),
            Value::I32(_) => I32.layout(),
            Value::U32(_) => U32.layout(),
            Value::Bool(_) => BOOL.layout(),
            _ => unreachable!(),
        };
        let h = handle(ffm_t_rdi, FunctionDescriptor::of(I64, &[kind]));
        assert!(h.is_inline());
        // SAFETY: ffm_t_rdi only reads rdi.
        unsafe { h.call(&[v]) }.unwrap().as_i64().unwrap()
    }

    #[test]
    fn small_integers_fill_the_whole_register() {
        // Signed ones sign-extended, the rest zero-extended, as clang's callees expect.
        assert_eq!(rdi_after(Value::I8(-5)), -5);
        assert_eq!(rdi_after(Value::I16(-300)), -300);
        assert_eq!(rdi_after(Value::I32(-7)), -7);
        assert_eq!(rdi_after(Value::U8(200)), 200);
        assert_eq!(rdi_after(Value::U16(60000)), 60000);
        assert_eq!(rdi_after(Value::U32(u32::MAX)), i64::from(u32::MAX));
        assert_eq!(rdi_after(Value::Bool(true)), 1);
    }

    #[test]
    fn narrow_returns_are_read_from_the_low_bytes() {
        let narrow = |ret: MemoryLayout, bits: i64| {
            let h = handle(ffm_t_rdi, FunctionDescriptor::of(ret, &[I64.layout()]));
            // SAFETY: ffm_t_rdi only reads rdi.
            unsafe { h.call(&[Value::I64(bits)]) }.unwrap()
        };
        assert_eq!(narrow(I8.layout(), 0x1234_5680), Value::I8(-128));
        assert_eq!(narrow(U16.layout(), 0x7_ffff), Value::U16(0xffff));
        assert_eq!(narrow(I32.layout(), 0x1_8000_0000), Value::I32(i32::MIN));
        assert_eq!(narrow(BOOL.layout(), 0x100), Value::Bool(false));
    }

    #[test]
    fn eight_doubles_reach_xmm7() {
        let h = handle(
            ffm_t_xmm7,
            FunctionDescriptor::of(F64, &vec![F64.layout(); 8]),
        );
        assert!(h.is_inline());
        let args: Vec<Value<'_>> = (1..=8).map(|i| Value::F64(f64::from(i) * 1.5)).collect();
        // SAFETY: ffm_t_xmm7 only reads xmm7.
        assert_eq!(unsafe { h.call(&args) }.unwrap(), Value::F64(12.0));
        // Nine values for eight: refused.
        let mut nine = args.clone();
        nine.push(Value::F64(0.0));
        // SAFETY: refused before reaching the function.
        let err = unsafe { h.call(&nine) }.unwrap_err();
        assert!(
            err.to_string().ends_with("9 argument(s) given, 8 declared"),
            "{err}"
        );
    }

    #[test]
    fn interleaved_classes_take_their_registers_in_order() {
        // Integers at positions 1, 3, 4 and 6 take rdi, rsi, rdx and rcx; the doubles at 0,
        // 2, 5 and 7 take xmm0 to xmm3.
        let layouts = [
            F64.layout(),
            I64.layout(),
            F64.layout(),
            I64.layout(),
            I64.layout(),
            F64.layout(),
            I64.layout(),
            F64.layout(),
        ];
        let args = [
            Value::F64(0.5),
            Value::I64(11),
            Value::F64(2.5),
            Value::I64(33),
            Value::I64(44),
            Value::F64(5.5),
            Value::I64(66),
            Value::F64(7.5),
        ];
        let rcx = handle(ffm_t_rcx, FunctionDescriptor::of(I64, &layouts));
        assert!(rcx.is_inline());
        // SAFETY: ffm_t_rcx only reads rcx.
        assert_eq!(unsafe { rcx.call(&args) }.unwrap(), Value::I64(66));
        // Five doubles (at 0, 1, 3, 5, 7) and three integers: xmm4 holds the last double.
        let layouts = [
            F64.layout(),
            F64.layout(),
            I64.layout(),
            F64.layout(),
            I32.layout(),
            F64.layout(),
            I64.layout(),
            F64.layout(),
        ];
        let args = [
            Value::F64(0.5),
            Value::F64(1.5),
            Value::I64(2),
            Value::F64(3.5),
            Value::I32(4),
            Value::F64(5.5),
            Value::I64(6),
            Value::F64(7.5),
        ];
        let xmm4 = handle(ffm_t_xmm4, FunctionDescriptor::of(F64, &layouts));
        assert!(xmm4.is_inline());
        // SAFETY: ffm_t_xmm4 only reads xmm4.
        assert_eq!(unsafe { xmm4.call(&args) }.unwrap(), Value::F64(7.5));
    }

    /// Every order of integer and double arguments that fits in the registers, up to 11
    /// arguments (and every 7th of the orders of 12 to 14): each integer is in the next
    /// integer register and each double in the next vector register, for the calls made in
    /// line (every register-file width) and those that go through an invoker (more than
    /// eight arguments).
    #[test]
    fn every_order_of_register_arguments_lands_in_order() {
        let mut in_line = 0;
        let mut invoked = 0;
        for len in 0..=14usize {
            let mut nth = 0usize;
            for mask in 0u32..(1 << len) {
                // Bit `p` set: argument `p` is a double.
                let doubles = mask.count_ones() as usize;
                if doubles > 8 || len - doubles > 6 {
                    continue;
                }
                nth += 1;
                if len > 11 && !nth.is_multiple_of(7) {
                    continue;
                }
                let is_double = |p: usize| mask & (1 << p) != 0;
                // Narrow kinds at some positions: extended into the full register.
                let narrow = |p: usize| p % 3 == 2;
                let mut layouts = Vec::new();
                let mut args = Vec::new();
                let (mut want_int, mut want_sse) = (Vec::new(), Vec::new());
                for p in 0..len {
                    let x = p as i64 + 1;
                    match (is_double(p), narrow(p)) {
                        (true, false) => {
                            layouts.push(F64.layout());
                            args.push(Value::F64(x as f64 + 0.25));
                            want_sse.push(((x as f64 + 0.25).to_bits(), u64::MAX));
                        }
                        (true, true) => {
                            layouts.push(F32.layout());
                            args.push(Value::F32(x as f32 + 0.5));
                            // Only the low 32 bits are the argument.
                            want_sse.push((u64::from((x as f32 + 0.5).to_bits()), 0xffff_ffff));
                        }
                        (false, false) => {
                            layouts.push(I64.layout());
                            args.push(Value::I64(1000 + x));
                            want_int.push((1000 + x) as u64);
                        }
                        (false, true) => {
                            layouts.push(I32.layout());
                            args.push(Value::I32(-(x as i32)));
                            // Sign-extended to 64 bits.
                            want_int.push(-x as u64);
                        }
                    }
                }
                let h = handle(ffm_t_dump, FunctionDescriptor::void(&layouts));
                if h.is_inline() {
                    in_line += 1;
                } else {
                    assert!(h.is_direct() && len > 8, "{h:?}");
                    invoked += 1;
                }
                // SAFETY: nothing else writes `ffm_t_regs` (only this test calls
                // `ffm_t_dump`), and no reference to it is held.
                unsafe { (&raw mut ffm_t_regs).write([u64::MAX; 14]) };
                // SAFETY: ffm_t_dump only stores the argument registers.
                unsafe { h.call(&args) }.unwrap();
                // SAFETY: as above; the call is over.
                let regs = unsafe { (&raw const ffm_t_regs).read_volatile() };
                let got_int = &regs[..want_int.len()];
                let got_sse: Vec<(u64, u64)> = regs[6..]
                    .iter()
                    .zip(&want_sse)
                    .map(|(r, (_, mask))| (r & mask, *mask))
                    .collect();
                assert_eq!(got_int, &want_int[..], "integer registers of {layouts:?}");
                assert_eq!(got_sse, want_sse, "vector registers of {layouts:?}");
            }
        }
        // Every order of at most eight arguments is made in line; the longer ones are not.
        assert_eq!(
            (in_line, invoked),
            (501, 3894),
            "in line, through an invoker"
        );
    }

    #[test]
    fn nine_register_arguments_go_through_the_invoker() {
        // Six integers and three doubles: all in registers, but more than eight.
        let mut layouts = vec![I64.layout(); 6];
        layouts.extend(vec![F64.layout(); 3]);
        let h = handle(ffm_t_rdi, FunctionDescriptor::of(I64, &layouts));
        assert!(h.is_direct() && !h.is_inline());
        let mut args: Vec<Value<'_>> = (1..=6).map(Value::I64).collect();
        args.extend([Value::F64(1.0), Value::F64(2.0), Value::F64(3.0)]);
        // SAFETY: ffm_t_rdi only reads rdi.
        assert_eq!(unsafe { h.call(&args) }.unwrap(), Value::I64(1));
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
    let cases: [(&[Value<'_>], &str); 8] = [
        (&[Value::F64(1.0)], "1 argument(s) given, 2 declared"),
        (
            &[Value::F64(1.0), Value::I32(1), Value::I32(2)],
            "3 argument(s) given, 2 declared",
        ),
        (&[], "0 argument(s) given, 2 declared"),
        // A value that is not a scalar past the last argument.
        (
            &[Value::F64(1.0), Value::I32(1), Value::Void],
            "3 argument(s) given, 2 declared",
        ),
        (
            &[Value::F64(1.0), Value::I32(1), Value::Struct(bytes)],
            "3 argument(s) given, 2 declared",
        ),
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

#[test]
fn returned_values_convert_to_their_exact_rust_type() {
    use ffm::layout::ValueKind;
    use ffm::linker::ValueKindError;
    // int abs(int): the return is `Value::I32`, which converts to `i32` and nothing else.
    let abs = libc("abs", FunctionDescriptor::of(I32, &[I32.layout()]));
    // SAFETY: abs has no preconditions for this argument.
    let r = unsafe { abs.call(&[Value::I32(-42)]) }.unwrap();
    assert_eq!(i32::try_from(r), Ok(42));
    let wrong: ValueKindError = i64::try_from(r).unwrap_err();
    assert_eq!(wrong.expected(), ValueKind::I64);
    assert_eq!(wrong.found(), Some(ValueKind::I32));
    assert_eq!(wrong.to_string(), "expected a value of type i64, found i32");
    assert_eq!(u32::try_from(r).unwrap_err().found(), Some(ValueKind::I32));
    assert_eq!(r.as_i64(), Some(42), "as_i64 widens");
    // double fabs(double): `f64` only.
    let fabs = libc("fabs", FunctionDescriptor::of(F64, &[F64.layout()]));
    // SAFETY: fabs has no preconditions.
    let r = unsafe { fabs.call(&[Value::F64(-2.5)]) }.unwrap();
    assert_eq!(f64::try_from(r), Ok(2.5));
    assert_eq!(
        f32::try_from(r).unwrap_err().to_string(),
        "expected a value of type f32, found f64"
    );
    // void srand(unsigned): `Value::Void` converts to nothing.
    let srand = libc("srand", FunctionDescriptor::void(&[U32.layout()]));
    // SAFETY: srand has no preconditions.
    let r = unsafe { srand.call(&[Value::U32(1)]) }.unwrap();
    let err = i32::try_from(r).unwrap_err();
    assert_eq!(err.found(), None);
    assert_eq!(err.to_string(), "expected a value of type i32, found void");
    // char *getenv(const char *) of a missing name: a null `Address`.
    let getenv = libc(
        "getenv",
        FunctionDescriptor::of(ADDRESS, &[ADDRESS.layout()]),
    );
    let name = c"FFM_SURELY_NOT_SET_ANYWHERE";
    // SAFETY: the name is a NUL-terminated string.
    let r = unsafe { getenv.call(&[Value::address(Address::from_ptr(name.as_ptr()))]) }.unwrap();
    assert_eq!(Address::try_from(r), Ok(Address::NULL));
    assert_eq!(
        bool::try_from(r).unwrap_err().to_string(),
        "expected a value of type bool, found ptr"
    );
    // A struct value, and `?` into `ffm::Error`.
    let arena = Arena::new();
    let seg = arena.allocate(8, 8).unwrap();
    let err = u8::try_from(Value::Struct(seg)).unwrap_err();
    assert_eq!(
        err.to_string(),
        "expected a value of type u8, found a struct"
    );
    fn read(v: Value<'_>) -> ffm::Result<u16> {
        Ok(u16::try_from(v)?)
    }
    assert_eq!(read(Value::U16(7)).unwrap(), 7);
    let e = read(Value::I16(7)).unwrap_err();
    assert!(matches!(e, ffm::Error::ValueKind(k) if k.found() == Some(ValueKind::I16)));
    assert_eq!(e.to_string(), "expected a value of type u16, found i16");
}
