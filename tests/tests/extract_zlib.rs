//! zlib through the bindings ffm-extract generates from `/usr/include/zlib.h` at build time
//! (`extract_build.rs`, all of the header, looked up in `libz`): a `compress`/`uncompress`
//! round trip, and streaming compression with `deflateInit_`/`deflate`/`deflateEnd` over a
//! `z_stream` allocated in an arena and driven through its generated segment accessors.
//!
//! Built only when `extract_build.rs` could generate the bindings (cfg `ffm_extract_zlib`).
#![cfg(ffm_extract_zlib)]

use std::ffi::{CStr, c_int, c_ulong};

use ffm::prelude::*;

#[allow(dead_code)]
mod zlib {
    include!(concat!(env!("OUT_DIR"), "/extract_zlib.rs"));
}

use zlib::{Z_BUF_ERROR, Z_FINISH, Z_NO_FLUSH, Z_OK, Z_STREAM_END, z_stream};

fn sample(len: usize) -> Vec<u8> {
    b"Extracted from zlib.h by ffm-extract, called through the ffm runtime. "
        .iter()
        .copied()
        .cycle()
        .take(len)
        .collect()
}

#[test]
fn the_version_matches_the_header() {
    zlib::LIBRARY_Z.check().unwrap();
    // SAFETY: zlibVersion returns a static C string.
    let version = unsafe { CStr::from_ptr(zlib::zlibVersion()) };
    // The library's major.minor is the header's (ZLIB_VERSION, a string macro).
    let header = zlib::ZLIB_VERSION.to_str().unwrap();
    let library = version.to_str().unwrap();
    assert_eq!(
        header.split('.').take(2).collect::<Vec<_>>(),
        library.split('.').take(2).collect::<Vec<_>>(),
        "{header} vs {library}"
    );
}

#[test]
fn compress_and_uncompress_round_trip() {
    const LEN: usize = 256 * 1024;
    let data = sample(LEN);
    let arena = Arena::new();
    // SAFETY: compressBound is pure arithmetic.
    let bound = unsafe { zlib::compressBound(LEN as c_ulong) };
    let compressed = arena.allocate(bound as usize, 1).unwrap();
    let mut compressed_len: zlib::uLongf = bound;
    // SAFETY: `compressed` has `compressed_len` writable bytes, `data` LEN readable ones.
    let status = unsafe {
        zlib::compress(
            &mut *compressed,
            &raw mut compressed_len,
            Segment::of_slice(&data),
            LEN as c_ulong,
        )
    };
    assert_eq!(status, Z_OK);
    assert!((compressed_len as usize) < LEN / 50, "{compressed_len}");

    let compressed = compressed.slice(0, compressed_len as usize);
    let mut restored = vec![0u8; LEN];
    let mut restored_len: zlib::uLongf = LEN as c_ulong;
    // SAFETY: `restored` has LEN writable bytes; `compressed` is a whole zlib stream.
    let status = unsafe {
        zlib::uncompress(
            Segment::of_mut_slice(&mut restored),
            &raw mut restored_len,
            compressed,
            compressed_len,
        )
    };
    assert_eq!(status, Z_OK);
    assert_eq!(restored_len as usize, LEN);
    assert!(restored == data);

    let mut small = [0u8; 8];
    let mut small_len: zlib::uLongf = 8;
    // SAFETY: as above, with 8 writable bytes.
    let status = unsafe {
        zlib::uncompress(
            Segment::of_mut_slice(&mut small),
            &raw mut small_len,
            compressed,
            compressed_len,
        )
    };
    assert_eq!(status, Z_BUF_ERROR);
}

