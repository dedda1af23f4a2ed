//! Bad input to the linker gets an error whose message names the problem; a panicking upcall
//! aborts the process with a message naming the callback; short library names find versioned
//! sonames.

use std::os::unix::process::ExitStatusExt;
use std::process::Command;

use ffm::layout::{SequenceLayout, StructLayout};
use ffm::linker::{FunctionDescriptor, Library, Linker, LinkerOptions, SymbolLookup, Value};
use ffm::prelude::*;
use ffm::{Error, I32_UNALIGNED};

fn testlib() -> Library {
    Library::open(ffm_tests::TESTLIB).unwrap()
}

#[test]
fn unknown_library_lists_every_name_and_path_tried() {
    let err = Library::open("ffm_no_such_library").unwrap_err();
    let Error::LibraryNotFound { name, tried } = &err else {
        panic!("{err}")
    };
    assert_eq!(name, "ffm_no_such_library");
    assert!(
        tried[0].starts_with("libffm_no_such_library.so ("),
        "{tried:?}"
    );
    assert!(
        tried[1].starts_with("libffm_no_such_library.so.* in "),
        "{tried:?}"
    );
    assert!(tried[1].contains("/usr/lib"), "{tried:?}");
    let msg = err.to_string();
    assert!(
        msg.starts_with(
            "library `ffm_no_such_library` not found; tried: libffm_no_such_library.so ("
        ),
        "{msg}"
    );

    let err = Library::open("/nonexistent/libx.so").unwrap_err();
    assert!(err.to_string().contains("/nonexistent/libx.so ("), "{err}");
}

#[test]
fn unknown_symbol_names_symbol_and_library() {
    let lib = testlib();
    let err = lib.find_or_error("ffm_nope").unwrap_err();
    assert_eq!(
        err.to_string(),
        format!(
            "symbol `ffm_nope` not found in library `{}`",
            ffm_tests::TESTLIB
        )
    );
    assert!(lib.find("ffm_nope").is_none());
    let either = (&lib).or(Linker::native().default_lookup());
    assert!(
        either.find("strlen").is_some(),
        "falls through to the default lookup"
    );
    assert!(either.find("ffm_inc_int").is_some());
    let err = either.find_or_error("ffm_nope").unwrap_err();
    assert!(err.to_string().contains("or the default lookup"), "{err}");
}

#[test]
fn typed_view_not_matching_the_descriptor() {
    let lib = testlib();
    let sym = lib.find_or_error("ffm_inc_llong").unwrap();
    let d = Linker::native()
        .downcall(
            &sym,
            FunctionDescriptor::of(I64, &[I64.layout()]),
            &LinkerOptions::new(),
        )
        .unwrap();
    let err = d.typed::<(i32,), i64>().unwrap_err();
    assert_eq!(
        err.to_string(),
        "typed view does not match `ffm_inc_llong` (i64)i64: argument #0 is declared i64, but the Rust type is i32"
    );
    let err = d.typed::<(i64,), f64>().unwrap_err();
    assert!(
        err.to_string()
            .ends_with("the return is declared i64, but the Rust type is f64"),
        "{err}"
    );
    let err = d.typed::<(i64, i64), i64>().unwrap_err();
    assert!(
        err.to_string()
            .ends_with("the Rust signature has 2 argument(s), the descriptor 1"),
        "{err}"
    );
    let err = d.typed::<(i64,), ()>().unwrap_err();
    assert!(
        err.to_string()
            .ends_with("the return is declared i64, but the Rust type is ()"),
        "{err}"
    );
    // Dynamic values are checked per call.
    // SAFETY: refused before reaching C.
    let err = unsafe { d.call(&[Value::I32(1)]) }.unwrap_err();
    assert!(
        err.to_string()
            .ends_with("argument #0 is i32, declared i64"),
        "{err}"
    );
}

#[test]
fn f32_in_variadic_position_is_refused() {
    let printf = Linker::native()
        .default_lookup()
        .find_or_error("printf")
        .unwrap();
    let err = Linker::native()
        .downcall(
            &printf,
            FunctionDescriptor::of(I32, &[ADDRESS.layout(), F32.layout()]),
            &LinkerOptions::new().first_variadic_arg(1),
        )
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "invalid function descriptor (ptr, f32)i32: variadic argument #1 has layout f32, which C never receives; use f64 (C promotes a variadic float to double)"
    );
    for small in [I8.layout(), I16.layout(), BOOL.layout(), U8.layout()] {
        let err = Linker::native()
            .downcall(
                &printf,
                FunctionDescriptor::of(I32, &[ADDRESS.layout(), small]),
                &LinkerOptions::new().first_variadic_arg(1),
            )
            .unwrap_err();
        assert!(err.to_string().contains("use i32"), "{err}");
    }
}

