#[ffm::foreign]
type Compare = unsafe extern "C" fn(a: *const c_void, b: *const c_void) -> c_int;

#[ffm::foreign]
type size_t = usize;

#[ffm::foreign]
const MAX: c_long = 1 << 20;
