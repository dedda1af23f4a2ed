#[ffm::foreign]
#[repr(C)]
struct Wrapper<T> {
    value: T,
}

fn main() {}
