//! Structs and unions: fields with clang's offsets, bitfields gathered into storage bytes,
//! anonymous members and anonymous types named after their parent, flexible array members, and
//! the fit to C's rules (packing, alignment, padding) that the emitted code checks.

use clang_sys::*;

use super::{Translator, prim_of};
use crate::clang::docs::comment_to_docs;
use crate::clang::ffi::{Cursor, Ty};
use crate::ir::{Bitfield, Field, ItemKind, Opaque, Prim, Record, RecordKind, RecordLayout, Type};

impl Translator {
    pub(super) fn record(&mut self, c: &Cursor, name: String) {
        let kind = if c.kind() == CXCursor_UnionDecl {
            RecordKind::Union
        } else {
            RecordKind::Struct
        };
        let ty = c.ty();
        let (Some(size), Some(align)) = (ty.size(), ty.align()) else {
            // An incomplete type: an opaque handle.
            self.push_item(
                c,
                name,
                ItemKind::Opaque(Opaque {
                    size_align: None,
                    reason: None,
                }),
            );
            return;
        };
        let mut fields = Vec::new();
        let mut offsets = Vec::new();
        // (size, alignment) of each field, from clang.
        let mut sizes: Vec<(usize, usize)> = Vec::new();
        let mut problem: Option<String> = None;
        let mut bitfield_run: Option<BitRun> = None;
        let mut anon_index = 0usize;
        let children = c.children();
        for f in &children {
            // C11 anonymous struct and union members: libclang shows the record declaration
            // (and no field); their members are reachable from this record.
            let anonymous_record = matches!(f.kind(), CXCursor_StructDecl | CXCursor_UnionDecl)
                && f.is_anonymous_record();
            if anonymous_record
                || (f.kind() == CXCursor_FieldDecl
                    && f.spelling().is_empty()
                    && !f.is_bitfield()
                    && is_anonymous_decl(&f.ty().named().declaration()))
            {
                let decl = if anonymous_record {
                    *f
                } else {
                    f.ty().named().declaration()
                };
                if self.anon_names.contains_key(&Self::key(&decl)) {
                    continue; // seen as a declaration already (a later clang shows both)
                }
                if let Some(run) = bitfield_run.take() {
                    push_bitfield_run(&mut fields, &mut offsets, &mut sizes, run);
                }
                let dty = decl.ty();
                let (Some(offset), Some(s), Some(a)) =
                    (anonymous_member_offset(&ty, &decl), dty.size(), dty.align())
                else {
                    problem = Some("clang gives no offset for an anonymous member".into());
                    break;
                };
                anon_index += 1;
                let nested = self.name_anonymous(&decl, format!("{name}__anon{anon_index}"));
                fields.push(Field {
                    name: format!("__anon{anon_index}"),
                    ty: Type::Named(nested),
                    docs: decl
                        .raw_comment()
                        .map(|t| comment_to_docs(&t))
                        .unwrap_or_default(),
                    bitfields: Vec::new(),
                    hidden: false,
                    anonymous: true,
                });
                offsets.push(offset);
                sizes.push((s, a));
                continue;
            }
            if f.kind() != CXCursor_FieldDecl {
                continue;
            }
            let Some(bits) = f.field_offset_bits() else {
                problem = Some(format!(
                    "clang gives no offset for field `{}`",
                    f.spelling()
                ));
                break;
            };
            let fname = f.spelling();
            if f.is_bitfield() {
                let width = f.bitfield_width();
                let fty = f.ty();
                let Some(prim) = prim_of(&fty.canonical()) else {
                    problem = Some(format!(
                        "bitfield `{fname}` has type {} which has no Rust scalar",
                        fty.spelling()
                    ));
                    break;
                };
                let run = bitfield_run.get_or_insert_with(|| BitRun {
                    start_byte: bits / 8,
                    end_bit: bits,
                    fields: Vec::new(),
                });
                run.end_bit = run.end_bit.max(bits + width);
                if width > 0 && !fname.is_empty() {
                    run.fields.push(Bitfield {
                        name: fname,
                        ty: prim,
                        bit_offset: bits - run.start_byte * 8,
                        width,
                        docs: f
                            .raw_comment()
                            .map(|t| comment_to_docs(&t))
                            .unwrap_or_default(),
                    });
                }
                continue;
            }
            if let Some(run) = bitfield_run.take() {
                push_bitfield_run(&mut fields, &mut offsets, &mut sizes, run);
            }
            if bits % 8 != 0 {
                problem = Some(format!("field `{fname}` does not start on a byte"));
                break;
            }
            let fty = f.ty();
            // A field of an anonymous type (`struct { … } s;`, also in arrays): the type is
            // named after the field.
            let mut inner = fty;
            while matches!(inner.kind(), CXType_ConstantArray | CXType_IncompleteArray) {
                inner = inner.element();
            }
            let inner = inner.named();
            if inner.kind() == CXType_Record && is_anonymous_decl(&inner.declaration()) {
                self.name_anonymous(&inner.declaration(), format!("{name}__{fname}"));
            }
            match self.ty(&fty, f) {
                Ok(t) => {
                    fields.push(Field {
                        name: fname.clone(),
                        ty: t,
                        docs: f
                            .raw_comment()
                            .map(|t| comment_to_docs(&t))
                            .unwrap_or_default(),
                        bitfields: Vec::new(),
                        hidden: false,
                        anonymous: false,
                    });
                    offsets.push(bits / 8);
                    // A flexible array member has no size of its own: zero bytes, aligned as
                    // its element.
                    let size_align = if fty.canonical().kind() == CXType_IncompleteArray {
                        fty.canonical().element().align().map(|a| (0, a))
                    } else {
                        fty.size().zip(fty.align())
                    };
                    match size_align {
                        Some(sa) => sizes.push(sa),
                        None => {
                            problem = Some(format!("field `{fname}` has an incomplete type"));
                            break;
                        }
                    }
                }
                Err(why) => {
                    problem = Some(format!("field `{fname}`: {why}"));
                    break;
                }
            }
        }
        if problem.is_none()
            && let Some(run) = bitfield_run.take()
        {
            push_bitfield_run(&mut fields, &mut offsets, &mut sizes, run);
        }
        if let Some(why) = problem {
            self.opaque_with_warning(c, name, size, align, why);
            return;
        }
        let record = Record {
            kind,
            fields,
            pack: None,
            align: None,
            layout: Some(RecordLayout {
                size,
                align,
                offsets,
            }),
            attrs: Vec::new(),
        };
        match fit_layout(record, &sizes) {
            Ok(r) => self.push_item(c, name, ItemKind::Record(r)),
            Err(why) => self.opaque_with_warning(c, name, size, align, why),
        }
    }

