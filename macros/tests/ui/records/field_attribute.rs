#[ffm::foreign]
#[repr(C)]
struct Point {
    #[serde(rename = "X")]
    x: i32,
    y: i32,
    y: i32,
}

fn main() {}
