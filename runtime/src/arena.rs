//! Arenas: many segments, one lifetime, freed together.

use std::cell::Cell;
use std::sync::atomic::{AtomicPtr, Ordering};
use std::sync::{Mutex, PoisonError};

use crate::block::{self, Block, Cleanup, FIRST_CHUNK, LARGE, MAX_CHUNK, dangling, layout_for};
use crate::segment::Segment;
use crate::{Error, Result};

/// Granularity of the single-threaded arena's cursor: sizes are rounded up to it.
const GRAIN: usize = 8;

/// An arena for one thread: bump allocation of zero-filled segments, all freed at once when the
/// arena is closed (dropped, or [`close`](Arena::close)d).
///
/// Every segment borrows the arena, so the borrow checker refuses to use one after the arena is
/// closed; no check happens at run time. An `Arena` can move to another thread (it is `Send`)
/// but cannot be shared between threads (it is not `Sync`); use [`SharedArena`] for that.
///
/// ```
/// use ffm::{Arena, I64};
/// let arena = Arena::new();
/// let a = arena.allocate(8, 8).unwrap();
/// let b = arena.allocate(8, 8).unwrap(); // a and b are both usable: they never overlap
/// a.set(I64, 0, 1);
/// b.set(I64, 0, 2);
/// assert_eq!(a.get(I64, 0) + b.get(I64, 0), 3);
/// arena.close(); // both freed here; using `a` after this line does not compile
/// ```
///
/// Memory comes in chunks that start at 4 KiB and double up to 2 MiB; requests over 256 KiB get
/// a block of their own. Chunks of 64 KiB and more are anonymous mappings, so they are zero
/// without a `memset` and cost nothing until touched.
pub struct Arena {
    /// Allocation bumps *down* from the end of the current chunk: aligning is then one `and`.
    cursor: Cell<*mut u8>,
    /// The bytes between the current chunk's start and the cursor (a multiple of GRAIN).
    room: Cell<usize>,
    /// Blocks and clean-ups. Taken out of the cell to be changed, so that the code that
    /// changes it (adding a chunk) never gets a pointer into the arena: then, where the arena
    /// is a local, the compiler keeps the cursor in a register across allocations.
    state: Cell<State>,
}

struct State {
    blocks: Vec<Block>,
    next_chunk: usize,
    cleanups: Vec<Cleanup>,
}

impl Default for State {
    fn default() -> State {
        State::new()
    }
}

impl State {
    const fn new() -> State {
        State {
            blocks: Vec::new(),
            next_chunk: FIRST_CHUNK,
            cleanups: Vec::new(),
        }
    }

    /// Adds a chunk able to hold `size` bytes aligned to `align` (with `header` bytes before
    /// them) and returns it; doubles the next chunk size.
    fn new_chunk(&mut self, size: usize, align: usize, header: usize) -> Result<&Block> {
        let needed = size
            .checked_add(align)
            .and_then(|n| n.checked_add(header))
            .ok_or_else(|| Error::SizeOverflow {
                what: format!("{size} byte(s) aligned to {align}"),
            })?;
        let chunk = self.next_chunk.max(needed.next_power_of_two());
        let block = Block::zeroed(chunk, align.max(16))?;
        self.next_chunk = (self.next_chunk * 2).min(MAX_CHUNK);
        self.blocks.push(block);
        Ok(self.blocks.last().expect("just pushed"))
    }

    fn large(&mut self, size: usize, align: usize) -> Result<*mut u8> {
        let block = Block::zeroed(size, align)?;
        let ptr = block.ptr();
        self.blocks.push(block);
        Ok(ptr)
    }
}

// SAFETY: the arena exclusively owns its blocks and clean-ups, and every clean-up is `Send`
// (on_close and keep_alive require it). Segments borrow the arena, so none can be alive when it
// moves.
unsafe impl Send for Arena {}

impl Default for Arena {
    fn default() -> Self {
        Arena::new()
    }
}

impl Arena {
    /// A new, empty arena. Nothing is allocated until the first segment is.
    pub const fn new() -> Arena {
        Arena {
            // Non-null and a multiple of GRAIN, so that the fast path can hand out zero-length
            // segments from the start.
            cursor: Cell::new(std::ptr::without_provenance_mut(GRAIN)),
            room: Cell::new(0),
            state: Cell::new(State::new()),
        }
    }

