const N: usize = 4;

#[ffm::foreign]
#[repr(C)]
struct Buffer {
    data: [u8; N],
}

#[ffm::foreign]
unsafe extern "C" {
    fn fill(buf: [u8; 16]) -> [u8; 16];
}

fn main() {}
