#[ffm::foreign]
unsafe extern "C" {
    fn call(f: *mut dyn Fn()) -> i32;
}

fn main() {}
