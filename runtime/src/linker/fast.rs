//! Register-shape downcalls: calling C without libffi.
//!
//! On x86-64 System V, integer-class arguments go to the six integer registers in order and
//! SSE-class arguments to the eight vector registers in order, independently; what does not
//! fit goes to the stack, eight bytes a slot. So any function whose arguments have been
//! *placed* (registers and stack words assigned, once, when the handle is made) can be called
//! through one precompiled *universal* function type:
//!
//! ```text
//! extern "C" fn(u64 × 6, f64 × 8, u64 × K) -> R
//! ```
//!
//! with the unused registers holding anything. `f32` travels as the low bits of an `f64`,
//! small integers sign- or zero-extended; a struct of at most 16 bytes is split into its
//! eightbytes by the ABI's classification; a larger one is copied onto the stack; a struct
//! returned in memory gets the hidden pointer in the first integer register. `R` is one of six
//! return shapes (`rax`, `xmm0`, and the four register pairs of a two-eightbyte struct). A
//! variadic function is called through the variadic form of the universal type, which makes
//! Rust set `al` to the number of vector registers, as the ABI asks.
//!
//! A call of at most [`MAX_INLINE`] scalars, all in registers, returning a scalar or nothing,
//! is made in line by the dynamic call path ([`InlineCall`], [`InlineRegs`]): no frame and no
//! invoker, one indirect call from the caller's code, as a direct call is. Each argument goes
//! to the next register of its class by its own kind, and the kinds are then compared with the
//! plan's in one comparison, so that where the arguments are written at the call site the
//! compiler places them there and then.
//!
//! The ABI conformance matrix checks this path against the C compiler on thousands of
//! signatures. Anything it does not cover (more than [`MAX_STACK`] stack words, other targets)
//! falls back to libffi.

use std::ffi::c_void;
use std::mem::MaybeUninit;

use super::abi::{Class, classify};
use super::descriptor::FunctionDescriptor;
use crate::layout::{LayoutKind, MemoryLayout, ValueKind};

/// The most stack words a planned call passes.
pub(crate) const MAX_STACK: usize = 32;

/// Where one eightbyte goes: an index into the [`Frame`] (integer registers 0–5, vector
/// registers 6–13, stack words from 14).
pub(crate) type Slot = u8;

const GPR: u8 = 0;
const SSE: u8 = 6;
const STACK: u8 = 14;

/// The words of a [`Frame`]: the registers and [`MAX_STACK`] stack words, rounded up to a
/// power of two so that any [`Slot`] masked by `FRAME_WORDS - 1` is in bounds (no bounds
/// check when placing an argument).
const FRAME_WORDS: usize = (STACK as usize + MAX_STACK).next_power_of_two();

/// How one argument is placed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum ArgPlan {
    /// A scalar of `kind`: its (extended) bits go to `slot`.
    Scalar { kind: ValueKind, slot: Slot },
    /// A struct or union of `size` bytes: eightbyte `i` goes to `slots[i]`.
    Struct { size: usize, slots: Box<[Slot]> },
}

/// One argument of the dynamic call path ([`Value`](super::Value)s) and of typed views, in
/// eight bytes, so that placing it needs nothing else: for a scalar, the kind the value must be
/// and the slot its bits go to; for a struct or union, `None`, where its eightbytes go and its
/// size.
///
/// The planner puts a struct either wholly in registers (at most 16 bytes: two eightbytes,
/// register slots below 14) or wholly on the stack (in consecutive words from a stack slot),
/// so two slots say where: eightbyte `i` to register slot `[at, second][i]` (`second` unused
/// by a struct of at most 8 bytes), or, when `at` is a stack slot, the bytes to the words
/// from it on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct DynArg {
    pub(crate) kind: Option<ValueKind>,
    /// The slot of a scalar, or the first slot of a struct.
    pub(crate) at: Slot,
    /// The second register slot of a struct in registers.
    pub(crate) second: Slot,
    /// The size of a struct in bytes (at most 16 in registers, or `MAX_STACK` words on the
    /// stack); 0 for a scalar.
    size: u32,
}

const _: () = assert!(size_of::<DynArg>() == 8);

impl DynArg {
    /// The size of a struct argument in bytes (0 for a scalar).
    #[inline(always)]
    pub(crate) fn size(&self) -> usize {
        self.size as usize
    }
}

/// How the return value comes back.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum RetPlan {
    Void,
    Scalar(ValueKind),
    /// A struct in registers: its eightbytes are the two words of the return, in order.
    Struct {
        size: usize,
    },
    /// A struct in memory: the caller passes the destination in the first integer register.
    Memory {
        size: usize,
    },
}

/// The registers and stack words of one call, as one array: six integer registers, eight
/// vector registers, then the stack words (and unused words up to [`FRAME_WORDS`]).
///
/// The words are [`MaybeUninit`] and the invokers pass them to the callee as they are
/// (`MaybeUninit<u64>` and `MaybeUninit<f64>` have the ABI of `u64` and `f64`): a word that
/// no argument fills (a register the call does not use, a stack word past the arguments)
/// needs no initialization, because the callee never reads it. So a frame needs no
/// clearing before its arguments are placed.
pub(crate) struct Frame {
    words: [MaybeUninit<u64>; FRAME_WORDS],
}

impl Frame {
    /// An uninitialized frame, to place arguments into. (Built in place, then filled, rather
    /// than copied.)
    #[inline(always)]
    pub(crate) fn uninit() -> Frame {
        Frame {
            words: [MaybeUninit::uninit(); FRAME_WORDS],
        }
    }

    /// Puts `bits` in `slot` (one the plan made, so below 14 + its stack words).
    #[inline(always)]
    pub(crate) fn set(&mut self, slot: Slot, bits: u64) {
        // The mask keeps any slot in bounds without a check (FRAME_WORDS is a power of two).
        self.words[usize::from(slot) & (FRAME_WORDS - 1)].write(bits);
    }

