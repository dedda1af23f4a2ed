// A heap segment borrows its slice.
use ffm::Segment;

fn main() {
    let seg: &Segment;
    {
        let v = vec![1i32, 2, 3];
        seg = Segment::of_slice(&v);
    }
    println!("{}", seg.len());
}
