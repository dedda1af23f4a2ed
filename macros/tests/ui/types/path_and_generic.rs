mod geometry {
    pub struct Point;
}

#[ffm::foreign]
unsafe extern "C" {
    fn origin() -> geometry::Point;
    fn boxed(p: *mut Box<i32>);
}

fn main() {}
