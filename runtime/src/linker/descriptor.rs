//! Function descriptors: a C signature described with layouts.

use std::fmt;

use crate::layout::{ByteOrder, LayoutKind, MemoryLayout, intern_layouts};
use crate::{Error, Result};

/// The signature of a C function: the layout of each argument and of the return value (none
/// for `void`).
///
/// Scalars are value layouts ([`I32`](crate::I32), [`F64`](crate::F64), [`ADDRESS`](crate::ADDRESS)
/// for any pointer, …); structs and unions passed by value are group layouts laid out as C lays
/// them out. A descriptor is `Copy` and can be a `const`:
///
/// ```
/// use ffm::linker::FunctionDescriptor;
/// use ffm::{ADDRESS, USIZE};
/// // size_t strlen(const char *)
/// const STRLEN: FunctionDescriptor = FunctionDescriptor::new(Some(USIZE.layout()), &[ADDRESS.layout()]);
/// assert_eq!(STRLEN.to_string(), "(ptr)usize");
/// ```
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct FunctionDescriptor {
    ret: Option<MemoryLayout>,
    args: &'static [MemoryLayout],
}

impl FunctionDescriptor {
    /// A descriptor returning `ret` (or `void`) and taking `args`.
    pub const fn new(ret: Option<MemoryLayout>, args: &'static [MemoryLayout]) -> Self {
        FunctionDescriptor { ret, args }
    }

    /// A descriptor returning `ret` and taking `args`, built at run time (the argument list is
    /// interned).
    pub fn of(ret: impl Into<MemoryLayout>, args: &[MemoryLayout]) -> Self {
        FunctionDescriptor {
            ret: Some(ret.into()),
            args: intern_layouts(args),
        }
    }

    /// A descriptor returning `void` and taking `args`, built at run time.
    pub fn void(args: &[MemoryLayout]) -> Self {
        FunctionDescriptor {
            ret: None,
            args: intern_layouts(args),
        }
    }

    /// The return layout, or `None` for `void`.
    pub const fn return_layout(&self) -> Option<MemoryLayout> {
        self.ret
    }

    /// The argument layouts.
    pub const fn argument_layouts(&self) -> &'static [MemoryLayout] {
        self.args
    }

    /// The same descriptor with `more` arguments appended.
    pub fn append_argument_layouts(&self, more: &[MemoryLayout]) -> Self {
        let mut args = self.args.to_vec();
        args.extend_from_slice(more);
        FunctionDescriptor {
            ret: self.ret,
            args: intern_layouts(&args),
        }
    }

    /// The same descriptor with `more` arguments inserted before argument `index`.
    pub fn insert_argument_layouts(&self, index: usize, more: &[MemoryLayout]) -> Result<Self> {
        if index > self.args.len() {
            return Err(Error::InvalidDescriptor {
                descriptor: self.to_string(),
                reason: format!(
                    "cannot insert at argument {index}: there are {} argument(s)",
                    self.args.len()
                ),
            });
        }
        let mut args = self.args.to_vec();
        args.splice(index..index, more.iter().copied());
        Ok(FunctionDescriptor {
            ret: self.ret,
            args: intern_layouts(&args),
        })
    }

    /// The same descriptor returning `ret`.
    pub fn change_return_layout(&self, ret: impl Into<MemoryLayout>) -> Self {
        FunctionDescriptor {
            ret: Some(ret.into()),
            args: self.args,
        }
    }

    /// The same descriptor returning `void`.
    pub fn drop_return_layout(&self) -> Self {
        FunctionDescriptor {
            ret: None,
            args: self.args,
        }
    }

    /// Checks that every layout can be passed to or returned from C: scalars with their natural
    /// alignment and native byte order, structs and unions with padding exactly where C puts it
    /// (not packed, not over-aligned), no sequence or padding at the top level.
    pub fn validate(&self) -> Result<()> {
        let bad = |what: String, layout: &MemoryLayout, why: String| Error::InvalidDescriptor {
            descriptor: self.to_string(),
            reason: format!("{what} {layout}: {why}"),
        };
        for (i, a) in self.args.iter().enumerate() {
            check_top(a).map_err(|why| bad(format!("argument #{i}"), a, why))?;
        }
        if let Some(r) = &self.ret {
            check_top(r).map_err(|why| bad("the return layout".into(), r, why))?;
        }
        Ok(())
    }
}

fn check_top(layout: &MemoryLayout) -> std::result::Result<(), String> {
    match layout.kind() {
        LayoutKind::Sequence { .. } => Err(
            "a sequence (C array) cannot be passed by value; pass its address with ADDRESS, or wrap it in a struct"
                .into(),
        ),
        LayoutKind::Padding => Err("padding cannot be an argument or return value".into()),
        LayoutKind::Struct(_) | LayoutKind::Union(_) if layout.byte_size() == 0 => {
            Err("an empty struct or union has no C equivalent".into())
        }
        _ => check_nested(layout),
    }
}

