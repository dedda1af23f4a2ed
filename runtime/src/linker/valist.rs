//! `va_list`: built from Rust values for `vprintf`-style functions, and read inside upcalls.
//!
//! Implemented for the x86-64 System V ABI, where a `va_list` is a pointer to
//! `struct { u32 gp_offset; u32 fp_offset; void *overflow_arg_area; void *reg_save_area; }`
//! and is passed to functions as an [`ADDRESS`](crate::ADDRESS). Elsewhere, building or
//! reading one is an [`Error::Unsupported`].

use std::marker::PhantomData;

use crate::layout::{LayoutKind, MemoryLayout};
use crate::{Address, Error, Result, Segment, SegmentAllocator};

/// A C `va_list`, valid for `'a`.
///
/// Build one with [`VaList::builder`] and pass its [`address`](VaList::address) to a function
/// taking `va_list` (such as `vsnprintf`), or read one C handed to an upcall with
/// [`VaList::from_address`] and the `next_*` methods, which follow C's `va_arg`.
#[derive(Debug)]
pub struct VaList<'a> {
    tag: Address,
    _memory: PhantomData<&'a mut ()>,
}

/// One argument of a [`VaListBuilder`].
#[derive(Debug, Clone)]
enum Item {
    Int(u64),
    Float(f64),
    Struct { bytes: Vec<u8>, align: usize },
}

/// Collects the arguments of a [`VaList`].
///
/// ```
/// use ffm::linker::VaList;
/// use ffm::Arena;
/// let arena = Arena::new();
/// let mut list = VaList::builder().i32(7).f64(0.5).build(&arena).unwrap();
/// // SAFETY: read back in the order and types written.
/// unsafe {
///     assert_eq!(list.next_i32().unwrap(), 7);
///     assert_eq!(list.next_f64().unwrap(), 0.5);
/// }
/// ```
#[derive(Debug, Clone, Default)]
pub struct VaListBuilder {
    items: Vec<Item>,
}

/// Offsets at which the register save area counts as used up.
const GP_END: u32 = 48;
const FP_END: u32 = 176;

impl VaListBuilder {
    /// Adds an `int` (any C integer up to `int` is passed as one).
    pub fn i32(mut self, v: i32) -> Self {
        self.items.push(Item::Int(v as i64 as u64));
        self
    }

    /// Adds a `long` / `long long`.
    pub fn i64(mut self, v: i64) -> Self {
        self.items.push(Item::Int(v as u64));
        self
    }

    /// Adds a `double` (a variadic `float` is passed as one).
    pub fn f64(mut self, v: f64) -> Self {
        self.items.push(Item::Float(v));
        self
    }

    /// Adds a pointer.
    pub fn address(mut self, v: Address) -> Self {
        // Exposed: the list stores the pointer as a number, and C (or `next_address`, which
        // takes an exposed provenance back) turns it into a pointer again.
        self.items
            .push(Item::Int(v.as_ptr::<u8>().expose_provenance() as u64));
        self
    }

    /// Adds a struct by value: a copy of `bytes`, which must be exactly `layout`'s size.
    pub fn struct_value(mut self, bytes: &Segment, layout: &MemoryLayout) -> Result<Self> {
        if bytes.len() != layout.byte_size() {
            return Err(Error::LengthMismatch {
                len: bytes.len(),
                element_size: layout.byte_size(),
            });
        }
        self.items.push(Item::Struct {
            bytes: bytes.as_bytes().to_vec(),
            align: layout.byte_alignment(),
        });
        Ok(self)
    }

