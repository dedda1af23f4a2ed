/// A point.
#[ffm::foreign]
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Default)]
#[must_use]
struct Point {
    /// Across.
    x: c_int,
    y: c_int,
}

#[ffm::foreign]
#[repr(C, packed)]
union Bits {
    word: u32,
    bytes: [u8; 4],
    r#type: c_char,
}
