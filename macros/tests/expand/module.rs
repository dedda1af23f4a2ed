/// The project's C test library.
#[ffm::foreign(library = ffm_tests::TESTLIB)]
pub mod testlib {
    use std::ffi::c_int;

    #[repr(C)]
    pub struct ffm_id {
        pub a: c_int,
        pub b: f64,
    }

    #[repr(C)]
    pub struct ffm_nested {
        pub inner: ffm_id,
        pub cb: Option<unsafe extern "C" fn(ffm_id, c_int) -> ffm_id>,
    }

    pub type IdCb = unsafe extern "C" fn(ffm_id, c_int) -> ffm_id;

    unsafe extern "C" {
        pub fn ffm_id_bump(v: ffm_id, k: c_int) -> ffm_id;
        pub fn ffm_call_struct_cb(cb: IdCb, v: ffm_id, k: c_int) -> ffm_id;
        pub static mut ffm_global_counter: c_int;
        pub type ffm_opaque;
    }

    #[foreign(library = "m", name = LIBM)]
    unsafe extern "C" {
        pub safe fn cbrt(x: f64) -> f64;
    }
}