    /// Places the bytes of a struct argument `a` (whose size they are) where it says: for
    /// registers, eightbyte by eightbyte (the last one zero-padded), and `bytes` is at most 16
    /// bytes long (the plan puts nothing longer in registers); on the stack, copied into the
    /// words from its slot.
    ///
    /// # Panics
    /// If the bytes would run past the frame (a plan never places them so).
    #[inline(always)]
    pub(crate) fn put_struct(&mut self, bytes: &[u8], a: &DynArg) {
        let (first, second) = (a.at, a.second);
        // (The eightbytes are read little-endian, as the planner's only target is.)
        if first < STACK {
            let n = bytes.len();
            if let Some((lo, _)) = bytes.split_first_chunk::<8>() {
                self.set(first, u64::from_ne_bytes(*lo));
                if n > 8
                    && let Some((_, hi)) = bytes.split_last_chunk::<8>()
                {
                    // The last eight bytes end with the second eightbyte's `n - 8` bytes (its
                    // high end); shifting drops the bytes of the first eightbyte they overlap
                    // and zero-pads.
                    let shift = (16usize.wrapping_sub(n) * 8) & 63;
                    self.set(second, u64::from_ne_bytes(*hi) >> shift);
                }
            } else if let (Some((lo, _)), Some((_, hi))) = (
                bytes.split_first_chunk::<4>(),
                bytes.split_last_chunk::<4>(),
            ) {
                // 4 to 7 bytes: the first four and the last four, overlapping (the bytes they
                // share are the same, so or-ing them is exact), zero-padded.
                let (lo, hi) = (u32::from_ne_bytes(*lo), u32::from_ne_bytes(*hi));
                let shift = (n.wrapping_sub(4) * 8) & 63;
                self.set(first, u64::from(lo) | (u64::from(hi) << shift));
            } else {
                self.set(first, partial_eightbyte(bytes));
            }
        } else {
            let at = usize::from(first) * 8;
            assert!(
                at + bytes.len() <= FRAME_WORDS * 8,
                "a planned stack argument runs past the frame"
            );
            // SAFETY: the destination, bytes `at..at + len` of the frame's words, is inside the
            // frame (checked above) and does not overlap `bytes` (the frame is borrowed
            // mutably). The words are `MaybeUninit`, so any bytes may be written to them (those
            // of the last word past the struct stay as they were: the callee does not read
            // them).
            unsafe { copy_bytes(self.words.as_mut_ptr().cast::<u8>().add(at), bytes) };
        }
    }

    /// As [`put_struct`](Self::put_struct), for bytes that may hold uninitialized padding (a
    /// Rust struct or union's own bytes): they are copied as bytes into the words, never read
    /// as integers. The register words are zeroed first, so that what lies past the struct's
    /// bytes is zero.
    ///
    /// # Safety
    /// `src` must be valid for reads of `a.size()` bytes (initialized or not).
    ///
    /// # Panics
    /// If the bytes would run past the frame (a plan never places them so).
    #[inline(always)]
    pub(crate) unsafe fn put_struct_raw(&mut self, src: *const u8, a: &DynArg) {
        let n = a.size();
        let (first, second) = (a.at, a.second);
        let words = self.words.as_mut_ptr().cast::<u8>();
        if first < STACK {
            self.set(first, 0);
            if n > 8 {
                self.set(second, 0);
            }
            let word = |slot: Slot| usize::from(slot) & (FRAME_WORDS - 1);
            // SAFETY: `src` holds `n` readable bytes (the caller vouches for it), at most 16
            // in registers (the plan puts nothing longer there); each destination is one word
            // of the frame (masked in bounds), which the frame borrows mutably, so nothing
            // overlaps. The words are `MaybeUninit`: bytes, initialized or not, may be copied
            // into them.
            unsafe {
                std::ptr::copy_nonoverlapping(src, words.add(word(first) * 8), n.min(8));
                if n > 8 {
                    std::ptr::copy_nonoverlapping(src.add(8), words.add(word(second) * 8), n - 8);
                }
            }
        } else {
            let at = usize::from(first) * 8;
            assert!(
                at + n <= FRAME_WORDS * 8,
                "a planned stack argument runs past the frame"
            );
            // SAFETY: bytes `at..at + n` of the frame are inside it (checked above) and do not
            // overlap `src` (the frame is borrowed mutably); the words are `MaybeUninit`.
            unsafe { std::ptr::copy_nonoverlapping(src, words.add(at), n) };
        }
    }

    /// Word `i` as an integer register, initialized or not.
    #[inline(always)]
    pub(crate) fn word(&self, i: usize) -> MaybeUninit<u64> {
        self.words[i]
    }

    /// The `K` stack words, as one aggregate (see [`StackWords`]).
    #[inline(always)]
    fn stack_words<const K: usize>(&self) -> StackWords<K> {
        let mut words = [MaybeUninit::uninit(); K];
        words.copy_from_slice(&self.words[usize::from(STACK)..usize::from(STACK) + K]);
        StackWords(words)
    }

    /// Word `i` as a vector register, initialized or not.
    #[inline(always)]
    pub(crate) fn float(&self, i: usize) -> MaybeUninit<f64> {
        // SAFETY: `MaybeUninit<u64>` and `MaybeUninit<f64>` have the same size, and neither
        // has a validity invariant: the bytes (if initialized, those of an `f64`'s bits) are
        // carried over as they are.
        unsafe { std::mem::transmute::<MaybeUninit<u64>, MaybeUninit<f64>>(self.words[i]) }
    }
}

