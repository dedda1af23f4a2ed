//! OpenSSL's libcrypto through the bindings ffm-extract generates from `openssl/sha.h` and
//! `openssl/evp.h` at build time (`extract_build.rs`, SHA-256, the EVP digest functions and the
//! version, looked up in `libcrypto`): SHA-256 of "abc" one-shot and streamed through a
//! `SHA256_CTX` in an arena, and SHA-256 and SHA-512 through `EVP_Digest`.
//!
//! Built only when `extract_build.rs` could generate the bindings (cfg `ffm_extract_openssl`).
#![cfg(ffm_extract_openssl)]

use std::ffi::{CStr, c_uint};

use ffm::prelude::*;

#[allow(dead_code)]
mod openssl {
    include!(concat!(env!("OUT_DIR"), "/extract_openssl.rs"));
}

/// SHA-256("abc"), FIPS 180-2 appendix B.1.
const SHA256_ABC: &str = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[test]
fn the_version_matches_the_header() {
    openssl::LIBRARY_CRYPTO.check().unwrap();
    // SAFETY: no preconditions.
    let (major, minor) = unsafe {
        (
            openssl::OPENSSL_version_major(),
            openssl::OPENSSL_version_minor(),
        )
    };
    assert_eq!(major, openssl::OPENSSL_VERSION_MAJOR as c_uint);
    assert_eq!(minor, openssl::OPENSSL_VERSION_MINOR as c_uint);
    // SAFETY: OpenSSL_version returns a static C string.
    let text = unsafe { CStr::from_ptr(openssl::OpenSSL_version(openssl::OPENSSL_VERSION)) };
    let text = text.to_str().unwrap();
    let header = openssl::OPENSSL_VERSION_TEXT.to_str().unwrap();
    assert!(text.starts_with("OpenSSL "), "{text}");
    assert!(
        header.starts_with(&format!("OpenSSL {major}.{minor}.")),
        "{header}"
    );
}

#[test]
fn sha256_one_shot_and_streamed() {
    let mut md = [0u8; openssl::SHA256_DIGEST_LENGTH as usize];
    // SAFETY: `md` has SHA256_DIGEST_LENGTH writable bytes; the input is 3 readable ones.
    let out =
        unsafe { openssl::SHA256(Segment::of_slice(b"abc"), 3, Segment::of_mut_slice(&mut md)) };
    assert_eq!(out, md.as_mut_ptr());
    assert_eq!(hex(&md), SHA256_ABC);

    // SHA256_CTX is a struct of the header (a typedef of `struct SHA256state_st`).
    let arena = Arena::new();
    let ctx = openssl::SHA256_CTX::allocate(&arena).unwrap();
    assert_eq!(ctx.len(), size_of::<openssl::SHA256_CTX>());
    let mut streamed = [0u8; 32];
    // SAFETY: a SHA256_CTX-sized segment, initialized first; the inputs are readable.
    unsafe {
        assert_eq!(openssl::SHA256_Init(&mut *ctx), 1);
        assert_eq!(
            openssl::SHA256_Update(&mut *ctx, Segment::of_slice(b"ab"), 2),
            1
        );
        assert_eq!(
            openssl::SHA256_Update(&mut *ctx, Segment::of_slice(b"c"), 1),
            1
        );
        // The byte count so far, read through the generated accessor (`Nl`: low 32 bits).
        assert_eq!(openssl::SHA256_CTX::Nl(ctx), 3 * 8);
        assert_eq!(
            openssl::SHA256_Final(Segment::of_mut_slice(&mut streamed), &mut *ctx),
            1
        );
    }
    assert_eq!(streamed, md);
}

#[test]
fn evp_digest_sha256_and_a_fetched_sha512() {
    let mut md = [0u8; openssl::EVP_MAX_MD_SIZE as usize];
    let mut len: c_uint = 0;
    // SAFETY: `md` has EVP_MAX_MD_SIZE writable bytes; EVP_sha256 is a static method; no engine.
    let status = unsafe {
        openssl::EVP_Digest(
            Segment::of_slice(b"abc"),
            3,
            Segment::of_mut_slice(&mut md),
            &raw mut len,
            openssl::EVP_sha256(),
            Address::NULL,
        )
    };
    assert_eq!((status, len), (1, 32));
    assert_eq!(hex(&md[..32]), SHA256_ABC);

    // SAFETY: default library context and properties.
    let sha512 = unsafe { openssl::EVP_MD_fetch(Address::NULL, c"SHA512", Address::NULL) };
    assert!(!sha512.is_null());
    // SAFETY: as above, with a fetched method, freed once after.
    let status = unsafe {
        let status = openssl::EVP_Digest(
            Segment::of_slice(b"abc"),
            3,
            Segment::of_mut_slice(&mut md),
            &raw mut len,
            sha512,
            Address::NULL,
        );
        openssl::EVP_MD_free(sha512);
        status
    };
    assert_eq!((status, len), (1, 64));
    assert!(hex(&md).starts_with("ddaf35a193617aba"), "{}", hex(&md));
}

/// The bindings the build script wrote are what the extractor gives now, without warnings.
#[test]
fn the_build_time_bindings_are_reproducible() {
    let at_build =
        std::fs::read_to_string(concat!(env!("OUT_DIR"), "/extract_openssl.rs")).unwrap();
    let mut builder = ffm_extract::Builder::new()
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
        builder = builder.include_function(f);
    }
    for c in [
        "SHA256_DIGEST_LENGTH",
        "EVP_MAX_MD_SIZE",
        "OPENSSL_VERSION",
        "OPENSSL_VERSION_MAJOR",
        "OPENSSL_VERSION_MINOR",
        "OPENSSL_VERSION_TEXT",
    ] {
        builder = builder.include_constant(c);
    }
    let now = ffm_extract::generate(builder.options()).unwrap();
    assert!(
        now.extraction.warnings.is_empty(),
        "{:?}",
        now.extraction.warnings
    );
    assert_eq!(now.code, at_build);
}
