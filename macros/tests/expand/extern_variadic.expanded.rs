/// The libraries these bindings load on first use: the default lookup (the running process, libc, libm). `LIBC.check()` resolves every symbol now and reports all that are missing.
pub static LIBC: ::ffm::__private::ForeignLibrary = ::ffm::__private::ForeignLibrary::new(
    &[],
    &["snprintf", "errno_like", "environ"],
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
pub unsafe fn snprintf<
    __FfmVarArgs: ::ffm::__private::VarArgs<
            (*mut ::core::ffi::c_char, usize, *const ::core::ffi::c_char),
        >,
>(
    buf: impl ::ffm::__private::Addressable,
    size: usize,
    format: impl ::ffm::__private::Addressable,
    args: __FfmVarArgs,
) -> ::core::ffi::c_int {
    let __ffm_fn = {
        static __FFM_SLOT: ::ffm::__private::FnSlot = ::ffm::__private::FnSlot::new();
        __FFM_SLOT.get(&LIBC, "snprintf")
    };
    unsafe {
        ::ffm::__private::VarArgs::call::<
            ::core::ffi::c_int,
        >(
            args,
            __ffm_fn,
            (
                ::ffm::__private::Addressable::address(&buf).as_mut_ptr(),
                size,
                ::ffm::__private::Addressable::address(&format).as_ptr(),
            ),
        )
    }
}
/// The descriptor and address of [`snprintf`](fn@snprintf).
#[allow(non_snake_case)]
pub mod snprintf {
    /// The descriptor of the fixed parameters (the function is variadic).
    pub const DESCRIPTOR: ::ffm::__private::FunctionDescriptor = ::ffm::__private::FunctionDescriptor::new(
        Some(<::core::ffi::c_int as ::ffm::__private::Native>::LAYOUT),
        &[
            <*mut ::core::ffi::c_char as ::ffm::__private::Native>::LAYOUT,
            <usize as ::ffm::__private::Native>::LAYOUT,
            <*const ::core::ffi::c_char as ::ffm::__private::Native>::LAYOUT,
        ],
    );
    /// The function's address, binding it now if need be.
    pub fn address() -> ::ffm::Result<::ffm::Address> {
        super::LIBC.resolve("snprintf")
    }
}
#[allow(
    non_snake_case,
    non_upper_case_globals,
    clippy::undocumented_unsafe_blocks,
    clippy::type_complexity
)]
pub mod errno_like {
    /// The global's address.
    pub fn address() -> ::ffm::Result<::ffm::Address> {
        super::LIBC.resolve("errno_like")
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
        Ok(unsafe { a.reinterpret_mut(::core::mem::size_of::<::core::ffi::c_int>()) })
    }
}
#[allow(
    non_snake_case,
    non_upper_case_globals,
    clippy::undocumented_unsafe_blocks,
    clippy::type_complexity
)]
pub mod environ {
    /// The global's address.
    pub fn address() -> ::ffm::Result<::ffm::Address> {
        super::LIBC.resolve("environ")
    }
    /// Reads the global.
    ///
    /// # Safety
    /// No other thread (nor C code) may write the global meanwhile, and it must hold a
    /// valid value of its type.
    ///
    /// # Panics
    /// If the symbol cannot be found.
    pub unsafe fn get() -> *const *const ::core::ffi::c_char {
        let p = address()
            .unwrap_or_else(|e| panic!("ffm: {}", e))
            .as_ptr::<*const *const ::core::ffi::c_char>();
        unsafe { p.read() }
    }
    /// The global's memory, as a segment of its size.
    ///
    /// # Safety
    /// For as long as the segment is used, nothing else may access the global.
    pub unsafe fn segment() -> ::ffm::Result<&'static mut ::ffm::Segment> {
        let a = address()?;
        Ok(unsafe {
            a.reinterpret_mut(
                ::core::mem::size_of::<*const *const ::core::ffi::c_char>(),
            )
        })
    }
}
#[allow(clippy::type_complexity)]
const _: fn((c_char, c_int)) -> (::core::ffi::c_char, ::core::ffi::c_int) = ::core::convert::identity;