/// Copies `src` to `dst`, in line: up to 32 bytes as two (possibly overlapping) moves of 16
/// or 8 bytes, more 16 bytes at a time. (A call to `memcpy` costs more than these few moves
/// for the sizes of struct arguments.)
///
/// # Safety
/// `dst` must be valid for writes of `src.len()` bytes and not overlap `src`.
#[inline(always)]
unsafe fn copy_bytes(dst: *mut u8, src: &[u8]) {
    /// Copies the `N` bytes at offset `at`.
    ///
    /// # Safety
    /// As for `copy_bytes`, and `at + N <= src.len()`.
    #[inline(always)]
    unsafe fn chunk<const N: usize>(dst: *mut u8, src: *const u8, at: usize) {
        // SAFETY: forwarded; reads and writes are unaligned.
        unsafe {
            dst.add(at)
                .cast::<[u8; N]>()
                .write_unaligned(src.add(at).cast::<[u8; N]>().read_unaligned());
        }
    }
    let n = src.len();
    let p = src.as_ptr();
    // SAFETY: every chunk is inside `src` (offsets and lengths within `n`, by the branch
    // conditions), and `dst` is valid for the same offsets (the caller vouches for it).
    unsafe {
        if (16..=32).contains(&n) {
            chunk::<16>(dst, p, 0);
            chunk::<16>(dst, p, n - 16);
        } else if (8..16).contains(&n) {
            chunk::<8>(dst, p, 0);
            chunk::<8>(dst, p, n - 8);
        } else if n > 32 {
            let mut at = 0;
            while at + 16 < n {
                chunk::<16>(dst, p, at);
                at += 16;
            }
            chunk::<16>(dst, p, n - 16);
        } else {
            std::ptr::copy_nonoverlapping(p, dst, n);
        }
    }
}

/// The eightbyte of `tail`, fewer than 8 bytes, zero-padded. (Out of line and cold: it only
/// serves structs of fewer than 4 bytes, and the copy would cost the caller its registers.)
#[cold]
#[inline(never)]
fn partial_eightbyte(tail: &[u8]) -> u64 {
    let mut word = [0u8; 8];
    let n = tail.len().min(8);
    word[..n].copy_from_slice(&tail[..n]);
    u64::from_ne_bytes(word)
}

/// Calls `code` with the registers and stack words of `frame` (every argument, and the hidden
/// pointer of a memory return, placed as the plan says); returns `rax`/`xmm0` and the second
/// return register, as the shape chosen for the descriptor puts them.
///
/// The invokers are only ever called from Rust, through this type; they use the C calling
/// convention because it returns the two words in `rax:rdx` (Rust's returns an array
/// through memory), which saves stores and loads on every call.
pub(crate) type Invoke = unsafe extern "C" fn(code: *const c_void, frame: &Frame) -> [u64; 2];

/// A planned call.
#[derive(Debug)]
pub(crate) struct Plan {
    pub(crate) args: Box<[ArgPlan]>,
    /// The arguments for the dynamic call path and typed views, one per argument: what each
    /// must be and where it goes (see [`DynArg`]).
    pub(crate) dyn_args: Box<[DynArg]>,
    pub(crate) ret: RetPlan,
    pub(crate) invoke: Invoke,
    /// The call made in line, when it can be (see [`InlineCall`]).
    pub(crate) inline: Option<InlineCall>,
}

/// The most arguments of a call made in line ([`InlineCall`]).
pub(crate) const MAX_INLINE: usize = 8;

// The kinds of the arguments are a byte each of a `u64`, and positions are masked by
// `MAX_INLINE - 1` instead of checked.
const _: () = assert!(MAX_INLINE == 8);

/// A call whose arguments are all scalars in registers and whose return is a scalar or
/// nothing, not variadic, with at most [`MAX_INLINE`] arguments: the dynamic call path makes
/// it in line, with no frame and no invoker. Each argument is lowered by its own kind into
/// the next register of its class of an [`InlineRegs`] (System V's order, which the plan made
/// for this descriptor follows too), and the arguments' kinds, packed by [`pack_kind`], are
/// compared with [`kinds`](Self::kinds) at once.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct InlineCall {
    /// The kind of each argument, by position: byte `i` is the [`kind_code`] of argument
    /// `i`, 0 past the last.
    pub(crate) kinds: u64,
}

/// The code of a scalar kind in [`InlineCall::kinds`]: never 0, so that the packed kinds
/// also say how many arguments there are.
#[inline(always)]
pub(crate) fn kind_code(kind: ValueKind) -> u64 {
    kind as u64 + 1
}

// Every code fits in its byte.
const _: () = assert!((ValueKind::Address as u64) + 1 < 256);

/// `kinds` with the code of argument `i`'s `kind` added in its byte; how both the plan's
/// kinds and a call's are packed. (`i` is masked below [`MAX_INLINE`], never checked.)
#[inline(always)]
pub(crate) fn pack_kind(kinds: u64, i: usize, kind: ValueKind) -> u64 {
    kinds | kind_code(kind) << (8 * (i & (MAX_INLINE - 1)))
}

impl InlineCall {
    /// The in-line form of a placed call, if it has one.
    fn new(args: &[ArgPlan], ret: RetPlan, words: usize, variadic: bool) -> Option<InlineCall> {
        if !matches!(ret, RetPlan::Void | RetPlan::Scalar(_))
            || words != 0
            || variadic
            || args.len() > MAX_INLINE
        {
            return None;
        }
        let mut kinds = 0u64;
        let mut regs = InlineRegs::new();
        for (i, arg) in args.iter().enumerate() {
            let ArgPlan::Scalar { kind, slot } = arg else {
                return None;
            };
            // `InlineRegs` assigns registers by class and in order, as the plan does: the
            // call site's placement is the plan's.
            if regs.next_slot(*kind) != Some(*slot) {
                return None;
            }
            regs.push(*kind, 0);
            kinds = pack_kind(kinds, i, *kind);
        }
        Some(InlineCall { kinds })
    }
}

/// The bits of a scalar, extended as the callee expects a full register (signed integers
/// sign-extended, the rest zero-extended).
#[inline(always)]
pub(crate) fn extend(kind: ValueKind, bits: u64) -> u64 {
    match kind {
        ValueKind::I8 => bits as u8 as i8 as i64 as u64,
        ValueKind::I16 => bits as u16 as i16 as i64 as u64,
        ValueKind::I32 => bits as u32 as i32 as i64 as u64,
        ValueKind::U8 | ValueKind::Bool => bits as u8 as u64,
        ValueKind::U16 => bits as u16 as u64,
        ValueKind::U32 | ValueKind::F32 => bits as u32 as u64,
        _ => bits,
    }
}

