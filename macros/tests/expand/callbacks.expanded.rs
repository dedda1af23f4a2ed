#[repr(transparent)]
#[derive(Clone, Copy, Default)]
#[allow(non_camel_case_types, clippy::upper_case_acronyms, clippy::type_complexity)]
pub struct Compare(
    pub ::core::option::Option<
        unsafe extern "C" fn(
            *const ::core::ffi::c_void,
            *const ::core::ffi::c_void,
        ) -> ::core::ffi::c_int,
    >,
);
#[allow(clippy::undocumented_unsafe_blocks, clippy::type_complexity)]
impl Compare {
    /// The null function pointer.
    pub const NULL: Compare = Compare(None);
    /** A `Compare` that calls `f`: an upcall stub living in `scope` (an arena), freed when it closes.

 The pointer is only valid while `scope` is open; passing it to C or calling it is `unsafe`, and the caller keeps that promise. A panic in `f` aborts the process.*/
    pub fn new<'a, F>(
        scope: impl ::ffm::__private::Scope<'a>,
        f: F,
    ) -> ::ffm::Result<Compare>
    where
        F: Fn(
                *const ::core::ffi::c_void,
                *const ::core::ffi::c_void,
            ) -> ::core::ffi::c_int + Send + Sync + 'static,
    {
        let stub = ::ffm::__private::Linker::native()
            .upcall_typed::<
                (*const ::core::ffi::c_void, *const ::core::ffi::c_void),
                ::core::ffi::c_int,
                F,
            >(scope, f)?;
        Ok(unsafe {
            Compare::from_address(::ffm::__private::Addressable::address(&stub))
        })
    }
    /** Calls the function.

 # Safety
 The pointer must be a live C function of this signature, and its contract must hold.

 # Panics
 If the pointer is null.*/
    #[allow(clippy::too_many_arguments)]
    pub unsafe fn invoke(
        self,
        a0: *const ::core::ffi::c_void,
        a1: *const ::core::ffi::c_void,
    ) -> ::core::ffi::c_int {
        let f = self.0.expect("called a null function pointer");
        unsafe { f(a0, a1) }
    }
    /// The function pointer at `address` (null gives [`NULL`](Self::NULL)).
    ///
    /// # Safety
    /// A non-null address must be a C function of this type's signature.
    pub unsafe fn from_address(address: ::ffm::Address) -> Compare {
        Compare(unsafe {
            ::core::mem::transmute::<
                *mut ::core::ffi::c_void,
                ::core::option::Option<
                    unsafe extern "C" fn(
                        *const ::core::ffi::c_void,
                        *const ::core::ffi::c_void,
                    ) -> ::core::ffi::c_int,
                >,
            >(address.as_mut_ptr())
        })
    }
    /// The function's address (null for [`NULL`](Self::NULL)).
    pub fn address(self) -> ::ffm::Address {
        self.0.map_or(::ffm::Address::NULL, |f| ::ffm::Address::from_ptr(f as *const u8))
    }
}
impl ::core::fmt::Debug for Compare {
    fn fmt(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
        f.write_fmt(format_args!(concat!("Compare", "({})"), self.address()))
    }
}
#[allow(clippy::undocumented_unsafe_blocks)]
unsafe impl ::ffm::__private::Native for Compare {
    const LAYOUT: ::ffm::MemoryLayout = ::ffm::ADDRESS.layout();
    fn read_at(segment: &::ffm::Segment, offset: usize, aligned: bool) -> Self {
        Compare(
            <::core::option::Option<
                unsafe extern "C" fn(
                    *const ::core::ffi::c_void,
                    *const ::core::ffi::c_void,
                ) -> ::core::ffi::c_int,
            > as ::ffm::__private::Native>::read_at(segment, offset, aligned),
        )
    }
    fn write_at(self, segment: &mut ::ffm::Segment, offset: usize, aligned: bool) {
        ::ffm::__private::Native::write_at(self.0, segment, offset, aligned)
    }
}
impl ::ffm::__private::FieldAccess for Compare {
    type Get<'a> = Compare;
    type Set<'a> = Compare;
    fn get(segment: &::ffm::Segment, offset: usize, aligned: bool) -> Compare {
        <Compare as ::ffm::__private::Native>::read_at(segment, offset, aligned)
    }
    fn set(segment: &mut ::ffm::Segment, offset: usize, aligned: bool, value: Compare) {
        ::ffm::__private::Native::write_at(value, segment, offset, aligned)
    }
}
#[allow(clippy::type_complexity)]
const _: fn((c_void, c_int)) -> (::core::ffi::c_void, ::core::ffi::c_int) = ::core::convert::identity;
#[allow(non_camel_case_types, clippy::upper_case_acronyms)]
pub type size_t = usize;
#[allow(non_upper_case_globals, clippy::approx_constant)]
pub const MAX: ::core::ffi::c_long = 1048576;
#[allow(clippy::type_complexity)]
const _: fn((c_long,)) -> (::core::ffi::c_long,) = ::core::convert::identity;
