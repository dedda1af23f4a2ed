#[ffm::foreign]
#[repr(i32)]
enum Mode {
    Read = "r",
    Write = 1.5,
    Append = Other + 1,
}

fn main() {}
