#[ffm::foreign]
#[repr(u8)]
enum Small {
    A = 255,
    B,
    C = -1,
}

fn main() {}
