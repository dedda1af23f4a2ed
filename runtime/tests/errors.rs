//! Bad input gets a clear error (or, from the panicking accessors, a clear panic), never UB.
//! One test per case; each checks the error's kind and that its message names the details.

use ffm::layout::{Accessor, MemoryLayout, PathElement, SequenceLayout, StructLayout};
use ffm::{
    Arena, Error, F32, I32, I64, MallocAllocator, OwnedSegment, Segment, SegmentAllocator,
    SharedArena, SlicingAllocator, StringError,
};

const POINT: StructLayout =
    StructLayout::new(&[I32.with_name("x").layout(), I32.with_name("y").layout()]);
const POINTS: SequenceLayout = SequenceLayout::new(10, &POINT.layout());

#[test]
fn out_of_bounds_read_names_offset_length_and_layout() {
    let arena = Arena::new();
    let seg = arena.allocate(8, 8).unwrap();
    let err = seg.try_get(I64, 4).unwrap_err();
    assert!(matches!(
        err,
        Error::OutOfBounds {
            offset: 4,
            len: 8,
            segment_len: 8,
            layout: Some(_)
        }
    ));
    assert_eq!(
        err.to_string(),
        "out of bounds: 8 byte(s) at offset 4 for i64 do not fit in a segment of 8 byte(s)"
    );
}

#[test]
#[should_panic(
    expected = "out of bounds: 4 byte(s) at offset 40 for i32 do not fit in a segment of 40 byte(s)"
)]
fn out_of_bounds_get_at_index_panics_with_the_details() {
    let data = [0i32; 10];
    Segment::of_slice(&data).get_at_index(I32, 10);
}

#[test]
fn out_of_bounds_write_writes_nothing() {
    let mut data = [0u8; 6];
    let seg = Segment::of_mut_slice(&mut data);
    assert!(matches!(
        seg.try_set(I32, 4, -1),
        Err(Error::OutOfBounds { .. })
    ));
    assert_eq!(data, [0; 6]);
}

#[test]
fn huge_index_does_not_wrap_around() {
    let data = [0i32; 4];
    let err = Segment::of_slice(&data)
        .try_get_at_index(I32, usize::MAX / 2)
        .unwrap_err();
    assert!(matches!(err, Error::OutOfBounds { .. }), "{err}");
}

#[test]
fn out_of_bounds_slice() {
    let data = [0u8; 16];
    let err = Segment::of_slice(&data).try_slice(10, 7).unwrap_err();
    assert_eq!(
        err.to_string(),
        "out of bounds: 7 byte(s) at offset 10 do not fit in a segment of 16 byte(s)"
    );
}

#[test]
fn misaligned_access_names_address_and_alignment() {
    let arena = Arena::new();
    let seg = arena.allocate(16, 8).unwrap();
    let err = seg.try_get(I32, 2).unwrap_err();
    let Error::Misaligned {
        offset,
        align,
        address,
        layout,
    } = &err
    else {
        panic!("{err}")
    };
    assert_eq!((*offset, *align), (2, 4));
    assert_eq!(*address, seg.address().addr() + 2);
    assert_eq!(*layout, Some(I32.layout()));
    assert!(
        err.to_string()
            .contains("is not aligned to 4 byte(s) for i32"),
        "{err}"
    );
}

#[test]
#[should_panic(expected = "misaligned access")]
fn misaligned_set_panics() {
    let mut data = [0u64; 2];
    Segment::of_mut_slice(&mut data).set(I64, 4, 1);
}

#[test]
fn wrong_carrier_type_for_a_path() {
    let err = POINTS
        .accessor::<f32, 1>(&[PathElement::sequence_free(), PathElement::group("x")])
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "type mismatch: Rust type `f32` cannot carry layout i32(x)"
    );
    let err = POINT
        .select(&[PathElement::group("y")])
        .unwrap()
        .as_value::<i64>()
        .unwrap_err();
    assert!(matches!(
        err,
        Error::CarrierMismatch {
            requested: "i64",
            ..
        }
    ));
    // The right type works.
    assert!(
        POINT
            .select(&[PathElement::group("y")])
            .unwrap()
            .as_value::<i32>()
            .is_ok()
    );
    let _ = F32;
}

#[test]
fn path_to_a_missing_field() {
    let err = POINTS
        .byte_offset(&[PathElement::sequence(0), PathElement::group("z")])
        .unwrap_err();
    assert_eq!(err.to_string(), "no member named `z` in [i32(x) i32(y)]");
}

#[test]
fn path_past_a_sequence_end() {
    let err = POINTS
        .byte_offset(&[PathElement::sequence(10), PathElement::group("x")])
        .unwrap_err();
    assert!(matches!(
        err,
        Error::IndexOutOfRange {
            index: 10,
            count: 10,
            ..
        }
    ));
    assert_eq!(
        err.to_string(),
        "index 10 is out of range 0..10 for [10:[i32(x) i32(y)]]"
    );
}

#[test]
fn group_index_past_the_members() {
    let err = POINT.select(&[PathElement::group_index(2)]).unwrap_err();
    assert!(
        matches!(
            err,
            Error::IndexOutOfRange {
                index: 2,
                count: 2,
                ..
            }
        ),
        "{err}"
    );
}

#[test]
fn path_element_that_does_not_apply() {
    let err = POINT.select(&[PathElement::sequence(0)]).unwrap_err();
    assert_eq!(
        err.to_string(),
        "path element sequence(0) cannot select into [i32(x) i32(y)]"
    );
}

