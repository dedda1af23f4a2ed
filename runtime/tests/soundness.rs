//! Soundness regressions: each test is a safe (or contract-abiding `unsafe`) use of the public
//! API that used to read or write memory it had no right to, or to reach a place other than the
//! one asked for. After the fix each is refused with an error or a panic that names the problem.
//!
//! The `va_list` case is undefined behaviour only by the aliasing rules, which nothing checks
//! natively: there the test checks the values, and Miri checks the rest with
//! `cargo +nightly miri test -p ffm --test soundness -- va_list accessor sequence flatten` (the
//! downcall and mapping tests call C and `mmap`, which Miri cannot run).

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::OnceLock;
use std::sync::atomic::{AtomicU64, Ordering};

use ffm::layout::{PaddingLayout, PathElement, SequenceLayout, StructLayout};
use ffm::linker::{
    ByValue, DefaultLookup, FunctionDescriptor, Library, Linker, LinkerOptions, Symbol,
    SymbolLookup, VaList, Value,
};
use ffm::{
    ADDRESS, Address, Arena, Error, F64, I8, I32, MapOptions, PrefixAllocator, Result, Segment,
    SegmentAllocator, U32,
};

const POINT: StructLayout =
    StructLayout::new(&[I32.with_name("x").layout(), I32.with_name("y").layout()]);
const POINTS: SequenceLayout = SequenceLayout::new(10, &POINT.layout());

/// `struct in_addr { uint32_t s_addr; }`, passed by value to `inet_ntoa`.
const IN_ADDR: StructLayout = StructLayout::new(&[U32.layout()]);

/// `struct ffm_dddd { double a, b, c, d; }`: 32 bytes, returned in memory.
const DDDD: StructLayout =
    StructLayout::new(&[F64.layout(), F64.layout(), F64.layout(), F64.layout()]);

fn testlib() -> &'static Library {
    static LIB: OnceLock<Library> = OnceLock::new();
    LIB.get_or_init(|| Library::open(ffm_tests::TESTLIB).expect("the ffm test library"))
}

/// Whether `f` panicked with a message containing `needle`.
fn panics_with(needle: &str, f: impl FnOnce()) -> bool {
    match catch_unwind(AssertUnwindSafe(f)) {
        Ok(()) => false,
        Err(payload) => {
            let msg = payload
                .downcast_ref::<String>()
                .cloned()
                .or_else(|| payload.downcast_ref::<&str>().map(|s| s.to_string()))
                .unwrap_or_default();
            assert!(msg.contains(needle), "unexpected panic message: {msg}");
            true
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Typed downcalls: a struct passed by value is read through the segment's bounds.

/// The typed view's struct argument used to be read as `size` bytes from the segment's address
/// whatever the segment's length: a 2-byte segment for a 4-byte struct read two bytes past its
/// end (in the register path with `slice::from_raw_parts`, in the libffi path inside libffi).
#[test]
fn typed_struct_argument_shorter_than_its_layout_is_refused() {
    let inet_ntoa = DefaultLookup::new().find_or_error("inet_ntoa").unwrap();
    let desc = FunctionDescriptor::of(ADDRESS, &[IN_ADDR.layout()]);
    // The last two bytes are outside the segment handed to the call.
    let bytes = [192u8, 168, 1, 1];
    let short = Segment::of_slice(&bytes).slice(0, 2);
    for options in [LinkerOptions::new(), LinkerOptions::new().libffi_only()] {
        let h = Linker::native()
            .downcall(&inet_ntoa, desc, &options)
            .unwrap()
            .typed::<(ByValue,), Address>()
            .unwrap();
        assert!(
            panics_with("argument #0 is a 2-byte segment", || {
                // SAFETY: inet_ntoa takes a struct in_addr by value; the segment is what is
                // being checked.
                let _ = unsafe { h.call((short,)) };
            }),
            "a 2-byte segment was passed as a 4-byte struct ({options:?})"
        );
    }
}

/// The exact size still works, in both paths.
#[test]
fn typed_struct_argument_of_the_right_size_is_passed() {
    let inet_ntoa = DefaultLookup::new().find_or_error("inet_ntoa").unwrap();
    let desc = FunctionDescriptor::of(ADDRESS, &[IN_ADDR.layout()]);
    let bytes = [192u8, 168, 1, 1];
    for options in [LinkerOptions::new(), LinkerOptions::new().libffi_only()] {
        let h = Linker::native()
            .downcall(&inet_ntoa, desc, &options)
            .unwrap()
            .typed::<(ByValue,), Address>()
            .unwrap();
        // SAFETY: inet_ntoa takes a struct in_addr by value and returns a pointer to a static
        // NUL-terminated buffer, read at once (this test is the only caller in its thread, and
        // no other test calls inet_ntoa).
        let text = unsafe { h.call((Segment::of_slice(&bytes),)).read_cstr() };
        assert_eq!(text.to_str(), Ok("192.168.1.1"));
    }
}

/// A `SegmentAllocator` is safe to implement, so it may answer with less memory than asked for.
struct ShortAllocator<'b>(&'b mut Segment);

impl<'b> SegmentAllocator<'b> for ShortAllocator<'b> {
    fn allocate(self, _size: usize, _align: usize) -> Result<&'b mut Segment> {
        Ok(self.0.slice_mut(0, 8))
    }
}

