// Dropping the arena (leaving its scope) ends its segments too.
use ffm::{Arena, Segment};

fn leak() -> &'static mut Segment {
    let arena = Arena::new();
    arena.allocate(4, 4).unwrap()
}

fn main() {
    leak();
}
