//! Raw addresses: pointers with no bounds, as C hands them out.

use std::ffi::{CStr, c_char};
use std::fmt;

use crate::layout::{Carrier, ValueLayout};
use crate::segment::Segment;

/// A raw machine address: a pointer with no spatial or temporal bounds, like the zero-length
/// segments Java gives for pointers that come from C.
///
/// An `Address` is `Copy` and can be stored, compared and passed back to C freely. Reading or
/// writing through it is a *restricted* operation: [`reinterpret`](Self::reinterpret) gives it
/// bounds and a lifetime that the caller vouches for, and [`read`](Self::read) /
/// [`write`](Self::write) access it directly. All of those are `unsafe`.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[repr(transparent)]
pub struct Address(*mut u8);

// SAFETY: an Address is a plain number with provenance; moving or sharing it between threads
// does nothing with the memory it points to. Every dereference is `unsafe` and is where the
// caller must reason about threads.
unsafe impl Send for Address {}
// SAFETY: as for Send: `&Address` only gives access to the pointer value.
unsafe impl Sync for Address {}

impl Default for Address {
    fn default() -> Self {
        Address::NULL
    }
}

impl Address {
    /// The null address.
    pub const NULL: Address = Address(std::ptr::null_mut());

    /// The address of `ptr`.
    pub const fn from_ptr<T>(ptr: *const T) -> Address {
        Address(ptr as *mut u8)
    }

    /// The address of `ptr`.
    pub const fn from_mut_ptr<T>(ptr: *mut T) -> Address {
        Address(ptr.cast())
    }

    /// The address as a pointer to `T`.
    pub const fn as_ptr<T>(self) -> *const T {
        self.0 as *const T
    }

    /// The address as a mutable pointer to `T`.
    pub const fn as_mut_ptr<T>(self) -> *mut T {
        self.0.cast()
    }

    /// The address as a number.
    pub fn addr(self) -> usize {
        self.0.addr()
    }

    /// Whether this is the null address.
    pub fn is_null(self) -> bool {
        self.0.is_null()
    }

    /// The address `bytes` further on (wrapping; no memory is touched).
    pub const fn offset(self, bytes: isize) -> Address {
        Address(self.0.wrapping_offset(bytes))
    }

    /// The address `bytes` further on (wrapping; no memory is touched).
    pub const fn add(self, bytes: usize) -> Address {
        Address(self.0.wrapping_add(bytes))
    }

    /// A read-only segment of `len` bytes at this address, valid for `'a`.
    ///
    /// # Safety
    /// For all of `'a`, the `len` bytes at this address must be readable, initialized, and not
    /// written through any other pointer (including by C code). A null address is allowed only
    /// with `len == 0`.
    ///
    /// ```
    /// use ffm::{Address, I32};
    /// let data = [1i32, 2, 3];
    /// let addr = Address::from_ptr(data.as_ptr());
    /// // SAFETY: `data` is 12 initialized bytes that outlive `seg` and nothing writes to them.
    /// let seg = unsafe { addr.reinterpret(12) };
    /// assert_eq!(seg.get_at_index(I32, 2), 3);
    /// ```
    pub unsafe fn reinterpret<'a>(self, len: usize) -> &'a Segment {
        if len == 0 {
            return Segment::empty();
        }
        // SAFETY: the caller vouches for `len` readable, initialized, unaliased-by-writers bytes.
        unsafe { Segment::from_raw_parts(self.0, len) }
    }

    /// A read-write segment of `len` bytes at this address, valid for `'a`.
    ///
    /// # Safety
    /// For all of `'a`, the `len` bytes at this address must be readable, writable and
    /// initialized, and not accessed through any other pointer (including by C code).
    pub unsafe fn reinterpret_mut<'a>(self, len: usize) -> &'a mut Segment {
        if len == 0 {
            return Segment::empty_mut();
        }
        // SAFETY: the caller vouches for `len` exclusive, initialized, writable bytes.
        unsafe { Segment::from_raw_parts_mut(self.0, len) }
    }

    /// Reads a value of `layout` at `offset` bytes past this address (seed 002's restricted
    /// address dereference). Alignment is not checked.
    ///
    /// # Safety
    /// The bytes read must be readable and initialized.
    #[inline]
    pub unsafe fn read<T: Carrier>(self, layout: ValueLayout<T>, offset: usize) -> T {
        // SAFETY: the caller vouches for the bytes; read is unaligned.
        unsafe { T::read(self.0.wrapping_add(offset), layout.order()) }
    }

    /// Writes `value` with `layout` at `offset` bytes past this address. Alignment is not
    /// checked.
    ///
    /// # Safety
    /// The bytes written must be writable and not borrowed by any Rust reference.
    #[inline]
    pub unsafe fn write<T: Carrier>(self, layout: ValueLayout<T>, offset: usize, value: T) {
        // SAFETY: the caller vouches for the bytes; write is unaligned.
        unsafe { value.write(self.0.wrapping_add(offset), layout.order()) }
    }

    /// The NUL-terminated C string at this address.
    ///
    /// # Safety
    /// The address must point to a NUL-terminated string that stays valid and unchanged for
    /// `'a`.
    pub unsafe fn read_cstr<'a>(self) -> &'a CStr {
        // SAFETY: forwarded caller contract.
        unsafe { CStr::from_ptr(self.0 as *const c_char) }
    }
}

impl fmt::Debug for Address {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Address({:#x})", self.addr())
    }
}

impl fmt::Display for Address {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:#x}", self.addr())
    }
}

impl fmt::Pointer for Address {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Pointer::fmt(&self.0, f)
    }
}

impl<T> From<*const T> for Address {
    fn from(p: *const T) -> Address {
        Address::from_ptr(p)
    }
}

impl<T> From<*mut T> for Address {
    fn from(p: *mut T) -> Address {
        Address::from_mut_ptr(p)
    }
}
