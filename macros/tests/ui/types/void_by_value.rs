#[ffm::foreign]
unsafe extern "C" {
    fn nothing(x: core::ffi::c_void) -> std::ffi::c_void;
}

fn main() {}