/// A struct returned in memory used to be written by C straight into whatever the allocator
/// returned: 32 bytes into an 8-byte segment.
#[test]
fn typed_struct_return_into_a_short_allocation_is_refused() {
    let make = testlib().find_or_error("ffm_dddd_make").unwrap();
    let desc = FunctionDescriptor::of(DDDD, &[F64.layout(); 4]);
    let mut buf = [0u64; 8];
    for options in [LinkerOptions::new(), LinkerOptions::new().libffi_only()] {
        let h = Linker::native()
            .downcall(&make, desc, &options)
            .unwrap()
            .typed::<(f64, f64, f64, f64), ByValue>()
            .unwrap();
        buf.fill(u64::MAX);
        let seg = Segment::of_mut_slice(&mut buf);
        // SAFETY: ffm_dddd_make(double, double, double, double) returns a struct ffm_dddd.
        let r = unsafe { h.call_in(ShortAllocator(seg), (1.0, 2.0, 3.0, 4.0)) };
        let err = r.expect_err("an 8-byte segment cannot receive a 32-byte struct");
        assert!(
            matches!(
                err,
                Error::OutOfBounds {
                    len: 32,
                    segment_len: 8,
                    ..
                }
            ),
            "{err}"
        );
        assert_eq!(buf, [u64::MAX; 8], "nothing was written");
    }
}

/// The dynamic path's `call_in` checks the allocator's answer the same way.
#[test]
fn dynamic_struct_return_into_a_short_allocation_is_refused() {
    let make = testlib().find_or_error("ffm_dddd_make").unwrap();
    let desc = FunctionDescriptor::of(DDDD, &[F64.layout(); 4]);
    let mut buf = [0u64; 8];
    for options in [LinkerOptions::new(), LinkerOptions::new().libffi_only()] {
        let h = Linker::native().downcall(&make, desc, &options).unwrap();
        buf.fill(u64::MAX);
        let seg = Segment::of_mut_slice(&mut buf);
        let args = [
            Value::F64(1.0),
            Value::F64(2.0),
            Value::F64(3.0),
            Value::F64(4.0),
        ];
        // SAFETY: ffm_dddd_make(double, double, double, double) returns a struct ffm_dddd.
        let r = unsafe { h.call_in(ShortAllocator(seg), &args) };
        let err = r.expect_err("an 8-byte segment cannot receive a 32-byte struct");
        assert!(
            matches!(
                err,
                Error::OutOfBounds {
                    len: 32,
                    segment_len: 8,
                    ..
                }
            ),
            "{err}"
        );
        assert_eq!(buf, [u64::MAX; 8], "nothing was written");
    }
}

/// The same call with an honest allocator returns the struct.
#[test]
fn typed_struct_return_into_a_whole_allocation_works() {
    let make = testlib().find_or_error("ffm_dddd_make").unwrap();
    let desc = FunctionDescriptor::of(DDDD, &[F64.layout(); 4]);
    let arena = Arena::new();
    for options in [LinkerOptions::new(), LinkerOptions::new().libffi_only()] {
        let h = Linker::native()
            .downcall(&make, desc, &options)
            .unwrap()
            .typed::<(f64, f64, f64, f64), ByValue>()
            .unwrap();
        // SAFETY: as above.
        let r = unsafe { h.call_in(&arena, (1.0, 2.0, 3.0, 4.0)) }.unwrap();
        assert_eq!(r.to_vec::<f64>().unwrap(), [1.0, 2.0, 3.0, 4.0]);
    }
}

