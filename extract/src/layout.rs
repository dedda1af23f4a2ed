//! C's layout rules applied to IR types: what the macro front-end uses to compute the layouts
//! that the header front-end reads from clang (LP64 targets).

use std::collections::HashMap;

use crate::ir::{Item, ItemKind, Record, RecordKind, RecordLayout, Type, Unit};

/// Size and alignment of types, resolving named types against the items of a unit.
pub struct Layouts<'u> {
    items: HashMap<&'u str, &'u Item>,
    cache: HashMap<String, Option<(usize, usize)>>,
}

impl<'u> Layouts<'u> {
    /// A resolver for the named types of `unit`.
    pub fn new(unit: &'u Unit) -> Self {
        Layouts {
            items: unit.items.iter().map(|i| (i.name.as_str(), i)).collect(),
            cache: HashMap::new(),
        }
    }

    /// Size and alignment of `ty`, or `None` if a named type in it is not in the unit (or has
    /// no size: `void`, incomplete types).
    pub fn size_align(&mut self, ty: &Type) -> Option<(usize, usize)> {
        match ty {
            Type::Void => None,
            Type::Prim(p) => Some((p.size(), p.size())),
            Type::Pointer { .. } | Type::FnPointer(_) => Some((8, 8)),
            Type::Array { element, len } => {
                let (s, a) = self.size_align(element)?;
                Some((s.checked_mul(*len)?, a))
            }
            Type::Named(n) => {
                if let Some(cached) = self.cache.get(n) {
                    return *cached;
                }
                // Guards against a (malformed) cycle.
                self.cache.insert(n.clone(), None);
                let item = *self.items.get(n.as_str())?;
                let r = match &item.kind {
                    ItemKind::Record(r) => self.record(r).map(|l| (l.size, l.align)),
                    ItemKind::Enum(e) => Some((e.repr.size(), e.repr.size())),
                    ItemKind::Typedef(t) => self.size_align(t),
                    ItemKind::FnPointer(_) => Some((8, 8)),
                    ItemKind::Opaque(o) => o.size_align,
                    _ => None,
                };
                self.cache.insert(n.clone(), r);
                r
            }
        }
    }

    /// The layout of a record by C's rules, or `None` if a field type cannot be resolved.
    pub fn record(&mut self, r: &Record) -> Option<RecordLayout> {
        let mut offsets = Vec::with_capacity(r.fields.len());
        let mut offset = 0usize;
        let mut size = 0usize;
        let mut align = 1usize;
        for f in &r.fields {
            let (s, mut a) = self.size_align(&f.ty)?;
            if let Some(p) = r.pack {
                a = a.min(p);
            }
            align = align.max(a);
            match r.kind {
                RecordKind::Struct => {
                    let at = offset.next_multiple_of(a);
                    offsets.push(at);
                    offset = at + s;
                    size = offset;
                }
                RecordKind::Union => {
                    offsets.push(0);
                    size = size.max(s);
                }
            }
        }
        if let Some(a) = r.align {
            align = align.max(a);
        }
        Some(RecordLayout {
            size: size.next_multiple_of(align),
            align,
            offsets,
        })
    }
}

/// Fills in the layout of every record whose field types all resolve within `unit`, by C's
/// rules. Records that already have a layout (from clang) are left as they are.
pub fn compute_layouts(unit: &mut Unit) {
    let computed: Vec<Option<RecordLayout>> = {
        let mut l = Layouts::new(unit);
        unit.items
            .iter()
            .map(|i| match &i.kind {
                ItemKind::Record(r) if r.layout.is_none() => l.record(r),
                _ => None,
            })
            .collect()
    };
    for (item, layout) in unit.items.iter_mut().zip(computed) {
        if let (ItemKind::Record(r), Some(l)) = (&mut item.kind, layout) {
            r.layout = Some(l);
        }
    }
}
