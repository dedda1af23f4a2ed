//! Typed upcalls without libffi: a static pool of tiny thunks.
//!
//! A typed upcall's trampoline is a monomorphized `extern "C" fn(a0, …, an, state) -> R`: the
//! closure's arguments, then a pointer to its state. C calls a *thunk* instead, which loads the
//! state pointer into the next free integer argument register — the one the trampoline's
//! `state` parameter arrives in — and jumps to the trampoline:
//!
//! ```text
//! thunk_r_i:  mov <reg r>, [table_r + 16 i]        ; the closure state
//!             jmp [table_r + 16 i + 8]             ; the trampoline
//! ```
//!
//! where `r` is the number of integer registers the signature's arguments use (a seventh pool
//! loads `r11` for dynamic upcalls, whose entry reads every argument register). The thunks are
//! assembled into the binary's text; the table they read is ordinary data. No memory is ever
//! writable and executable, and no code is generated at run time. When the pool for a register
//! is exhausted, or a signature uses all six integer registers, the upcall goes through a
//! libffi closure instead.
//!
//! A released thunk jumps to a handler that aborts with a message, so calling a stub after its
//! arena closed fails loudly (until the thunk is reused).

use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

use super::abi::{Class, classify};
use super::descriptor::FunctionDescriptor;
use crate::layout::LayoutKind;

/// Thunks per register.
pub(crate) const POOL: usize = 1024;

macro_rules! pools {
    ($($table:ident $label:literal $reg:literal),*) => {
        $(
            static $table: [AtomicUsize; 2 * POOL] = [const { AtomicUsize::new(0) }; 2 * POOL];
        )*

        #[cfg(all(target_arch = "x86_64", unix))]
        std::arch::global_asm!(
            ".pushsection .text.ffm_upcall_thunks,\"ax\",@progbits",
            $(
                ".balign 16",
                concat!(".globl ", $label),
                concat!(".hidden ", $label),
                concat!($label, ":"),
                ".set ffm_thunk_i, 0",
                ".rept 1024",
                concat!("mov ", $reg, ", qword ptr [rip + {", stringify!($table), "} + ffm_thunk_i*16]"),
                concat!("jmp qword ptr [rip + {", stringify!($table), "} + ffm_thunk_i*16 + 8]"),
                ".balign 16, 0xcc",
                ".set ffm_thunk_i, ffm_thunk_i + 1",
                ".endr",
            )*
            ".popsection",
            $($table = sym $table,)*
        );
    };
}

pools!(
    TABLE0 "ffm_upcall_thunks_rdi" "rdi",
    TABLE1 "ffm_upcall_thunks_rsi" "rsi",
    TABLE2 "ffm_upcall_thunks_rdx" "rdx",
    TABLE3 "ffm_upcall_thunks_rcx" "rcx",
    TABLE4 "ffm_upcall_thunks_r8" "r8",
    TABLE5 "ffm_upcall_thunks_r9" "r9",
    TABLE6 "ffm_upcall_thunks_r11" "r11"
);

/// The pool whose thunks put the state in `r11`, which carries no argument: dynamic upcalls
/// (see `dynup`) use it, keeping every argument register for the arguments.
pub(crate) const R11: usize = 6;

#[cfg(all(target_arch = "x86_64", unix))]
unsafe extern "C" {
    static ffm_upcall_thunks_rdi: u8;
    static ffm_upcall_thunks_rsi: u8;
    static ffm_upcall_thunks_rdx: u8;
    static ffm_upcall_thunks_rcx: u8;
    static ffm_upcall_thunks_r8: u8;
    static ffm_upcall_thunks_r9: u8;
    static ffm_upcall_thunks_r11: u8;
}

fn table(reg: usize) -> &'static [AtomicUsize; 2 * POOL] {
    [
        &TABLE0, &TABLE1, &TABLE2, &TABLE3, &TABLE4, &TABLE5, &TABLE6,
    ][reg]
}

#[cfg(all(target_arch = "x86_64", unix))]
fn code_base(reg: usize) -> *const u8 {
    // Taking the address of an assembler label reads nothing.
    [
        &raw const ffm_upcall_thunks_rdi,
        &raw const ffm_upcall_thunks_rsi,
        &raw const ffm_upcall_thunks_rdx,
        &raw const ffm_upcall_thunks_rcx,
        &raw const ffm_upcall_thunks_r8,
        &raw const ffm_upcall_thunks_r9,
        &raw const ffm_upcall_thunks_r11,
    ][reg]
}

/// Free thunk indexes per register (built on first use).
static FREE: Mutex<Option<[Vec<u16>; 7]>> = Mutex::new(None);

/// What a released thunk jumps to.
extern "C" fn called_after_close() {
    eprintln!(
        "ffm: an upcall stub was called after the arena that owned it was closed\nffm: aborting the process"
    );
    std::process::abort()
}

/// A thunk in use: its code address calls `target` with `state` in register `reg`.
#[derive(Debug)]
pub(crate) struct Thunk {
    reg: usize,
    index: usize,
}

impl Thunk {
    /// The thunk's code address: the C function pointer.
    #[cfg(all(target_arch = "x86_64", unix))]
    pub(crate) fn code(&self) -> *const u8 {
        code_base(self.reg).wrapping_add(16 * self.index)
    }
}

impl Drop for Thunk {
    fn drop(&mut self) {
        let t = table(self.reg);
        t[2 * self.index + 1].store(called_after_close as *const () as usize, Ordering::Release);
        t[2 * self.index].store(0, Ordering::Release);
        let mut free = FREE.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(free) = free.as_mut() {
            free[self.reg].push(self.index as u16);
        }
    }
}

/// Takes a thunk that puts `state` in integer argument register `reg` (or in `r11` for
/// [`R11`]) and jumps to `target`.
pub(crate) fn acquire(reg: usize, state: usize, target: usize) -> Option<Thunk> {
    if !cfg!(all(target_arch = "x86_64", unix)) || reg > R11 {
        return None;
    }
    let index = {
        let mut free = FREE.lock().unwrap_or_else(|p| p.into_inner());
        let free =
            free.get_or_insert_with(|| std::array::from_fn(|_| (0..POOL as u16).rev().collect()));
        free[reg].pop()? as usize
    };
    let t = table(reg);
    t[2 * index].store(state, Ordering::Release);
    t[2 * index + 1].store(target, Ordering::Release);
    Some(Thunk { reg, index })
}

/// The number of integer registers a call with `descriptor` uses for its arguments (the
/// hidden return pointer included), if all its arguments are placed by the usual rules.
pub(crate) fn integer_registers(descriptor: &FunctionDescriptor) -> usize {
    let mut gpr = 0usize;
    let mut sse = 0usize;
    if let Some(r) = descriptor.return_layout()
        && !r.is_value()
        && classify(&r).is_none()
    {
        gpr += 1;
    }
    for l in descriptor.argument_layouts() {
        match l.kind() {
            LayoutKind::Value { kind, .. } => {
                if kind.is_float() {
                    sse += 1;
                } else {
                    gpr += 1;
                }
            }
            _ => {
                if let Some(classes) = classify(l) {
                    let ints = classes.iter().filter(|c| **c == Class::Integer).count();
                    let floats = classes.len() - ints;
                    if gpr + ints <= 6 && sse + floats <= 8 {
                        gpr += ints;
                        sse += floats;
                    }
                }
            }
        }
    }
    gpr.min(6)
}