// ---------------------------------------------------------------------------------------------
// Descriptors: a struct layout passed by value has the size libffi gives it.

/// The last argument register of a call, as a C function taking two `long`s sees it.
static SECOND_EIGHTBYTE: AtomicU64 = AtomicU64::new(0);

extern "C" fn record_second_eightbyte(_first: u64, second: u64) {
    SECOND_EIGHTBYTE.store(second, Ordering::SeqCst);
}

/// `struct __attribute__((packed)) { char c; int a[2]; }` described exactly: 9 bytes, its
/// array aligned to 1. Validation used to accept it (it checked the array's element, not the
/// array's own alignment), and libffi, which spells the array out as `int`s and recomputes the
/// padding, took it for a 12-byte struct: a call read 3 bytes past the end of the 9-byte
/// segment (into the second argument register, where the callee below sees them).
#[test]
fn packed_array_member_is_refused_not_read_past() {
    let pair = SequenceLayout::try_new(2, I32.layout()).unwrap();
    let packed =
        StructLayout::try_new(&[I8.layout(), pair.layout().with_byte_alignment(1)]).unwrap();
    assert_eq!(packed.byte_size(), 9);
    let desc = FunctionDescriptor::void(&[packed.layout()]);
    // SAFETY: the address is a function of this program, alive for all of it.
    let callee = unsafe {
        Symbol::from_address(
            Address::from_ptr(record_second_eightbyte as *const u8),
            "record_second_eightbyte",
        )
    };
    let options = LinkerOptions::new().libffi_only();
    match Linker::native().downcall(&callee, desc, &options) {
        Err(e) => {
            let text = e.to_string();
            assert!(
                text.contains("a packed struct cannot be passed by value"),
                "{text}"
            );
        }
        Ok(h) => {
            // The struct's 9 bytes, then 7 bytes that are not part of the segment.
            let mut bytes = [0xABu8; 16];
            bytes[..9].fill(0);
            let seg = Segment::of_slice(&bytes).slice(0, 9);
            let h = h.typed::<(ByValue,), ()>().unwrap();
            // SAFETY: the callee reads two registers, whatever their values.
            unsafe { h.call((seg,)) };
            let seen = SECOND_EIGHTBYTE.load(Ordering::SeqCst).to_ne_bytes();
            panic!("a 9-byte struct was passed as 12 bytes; the callee saw {seen:02x?}");
        }
    }
    // Upcall stubs are refused too.
    let arena = Arena::new();
    assert!(
        Linker::native()
            .upcall(&arena, desc, |_, _| Value::Void)
            .is_err()
    );
}

/// Padding beyond what C inserts (here 7 bytes before an `int`, and 4 after one) used to be
/// accepted: libffi, which recomputes padding, took `[i8 x7 i32]` for 8 bytes and `[i32 x4]`
/// for 4, so an upcall stub for it handed the closure a 12-byte (8-byte) segment over the
/// 8 (4) bytes of libffi's argument storage, and zeroed 12 (8) bytes of return storage that
/// libffi sized for 8 (4).
#[test]
fn padding_beyond_c_is_refused() {
    let arena = Arena::new();
    let too_far =
        StructLayout::try_new(&[I8.layout(), PaddingLayout::new(7).layout(), I32.layout()])
            .unwrap();
    let too_long = StructLayout::try_new(&[I32.layout(), PaddingLayout::new(4).layout()]).unwrap();
    let inet_ntoa = DefaultLookup::new().find_or_error("inet_ntoa").unwrap();
    for (layout, needle) in [
        (too_far, "but C puts it at 4"),
        (too_long, "but C makes it 4"),
    ] {
        let desc = FunctionDescriptor::of(layout, &[layout.layout()]);
        let err = Linker::native()
            .upcall(&arena, desc, |_, _| Value::Void)
            .expect_err("an upcall stub for a struct libffi sizes otherwise");
        assert!(err.to_string().contains(needle), "{err}");
        let err = Linker::native()
            .downcall(&inet_ntoa, desc, &LinkerOptions::new())
            .expect_err("a downcall for a struct libffi sizes otherwise");
        assert!(err.to_string().contains(needle), "{err}");
    }
    // The padding C inserts is still accepted.
    let c = StructLayout::c(&[I8.layout(), I32.layout()]).unwrap();
    let desc = FunctionDescriptor::of(c, &[c.layout()]);
    assert!(
        Linker::native()
            .upcall(&arena, desc, |_, _| Value::Void)
            .is_ok()
    );
}

