#[ffm::foreign(library = "z", colour = "red")]
unsafe extern "C" {
    fn zlibVersion() -> *const u8;
}

fn main() {}
