//! The one door generated code uses into the runtime (`::ffm::__private`). Not a public API:
//! it may change in any release. Everything here is what `#[ffm::foreign]` and `ffm-extract`
//! emit calls to, and nothing else.

use std::ffi::c_void;
use std::sync::OnceLock;
use std::sync::atomic::{AtomicPtr, Ordering};

pub use crate::layout::{SequenceLayout, ValueLayout};
pub use crate::linker::FunctionDescriptor;
pub use crate::linker::{
    Addressable, FieldAccess, Linker, Native, UpcallFn, UpcallReturn, aggregate_get, aggregate_set,
};
pub use crate::{Address, Error, MemoryLayout, Result, Scope, Segment, SegmentAllocator};

use crate::layout::{LayoutKind, PaddingLayout, StructLayout, UnionLayout};

use crate::linker::{Library, SymbolLookup};

/// Lays out a C struct at compile time: inserts the padding C inserts between the `N` fields
/// (and at the end), honouring `#pragma pack` (`pack`, 0 for none) and an explicit alignment
/// (`align`, 0 for natural). `M` must be at least `2 * N + 1`.
///
/// Generated code keeps one in a `static` (or a `&'static` const) so that
/// [`layout`](CStruct::layout) can hand out a `&'static` member slice in a `const`.
#[derive(Debug)]
pub struct CStruct<const M: usize> {
    members: [MemoryLayout; M],
    len: usize,
    offsets: [usize; M],
    size: usize,
    align: usize,
}

const fn max(a: usize, b: usize) -> usize {
    if a > b { a } else { b }
}

impl<const M: usize> CStruct<M> {
    /// Lays out `fields` by C's rules.
    ///
    /// # Panics
    /// At compile time, if `M < 2 * N + 1` or an alignment is not a power of two.
    pub const fn new<const N: usize>(fields: [MemoryLayout; N], pack: usize, align: usize) -> Self {
        assert!(M > 2 * N, "CStruct capacity too small");
        let mut members = [PaddingLayout::new(0).layout(); M];
        let mut offsets = [0usize; M];
        let mut len = 0;
        let mut offset = 0usize;
        let mut struct_align = 1usize;
        let mut i = 0;
        while i < N {
            let mut field = fields[i];
            let mut field_align = field.byte_alignment();
            if pack > 0 && field_align > pack {
                field_align = pack;
                field = force_alignment(field, pack);
            }
            let aligned = offset.next_multiple_of(field_align);
            if aligned > offset {
                members[len] = PaddingLayout::new(aligned - offset).layout();
                len += 1;
            }
            offsets[i] = aligned;
            members[len] = field;
            len += 1;
            offset = aligned + field.byte_size();
            struct_align = max(struct_align, field_align);
            i += 1;
        }
        if align > 0 {
            struct_align = max(struct_align, align);
        }
        let size = offset.next_multiple_of(struct_align);
        if size > offset {
            members[len] = PaddingLayout::new(size - offset).layout();
            len += 1;
        }
        CStruct {
            members,
            len,
            offsets,
            size,
            align: struct_align,
        }
    }

    /// The struct layout.
    pub const fn layout(&'static self) -> StructLayout {
        // The members `new` laid out; the array lives in `self`, which is 'static.
        let members = self.members.split_at(self.len).0;
        let s = StructLayout::new(members);
        if s.byte_alignment() != self.align {
            s.with_byte_alignment(self.align)
        } else {
            s
        }
    }

    /// The byte offset of field `index` (counting fields, not padding).
    pub const fn offset(&self, index: usize) -> usize {
        self.offsets[index]
    }

    /// The struct's size.
    pub const fn size(&self) -> usize {
        self.size
    }
}

/// Lowers a layout's alignment, even below that of a group's members: the layout of a member
/// of a packed struct, which C places at any offset.
pub const fn force_alignment(layout: MemoryLayout, align: usize) -> MemoryLayout {
    match layout.kind() {
        LayoutKind::Struct(_) | LayoutKind::Union(_) => layout.with_alignment_unchecked(align),
        _ => layout.with_byte_alignment(align),
    }
}

/// Lays out a C union at compile time: the `N` members, plus trailing padding that rounds the
/// size up to the alignment, which `#pragma pack` (`pack`, 0 for none) caps and `align` may
/// raise (0 for natural). `M` must be `N + 1`.
#[derive(Debug)]
pub struct CUnion<const M: usize> {
    members: [MemoryLayout; M],
    len: usize,
    align: usize,
}

