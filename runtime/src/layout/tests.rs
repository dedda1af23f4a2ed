use super::*;

const POINT: StructLayout =
    StructLayout::new(&[I32.with_name("x").layout(), I32.with_name("y").layout()]);
const POINTS: SequenceLayout = SequenceLayout::new(10, &POINT.layout());

#[test]
fn sizes_and_alignment() {
    assert_eq!(POINT.byte_size(), 8);
    assert_eq!(POINT.byte_alignment(), 4);
    assert_eq!(POINTS.byte_size(), 80);
    assert_eq!(POINTS.element_count(), 10);
    let u = UnionLayout::new(const { &[I8.layout(), F64.layout(), I32.layout()] });
    assert_eq!((u.byte_size(), u.byte_alignment()), (8, 8));
}

#[test]
fn display_names_everything() {
    assert_eq!(POINTS.to_string(), "[10:[i32(x) i32(y)]]");
    let be = I32.with_order(ByteOrder::Big).unaligned().with_name("n");
    assert_eq!(be.to_string(), "i32be%1(n)");
    let u = UnionLayout::try_new(&[I32.layout(), F32.layout()])
        .unwrap()
        .with_name("U");
    assert_eq!(u.to_string(), "[i32|f32](U)");
    assert_eq!(PaddingLayout::new(4).to_string(), "x4");
}

#[test]
fn c_rules_insert_padding() {
    let s = StructLayout::c(&[
        I8.with_name("c").layout(),
        I64.with_name("l").layout(),
        I16.layout(),
    ])
    .unwrap();
    assert_eq!(s.to_string(), "[i8(c) x7 i64(l) i16 x6]");
    assert_eq!(s.byte_offset(&[PathElement::group("l")]).unwrap(), 8);
}

#[test]
fn misaligned_member_is_refused_with_its_name() {
    let err = StructLayout::try_new(&[I8.layout(), I32.with_name("x").layout()]).unwrap_err();
    let msg = err.to_string();
    assert!(msg.contains("member #1 i32(x) at offset 1"), "{msg}");
}

#[test]
fn runtime_layouts_are_interned() {
    let a = SequenceLayout::try_new(3, POINT.layout()).unwrap();
    let b = SequenceLayout::try_new(3, POINT.layout()).unwrap();
    assert!(std::ptr::eq(a.element_layout(), b.element_layout()));
    assert_eq!(a, b);
    assert!(std::ptr::eq(
        intern_str("abc"),
        intern_str(&String::from("abc"))
    ));
}

#[test]
fn reshape_and_flatten() {
    let seq = SequenceLayout::try_new(1000, I32.layout()).unwrap();
    let bulk = seq.reshape(&[-1, 100]).unwrap();
    assert_eq!(bulk.to_string(), "[10:[100:i32]]");
    assert_eq!(bulk.flatten(), seq);
    assert!(
        seq.reshape(&[-1, 7])
            .unwrap_err()
            .to_string()
            .contains("not divisible by 7")
    );
    assert!(seq.reshape(&[-1, -1]).is_err());
    assert!(
        seq.reshape(&[10, 10])
            .unwrap_err()
            .to_string()
            .contains("multiply to 100")
    );
}

#[test]
fn alignment_must_be_power_of_two() {
    assert!(matches!(
        I32.layout().try_with_byte_alignment(3),
        Err(Error::InvalidAlignment { align: 3 })
    ));
    assert!(POINT.layout().try_with_byte_alignment(2).is_err());
    assert_eq!(
        POINT
            .layout()
            .try_with_byte_alignment(16)
            .unwrap()
            .byte_alignment(),
        16
    );
}

#[test]
fn dereference_selects_the_target() {
    static TARGET: MemoryLayout = POINT.layout();
    let ptr = ADDRESS.with_target_layout(&TARGET);
    let s = StructLayout::try_new(&[ptr.with_name("p").layout()]).unwrap();
    let sel = s
        .select(&[
            PathElement::group("p"),
            PathElement::dereference(),
            PathElement::group("y"),
        ])
        .unwrap();
    assert_eq!(sel, I32.with_name("y").layout());
    assert!(
        s.byte_offset(&[PathElement::group("p"), PathElement::dereference()])
            .is_err()
    );
}
