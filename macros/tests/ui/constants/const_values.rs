#[ffm::foreign]
mod limits {
    const A: i32 = f(1);
    const B: u8 = 1 << 9;
    const C: f64 = "one";
    const D: i64 = MISSING * 2;
}

fn main() {}
