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

    #[test]
    fn unions_merge_classes() {
        let u = UnionLayout::try_new(&[I32.layout(), F32.layout()]).unwrap();
        assert_eq!(classify(&u), Some(vec![Class::Integer]));
        let d = UnionLayout::try_new(&[F64.layout(), F32.layout()]).unwrap();
        assert_eq!(classify(&d), Some(vec![Class::Sse]));
    }
}
