#[ffm::foreign(crate = crate::reexported::ffm)]
#[repr(C, align(16))]
struct Aligned {
    v: [f32; 3],
}
