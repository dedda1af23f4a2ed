//! Compresses a string with zlib and decompresses it again, through bindings generated from
//! `zlib.h` by `build.rs` (ffm-extract's `Builder`); prints the sizes.
//!
//! Run it with `cargo run -p ffm-example-zlib`.

use std::ffi::{CStr, c_ulong};

use ffm::prelude::*;

/// The generated bindings: `compress2`, `uncompress`, … as Rust functions that look the
/// symbols up in `libz` on first use, the constants as `const`s, `uLong` and friends as types.
#[allow(dead_code)]
mod zlib {
    include!(concat!(env!("OUT_DIR"), "/zlib.rs"));
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    // Fails here, naming the library, if libz is missing (instead of at the first call).
    zlib::LIBRARY_Z.check()?;
    // SAFETY: zlibVersion returns a static C string.
    let version = unsafe { CStr::from_ptr(zlib::zlibVersion()) };
    println!("zlib {}", version.to_str()?);

    let text = "Panama's foreign function and memory API, the Rust way. ".repeat(40);
    let arena = Arena::new();
    let source = arena.allocate_str(&text)?;
    let source_len = text.len() as c_ulong;

    // SAFETY: compressBound is arithmetic.
    let bound = unsafe { zlib::compressBound(source_len) };
    let compressed = arena.allocate(bound as usize, 1)?;
    let mut compressed_len: zlib::uLongf = bound;
    // SAFETY: `compressed` has `compressed_len` writable bytes and `source` holds
    // `source_len` readable ones; `compressed_len` is written back.
    let status = unsafe {
        zlib::compress2(
            &mut *compressed,
            &raw mut compressed_len,
            &*source,
            source_len,
            zlib::Z_BEST_COMPRESSION,
        )
    };
    if status != zlib::Z_OK {
        return Err(format!("compress2 failed: {status}").into());
    }

    let restored = arena.allocate(text.len(), 1)?;
    let mut restored_len: zlib::uLongf = source_len;
    // SAFETY: `restored` has `restored_len` writable bytes; the first `compressed_len` bytes
    // of `compressed` are a zlib stream.
    let status = unsafe {
        zlib::uncompress(
            &mut *restored,
            &raw mut restored_len,
            compressed.slice(0, compressed_len as usize),
            compressed_len,
        )
    };
    if status != zlib::Z_OK {
        return Err(format!("uncompress failed: {status}").into());
    }

    let round_trip = std::str::from_utf8(restored.slice(0, restored_len as usize).as_bytes())?;
    assert_eq!(round_trip, text);
    println!("original:     {:>5} bytes", text.len());
    println!("compressed:   {compressed_len:>5} bytes");
    println!("decompressed: {restored_len:>5} bytes (identical)");
    Ok(())
}
