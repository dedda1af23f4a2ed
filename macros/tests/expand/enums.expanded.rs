/// Levels.
#[repr(transparent)]
#[derive(Clone, Copy, PartialEq, Eq, Hash, Default)]
#[allow(non_camel_case_types, clippy::upper_case_acronyms)]
pub struct Level(pub u8);
#[allow(non_upper_case_globals)]
impl Level {
    /// Nothing.
    pub const Off: Level = Level(0 as u8);
    pub const Low: Level = Level(10 as u8);
    pub const High: Level = Level(11 as u8);
}
impl ::core::fmt::Debug for Level {
    fn fmt(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
        if *self == Self::Off {
            return f.write_str("Off");
        }
        if *self == Self::Low {
            return f.write_str("Low");
        }
        if *self == Self::High {
            return f.write_str("High");
        }
        f.write_fmt(format_args!(concat!("Level", "({})"), self.0))
    }
}
#[allow(clippy::undocumented_unsafe_blocks)]
unsafe impl ::ffm::__private::Native for Level {
    const LAYOUT: ::ffm::MemoryLayout = <u8 as ::ffm::__private::Native>::LAYOUT;
    fn read_at(segment: &::ffm::Segment, offset: usize, aligned: bool) -> Self {
        Level(<u8 as ::ffm::__private::Native>::read_at(segment, offset, aligned))
    }
    fn write_at(self, segment: &mut ::ffm::Segment, offset: usize, aligned: bool) {
        ::ffm::__private::Native::write_at(self.0, segment, offset, aligned)
    }
}
impl ::ffm::__private::FieldAccess for Level {
    type Get<'a> = Level;
    type Set<'a> = Level;
    fn get(segment: &::ffm::Segment, offset: usize, aligned: bool) -> Level {
        <Level as ::ffm::__private::Native>::read_at(segment, offset, aligned)
    }
    fn set(segment: &mut ::ffm::Segment, offset: usize, aligned: bool, value: Level) {
        ::ffm::__private::Native::write_at(value, segment, offset, aligned)
    }
}
