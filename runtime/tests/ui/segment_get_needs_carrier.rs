// Reads are typed by the layout: an i32 layout gives an i32, not an i64.
use ffm::{Segment, I32};

fn main() {
    let data = [0i32; 2];
    let v: i64 = Segment::of_slice(&data).get(I32, 0);
    println!("{v}");
}
