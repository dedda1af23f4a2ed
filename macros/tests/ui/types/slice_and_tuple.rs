#[ffm::foreign]
unsafe extern "C" {
    fn sum(values: *const [i32]) -> (i32, i32);
}

fn main() {}
