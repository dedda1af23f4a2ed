#[ffm::foreign]
enum Color {
    Red,
    Green,
}

#[ffm::foreign]
#[repr(f32)]
enum Float {
    One,
}

fn main() {}
