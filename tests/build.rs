//! Compiles the native test library (`c/testlib.c`) and the benchmark library (`c/benchlib.c`)
//! into shared objects in `OUT_DIR`, and passes their paths to the crate as `FFM_TESTLIB` and
//! `FFM_BENCHLIB`.
//!
//! It also generates the C source of the ABI conformance matrix (`matrix/gen.rs`, shared with
//! `tests/abi_matrix.rs`) into `OUT_DIR/matrix/`, compiles its files in parallel with `-O0` and
//! links them into `libffmmatrix.so` (`FFM_MATRIXLIB`; the source directory is `FFM_MATRIXSRC`).
//! With `FFM_ABI_MATRIX_FULL=1` every signature gets an upcall spill twin, not just a sample
//! (`FFM_MATRIX_FULL` tells the test which). For the typed path it writes
//! `OUT_DIR/matrix_typed.rs`: `#[ffm::foreign]` declarations of a fixed subset of the
//! signatures, which `tests/abi_matrix_typed.rs` includes.
//!
//! `cc::Build` only produces static archives, so it is used here just to find the C compiler
//! (and its target flags); the compiler is then run directly with `-shared`.

use std::env;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Instant;

#[path = "matrix/gen.rs"]
mod matrix;


fn main() {
    let manifest_dir =
        PathBuf::from(env::var_os("CARGO_MANIFEST_DIR").expect("CARGO_MANIFEST_DIR is not set"));
    let out_dir = PathBuf::from(env::var_os("OUT_DIR").expect("OUT_DIR is not set"));
    let c_dir = manifest_dir.join("c");

    for file in [
        "c/testlib.c",
        "c/testlib.h",
        "c/benchlib.c",
        "matrix/gen.rs",
    ] {
        println!("cargo:rerun-if-changed={file}");
    }

    let testlib = build_shared(&c_dir, "testlib.c", &out_dir.join("libffmtest.so"), "-O0");
    let benchlib = build_shared(&c_dir, "benchlib.c", &out_dir.join("libffmbench.so"), "-O2");

    println!("cargo:rustc-env=FFM_TESTLIB={}", utf8(&testlib));
    println!("cargo:rustc-env=FFM_BENCHLIB={}", utf8(&benchlib));

    let matrix_dir = out_dir.join("matrix");
    // FFM_ABI_MATRIX_FULL=1: an upcall spill twin for every signature, not just the sample.
    println!("cargo:rerun-if-env-changed=FFM_ABI_MATRIX_FULL");
    let full = env::var("FFM_ABI_MATRIX_FULL").is_ok_and(|v| v == "1");
    println!("cargo:rustc-env=FFM_MATRIX_FULL={}", full as u8);
    let m = matrix::matrix();
    let matrixlib = build_matrix(&m, &matrix_dir, &out_dir.join("libffmmatrix.so"), full);
    println!("cargo:rustc-env=FFM_MATRIXLIB={}", utf8(&matrixlib));
    println!("cargo:rustc-env=FFM_MATRIXSRC={}", utf8(&matrix_dir));

    // The typed path: #[ffm::foreign] declarations of the typed subset, for
    // tests/abi_matrix_typed.rs to include!.
    let start = Instant::now();
    let typed = matrix::typed_rust_source(&m);
    write_if_changed(&out_dir.join("matrix_typed.rs"), &typed);
    println!(
        "ABI matrix typed path: {} bytes of Rust generated in {:.2?}",
        typed.len(),
        start.elapsed()
    );
}

/// Writes `text` to `path` unless the file already holds exactly that (so that its timestamp,
/// and what depends on it, stay as they are).
fn write_if_changed(path: &Path, text: &str) {
    if std::fs::read(path).ok().as_deref() != Some(text.as_bytes()) {
        std::fs::write(path, text)
            .unwrap_or_else(|e| panic!("cannot write {}: {e}", path.display()));
    }
}

/// The C compiler with the flags every library here is built with; `debug_info: false` leaves
/// out debug information (the matrix compiles much faster without it).
fn compiler(debug_info: bool) -> cc::Tool {
    let mut build = cc::Build::new();
    build.flag("-std=c11").flag("-Wall").flag("-Wextra");
    if !debug_info {
        build.debug(false);
    }
    build.get_compiler()
}

/// Runs `cmd`; on failure returns a message with the compiler's stderr. Warnings are
/// forwarded to Cargo.
fn run(mut cmd: std::process::Command, what: &str) -> Result<(), String> {
    let result = cmd
        .output()
        .map_err(|e| format!("failed to run the C compiler ({cmd:?}): {e}"))?;
    let stderr = String::from_utf8_lossy(&result.stderr);
    if !result.status.success() {
        return Err(format!(
            "compiling {what} failed ({status})\ncommand: {cmd:?}\n--- compiler stderr ---\n{stderr}",
            status = result.status
        ));
    }
    for line in stderr.lines().filter(|l| !l.trim().is_empty()) {
        println!("cargo:warning={what}: {line}");
    }
    Ok(())
}

