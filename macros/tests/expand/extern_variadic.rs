#[ffm::foreign(name = LIBC)]
unsafe extern "C" {
    fn snprintf(buf: *mut c_char, size: usize, format: *const c_char, ...) -> c_int;
    static mut errno_like: c_int;
    static environ: *const *const c_char;
}
