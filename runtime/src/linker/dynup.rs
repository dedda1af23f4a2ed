//! Dynamic upcalls without libffi (x86-64 System V).
//!
//! C calls a thunk from the pool (see `thunks`) that puts the upcall's state in `r11` — not an
//! argument register, so every argument register is free for the arguments — and jumps to one
//! assembled entry point. The entry saves the six integer and eight vector argument registers
//! on its stack and calls [`dispatch`] with the state, the saved registers and the caller's
//! stack arguments. `dispatch` reads each argument where the call's plan (the same placement
//! the downcall path computes, seen from the callee's side) says it is, calls the closure with
//! [`Value`]s, and writes the return registers, which the entry loads before returning.
//!
//! `dispatch` never unwinds (a panic aborts, as on every upcall path), so the entry needs no
//! unwind information. Signatures the plan cannot place use a libffi closure instead.

use std::mem::MaybeUninit;
use std::panic::{AssertUnwindSafe, catch_unwind};

use super::FunctionDescriptor;
use super::abi::{Class, classify};
use super::fast::{self, ArgPlan, Plan, RetPlan, Slot};
use super::upcall::{DynUpcall, abort_upcall};
use super::value::Value;
use crate::Segment;
use crate::layout::ValueKind;

/// What the entry hands [`dispatch`].
pub(crate) struct DynState {
    pub(crate) f: Box<DynUpcall>,
    pub(crate) descriptor: FunctionDescriptor,
    pub(crate) plan: Plan,
    /// For a struct returned in registers: the class of each eightbyte.
    pub(crate) ret_classes: Vec<Class>,
    /// Where each argument is, as a byte offset from the frame the entry saved (see
    /// [`Op`]).
    ops: Box<[Op]>,
    /// Whether an argument is a struct passed in registers.
    register_structs: bool,
    pub(crate) name: String,
}

/// How one argument is read from the entry's frame: the saved registers (six integer, eight
/// vector, 8 bytes each), followed 16 bytes later (the saved `rbp` and the return address) by
/// the caller's stack arguments. So slot `s` is at byte `8 s` for a register and `8 s + 16` on
/// the stack.
#[derive(Clone, Copy, Debug)]
enum Op {
    /// A scalar of this kind in the word at `at`.
    Scalar { kind: ValueKind, at: u16 },
    /// A struct of `size` bytes whose copy lies in the caller's stack arguments at `at`.
    Memory { size: u16, at: u16 },
    /// A struct of `size` bytes in registers: eightbytes at `at[0]` and (if `size > 8`)
    /// `at[1]`, reassembled in the scratch words.
    Registers { size: u16, at: [u16; 2] },
}

/// The byte offset of `slot` in the entry's frame.
fn frame_offset(slot: Slot) -> u16 {
    let s = u16::from(slot);
    if s < 14 { 8 * s } else { 8 * s + 16 }
}

impl DynState {
    /// The state for `descriptor`, if the register-shape plan can place its call.
    pub(crate) fn new(
        f: Box<DynUpcall>,
        descriptor: FunctionDescriptor,
        name: String,
    ) -> Result<DynState, Box<DynUpcall>> {
        let Some(plan) = fast::plan(&descriptor, false) else {
            return Err(f);
        };
        let ret_classes = match plan.ret {
            RetPlan::Struct { .. } => descriptor
                .return_layout()
                .and_then(|l| classify(&l))
                .unwrap_or_default(),
            _ => Vec::new(),
        };
        let ops: Box<[Op]> = plan
            .args
            .iter()
            .map(|p| match p {
                ArgPlan::Scalar { kind, slot } => Op::Scalar {
                    kind: *kind,
                    at: frame_offset(*slot),
                },
                // The plan puts a struct in registers only when it is at most 16 bytes; stack
                // offsets stay below 32 words.
                ArgPlan::Struct { size, slots } if slots[0] < 14 => Op::Registers {
                    size: *size as u16,
                    at: [
                        frame_offset(slots[0]),
                        frame_offset(*slots.get(1).unwrap_or(&slots[0])),
                    ],
                },
                ArgPlan::Struct { size, slots } => Op::Memory {
                    size: *size as u16,
                    at: frame_offset(slots[0]),
                },
            })
            .collect();
        let register_structs = ops.iter().any(|o| matches!(o, Op::Registers { .. }));
        Ok(DynState {
            ops,
            register_structs,
            f,
            descriptor,
            plan,
            ret_classes,
            name,
        })
    }
}

