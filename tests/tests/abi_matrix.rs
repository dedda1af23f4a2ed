//! The ABI conformance matrix: every signature of `matrix/gen.rs` (the JDK's
//! `CallGeneratorHelper` space, 12,097 signatures, and 6,300 more with our extra kinds: small
//! and unsigned scalars, `char[N]`, nested, two-float and union shapes) called through the
//! dynamic downcall path (`m_i`), its stack-spill twin (`s_i`), its upcall twin (`u_i`), a
//! fixed sample through the upcall spill twin (`t_i`), and the varargs checker (`v_check`,
//! plainly and behind 16 variadic spill arguments); plus return-value normalization.
//!
//! The C library was generated from the same module at build time, so the signatures enumerated
//! here are exactly those that were compiled. Every test prints (straight to stderr, so it shows
//! without `--nocapture`) how many signatures it checked. The whole matrix runs by default, in
//! a few seconds; only the upcall spill twin (spill and upcall together, on top of each alone)
//! is a fixed sample of 4,000 signatures, because compiling it for all of them adds about half
//! the matrix's C compile time. Run just the matrix, or with every upcall spill twin too:
//!
//! ```text
//! cargo test -p ffm-tests --test abi_matrix
//! FFM_ABI_MATRIX_FULL=1 cargo test -p ffm-tests --test abi_matrix
//! ```
//!
//! Each C function stores every argument it receives into a thread-local out buffer (slot `k`
//! for argument `k`), which the test poisons before the call and reads after it through
//! `m_out_ptr()`, so every field of every argument is checked, not just the return value.
//! Struct padding is never compared: only the scalar leaves of each shape.
//!
//! The dynamic downcalls (`m_i`, `s_i` and `v_check`) run twice per signature: through a
//! handle made with the default options, which takes the register-shape path (no libffi) where
//! the signature allows it, and through one made with `LinkerOptions::libffi_only()`. Both must
//! agree with C, and each test reports how many signatures took the register-shape path
//! (`Downcall::is_direct`).
//!
//! The machinery shared with the typed path's test (`abi_matrix_typed.rs`) is in
//! `matrix/harness.rs`.

use std::ffi::CString;
use std::sync::{Arc, Mutex};

use ffm::linker::{Downcall, FunctionDescriptor, Linker, LinkerOptions, SymbolLookup, Value};
use ffm::prelude::*;

#[path = "../matrix/gen.rs"]
mod matrix;

#[path = "../matrix/harness.rs"]
mod harness;

use harness::*;
use matrix::{Family, Scalar, Sig, Ty};