impl<const M: usize> CUnion<M> {
    /// Lays out `members` by C's rules.
    pub const fn new<const N: usize>(fields: [MemoryLayout; N], pack: usize, align: usize) -> Self {
        assert!(M > N, "CUnion capacity too small");
        let mut members = [PaddingLayout::new(0).layout(); M];
        let mut size = 0;
        let mut natural = 1;
        let mut i = 0;
        while i < N {
            let mut field = fields[i];
            if pack > 0 && field.byte_alignment() > pack {
                field = force_alignment(field, pack);
            }
            members[i] = field;
            size = max(size, field.byte_size());
            natural = max(natural, field.byte_alignment());
            i += 1;
        }
        let align = max(natural, align);
        let padded = size.next_multiple_of(align);
        let mut len = N;
        if padded > size || N == 0 {
            members[N] = PaddingLayout::new(padded).layout();
            len += 1;
        }
        CUnion {
            members,
            len,
            align,
        }
    }

    /// The union layout.
    pub const fn layout(&'static self) -> UnionLayout {
        // The members `new` laid out; `self` is 'static.
        let members = self.members.split_at(self.len).0;
        let u = UnionLayout::new(members);
        if u.byte_alignment() != self.align {
            u.with_byte_alignment(self.align)
        } else {
            u
        }
    }
}

/// The layout of a [`Native`] type as a struct layout.
///
/// # Panics
/// At compile time, if it is not one.
pub const fn struct_layout(layout: MemoryLayout) -> StructLayout {
    match layout.as_struct() {
        Some(s) => s,
        None => panic!("not a struct layout"),
    }
}

/// The layout of a [`Native`] type as a union layout.
///
/// # Panics
/// At compile time, if it is not one.
pub const fn union_layout(layout: MemoryLayout) -> UnionLayout {
    match layout.as_union() {
        Some(u) => u,
        None => panic!("not a union layout"),
    }
}

/// The libraries of one `#[foreign]` block (or extracted header), opened on first use.
#[derive(Debug)]
pub struct ForeignLibrary {
    libraries: &'static [&'static str],
    symbols: &'static [&'static str],
    opened: OnceLock<std::result::Result<Vec<Library>, String>>,
}

impl ForeignLibrary {
    /// The libraries to search, in order (none: the default lookup), and every symbol the
    /// block binds (for [`check`](Self::check)).
    pub const fn new(libraries: &'static [&'static str], symbols: &'static [&'static str]) -> Self {
        ForeignLibrary {
            libraries,
            symbols,
            opened: OnceLock::new(),
        }
    }

    fn describe(&self) -> String {
        if self.libraries.is_empty() {
            crate::linker::DefaultLookup::new().describe()
        } else {
            self.libraries
                .iter()
                .map(|l| format!("`{l}`"))
                .collect::<Vec<_>>()
                .join(", ")
        }
    }

    fn opened(&self) -> Result<&[Library]> {
        let opened = self.opened.get_or_init(|| {
            self.libraries
                .iter()
                .map(|name| Library::open(name))
                .collect::<Result<Vec<_>>>()
                .map_err(|e| e.to_string())
        });
        match opened {
            Ok(libs) => Ok(libs),
            Err(e) => Err(Error::LibraryUnavailable {
                library: self.describe(),
                reason: e.clone(),
            }),
        }
    }

    /// The address of `symbol`, or the error naming it and the libraries searched.
    pub fn resolve(&self, symbol: &str) -> Result<Address> {
        let libs = self.opened()?;
        let found = if libs.is_empty() {
            crate::linker::DefaultLookup::new().find(symbol)
        } else {
            libs.iter()
                .find_map(|l| l.find(symbol).map(|s| unsafe_static(s.address())))
        };
        found
            .map(|s| s.address())
            .ok_or_else(|| Error::SymbolNotFound {
                symbol: symbol.to_owned(),
                library: self.describe(),
            })
    }

    /// Resolves every symbol of the block now, reporting all that are missing at once.
    pub fn check(&self) -> Result<()> {
        self.opened()?;
        let missing: Vec<String> = self
            .symbols
            .iter()
            .filter(|s| self.resolve(s).is_err())
            .map(|s| s.to_string())
            .collect();
        if missing.is_empty() {
            Ok(())
        } else {
            Err(Error::MissingSymbols {
                library: self.describe(),
                symbols: missing,
            })
        }
    }
}

