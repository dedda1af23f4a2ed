#[repr(C, align(16))]
#[derive(Clone, Copy, Debug)]
#[allow(
    non_camel_case_types,
    non_snake_case,
    clippy::upper_case_acronyms,
    clippy::type_complexity
)]
pub struct Aligned {
    pub v: [f32; 3usize],
}
#[allow(clippy::undocumented_unsafe_blocks)]
unsafe impl crate::reexported::ffm::__private::Native for Aligned {
    const LAYOUT: crate::reexported::ffm::MemoryLayout = Self::__FFM_LAYOUT
        .layout()
        .with_name("Aligned")
        .layout();
    fn read_at(
        segment: &crate::reexported::ffm::Segment,
        offset: usize,
        aligned: bool,
    ) -> Self {
        Aligned {
            v: <[f32; 3usize] as crate::reexported::ffm::__private::Native>::read_at(
                segment,
                offset + Self::__FFM_LAYOUT.offset(0usize),
                aligned,
            ),
        }
    }
    fn write_at(
        self,
        segment: &mut crate::reexported::ffm::Segment,
        offset: usize,
        aligned: bool,
    ) {
        let v = self.v;
        crate::reexported::ffm::__private::Native::write_at(
            v,
            segment,
            offset + Self::__FFM_LAYOUT.offset(0usize),
            aligned,
        );
    }
}
impl crate::reexported::ffm::__private::FieldAccess for Aligned {
    type Get<'a> = &'a crate::reexported::ffm::Segment;
    type Set<'a> = &'a crate::reexported::ffm::Segment;
    fn get(
        segment: &crate::reexported::ffm::Segment,
        offset: usize,
        _aligned: bool,
    ) -> &crate::reexported::ffm::Segment {
        crate::reexported::ffm::__private::aggregate_get(
            segment,
            offset,
            ::core::mem::size_of::<Self>(),
        )
    }
    fn set(
        segment: &mut crate::reexported::ffm::Segment,
        offset: usize,
        _aligned: bool,
        value: &crate::reexported::ffm::Segment,
    ) {
        crate::reexported::ffm::__private::aggregate_set(
            segment,
            offset,
            ::core::mem::size_of::<Self>(),
            value,
        )
    }
}
#[allow(non_snake_case, clippy::undocumented_unsafe_blocks, clippy::type_complexity)]
impl Aligned {
    #[doc(hidden)]
    pub const __FFM_LAYOUT: &'static crate::reexported::ffm::__private::CStruct<
        3usize,
    > = &crate::reexported::ffm::__private::CStruct::new(
        [
            <[f32; 3usize] as crate::reexported::ffm::__private::Native>::LAYOUT
                .with_name("v"),
        ],
        0usize,
        16usize,
    );
    /// The C layout of `Aligned`.
    pub const LAYOUT: crate::reexported::ffm::layout::StructLayout = crate::reexported::ffm::__private::struct_layout(
        <Self as crate::reexported::ffm::__private::Native>::LAYOUT,
    );
    /// Byte offset of `v`.
    pub const OFFSET_V: usize = Self::__FFM_LAYOUT.offset(0usize);
    /// Reads `v` from a segment holding a `Aligned` (an aggregate field comes back as a sub-segment).
    ///
    /// # Panics
    /// If the segment is too short (or misaligned) for the field.
    #[allow(non_snake_case)]
    pub fn v(
        segment: &crate::reexported::ffm::Segment,
    ) -> <[f32; 3usize] as crate::reexported::ffm::__private::FieldAccess>::Get<'_> {
        <[f32; 3usize] as crate::reexported::ffm::__private::FieldAccess>::get(
            segment,
            Self::OFFSET_V,
            true,
        )
    }
    /// Writes `v` into a segment holding a `Aligned`.
    ///
    /// # Panics
    /// If the segment is too short (or misaligned) for the field.
    #[allow(non_snake_case)]
    pub fn set_v(
        segment: &mut crate::reexported::ffm::Segment,
        value: <[f32; 3usize] as crate::reexported::ffm::__private::FieldAccess>::Set<'_>,
    ) {
        <[f32; 3usize] as crate::reexported::ffm::__private::FieldAccess>::set(
            segment,
            Self::OFFSET_V,
            true,
            value,
        )
    }
    /// Allocates a zero-filled `Aligned`.
    pub fn allocate<'a>(
        allocator: impl crate::reexported::ffm::__private::SegmentAllocator<'a>,
    ) -> crate::reexported::ffm::Result<&'a mut crate::reexported::ffm::Segment> {
        allocator
            .allocate_layout(
                &<Self as crate::reexported::ffm::__private::Native>::LAYOUT,
            )
    }
    /// Allocates a zero-filled array of `count` `Aligned`s.
    pub fn allocate_array<'a>(
        allocator: impl crate::reexported::ffm::__private::SegmentAllocator<'a>,
        count: usize,
    ) -> crate::reexported::ffm::Result<&'a mut crate::reexported::ffm::Segment> {
        let size = count
            .checked_mul(::core::mem::size_of::<Self>())
            .ok_or_else(|| crate::reexported::ffm::Error::SizeOverflow {
                what: ::std::format!("{} × {}", count, "Aligned"),
            })?;
        allocator.allocate(size, ::core::mem::align_of::<Self>())
    }
    /// Reads a whole `Aligned` from the start of `segment`, field by field.
    ///
    /// Fails if the segment is shorter than the struct; any alignment is accepted.
    pub fn read(
        segment: &crate::reexported::ffm::Segment,
    ) -> crate::reexported::ffm::Result<Self> {
        segment.check_access(0, ::core::mem::size_of::<Self>(), 1)?;
        Ok(
            <Self as crate::reexported::ffm::__private::Native>::read_at(
                segment,
                0,
                false,
            ),
        )
    }
    /// Writes this `Aligned` to the start of `segment`, field by field.
    ///
    /// Fails if the segment is shorter than the struct; any alignment is accepted.
    pub fn write(
        &self,
        segment: &mut crate::reexported::ffm::Segment,
    ) -> crate::reexported::ffm::Result<()> {
        segment.check_access(0, ::core::mem::size_of::<Self>(), 1)?;
        <Self as crate::reexported::ffm::__private::Native>::write_at(
            *self,
            segment,
            0,
            false,
        );
        Ok(())
    }
}
const _: () = {
    assert!(
        ::core::mem::size_of:: < Aligned > () == < Aligned as crate
        ::reexported::ffm::__private::Native > ::LAYOUT.byte_size()
    );
    assert!(
        ::core::mem::align_of:: < Aligned > () == < Aligned as crate
        ::reexported::ffm::__private::Native > ::LAYOUT.byte_alignment()
    );
    assert!(::core::mem::offset_of!(Aligned, v) == Aligned::__FFM_LAYOUT.offset(0usize));
    assert!(::core::mem::size_of:: < Aligned > () == 16usize);
    assert!(::core::mem::align_of:: < Aligned > () == 16usize);
    assert!(::core::mem::offset_of!(Aligned, v) == 0usize);
};
