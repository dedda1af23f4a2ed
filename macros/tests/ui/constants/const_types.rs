#[ffm::foreign]
const NAME: &str = "ffm";

#[ffm::foreign]
const FLAG: bool = true;

#[ffm::foreign]
const GREETING: &core::ffi::CStr = "a\0b";

fn main() {}
