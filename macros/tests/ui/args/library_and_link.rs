#[ffm::foreign(library = "z", link = "z")]
unsafe extern "C" {
    fn zlibVersion() -> *const u8;
}

fn main() {}