/// Checks a layout that C code would lay out itself: natural alignments, native order, C
/// padding rules.
fn check_nested(layout: &MemoryLayout) -> std::result::Result<(), String> {
    match *layout.kind() {
        LayoutKind::Value { kind, order, .. } => {
            if order != ByteOrder::NATIVE {
                return Err(format!("{layout} is not in the native byte order"));
            }
            if layout.byte_alignment() != kind.size() {
                return Err(format!(
                    "{layout} is aligned to {} but C aligns {} to {}{}",
                    layout.byte_alignment(),
                    kind.name(),
                    kind.size(),
                    if layout.byte_alignment() < kind.size() {
                        " (a packed struct cannot be passed by value)"
                    } else {
                        ""
                    }
                ));
            }
            Ok(())
        }
        LayoutKind::Struct(members) => {
            // `offset` counts every member, padding included; `end` is where the last member
            // that is not padding ends. C (and libffi, which is given the members without their
            // padding and recomputes it) puts each member at `end` rounded up to its alignment,
            // so the padding before it must be exactly that much: more would leave libffi with
            // a struct of another size than the layout's, and it reads and writes its own size.
            let mut offset = 0usize;
            let mut end = 0usize;
            let mut align = 1usize;
            for m in members {
                if matches!(m.kind(), LayoutKind::Padding) {
                    offset += m.byte_size();
                    continue;
                }
                check_nested(m)?;
                if m.byte_size() == 0 {
                    return Err(format!(
                        "member {m} has no bytes, which C cannot pass by value"
                    ));
                }
                let expected = end.next_multiple_of(m.byte_alignment());
                let found = offset;
                if found != expected {
                    let fix = if found < expected {
                        "add padding"
                    } else {
                        "remove padding"
                    };
                    return Err(format!(
                        "member {m} is at offset {found}, but C puts it at {expected} (its alignment is {}); {fix}",
                        m.byte_alignment()
                    ));
                }
                align = align.max(m.byte_alignment());
                offset += m.byte_size();
                end = offset;
            }
            check_group_end(layout, end, align)
        }
        LayoutKind::Union(members) => {
            let mut size = 0usize;
            let mut align = 1usize;
            for m in members {
                if matches!(m.kind(), LayoutKind::Padding) {
                    size = size.max(m.byte_size());
                    continue;
                }
                check_nested(m)?;
                size = size.max(m.byte_size());
                align = align.max(m.byte_alignment());
            }
            check_group_end(layout, size, align)
        }
        LayoutKind::Sequence { element, .. } => {
            // A C array is aligned as its element: libffi spells it out element by element, so
            // an array aligned otherwise (below: in a packed struct; above: over-aligned) would
            // be placed, and sized, differently by libffi than by the layout.
            if layout.byte_alignment() != element.byte_alignment() {
                return Err(format!(
                    "{layout} is aligned to {} but C aligns an array as its element, to {}{}",
                    layout.byte_alignment(),
                    element.byte_alignment(),
                    if layout.byte_alignment() < element.byte_alignment() {
                        " (a packed struct cannot be passed by value)"
                    } else {
                        ""
                    }
                ));
            }
            check_nested(element)
        }
        LayoutKind::Padding => Ok(()),
    }
}

fn check_group_end(
    layout: &MemoryLayout,
    end: usize,
    align: usize,
) -> std::result::Result<(), String> {
    if layout.byte_alignment() != align {
        return Err(format!(
            "the group is aligned to {} but C aligns it to {align} (its most aligned member); packed or over-aligned groups cannot be passed by value",
            layout.byte_alignment()
        ));
    }
    let expected = end.next_multiple_of(align);
    if layout.byte_size() != expected {
        return Err(format!(
            "the group is {} byte(s), but C makes it {expected} (trailing padding to its alignment {align})",
            layout.byte_size()
        ));
    }
    Ok(())
}

impl fmt::Display for FunctionDescriptor {
    /// `(i32, ptr)i64`; `v` for a `void` return.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("(")?;
        for (i, a) in self.args.iter().enumerate() {
            if i > 0 {
                f.write_str(", ")?;
            }
            write!(f, "{a}")?;
        }
        f.write_str(")")?;
        match &self.ret {
            Some(r) => write!(f, "{r}"),
            None => f.write_str("v"),
        }
    }
}

impl fmt::Debug for FunctionDescriptor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "FunctionDescriptor{self}")
    }
}