    /// Names an anonymous record declaration (once: its first name sticks) and translates it.
    pub(super) fn name_anonymous(&mut self, decl: &Cursor, name: String) -> String {
        let key = Self::key(decl);
        if let Some(n) = self.anon_names.get(&key) {
            return n.clone();
        }
        self.anon_names.insert(key.clone(), name.clone());
        if self.done.insert(key) {
            self.record(decl, name.clone());
        }
        name
    }

    fn opaque_with_warning(
        &mut self,
        c: &Cursor,
        name: String,
        size: usize,
        align: usize,
        why: String,
    ) {
        self.warn(
            c,
            format!(
                "`{name}` is emitted as an opaque blob of {size} byte(s) aligned to {align}: {why}"
            ),
        );
        self.push_item(
            c,
            name,
            ItemKind::Opaque(Opaque {
                size_align: Some((size, align)),
                reason: Some(why),
            }),
        );
    }
}

/// Whether a record declaration has no tag (clang 14 spells it empty, later ones
/// `struct (unnamed at …)`).
fn is_anonymous_decl(decl: &Cursor) -> bool {
    matches!(decl.kind(), CXCursor_StructDecl | CXCursor_UnionDecl) && {
        let spelled = decl.spelling();
        decl.is_anonymous() || spelled.is_empty() || spelled.contains(' ')
    }
}

