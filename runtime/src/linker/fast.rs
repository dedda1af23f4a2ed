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

/// How one argument is placed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum ArgPlan {
    /// A scalar of `kind`: its (extended) bits go to `slot`.
    Scalar { kind: ValueKind, slot: Slot },
    /// A struct or union of `size` bytes: eightbyte `i` goes to `slots[i]`.
    Struct { size: usize, slots: Box<[Slot]> },
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
/// vector registers, then the stack words. Only the registers and the plan's stack words are
/// initialized, and only those are read.
pub(crate) struct Frame {
    words: [MaybeUninit<u64>; 14 + MAX_STACK],
}

impl Frame {
    /// An uninitialized frame: [`reset`](Self::reset) it before use. (Two steps, so that the
    /// frame is built in place rather than copied.)
    #[inline(always)]
    pub(crate) fn uninit() -> Frame {
        Frame {
            words: [MaybeUninit::uninit(); 14 + MAX_STACK],
        }
    }

    /// Zeroes the registers and `stack_words` stack words.
    #[inline(always)]
    pub(crate) fn reset(&mut self, stack_words: usize) {
        for w in &mut self.words[..14] {
            w.write(0);
        }
        for w in &mut self.words[14..14 + stack_words] {
            w.write(0);
        }
    }

    /// Puts `bits` in `slot` (one the plan made, so below 14 + its stack words).
    #[inline(always)]
    pub(crate) fn set(&mut self, slot: Slot, bits: u64) {
        self.words[slot as usize].write(bits);
    }

    /// Places struct bytes into the frame, eightbyte by eightbyte (the last one zero-padded).
    #[inline(always)]
    pub(crate) fn set_struct(&mut self, bytes: &[u8], slots: &[Slot]) {
        let mut words = bytes.chunks(8);
        for s in slots {
            let word = match words.next() {
                Some(full) if full.len() == 8 => {
                    u64::from_ne_bytes(full.try_into().expect("an 8-byte chunk"))
                }
                Some(tail) => {
                    let mut word = [0u8; 8];
                    word[..tail.len()].copy_from_slice(tail);
                    u64::from_ne_bytes(word)
                }
                None => 0,
            };
            self.set(*s, word);
        }
    }

    /// Word `i`.
    ///
    /// # Safety
    /// `i` must be a register or one of the stack words the frame was made with.
    #[inline(always)]
    pub(crate) unsafe fn word(&self, i: usize) -> u64 {
        // SAFETY: forwarded: those words were initialized by `new` (or `set`).
        unsafe { self.words[i].assume_init() }
    }
}

/// Calls `code` with the registers and stack words of `frame` (made with the plan's `words`);
/// returns `rax`/`xmm0` and the second return register, as the shape chosen for the
/// descriptor puts them.
pub(crate) type Invoke = unsafe fn(code: *const c_void, frame: &Frame) -> [u64; 2];

/// A planned call.
#[derive(Debug)]
pub(crate) struct Plan {
    pub(crate) args: Box<[ArgPlan]>,
    pub(crate) ret: RetPlan,
    /// How many stack words the invoker passes (its shape: at least the words used).
    pub(crate) words: usize,
    pub(crate) invoke: Invoke,
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
    Some(Plan {
        args: args.into_boxed_slice(),
        ret,
        words,
        invoke,
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

/// `u64`, once per stack word of an invoker.
macro_rules! u64_for {
    ($_:literal) => {
        u64
    };
}

macro_rules! invokers {
    ($($k:literal: $fixed:ident / $variadic:ident [$($s:literal)*]),* $(,)?) => {$(
        /// # Safety
        /// `code` must be a function whose arguments, placed as `regs` holds them, match its
        /// C signature, and whose return is of shape `R`.
        #[inline(never)]
        unsafe fn $fixed<R: RetShape>(code: *const c_void, frame: &Frame) -> [u64; 2] {
            // SAFETY: the universal type places the six integer registers, the eight vector
            // registers and the stack words exactly where the plan put the real arguments
            // (System V), and R is the return's register shape; the caller vouches for `code`.
            unsafe {
                let f: unsafe extern "C" fn(
                    u64, u64, u64, u64, u64, u64,
                    f64, f64, f64, f64, f64, f64, f64, f64,
                    $(u64_for!($s),)*
                ) -> R = std::mem::transmute(code);
                let w = |i: usize| frame.word(i);
                let d = |i: usize| f64::from_bits(frame.word(i));
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
        unsafe fn $variadic<R: RetShape>(code: *const c_void, frame: &Frame) -> [u64; 2] {
            // SAFETY: as in the fixed form; a variadic call places its arguments the same way
            // and sets `al` to the number of vector registers used (8, an upper bound).
            unsafe {
                let f: unsafe extern "C" fn(u64, ...) -> R = std::mem::transmute(code);
                let w = |i: usize| frame.word(i);
                let d = |i: usize| f64::from_bits(frame.word(i));
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

/// `f64`, once per vector register of a register-only invoker.
macro_rules! f64_for {
    ($_:literal) => {
        f64
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
        pub(super) unsafe fn $name<R: RetShape>(code: *const c_void, frame: &Frame) -> [u64; 2] {
            let _ = frame; // unread by the shape with no registers
            // SAFETY: System V assigns integer-class and SSE-class arguments to their
            // registers in order and independently, so this type puts the frame's first
            // integer and vector registers exactly where the real signature expects its
            // arguments; R is the return's register shape; the caller vouches for `code`.
            // Every word read is a register word, initialized by `Frame::reset`.
            unsafe {
                let f: unsafe extern "C" fn($(u64_for!($i),)* $(f64_for!($f),)*) -> R =
                    std::mem::transmute(code);
                f($(frame.word($i),)* $(f64::from_bits(frame.word(SSE as usize + $f)),)*)
                    .words()
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
/// is not variadic (`gpr` integer and `sse` vector registers used), else a universal one
/// with `words` stack words.
fn select(ret: &[Class], gpr: u8, sse: u8, words: usize, variadic: bool) -> Option<Invoke> {
    let shape = shape_index(ret)?;
    if words == 0 && !variadic {
        return Some(REG_SHAPES[usize::from(gpr)][usize::from(sse)][shape]);
    }
    Some(select_words(words, variadic)?[shape])
}