/// Places every argument; `None` if the call needs more stack words than [`MAX_STACK`] or a
/// layout this planner does not handle.
pub(crate) fn plan(descriptor: &FunctionDescriptor, variadic: bool) -> Option<Plan> {
    if !cfg!(all(target_arch = "x86_64", unix)) {
        return None;
    }
    let mut gpr = 0u8;
    let mut sse = 0u8;
    let mut stack = 0usize;
    let (ret, ret_classes) = match descriptor.return_layout() {
        None => (RetPlan::Void, Vec::new()),
        Some(l) => match *l.kind() {
            LayoutKind::Value { kind, .. } => (
                RetPlan::Scalar(kind),
                vec![if kind.is_float() {
                    Class::Sse
                } else {
                    Class::Integer
                }],
            ),
            _ => match classify(&l) {
                Some(classes) => (
                    RetPlan::Struct {
                        size: l.byte_size(),
                    },
                    classes,
                ),
                None => {
                    gpr = 1; // the hidden pointer
                    (
                        RetPlan::Memory {
                            size: l.byte_size(),
                        },
                        vec![Class::Integer],
                    )
                }
            },
        },
    };
    let mut args = Vec::with_capacity(descriptor.argument_layouts().len());
    for layout in descriptor.argument_layouts() {
        args.push(place(layout, &mut gpr, &mut sse, &mut stack)?);
    }
    let words = [0, 1, 2, 3, 4, 6, 8, 12, 16, 24, 32]
        .into_iter()
        .find(|&k| k >= stack)?;
    let invoke = select(&ret_classes, gpr, sse, words, variadic)?;
    let dyn_args = args.iter().map(dynamic_arg).collect::<Option<_>>()?;
    let inline = InlineCall::new(&args, ret, words, variadic);
    Some(Plan {
        args: args.into_boxed_slice(),
        dyn_args,
        ret,
        invoke,
        inline,
    })
}

/// A placed argument as the dynamic call path and typed views place it (see [`DynArg`]);
/// `None` for a struct placed otherwise than the planner places them (which cannot happen).
fn dynamic_arg(arg: &ArgPlan) -> Option<DynArg> {
    Some(match arg {
        ArgPlan::Scalar { kind, slot } => DynArg {
            kind: Some(*kind),
            at: *slot,
            second: *slot,
            size: 0,
        },
        ArgPlan::Struct { size, slots } => {
            let (at, second) = match slots.first() {
                // An empty struct (validation refuses them) has no eightbyte: nothing to copy.
                None => (STACK, STACK),
                // In registers: at most two eightbytes (see `place`).
                Some(&first) if first < STACK => {
                    if slots.len() > 2 || *size > 16 {
                        return None;
                    }
                    (first, *slots.get(1).unwrap_or(&first))
                }
                // On the stack: consecutive words (see `place`).
                Some(&first) => {
                    if !slots.iter().zip(first..).all(|(s, w)| *s == w) {
                        return None;
                    }
                    (first, first)
                }
            };
            DynArg {
                kind: None,
                at,
                second,
                size: u32::try_from(*size).ok()?,
            }
        }
    })
}

fn place(layout: &MemoryLayout, gpr: &mut u8, sse: &mut u8, stack: &mut usize) -> Option<ArgPlan> {
    let mut stack_word = |n: usize, align: usize| -> Option<Slot> {
        if align > 8 {
            *stack = stack.next_multiple_of(2);
        }
        let at = *stack;
        *stack += n;
        (*stack <= MAX_STACK).then_some(STACK + at as u8)
    };
    match *layout.kind() {
        LayoutKind::Value { kind, .. } => {
            let slot = if kind.is_float() {
                if *sse < 8 {
                    *sse += 1;
                    SSE + *sse - 1
                } else {
                    stack_word(1, 8)?
                }
            } else if *gpr < 6 {
                *gpr += 1;
                GPR + *gpr - 1
            } else {
                stack_word(1, 8)?
            };
            Some(ArgPlan::Scalar { kind, slot })
        }
        LayoutKind::Struct(_) | LayoutKind::Union(_) => {
            let size = layout.byte_size();
            let words = size.div_ceil(8);
            let classes = classify(layout);
            let in_regs = classes.as_ref().and_then(|classes| {
                let need_gpr = classes.iter().filter(|c| **c == Class::Integer).count() as u8;
                let need_sse = classes.len() as u8 - need_gpr;
                (*gpr + need_gpr <= 6 && *sse + need_sse <= 8).then(|| {
                    classes
                        .iter()
                        .map(|c| match c {
                            Class::Integer => {
                                *gpr += 1;
                                GPR + *gpr - 1
                            }
                            Class::Sse => {
                                *sse += 1;
                                SSE + *sse - 1
                            }
                        })
                        .collect::<Box<[Slot]>>()
                })
            });
            let slots = match in_regs {
                Some(d) => d,
                None => {
                    let first = stack_word(words, layout.byte_alignment())?;
                    (0..words as u8).map(|w| first + w).collect()
                }
            };
            Some(ArgPlan::Struct { size, slots })
        }
        LayoutKind::Sequence { .. } | LayoutKind::Padding => None,
    }
}

/// Return registers as a pair of words, from each return shape.
trait RetShape: Copy {
    fn words(self) -> [u64; 2];
}

impl RetShape for u64 {
    #[inline(always)]
    fn words(self) -> [u64; 2] {
        [self, 0]
    }
}

impl RetShape for f64 {
    #[inline(always)]
    fn words(self) -> [u64; 2] {
        [self.to_bits(), 0]
    }
}

macro_rules! pair {
    ($name:ident, $a:ty, $b:ty) => {
        #[repr(C)]
        #[derive(Clone, Copy)]
        struct $name {
            a: $a,
            b: $b,
        }
        impl RetShape for $name {
            #[inline(always)]
            fn words(self) -> [u64; 2] {
                [to_bits(self.a), to_bits(self.b)]
            }
        }
    };
}

trait Bits: Copy {
    fn bits(self) -> u64;
}
impl Bits for u64 {
    #[inline(always)]
    fn bits(self) -> u64 {
        self
    }
}
impl Bits for f64 {
    #[inline(always)]
    fn bits(self) -> u64 {
        self.to_bits()
    }
}
#[inline(always)]
fn to_bits<T: Bits>(v: T) -> u64 {
    v.bits()
}

