#[ffm::foreign]
unsafe extern "C" {
    fn close(&self) -> i32;
}

fn main() {}