/// The byte offset of an anonymous member in its parent `parent`: clang knows the offsets of
/// the member's own fields in the parent (as indirect fields), so the first named one, minus its
/// offset inside the member, gives it.
fn anonymous_member_offset(parent: &Ty, member: &Cursor) -> Option<usize> {
    let leaf = first_named_field(member)?;
    let outer = parent.offset_of(&leaf)?;
    let inner = member.ty().offset_of(&leaf)?;
    let bits = outer.checked_sub(inner)?;
    (bits % 8 == 0).then_some(bits / 8)
}

/// The first named field of a record, looking into anonymous members.
fn first_named_field(record: &Cursor) -> Option<String> {
    record.children().iter().find_map(|c| match c.kind() {
        CXCursor_FieldDecl if !c.spelling().is_empty() => Some(c.spelling()),
        CXCursor_StructDecl | CXCursor_UnionDecl if c.is_anonymous_record() => first_named_field(c),
        _ => None,
    })
}

/// A run of consecutive bitfields, stored in bytes `start_byte ..= end_bit / 8`.
struct BitRun {
    start_byte: usize,
    end_bit: usize,
    fields: Vec<Bitfield>,
}

fn push_bitfield_run(
    fields: &mut Vec<Field>,
    offsets: &mut Vec<usize>,
    sizes: &mut Vec<(usize, usize)>,
    run: BitRun,
) {
    let len = run.end_bit.div_ceil(8) - run.start_byte;
    if len == 0 {
        return;
    }
    sizes.push((len, 1));
    let index = fields.iter().filter(|f| !f.bitfields.is_empty()).count() + 1;
    fields.push(Field {
        name: format!("_bitfield_{index}"),
        ty: Type::Array {
            element: Box::new(Type::Prim(Prim::U8)),
            len,
        },
        docs: Vec::new(),
        bitfields: run.fields,
        hidden: true,
        anonymous: false,
    });
    offsets.push(run.start_byte);
}

/// Makes a record's fields reproduce clang's layout under C's rules (as the emitted code
/// computes it): adds `pack`/`align` for packed and aligned records, and explicit padding where
/// bitfield storage leaves gaps. `sizes` are clang's (size, alignment) of each field.
fn fit_layout(mut r: Record, sizes: &[(usize, usize)]) -> Result<Record, String> {
    let target = r.layout.clone().expect("clang layout");
    let natural_align = sizes.iter().map(|(_, a)| *a).max().unwrap_or(1);
    if target.align < natural_align {
        r.pack = Some(target.align);
    } else if target.align > natural_align {
        r.align = Some(target.align);
    }
    if r.kind == RecordKind::Struct {
        let mut fields = Vec::new();
        let mut offsets = Vec::new();
        let mut at = 0usize;
        let mut pad_index = 0usize;
        for ((f, off), (s, a)) in r.fields.drain(..).zip(&target.offsets).zip(sizes) {
            let a = r.pack.map_or(*a, |p| (*a).min(p));
            let natural = at.next_multiple_of(a);
            if *off > natural {
                pad_index += 1;
                fields.push(padding_field(pad_index, *off - at));
                offsets.push(at);
            } else if *off < natural {
                return Err(format!(
                    "field `{}` is at offset {off}, before C's rules would place it",
                    f.name
                ));
            }
            fields.push(f);
            offsets.push(*off);
            at = off + s;
        }
        r.fields = fields;
        r.layout = Some(RecordLayout { offsets, ..target });
    }
    Ok(r)
}

fn padding_field(index: usize, len: usize) -> Field {
    Field {
        name: format!("_padding_{index}"),
        ty: Type::Array {
            element: Box::new(Type::Prim(Prim::U8)),
            len,
        },
        docs: Vec::new(),
        bitfields: Vec::new(),
        hidden: true,
        anonymous: false,
    }
}
