#[ffm::foreign]
unsafe extern "C" {
    fn printf(...) -> i32;
}

fn main() {}
