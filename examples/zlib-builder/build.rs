//! Generates bindings for the few zlib functions `main.rs` uses, from the system's `zlib.h`,
//! into `OUT_DIR/zlib.rs`. The functions are looked up in `libz` when first called; the header
//! is only needed here, at build time (with libclang: `apt-get install libclang-dev`).

use std::path::PathBuf;

fn main() {
    let out = PathBuf::from(std::env::var_os("OUT_DIR").expect("OUT_DIR is set by Cargo"));
    ffm_extract::Builder::new()
        .header("/usr/include/zlib.h")
        .library("z")
        .include_function("zlibVersion")
        .include_function("compressBound")
        .include_function("compress2")
        .include_function("uncompress")
        .include_constant("Z_OK")
        .include_constant("Z_BEST_COMPRESSION")
        // Prints `cargo:rerun-if-changed` for each header read, and any warning.
        .generate()
        .expect("zlib.h extracts (is libclang installed?)")
        .write_to_file(out.join("zlib.rs"))
        .expect("OUT_DIR is writable");
}