pair!(RetII, u64, u64);
pair!(RetDD, f64, f64);
pair!(RetID, u64, f64);
pair!(RetDI, f64, u64);

/// An integer register or stack word as an invoker passes it: initialized or not (see
/// [`Frame`]).
type W = MaybeUninit<u64>;

/// A vector register as an invoker passes it: initialized or not.
type D = MaybeUninit<f64>;

/// [`W`], once per stack word or integer register of an invoker.
macro_rules! u64_for {
    ($_:literal) => {
        W
    };
}

macro_rules! invokers {
    ($($k:literal: $fixed:ident / $variadic:ident [$($s:literal)*]),* $(,)?) => {$(
        /// # Safety
        /// `code` must be a function whose arguments, placed in `frame` as the plan says,
        /// match its C signature, and whose return is of shape `R`.
        #[inline(never)]
        #[allow(improper_ctypes_definitions)] // only called from Rust (see `Invoke`)
        unsafe extern "C" fn $fixed<R: RetShape>(code: *const c_void, frame: &Frame) -> [u64; 2] {
            // SAFETY: the universal type places the six integer registers, the eight vector
            // registers and the stack words exactly where the plan put the real arguments
            // (System V), and R is the return's register shape; the caller vouches for `code`.
            // The words no argument fills may be uninitialized: they are passed as
            // `MaybeUninit` (the ABI of `u64` and `f64`), and the callee does not read them.
            unsafe {
                let f: unsafe extern "C" fn(
                    W, W, W, W, W, W,
                    D, D, D, D, D, D, D, D,
                    $(u64_for!($s),)*
                ) -> R = std::mem::transmute(code);
                let w = |i: usize| frame.word(i);
                let d = |i: usize| frame.float(i);
                f(
                    w(0), w(1), w(2), w(3), w(4), w(5),
                    d(6), d(7), d(8), d(9), d(10), d(11), d(12), d(13),
                    $(w(14 + $s),)*
                )
                .words()
            }
        }

        /// # Safety
        /// As the fixed form; `code` is C-variadic (Rust sets `al` for it).
        #[inline(never)]
        #[allow(improper_ctypes_definitions)] // only called from Rust (see `Invoke`)
        unsafe extern "C" fn $variadic<R: RetShape>(code: *const c_void, frame: &Frame) -> [u64; 2] {
            // SAFETY: as in the fixed form (the words no argument fills too); a variadic call
            // places its arguments the same way and sets `al` to the number of vector
            // registers used (8, an upper bound).
            unsafe {
                let f: unsafe extern "C" fn(W, ...) -> R = std::mem::transmute(code);
                let w = |i: usize| frame.word(i);
                let d = |i: usize| frame.float(i);
                f(
                    w(0), w(1), w(2), w(3), w(4), w(5),
                    d(6), d(7), d(8), d(9), d(10), d(11), d(12), d(13),
                    $(w(14 + $s),)*
                )
                .words()
            }
        }
    )*

        fn select_words(words: usize, variadic: bool) -> Option<[Invoke; 6]> {
            Some(match (words, variadic) {
                $(
                    ($k, false) => [$fixed::<u64>, $fixed::<f64>, $fixed::<RetII>, $fixed::<RetDD>, $fixed::<RetID>, $fixed::<RetDI>],
                    ($k, true) => [$variadic::<u64>, $variadic::<f64>, $variadic::<RetII>, $variadic::<RetDD>, $variadic::<RetID>, $variadic::<RetDI>],
                )*
                _ => return None,
            })
        }
    };
}

invokers! {
    0: call0 / var0 [],
    1: call1 / var1 [0],
    2: call2 / var2 [0 1],
    3: call3 / var3 [0 1 2],
    4: call4 / var4 [0 1 2 3],
    6: call6 / var6 [0 1 2 3 4 5],
    8: call8 / var8 [0 1 2 3 4 5 6 7],
    12: call12 / var12 [0 1 2 3 4 5 6 7 8 9 10 11],
    16: call16 / var16 [0 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15],
    24: call24 / var24 [0 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20 21 22 23],
    32: call32 / var32 [0 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20 21 22 23 24 25 26 27 28 29 30 31],
}

/// [`D`], once per vector register of a register-only invoker.
macro_rules! f64_for {
    ($_:literal) => {
        D
    };
}

/// One register-only invoker: exactly the integer registers `$i` and the vector registers
/// `$f` (by index from the first), nothing on the stack.
macro_rules! reg_invoker {
    ($name:ident, [$($i:literal)*], [$($f:literal)*]) => {
        /// # Safety
        /// `code` must be a non-variadic function whose arguments all travel in registers:
        /// the integer and vector registers this shape passes hold them as the plan placed
        /// them (the registers it does not pass are unused by the callee), and its return
        /// is of shape `R`.
        #[inline(never)]
        #[allow(improper_ctypes_definitions)] // only called from Rust (see `Invoke`)
        pub(super) unsafe extern "C" fn $name<R: RetShape>(code: *const c_void, frame: &Frame) -> [u64; 2] {
            let _ = frame; // unread by the shape with no registers
            // SAFETY: System V assigns integer-class and SSE-class arguments to their
            // registers in order and independently, so this type puts the frame's first
            // integer and vector registers exactly where the real signature expects its
            // arguments; R is the return's register shape; the caller vouches for `code`.
            // (Every register passed is one an argument fills; they are passed as
            // `MaybeUninit`, the ABI of `u64` and `f64`, like the universal invokers' words.)
            unsafe {
                let f: unsafe extern "C" fn($(u64_for!($i),)* $(f64_for!($f),)*) -> R =
                    std::mem::transmute(code);
                f($(frame.word($i),)* $(frame.float(SSE as usize + $f),)*).words()
            }
        }
    };
}

/// The six return shapes of one invoker, in [`shape_index`] order.
macro_rules! shapes {
    ($f:ident) => {
        [
            $f::<u64> as Invoke,
            $f::<f64>,
            $f::<RetII>,
            $f::<RetDD>,
            $f::<RetID>,
            $f::<RetDI>,
        ]
    };
}

