#[ffm::foreign]
unsafe extern "C" {
    fn abs(x: i32) -> i32;
    #[link_name = "labs"]
    fn abs(x: i64) -> i64;
    fn add(a: i32, a: i32) -> i32;
}

fn main() {}
