// A segment cannot be used after its arena is closed.
use ffm::{Arena, I32};

fn main() {
    let arena = Arena::new();
    let seg = arena.allocate(4, 4).unwrap();
    arena.close();
    seg.set(I32, 0, 1);
}
