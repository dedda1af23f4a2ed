#[ffm::foreign]
unsafe extern "C" {
    #[inline]
    fn abs(x: i32) -> i32;
    #[link_name = 42]
    fn labs(x: i64) -> i64;
}

fn main() {}
