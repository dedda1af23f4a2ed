//! `#[ffm::foreign(library = "z")]`: zlib loaded on first use; a compress/uncompress round trip
//! of 1 MiB through segments; a block that searches two libraries.

use std::ffi::{CStr, c_char, c_int, c_ulong};

use ffm::prelude::*;

/// zlib's success code.
#[ffm::foreign]
const Z_OK: c_int = 0;

/// zlib's error for an output buffer that is too small.
#[ffm::foreign]
const Z_BUF_ERROR: c_int = -5;

#[ffm::foreign(library = "z")]
unsafe extern "C" {
    /// The version of the library, such as `"1.2.13"`.
    safe fn zlibVersion() -> *const c_char;
    safe fn compressBound(source_len: c_ulong) -> c_ulong;
    fn compress(
        dest: *mut u8,
        dest_len: *mut c_ulong,
        source: *const u8,
        source_len: c_ulong,
    ) -> c_int;
    fn uncompress(
        dest: *mut u8,
        dest_len: *mut c_ulong,
        source: *const u8,
        source_len: c_ulong,
    ) -> c_int;
}

/// Two libraries, searched in order.
#[ffm::foreign(library = "z", library = "m", name = ZLIB_AND_LIBM)]
unsafe extern "C" {
    #[link_name = "zlibVersion"]
    safe fn version_again() -> *const c_char;
    safe fn cbrt(x: f64) -> f64;
}

#[test]
fn two_libraries_in_one_block() {
    ZLIB_AND_LIBM.check().unwrap();
    assert_eq!(version_again(), zlibVersion());
    assert!((cbrt(-8.0) + 2.0).abs() < 1e-12);
}

#[test]
fn zlib_version() {
    LIBRARY_Z.check().unwrap();
    // SAFETY: zlibVersion returns a static C string.
    let version = unsafe { CStr::from_ptr(zlibVersion()) };
    assert!(version.to_str().unwrap().starts_with("1."), "{version:?}");
}

#[test]
fn compress_and_uncompress_one_mebibyte() {
    const LEN: usize = 1 << 20;
    let text = b"Project Panama: foreign functions and memory, the Rust way. ";
    let data: Vec<u8> = text.iter().copied().cycle().take(LEN).collect();

    let arena = Arena::new();
    let bound = compressBound(LEN as c_ulong);
    assert!(bound as usize >= LEN);
    let compressed = arena.allocate(bound as usize, 1).unwrap();
    let mut compressed_len: c_ulong = bound;
    // SAFETY: `compressed` has `compressed_len` writable bytes, `data` has LEN readable ones.
    let status = unsafe {
        compress(
            &mut *compressed,
            &raw mut compressed_len,
            Segment::of_slice(&data),
            LEN as c_ulong,
        )
    };
    assert_eq!(status, Z_OK);
    assert!(
        (compressed_len as usize) < LEN / 100,
        "{compressed_len} bytes"
    );

    let compressed = compressed.slice(0, compressed_len as usize);
    let mut restored = vec![0u8; LEN];
    let mut restored_len: c_ulong = LEN as c_ulong;
    // SAFETY: `restored` has LEN writable bytes, `compressed` is a whole zlib stream.
    let status = unsafe {
        uncompress(
            Segment::of_mut_slice(&mut restored),
            &raw mut restored_len,
            compressed,
            compressed_len,
        )
    };
    assert_eq!(status, Z_OK);
    assert_eq!(restored_len as usize, LEN);
    assert!(restored == data);

    // Too small an output buffer: zlib's own error code comes back.
    let mut small = [0u8; 16];
    let mut small_len: c_ulong = 16;
    // SAFETY: as above, with 16 writable bytes.
    let status = unsafe {
        uncompress(
            Segment::of_mut_slice(&mut small),
            &raw mut small_len,
            compressed,
            compressed_len,
        )
    };
    assert_eq!(status, Z_BUF_ERROR);
}
