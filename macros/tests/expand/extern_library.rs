/// zlib, loaded on first use.
#[ffm::foreign(library = "z")]
unsafe extern "C" {
    /// The library's version string.
    safe fn zlibVersion() -> *const c_char;
    fn compress(dest: *mut u8, dest_len: *mut c_ulong, source: *const u8, source_len: c_ulong) -> c_int;
    #[link_name = "crc32"]
    fn checksum(crc: c_ulong, buf: *const u8, len: c_uint) -> c_ulong;
}
