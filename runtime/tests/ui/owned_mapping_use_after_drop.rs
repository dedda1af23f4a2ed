// An owned mapping's segment cannot outlive the mapping.
use ffm::{Mapping, Segment};

fn main() {
    let file = std::fs::File::open("/dev/zero").unwrap();
    let seg: &Segment;
    {
        let mapping = unsafe { Mapping::map(&file).unwrap() };
        seg = &mapping;
    }
    println!("{}", seg.len());
}
