//! Bindings for the `tests/extract_*.rs` tests, generated from the system's headers by
//! `ffm_extract::Builder` (the way a user's build script would) into `OUT_DIR`:
//!
//! - `extract_zlib.rs`: all of `zlib.h`, looked up in `libz`;
//! - `extract_sqlite3.rs`: the part of `sqlite3.h` the tests use (the whole header is 1.5 MB
//!   of Rust, slow to compile for a test), looked up in `libsqlite3`;
//! - `extract_libc.rs`: `qsort`, `gmtime`, `stat` and `snprintf` from the C library's headers,
//!   with what they need (`struct tm`, `struct stat`, qsort's comparator type);
//! - `extract_openssl.rs`: SHA-256 and the EVP digest functions of `openssl/sha.h` and
//!   `openssl/evp.h`, with the version macros and functions, looked up in `libcrypto`.
//!
//! Each file is rewritten only when its text changes. `Builder::generate` prints
//! `cargo:rerun-if-changed` for every header clang read, and each warning as `cargo:warning=`
//! (these selections give none).
//!
//! Without libclang, or without a header, the file is not written: a `cargo:warning` says why,
//! and the cfg that enables its test (`ffm_extract_zlib`, `ffm_extract_sqlite3`,
//! `ffm_extract_libc`, `ffm_extract_openssl`) stays off, so that the rest of the crate still builds and tests. Any other
//! failure is a bug and fails the build.

use std::path::{Path, PathBuf};

/// Generates the four files into `out_dir`.
pub fn extract_bindings(out_dir: &Path) {
    println!("cargo:rerun-if-changed=extract_build.rs");
    println!("cargo:rerun-if-env-changed=LIBCLANG_PATH");
    for cfg in [
        "ffm_extract_zlib",
        "ffm_extract_sqlite3",
        "ffm_extract_libc",
        "ffm_extract_openssl",
    ] {
        println!("cargo::rustc-check-cfg=cfg({cfg})");
    }

    let zlib = ffm_extract::Builder::new()
        .header("/usr/include/zlib.h")
        .library("z");
    write(zlib, &out_dir.join("extract_zlib.rs"), "ffm_extract_zlib");

    let mut sqlite = ffm_extract::Builder::new()
        .header("/usr/include/sqlite3.h")
        .library("sqlite3");
    for f in [
        "sqlite3_libversion",
        "sqlite3_open",
        "sqlite3_close",
        "sqlite3_errmsg",
        "sqlite3_exec",
        "sqlite3_free",
        "sqlite3_prepare_v2",
        "sqlite3_bind_int",
        "sqlite3_bind_text",
        "sqlite3_step",
        "sqlite3_reset",
        "sqlite3_column_count",
        "sqlite3_column_int",
        "sqlite3_column_text",
        "sqlite3_column_name",
        "sqlite3_finalize",
    ] {
        sqlite = sqlite.include_function(f);
    }
    for c in [
        "SQLITE_OK",
        "SQLITE_ROW",
        "SQLITE_DONE",
        "SQLITE_ERROR",
        "SQLITE_TRANSIENT",
        "SQLITE_STATIC",
        "SQLITE_VERSION",
    ] {
        sqlite = sqlite.include_constant(c);
    }
    let sqlite = sqlite
        .include_typedef("sqlite3_callback")
        .include_typedef("sqlite3_destructor_type");
    write(
        sqlite,
        &out_dir.join("extract_sqlite3.rs"),
        "ffm_extract_sqlite3",
    );

    let libc = ffm_extract::Builder::new()
        .header("/usr/include/stdlib.h")
        .header("/usr/include/time.h")
        .header(sys_stat_h())
        .header("/usr/include/stdio.h")
        .include_function("qsort")
        .include_function("gmtime")
        .include_function("stat")
        .include_function("snprintf");
    write(libc, &out_dir.join("extract_libc.rs"), "ffm_extract_libc");

    let mut openssl = ffm_extract::Builder::new()
        .header("/usr/include/openssl/sha.h")
        .header("/usr/include/openssl/evp.h")
        .library("crypto");
    for f in [
        "SHA256",
        "SHA256_Init",
        "SHA256_Update",
        "SHA256_Final",
        "EVP_Digest",
        "EVP_sha256",
        "EVP_MD_fetch",
        "EVP_MD_free",
        "OpenSSL_version",
        "OPENSSL_version_major",
        "OPENSSL_version_minor",
    ] {
        openssl = openssl.include_function(f);
    }
    for c in [
        "SHA256_DIGEST_LENGTH",
        "EVP_MAX_MD_SIZE",
        "OPENSSL_VERSION",
        "OPENSSL_VERSION_MAJOR",
        "OPENSSL_VERSION_MINOR",
        "OPENSSL_VERSION_TEXT",
    ] {
        openssl = openssl.include_constant(c);
    }
    write(
        openssl,
        &out_dir.join("extract_openssl.rs"),
        "ffm_extract_openssl",
    );
}

/// `sys/stat.h`, in the multiarch include directory where Debian and Ubuntu keep it.
fn sys_stat_h() -> PathBuf {
    let arch = std::env::var("CARGO_CFG_TARGET_ARCH").unwrap_or_else(|_| "x86_64".into());
    let multiarch = PathBuf::from(format!("/usr/include/{arch}-linux-gnu/sys/stat.h"));
    if multiarch.exists() {
        multiarch
    } else {
        PathBuf::from("/usr/include/sys/stat.h")
    }
}

/// Generates and writes the bindings, and turns `cfg` on; see the module's docs for failures.
fn write(builder: ffm_extract::Builder, path: &Path, cfg: &str) {
    let bindings = match builder.generate() {
        Ok(b) => b,
        Err(
            e @ (ffm_extract::ExtractError::Libclang(_)
            | ffm_extract::ExtractError::MissingHeader(_)),
        ) => {
            println!("cargo:warning=tests/{cfg} skipped: {e}");
            return;
        }
        Err(e) => panic!("ffm-extract for {}: {e}", path.display()),
    };
    if std::fs::read(path).ok().as_deref() != Some(bindings.code.as_bytes()) {
        bindings
            .write_to_file(path)
            .unwrap_or_else(|e| panic!("cannot write {}: {e}", path.display()));
    }
    println!("cargo::rustc-cfg={cfg}");
}
