#[ffm::foreign(library = "", name = A, name = B)]
unsafe extern "C" {
    fn f();
}

fn main() {}