/// Register-only invokers for every count of integer registers (one module each) and of
/// vector registers: a call whose arguments all fit in registers loads only the registers it
/// uses.
macro_rules! reg_invokers {
    ($($m:ident $ints:tt),*) => {
        $(
            mod $m {
                use super::*;
                reg_invoker!(f0, $ints, []);
                reg_invoker!(f1, $ints, [0]);
                reg_invoker!(f2, $ints, [0 1]);
                reg_invoker!(f3, $ints, [0 1 2]);
                reg_invoker!(f4, $ints, [0 1 2 3]);
                reg_invoker!(f5, $ints, [0 1 2 3 4]);
                reg_invoker!(f6, $ints, [0 1 2 3 4 5]);
                reg_invoker!(f7, $ints, [0 1 2 3 4 5 6]);
                reg_invoker!(f8, $ints, [0 1 2 3 4 5 6 7]);
                pub(super) const SHAPES: [[Invoke; 6]; 9] = [
                    shapes!(f0), shapes!(f1), shapes!(f2), shapes!(f3), shapes!(f4),
                    shapes!(f5), shapes!(f6), shapes!(f7), shapes!(f8),
                ];
            }
        )*

        /// Register-only invokers by integer registers, vector registers and return shape.
        static REG_SHAPES: [[[Invoke; 6]; 9]; 7] = [$($m::SHAPES),*];
    };
}

reg_invokers!(
    i0 [], i1 [0], i2 [0 1], i3 [0 1 2], i4 [0 1 2 3], i5 [0 1 2 3 4], i6 [0 1 2 3 4 5]
);

/// `K` stack words (`K` at least 3) as one argument: an aggregate of more than 16 bytes, which
/// System V passes in memory whatever registers are free, so that, as the only such
/// argument, it lands at the start of the stack arguments, word for word, where the callee's
/// own stack arguments are. This lets an invoker pass stack words without also loading
/// every register before them.
#[repr(C)]
#[derive(Clone, Copy)]
struct StackWords<const K: usize>([W; K]);

/// Stack invokers for calls that use at most two integer and two vector registers: those
/// four registers, and the stack words as one aggregate (see [`StackWords`]).
macro_rules! few_register_invokers {
    ($($k:literal: $name:ident),* $(,)?) => {
        $(
            /// # Safety
            /// `code` must be a non-variadic function whose register arguments are at most the
            /// first two integer and two vector registers and whose stack arguments fit in
            /// the frame's first stack words, all placed as the plan says, and whose return is
            /// of shape `R`.
            #[inline(never)]
            #[allow(improper_ctypes_definitions)] // only called from Rust (see `Invoke`)
            unsafe extern "C" fn $name<R: RetShape>(code: *const c_void, frame: &Frame) -> [u64; 2] {
                // SAFETY: System V assigns the two integer-class and the two SSE-class
                // parameters to the first two registers of their class, as the plan placed
                // the real arguments; the aggregate of more than 16 bytes goes to memory, at
                // the start of the stack arguments (see `StackWords`), as the plan placed the
                // real stack arguments. R is the return's register shape; the caller vouches
                // for `code`. (Words no argument fills may be uninitialized, as in the
                // universal invokers.)
                unsafe {
                    let f: unsafe extern "C" fn(W, W, D, D, StackWords<$k>) -> R =
                        std::mem::transmute(code);
                    f(
                        frame.word(0),
                        frame.word(1),
                        frame.float(SSE as usize),
                        frame.float(SSE as usize + 1),
                        frame.stack_words::<$k>(),
                    )
                    .words()
                }
            }
        )*

        /// The few-register stack invokers by stack words, if there is one for `words`.
        fn few_register_shapes(words: usize) -> Option<[Invoke; 6]> {
            Some(match words {
                $($k => shapes!($name),)*
                _ => return None,
            })
        }
    };
}

few_register_invokers! {
    3: few3, 4: few4, 6: few6, 8: few8, 12: few12, 16: few16, 24: few24, 32: few32,
}

/// Which of the six return shapes a return of these eightbyte classes comes back in.
fn shape_index(ret: &[Class]) -> Option<usize> {
    Some(match ret {
        [] | [Class::Integer] => 0,
        [Class::Sse] => 1,
        [Class::Integer, Class::Integer] => 2,
        [Class::Sse, Class::Sse] => 3,
        [Class::Integer, Class::Sse] => 4,
        [Class::Sse, Class::Integer] => 5,
        _ => return None,
    })
}

/// The invoker for a plan: a register-only one when nothing goes on the stack and the call
/// is not variadic (`gpr` integer and `sse` vector registers used); with stack words, for a
/// call that is not variadic and uses at most two registers of each class, a few-register
/// one (from 3 stack words); else a universal one with `words` stack words.
fn select(ret: &[Class], gpr: u8, sse: u8, words: usize, variadic: bool) -> Option<Invoke> {
    let shape = shape_index(ret)?;
    if words == 0 && !variadic {
        return Some(REG_SHAPES[usize::from(gpr)][usize::from(sse)][shape]);
    }
    if !variadic
        && gpr <= 2
        && sse <= 2
        && let Some(shapes) = few_register_shapes(words)
    {
        return Some(shapes[shape]);
    }
    Some(select_words(words, variadic)?[shape])
}

#[cfg(test)]
thread_local! {
    /// How many calls [`InlineRegs::call`] made on this thread (tests only: that the dynamic
    /// path does make its calls in line).
    static IN_LINE_CALLS: std::cell::Cell<usize> = const { std::cell::Cell::new(0) };
}

/// The argument registers of a call made in line ([`InlineCall`]), filled at the call site:
/// each scalar goes to the next register of its class (System V's assignment for arguments
/// that all fit in registers), the integer registers in words 0 to 5 and the vector registers
/// in words 8 to 15.
///
/// When the arguments are known where the call is written (`&[Value::I32(x), …]`), the
/// compiler resolves the whole placement and calls through one register shape; otherwise it
/// is a few counters.
pub(crate) struct InlineRegs {
    words: [W; 16],
    gpr: usize,
    sse: usize,
}