// ---------------------------------------------------------------------------------------------
// va_list: the list is read back through a pointer that is still valid.

/// `VaListBuilder::build` used to take the list's address from a shared reborrow of the
/// segment and then write the segment through the `&mut`: under Stacked and Tree Borrows that
/// invalidates the address, so every `next_*` on a built list (the documented use) was UB.
/// Natively this only checks the values; run it under Miri to check the aliasing.
#[test]
fn built_va_list_reads_back_through_a_valid_pointer() {
    let arena = Arena::new();
    let pair = arena.allocate_layout(&POINT).unwrap();
    pair.set(I32, 0, 5);
    pair.set(I32, 4, 6);
    let target = 0u8;
    let mut list = VaList::builder()
        .i32(-7)
        .f64(0.25)
        .address(Address::from_ptr(&target))
        .struct_value(pair, &POINT)
        .unwrap()
        .i64(1 << 40)
        .build(&arena)
        .unwrap();
    // SAFETY: read back in the order and with the types written.
    unsafe {
        assert_eq!(list.next_i32().unwrap(), -7);
        assert_eq!(list.next_f64().unwrap(), 0.25);
        assert_eq!(list.next_address().unwrap(), Address::from_ptr(&target));
        let s = list.next_struct(&POINT, &arena).unwrap();
        assert_eq!((s.get(I32, 0), s.get(I32, 4)), (5, 6));
        assert_eq!(list.next_i64().unwrap(), 1 << 40);
    }
}

/// A pointer put in a built list comes back as one that can be read through:
/// `VaListBuilder::address` used to store only the number (`addr()`, which does not expose
/// the provenance), so the address `next_address` rebuilt had none, and reading through it
/// was undefined behaviour although every `unsafe` contract on the way was kept. Natively this
/// only checks the value; Miri checks the provenance.
#[test]
fn va_list_address_reads_back_through_its_provenance() {
    let arena = Arena::new();
    let target = 0x5eed_i32;
    let mut list = VaList::builder()
        .address(Address::from_ptr(&target))
        .build(&arena)
        .unwrap();
    // SAFETY: one pointer was written, to `target`, which is alive and not written.
    let read = unsafe { list.next_address().unwrap().read(I32, 0) };
    assert_eq!(read, 0x5eed);
}

/// The same through a recycling allocator, whose memory the list keeps borrowed.
#[test]
fn va_list_from_a_prefix_allocator_reads_back() {
    let mut buf = [0u64; 16];
    let mut scratch = PrefixAllocator::new(Segment::of_mut_slice(&mut buf));
    let mut list = VaList::builder().i64(3).i64(4).build(&mut scratch).unwrap();
    // SAFETY: two 64-bit integers were written.
    let sum = unsafe { list.next_i64().unwrap() + list.next_i64().unwrap() };
    assert_eq!(sum, 7);
}

// ---------------------------------------------------------------------------------------------
// Accessors: no index reaches a place that wraps around the address space.

