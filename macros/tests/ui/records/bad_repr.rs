#[ffm::foreign]
#[repr(C, transparent, align(3))]
struct Point {
    x: i32,
}

fn main() {}