#[test]
fn accessor_index_out_of_range_panics_with_the_details() {
    let arena = Arena::new();
    let seg = arena.allocate_layout(&POINTS).unwrap();
    let y: Accessor<i32, 1> = POINTS
        .accessor(&[PathElement::sequence_free(), PathElement::group("y")])
        .unwrap();
    let err = y.try_get(seg, [10]).unwrap_err();
    assert_eq!(err.to_string(), "index 10 is out of range 0..10 for i32(y)");
    let panic = std::panic::catch_unwind(|| y.get(seg, [11])).unwrap_err();
    let msg = panic.downcast_ref::<String>().unwrap();
    assert!(msg.contains("index 11 is out of range 0..10"), "{msg}");
}

#[test]
fn accessor_with_the_wrong_number_of_indexes() {
    let err = POINTS
        .accessor::<i32, 2>(&[PathElement::sequence_free(), PathElement::group("y")])
        .unwrap_err();
    assert!(
        matches!(
            err,
            Error::FreeDimensions {
                expected: 2,
                found: 1,
                ..
            }
        ),
        "{err}"
    );
}

#[test]
fn alignment_that_is_not_a_power_of_two() {
    let arena = Arena::new();
    assert!(matches!(
        arena.allocate(8, 3),
        Err(Error::InvalidAlignment { align: 3 })
    ));
    assert!(matches!(
        arena.allocate(8, 0),
        Err(Error::InvalidAlignment { align: 0 })
    ));
    assert!(matches!(
        SharedArena::new().allocate(8, 6),
        Err(Error::InvalidAlignment { align: 6 })
    ));
    assert!(matches!(
        OwnedSegment::new(8, 12),
        Err(Error::InvalidAlignment { align: 12 })
    ));
    let err = I32.layout().try_with_byte_alignment(5).unwrap_err();
    assert_eq!(
        err.to_string(),
        "invalid alignment 5: an alignment must be a power of two"
    );
}

#[test]
fn size_that_overflows() {
    let arena = Arena::new();
    let err = (&arena).allocate_array(I64, usize::MAX / 4).unwrap_err();
    assert!(matches!(err, Error::SizeOverflow { .. }), "{err}");
    assert!(err.to_string().contains("array of"), "{err}");
    let err = SequenceLayout::try_new(usize::MAX / 2, I32.layout()).unwrap_err();
    assert!(matches!(err, Error::SizeOverflow { .. }), "{err}");
    let err = arena.allocate(usize::MAX - 8, 16).unwrap_err();
    assert!(matches!(err, Error::SizeOverflow { .. }), "{err}");
}

#[test]
fn slicing_allocator_that_is_full() {
    let mut buf = [0u64; 4];
    let slicer = SlicingAllocator::new(Segment::of_mut_slice(&mut buf));
    slicer.allocate(20, 4).unwrap();
    let err = slicer.allocate(16, 8).unwrap_err();
    assert!(matches!(
        err,
        Error::AllocatorFull {
            requested: 16,
            align: 8,
            remaining: 12,
            capacity: 32
        }
    ));
    assert_eq!(
        err.to_string(),
        "allocator full: 16 byte(s) aligned to 8 requested, 12 of 32 byte(s) remain"
    );
    // A smaller request that fits still succeeds after the failure.
    assert!(slicer.allocate(8, 8).is_ok());
}

#[test]
fn allocation_the_system_refuses() {
    // More than the 128 TiB of user address space x86-64 has: no kernel can map it.
    let size = (1usize << 47) + 4096;
    let arena = Arena::new();
    let err = arena.allocate(size, 8).unwrap_err();
    assert!(
        matches!(err, Error::AllocationFailed { size: s, align: 8 } if s == size),
        "{err}"
    );
    assert!(
        err.to_string()
            .starts_with("the system refused an allocation of")
    );
    let malloc = MallocAllocator::new();
    assert!(matches!(
        (&malloc).allocate(size, 8),
        Err(Error::AllocationFailed { .. })
    ));
    assert!(matches!(
        OwnedSegment::new(size, 8),
        Err(Error::AllocationFailed { .. })
    ));
    // The arena still works afterwards.
    assert_eq!(arena.allocate(8, 8).unwrap().len(), 8);
}

#[test]
fn c_string_without_terminator_is_not_read_past_the_end() {
    let seg = Segment::of_slice(b"abc");
    let err = seg.get_string(0).unwrap_err();
    assert!(matches!(
        err,
        Error::InvalidString {
            offset: 0,
            reason: StringError::NoTerminator { searched: 3 }
        }
    ));
    assert!(seg.get_string(4).is_err(), "offset past the end");
}

#[test]
fn c_string_with_interior_nul_or_too_long() {
    let arena = Arena::new();
    assert!(matches!(
        (&arena).allocate_str("a\0b"),
        Err(Error::InvalidString {
            reason: StringError::InteriorNul { position: 1 },
            ..
        })
    ));
    let seg = arena.allocate(4, 1).unwrap();
    let err = seg.set_string(1, "abc").unwrap_err();
    assert_eq!(
        err.to_string(),
        "C string at offset 1: 4 byte(s) with the terminator, but only 3 byte(s) are available"
    );
    assert_eq!(seg.as_bytes(), [0; 4], "nothing was written");
}

#[test]
fn elements_of_a_layout_that_does_not_divide_the_segment() {
    let data = [0u8; 10];
    let err = Segment::of_slice(&data).elements(&I32).unwrap_err();
    assert!(matches!(
        err,
        Error::LengthMismatch {
            len: 10,
            element_size: 4
        }
    ));
}

#[test]
fn struct_member_out_of_place() {
    let err = StructLayout::try_new(&[ffm::I8.layout(), I64.with_name("v").layout()]).unwrap_err();
    assert!(err.to_string().contains("not aligned to 8"), "{err}");
    let _: MemoryLayout = POINT.layout();
}
