#[ffm::foreign]
mod bindings {
    unsafe extern "C" {
        pub type handle;
        pub static mut counter: c_int;
        pub static scale_factor: f64;
        pub fn open_handle(name: *const c_char) -> *mut handle;
        pub fn close_handle(h: *mut handle);
    }
}