/// The two ways the linker calls a dynamic downcall: the default (the register-shape path
/// where the signature allows it, else libffi) and libffi alone.
fn both_paths() -> [(&'static str, LinkerOptions); 2] {
    [
        ("default", LinkerOptions::new()),
        ("libffi_only", LinkerOptions::new().libffi_only()),
    ]
}

/// A `libffi_only()` handle must not take the register-shape path.
fn check_path(path: &str, h: &Downcall<'_>) -> Result<(), String> {
    if path == "libffi_only" && h.is_direct() {
        return Err(format!("{}: a libffi_only() handle is direct", h.name()));
    }
    Ok(())
}

/// `m_i` (or `s_i` with `spill`): the arguments arrive, the first comes back. Called twice,
/// through a handle made with the default options and through one made with `libffi_only()`;
/// both must agree with C. Reports whether the default handle took the register-shape path.
fn check_downcall(e: &Env, i: usize, sig: &Sig, spill: bool) -> Result<Checked, String> {
    let variant = if spill {
        Variant::Spill
    } else {
        Variant::Downcall
    };
    let mut rng = rng_for(i, variant);
    let (mut types, mut prefix) = if spill {
        spill_prefix(&mut rng)
    } else {
        (Vec::new(), Vec::new())
    };
    let args: Vec<Arg> = sig
        .params
        .iter()
        .map(|t| Arg::random(e, *t, &mut rng))
        .collect();
    types.extend(&sig.params);
    prefix.extend(args.iter().cloned());
    let name = format!("{}_{i}", if spill { "s" } else { "m" });
    let mut direct = None;
    let mut inline = None;
    for (path, opts) in both_paths() {
        let h = link(&name, descriptor(e, sig.ret(), &types), &opts)?;
        check_path(path, &h)?;
        direct.get_or_insert(h.is_direct());
        inline.get_or_insert(h.is_inline());
        call_and_check(e, i, sig, spill, &h, &args, &prefix)
            .map_err(|m| format!("{path} path (is_direct: {}): {m}", h.is_direct()))?;
    }
    Ok(Checked { direct, inline })
}

/// One call of `m_i` or `s_i` through `h` with `values` (the spill prefix, then `args`), and
/// every check of what C received and returned.
fn call_and_check(
    e: &Env,
    i: usize,
    sig: &Sig,
    spill: bool,
    h: &Downcall<'static>,
    args: &[Arg],
    all_args: &[Arg],
) -> Result<(), String> {
    let arena = Arena::new();
    let values: Vec<Value<'_>> = all_args.iter().map(|a| a.value(&arena)).collect();
    poison_out();
    // SAFETY: the descriptor is built from the very Sig the C function was generated from; the
    // function only stores its arguments into this thread's out buffer.
    let r = unsafe { h.call_in(&arena, &values) }.map_err(|e| e.to_string())?;
    let out = read_out();
    check_called(&out, i)?;
    check_args(e, args, &out, 0)?;
    if spill {
        check_args(
            e,
            &all_args[..2 * matrix::SPILL_EACH],
            &out,
            matrix::SLOT_SPILL,
        )
        .map_err(|m| format!("spill prefix: {m}"))?;
    }
    check_ret(
        e,
        if sig.returns_first {
            args.first()
        } else {
            None
        },
        &r,
    )
}

/// `u_i(cb, …)` (or `t_i(cb, 16 spill arguments, …)`): C passes the arguments on to a Rust
/// closure, which records them and returns a fresh value, which C returns.
fn check_upcall(e: &'static Env, i: usize, sig: &Sig, spill: bool) -> Result<(), String> {
    let variant = if spill {
        Variant::UpcallSpill
    } else {
        Variant::Upcall
    };
    let mut rng = rng_for(i, variant);
    let (mut types, mut args) = if spill {
        spill_prefix(&mut rng)
    } else {
        (Vec::new(), Vec::new())
    };
    types.extend(&sig.params);
    args.extend(sig.params.iter().map(|t| Arg::random(e, *t, &mut rng)));
    let ret = sig.ret().map(|t| Arg::random(e, t, &mut rng));
    let cb_desc = descriptor(e, sig.ret(), &types);

    let received: Arc<Mutex<Option<Vec<Got>>>> = Arc::default();
    let record = received.clone();
    let to_return = ret.clone();
    let arena = Arena::new();
    let stub = Linker::native()
        .upcall(&arena, cb_desc, move |vals, ret_seg| {
            *record.lock().unwrap() = Some(vals.iter().map(got_of).collect());
            match &to_return {
                None => Value::Void,
                Some(Arg::Scalar(s, bits)) => scalar_value(*s, *bits),
                Some(Arg::Struct(_, bytes)) => {
                    ret_seg.as_bytes_mut().copy_from_slice(bytes);
                    Value::Void
                }
            }
        })
        .map_err(|e| format!("upcall stub {cb_desc}: {e}"))?;
    let mut down_types = vec![Ty::Scalar(Scalar::Pointer)];
    down_types.extend(&types);
    let name = format!("{}_{i}", if spill { "t" } else { "u" });
    let h = link(
        &name,
        descriptor(e, sig.ret(), &down_types),
        &LinkerOptions::new(),
    )?;
    let mut values = vec![Value::pointer(&stub)];
    values.extend(args.iter().map(|a| a.value(&arena)));
    // SAFETY: as in check_downcall; the stub matches the callback type C calls, and lives in
    // `arena`, which outlives the call.
    let r = unsafe { h.call_in(&arena, &values) }.map_err(|e| e.to_string())?;
    let got = received
        .lock()
        .unwrap()
        .take()
        .ok_or("the callback was not called")?;
    if got.len() != args.len() {
        return Err(format!("the callback got {} arguments", got.len()));
    }
    for (k, (a, g)) in args.iter().zip(&got).enumerate() {
        a.check(e, g)
            .map_err(|m| format!("argument {k} as the callback received it: {m}"))?;
    }
    check_ret(e, ret.as_ref(), &r).map_err(|m| format!("what C returned from the callback: {m}"))
}

/// `v_check(tags, …)` with the signature's parameters as variadic arguments (promoted), after
/// 16 variadic spill arguments with `spill`. Also checks that the unpromoted descriptor is
/// refused.
///
/// Both through the default handle and a `libffi_only()` one; reports whether the default
/// handle took the register-shape path.
fn check_varargs(e: &Env, i: usize, sig: &Sig, spill: bool) -> Result<Checked, String> {
    let variant = if spill {
        Variant::VarargsSpill
    } else {
        Variant::Varargs
    };
    let mut rng = rng_for(i, variant);
    let (mut types, mut args) = if spill {
        spill_prefix(&mut rng)
    } else {
        (Vec::new(), Vec::new())
    };
    types.extend(&sig.params);
    args.extend(sig.params.iter().map(|t| Arg::random(e, *t, &mut rng)));
    let tags = CString::new(types.iter().map(|t| t.va_tag()).collect::<String>()).unwrap();
    let promoted_types: Vec<Ty> = types.iter().map(|t| t.promoted()).collect();
    let promoted: Vec<Arg> = args.iter().map(Arg::promoted).collect();
    let with_tags = |ts: &[Ty]| {
        let mut v = vec![Ty::Scalar(Scalar::Pointer)];
        v.extend(ts);
        descriptor(e, Some(Ty::Scalar(Scalar::Int)), &v)
    };
    let opts = LinkerOptions::new().first_variadic_arg(1);
    if promoted_types != types {
        let bad = with_tags(&types);
        let sym = lib().find_or_error("v_check").map_err(|e| e.to_string())?;
        match Linker::native().downcall(&sym, bad, &opts) {
            Err(ffm::Error::InvalidDescriptor { .. }) => {}
            other => {
                return Err(format!(
                    "the unpromoted variadic descriptor {bad} was not refused: {other:?}"
                ));
            }
        }
    }
    let mut direct = None;
    let mut inline = None;
    for (path, base) in both_paths() {
        let h = link(
            "v_check",
            with_tags(&promoted_types),
            &base.first_variadic_arg(1),
        )?;
        check_path(path, &h)?;
        direct.get_or_insert(h.is_direct());
        inline.get_or_insert(h.is_inline());
        let arena = Arena::new();
        let mut values = vec![Value::pointer(tags.as_c_str())];
        values.extend(promoted.iter().map(|a| a.value(&arena)));
        poison_out();
        // SAFETY: v_check reads exactly the variadic arguments its tags describe, with these
        // (promoted) types, into this thread's out buffer.
        let r = unsafe { h.call(&values) }.map_err(|e| e.to_string())?;
        let out = read_out();
        let path = format!("{path} path (is_direct: {})", h.is_direct());
        if r != Value::I32(args.len() as i32) {
            return Err(format!("{path}: v_check({tags:?}, …) returned {r:?}"));
        }
        check_args(e, &promoted, &out, 0).map_err(|m| format!("{path}: variadic {m}"))?;
    }
    Ok(Checked { direct, inline })
}

#[test]
fn downcall_matrix() {
    run(Variant::Downcall, "downcall m_i", &all(), |e, i, s| {
        check_downcall(e, i, s, false)
    });
}

#[test]
fn stack_spill_matrix() {
    run(Variant::Spill, "stack-spill twin s_i", &all(), |e, i, s| {
        check_downcall(e, i, s, true)
    });
}

#[test]
fn upcall_matrix() {
    run(Variant::Upcall, "upcall twin u_i", &all(), |e, i, s| {
        check_upcall(e, i, s, false).map(|()| Checked::default())
    });
}

/// Whether the library was built with `FFM_ABI_MATRIX_FULL=1` (an upcall spill twin for every
/// signature).
fn full() -> bool {
    env!("FFM_MATRIX_FULL") == "1"
}

#[test]
fn upcall_stack_spill_sample() {
    let sample = matrix::upcall_spill_sample(&env().m, full());
    run(
        Variant::UpcallSpill,
        if full() {
            "upcall spill twin t_i (all)"
        } else {
            "upcall spill twin t_i (fixed sample; FFM_ABI_MATRIX_FULL=1 for all)"
        },
        &sample,
        |e, i, s| check_upcall(e, i, s, true).map(|()| Checked::default()),
    );
}

#[test]
fn varargs_matrix() {
    run(Variant::Varargs, "varargs v_check", &all(), |e, i, s| {
        check_varargs(e, i, s, false)
    });
}

#[test]
fn varargs_stack_spill_matrix() {
    run(
        Variant::VarargsSpill,
        "varargs v_check after 16 spill arguments",
        &all(),
        |e, i, s| check_varargs(e, i, s, true),
    );
}

#[test]
fn the_matrix_covers_the_jdk_space() {
    let m = &env().m;
    let jdk = m.sigs.iter().filter(|s| s.family == Family::Jdk).count();
    assert_eq!(jdk, 12_097, "the JDK's CallGeneratorHelper space");
    assert_eq!(matrix::jdk_shapes().len(), 84);
    let h = link(
        "m_sig_count",
        FunctionDescriptor::of(I32, &[]),
        &LinkerOptions::new(),
    )
    .unwrap();
    // SAFETY: `int m_sig_count(void)`.
    let n = unsafe { h.call(&[]) }.unwrap();
    assert_eq!(n, Value::I32(m.sigs.len() as i32), "the C library's count");
    say(&format!(
        "{} signatures ({jdk} JDK-space, {} extended) over {} struct shapes ({} JDK, {} extra)",
        m.sigs.len(),
        m.sigs.len() - jdk,
        m.shapes.len(),
        matrix::jdk_shapes().len(),
        matrix::extra_shapes().len()
    ));
}

/// The generated C on disk is exactly what the generator produces now (so the test enumerates
/// what was compiled), and generating twice gives the same files.
#[test]
fn the_generated_c_is_what_the_generator_produces() {
    let m = matrix::matrix();
    assert_eq!(m, matrix::matrix());
    let sources = matrix::c_sources(&m, full());
    assert_eq!(sources, matrix::c_sources(&m, full()));
    let dir = std::path::Path::new(ffm_tests::MATRIXSRC);
    for (name, text) in &sources {
        let on_disk = std::fs::read_to_string(dir.join(name)).unwrap();
        assert!(
            on_disk == *text,
            "{name} differs from the generator's output"
        );
    }
}

/// Every struct shape's size, alignment and leaf offsets agree three ways: the C compiler's
/// (`m_shape_info`), the generator's and ffm's `StructLayout::c`.
#[test]
fn shape_layouts_match_the_c_compiler() {
    let e = env();
    let info = lib().find_or_error("m_shape_info").unwrap();
    let len = lib().find_or_error("m_shape_info_len").unwrap();
    // SAFETY: `const int m_shape_info_len`.
    let len = unsafe { len.address().read(I32, 0) } as usize;
    // SAFETY: `const int m_shape_info[m_shape_info_len]`, never written.
    let info = unsafe { info.address().reinterpret(len * 4) }
        .to_vec::<i32>()
        .unwrap();
    let mut at = 0;
    for (k, shape) in e.m.shapes.iter().enumerate() {
        let (size, align) = shape.size_align();
        let leaves = &e.shape_leaves[k];
        let c = &info[at..at + 3 + leaves.len()];
        at += 3 + leaves.len();
        let c_offsets: Vec<usize> = c[3..].iter().map(|&o| o as usize).collect();
        let gen_offsets: Vec<usize> = leaves.iter().map(|l| l.offset).collect();
        assert_eq!(
            (c[0] as usize, c[1] as usize, c[2] as usize, &c_offsets),
            (size, align, leaves.len(), &gen_offsets),
            "the generator's layout of {} {}",
            shape.name,
            shape.describe()
        );
        let l = e.shape_layouts[k];
        let mut ffm_leaves = Vec::new();
        ffm_leaf_offsets(&l, 0, &mut ffm_leaves);
        assert_eq!(
            (l.byte_size(), l.byte_alignment(), &ffm_leaves),
            (size, align, &gen_offsets),
            "ffm's layout of {} {}",
            shape.name,
            shape.describe()
        );
    }
    assert_eq!(at, info.len());
}

#[cfg(all(target_arch = "x86_64", target_os = "linux"))]
mod normalization {
    use super::*;
    use ffm::linker::TypedDowncall;

    fn expected(s: Scalar, image: u64) -> Value<'static> {
        match s {
            Scalar::Bool => Value::Bool(image & 0xFF != 0),
            Scalar::Float => Value::F32(f32::from_bits(image as u32)),
            s => scalar_value(s, image & (u64::MAX >> (64 - 8 * s.size()))),
        }
    }

    /// Narrow returns with garbage above them in %rax (or %xmm0) are narrowed, through the
    /// dynamic and the typed path.
    #[test]
    fn narrow_returns_with_garbage_in_the_upper_bits() {
        for &(name, s, image) in matrix::NARROW_RETURNS {
            let h = link(
                name,
                FunctionDescriptor::of(scalar_layout(s), &[]),
                &LinkerOptions::new(),
            )
            .unwrap();
            // SAFETY: the asm function takes nothing and returns this type.
            let got = unsafe { h.call(&[]) }.unwrap();
            assert_eq!(got, expected(s, image), "{name} (dynamic)");
            let typed = typed_return(&h, s);
            assert_eq!(typed, expected(s, image), "{name} (typed)");
        }
        say(&format!(
            "normalization: {} narrow returns with garbage upper bits checked",
            matrix::NARROW_RETURNS.len()
        ));
    }

    fn typed_return(h: &Downcall<'static>, s: Scalar) -> Value<'static> {
        fn call<R: ffm::linker::NativeReturn + Into<Value<'static>>>(
            h: &Downcall<'static>,
        ) -> Value<'static> {
            let t: TypedDowncall<'static, (), R> = h.typed().unwrap();
            // SAFETY: as for the dynamic call.
            let r = unsafe { t.call(()) };
            r.into()
        }
        match s {
            Scalar::Bool => call::<bool>(h),
            Scalar::SChar => call::<i8>(h),
            Scalar::UChar => call::<u8>(h),
            Scalar::Short => call::<i16>(h),
            Scalar::UShort => call::<u16>(h),
            Scalar::Int => call::<i32>(h),
            Scalar::UInt => call::<u32>(h),
            Scalar::Float => call::<f32>(h),
            other => panic!("no narrow case for {other:?}"),
        }
    }

    /// Narrow integer arguments in registers reach the callee sign- or zero-extended to 32
    /// bits, as GCC and Clang callers extend them and Clang-compiled callees expect (the psABI
    /// leaves those bits unspecified).
    #[test]
    fn narrow_register_arguments_are_extended_to_32_bits() {
        let mut checked = 0;
        for &(name, s) in matrix::NARROW_EXTENSION {
            let h = link(
                name,
                FunctionDescriptor::of(I32, &[scalar_layout(s)]),
                &LinkerOptions::new(),
            )
            .unwrap();
            let mut values: Vec<u64> = [0x80u64, 0xF0, 0xFF, 0x7F, 0x8001, 0xFFFF, 0, 1]
                .iter()
                .map(|b| b & (u64::MAX >> (64 - 8 * s.size())))
                .filter(|&b| s != Scalar::Bool || b <= 1)
                .collect();
            values.sort_unstable();
            values.dedup();
            for bits in values {
                let v = scalar_value(s, bits);
                // SAFETY: the asm probe takes one T and returns an int.
                let got = unsafe { h.call(&[v]) }.unwrap();
                let want = Value::I32(v.as_i64().unwrap() as i32);
                assert_eq!(got, want, "{name}({v:?}): the 32 bits of %edi");
                checked += 1;
            }
        }
        say(&format!(
            "normalization: {checked} narrow register arguments checked for 32-bit extension"
        ));
    }

    /// C passes a narrow argument with garbage above it (in a register, or in a stack slot):
    /// the upcall sees the narrowed value.
    #[test]
    fn narrow_arguments_with_garbage_reach_upcalls_narrowed() {
        for &(name, s, image, stack) in matrix::NARROW_ARGS {
            let want = expected(s, image);
            let mut params = if stack {
                vec![I32.layout(); 6]
            } else {
                Vec::new()
            };
            params.push(scalar_layout(s));
            let seen: Arc<Mutex<Vec<Got>>> = Arc::default();
            let record = seen.clone();
            let arena = Arena::new();
            let stub = Linker::native()
                .upcall(
                    &arena,
                    FunctionDescriptor::of(I32, &params),
                    move |args, _| {
                        record.lock().unwrap().extend(args.iter().map(got_of));
                        Value::I32(args.last().unwrap().as_i64().unwrap() as i32)
                    },
                )
                .unwrap();
            let h = link(
                name,
                FunctionDescriptor::of(I32, &[ADDRESS.layout()]),
                &LinkerOptions::new(),
            )
            .unwrap();
            // SAFETY: the asm function calls its argument as `int cb([int × 6,] T)` and returns
            // its result; the stub lives in `arena`.
            let r = unsafe { h.call(&[Value::pointer(&stub)]) }.unwrap();
            let seen = seen.lock().unwrap().clone();
            assert_eq!(seen.last(), Some(&got_of(&want)), "{name}");
            if stack {
                let ints: Vec<Got> = (1..=6).map(|k| got_of(&Value::I32(k))).collect();
                assert_eq!(seen[..6], ints, "{name}: the register arguments");
            }
            assert_eq!(
                r,
                Value::I32(want.as_i64().unwrap() as i32),
                "{name}: the value back"
            );
        }
        say(&format!(
            "normalization: {} narrow upcall arguments with garbage upper bits checked",
            matrix::NARROW_ARGS.len()
        ));
    }
}
