#[ffm::foreign(library = "z")]
#[repr(C)]
struct Point {
    x: i32,
    y: i32,
}

fn main() {}
