#[ffm::foreign]
mod bindings {
    impl Point {}

    mod inner {}

    #[repr(C)]
    pub struct Point {
        x: i32,
    }

    #[repr(C)]
    pub struct Point {
        y: i32,
    }

    #[foreign(crate = ::ffm)]
    unsafe extern "C" {
        fn abs(x: i32) -> i32;
    }
}

fn main() {}
