// An `on_close` action runs while the arena frees its memory, so it cannot capture one of the
// arena's segments (the action must be `'static`).
use ffm::{Arena, I32};

fn main() {
    let arena = Arena::new();
    let seg = arena.allocate(4, 4).unwrap();
    arena.on_close(move || seg.set(I32, 0, 1));
}
