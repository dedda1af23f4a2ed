#[ffm::foreign]
unsafe extern "C" {
    fn first<T>(items: *const T) -> T;
}

fn main() {}