#[cfg(all(target_arch = "x86_64", unix))]
std::arch::global_asm!(
    ".pushsection .text.ffm_dynamic_upcall,\"ax\",@progbits",
    ".balign 16",
    ".globl ffm_dynamic_upcall_entry",
    ".hidden ffm_dynamic_upcall_entry",
    "ffm_dynamic_upcall_entry:",
    "push rbp",
    "mov rbp, rsp",
    // The frame: 14 saved argument registers at [rbp - 112, rbp), directly below the saved
    // rbp and the return address, which the stack arguments follow; the four return words at
    // [rsp, rsp + 32). 144 keeps rsp 16-byte aligned for the call.
    "sub rsp, 144",
    "mov qword ptr [rbp - 112], rdi",
    "mov qword ptr [rbp - 104], rsi",
    "mov qword ptr [rbp - 96], rdx",
    "mov qword ptr [rbp - 88], rcx",
    "mov qword ptr [rbp - 80], r8",
    "mov qword ptr [rbp - 72], r9",
    "movq qword ptr [rbp - 64], xmm0",
    "movq qword ptr [rbp - 56], xmm1",
    "movq qword ptr [rbp - 48], xmm2",
    "movq qword ptr [rbp - 40], xmm3",
    "movq qword ptr [rbp - 32], xmm4",
    "movq qword ptr [rbp - 24], xmm5",
    "movq qword ptr [rbp - 16], xmm6",
    "movq qword ptr [rbp - 8], xmm7",
    "mov rdi, r11",
    "lea rsi, [rbp - 112]",
    "mov rdx, rsp",
    "call {dispatch}",
    "mov rax, qword ptr [rsp]",
    "mov rdx, qword ptr [rsp + 8]",
    "movq xmm0, qword ptr [rsp + 16]",
    "movq xmm1, qword ptr [rsp + 24]",
    "leave",
    "ret",
    ".popsection",
    dispatch = sym dispatch,
);

#[cfg(all(target_arch = "x86_64", unix))]
unsafe extern "C" {
    static ffm_dynamic_upcall_entry: u8;
}

/// The entry's address: the jump target of dynamic upcall thunks.
#[cfg(all(target_arch = "x86_64", unix))]
pub(crate) fn entry() -> usize {
    (&raw const ffm_dynamic_upcall_entry).addr()
}

/// The frame the entry saved: registers, then (16 bytes on) the caller's stack arguments.
#[derive(Clone, Copy)]
struct Frame(*const u8);

impl Frame {
    /// The word at byte offset `at`.
    ///
    /// # Safety
    /// `at` must be the offset of a register or of a stack argument the caller passed.
    #[inline(always)]
    unsafe fn word(self, at: u16) -> u64 {
        // SAFETY: forwarded; the frame's words are 8-byte aligned.
        unsafe { self.0.add(usize::from(at)).cast::<u64>().read() }
    }
}

/// Called by the entry: decodes the arguments, calls the closure, writes `rax`, `rdx`, `xmm0`
/// and `xmm1` into `out`.
///
/// # Safety
/// Called only by `ffm_dynamic_upcall_entry`, with the state of a live stub and the saved
/// registers and stack arguments of a call matching the stub's descriptor.
unsafe extern "C" fn dispatch(state: *const DynState, frame: *const u8, out: *mut u64) {
    // SAFETY: the thunk passes the DynState it was acquired with, alive until released.
    let st = unsafe { &*state };
    let result = catch_unwind(AssertUnwindSafe(|| {
        // SAFETY: forwarded.
        unsafe { decode_and_call(st, Frame(frame), out) }
    }));
    if let Err(payload) = result {
        abort_upcall(&st.name, payload);
    }
}

/// # Safety
/// As for [`dispatch`].
unsafe fn decode_and_call(st: &DynState, frame: Frame, out: *mut u64) {
    let n = st.plan.args.len();
    if n <= 8 {
        // Most callbacks have few arguments: everything lives on this stack frame.
        let mut values = [Value::Void; 8];
        let mut scratch = [MaybeUninit::<u64>::uninit(); 2 * 8];
        // SAFETY: forwarded.
        unsafe { run(st, frame, &mut values[..n], &mut scratch, out) }
    } else {
        // SAFETY: forwarded.
        unsafe { run_many(st, frame, out) }
    }
}