#[test]
fn packed_struct_by_value_is_refused() {
    let packed = StructLayout::try_new(&[I8.layout(), I32_UNALIGNED.layout()]).unwrap();
    let lib = testlib();
    let sym = lib.find_or_error("ffm_i1_bump").unwrap();
    let err = Linker::native()
        .downcall(
            &sym,
            FunctionDescriptor::of(packed, &[packed.layout()]),
            &LinkerOptions::new(),
        )
        .unwrap_err();
    let msg = err.to_string();
    assert!(
        msg.starts_with(
            "invalid function descriptor ([i8 i32%1])[i8 i32%1]: argument #0 [i8 i32%1]:"
        ),
        "{msg}"
    );
    assert!(
        msg.contains("a packed struct cannot be passed by value"),
        "{msg}"
    );
}

#[test]
fn other_layouts_c_cannot_pass() {
    let lib = testlib();
    let sym = lib.find_or_error("ffm_i1_bump").unwrap();
    let link = |d: FunctionDescriptor| {
        Linker::native()
            .downcall(&sym, d, &LinkerOptions::new())
            .unwrap_err()
            .to_string()
    };
    let seq = SequenceLayout::try_new(4, I32.layout()).unwrap();
    assert!(
        link(FunctionDescriptor::void(&[seq.layout()]))
            .contains("a sequence (C array) cannot be passed by value")
    );
    let missing_pad = StructLayout::try_new(&[I32.layout(), I8.layout()]).unwrap();
    assert!(
        link(FunctionDescriptor::void(&[missing_pad.layout()]))
            .contains("C makes it 8 (trailing padding")
    );
    let be = I32.with_order(ffm::ByteOrder::Big);
    assert!(
        link(FunctionDescriptor::void(&[be.layout()])).contains("not in the native byte order")
    );
    assert!(
        link(
            FunctionDescriptor::void(&[I32.layout()])
                .insert_argument_layouts(5, &[])
                .unwrap_or(FunctionDescriptor::void(&[
                    ffm::layout::PaddingLayout::new(4).layout()
                ]))
        )
        .contains("padding cannot be an argument")
    );
    let err = Linker::native()
        .downcall(
            &sym,
            FunctionDescriptor::void(&[]),
            &LinkerOptions::new().capture_call_state("nope"),
        )
        .unwrap_err();
    assert!(
        err.to_string()
            .contains("unknown call state `nope` to capture; supported: errno"),
        "{err}"
    );
}

/// Runs this test binary again, as a child, with `env` set, running only `test`.
fn run_child(test: &str, env: (&str, &str)) -> std::process::Output {
    Command::new(std::env::current_exe().unwrap())
        .args([test, "--exact", "--nocapture", "--test-threads=1"])
        .env(env.0, env.1)
        .output()
        .unwrap()
}

#[test]
fn panicking_upcall_aborts_with_a_message_naming_the_callback() {
    if std::env::var_os("FFM_CHILD_PANIC").is_some() {
        // In the child: a callback that panics, called from C.
        let arena = Arena::new();
        let cb = Linker::native()
            .upcall_typed(&arena, |a: i32, b: i32| -> i32 {
                if a + b > 0 {
                    panic!("boom from the comparator");
                }
                0
            })
            .unwrap();
        let lib = testlib();
        let call = Linker::native()
            .downcall(
                &lib.find_or_error("ffm_call_int_cb").unwrap(),
                FunctionDescriptor::of(I32, &[ADDRESS.layout(), I32.layout(), I32.layout()]),
                &LinkerOptions::new(),
            )
            .unwrap()
            .typed::<(Address, i32, i32), i32>()
            .unwrap();
        // SAFETY: matches testlib.h.
        unsafe { call.call((cb, 1, 2)) };
        unreachable!("the process aborts inside the call");
    }
    let out = run_child(
        "panicking_upcall_aborts_with_a_message_naming_the_callback",
        ("FFM_CHILD_PANIC", "1"),
    );
    assert_eq!(
        out.status.signal(),
        Some(6),
        "SIGABRT; status {:?}",
        out.status
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("ffm: the upcall `"), "{stderr}");
    assert!(stderr.contains("panicking_upcall_aborts_with_a_message_naming_the_callback::{{closure}}` panicked: boom from the comparator"), "{stderr}");
    assert!(
        stderr.contains("aborting the process, because a panic must not unwind into C"),
        "{stderr}"
    );
}

