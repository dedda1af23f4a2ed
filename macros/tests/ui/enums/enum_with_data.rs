#[ffm::foreign]
#[repr(C)]
enum Shape {
    Circle(f64),
    Square { side: f64 },
    Empty,
}

fn main() {}
