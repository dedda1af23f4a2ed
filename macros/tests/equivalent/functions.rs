#[ffm::foreign]
mod bindings {
    unsafe extern "C" {
        /// Adds two numbers.
        pub fn add(a: c_int, b: c_int) -> c_int;
        pub fn scale(value: f64, factor: f32) -> f64;
        pub fn reset();
        pub fn count_bytes(text: *const c_char) -> c_ulong;
        pub fn duplicate(text: *const c_char, length: c_ulong) -> *mut c_char;
        pub fn print(format: *const c_char, ...) -> c_int;
    }
}
