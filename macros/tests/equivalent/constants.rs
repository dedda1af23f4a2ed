#[ffm::foreign]
mod bindings {
    pub const VERSION: c_int = 3;
    pub const LIMIT: c_int = -40;
    pub const RATIO: f64 = 2.5;
    pub const NAME: &CStr = c"ffm";

    pub type flags_t = c_uint;
    pub type offset_t = c_longlong;

    unsafe extern "C" {
        pub fn set_flags(old: flags_t, at: offset_t) -> flags_t;
    }
}
