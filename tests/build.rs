//! Compiles the native test library (`c/testlib.c`) and the benchmark library (`c/benchlib.c`)
//! into shared objects in `OUT_DIR`, and passes their paths to the crate as `FFM_TESTLIB` and
//! `FFM_BENCHLIB`.
//!
//! `cc::Build` only produces static archives, so it is used here just to find the C compiler
//! (and its target flags); the compiler is then run directly with `-shared`.

use std::env;
use std::path::{Path, PathBuf};

fn main() {
    let manifest_dir =
        PathBuf::from(env::var_os("CARGO_MANIFEST_DIR").expect("CARGO_MANIFEST_DIR is not set"));
    let out_dir = PathBuf::from(env::var_os("OUT_DIR").expect("OUT_DIR is not set"));
    let c_dir = manifest_dir.join("c");

    for file in ["c/testlib.c", "c/testlib.h", "c/benchlib.c"] {
        println!("cargo:rerun-if-changed={file}");
    }

    let testlib = build_shared(&c_dir, "testlib.c", &out_dir.join("libffmtest.so"), "-O0");
    let benchlib = build_shared(&c_dir, "benchlib.c", &out_dir.join("libffmbench.so"), "-O2");

    println!("cargo:rustc-env=FFM_TESTLIB={}", utf8(&testlib));
    println!("cargo:rustc-env=FFM_BENCHLIB={}", utf8(&benchlib));
}

/// Compiles `c_dir/source` into the shared object `output` with optimisation flag `opt`, and
/// returns `output`. Panics (showing the compiler's stderr) if compilation fails; compiler
/// warnings are forwarded as Cargo warnings.
fn build_shared(c_dir: &Path, source: &str, output: &Path, opt: &str) -> PathBuf {
    let compiler = cc::Build::new()
        .flag("-std=c11")
        .flag("-Wall")
        .flag("-Wextra")
        .get_compiler();
    let mut cmd = compiler.to_command();
    cmd.arg(opt)
        .arg("-shared")
        .arg("-fPIC")
        .arg("-I")
        .arg(c_dir)
        .arg("-o")
        .arg(output)
        .arg(c_dir.join(source))
        .arg("-lpthread");

    let result = cmd
        .output()
        .unwrap_or_else(|e| panic!("failed to run the C compiler ({cmd:?}): {e}"));
    let stderr = String::from_utf8_lossy(&result.stderr);
    if !result.status.success() {
        panic!(
            "compiling {source} failed ({status})\ncommand: {cmd:?}\n--- compiler stderr ---\n{stderr}",
            status = result.status
        );
    }
    for line in stderr.lines().filter(|l| !l.trim().is_empty()) {
        println!("cargo:warning={source}: {line}");
    }
    output.to_path_buf()
}

/// The path as a string; `env!` in the library needs it to be valid UTF-8.
fn utf8(path: &Path) -> &str {
    path.to_str()
        .unwrap_or_else(|| panic!("OUT_DIR path is not valid UTF-8: {}", path.display()))
}