    /// Runs `f` on the state, taken out of the arena meanwhile. `f` must not touch the arena
    /// (it would see an empty state); none of its callers can panic in it but by running out
    /// of memory, which aborts.
    #[inline(always)]
    fn with_state<R>(&self, f: impl FnOnce(&mut State) -> R) -> R {
        let mut state = self.state.take();
        let r = f(&mut state);
        // What comes back is the empty state `take` left: nothing to drop.
        std::mem::forget(self.state.replace(state));
        r
    }

    /// The global arena: shared, never closed, for memory that lives as long as the program.
    pub fn global() -> &'static SharedArena {
        static GLOBAL: SharedArena = SharedArena::new();
        &GLOBAL
    }

    /// Allocates `size` zero-filled bytes aligned to `align`.
    ///
    /// Fails if `align` is not a power of two, the size overflows, or the system refuses memory.
    #[inline]
    #[allow(clippy::mut_from_ref)] // each call returns fresh, disjoint memory
    pub fn allocate(&self, size: usize, align: usize) -> Result<&mut Segment> {
        loop {
            let cursor = self.cursor.get();
            let room = self.room.get();
            if align.is_power_of_two() && size <= room {
                // The room is a multiple of GRAIN, so it holds `size` rounded up to GRAIN: for
                // the usual alignments (up to GRAIN, which the cursor keeps) that is all, and
                // the loop-carried work is two subtractions.
                debug_assert!(cursor.addr().is_multiple_of(GRAIN) && room.is_multiple_of(GRAIN));
                let rounded = size.next_multiple_of(GRAIN);
                let fit = if align <= GRAIN {
                    Some((cursor.addr() - rounded, room - rounded))
                } else {
                    // Larger alignments mask the address down, into the room if it has it.
                    let new = (cursor.addr() - rounded) & !(align - 1);
                    room.checked_sub(cursor.addr() - new)
                        .map(|left| (new, left))
                };
                if let Some((new, left)) = fit {
                    let ptr = cursor.with_addr(new);
                    self.cursor.set(ptr);
                    self.room.set(left);
                    // SAFETY: [new, new + size) lies inside the current chunk, between its
                    // start (`left` bytes below `new`) and the old cursor (checked above); it
                    // was zeroed when the chunk was made and is handed out exactly once
                    // because the cursor moved below it. The chunk lives until the arena is
                    // dropped, which the returned borrow of `self` outlasts.
                    return Ok(unsafe { Segment::from_raw_parts_mut(ptr, size) });
                }
            }
            // A new chunk, which the next round bumps from (it has room for `size` at
            // `align`), or a segment of its own. (Going round again, rather than carving the
            // segment here, keeps one path out of the loop of a caller that allocates: the
            // cursor then stays in one register.)
            if let Some(own) = self.allocate_slow(size, align)? {
                return Ok(own);
            }
        }
    }

    /// The slow path of [`allocate`](Self::allocate): makes a new chunk current (`None`),
    /// or returns a segment that does not come from a chunk.
    #[inline(always)]
    #[allow(clippy::mut_from_ref)]
    fn allocate_slow(&self, size: usize, align: usize) -> Result<Option<&mut Segment>> {
        match self.with_state(|state| refill(state, size, align))? {
            Refill::Chunk { base, end } => {
                self.cursor.set(end);
                self.room.set(end.addr() - base.addr());
                Ok(None)
            }
            // SAFETY: `own` is the aligned start of `size` fresh zeroed bytes in a block of
            // the arena's own (or dangling, for size 0), handed out once (see `refill`).
            Refill::Own(own) => Ok(Some(unsafe { Segment::from_raw_parts_mut(own, size) })),
        }
    }

    /// Runs `action` when the arena closes, after any actions registered later.
    pub fn on_close(&self, action: impl FnOnce() + Send + 'static) {
        let cleanup = Cleanup::Action(Box::new(action));
        self.with_state(|state| state.cleanups.push(cleanup));
    }

    /// Keeps `value` alive until the arena closes, and lends it out for as long as the arena is
    /// borrowed: for a dependency that lifetimes cannot express (a library whose symbols the
    /// arena's segments point into, a mapping, a buffer C keeps a pointer to).
    #[allow(clippy::mut_from_ref)] // each call returns a fresh, separately boxed value
    pub fn keep_alive<T: Send + 'static>(&self, value: T) -> &mut T {
        let (cleanup, ptr) = Cleanup::raw(value);
        self.with_state(|state| state.cleanups.push(cleanup));
        // SAFETY: ptr is a fresh Box allocation that only the arena's close will free; the
        // returned borrow of `self` ends before that. Nothing else refers to it.
        unsafe { &mut *ptr }
    }

    /// Closes the arena: runs the `on_close` actions (last registered first), drops the values it
    /// keeps alive, and frees all its memory. Dropping the arena does the same.
    pub fn close(self) {
        drop(self)
    }
}

