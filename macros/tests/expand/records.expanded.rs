/// A point.
#[derive(PartialEq, Default)]
#[must_use]
#[repr(C)]
#[derive(Clone, Copy, Debug)]
#[allow(
    non_camel_case_types,
    non_snake_case,
    clippy::upper_case_acronyms,
    clippy::type_complexity
)]
pub struct Point {
    /// Across.
    pub x: ::core::ffi::c_int,
    pub y: ::core::ffi::c_int,
}
#[allow(clippy::undocumented_unsafe_blocks)]
unsafe impl ::ffm::__private::Native for Point {
    const LAYOUT: ::ffm::MemoryLayout = Self::__FFM_LAYOUT
        .layout()
        .with_name("Point")
        .layout();
    fn read_at(segment: &::ffm::Segment, offset: usize, aligned: bool) -> Self {
        Point {
            x: <::core::ffi::c_int as ::ffm::__private::Native>::read_at(
                segment,
                offset + Self::__FFM_LAYOUT.offset(0usize),
                aligned,
            ),
            y: <::core::ffi::c_int as ::ffm::__private::Native>::read_at(
                segment,
                offset + Self::__FFM_LAYOUT.offset(1usize),
                aligned,
            ),
        }
    }
    fn write_at(self, segment: &mut ::ffm::Segment, offset: usize, aligned: bool) {
        let v = self.x;
        ::ffm::__private::Native::write_at(
            v,
            segment,
            offset + Self::__FFM_LAYOUT.offset(0usize),
            aligned,
        );
        let v = self.y;
        ::ffm::__private::Native::write_at(
            v,
            segment,
            offset + Self::__FFM_LAYOUT.offset(1usize),
            aligned,
        );
    }
}
impl ::ffm::__private::FieldAccess for Point {
    type Get<'a> = &'a ::ffm::Segment;
    type Set<'a> = &'a ::ffm::Segment;
    fn get(segment: &::ffm::Segment, offset: usize, _aligned: bool) -> &::ffm::Segment {
        ::ffm::__private::aggregate_get(segment, offset, ::core::mem::size_of::<Self>())
    }
    fn set(
        segment: &mut ::ffm::Segment,
        offset: usize,
        _aligned: bool,
        value: &::ffm::Segment,
    ) {
        ::ffm::__private::aggregate_set(
            segment,
            offset,
            ::core::mem::size_of::<Self>(),
            value,
        )
    }
}
#[allow(non_snake_case, clippy::undocumented_unsafe_blocks, clippy::type_complexity)]
impl Point {
    #[doc(hidden)]
    pub const __FFM_LAYOUT: &'static ::ffm::__private::CStruct<5usize> = &::ffm::__private::CStruct::new(
        [
            <::core::ffi::c_int as ::ffm::__private::Native>::LAYOUT.with_name("x"),
            <::core::ffi::c_int as ::ffm::__private::Native>::LAYOUT.with_name("y"),
        ],
        0usize,
        0usize,
    );
    /// The C layout of `Point`.
    pub const LAYOUT: ::ffm::layout::StructLayout = ::ffm::__private::struct_layout(
        <Self as ::ffm::__private::Native>::LAYOUT,
    );
    /// Byte offset of `x`.
    pub const OFFSET_X: usize = Self::__FFM_LAYOUT.offset(0usize);
    /// Reads `x` from a segment holding a `Point` (an aggregate field comes back as a sub-segment).
    ///
    /// # Panics
    /// If the segment is too short (or misaligned) for the field.
    #[allow(non_snake_case)]
    pub fn x(
        segment: &::ffm::Segment,
    ) -> <::core::ffi::c_int as ::ffm::__private::FieldAccess>::Get<'_> {
        <::core::ffi::c_int as ::ffm::__private::FieldAccess>::get(
            segment,
            Self::OFFSET_X,
            true,
        )
    }
    /// Writes `x` into a segment holding a `Point`.
    ///
    /// # Panics
    /// If the segment is too short (or misaligned) for the field.
    #[allow(non_snake_case)]
    pub fn set_x(
        segment: &mut ::ffm::Segment,
        value: <::core::ffi::c_int as ::ffm::__private::FieldAccess>::Set<'_>,
    ) {
        <::core::ffi::c_int as ::ffm::__private::FieldAccess>::set(
            segment,
            Self::OFFSET_X,
            true,
            value,
        )
    }
    /// Byte offset of `y`.
    pub const OFFSET_Y: usize = Self::__FFM_LAYOUT.offset(1usize);
    /// Reads `y` from a segment holding a `Point` (an aggregate field comes back as a sub-segment).
    ///
    /// # Panics
    /// If the segment is too short (or misaligned) for the field.
    #[allow(non_snake_case)]
    pub fn y(
        segment: &::ffm::Segment,
    ) -> <::core::ffi::c_int as ::ffm::__private::FieldAccess>::Get<'_> {
        <::core::ffi::c_int as ::ffm::__private::FieldAccess>::get(
            segment,
            Self::OFFSET_Y,
            true,
        )
    }
    /// Writes `y` into a segment holding a `Point`.
    ///
    /// # Panics
    /// If the segment is too short (or misaligned) for the field.
    #[allow(non_snake_case)]
    pub fn set_y(
        segment: &mut ::ffm::Segment,
        value: <::core::ffi::c_int as ::ffm::__private::FieldAccess>::Set<'_>,
    ) {
        <::core::ffi::c_int as ::ffm::__private::FieldAccess>::set(
            segment,
            Self::OFFSET_Y,
            true,
            value,
        )
    }
    /// Allocates a zero-filled `Point`.
    pub fn allocate<'a>(
        allocator: impl ::ffm::__private::SegmentAllocator<'a>,
    ) -> ::ffm::Result<&'a mut ::ffm::Segment> {
        allocator.allocate_layout(&<Self as ::ffm::__private::Native>::LAYOUT)
    }
    /// Allocates a zero-filled array of `count` `Point`s.
    pub fn allocate_array<'a>(
        allocator: impl ::ffm::__private::SegmentAllocator<'a>,
        count: usize,
    ) -> ::ffm::Result<&'a mut ::ffm::Segment> {
        let size = count
            .checked_mul(::core::mem::size_of::<Self>())
            .ok_or_else(|| ::ffm::Error::SizeOverflow {
                what: ::std::format!("{} × {}", count, "Point"),
            })?;
        allocator.allocate(size, ::core::mem::align_of::<Self>())
    }
    /// Reads a whole `Point` from the start of `segment`, field by field.
    ///
    /// Fails if the segment is shorter than the struct; any alignment is accepted.
    pub fn read(segment: &::ffm::Segment) -> ::ffm::Result<Self> {
        segment.check_access(0, ::core::mem::size_of::<Self>(), 1)?;
        Ok(<Self as ::ffm::__private::Native>::read_at(segment, 0, false))
    }
    /// Writes this `Point` to the start of `segment`, field by field.
    ///
    /// Fails if the segment is shorter than the struct; any alignment is accepted.
    pub fn write(&self, segment: &mut ::ffm::Segment) -> ::ffm::Result<()> {
        segment.check_access(0, ::core::mem::size_of::<Self>(), 1)?;
        <Self as ::ffm::__private::Native>::write_at(*self, segment, 0, false);
        Ok(())
    }
}
const _: () = {
    assert!(
        ::core::mem::size_of:: < Point > () == < Point as ::ffm::__private::Native >
        ::LAYOUT.byte_size()
    );
    assert!(
        ::core::mem::align_of:: < Point > () == < Point as ::ffm::__private::Native >
        ::LAYOUT.byte_alignment()
    );
    assert!(::core::mem::offset_of!(Point, x) == Point::__FFM_LAYOUT.offset(0usize));
    assert!(::core::mem::offset_of!(Point, y) == Point::__FFM_LAYOUT.offset(1usize));
    assert!(::core::mem::size_of:: < Point > () == 8usize);
    assert!(::core::mem::align_of:: < Point > () == 4usize);
    assert!(::core::mem::offset_of!(Point, x) == 0usize);
    assert!(::core::mem::offset_of!(Point, y) == 4usize);
};
#[allow(clippy::type_complexity)]
const _: fn((c_int,)) -> (::core::ffi::c_int,) = ::core::convert::identity;
#[repr(C, packed)]
#[derive(Clone, Copy)]
#[allow(
    non_camel_case_types,
    non_snake_case,
    clippy::upper_case_acronyms,
    clippy::type_complexity
)]
pub union Bits {
    pub word: u32,
    pub bytes: [u8; 4usize],
    pub r#type: ::core::ffi::c_char,
}
#[allow(clippy::undocumented_unsafe_blocks)]
unsafe impl ::ffm::__private::Native for Bits {
    const LAYOUT: ::ffm::MemoryLayout = Self::__FFM_LAYOUT
        .layout()
        .with_name("Bits")
        .layout();
    fn read_at(segment: &::ffm::Segment, offset: usize, aligned: bool) -> Self {
        let _ = aligned;
        let bytes = ::ffm::__private::aggregate_get(
            segment,
            offset,
            ::core::mem::size_of::<Self>(),
        );
        unsafe { ::core::ptr::read_unaligned(bytes.as_ptr().cast::<Self>()) }
    }
    fn write_at(self, segment: &mut ::ffm::Segment, offset: usize, aligned: bool) {
        let _ = aligned;
        let bytes = segment.slice_mut(offset, ::core::mem::size_of::<Self>());
        unsafe { ::core::ptr::write_unaligned(bytes.as_mut_ptr().cast::<Self>(), self) }
    }
}
impl ::ffm::__private::FieldAccess for Bits {
    type Get<'a> = &'a ::ffm::Segment;
    type Set<'a> = &'a ::ffm::Segment;
    fn get(segment: &::ffm::Segment, offset: usize, _aligned: bool) -> &::ffm::Segment {
        ::ffm::__private::aggregate_get(segment, offset, ::core::mem::size_of::<Self>())
    }
    fn set(
        segment: &mut ::ffm::Segment,
        offset: usize,
        _aligned: bool,
        value: &::ffm::Segment,
    ) {
        ::ffm::__private::aggregate_set(
            segment,
            offset,
            ::core::mem::size_of::<Self>(),
            value,
        )
    }
}
#[allow(non_snake_case, clippy::undocumented_unsafe_blocks, clippy::type_complexity)]
impl Bits {
    #[doc(hidden)]
    pub const __FFM_LAYOUT: &'static ::ffm::__private::CUnion<4usize> = &::ffm::__private::CUnion::new(
        [
            <u32 as ::ffm::__private::Native>::LAYOUT.with_name("word"),
            <[u8; 4usize] as ::ffm::__private::Native>::LAYOUT.with_name("bytes"),
            <::core::ffi::c_char as ::ffm::__private::Native>::LAYOUT.with_name("type"),
        ],
        1usize,
        0usize,
    );
    /// The C layout of `Bits`.
    pub const LAYOUT: ::ffm::layout::UnionLayout = ::ffm::__private::union_layout(
        <Self as ::ffm::__private::Native>::LAYOUT,
    );
    /// Byte offset of `word`.
    pub const OFFSET_WORD: usize = 0;
    /// Reads `word` from a segment holding a `Bits` (an aggregate field comes back as a sub-segment).
    ///
    /// # Panics
    /// If the segment is too short (or misaligned) for the field.
    #[allow(non_snake_case)]
    pub fn word(
        segment: &::ffm::Segment,
    ) -> <u32 as ::ffm::__private::FieldAccess>::Get<'_> {
        <u32 as ::ffm::__private::FieldAccess>::get(segment, Self::OFFSET_WORD, false)
    }
    /// Writes `word` into a segment holding a `Bits`.
    ///
    /// # Panics
    /// If the segment is too short (or misaligned) for the field.
    #[allow(non_snake_case)]
    pub fn set_word(
        segment: &mut ::ffm::Segment,
        value: <u32 as ::ffm::__private::FieldAccess>::Set<'_>,
    ) {
        <u32 as ::ffm::__private::FieldAccess>::set(
            segment,
            Self::OFFSET_WORD,
            false,
            value,
        )
    }
    /// Byte offset of `bytes`.
    pub const OFFSET_BYTES: usize = 0;
    /// Reads `bytes` from a segment holding a `Bits` (an aggregate field comes back as a sub-segment).
    ///
    /// # Panics
    /// If the segment is too short (or misaligned) for the field.
    #[allow(non_snake_case)]
    pub fn bytes(
        segment: &::ffm::Segment,
    ) -> <[u8; 4usize] as ::ffm::__private::FieldAccess>::Get<'_> {
        <[u8; 4usize] as ::ffm::__private::FieldAccess>::get(
            segment,
            Self::OFFSET_BYTES,
            false,
        )
    }
    /// Writes `bytes` into a segment holding a `Bits`.
    ///
    /// # Panics
    /// If the segment is too short (or misaligned) for the field.
    #[allow(non_snake_case)]
    pub fn set_bytes(
        segment: &mut ::ffm::Segment,
        value: <[u8; 4usize] as ::ffm::__private::FieldAccess>::Set<'_>,
    ) {
        <[u8; 4usize] as ::ffm::__private::FieldAccess>::set(
            segment,
            Self::OFFSET_BYTES,
            false,
            value,
        )
    }
    /// Byte offset of `type`.
    pub const OFFSET_TYPE: usize = 0;
    /// Reads `type` from a segment holding a `Bits` (an aggregate field comes back as a sub-segment).
    ///
    /// # Panics
    /// If the segment is too short (or misaligned) for the field.
    #[allow(non_snake_case)]
    pub fn r#type(
        segment: &::ffm::Segment,
    ) -> <::core::ffi::c_char as ::ffm::__private::FieldAccess>::Get<'_> {
        <::core::ffi::c_char as ::ffm::__private::FieldAccess>::get(
            segment,
            Self::OFFSET_TYPE,
            false,
        )
    }
    /// Writes `type` into a segment holding a `Bits`.
    ///
    /// # Panics
    /// If the segment is too short (or misaligned) for the field.
    #[allow(non_snake_case)]
    pub fn set_type(
        segment: &mut ::ffm::Segment,
        value: <::core::ffi::c_char as ::ffm::__private::FieldAccess>::Set<'_>,
    ) {
        <::core::ffi::c_char as ::ffm::__private::FieldAccess>::set(
            segment,
            Self::OFFSET_TYPE,
            false,
            value,
        )
    }
    /// Allocates a zero-filled `Bits`.
    pub fn allocate<'a>(
        allocator: impl ::ffm::__private::SegmentAllocator<'a>,
    ) -> ::ffm::Result<&'a mut ::ffm::Segment> {
        allocator.allocate_layout(&<Self as ::ffm::__private::Native>::LAYOUT)
    }
    /// Allocates a zero-filled array of `count` `Bits`s.
    pub fn allocate_array<'a>(
        allocator: impl ::ffm::__private::SegmentAllocator<'a>,
        count: usize,
    ) -> ::ffm::Result<&'a mut ::ffm::Segment> {
        let size = count
            .checked_mul(::core::mem::size_of::<Self>())
            .ok_or_else(|| ::ffm::Error::SizeOverflow {
                what: ::std::format!("{} × {}", count, "Bits"),
            })?;
        allocator.allocate(size, ::core::mem::align_of::<Self>())
    }
    /// Reads a whole `Bits` from the start of `segment`, field by field.
    ///
    /// Fails if the segment is shorter than the struct; any alignment is accepted.
    pub fn read(segment: &::ffm::Segment) -> ::ffm::Result<Self> {
        segment.check_access(0, ::core::mem::size_of::<Self>(), 1)?;
        Ok(<Self as ::ffm::__private::Native>::read_at(segment, 0, false))
    }
    /// Writes this `Bits` to the start of `segment`, field by field.
    ///
    /// Fails if the segment is shorter than the struct; any alignment is accepted.
    pub fn write(&self, segment: &mut ::ffm::Segment) -> ::ffm::Result<()> {
        segment.check_access(0, ::core::mem::size_of::<Self>(), 1)?;
        <Self as ::ffm::__private::Native>::write_at(*self, segment, 0, false);
        Ok(())
    }
}
impl ::core::fmt::Debug for Bits {
    fn fmt(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
        f.write_str("Bits { .. }")
    }
}
const _: () = {
    assert!(
        ::core::mem::size_of:: < Bits > () == < Bits as ::ffm::__private::Native >
        ::LAYOUT.byte_size()
    );
    assert!(
        ::core::mem::align_of:: < Bits > () == < Bits as ::ffm::__private::Native >
        ::LAYOUT.byte_alignment()
    );
    assert!(::core::mem::size_of:: < Bits > () == 4usize);
    assert!(::core::mem::align_of:: < Bits > () == 1usize);
};
#[allow(clippy::type_complexity)]
const _: fn((c_char,)) -> (::core::ffi::c_char,) = ::core::convert::identity;
