#[ffm::foreign]
#[repr(C)]
struct Pair(i32, i32);

#[ffm::foreign]
#[repr(C)]
struct Empty;

fn main() {}
