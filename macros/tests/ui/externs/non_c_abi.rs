#[ffm::foreign]
unsafe extern "system" {
    fn GetTickCount() -> u32;
}

fn main() {}