    /// Writes the list into memory from `allocator`.
    ///
    /// Every argument goes to the overflow (stack) area, which is where C's `va_arg` reads once
    /// the register save area is used up, so the list is valid for any reader.
    pub fn build<'a>(self, allocator: impl SegmentAllocator<'a>) -> Result<VaList<'a>> {
        if !cfg!(all(target_arch = "x86_64", not(windows))) {
            return Err(Error::Unsupported {
                what: "building a va_list (implemented for x86-64 System V)".into(),
            });
        }
        let mut area = 0usize;
        let mut offsets = Vec::with_capacity(self.items.len());
        for item in &self.items {
            let (size, align) = match item {
                Item::Int(_) | Item::Float(_) => (8, 8),
                Item::Struct { bytes, align } => (bytes.len(), if *align > 8 { 16 } else { 8 }),
            };
            area = area.next_multiple_of(align);
            offsets.push(area);
            area += size.next_multiple_of(8);
        }
        let size = 32usize
            .checked_add(area)
            .ok_or_else(|| Error::SizeOverflow {
                what: format!("a va_list of {} argument(s)", self.items.len()),
            })?;
        let seg = crate::alloc::checked_allocation(allocator.allocate(size, 16)?, size, 16, None)?;
        {
            let (tag, rest) = seg.split_at_mut(32);
            tag.set(crate::U32, 0, GP_END);
            tag.set(crate::U32, 4, FP_END);
            // Bytes 8..16, the overflow area's address, are written below.
            tag.set(crate::ADDRESS, 16, Address::NULL);
            for (item, &at) in self.items.iter().zip(&offsets) {
                match item {
                    Item::Int(v) => rest.set(crate::U64, at, *v),
                    Item::Float(v) => rest.set(crate::F64, at, *v),
                    Item::Struct { bytes, .. } => rest
                        .slice_mut(at, bytes.len())
                        .copy_from(Segment::of_bytes(bytes)),
                }
            }
        }
        // The list is read and written (by `next_*`, and by C) through `base` from now on, so it
        // is taken from the exclusive borrow last, and that borrow is never used again: an
        // address taken earlier, or from a shared reborrow, would be invalidated by the writes
        // above (Stacked and Tree Borrows), making every later read through it undefined.
        let base = Address::from_mut_ptr(seg.as_mut_ptr());
        // SAFETY: bytes 8..16 of the segment (at least 32 bytes, checked above) are writable
        // through `base`, which carries the exclusive borrow's permission, and no reference to
        // them is live.
        unsafe { base.write(crate::ADDRESS, 8, base.add(32)) };
        Ok(VaList {
            tag: base,
            _memory: PhantomData,
        })
    }
}

impl<'a> VaList<'a> {
    /// Starts building a list.
    pub fn builder() -> VaListBuilder {
        VaListBuilder::default()
    }

    /// The `va_list` C receives (pass it where the descriptor says `ADDRESS`).
    pub fn address(&self) -> Address {
        self.tag
    }

