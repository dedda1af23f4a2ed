// An `Arena` is not `Sync`: a borrow of it cannot be sent to another thread.
use ffm::Arena;

fn main() {
    let arena = Arena::new();
    std::thread::scope(|s| {
        s.spawn(|| arena.allocate(8, 8).unwrap().len());
    });
}
