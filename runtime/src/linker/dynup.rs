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

/// What the entry hands [`dispatch`].
pub(crate) struct DynState {
    pub(crate) f: Box<DynUpcall>,
    pub(crate) descriptor: FunctionDescriptor,
    pub(crate) plan: Plan,
    /// For a struct returned in registers: the class of each eightbyte.
    pub(crate) ret_classes: Vec<Class>,
    /// Whether an argument is a struct passed in registers.
    register_structs: bool,
    pub(crate) name: String,
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
        let register_structs = plan.args.iter().any(|p| {
            matches!(p, ArgPlan::Struct { slots, .. } if slots.first().is_some_and(|s| *s < 14))
        });
        Ok(DynState {
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
    "sub rsp, 144",
    "mov qword ptr [rsp], rdi",
    "mov qword ptr [rsp + 8], rsi",
    "mov qword ptr [rsp + 16], rdx",
    "mov qword ptr [rsp + 24], rcx",
    "mov qword ptr [rsp + 32], r8",
    "mov qword ptr [rsp + 40], r9",
    "movq qword ptr [rsp + 48], xmm0",
    "movq qword ptr [rsp + 56], xmm1",
    "movq qword ptr [rsp + 64], xmm2",
    "movq qword ptr [rsp + 72], xmm3",
    "movq qword ptr [rsp + 80], xmm4",
    "movq qword ptr [rsp + 88], xmm5",
    "movq qword ptr [rsp + 96], xmm6",
    "movq qword ptr [rsp + 104], xmm7",
    "mov rdi, r11",
    "mov rsi, rsp",
    "lea rdx, [rbp + 16]",
    "lea rcx, [rsp + 112]",
    "call {dispatch}",
    "mov rax, qword ptr [rsp + 112]",
    "mov rdx, qword ptr [rsp + 120]",
    "movq xmm0, qword ptr [rsp + 128]",
    "movq xmm1, qword ptr [rsp + 136]",
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

/// Where the entry saved the call's argument words.
struct Incoming {
    regs: *const u64,
    stack: *const u64,
}

impl Incoming {
    /// The word in `slot`.
    ///
    /// # Safety
    /// `slot` must be one the plan placed an argument in.
    unsafe fn word(&self, slot: Slot) -> u64 {
        let s = slot as usize;
        // SAFETY: registers are the 14 saved words; stack slots index the caller's stack
        // arguments, which the plan placed within the arguments the caller pushed.
        unsafe {
            if s < 14 {
                *self.regs.add(s)
            } else {
                *self.stack.add(s - 14)
            }
        }
    }

    /// The address of a stack slot (a struct passed in memory lies there contiguously).
    fn stack_address(&self, slot: Slot) -> *const u8 {
        self.stack.wrapping_add(slot as usize - 14).cast()
    }
}

/// Called by the entry: decodes the arguments, calls the closure, writes `rax`, `rdx`, `xmm0`
/// and `xmm1` into `out`.
///
/// # Safety
/// Called only by `ffm_dynamic_upcall_entry`, with the state of a live stub and the saved
/// registers and stack arguments of a call matching the stub's descriptor.
unsafe extern "C" fn dispatch(
    state: *const DynState,
    regs: *const u64,
    stack: *const u64,
    out: *mut u64,
) {
    // SAFETY: the thunk passes the DynState it was acquired with, alive until released.
    let st = unsafe { &*state };
    let result = catch_unwind(AssertUnwindSafe(|| {
        // SAFETY: forwarded.
        unsafe { decode_and_call(st, Incoming { regs, stack }, out) }
    }));
    if let Err(payload) = result {
        abort_upcall(&st.name, payload);
    }
}

/// # Safety
/// As for [`dispatch`].
unsafe fn decode_and_call(st: &DynState, incoming: Incoming, out: *mut u64) {
    let n = st.plan.args.len();
    if n <= 8 {
        // Most callbacks have few arguments: everything lives on this stack frame.
        let mut values = [Value::Void; 8];
        let mut scratch = [MaybeUninit::<u64>::uninit(); 2 * 8];
        // SAFETY: forwarded.
        unsafe { run(st, &incoming, &mut values[..n], &mut scratch, out) }
    } else {
        // SAFETY: forwarded.
        unsafe { run_many(st, &incoming, out) }
    }
}

/// [`decode_and_call`] for more than eight arguments.
///
/// # Safety
/// As for [`dispatch`].
#[cold]
#[inline(never)]
unsafe fn run_many(st: &DynState, incoming: &Incoming, out: *mut u64) {
    let n = st.plan.args.len();
    let mut values = vec![Value::Void; n];
    let mut scratch = vec![MaybeUninit::<u64>::uninit(); 2 * n];
    // SAFETY: forwarded.
    unsafe { run(st, incoming, &mut values, &mut scratch, out) }
}

/// Decodes the arguments into `values` (one per argument; structs passed in registers are
/// reassembled in `scratch`, two words per argument), calls the closure and writes the return
/// registers.
///
/// # Safety
/// As for [`dispatch`].
unsafe fn run<'s>(
    st: &DynState,
    incoming: &Incoming,
    values: &mut [Value<'s>],
    scratch: &'s mut [MaybeUninit<u64>],
    out: *mut u64,
) {
    // First reassemble register structs into the scratch words, then make the values (the
    // values borrow the scratch).
    if st.register_structs {
        for (i, p) in st.plan.args.iter().enumerate() {
            if let ArgPlan::Struct { slots, .. } = p
                && slots.first().is_some_and(|s| *s < 14)
            {
                for (e, s) in slots.iter().enumerate() {
                    // SAFETY: the plan placed this eightbyte in that register.
                    scratch[2 * i + e].write(unsafe { incoming.word(*s) });
                }
            }
        }
    }
    let scratch: &'s [MaybeUninit<u64>] = scratch;
    for (i, (p, v)) in st.plan.args.iter().zip(values.iter_mut()).enumerate() {
        *v = match p {
            ArgPlan::Scalar { kind, slot } => {
                // SAFETY: the plan placed this scalar in `slot`.
                let bits = unsafe { incoming.word(*slot) };
                // SAFETY: the word holds the scalar in its low bytes.
                unsafe { Value::read(*kind, bits.to_ne_bytes().as_ptr()) }
            }
            ArgPlan::Struct { size, slots } => {
                let at = if slots.first().is_some_and(|s| *s < 14) {
                    scratch[2 * i..].as_ptr().cast::<u8>()
                } else {
                    incoming.stack_address(slots[0])
                };
                // SAFETY: `size` initialized bytes — the eightbytes written above (a struct in
                // registers covers all of them), or the caller's copy on the stack — not
                // written during the call.
                Value::Struct(unsafe { Segment::from_raw_parts(at, *size) })
            }
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
            let dest = unsafe { incoming.word(0) };
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
