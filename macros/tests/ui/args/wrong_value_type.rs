#[ffm::foreign(library = 5, name = "LIBZ")]
unsafe extern "C" {
    fn zlibVersion() -> *const u8;
}

fn main() {}