/// Libraries in a `ForeignLibrary` are never closed (it is a `static`), so their symbols live
/// for the program.
fn unsafe_static(address: Address) -> crate::linker::Symbol<'static> {
    // SAFETY: the library lives in a `static` OnceLock and is never dropped.
    unsafe { crate::linker::Symbol::from_address(address, "") }
}

/// A function pointer resolved on first use, then read with one atomic load.
///
/// A slot made with [`resolving`](Self::resolving) is never null: it starts out holding a
/// resolver of the function's own type, which [`bind`](Self::bind)s the symbol and forwards
/// the call, so a wrapper just loads it and calls. A slot made with [`new`](Self::new)
/// starts null and is read with [`get`](Self::get) (C-variadic functions, which Rust cannot
/// define a resolver for).
#[derive(Debug)]
pub struct FnSlot(AtomicPtr<c_void>);

impl Default for FnSlot {
    fn default() -> Self {
        FnSlot::new()
    }
}

impl FnSlot {
    /// An unresolved slot, read with [`get`](Self::get).
    pub const fn new() -> Self {
        FnSlot(AtomicPtr::new(std::ptr::null_mut()))
    }

    /// A slot that holds `resolver` until it is bound, read with [`load`](Self::load).
    /// `resolver` must have the bound function's signature.
    pub const fn resolving(resolver: *const c_void) -> Self {
        FnSlot(AtomicPtr::new(resolver.cast_mut()))
    }

    /// The function (or, before the first call, the resolver) to call.
    #[inline(always)]
    pub fn load(&self) -> *const c_void {
        // Acquire: pairs with the Release in `bind`, so that what loading the library wrote
        // is visible before its code runs.
        self.0.load(Ordering::Acquire)
    }

    /// The function's address, resolving it in `library` on first use.
    ///
    /// # Panics
    /// If the library or the symbol cannot be found; the message names both.
    #[inline(always)]
    pub fn get(&self, library: &ForeignLibrary, symbol: &str) -> *const c_void {
        let p = self.0.load(Ordering::Acquire);
        if !p.is_null() {
            return p;
        }
        self.bind(library, symbol)
    }

    /// Resolves `symbol` in `library`, stores it in the slot and returns it. Threads that race
    /// here store the same address.
    ///
    /// # Panics
    /// If the library or the symbol cannot be found; the message names both.
    #[cold]
    #[inline(never)]
    pub fn bind(&self, library: &ForeignLibrary, symbol: &str) -> *const c_void {
        match library.resolve(symbol) {
            Ok(a) => {
                self.0.store(a.as_mut_ptr(), Ordering::Release);
                a.as_ptr()
            }
            Err(e) => panic!("ffm: cannot call `{symbol}`: {e}"),
        }
    }
}

/// A value that can be passed in the variadic part of a call: what C's default argument
/// promotions leave (`int` and wider integers, `double`, pointers). Narrower integers and
/// `float` do not implement it: C never receives them.
pub trait VarArg {
    /// The type actually passed.
    type Passed: Copy;
    /// Converts to the passed type.
    fn lower(self) -> Self::Passed;
}

macro_rules! vararg_identity {
    ($($t:ty),*) => {$(
        impl VarArg for $t {
            type Passed = $t;
            #[inline(always)]
            fn lower(self) -> $t { self }
        }
    )*};
}
vararg_identity!(i32, u32, i64, u64, isize, usize, f64);

impl<T> VarArg for *const T {
    type Passed = *const T;
    #[inline(always)]
    fn lower(self) -> *const T {
        self
    }
}
impl<T> VarArg for *mut T {
    type Passed = *mut T;
    #[inline(always)]
    fn lower(self) -> *mut T {
        self
    }
}
impl VarArg for Address {
    type Passed = *mut c_void;
    #[inline(always)]
    fn lower(self) -> *mut c_void {
        self.as_mut_ptr()
    }
}
impl<T: Addressable + ?Sized> VarArg for &T {
    type Passed = *mut c_void;
    #[inline(always)]
    fn lower(self) -> *mut c_void {
        self.address().as_mut_ptr()
    }
}

