#[ffm::foreign]
unsafe extern "C" {
    fn div((a, b): (i32, i32)) -> i32;
    fn abs(mut x: i32) -> i32;
}

fn main() {}