/// Calls `int ffm_call_int_cb(int (*)(int, int), int, int)` with `cb`.
fn call_int_cb(cb: Address, a: i32, b: i32) -> i32 {
    let lib = testlib();
    let call = Linker::native()
        .downcall(
            &lib.find_or_error("ffm_call_int_cb").unwrap(),
            FunctionDescriptor::of(I32, &[ADDRESS.layout(), I32.layout(), I32.layout()]),
            &LinkerOptions::new(),
        )
        .unwrap()
        .typed::<(Address, i32, i32), i32>()
        .unwrap();
    // SAFETY: matches testlib.h; `cb` is an `int (*)(int, int)` (or, in the after-close test,
    // a released stub whose call aborts).
    unsafe { call.call((cb, a, b)) }
}

#[test]
fn dynamic_upcall_returning_the_wrong_kind_aborts_naming_the_descriptor() {
    if std::env::var_os("FFM_CHILD_WRONG_KIND").is_some() {
        let arena = Arena::new();
        let desc = FunctionDescriptor::of(I32, &[I32.layout(), I32.layout()]);
        let cb = Linker::native()
            .upcall(&arena, desc, |_args, _ret| Value::F64(1.5))
            .unwrap();
        call_int_cb(cb.address(), 1, 2);
        unreachable!("the process aborts inside the call");
    }
    let out = run_child(
        "dynamic_upcall_returning_the_wrong_kind_aborts_naming_the_descriptor",
        ("FFM_CHILD_WRONG_KIND", "1"),
    );
    assert_eq!(out.status.signal(), Some(6), "SIGABRT; {:?}", out.status);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("it returned f64, but its descriptor (i32, i32)i32 returns i32"),
        "{stderr}"
    );
}

#[test]
fn dynamic_upcall_called_after_its_arena_closed_aborts() {
    if std::env::var_os("FFM_CHILD_AFTER_CLOSE").is_some() {
        let address = {
            let arena = Arena::new();
            let desc = FunctionDescriptor::of(I32, &[I32.layout(), I32.layout()]);
            let cb = Linker::native()
                .upcall(&arena, desc, |args, _ret| {
                    Value::I32((args[0].as_i64().unwrap() + args[1].as_i64().unwrap()) as i32)
                })
                .unwrap();
            assert_eq!(call_int_cb(cb.address(), 20, 22), 42);
            cb.address()
        };
        call_int_cb(address, 1, 2);
        unreachable!("the process aborts inside the call");
    }
    let out = run_child(
        "dynamic_upcall_called_after_its_arena_closed_aborts",
        ("FFM_CHILD_AFTER_CLOSE", "1"),
    );
    assert_eq!(out.status.signal(), Some(6), "SIGABRT; {:?}", out.status);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("an upcall stub was called after the arena that owned it was closed"),
        "{stderr}"
    );
}

#[test]
fn short_name_finds_the_versioned_soname() {
    if let Some(dir) = std::env::var_os("FFM_CHILD_SONAME") {
        // In the child, LD_LIBRARY_PATH holds only libffmfake.so.2 and libffmfake.so.10.
        let lib = Library::open("ffmfake").unwrap();
        let expected = std::path::Path::new(&dir).join("libffmfake.so.10");
        assert_eq!(lib.name(), expected.to_str().unwrap());
        assert!(lib.find("ffm_inc_int").is_some());
        return;
    }
    let dir = std::env::temp_dir().join(format!("ffm-soname-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    for v in ["2", "10"] {
        std::fs::copy(ffm_tests::TESTLIB, dir.join(format!("libffmfake.so.{v}"))).unwrap();
    }
    let out = Command::new(std::env::current_exe().unwrap())
        .args([
            "short_name_finds_the_versioned_soname",
            "--exact",
            "--nocapture",
        ])
        .env("FFM_CHILD_SONAME", &dir)
        .env("LD_LIBRARY_PATH", &dir)
        .output()
        .unwrap();
    std::fs::remove_dir_all(&dir).unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("1 passed"));
    // And the real case: zlib by its short name (libz.so, or libz.so.1 without the -dev package).
    assert!(Library::open("z").unwrap().find("zlibVersion").is_some());
}