/// `deflateInit(strm, level)` is a function-like macro for
/// `deflateInit_(strm, level, ZLIB_VERSION, (int)sizeof(z_stream))`.
#[test]
fn streaming_deflate_over_a_z_stream_in_an_arena() {
    const LEN: usize = 100_000;
    let data = sample(LEN);
    let arena = Arena::new();
    let stream = z_stream::allocate(&arena).unwrap();
    assert_eq!(stream.len(), size_of::<z_stream>());
    // The allocation is zeroed: zalloc, zfree and opaque are null (zlib's defaults).
    assert!(z_stream::zalloc(stream).address().is_null());
    // `z_streamp` is a typedef'd pointer, so the calls take a raw pointer, taken afresh from the
    // segment for each call.
    // SAFETY: a zeroed z_stream in `arena`; the version and size are the header's.
    let status = unsafe {
        zlib::deflateInit_(
            stream.as_mut_ptr().cast(),
            zlib::Z_DEFAULT_COMPRESSION,
            zlib::ZLIB_VERSION,
            size_of::<z_stream>() as c_int,
        )
    };
    assert_eq!(status, Z_OK);
    assert!(!z_stream::state(stream).is_null());

    // Feed the input in chunks of 10,000 bytes and drain into 4,096-byte windows.
    let output = arena.allocate(4096, 1).unwrap();
    let mut compressed = Vec::new();
    let mut calls = 0;
    for (i, chunk) in data.chunks(10_000).enumerate() {
        let last = i == LEN.div_ceil(10_000) - 1;
        z_stream::set_next_in(stream, chunk.as_ptr().cast_mut());
        z_stream::set_avail_in(stream, chunk.len() as zlib::uInt);
        loop {
            z_stream::set_next_out(stream, output.as_mut_ptr());
            z_stream::set_avail_out(stream, 4096);
            let flush = if last { Z_FINISH } else { Z_NO_FLUSH };
            // SAFETY: next_in/avail_in describe `chunk`, next_out/avail_out `output`; both
            // outlive the call, and the stream was initialized by deflateInit_.
            let status = unsafe { zlib::deflate(stream.as_mut_ptr().cast(), flush) };
            calls += 1;
            assert!(status == Z_OK || status == Z_STREAM_END, "{status}");
            let produced = 4096 - z_stream::avail_out(stream) as usize;
            compressed.extend_from_slice(&output.as_bytes()[..produced]);
            if status == Z_STREAM_END || (!last && z_stream::avail_out(stream) != 0) {
                break;
            }
        }
        assert_eq!(z_stream::avail_in(stream), 0);
    }
    assert!(calls >= 10);
    assert_eq!(z_stream::total_in(stream) as usize, LEN);
    assert_eq!(z_stream::total_out(stream) as usize, compressed.len());
    // The whole struct can be read at once as well.
    let whole = z_stream::read(stream).unwrap();
    assert_eq!(whole.total_out as usize, compressed.len());
    // SAFETY: the stream was initialized and is ended once.
    let status = unsafe { zlib::deflateEnd(stream.as_mut_ptr().cast()) };
    assert_eq!(status, Z_OK);

    // What came out is one zlib stream that uncompress restores.
    let mut restored = vec![0u8; LEN];
    let mut restored_len: zlib::uLongf = LEN as c_ulong;
    // SAFETY: `restored` has LEN writable bytes.
    let status = unsafe {
        zlib::uncompress(
            Segment::of_mut_slice(&mut restored),
            &raw mut restored_len,
            Segment::of_slice(&compressed),
            compressed.len() as c_ulong,
        )
    };
    assert_eq!(status, Z_OK);
    assert!(restored == data);
}

/// The bindings the build script wrote are what the extractor gives now.
#[test]
fn the_build_time_bindings_are_reproducible() {
    let at_build = std::fs::read_to_string(concat!(env!("OUT_DIR"), "/extract_zlib.rs")).unwrap();
    let now = ffm_extract::Builder::new()
        .header("/usr/include/zlib.h")
        .library("z")
        .options()
        .clone();
    let now = ffm_extract::generate(&now).unwrap();
    assert!(
        now.extraction.warnings.is_empty(),
        "{:?}",
        now.extraction.warnings
    );
    assert_eq!(now.code, at_build);
}
