#[link(name = "m")]
#[allow(
    non_snake_case,
    non_upper_case_globals,
    clippy::missing_safety_doc,
    clippy::type_complexity
)]
unsafe extern "C" {
    #[link_name = "cos"]
    fn __ffm_link_cos(x: f64) -> f64;
    #[link_name = "frexp"]
    fn __ffm_link_frexp(x: f64, exp: *mut ::core::ffi::c_int) -> f64;
}
#[inline]
#[allow(
    non_snake_case,
    clippy::too_many_arguments,
    clippy::undocumented_unsafe_blocks,
    clippy::type_complexity
)]
pub fn cos(x: f64) -> f64 {
    unsafe { __ffm_link_cos(x) }
}
/// The descriptor and address of [`cos`](fn@cos).
#[allow(non_snake_case)]
pub mod cos {
    /// The function's descriptor.
    pub const DESCRIPTOR: ::ffm::__private::FunctionDescriptor = ::ffm::__private::FunctionDescriptor::new(
        Some(<f64 as ::ffm::__private::Native>::LAYOUT),
        &[<f64 as ::ffm::__private::Native>::LAYOUT],
    );
    /// The function's address, binding it now if need be.
    pub fn address() -> ::ffm::Result<::ffm::Address> {
        Ok(::ffm::Address::from_ptr(super::__ffm_link_cos as *const u8))
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
pub unsafe fn frexp(x: f64, exp: impl ::ffm::__private::Addressable) -> f64 {
    unsafe {
        __ffm_link_frexp(x, ::ffm::__private::Addressable::address(&exp).as_mut_ptr())
    }
}
/// The descriptor and address of [`frexp`](fn@frexp).
#[allow(non_snake_case)]
pub mod frexp {
    /// The function's descriptor.
    pub const DESCRIPTOR: ::ffm::__private::FunctionDescriptor = ::ffm::__private::FunctionDescriptor::new(
        Some(<f64 as ::ffm::__private::Native>::LAYOUT),
        &[
            <f64 as ::ffm::__private::Native>::LAYOUT,
            <*mut ::core::ffi::c_int as ::ffm::__private::Native>::LAYOUT,
        ],
    );
    /// The function's address, binding it now if need be.
    pub fn address() -> ::ffm::Result<::ffm::Address> {
        Ok(::ffm::Address::from_ptr(super::__ffm_link_frexp as *const u8))
    }
}
#[allow(clippy::type_complexity)]
const _: fn((c_int,)) -> (::core::ffi::c_int,) = ::core::convert::identity;
