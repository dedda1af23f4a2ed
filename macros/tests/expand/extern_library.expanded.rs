/// zlib, loaded on first use.
/// The libraries these bindings load on first use: `z`. `LIBRARY_Z.check()` resolves every symbol now and reports all that are missing.
pub static LIBRARY_Z: ::ffm::__private::ForeignLibrary = ::ffm::__private::ForeignLibrary::new(
    &["z"],
    &["zlibVersion", "compress", "crc32"],
);
/// The library's version string.
#[inline]
#[allow(
    non_snake_case,
    clippy::too_many_arguments,
    clippy::undocumented_unsafe_blocks,
    clippy::type_complexity
)]
pub fn zlibVersion() -> *const ::core::ffi::c_char {
    unsafe extern "C-unwind" fn __ffm_resolve() -> *const ::core::ffi::c_char {
        let __ffm_fn: unsafe extern "C-unwind" fn() -> *const ::core::ffi::c_char = unsafe {
            ::core::mem::transmute(__FFM_SLOT.bind(&LIBRARY_Z, "zlibVersion"))
        };
        unsafe { __ffm_fn() }
    }
    static __FFM_SLOT: ::ffm::__private::FnSlot = ::ffm::__private::FnSlot::resolving(
        __ffm_resolve as unsafe extern "C-unwind" fn() -> *const ::core::ffi::c_char
            as *const ::core::ffi::c_void,
    );
    let __ffm_fn: unsafe extern "C-unwind" fn() -> *const ::core::ffi::c_char = unsafe {
        ::core::mem::transmute(__FFM_SLOT.load())
    };
    unsafe { __ffm_fn() }
}
/// The descriptor and address of [`zlibVersion`](fn@zlibVersion).
#[allow(non_snake_case)]
pub mod zlibVersion {
    /// The function's descriptor.
    pub const DESCRIPTOR: ::ffm::__private::FunctionDescriptor = ::ffm::__private::FunctionDescriptor::new(
        Some(<*const ::core::ffi::c_char as ::ffm::__private::Native>::LAYOUT),
        &[],
    );
    /// The function's address, binding it now if need be.
    pub fn address() -> ::ffm::Result<::ffm::Address> {
        super::LIBRARY_Z.resolve("zlibVersion")
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
pub unsafe fn compress(
    dest: impl ::ffm::__private::Addressable,
    dest_len: impl ::ffm::__private::Addressable,
    source: impl ::ffm::__private::Addressable,
    source_len: ::core::ffi::c_ulong,
) -> ::core::ffi::c_int {
    unsafe extern "C-unwind" fn __ffm_resolve(
        __ffm_0: *mut u8,
        __ffm_1: *mut ::core::ffi::c_ulong,
        __ffm_2: *const u8,
        __ffm_3: ::core::ffi::c_ulong,
    ) -> ::core::ffi::c_int {
        let __ffm_fn: unsafe extern "C-unwind" fn(
            *mut u8,
            *mut ::core::ffi::c_ulong,
            *const u8,
            ::core::ffi::c_ulong,
        ) -> ::core::ffi::c_int = unsafe {
            ::core::mem::transmute(__FFM_SLOT.bind(&LIBRARY_Z, "compress"))
        };
        unsafe { __ffm_fn(__ffm_0, __ffm_1, __ffm_2, __ffm_3) }
    }
    static __FFM_SLOT: ::ffm::__private::FnSlot = ::ffm::__private::FnSlot::resolving(
        __ffm_resolve
            as unsafe extern "C-unwind" fn(
                *mut u8,
                *mut ::core::ffi::c_ulong,
                *const u8,
                ::core::ffi::c_ulong,
            ) -> ::core::ffi::c_int as *const ::core::ffi::c_void,
    );
    let __ffm_fn: unsafe extern "C-unwind" fn(
        *mut u8,
        *mut ::core::ffi::c_ulong,
        *const u8,
        ::core::ffi::c_ulong,
    ) -> ::core::ffi::c_int = unsafe { ::core::mem::transmute(__FFM_SLOT.load()) };
    unsafe {
        __ffm_fn(
            ::ffm::__private::Addressable::address(&dest).as_mut_ptr(),
            ::ffm::__private::Addressable::address(&dest_len).as_mut_ptr(),
            ::ffm::__private::Addressable::address(&source).as_ptr(),
            source_len,
        )
    }
}
/// The descriptor and address of [`compress`](fn@compress).
#[allow(non_snake_case)]
pub mod compress {
    /// The function's descriptor.
    pub const DESCRIPTOR: ::ffm::__private::FunctionDescriptor = ::ffm::__private::FunctionDescriptor::new(
        Some(<::core::ffi::c_int as ::ffm::__private::Native>::LAYOUT),
        &[
            <*mut u8 as ::ffm::__private::Native>::LAYOUT,
            <*mut ::core::ffi::c_ulong as ::ffm::__private::Native>::LAYOUT,
            <*const u8 as ::ffm::__private::Native>::LAYOUT,
            <::core::ffi::c_ulong as ::ffm::__private::Native>::LAYOUT,
        ],
    );
    /// The function's address, binding it now if need be.
    pub fn address() -> ::ffm::Result<::ffm::Address> {
        super::LIBRARY_Z.resolve("compress")
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
pub unsafe fn checksum(
    crc: ::core::ffi::c_ulong,
    buf: impl ::ffm::__private::Addressable,
    len: ::core::ffi::c_uint,
) -> ::core::ffi::c_ulong {
    unsafe extern "C-unwind" fn __ffm_resolve(
        __ffm_0: ::core::ffi::c_ulong,
        __ffm_1: *const u8,
        __ffm_2: ::core::ffi::c_uint,
    ) -> ::core::ffi::c_ulong {
        let __ffm_fn: unsafe extern "C-unwind" fn(
            ::core::ffi::c_ulong,
            *const u8,
            ::core::ffi::c_uint,
        ) -> ::core::ffi::c_ulong = unsafe {
            ::core::mem::transmute(__FFM_SLOT.bind(&LIBRARY_Z, "crc32"))
        };
        unsafe { __ffm_fn(__ffm_0, __ffm_1, __ffm_2) }
    }
    static __FFM_SLOT: ::ffm::__private::FnSlot = ::ffm::__private::FnSlot::resolving(
        __ffm_resolve
            as unsafe extern "C-unwind" fn(
                ::core::ffi::c_ulong,
                *const u8,
                ::core::ffi::c_uint,
            ) -> ::core::ffi::c_ulong as *const ::core::ffi::c_void,
    );
    let __ffm_fn: unsafe extern "C-unwind" fn(
        ::core::ffi::c_ulong,
        *const u8,
        ::core::ffi::c_uint,
    ) -> ::core::ffi::c_ulong = unsafe { ::core::mem::transmute(__FFM_SLOT.load()) };
    unsafe { __ffm_fn(crc, ::ffm::__private::Addressable::address(&buf).as_ptr(), len) }
}
/// The descriptor and address of [`checksum`](fn@checksum).
#[allow(non_snake_case)]
pub mod checksum {
    /// The function's descriptor.
    pub const DESCRIPTOR: ::ffm::__private::FunctionDescriptor = ::ffm::__private::FunctionDescriptor::new(
        Some(<::core::ffi::c_ulong as ::ffm::__private::Native>::LAYOUT),
        &[
            <::core::ffi::c_ulong as ::ffm::__private::Native>::LAYOUT,
            <*const u8 as ::ffm::__private::Native>::LAYOUT,
            <::core::ffi::c_uint as ::ffm::__private::Native>::LAYOUT,
        ],
    );
    /// The function's address, binding it now if need be.
    pub fn address() -> ::ffm::Result<::ffm::Address> {
        super::LIBRARY_Z.resolve("crc32")
    }
}
#[allow(clippy::type_complexity)]
const _: fn(
    (c_char, c_ulong, c_int, c_uint),
) -> (
    ::core::ffi::c_char,
    ::core::ffi::c_ulong,
    ::core::ffi::c_int,
    ::core::ffi::c_uint,
) = ::core::convert::identity;