/// What [`refill`] did.
enum Refill {
    /// Added a chunk, `[base, end)`, with room for the request at its alignment below `end`;
    /// `end` is aligned to 16.
    Chunk { base: *mut u8, end: *mut u8 },
    /// Made a block of its own for a large request (or, for a zero-size one with a large
    /// alignment, found a dangling address): the segment's start.
    Own(*mut u8),
}

/// The slow path of [`Arena::allocate`], on the state taken out of the arena.
#[cold]
#[inline(never)]
fn refill(state: &mut State, size: usize, align: usize) -> Result<Refill> {
    layout_for(size, align)?;
    if size == 0 {
        return Ok(Refill::Own(dangling(align)));
    }
    if size > LARGE {
        return Ok(Refill::Own(state.large(size, align)?));
    }
    // new_chunk makes room for the rounded size plus the alignment, aligned to 16 at least.
    let chunk = state.new_chunk(size.next_multiple_of(GRAIN), align, 0)?;
    let base = chunk.ptr();
    Ok(Refill::Chunk {
        base,
        end: base.wrapping_add(chunk.len()),
    })
}

impl Drop for Arena {
    // Inline, so that where the arena is a local its address does not escape to an opaque
    // call: the compiler can then keep the cursor in a register (see `State`).
    #[inline]
    fn drop(&mut self) {
        let state = std::mem::take(self.state.get_mut());
        block::close(state.cleanups, state.blocks);
    }
}

impl std::fmt::Debug for Arena {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let (blocks, reserved) = self.with_state(|state| {
            (
                state.blocks.len(),
                state.blocks.iter().map(Block::len).sum::<usize>(),
            )
        });
        f.debug_struct("Arena")
            .field("blocks", &blocks)
            .field("reserved_bytes", &reserved)
            .finish_non_exhaustive()
    }
}

/// An arena that many threads can allocate from at once (`Sync`), freed as a whole when closed.
///
/// Allocation is lock-free within a chunk (one compare-and-swap); taking a new chunk locks.
/// Closing needs the arena by value, so it cannot happen while any thread still borrows it:
///
/// ```
/// use ffm::{SharedArena, I32};
/// let arena = SharedArena::new();
/// std::thread::scope(|s| {
///     for t in 0..4 {
///         let arena = &arena;
///         s.spawn(move || arena.allocate(4, 4).unwrap().set(I32, 0, t));
///     }
/// });
/// arena.close(); // every thread's borrow has ended
/// ```
pub struct SharedArena {
    current: AtomicPtr<ChunkHeader>,
    state: Mutex<State>,
}

/// Sits at the start of each shared chunk.
#[repr(C, align(16))]
struct ChunkHeader {
    cursor: AtomicPtr<u8>,
    end: *mut u8,
}

const HEADER: usize = size_of::<ChunkHeader>();

impl Default for SharedArena {
    fn default() -> Self {
        SharedArena::new()
    }
}

// SAFETY: the chunk headers are only read after their Release publication and updated with
// atomics; the State (blocks, clean-ups) is behind a Mutex and all clean-ups are Send.
unsafe impl Sync for SharedArena {}
// SAFETY: the arena owns its blocks and Send clean-ups; see Arena.
unsafe impl Send for SharedArena {}

impl SharedArena {
    /// A new, empty shared arena.
    pub const fn new() -> SharedArena {
        SharedArena {
            current: AtomicPtr::new(std::ptr::null_mut()),
            state: Mutex::new(State::new()),
        }
    }

