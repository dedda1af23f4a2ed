/// Levels.
#[ffm::foreign]
#[repr(u8)]
#[derive(Debug, PartialEq)]
enum Level {
    /// Nothing.
    Off,
    Low = 10,
    High,
}
