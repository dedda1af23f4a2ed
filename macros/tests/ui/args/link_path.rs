#[ffm::foreign(link = "/usr/lib/libz.so")]
unsafe extern "C" {
    fn zlibVersion() -> *const u8;
}

fn main() {}
