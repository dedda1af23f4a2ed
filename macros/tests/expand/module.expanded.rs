/// The project's C test library.
pub mod testlib {
    use std::ffi::c_int;
    #[repr(C)]
    #[derive(Clone, Copy, Debug)]
    #[allow(
        non_camel_case_types,
        non_snake_case,
        clippy::upper_case_acronyms,
        clippy::type_complexity
    )]
    pub struct ffm_id {
        pub a: ::core::ffi::c_int,
        pub b: f64,
    }
    #[allow(clippy::undocumented_unsafe_blocks)]
    unsafe impl ::ffm::__private::Native for ffm_id {
        const LAYOUT: ::ffm::MemoryLayout = Self::__FFM_LAYOUT
            .layout()
            .with_name("ffm_id")
            .layout();
        fn read_at(segment: &::ffm::Segment, offset: usize, aligned: bool) -> Self {
            ffm_id {
                a: <::core::ffi::c_int as ::ffm::__private::Native>::read_at(
                    segment,
                    offset + Self::__FFM_LAYOUT.offset(0usize),
                    aligned,
                ),
                b: <f64 as ::ffm::__private::Native>::read_at(
                    segment,
                    offset + Self::__FFM_LAYOUT.offset(1usize),
                    aligned,
                ),
            }
        }
        fn write_at(self, segment: &mut ::ffm::Segment, offset: usize, aligned: bool) {
            let v = self.a;
            ::ffm::__private::Native::write_at(
                v,
                segment,
                offset + Self::__FFM_LAYOUT.offset(0usize),
                aligned,
            );
            let v = self.b;
            ::ffm::__private::Native::write_at(
                v,
                segment,
                offset + Self::__FFM_LAYOUT.offset(1usize),
                aligned,
            );
        }
    }
    impl ::ffm::__private::FieldAccess for ffm_id {
        type Get<'a> = &'a ::ffm::Segment;
        type Set<'a> = &'a ::ffm::Segment;
        fn get(
            segment: &::ffm::Segment,
            offset: usize,
            _aligned: bool,
        ) -> &::ffm::Segment {
            ::ffm::__private::aggregate_get(
                segment,
                offset,
                ::core::mem::size_of::<Self>(),
            )
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
    impl ffm_id {
        #[doc(hidden)]
        pub const __FFM_LAYOUT: &'static ::ffm::__private::CStruct<5usize> = &::ffm::__private::CStruct::new(
            [
                <::core::ffi::c_int as ::ffm::__private::Native>::LAYOUT.with_name("a"),
                <f64 as ::ffm::__private::Native>::LAYOUT.with_name("b"),
            ],
            0usize,
            0usize,
        );
        /// The C layout of `ffm_id`.
        pub const LAYOUT: ::ffm::layout::StructLayout = ::ffm::__private::struct_layout(
            <Self as ::ffm::__private::Native>::LAYOUT,
        );
        /// Byte offset of `a`.
        pub const OFFSET_A: usize = Self::__FFM_LAYOUT.offset(0usize);
        /// Reads `a` from a segment holding a `ffm_id` (an aggregate field comes back as a sub-segment).
        ///
        /// # Panics
        /// If the segment is too short (or misaligned) for the field.
        #[allow(non_snake_case)]
        pub fn a(
            segment: &::ffm::Segment,
        ) -> <::core::ffi::c_int as ::ffm::__private::FieldAccess>::Get<'_> {
            <::core::ffi::c_int as ::ffm::__private::FieldAccess>::get(
                segment,
                Self::OFFSET_A,
                true,
            )
        }
        /// Writes `a` into a segment holding a `ffm_id`.
        ///
        /// # Panics
        /// If the segment is too short (or misaligned) for the field.
        #[allow(non_snake_case)]
        pub fn set_a(
            segment: &mut ::ffm::Segment,
            value: <::core::ffi::c_int as ::ffm::__private::FieldAccess>::Set<'_>,
        ) {
            <::core::ffi::c_int as ::ffm::__private::FieldAccess>::set(
                segment,
                Self::OFFSET_A,
                true,
                value,
            )
        }
        /// Byte offset of `b`.
        pub const OFFSET_B: usize = Self::__FFM_LAYOUT.offset(1usize);
        /// Reads `b` from a segment holding a `ffm_id` (an aggregate field comes back as a sub-segment).
        ///
        /// # Panics
        /// If the segment is too short (or misaligned) for the field.
        #[allow(non_snake_case)]
        pub fn b(
            segment: &::ffm::Segment,
        ) -> <f64 as ::ffm::__private::FieldAccess>::Get<'_> {
            <f64 as ::ffm::__private::FieldAccess>::get(segment, Self::OFFSET_B, true)
        }
        /// Writes `b` into a segment holding a `ffm_id`.
        ///
        /// # Panics
        /// If the segment is too short (or misaligned) for the field.
        #[allow(non_snake_case)]
        pub fn set_b(
            segment: &mut ::ffm::Segment,
            value: <f64 as ::ffm::__private::FieldAccess>::Set<'_>,
        ) {
            <f64 as ::ffm::__private::FieldAccess>::set(
                segment,
                Self::OFFSET_B,
                true,
                value,
            )
        }
        /// Allocates a zero-filled `ffm_id`.
        pub fn allocate<'a>(
            allocator: impl ::ffm::__private::SegmentAllocator<'a>,
        ) -> ::ffm::Result<&'a mut ::ffm::Segment> {
            allocator.allocate_layout(&<Self as ::ffm::__private::Native>::LAYOUT)
        }
        /// Allocates a zero-filled array of `count` `ffm_id`s.
        pub fn allocate_array<'a>(
            allocator: impl ::ffm::__private::SegmentAllocator<'a>,
            count: usize,
        ) -> ::ffm::Result<&'a mut ::ffm::Segment> {
            let size = count
                .checked_mul(::core::mem::size_of::<Self>())
                .ok_or_else(|| ::ffm::Error::SizeOverflow {
                    what: ::std::format!("{} × {}", count, "ffm_id"),
                })?;
            allocator.allocate(size, ::core::mem::align_of::<Self>())
        }
        /// Reads a whole `ffm_id` from the start of `segment`, field by field.
        ///
        /// Fails if the segment is shorter than the struct; any alignment is accepted.
        pub fn read(segment: &::ffm::Segment) -> ::ffm::Result<Self> {
            segment.check_access(0, ::core::mem::size_of::<Self>(), 1)?;
            Ok(<Self as ::ffm::__private::Native>::read_at(segment, 0, false))
        }
        /// Writes this `ffm_id` to the start of `segment`, field by field.
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
            ::core::mem::size_of:: < ffm_id > () == < ffm_id as ::ffm::__private::Native
            > ::LAYOUT.byte_size()
        );
        assert!(
            ::core::mem::align_of:: < ffm_id > () == < ffm_id as ::ffm::__private::Native
            > ::LAYOUT.byte_alignment()
        );
        assert!(
            ::core::mem::offset_of!(ffm_id, a) == ffm_id::__FFM_LAYOUT.offset(0usize)
        );
        assert!(
            ::core::mem::offset_of!(ffm_id, b) == ffm_id::__FFM_LAYOUT.offset(1usize)
        );
        assert!(::core::mem::size_of:: < ffm_id > () == 16usize);
        assert!(::core::mem::align_of:: < ffm_id > () == 8usize);
        assert!(::core::mem::offset_of!(ffm_id, a) == 0usize);
        assert!(::core::mem::offset_of!(ffm_id, b) == 8usize);
    };
    #[repr(C)]
    #[derive(Clone, Copy, Debug)]
    #[allow(
        non_camel_case_types,
        non_snake_case,
        clippy::upper_case_acronyms,
        clippy::type_complexity
    )]
    pub struct ffm_nested {
        pub inner: ffm_id,
        pub cb: ::core::option::Option<
            unsafe extern "C" fn(ffm_id, ::core::ffi::c_int) -> ffm_id,
        >,
    }
    #[allow(clippy::undocumented_unsafe_blocks)]
    unsafe impl ::ffm::__private::Native for ffm_nested {
        const LAYOUT: ::ffm::MemoryLayout = Self::__FFM_LAYOUT
            .layout()
            .with_name("ffm_nested")
            .layout();
        fn read_at(segment: &::ffm::Segment, offset: usize, aligned: bool) -> Self {
            ffm_nested {
                inner: <ffm_id as ::ffm::__private::Native>::read_at(
                    segment,
                    offset + Self::__FFM_LAYOUT.offset(0usize),
                    aligned,
                ),
                cb: <::core::option::Option<
                    unsafe extern "C" fn(ffm_id, ::core::ffi::c_int) -> ffm_id,
                > as ::ffm::__private::Native>::read_at(
                    segment,
                    offset + Self::__FFM_LAYOUT.offset(1usize),
                    aligned,
                ),
            }
        }
        fn write_at(self, segment: &mut ::ffm::Segment, offset: usize, aligned: bool) {
            let v = self.inner;
            ::ffm::__private::Native::write_at(
                v,
                segment,
                offset + Self::__FFM_LAYOUT.offset(0usize),
                aligned,
            );
            let v = self.cb;
            ::ffm::__private::Native::write_at(
                v,
                segment,
                offset + Self::__FFM_LAYOUT.offset(1usize),
                aligned,
            );
        }
    }
    impl ::ffm::__private::FieldAccess for ffm_nested {
        type Get<'a> = &'a ::ffm::Segment;
        type Set<'a> = &'a ::ffm::Segment;
        fn get(
            segment: &::ffm::Segment,
            offset: usize,
            _aligned: bool,
        ) -> &::ffm::Segment {
            ::ffm::__private::aggregate_get(
                segment,
                offset,
                ::core::mem::size_of::<Self>(),
            )
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
    impl ffm_nested {
        #[doc(hidden)]
        pub const __FFM_LAYOUT: &'static ::ffm::__private::CStruct<5usize> = &::ffm::__private::CStruct::new(
            [
                <ffm_id as ::ffm::__private::Native>::LAYOUT.with_name("inner"),
                <::core::option::Option<
                    unsafe extern "C" fn(ffm_id, ::core::ffi::c_int) -> ffm_id,
                > as ::ffm::__private::Native>::LAYOUT
                    .with_name("cb"),
            ],
            0usize,
            0usize,
        );
        /// The C layout of `ffm_nested`.
        pub const LAYOUT: ::ffm::layout::StructLayout = ::ffm::__private::struct_layout(
            <Self as ::ffm::__private::Native>::LAYOUT,
        );
        /// Byte offset of `inner`.
        pub const OFFSET_INNER: usize = Self::__FFM_LAYOUT.offset(0usize);
        /// Reads `inner` from a segment holding a `ffm_nested` (an aggregate field comes back as a sub-segment).
        ///
        /// # Panics
        /// If the segment is too short (or misaligned) for the field.
        #[allow(non_snake_case)]
        pub fn inner(
            segment: &::ffm::Segment,
        ) -> <ffm_id as ::ffm::__private::FieldAccess>::Get<'_> {
            <ffm_id as ::ffm::__private::FieldAccess>::get(
                segment,
                Self::OFFSET_INNER,
                true,
            )
        }
        /// Writes `inner` into a segment holding a `ffm_nested`.
        ///
        /// # Panics
        /// If the segment is too short (or misaligned) for the field.
        #[allow(non_snake_case)]
        pub fn set_inner(
            segment: &mut ::ffm::Segment,
            value: <ffm_id as ::ffm::__private::FieldAccess>::Set<'_>,
        ) {
            <ffm_id as ::ffm::__private::FieldAccess>::set(
                segment,
                Self::OFFSET_INNER,
                true,
                value,
            )
        }
        /// Byte offset of `cb`.
        pub const OFFSET_CB: usize = Self::__FFM_LAYOUT.offset(1usize);
        /// Reads `cb` from a segment holding a `ffm_nested` (an aggregate field comes back as a sub-segment).
        ///
        /// # Panics
        /// If the segment is too short (or misaligned) for the field.
        #[allow(non_snake_case)]
        pub fn cb(
            segment: &::ffm::Segment,
        ) -> <::core::option::Option<
            unsafe extern "C" fn(ffm_id, ::core::ffi::c_int) -> ffm_id,
        > as ::ffm::__private::FieldAccess>::Get<'_> {
            <::core::option::Option<
                unsafe extern "C" fn(ffm_id, ::core::ffi::c_int) -> ffm_id,
            > as ::ffm::__private::FieldAccess>::get(segment, Self::OFFSET_CB, true)
        }
        /// Writes `cb` into a segment holding a `ffm_nested`.
        ///
        /// # Panics
        /// If the segment is too short (or misaligned) for the field.
        #[allow(non_snake_case)]
        pub fn set_cb(
            segment: &mut ::ffm::Segment,
            value: <::core::option::Option<
                unsafe extern "C" fn(ffm_id, ::core::ffi::c_int) -> ffm_id,
            > as ::ffm::__private::FieldAccess>::Set<'_>,
        ) {
            <::core::option::Option<
                unsafe extern "C" fn(ffm_id, ::core::ffi::c_int) -> ffm_id,
            > as ::ffm::__private::FieldAccess>::set(
                segment,
                Self::OFFSET_CB,
                true,
                value,
            )
        }
        /// Allocates a zero-filled `ffm_nested`.
        pub fn allocate<'a>(
            allocator: impl ::ffm::__private::SegmentAllocator<'a>,
        ) -> ::ffm::Result<&'a mut ::ffm::Segment> {
            allocator.allocate_layout(&<Self as ::ffm::__private::Native>::LAYOUT)
        }
        /// Allocates a zero-filled array of `count` `ffm_nested`s.
        pub fn allocate_array<'a>(
            allocator: impl ::ffm::__private::SegmentAllocator<'a>,
            count: usize,
        ) -> ::ffm::Result<&'a mut ::ffm::Segment> {
            let size = count
                .checked_mul(::core::mem::size_of::<Self>())
                .ok_or_else(|| ::ffm::Error::SizeOverflow {
                    what: ::std::format!("{} × {}", count, "ffm_nested"),
                })?;
            allocator.allocate(size, ::core::mem::align_of::<Self>())
        }
        /// Reads a whole `ffm_nested` from the start of `segment`, field by field.
        ///
        /// Fails if the segment is shorter than the struct; any alignment is accepted.
        pub fn read(segment: &::ffm::Segment) -> ::ffm::Result<Self> {
            segment.check_access(0, ::core::mem::size_of::<Self>(), 1)?;
            Ok(<Self as ::ffm::__private::Native>::read_at(segment, 0, false))
        }
        /// Writes this `ffm_nested` to the start of `segment`, field by field.
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
            ::core::mem::size_of:: < ffm_nested > () == < ffm_nested as
            ::ffm::__private::Native > ::LAYOUT.byte_size()
        );
        assert!(
            ::core::mem::align_of:: < ffm_nested > () == < ffm_nested as
            ::ffm::__private::Native > ::LAYOUT.byte_alignment()
        );
        assert!(
            ::core::mem::offset_of!(ffm_nested, inner) == ffm_nested::__FFM_LAYOUT
            .offset(0usize)
        );
        assert!(
            ::core::mem::offset_of!(ffm_nested, cb) == ffm_nested::__FFM_LAYOUT
            .offset(1usize)
        );
        assert!(::core::mem::size_of:: < ffm_nested > () == 24usize);
        assert!(::core::mem::align_of:: < ffm_nested > () == 8usize);
        assert!(::core::mem::offset_of!(ffm_nested, inner) == 0usize);
        assert!(::core::mem::offset_of!(ffm_nested, cb) == 16usize);
    };
    #[repr(transparent)]
    #[derive(Clone, Copy, Default)]
    #[allow(non_camel_case_types, clippy::upper_case_acronyms, clippy::type_complexity)]
    pub struct IdCb(
        pub ::core::option::Option<
            unsafe extern "C" fn(ffm_id, ::core::ffi::c_int) -> ffm_id,
        >,
    );
    #[allow(clippy::undocumented_unsafe_blocks, clippy::type_complexity)]
    impl IdCb {
        /// The null function pointer.
        pub const NULL: IdCb = IdCb(None);
        /** A `IdCb` that calls `f`: an upcall stub living in `scope` (an arena), freed when it closes.

 The pointer is only valid while `scope` is open; passing it to C or calling it is `unsafe`, and the caller keeps that promise. A panic in `f` aborts the process.*/
        pub fn new<'a, F>(
            scope: impl ::ffm::__private::Scope<'a>,
            f: F,
        ) -> ::ffm::Result<IdCb>
        where
            F: Fn(ffm_id, ::core::ffi::c_int) -> ffm_id + Send + Sync + 'static,
        {
            let stub = ::ffm::__private::Linker::native()
                .upcall_typed::<(ffm_id, ::core::ffi::c_int), ffm_id, F>(scope, f)?;
            Ok(unsafe {
                IdCb::from_address(::ffm::__private::Addressable::address(&stub))
            })
        }
        /** Calls the function.

 # Safety
 The pointer must be a live C function of this signature, and its contract must hold.

 # Panics
 If the pointer is null.*/
        #[allow(clippy::too_many_arguments)]
        pub unsafe fn invoke(self, a0: ffm_id, a1: ::core::ffi::c_int) -> ffm_id {
            let f = self.0.expect("called a null function pointer");
            unsafe { f(a0, a1) }
        }
        /// The function pointer at `address` (null gives [`NULL`](Self::NULL)).
        ///
        /// # Safety
        /// A non-null address must be a C function of this type's signature.
        pub unsafe fn from_address(address: ::ffm::Address) -> IdCb {
            IdCb(unsafe {
                ::core::mem::transmute::<
                    *mut ::core::ffi::c_void,
                    ::core::option::Option<
                        unsafe extern "C" fn(ffm_id, ::core::ffi::c_int) -> ffm_id,
                    >,
                >(address.as_mut_ptr())
            })
        }
        /// The function's address (null for [`NULL`](Self::NULL)).
        pub fn address(self) -> ::ffm::Address {
            self.0
                .map_or(
                    ::ffm::Address::NULL,
                    |f| ::ffm::Address::from_ptr(f as *const u8),
                )
        }
    }
    impl ::core::fmt::Debug for IdCb {
        fn fmt(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
            f.write_fmt(format_args!(concat!("IdCb", "({})"), self.address()))
        }
    }
    #[allow(clippy::undocumented_unsafe_blocks)]
    unsafe impl ::ffm::__private::Native for IdCb {
        const LAYOUT: ::ffm::MemoryLayout = ::ffm::ADDRESS.layout();
        fn read_at(segment: &::ffm::Segment, offset: usize, aligned: bool) -> Self {
            IdCb(
                <::core::option::Option<
                    unsafe extern "C" fn(ffm_id, ::core::ffi::c_int) -> ffm_id,
                > as ::ffm::__private::Native>::read_at(segment, offset, aligned),
            )
        }
        fn write_at(self, segment: &mut ::ffm::Segment, offset: usize, aligned: bool) {
            ::ffm::__private::Native::write_at(self.0, segment, offset, aligned)
        }
    }
    impl ::ffm::__private::FieldAccess for IdCb {
        type Get<'a> = IdCb;
        type Set<'a> = IdCb;
        fn get(segment: &::ffm::Segment, offset: usize, aligned: bool) -> IdCb {
            <IdCb as ::ffm::__private::Native>::read_at(segment, offset, aligned)
        }
        fn set(segment: &mut ::ffm::Segment, offset: usize, aligned: bool, value: IdCb) {
            ::ffm::__private::Native::write_at(value, segment, offset, aligned)
        }
    }
    /// An incomplete type: use it behind pointers only.
    #[repr(C)]
    #[allow(non_camel_case_types, clippy::upper_case_acronyms)]
    pub struct ffm_opaque {
        _opaque: [u8; 0],
        _not_send_sync_unpin: ::core::marker::PhantomData<
            (*mut u8, ::core::marker::PhantomPinned),
        >,
    }
    /// The libraries these bindings load on first use: `ffm_tests::TESTLIB`. `LIBRARY_TESTLIB.check()` resolves every symbol now and reports all that are missing.
    pub static LIBRARY_TESTLIB: ::ffm::__private::ForeignLibrary = ::ffm::__private::ForeignLibrary::new(
        &[ffm_tests::TESTLIB],
        &["ffm_id_bump", "ffm_call_struct_cb", "ffm_global_counter"],
    );
    /// # Safety
    /// A call into C: the caller upholds the C function's contract (valid pointers, terminated strings, lifetimes).
    #[inline]
    #[allow(
        non_snake_case,
        clippy::too_many_arguments,
        clippy::undocumented_unsafe_blocks,
        clippy::type_complexity
    )]
    pub unsafe fn ffm_id_bump(v: ffm_id, k: ::core::ffi::c_int) -> ffm_id {
        unsafe extern "C-unwind" fn __ffm_resolve(
            __ffm_0: ffm_id,
            __ffm_1: ::core::ffi::c_int,
        ) -> ffm_id {
            let __ffm_fn: unsafe extern "C-unwind" fn(
                ffm_id,
                ::core::ffi::c_int,
            ) -> ffm_id = unsafe {
                ::core::mem::transmute(__FFM_SLOT.bind(&LIBRARY_TESTLIB, "ffm_id_bump"))
            };
            unsafe { __ffm_fn(__ffm_0, __ffm_1) }
        }
        static __FFM_SLOT: ::ffm::__private::FnSlot = ::ffm::__private::FnSlot::resolving(
            __ffm_resolve
                as unsafe extern "C-unwind" fn(ffm_id, ::core::ffi::c_int) -> ffm_id
                as *const ::core::ffi::c_void,
        );
        let __ffm_fn: unsafe extern "C-unwind" fn(
            ffm_id,
            ::core::ffi::c_int,
        ) -> ffm_id = unsafe { ::core::mem::transmute(__FFM_SLOT.load()) };
        unsafe { __ffm_fn(v, k) }
    }
    /// The descriptor and address of [`ffm_id_bump`](fn@ffm_id_bump).
    #[allow(non_snake_case)]
    pub mod ffm_id_bump {
        /// The function's descriptor.
        pub const DESCRIPTOR: ::ffm::__private::FunctionDescriptor = ::ffm::__private::FunctionDescriptor::new(
            Some(<super::ffm_id as ::ffm::__private::Native>::LAYOUT),
            &[
                <super::ffm_id as ::ffm::__private::Native>::LAYOUT,
                <::core::ffi::c_int as ::ffm::__private::Native>::LAYOUT,
            ],
        );
        /// The function's address, binding it now if need be.
        pub fn address() -> ::ffm::Result<::ffm::Address> {
            super::LIBRARY_TESTLIB.resolve("ffm_id_bump")
        }
    }
    /// # Safety
    /// A call into C: the caller upholds the C function's contract (valid pointers, terminated strings, lifetimes).
    #[inline]
    #[allow(
        non_snake_case,
        clippy::too_many_arguments,
        clippy::undocumented_unsafe_blocks,
        clippy::type_complexity
    )]
    pub unsafe fn ffm_call_struct_cb(
        cb: IdCb,
        v: ffm_id,
        k: ::core::ffi::c_int,
    ) -> ffm_id {
        unsafe extern "C-unwind" fn __ffm_resolve(
            __ffm_0: IdCb,
            __ffm_1: ffm_id,
            __ffm_2: ::core::ffi::c_int,
        ) -> ffm_id {
            let __ffm_fn: unsafe extern "C-unwind" fn(
                IdCb,
                ffm_id,
                ::core::ffi::c_int,
            ) -> ffm_id = unsafe {
                ::core::mem::transmute(
                    __FFM_SLOT.bind(&LIBRARY_TESTLIB, "ffm_call_struct_cb"),
                )
            };
            unsafe { __ffm_fn(__ffm_0, __ffm_1, __ffm_2) }
        }
        static __FFM_SLOT: ::ffm::__private::FnSlot = ::ffm::__private::FnSlot::resolving(
            __ffm_resolve
                as unsafe extern "C-unwind" fn(
                    IdCb,
                    ffm_id,
                    ::core::ffi::c_int,
                ) -> ffm_id as *const ::core::ffi::c_void,
        );
        let __ffm_fn: unsafe extern "C-unwind" fn(
            IdCb,
            ffm_id,
            ::core::ffi::c_int,
        ) -> ffm_id = unsafe { ::core::mem::transmute(__FFM_SLOT.load()) };
        unsafe { __ffm_fn(cb, v, k) }
    }
    /// The descriptor and address of [`ffm_call_struct_cb`](fn@ffm_call_struct_cb).
    #[allow(non_snake_case)]
    pub mod ffm_call_struct_cb {
        /// The function's descriptor.
        pub const DESCRIPTOR: ::ffm::__private::FunctionDescriptor = ::ffm::__private::FunctionDescriptor::new(
            Some(<super::ffm_id as ::ffm::__private::Native>::LAYOUT),
            &[
                <super::IdCb as ::ffm::__private::Native>::LAYOUT,
                <super::ffm_id as ::ffm::__private::Native>::LAYOUT,
                <::core::ffi::c_int as ::ffm::__private::Native>::LAYOUT,
            ],
        );
        /// The function's address, binding it now if need be.
        pub fn address() -> ::ffm::Result<::ffm::Address> {
            super::LIBRARY_TESTLIB.resolve("ffm_call_struct_cb")
        }
    }
    #[allow(
        non_snake_case,
        non_upper_case_globals,
        clippy::undocumented_unsafe_blocks,
        clippy::type_complexity
    )]
    pub mod ffm_global_counter {
        /// The global's address.
        pub fn address() -> ::ffm::Result<::ffm::Address> {
            super::LIBRARY_TESTLIB.resolve("ffm_global_counter")
        }
        /// Reads the global.
        ///
        /// # Safety
        /// No other thread (nor C code) may write the global meanwhile, and it must hold a
        /// valid value of its type.
        ///
        /// # Panics
        /// If the symbol cannot be found.
        pub unsafe fn get() -> ::core::ffi::c_int {
            let p = address()
                .unwrap_or_else(|e| panic!("ffm: {}", e))
                .as_ptr::<::core::ffi::c_int>();
            unsafe { p.read() }
        }
        /// Writes the global.
        ///
        /// # Safety
        /// No other thread (nor C code) may access the global meanwhile.
        ///
        /// # Panics
        /// If the symbol cannot be found.
        pub unsafe fn set(value: ::core::ffi::c_int) {
            let p = address()
                .unwrap_or_else(|e| panic!("ffm: {}", e))
                .as_mut_ptr::<::core::ffi::c_int>();
            unsafe { p.write(value) }
        }
        /// The global's memory, as a segment of its size.
        ///
        /// # Safety
        /// For as long as the segment is used, nothing else may access the global.
        pub unsafe fn segment() -> ::ffm::Result<&'static mut ::ffm::Segment> {
            let a = address()?;
            Ok(unsafe {
                a.reinterpret_mut(::core::mem::size_of::<::core::ffi::c_int>())
            })
        }
    }
    /// The libraries these bindings load on first use: `m`. `LIBM.check()` resolves every symbol now and reports all that are missing.
    pub static LIBM: ::ffm::__private::ForeignLibrary = ::ffm::__private::ForeignLibrary::new(
        &["m"],
        &["cbrt"],
    );
    #[inline]
    #[allow(
        non_snake_case,
        clippy::too_many_arguments,
        clippy::undocumented_unsafe_blocks,
        clippy::type_complexity
    )]
    pub fn cbrt(x: f64) -> f64 {
        unsafe extern "C-unwind" fn __ffm_resolve(__ffm_0: f64) -> f64 {
            let __ffm_fn: unsafe extern "C-unwind" fn(f64) -> f64 = unsafe {
                ::core::mem::transmute(__FFM_SLOT.bind(&LIBM, "cbrt"))
            };
            unsafe { __ffm_fn(__ffm_0) }
        }
        static __FFM_SLOT: ::ffm::__private::FnSlot = ::ffm::__private::FnSlot::resolving(
            __ffm_resolve as unsafe extern "C-unwind" fn(f64) -> f64
                as *const ::core::ffi::c_void,
        );
        let __ffm_fn: unsafe extern "C-unwind" fn(f64) -> f64 = unsafe {
            ::core::mem::transmute(__FFM_SLOT.load())
        };
        unsafe { __ffm_fn(x) }
    }
    /// The descriptor and address of [`cbrt`](fn@cbrt).
    #[allow(non_snake_case)]
    pub mod cbrt {
        /// The function's descriptor.
        pub const DESCRIPTOR: ::ffm::__private::FunctionDescriptor = ::ffm::__private::FunctionDescriptor::new(
            Some(<f64 as ::ffm::__private::Native>::LAYOUT),
            &[<f64 as ::ffm::__private::Native>::LAYOUT],
        );
        /// The function's address, binding it now if need be.
        pub fn address() -> ::ffm::Result<::ffm::Address> {
            super::LIBM.resolve("cbrt")
        }
    }
    #[allow(clippy::type_complexity)]
    const _: fn((c_int,)) -> (::core::ffi::c_int,) = ::core::convert::identity;
}
