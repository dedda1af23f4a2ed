//! Blocks of zeroed memory from the system, and the clean-up list that arenas keep.

use std::alloc::Layout;
use std::panic::{AssertUnwindSafe, catch_unwind, resume_unwind};
use std::ptr::NonNull;

use memmap2::MmapMut;

use crate::{Error, Result};

/// Blocks at least this large come straight from the kernel as anonymous mappings: they are
/// zero without a `memset`, and pages cost nothing until touched.
pub(crate) const MAP_THRESHOLD: usize = 64 * 1024;
const PAGE: usize = 4096;
#[cfg(target_os = "linux")]
const HUGE_PAGE: usize = 2 * 1024 * 1024;

/// A block of zero-filled memory owned by the runtime.
pub(crate) struct Block {
    ptr: NonNull<u8>,
    len: usize,
    source: Source,
}

enum Source {
    Heap(Layout),
    Map(#[allow(dead_code)] MmapMut),
}

// SAFETY: a Block exclusively owns its memory (like Box<[u8]>); nothing in it is tied to a
// thread.
unsafe impl Send for Block {}
// SAFETY: a shared Block gives no access to its memory by itself.
unsafe impl Sync for Block {}

/// The layout for `size` bytes aligned to `align`, or the error that says why there is none.
pub(crate) fn layout_for(size: usize, align: usize) -> Result<Layout> {
    if !align.is_power_of_two() {
        return Err(Error::InvalidAlignment { align });
    }
    Layout::from_size_align(size, align).map_err(|_| Error::SizeOverflow {
        what: format!("{size} byte(s) aligned to {align} exceed isize::MAX"),
    })
}

/// A non-null, aligned, dangling pointer: the address of every zero-length allocation.
pub(crate) fn dangling(align: usize) -> *mut u8 {
    std::ptr::without_provenance_mut(align)
}

impl Block {
    /// `size` (> 0) zeroed bytes aligned to `align`.
    pub(crate) fn zeroed(size: usize, align: usize) -> Result<Block> {
        layout_for(size, align)?;
        debug_assert!(size > 0);
        if size >= MAP_THRESHOLD && align <= PAGE {
            let failed = |_| Error::AllocationFailed { size, align };
            let mut map = MmapMut::map_anon(size).map_err(failed)?;
            // Whole 2 MiB chunks are worth a transparent huge page: one fault to fill, one page
            // to free on close. Only a hint; a kernel without THP ignores it.
            #[cfg(target_os = "linux")]
            if size >= HUGE_PAGE {
                let _ = map.advise(memmap2::Advice::HugePage);
            }
            let ptr =
                NonNull::new(map.as_mut_ptr()).ok_or(Error::AllocationFailed { size, align })?;
            return Ok(Block {
                ptr,
                len: size,
                source: Source::Map(map),
            });
        }
        Block::heap_zeroed(size, align)
    }

    /// `size` (> 0) zeroed bytes aligned to `align`, always from the global allocator.
    pub(crate) fn heap_zeroed(size: usize, align: usize) -> Result<Block> {
        let layout = layout_for(size, align)?;
        assert!(size > 0, "blocks are never empty");
        // SAFETY: the layout has a non-zero size (asserted above).
        let raw = unsafe { std::alloc::alloc_zeroed(layout) };
        let ptr = NonNull::new(raw).ok_or(Error::AllocationFailed { size, align })?;
        Ok(Block {
            ptr,
            len: size,
            source: Source::Heap(layout),
        })
    }

    pub(crate) fn ptr(&self) -> *mut u8 {
        self.ptr.as_ptr()
    }

    pub(crate) fn len(&self) -> usize {
        self.len
    }
}

impl Drop for Block {
    fn drop(&mut self) {
        if let Source::Heap(layout) = self.source {
            // SAFETY: ptr came from alloc_zeroed with exactly this layout and is freed once.
            unsafe { std::alloc::dealloc(self.ptr.as_ptr(), layout) }
        }
        // A mapping unmaps itself when the MmapMut drops.
    }
}

/// Something an arena runs or drops when it closes.
pub(crate) enum Cleanup {
    Action(Box<dyn FnOnce() + Send>),
    /// A value handed out as `&mut T`: kept as a raw pointer so that moving the list never
    /// asserts uniqueness over memory a caller is borrowing.
    Raw {
        ptr: *mut (),
        drop: unsafe fn(*mut ()),
    },
}

// SAFETY: `Raw` holds a pointer from Box::into_raw of a `T: Send`; it is only dereferenced
// by its drop function, once, when the owning arena closes.
unsafe impl Send for Cleanup {}

impl Cleanup {
    /// Stores `value` and returns a pointer to it that stays valid until the cleanup runs.
    pub(crate) fn raw<T: Send + 'static>(value: T) -> (Cleanup, *mut T) {
        unsafe fn drop_box<T>(p: *mut ()) {
            // SAFETY: p came from Box::<T>::into_raw and is dropped exactly once.
            drop(unsafe { Box::from_raw(p.cast::<T>()) });
        }
        let ptr = Box::into_raw(Box::new(value));
        (
            Cleanup::Raw {
                ptr: ptr.cast(),
                drop: drop_box::<T>,
            },
            ptr,
        )
    }

    fn run(self) {
        match self {
            Cleanup::Action(f) => f(),
            // SAFETY: see Cleanup::raw; this is the one call of `drop` for this pointer.
            Cleanup::Raw { ptr, drop } => unsafe { drop(ptr) },
        }
    }
}

/// Runs clean-ups last-registered first, then frees the blocks. A panicking clean-up does not
/// stop the others or leak the memory; the first panic is resumed at the end (unless the
/// thread is already unwinding).
pub(crate) fn close(cleanups: Vec<Cleanup>, blocks: Vec<Block>) {
    let mut first_panic = None;
    for c in cleanups.into_iter().rev() {
        if let Err(p) = catch_unwind(AssertUnwindSafe(|| c.run())) {
            first_panic.get_or_insert(p);
        }
    }
    drop(blocks);
    if let Some(p) = first_panic
        && !std::thread::panicking()
    {
        resume_unwind(p);
    }
}

/// The chunk-size policy shared by the arenas: start small, double, cap.
pub(crate) const FIRST_CHUNK: usize = 4 * 1024;
pub(crate) const MAX_CHUNK: usize = 2 * 1024 * 1024;
/// Requests larger than this get a block of their own.
pub(crate) const LARGE: usize = 256 * 1024;
