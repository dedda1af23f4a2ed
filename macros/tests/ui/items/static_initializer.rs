#[ffm::foreign]
unsafe extern "C" {
    static LIMIT: i32 = 4;
}

fn main() {}
