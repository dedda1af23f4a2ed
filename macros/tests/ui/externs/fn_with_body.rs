#[ffm::foreign]
unsafe extern "C" {
    fn abs(x: i32) -> i32 {
        x.abs()
    }
}

fn main() {}
