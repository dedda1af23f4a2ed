#[ffm::foreign]
unsafe extern "C" {
    fn strlen(s: &u8) -> usize;
}

fn main() {}