    /// A `va_list` that C passed to an upcall, to read with the `next_*` methods.
    ///
    /// # Safety
    /// `address` must be a live `va_list` (on x86-64, a pointer to its tag structure) for `'a`,
    /// not read by anyone else meanwhile.
    pub unsafe fn from_address(address: Address) -> VaList<'a> {
        VaList {
            tag: address,
            _memory: PhantomData,
        }
    }

    fn unsupported() -> Error {
        Error::Unsupported {
            what: "reading a va_list (implemented for x86-64 System V)".into(),
        }
    }

    /// Reads the next argument as eightbytes classified `classes` (true = SSE), into `out`.
    ///
    /// # Safety
    /// The next argument must have that shape.
    unsafe fn next_raw(
        &mut self,
        classes: Option<&[bool]>,
        size: usize,
        align: usize,
        out: &mut [u8],
    ) {
        let t = self.tag;
        // SAFETY: (all reads and writes of the tag and areas below) the caller vouches for a
        // live va_list whose next argument has this shape, which is what C's va_arg assumes.
        unsafe {
            let gp = t.read(crate::U32, 0);
            let fp = t.read(crate::U32, 4);
            let reg_save = t.read(crate::ADDRESS, 16);
            if let Some(classes) = classes {
                let need_gp = classes.iter().filter(|s| !**s).count() as u32;
                let need_fp = classes.iter().filter(|s| **s).count() as u32;
                if gp + 8 * need_gp <= GP_END && fp + 16 * need_fp <= FP_END {
                    let (mut gp, mut fp) = (gp, fp);
                    for (e, sse) in classes.iter().enumerate() {
                        let n = (size - e * 8).min(8);
                        let src = if *sse {
                            fp += 16;
                            reg_save.add((fp - 16) as usize)
                        } else {
                            gp += 8;
                            reg_save.add((gp - 8) as usize)
                        };
                        std::ptr::copy_nonoverlapping(
                            src.as_ptr::<u8>(),
                            out.as_mut_ptr().add(e * 8),
                            n,
                        );
                    }
                    t.write(crate::U32, 0, gp);
                    t.write(crate::U32, 4, fp);
                    return;
                }
            }
            let mut overflow = t.read(crate::ADDRESS, 8);
            if align > 8 {
                overflow = Address::from_mut_ptr(
                    overflow
                        .as_mut_ptr::<u8>()
                        .map_addr(|a| a.next_multiple_of(16)),
                );
            }
            std::ptr::copy_nonoverlapping(overflow.as_ptr::<u8>(), out.as_mut_ptr(), size);
            t.write(crate::ADDRESS, 8, overflow.add(size.next_multiple_of(8)));
        }
    }

    fn check_platform() -> Result<()> {
        if cfg!(all(target_arch = "x86_64", not(windows))) {
            Ok(())
        } else {
            Err(Self::unsupported())
        }
    }

    /// The next argument as an `int` (C's `va_arg(ap, int)`).
    ///
    /// # Safety
    /// The next argument must be an integer of at most `int`'s size (or `long`/pointer, of
    /// which the low 32 bits are returned).
    pub unsafe fn next_i32(&mut self) -> Result<i32> {
        Self::check_platform()?;
        let mut b = [0u8; 8];
        // SAFETY: forwarded; an INTEGER eightbyte.
        unsafe { self.next_raw(Some(&[false]), 8, 8, &mut b) };
        Ok(i64::from_ne_bytes(b) as i32)
    }

    /// The next argument as a `long long`.
    ///
    /// # Safety
    /// The next argument must be a 64-bit integer.
    pub unsafe fn next_i64(&mut self) -> Result<i64> {
        Self::check_platform()?;
        let mut b = [0u8; 8];
        // SAFETY: forwarded.
        unsafe { self.next_raw(Some(&[false]), 8, 8, &mut b) };
        Ok(i64::from_ne_bytes(b))
    }

    /// The next argument as a `double`.
    ///
    /// # Safety
    /// The next argument must be a `double` (or a promoted `float`).
    pub unsafe fn next_f64(&mut self) -> Result<f64> {
        Self::check_platform()?;
        let mut b = [0u8; 8];
        // SAFETY: forwarded; an SSE eightbyte.
        unsafe { self.next_raw(Some(&[true]), 8, 8, &mut b) };
        Ok(f64::from_ne_bytes(b))
    }

    /// The next argument as a pointer.
    ///
    /// # Safety
    /// The next argument must be a pointer.
    pub unsafe fn next_address(&mut self) -> Result<Address> {
        // SAFETY: forwarded.
        let bits = unsafe { self.next_i64()? };
        Ok(Address::from_mut_ptr(
            std::ptr::with_exposed_provenance_mut::<u8>(bits as usize),
        ))
    }

    /// The next argument as a struct or union of `layout`, copied into memory from `allocator`.
    ///
    /// # Safety
    /// The next argument must be a struct of that layout.
    pub unsafe fn next_struct<'s>(
        &mut self,
        layout: &MemoryLayout,
        allocator: impl SegmentAllocator<'s>,
    ) -> Result<&'s mut Segment> {
        Self::check_platform()?;
        if !matches!(layout.kind(), LayoutKind::Struct(_) | LayoutKind::Union(_)) {
            return Err(Error::InvalidLayout {
                reason: format!("next_struct needs a struct or union layout, not {layout}"),
            });
        }
        crate::linker::FunctionDescriptor::of(*layout, &[]).validate()?;
        let seg = crate::alloc::checked_allocation(
            allocator.allocate_layout(layout)?,
            layout.byte_size(),
            layout.byte_alignment(),
            Some(*layout),
        )?;
        let classes: Option<Vec<bool>> = super::classify(layout)
            .map(|c| c.into_iter().map(|c| c == super::Class::Sse).collect());
        let mut tmp = vec![0u8; layout.byte_size().next_multiple_of(8)];
        // SAFETY: forwarded; the classes are the layout's own.
        unsafe {
            self.next_raw(
                classes.as_deref(),
                layout.byte_size(),
                layout.byte_alignment(),
                &mut tmp,
            )
        };
        seg.as_bytes_mut()
            .copy_from_slice(&tmp[..layout.byte_size()]);
        Ok(seg)
    }
}
