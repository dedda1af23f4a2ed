#[ffm::foreign]
unsafe extern "C" {
    fn strlen(s: impl AsRef<str>) -> usize;
}

fn main() {}