impl InlineRegs {
    /// No arguments yet.
    #[inline(always)]
    pub(crate) fn new() -> InlineRegs {
        InlineRegs {
            // SAFETY: an array of `MaybeUninit` needs no initialization.
            words: unsafe { MaybeUninit::<[W; 16]>::uninit().assume_init() },
            gpr: 0,
            sse: 0,
        }
    }

    /// The frame slot (register) the next argument of `kind` takes, if one is left.
    fn next_slot(&self, kind: ValueKind) -> Option<Slot> {
        if kind.is_float() {
            (self.sse < 8).then(|| SSE + self.sse as Slot)
        } else {
            (self.gpr < 6).then(|| GPR + self.gpr as Slot)
        }
    }

    /// Puts the next argument, of `kind`, into the next register of its class. Past the
    /// last register of a class the words wrap (masked, never out of bounds), and
    /// [`fits`](Self::fits) says no.
    #[inline(always)]
    pub(crate) fn push(&mut self, kind: ValueKind, bits: u64) {
        if kind.is_float() {
            self.words[8 + (self.sse & 7)].write(bits);
            self.sse += 1;
        } else {
            self.words[self.gpr & 7].write(bits);
            self.gpr += 1;
        }
    }

    /// Whether every argument pushed has a register.
    #[inline(always)]
    pub(crate) fn fits(&self) -> bool {
        self.gpr <= 6 && self.sse <= 8
    }

