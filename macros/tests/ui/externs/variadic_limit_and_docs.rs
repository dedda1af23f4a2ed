#[ffm::foreign]
unsafe extern "C" {
    /// Seven fixed parameters are more than variadic wrappers take.
    fn many(a: i32, b: i32, c: i32, d: i32, e: i32, f: i32, g: i32, ...) -> i32;
    #[doc = include_str!("qualifiers.rs")]
    fn documented();
}

fn main() {}
