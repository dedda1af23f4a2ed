// A typed downcall trusts the slots its argument tuple lowers to (how many, and for a struct
// passed by value, the address and length of its bytes). The traits that produce them are
// sealed: safe code cannot implement them and hand the runtime slots of its own.
use ffm::linker::{IntoArgs, Signature};
use ffm::{Address, MemoryLayout};

struct NoSlots;

impl IntoArgs<(Address,)> for NoSlots {
    fn with_slots<R>(self, f: impl FnOnce(&mut [u64], &[usize]) -> R) -> R {
        f(&mut [], &[])
    }
}

struct AcceptsAnything;

impl Signature for AcceptsAnything {
    const LEN: usize = 1;
    fn check(_layouts: &[MemoryLayout]) -> Result<(), (usize, String)> {
        Ok(())
    }
}

fn main() {}