    /// Calls `code` with these registers. Returns `rax` and `xmm0`.
    ///
    /// # Safety
    /// As for the invokers: `code` is a function that is not variadic, whose arguments are
    /// scalars in registers, of the kinds pushed in that order, with their bits extended as
    /// `Value::lower` extends them, and that returns a scalar or nothing; the arguments
    /// [`fit`](Self::fits).
    #[inline(always)]
    pub(crate) unsafe fn call(&self, code: *const c_void) -> [u64; 2] {
        #[cfg(test)]
        IN_LINE_CALLS.with(|n| n.set(n.get() + 1));
        let words = &self.words;
        let w = |r: usize| words[r];
        // SAFETY: `MaybeUninit<u64>` and `MaybeUninit<f64>` have the same size and no validity
        // invariant.
        let d = |r: usize| unsafe { std::mem::transmute::<W, D>(words[8 + r]) };
        macro_rules! arm {
            ([$($i:literal)*], [$($f:literal)*]) => {{
                // SAFETY: as for the invokers, this type is not the callee's own: it may have
                // more register parameters than the callee reads, and it returns `RetID` for
                // any scalar or void return. It agrees with the callee at the ABI level, which
                // is what the call is made by: System V assigns integer-class and SSE-class
                // arguments to their registers in order and independently, as `push` did, so
                // this type puts each argument where the real signature expects it, and the
                // registers no argument takes hold values the callee does not read (words that
                // no `push` wrote are uninitialized `MaybeUninit`s, which have the ABI of
                // `u64` and `f64` and no validity invariant). `rax` and
                // `xmm0` are read whatever the callee left in them: the caller uses the one
                // its return comes back in. The caller vouches for `code`.
                unsafe {
                    let f: unsafe extern "C" fn($(u64_for!($i),)* $(f64_for!($f),)*) -> RetID =
                        std::mem::transmute(code);
                    f($(w($i),)* $(d($f),)*).words()
                }
            }};
        }
        // Four widths of register file, so that a call site whose arguments are not known
        // holds four calls: none, two of each class, four of each, and all fourteen.
        match self.gpr.max(self.sse) {
            0 => arm!([], []),
            1..=2 => arm!([0 1], [0 1]),
            3..=4 => arm!([0 1 2 3], [0 1 2 3]),
            _ => arm!([0 1 2 3 4 5], [0 1 2 3 4 5 6 7]),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SENTINEL: u64 = 0xa5a5_a5a5_a5a5_a5a5;

    /// A frame whose every word is `SENTINEL`, so that it can be read back whole.
    fn sentinel_frame() -> Frame {
        let mut frame = Frame::uninit();
        for i in 0..FRAME_WORDS {
            frame.set(i as Slot, SENTINEL);
        }
        frame
    }

    fn words(frame: &Frame) -> Vec<u64> {
        // SAFETY: `sentinel_frame` initialized every word, and placing only writes words.
        (0..FRAME_WORDS)
            .map(|i| unsafe { frame.word(i).assume_init() })
            .collect()
    }

    fn struct_arg(size: usize, at: Slot, second: Slot) -> DynArg {
        DynArg {
            kind: None,
            at,
            second,
            size: size as u32,
        }
    }

    /// A struct in registers: eightbyte by eightbyte, the last zero-padded, nothing else
    /// written.
    #[test]
    fn struct_in_registers_is_split_into_eightbytes() {
        let bytes: Vec<u8> = (1..=16).collect();
        for n in 1..=16 {
            let mut frame = sentinel_frame();
            frame.put_struct(&bytes[..n], &struct_arg(n, 2, 7));
            let mut expected = vec![SENTINEL; FRAME_WORDS];
            let eightbyte = |from: usize| {
                let mut w = [0u8; 8];
                let to = n.min(from + 8);
                w[..to - from].copy_from_slice(&bytes[from..to]);
                u64::from_ne_bytes(w)
            };
            expected[2] = eightbyte(0);
            if n > 8 {
                expected[7] = eightbyte(8);
            }
            assert_eq!(words(&frame), expected, "{n} bytes");
        }
    }

    /// A struct on the stack: its bytes, in the words from its slot, and nothing else written.
    #[test]
    fn struct_on_the_stack_is_copied_whole() {
        let bytes: Vec<u8> = (1..=255).collect();
        for first in STACK..STACK + 4 {
            for n in 0..=(MAX_STACK - 4) * 8 {
                let mut frame = sentinel_frame();
                frame.put_struct(&bytes[..n], &struct_arg(n, first, first));
                let mut expected: Vec<u8> = [SENTINEL; FRAME_WORDS]
                    .iter()
                    .flat_map(|w| w.to_ne_bytes())
                    .collect();
                let at = usize::from(first) * 8;
                expected[at..at + n].copy_from_slice(&bytes[..n]);
                let got: Vec<u8> = words(&frame).iter().flat_map(|w| w.to_ne_bytes()).collect();
                assert_eq!(got, expected, "{n} bytes at slot {first}");
            }
        }
    }

    fn inline_of(descriptor: &FunctionDescriptor, variadic: bool) -> Option<InlineCall> {
        plan(descriptor, variadic).expect("planned").inline
    }

    /// `Downcall::call` takes the in-line path for the calls it should, whether the
    /// arguments are written at the call site or not, and not for a mismatched call.
    #[test]
    fn the_dynamic_path_calls_in_line() {
        use crate::layout::{F64, I32, I64};
        use crate::linker::{Linker, LinkerOptions, Value};
        let calls = || IN_LINE_CALLS.with(std::cell::Cell::get);
        let linker = Linker::native();
        let link = |name: &str, descriptor: FunctionDescriptor| {
            let symbol = linker.default_lookup().find_or_error(name).unwrap();
            linker
                .downcall(&symbol, descriptor, &LinkerOptions::new())
                .unwrap()
        };
        let labs = link("labs", FunctionDescriptor::of(I64, &[I64.layout()]));
        let ldexp = link(
            "ldexp",
            FunctionDescriptor::of(F64, &[F64.layout(), I32.layout()]),
        );
        assert!(labs.is_inline() && ldexp.is_inline());
        let before = calls();
        // SAFETY: labs and ldexp have no preconditions.
        unsafe {
            assert_eq!(labs.call(&[Value::I64(-5)]).unwrap(), Value::I64(5));
            let args = vec![Value::F64(1.5), Value::I32(2)];
            assert_eq!(ldexp.call(&args).unwrap(), Value::F64(6.0));
        }
        assert_eq!(calls() - before, 2, "both calls made in line");
        // SAFETY: refused before reaching C.
        unsafe {
            assert!(labs.call(&[Value::I32(-5)]).is_err());
            assert!(ldexp.call(&[Value::F64(1.5)]).is_err());
        }
        assert_eq!(calls() - before, 2, "mismatched calls are not");
    }

    #[test]
    fn scalar_calls_in_registers_are_made_in_line() {
        use crate::layout::{ADDRESS, F32, F64, I32, I64, StructLayout};
        // mix6(int, long, double, float, char*, long) -> long: the integers to rdi, rsi,
        // rdx, rcx (positions 0, 1, 4, 5), the floats to xmm0, xmm1 (positions 2, 3).
        let mix6 = FunctionDescriptor::of(
            I64,
            &[
                I32.layout(),
                I64.layout(),
                F64.layout(),
                F32.layout(),
                ADDRESS.layout(),
                I64.layout(),
            ],
        );
        let ic = inline_of(&mix6, false).expect("in line");
        let kinds = [
            ValueKind::I32,
            ValueKind::I64,
            ValueKind::F64,
            ValueKind::F32,
            ValueKind::Address,
            ValueKind::I64,
        ];
        let packed = kinds
            .map(kind_code)
            .iter()
            .enumerate()
            .fold(0u64, |k, (i, c)| k | c << (8 * i));
        assert_eq!(ic.kinds, packed, "a byte per argument, 0 past the last");
        // The call site places them as the plan did: positions 0, 1, 4, 5 in rdi, rsi, rdx,
        // rcx, positions 2 and 3 in xmm0 and xmm1.
        let mut regs = InlineRegs::new();
        for (i, kind) in kinds.into_iter().enumerate() {
            regs.push(kind, 100 + i as u64);
        }
        assert!(regs.fits());
        assert_eq!((regs.gpr, regs.sse), (4, 2));
        // SAFETY: every word read was written by `push`.
        let word = |r: usize| unsafe { regs.words[r].assume_init() };
        assert_eq!([word(0), word(1), word(2), word(3)], [100, 101, 104, 105]);
        assert_eq!([word(8), word(9)], [102, 103]);
        // A void function of no arguments; a float return.
        let v = FunctionDescriptor::void(&[]);
        assert_eq!(inline_of(&v, false).expect("in line").kinds, 0);
        let f = FunctionDescriptor::of(F32, &[F64.layout()]);
        assert_eq!(
            inline_of(&f, false).expect("in line").kinds,
            kind_code(ValueKind::F64)
        );
        // Past the registers of a class, `fits` says so (and nothing is written out of
        // bounds).
        let mut seven = InlineRegs::new();
        for _ in 0..7 {
            seven.push(ValueKind::I64, 1);
        }
        assert!(!seven.fits());
        let mut nine = InlineRegs::new();
        for _ in 0..9 {
            nine.push(ValueKind::F64, 1);
        }
        assert!(!nine.fits());

        // Not in line: variadic, stack arguments (seven integers), more than eight arguments,
        // a struct argument, a struct return.
        assert_eq!(inline_of(&mix6, true), None);
        let seven = FunctionDescriptor::void(&vec![I64.layout(); 7]);
        assert_eq!(inline_of(&seven, false), None);
        let nine = FunctionDescriptor::void(&vec![F64.layout(); 9]);
        assert_eq!(inline_of(&nine, false), None);
        let eight = FunctionDescriptor::void(&vec![F64.layout(); 8]);
        assert!(inline_of(&eight, false).is_some());
        const POINT: StructLayout = StructLayout::new(&[I32.layout(), I32.layout()]);
        let by_value = FunctionDescriptor::void(&[POINT.layout()]);
        assert_eq!(inline_of(&by_value, false), None);
        let returns = FunctionDescriptor::of(POINT, &[]);
        assert_eq!(inline_of(&returns, false), None);
        // A struct returned in memory (the hidden pointer takes rdi).
        const BIG: StructLayout =
            StructLayout::new(&[I64.layout(), I64.layout(), I64.layout(), I64.layout()]);
        let in_memory = FunctionDescriptor::of(BIG, &[I64.layout()]);
        assert_eq!(inline_of(&in_memory, false), None);
    }
}