    fn state(&self) -> std::sync::MutexGuard<'_, State> {
        // The state stays consistent across a panic: each push either happened or not.
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Allocates `size` zero-filled bytes aligned to `align`, from any thread.
    #[allow(clippy::mut_from_ref)] // each call returns fresh, disjoint memory
    pub fn allocate(&self, size: usize, align: usize) -> Result<&mut Segment> {
        layout_for(size, align)?;
        if size == 0 {
            // SAFETY: a zero-length segment at a non-null, aligned address touches no memory.
            return Ok(unsafe { Segment::from_raw_parts_mut(dangling(align), 0) });
        }
        if size > LARGE {
            let start = self.state().large(size, align)?;
            // SAFETY: a fresh zeroed block of `size` bytes owned by the arena, handed out once.
            return Ok(unsafe { Segment::from_raw_parts_mut(start, size) });
        }
        loop {
            let chunk = self.current.load(Ordering::Acquire);
            if !chunk.is_null() {
                // SAFETY: a non-null `current` points at the header of a chunk that the arena
                // owns until it is dropped; the Acquire load pairs with the Release store that
                // published the initialized header.
                let header = unsafe { &*chunk };
                let mut cursor = header.cursor.load(Ordering::Relaxed);
                loop {
                    let pad = cursor.addr().wrapping_neg() & (align - 1);
                    let remaining = header.end.addr() - cursor.addr();
                    if pad > remaining || size > remaining - pad {
                        break;
                    }
                    let start = cursor.wrapping_add(pad);
                    match header.cursor.compare_exchange_weak(
                        cursor,
                        start.wrapping_add(size),
                        Ordering::Relaxed,
                        Ordering::Relaxed,
                    ) {
                        // SAFETY: the successful CAS moved the cursor past [start, start+size),
                        // so this range is inside the chunk, zeroed, and handed out exactly once.
                        Ok(_) => return Ok(unsafe { Segment::from_raw_parts_mut(start, size) }),
                        Err(now) => cursor = now,
                    }
                }
            }
            self.refill(chunk, size, align)?;
        }
    }

    #[cold]
    fn refill(&self, full: *mut ChunkHeader, size: usize, align: usize) -> Result<()> {
        let mut state = self.state();
        if self.current.load(Ordering::Relaxed) != full {
            return Ok(()); // another thread refilled first
        }
        let chunk = state.new_chunk(size, align, HEADER)?;
        let header = chunk.ptr().cast::<ChunkHeader>();
        let data = chunk.ptr().wrapping_add(HEADER);
        let end = chunk.ptr().wrapping_add(chunk.len());
        // SAFETY: the chunk is fresh, at least HEADER bytes, aligned to 16 (new_chunk aligns to
        // at least 16), and not yet visible to other threads.
        unsafe {
            header.write(ChunkHeader {
                cursor: AtomicPtr::new(data),
                end,
            })
        };
        self.current.store(header, Ordering::Release);
        Ok(())
    }

    /// Runs `action` when the arena closes, after any actions registered later.
    pub fn on_close(&self, action: impl FnOnce() + Send + 'static) {
        self.state()
            .cleanups
            .push(Cleanup::Action(Box::new(action)));
    }

    /// Keeps `value` alive until the arena closes and lends it to the caller meanwhile.
    #[allow(clippy::mut_from_ref)] // each call returns a fresh, separately boxed value
    pub fn keep_alive<T: Send + 'static>(&self, value: T) -> &mut T {
        let (cleanup, ptr) = Cleanup::raw(value);
        self.state().cleanups.push(cleanup);
        // SAFETY: as in Arena::keep_alive.
        unsafe { &mut *ptr }
    }

    /// Closes the arena: runs the `on_close` actions, drops kept values, frees all memory.
    pub fn close(self) {
        drop(self)
    }
}

impl Drop for SharedArena {
    fn drop(&mut self) {
        let state = std::mem::take(self.state.get_mut().unwrap_or_else(PoisonError::into_inner));
        block::close(state.cleanups, state.blocks);
    }
}

impl std::fmt::Debug for SharedArena {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let state = self.state();
        f.debug_struct("SharedArena")
            .field("blocks", &state.blocks.len())
            .finish_non_exhaustive()
    }
}

/// Something that owns resources until it closes: an arena. Upcall stubs and other values
/// that must outlive a call live in one, and are borrowed from it for `'a`.
pub trait Scope<'a>: Copy {
    /// Keeps `value` until the scope closes; lends it out for `'a`.
    fn keep<T: Send + 'static>(self, value: T) -> &'a mut T;
}

impl<'a> Scope<'a> for &'a Arena {
    fn keep<T: Send + 'static>(self, value: T) -> &'a mut T {
        self.keep_alive(value)
    }
}

impl<'a> Scope<'a> for &'a SharedArena {
    fn keep<T: Send + 'static>(self, value: T) -> &'a mut T {
        self.keep_alive(value)
    }
}
