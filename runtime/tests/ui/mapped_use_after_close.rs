// A mapped file tied to an arena cannot be read after the arena (and the mapping) is closed.
use ffm::{Arena, MapOptions, I32};

fn main() {
    let file = std::fs::File::open("/dev/zero").unwrap();
    let arena = Arena::new();
    let mapped = arena.keep_alive(unsafe { MapOptions::new().len(4096).map(&file).unwrap() });
    arena.close();
    println!("{}", mapped.get(I32, 0));
}