/// Writes the generated matrix C files into `dir` (only those whose contents changed),
/// compiles them with `-O0` on as many threads as Cargo allows, and links `output`.
fn build_matrix(m: &matrix::Matrix, dir: &Path, output: &Path, full: bool) -> PathBuf {
    let start = Instant::now();
    std::fs::create_dir_all(dir).expect("cannot create the matrix source directory");
    let sources = matrix::c_sources(m, full);
    for (name, text) in &sources {
        write_if_changed(&dir.join(name), text);
    }
    let generated = start.elapsed();

    let all_units: Vec<&str> = sources
        .iter()
        .map(|(name, _)| name.as_str())
        .filter(|name| name.ends_with(".c"))
        .collect();
    // A unit whose object is newer than its source, the header and the compiler stamp (each
    // rewritten only when its text changes) is up to date: a rerun of this script recompiles
    // only what changed.
    // The compiler and its flags count as a source too.
    let tool = compiler(false);
    let command = format!("{:?} {:?} -O0 -fPIC\n", tool.path(), tool.args());
    let stamp = dir.join("compiler.txt");
    write_if_changed(&stamp, &command);
    let modified = |path: PathBuf| std::fs::metadata(path).and_then(|m| m.modified()).ok();
    let header = modified(dir.join("matrix.h")).max(modified(stamp));
    let units: Vec<&str> = all_units
        .iter()
        .copied()
        .filter(|unit| {
            let object = modified(dir.join(format!("{unit}.o")));
            let source = modified(dir.join(unit));
            !(object.is_some() && object >= source && object >= header)
        })
        .collect();
    let jobs = env::var("NUM_JOBS")
        .ok()
        .and_then(|j| j.parse::<usize>().ok())
        .or_else(|| std::thread::available_parallelism().ok().map(|n| n.get()))
        .unwrap_or(1)
        .clamp(1, units.len().max(1));
    let next = AtomicUsize::new(0);
    let failures = Mutex::new(Vec::new());
    std::thread::scope(|scope| {
        for _ in 0..jobs {
            scope.spawn(|| {
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    let Some(unit) = units.get(i) else { break };
                    // Compile to a temporary name, so that an interrupted compile leaves no
                    // object that looks up to date.
                    let object = dir.join(format!("{unit}.o"));
                    let partial = dir.join(format!("{unit}.o.tmp"));
                    let mut cmd = compiler(false).to_command();
                    cmd.arg("-O0")
                        .arg("-fPIC")
                        .arg("-c")
                        .arg("-o")
                        .arg(&partial)
                        .arg(dir.join(unit));
                    let result = run(cmd, unit).and_then(|()| {
                        std::fs::rename(&partial, &object)
                            .map_err(|e| format!("cannot rename {}: {e}", partial.display()))
                    });
                    if let Err(e) = result {
                        failures.lock().unwrap().push(e);
                    }
                }
            });
        }
    });
    let failures = failures.into_inner().unwrap();
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    let compiled = start.elapsed();

    let mut cmd = compiler(false).to_command();
    cmd.arg("-shared").arg("-o").arg(output);
    for unit in &all_units {
        cmd.arg(dir.join(format!("{unit}.o")));
    }
    run(cmd, "libffmmatrix.so").unwrap_or_else(|e| panic!("{e}"));
    // Not a cargo:warning (Cargo would replay it, stale, on every build): see it with -vv or
    // in the build script's `output` file.
    println!(
        "ABI matrix: {} signatures; generated in {:.2?}; {} of {} C files (re)compiled on {jobs} thread(s) in {:.2?}; linked in {:.2?}",
        m.sigs.len(),
        generated,
        units.len(),
        all_units.len(),
        compiled - generated,
        start.elapsed() - compiled
    );
    output.to_path_buf()
}

/// Compiles `c_dir/source` into the shared object `output` with optimisation flag `opt`, and
/// returns `output`. Panics (showing the compiler's stderr) if compilation fails; compiler
/// warnings are forwarded as Cargo warnings.
fn build_shared(c_dir: &Path, source: &str, output: &Path, opt: &str) -> PathBuf {
    let mut cmd = compiler(true).to_command();
    cmd.arg(opt)
        .arg("-shared")
        .arg("-fPIC")
        .arg("-I")
        .arg(c_dir)
        .arg("-o")
        .arg(output)
        .arg(c_dir.join(source))
        .arg("-lpthread");
    run(cmd, source).unwrap_or_else(|e| panic!("{e}"));
    output.to_path_buf()
}

/// The path as a string; `env!` in the library needs it to be valid UTF-8.
fn utf8(path: &Path) -> &str {
    path.to_str()
        .unwrap_or_else(|| panic!("OUT_DIR path is not valid UTF-8: {}", path.display()))
}