/// [`decode_and_call`] for more than eight arguments.
///
/// # Safety
/// As for [`dispatch`].
#[cold]
#[inline(never)]
unsafe fn run_many(st: &DynState, frame: Frame, out: *mut u64) {
    let n = st.plan.args.len();
    let mut values = vec![Value::Void; n];
    let mut scratch = vec![MaybeUninit::<u64>::uninit(); 2 * n];
    // SAFETY: forwarded.
    unsafe { run(st, frame, &mut values, &mut scratch, out) }
}

/// Decodes the arguments into `values` (one per argument; structs passed in registers are
/// reassembled in `scratch`, two words per argument), calls the closure and writes the return
/// registers.
///
/// # Safety
/// As for [`dispatch`].
unsafe fn run<'s>(
    st: &DynState,
    frame: Frame,
    values: &mut [Value<'s>],
    scratch: &'s mut [MaybeUninit<u64>],
    out: *mut u64,
) {
    // First reassemble register structs into the scratch words, then make the values (the
    // values borrow the scratch).
    if st.register_structs {
        for (i, op) in st.ops.iter().enumerate() {
            if let Op::Registers { size, at } = *op {
                // SAFETY: the plan placed the struct's eightbytes in those registers.
                unsafe {
                    scratch[2 * i].write(frame.word(at[0]));
                    scratch[2 * i + 1].write(if size > 8 { frame.word(at[1]) } else { 0 });
                }
            }
        }
    }
    let scratch: &'s [MaybeUninit<u64>] = scratch;
    for (i, (op, v)) in st.ops.iter().zip(values.iter_mut()).enumerate() {
        *v = match *op {
            // SAFETY: the plan placed this scalar at `at`, in the word's low bytes.
            Op::Scalar { kind, at } => Value::from_bits(kind, unsafe { frame.word(at) }),
            // SAFETY: both eightbytes were written above; `size` <= 16 initialized bytes, not
            // written during the call.
            Op::Registers { size, .. } => Value::Struct(unsafe {
                Segment::from_raw_parts(scratch[2 * i..].as_ptr().cast(), usize::from(size))
            }),
            // SAFETY: the caller's copy of the struct on its stack: `size` initialized bytes,
            // not written during the call.
            Op::Memory { size, at } => Value::Struct(unsafe {
                Segment::from_raw_parts(frame.0.add(usize::from(at)), usize::from(size))
            }),
        };
    }
    let values: &[Value<'_>] = values;
    let mut ret_words = [0u64; 2];
    match st.plan.ret {
        RetPlan::Void => {
            (st.f)(values, Segment::empty_mut());
        }
        RetPlan::Scalar(kind) => {
            let v = (st.f)(values, Segment::empty_mut());
            let Some((k, bits)) = v.lower().filter(|(k, _)| *k == kind) else {
                panic!(
                    "it returned {}, but its descriptor {} returns {}",
                    v.type_name(),
                    st.descriptor,
                    kind.name()
                );
            };
            // SAFETY: `out` is the entry's four return words.
            unsafe {
                *out.add(if k.is_float() { 2 } else { 0 }) = fast::extend(k, bits);
            }
        }
        RetPlan::Struct { size } => {
            let mut bytes = [0u8; 16];
            (st.f)(values, Segment::of_bytes_mut(&mut bytes[..size]));
            ret_words[0] = u64::from_ne_bytes(bytes[..8].try_into().expect("8 bytes"));
            ret_words[1] = u64::from_ne_bytes(bytes[8..].try_into().expect("8 bytes"));
            let (mut int, mut sse) = (0usize, 2usize);
            for (e, c) in st.ret_classes.iter().enumerate() {
                let reg = match c {
                    Class::Integer => {
                        int += 1;
                        int - 1
                    }
                    Class::Sse => {
                        sse += 1;
                        sse - 1
                    }
                };
                // SAFETY: `out` is the entry's four return words.
                unsafe { *out.add(reg) = ret_words[e] };
            }
        }
        RetPlan::Memory { size } => {
            // SAFETY: the hidden pointer (first integer register) is the caller's buffer for
            // the struct; it is returned in rax.
            let dest = unsafe { frame.word(0) };
            let p = std::ptr::with_exposed_provenance_mut::<u8>(dest as usize);
            // SAFETY: the caller's return buffer: `size` writable bytes; zeroed first so the
            // segment's bytes are initialized.
            let seg = unsafe {
                std::ptr::write_bytes(p, 0, size);
                Segment::from_raw_parts_mut(p, size)
            };
            (st.f)(values, seg);
            // SAFETY: `out` is the entry's four return words.
            unsafe { *out = dest };
        }
    }
}
