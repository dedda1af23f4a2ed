#[ffm::foreign]
#[repr(C)]
struct Handlers {
    on_event: unsafe extern "C" fn(i32),
    on_close: Option<unsafe fn(i32)>,
}

fn main() {}
