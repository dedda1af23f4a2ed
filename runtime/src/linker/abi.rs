//! From layouts to what the calling convention sees: libffi types, and the x86-64 System V
//! classification of aggregates into eightbytes.

use libffi::middle::Type;

use crate::layout::{LayoutKind, MemoryLayout, ValueKind};

/// The class of one eightbyte of an aggregate (System V x86-64 psABI §3.2.3).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Class {
    /// Passed in a general-purpose register.
    Integer,
    /// Passed in a vector register.
    Sse,
}

/// Every scalar inside `layout`, with its offset.
pub(crate) fn leaves(layout: &MemoryLayout, base: usize, out: &mut Vec<(usize, ValueKind)>) {
    match *layout.kind() {
        LayoutKind::Value { kind, .. } => out.push((base, kind)),
        LayoutKind::Struct(members) => {
            let mut offset = base;
            for m in members {
                leaves(m, offset, out);
                offset += m.byte_size();
            }
        }
        LayoutKind::Union(members) => {
            for m in members {
                leaves(m, base, out);
            }
        }
        LayoutKind::Sequence { element, count } => {
            for i in 0..count {
                leaves(element, base + i * element.byte_size(), out);
            }
        }
        LayoutKind::Padding => {}
    }
}

/// The eightbyte classes of a struct or union of at most 16 bytes, or `None` when it is passed
/// in memory (larger than 16 bytes).
pub(crate) fn classify(layout: &MemoryLayout) -> Option<Vec<Class>> {
    let size = layout.byte_size();
    if size > 16 {
        return None;
    }
    let mut leaves_found = Vec::new();
    leaves(layout, 0, &mut leaves_found);
    let mut classes = vec![None; size.div_ceil(8)];
    for (offset, kind) in leaves_found {
        let e = offset / 8;
        let class = if kind.is_float() {
            Class::Sse
        } else {
            Class::Integer
        };
        classes[e] = match (classes[e], class) {
            (Some(Class::Integer), _) | (_, Class::Integer) => Some(Class::Integer),
            _ => Some(Class::Sse),
        };
    }
    // An eightbyte with no scalar at all (only padding) can only come from over-alignment,
    // which validation refuses; call it INTEGER to stay total.
    Some(
        classes
            .into_iter()
            .map(|c| c.unwrap_or(Class::Integer))
            .collect(),
    )
}

fn scalar(kind: ValueKind) -> Type {
    match kind {
        ValueKind::I8 => Type::i8(),
        ValueKind::U8 | ValueKind::Bool => Type::u8(),
        ValueKind::I16 => Type::i16(),
        ValueKind::U16 => Type::u16(),
        ValueKind::I32 => Type::i32(),
        ValueKind::U32 => Type::u32(),
        ValueKind::I64 => Type::i64(),
        ValueKind::U64 => Type::u64(),
        ValueKind::Isize => Type::isize(),
        ValueKind::Usize => Type::usize(),
        ValueKind::F32 => Type::f32(),
        ValueKind::F64 => Type::f64(),
        ValueKind::Address => Type::pointer(),
    }
}

/// The libffi type for a layout that passed descriptor validation.
///
/// Structs become libffi structs of their members (arrays spelled out element by element,
/// padding left for libffi to recompute, which validation guarantees it does identically).
/// libffi has no unions, so a union becomes a struct of the same size and alignment whose
/// eightbytes have the union's classes: that is all the calling convention looks at.
pub(crate) fn ffi_type(layout: &MemoryLayout) -> Type {
    match *layout.kind() {
        LayoutKind::Value { kind, .. } => scalar(kind),
        LayoutKind::Struct(members) => {
            let mut fields = Vec::new();
            for m in members {
                push_fields(m, &mut fields);
            }
            Type::structure(fields)
        }
        LayoutKind::Union(_) => union_type(layout),
        LayoutKind::Sequence { .. } | LayoutKind::Padding => {
            unreachable!("validation refuses sequences and padding at the top level")
        }
    }
}

fn push_fields(layout: &MemoryLayout, fields: &mut Vec<Type>) {
    match *layout.kind() {
        LayoutKind::Padding => {}
        LayoutKind::Sequence { element, count } => {
            for _ in 0..count {
                push_fields(element, fields);
            }
        }
        _ => fields.push(ffi_type(layout)),
    }
}