/// An accessor moved near `usize::MAX` with `at_offset` used to compute offsets with a wrapping
/// add, so index 1 of `[i].x` at offset `usize::MAX - 3` landed on byte 4 — inside the segment,
/// but the wrong place — and `try_get` / `try_set` succeeded there.
#[test]
fn accessor_offset_does_not_wrap_around() {
    let x = POINTS
        .accessor::<i32, 1>(&[PathElement::sequence_free(), PathElement::group("x")])
        .unwrap();
    let far = x.at_offset(usize::MAX - 3).unwrap();
    let arena = Arena::new();
    let seg = arena.allocate_layout(&POINTS).unwrap();
    seg.set(I32, 4, 42);

    assert!(matches!(
        far.offset_of([1]),
        Err(Error::SizeOverflow { .. })
    ));
    assert!(
        far.try_get(seg, [1]).is_err(),
        "read byte 4 through a wrapped offset"
    );
    assert!(
        far.try_set(seg, [1], 7).is_err(),
        "wrote byte 4 through a wrapped offset"
    );
    assert_eq!(seg.get(I32, 4), 42);
    assert!(panics_with("overflow", || {
        far.get(seg, [1]);
    }));
    assert!(panics_with("overflow", || far.set(seg, [1], 7)));
    assert_eq!(seg.get(I32, 4), 42);
}

/// A `sequence_range` step so large that only the start is selected used to overflow while
/// computing the (unused) stride: a panic in debug builds from a function that returns
/// `Result`.
#[test]
fn sequence_range_with_a_huge_step_selects_one_element() {
    let seq = SequenceLayout::try_new(4, I32.layout()).unwrap();
    let acc = seq
        .accessor::<i32, 1>(&[PathElement::sequence_range(1, usize::MAX)])
        .unwrap();
    assert_eq!(acc.dimensions(), [1]);
    let data = [10i32, 20, 30, 40];
    assert_eq!(acc.get(Segment::of_slice(&data), [0]), 20);
    assert!(acc.try_get(Segment::of_slice(&data), [1]).is_err());
}

/// Flattening nested sequences of zero-size elements whose count overflows `usize` used to
/// overflow (a panic in debug builds); the layout is zero bytes either way.
#[test]
fn flatten_of_zero_size_elements_does_not_overflow() {
    let pair = SequenceLayout::try_new(2, PaddingLayout::new(0).layout()).unwrap();
    let many = SequenceLayout::try_new(usize::MAX, pair.layout()).unwrap();
    let flat = many.flatten();
    assert_eq!(flat.byte_size(), 0);
    assert_eq!(flat.element_count(), usize::MAX);
}

// ---------------------------------------------------------------------------------------------
// Mapped files: a mapping never covers pages past the end of the file.

fn temp_file(name: &str, len: u64) -> (std::path::PathBuf, std::fs::File) {
    let dir = std::env::temp_dir().join(format!("ffm-soundness-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(name);
    let file = std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .create(true)
        .truncate(true)
        .open(&path)
        .unwrap();
    file.set_len(len).unwrap();
    (path, file)
}

/// `MapOptions::len` used to map past the end of the file: the segment then covered pages that
/// fault (SIGBUS) when touched, and references to them are not dereferenceable. The safety
/// contract (nobody changes or truncates the file) did not exclude it.
#[test]
fn mapping_past_the_end_of_the_file_is_refused() {
    let (path, file) = temp_file("short", 10);
    let options = || {
        let mut o = MapOptions::new();
        o.len(3 * 4096);
        o
    };
    // SAFETY: the file is private to this test and not changed while mapped.
    let read_only = unsafe { options().map(&file) };
    // SAFETY: as above.
    let read_write = unsafe { options().map_mut(&file) };
    // SAFETY: as above.
    let private = unsafe { options().map_copy(&file) };
    for (mode, r) in [
        ("read-only", read_only.map(|m| m.len())),
        ("read-write", read_write.map(|m| m.len())),
        ("copy-on-write", private.map(|m| m.len())),
    ] {
        let err = r.expect_err(mode);
        let text = err.to_string();
        assert!(text.contains("past the end of the 10-byte file"), "{text}");
    }
    // An offset past the end, and an offset whose end overflows, are refused too.
    // SAFETY: as above.
    let r = unsafe { MapOptions::new().offset(8).len(4).map(&file) };
    assert!(r.is_err());
    // SAFETY: as above.
    let r = unsafe { MapOptions::new().offset(u64::MAX).len(2).map(&file) };
    assert!(r.is_err());
    // A range inside the file still maps.
    // SAFETY: as above.
    let m = unsafe { MapOptions::new().offset(2).len(8).map(&file) }.unwrap();
    assert_eq!(m.len(), 8);
    drop(m);
    std::fs::remove_file(path).unwrap();
}
