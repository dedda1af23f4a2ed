// A `SharedArena` cannot be closed while a thread still uses one of its segments: this is why
// the seed's two writes in `writePoint` are atomic without a handle.
use ffm::{SharedArena, I32};

fn main() {
    let arena = SharedArena::new();
    let seg = arena.allocate(8, 4).unwrap();
    std::thread::scope(|s| {
        s.spawn(|| {
            seg.set_at_index(I32, 0, 1);
            seg.set_at_index(I32, 1, 2);
        });
        arena.close();
    });
}