fn union_type(layout: &MemoryLayout) -> Type {
    let size = layout.byte_size();
    let align = layout.byte_alignment().min(8);
    let int_of = |w: usize| match w {
        1 => Type::u8(),
        2 => Type::u16(),
        4 => Type::u32(),
        _ => Type::u64(),
    };
    let mut fields = Vec::new();
    match classify(layout) {
        None => {
            for _ in 0..size / align {
                fields.push(int_of(align));
            }
        }
        Some(classes) => {
            for (e, class) in classes.iter().enumerate() {
                let n = (size - e * 8).min(8);
                match class {
                    Class::Sse if n == 8 && align == 8 => fields.push(Type::f64()),
                    Class::Sse => {
                        for _ in 0..n / 4 {
                            fields.push(Type::f32());
                        }
                    }
                    Class::Integer => {
                        for _ in 0..n / align {
                            fields.push(int_of(align));
                        }
                    }
                }
            }
        }
    }
    Type::structure(fields)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::layout::{StructLayout, UnionLayout};
    use crate::{F32, F64, I8, I32, I64};

    #[test]
    fn classifies_mixed_eightbytes() {
        let s = StructLayout::c(&[I32.layout(), F32.layout(), F64.layout()]).unwrap();
        assert_eq!(classify(&s), Some(vec![Class::Integer, Class::Sse]));
        let f2 = StructLayout::c(&[F32.layout(), F32.layout()]).unwrap();
        assert_eq!(classify(&f2), Some(vec![Class::Sse]));
        let big = StructLayout::c(&[I64.layout(), I64.layout(), I8.layout()]).unwrap();
        assert_eq!(classify(&big), None);
    }

    /// The size and alignment libffi gives `layout` (after preparing a call that returns it).
    fn libffi_size_align(layout: &MemoryLayout) -> (usize, usize) {
        let cif = libffi::middle::Cif::try_new(std::iter::empty(), ffi_type(layout)).unwrap();
        // SAFETY: a prepared CIF's return type is a valid ffi_type, its size and alignment
        // computed by the preparation; the CIF owns it and outlives these reads.
        unsafe {
            let rtype = (*cif.as_raw_ptr()).rtype;
            ((*rtype).size, usize::from((*rtype).alignment))
        }
    }

    /// Every layout a descriptor accepts has the size and alignment libffi computes for it:
    /// libffi reads a struct argument, and stores a struct return, by its own size. Layouts
    /// on which the two disagreed (an array under- or over-aligned, padding beyond C's, a
    /// member of no bytes) used to be accepted; libffi then read past the end of the
    /// segment holding a struct argument.
    #[test]
    fn accepted_layouts_have_the_size_libffi_gives_them() {
        use crate::layout::{PaddingLayout, SequenceLayout};
        use crate::linker::FunctionDescriptor;
        let pair = SequenceLayout::try_new(2, I32.layout()).unwrap().layout();
        let longs = SequenceLayout::try_new(2, I64.layout()).unwrap().layout();
        let none = SequenceLayout::try_new(0, I32.layout()).unwrap().layout();
        let s = |m: &[MemoryLayout]| StructLayout::try_new(m).unwrap().layout();
        let pad = |n| PaddingLayout::new(n).layout();
        let candidates = [
            // Laid out by C's rules: accepted, and libffi agrees.
            StructLayout::c(&[I8.layout(), pair]).unwrap().layout(),
            StructLayout::c(&[I8.layout(), longs, I8.layout()])
                .unwrap()
                .layout(),
            StructLayout::c(&[I32.layout(), F32.layout(), F64.layout()])
                .unwrap()
                .layout(),
            // `struct __attribute__((packed)) { char c; int a[2]; }`: 9 bytes, 12 for libffi.
            s(&[I8.layout(), pair.with_byte_alignment(1)]),
            // `… { char c; long a[2]; }`: 17 bytes, 24 for libffi.
            s(&[I8.layout(), longs.with_byte_alignment(1)]),
            // An over-aligned array: 16 bytes, 12 for libffi.
            s(&[
                SequenceLayout::try_new(3, I32.layout())
                    .unwrap()
                    .layout()
                    .with_byte_alignment(16),
                pad(4),
            ]),
            // Padding beyond C's: 12 bytes, 8 for libffi; 24 bytes, 16 for libffi.
            s(&[I8.layout(), pad(7), I32.layout()]),
            s(&[I8.layout(), pad(15), I64.layout()]),
            // Trailing padding beyond C's: 8 bytes, 4 for libffi.
            s(&[I32.layout(), pad(4)]),
            // A member of no bytes: 4 bytes, 1 for libffi.
            s(&[I8.layout(), pad(3), none]),
        ];
        let mut accepted = 0;
        for layout in candidates {
            if FunctionDescriptor::of(layout, &[layout])
                .validate()
                .is_err()
            {
                continue;
            }
            accepted += 1;
            assert_eq!(
                libffi_size_align(&layout),
                (layout.byte_size(), layout.byte_alignment()),
                "{layout}"
            );
        }
        assert_eq!(accepted, 3, "the C-rule layouts are accepted");
    }

    #[test]
    fn unions_merge_classes() {
        let u = UnionLayout::try_new(&[I32.layout(), F32.layout()]).unwrap();
        assert_eq!(classify(&u), Some(vec![Class::Integer]));
        let d = UnionLayout::try_new(&[F64.layout(), F32.layout()]).unwrap();
        assert_eq!(classify(&d), Some(vec![Class::Sse]));
    }
}
