#[ffm::foreign]
mod bindings {
    pub type compare_fn = unsafe extern "C" fn(a: *const c_void, b: *const c_void) -> c_int;
    pub type visit_fn = unsafe extern "C" fn(user: *mut c_void, value: c_int);

    #[repr(C)]
    pub struct visitor {
        pub visit: visit_fn,
        pub user: *mut c_void,
    }

    unsafe extern "C" {
        pub fn sort(base: *mut c_void, count: c_ulong, size: c_ulong, compare: compare_fn);
        pub fn walk(values: *const c_int, count: c_int, v: *mut visitor) -> c_int;
    }
}