/// The variadic arguments of a call to a C function whose fixed parameters are `Fixed` (a
/// tuple of 1 to 6 types): a tuple of 0 to 12 [`VarArg`]s.
///
/// Generated wrappers of variadic functions take `args: impl VarArgs<(…fixed types…)>`:
/// `printf(c"%d %s\n", (42, c"text"))`.
pub trait VarArgs<Fixed> {
    /// Calls `f` with the fixed arguments `fixed`, then these.
    ///
    /// # Safety
    /// `f` must be a C-variadic function whose fixed parameters are `Fixed`, and which accepts
    /// these variadic arguments.
    unsafe fn call<R>(self, f: *const c_void, fixed: Fixed) -> R;
}

macro_rules! spread {
    ([$($f:ident $fi:tt),*] [$($v:ident $vi:tt),*]) => {
        impl<$($f: Copy,)* $($v: VarArg),*> VarArgs<($($f,)*)> for ($($v,)*) {
            #[inline(always)]
            #[allow(unused_variables, clippy::unused_unit)]
            unsafe fn call<R>(self, f: *const c_void, fixed: ($($f,)*)) -> R {
                // SAFETY: the caller vouches that `f` is a C-variadic function with these fixed
                // parameters, accepting these (promoted) variadic arguments.
                unsafe {
                    let g: unsafe extern "C" fn($($f,)* ...) -> R = std::mem::transmute(f);
                    g($(fixed.$fi,)* $(self.$vi.lower()),*)
                }
            }
        }
    };
}

macro_rules! spread_all_var {
    ($fixed:tt) => {
        spread!($fixed []);
        spread!($fixed [V0 0]);
        spread!($fixed [V0 0, V1 1]);
        spread!($fixed [V0 0, V1 1, V2 2]);
        spread!($fixed [V0 0, V1 1, V2 2, V3 3]);
        spread!($fixed [V0 0, V1 1, V2 2, V3 3, V4 4]);
        spread!($fixed [V0 0, V1 1, V2 2, V3 3, V4 4, V5 5]);
        spread!($fixed [V0 0, V1 1, V2 2, V3 3, V4 4, V5 5, V6 6]);
        spread!($fixed [V0 0, V1 1, V2 2, V3 3, V4 4, V5 5, V6 6, V7 7]);
        spread!($fixed [V0 0, V1 1, V2 2, V3 3, V4 4, V5 5, V6 6, V7 7, V8 8]);
        spread!($fixed [V0 0, V1 1, V2 2, V3 3, V4 4, V5 5, V6 6, V7 7, V8 8, V9 9]);
        spread!($fixed [V0 0, V1 1, V2 2, V3 3, V4 4, V5 5, V6 6, V7 7, V8 8, V9 9, V10 10]);
        spread!($fixed [V0 0, V1 1, V2 2, V3 3, V4 4, V5 5, V6 6, V7 7, V8 8, V9 9, V10 10, V11 11]);
    };
}

spread_all_var!([F0 0]);
spread_all_var!([F0 0, F1 1]);
spread_all_var!([F0 0, F1 1, F2 2]);
spread_all_var!([F0 0, F1 1, F2 2, F3 3]);
spread_all_var!([F0 0, F1 1, F2 2, F3 3, F4 4]);
spread_all_var!([F0 0, F1 1, F2 2, F3 3, F4 4, F5 5]);

/// Reads `width` bits from `bytes` starting at bit `offset` (bit 0 is the least significant
/// bit of byte 0, as GCC and Clang allocate bitfields on little-endian targets).
pub fn bits_get(bytes: &[u8], offset: usize, width: usize) -> u64 {
    let mut v = 0u64;
    for i in 0..width {
        let bit = offset + i;
        if bytes[bit / 8] >> (bit % 8) & 1 == 1 {
            v |= 1 << i;
        }
    }
    v
}

/// Writes the low `width` bits of `value` into `bytes` starting at bit `offset`.
pub fn bits_set(bytes: &mut [u8], offset: usize, width: usize, value: u64) {
    for i in 0..width {
        let bit = offset + i;
        let mask = 1u8 << (bit % 8);
        if value >> i & 1 == 1 {
            bytes[bit / 8] |= mask;
        } else {
            bytes[bit / 8] &= !mask;
        }
    }
}

/// Sign-extends the low `width` bits of `v`.
pub const fn sign_extend(v: u64, width: usize) -> i64 {
    let shift = 64 - width as u32;
    ((v << shift) as i64) >> shift
}
