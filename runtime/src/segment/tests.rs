use super::*;
use crate::{ADDRESS, Address, BOOL, ByteOrder, F64, I16, I32, I32_UNALIGNED, U8};

#[test]
fn byte_order_round_trips() {
    let mut buf = [0u8; 8];
    let seg = Segment::of_mut_slice(&mut buf);
    seg.set(I32.with_order(ByteOrder::Big), 0, 0x0102_0304);
    assert_eq!(seg.as_bytes()[..4], [1, 2, 3, 4]);
    assert_eq!(seg.get(I32.with_order(ByteOrder::Big), 0), 0x0102_0304);
    seg.set(F64.with_order(ByteOrder::Big).unaligned(), 0, 1.5);
    assert_eq!(seg.get(F64.with_order(ByteOrder::Big).unaligned(), 0), 1.5);
}

#[test]
fn bool_is_normalized() {
    let mut buf = [7u8, 0];
    let seg = Segment::of_mut_slice(&mut buf);
    assert!(seg.get(BOOL, 0));
    assert!(!seg.get(BOOL, 1));
    seg.set(BOOL, 0, true);
    assert_eq!(seg.get(U8, 0), 1);
}

#[test]
fn addresses_round_trip() {
    let x = 5i32;
    let mut buf = [0u64; 1];
    let seg = Segment::of_mut_slice(&mut buf);
    seg.set(ADDRESS, 0, Address::from_ptr(&x));
    let back = seg.get(ADDRESS, 0);
    // SAFETY: `x` is alive and 4 readable bytes.
    assert_eq!(unsafe { back.read(I32, 0) }, 5);
}

#[test]
fn unaligned_layouts_work_anywhere() {
    let mut buf = [0u32; 4];
    let seg = Segment::of_mut_slice(&mut buf);
    seg.set(I32_UNALIGNED, 3, -2);
    assert_eq!(seg.get(I32_UNALIGNED, 3), -2);
    assert!(matches!(
        seg.try_get(I32, 3),
        Err(Error::Misaligned {
            offset: 3,
            align: 4,
            ..
        })
    ));
}

#[test]
fn mismatch_follows_java() {
    let a = Segment::of_slice(b"abcd");
    assert_eq!(a.mismatch(Segment::of_slice(b"abcd")), None);
    assert_eq!(a.mismatch(Segment::of_slice(b"abXd")), Some(2));
    assert_eq!(a.mismatch(Segment::of_slice(b"ab")), Some(2));
    assert_eq!(Segment::empty().mismatch(a), Some(0));
}

#[test]
fn copy_within_and_from() {
    let mut buf = *b"0123456789";
    let seg = Segment::of_mut_slice(&mut buf);
    seg.copy_within(0..4, 2);
    assert_eq!(seg.as_bytes(), b"0101236789");
    seg.copy_from(Segment::of_slice(b"ab"));
    assert_eq!(seg.as_bytes(), b"ab01236789");
}

#[test]
fn views_and_vecs() {
    let data = [1i16, 2, 3];
    let seg = Segment::of_slice(&data);
    assert_eq!(seg.to_vec::<i16>().unwrap(), data);
    assert_eq!(seg.as_slice::<i16>().unwrap(), &data);
    assert!(matches!(
        seg.to_vec::<i32>(),
        Err(Error::LengthMismatch {
            len: 6,
            element_size: 4
        })
    ));
    assert_eq!(seg.to_vec_with(I16).unwrap(), data);
    assert!(seg.slice(1, 4).as_slice::<i16>().is_err());
}
