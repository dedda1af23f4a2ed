struct Wrapper<T>(T);

#[ffm::foreign]
unsafe extern "C" {
    fn abort() -> !;
    fn unwrap(w: *const Wrapper<i32>) -> i32;
    fn infer(x: _) -> i32;
}

fn main() {}
