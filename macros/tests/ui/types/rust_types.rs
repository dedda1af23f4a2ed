#[ffm::foreign]
unsafe extern "C" {
    fn puts(s: String) -> i32;
    fn putchar(c: char) -> i32;
    fn name() -> &'static str;
}

fn main() {}
