// A typed upcall stub jumps to the trampoline its closure type names, and writes C's return
// registers as its return type says. Both traits are sealed: safe code cannot name a
// trampoline of its own, or a return type whose layout and writer disagree.
use std::ffi::c_void;

use ffm::MemoryLayout;
use ffm::linker::{FunctionDescriptor, UpcallFn, UpcallReturn};

struct JumpAnywhere;

impl UpcallFn<(), ()> for JumpAnywhere {
    fn descriptor() -> FunctionDescriptor {
        FunctionDescriptor::void(&[])
    }
    fn trampoline()
    -> unsafe extern "C" fn(*mut libffi::raw::ffi_cif, *mut c_void, *mut *mut c_void, *mut c_void)
    {
        unimplemented!()
    }
    fn fast_trampoline() -> usize {
        0x1234
    }
}

struct Liar;

impl UpcallReturn for Liar {
    const LAYOUT: Option<MemoryLayout> = None;
    unsafe fn write(self, _ret: *mut c_void) {}
}

fn main() {}
