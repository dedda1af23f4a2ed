//! The last check before emission: every named type the IR refers to must be generated.
//!
//! A declaration can name a type that was left out (a typedef of `long double`, a callback type
//! with an `__int128` parameter). Behind a pointer the name becomes `void`; where the value
//! itself is needed, the declaration goes too: a record becomes an opaque blob of clang's size,
//! a function, global or type alias is skipped. Each change is a warning that names the
//! declaration and the missing type; the pass repeats until nothing changes.

use std::collections::HashSet;

use crate::ir::{Function, Global, Item, ItemKind, Opaque, Origin, Signature, Type};

/// Renames what would clash in Rust: functions and globals named like a type (see
/// `rename_clashes_with_types`), and parameters named like something a Rust pattern would
/// resolve to: a parameter may not have the name of a tuple struct (enums, callback types), a
/// constant or a static (`handle`, the library static), so such a one gets a `_`.
pub(crate) fn rename_clashes(
    items: &[Item],
    functions: &mut [Function],
    globals: &mut [Global],
    handle: &str,
) {
    rename_clashes_with_types(items, functions, globals);
    let mut taken: HashSet<&str> = items
        .iter()
        .filter(|i| {
            matches!(
                i.kind,
                ItemKind::Enum(_) | ItemKind::FnPointer(_) | ItemKind::Constant(_)
            )
        })
        .map(|i| i.name.as_str())
        .collect();
    taken.insert(handle);
    for f in functions {
        for p in &mut f.sig.params {
            while taken.contains(p.name.as_str()) {
                p.name.push('_');
            }
        }
    }
}

/// A function or global is emitted with a module of its name (its descriptor and address, or
/// its accessors), which would clash with a type of that name: C keeps struct tags apart from
/// other names (`struct stat` and `stat()`), Rust does not. Such a function or global gets a
/// `_` (`stat_`), binds the same symbol, and says so in its documentation.
fn rename_clashes_with_types(items: &[Item], functions: &mut [Function], globals: &mut [Global]) {
    let mut taken: HashSet<String> = items.iter().map(|i| i.name.clone()).collect();
    taken.extend(functions.iter().map(|f| f.name.clone()));
    taken.extend(globals.iter().map(|g| g.name.clone()));
    let types: HashSet<&str> = items
        .iter()
        .filter(|i| !matches!(i.kind, ItemKind::Constant(_) | ItemKind::Extern(_)))
        .map(|i| i.name.as_str())
        .collect();
    let mut rename = |name: &mut String, docs: &mut Vec<String>| {
        if !types.contains(name.as_str()) {
            return;
        }
        let mut new = format!("{name}_");
        while taken.contains(&new) {
            new.push('_');
        }
        taken.insert(new.clone());
        if !docs.is_empty() {
            docs.push(String::new());
        }
        docs.push(format!(
            "Named `{new}` in Rust: `{name}` is also a type here (the symbol is `{name}`)."
        ));
        *name = new;
    };
    for f in functions {
        rename(&mut f.name, &mut f.docs);
    }
    for g in globals {
        rename(&mut g.name, &mut g.docs);
    }
}

/// What is generated and what is reported, for [`drop_dangling`].
pub(crate) struct Output<'a> {
    pub(crate) items: &'a mut Vec<Item>,
    pub(crate) functions: &'a mut Vec<Function>,
    pub(crate) globals: &'a mut Vec<Global>,
    pub(crate) warnings: &'a mut Vec<String>,
    pub(crate) skipped: &'a mut Vec<String>,
}

/// Removes or degrades the declarations that use a type that is not generated.
pub(crate) fn drop_dangling(out: Output<'_>) {
    loop {
        let names: HashSet<String> = out.items.iter().map(|i| i.name.clone()).collect();
        let mut changed = false;
        let mut skips: Vec<(Origin, String, String)> = Vec::new();

        let mut kept = Vec::with_capacity(out.items.len());
        for mut item in out.items.drain(..) {
            let result = match &mut item.kind {
                ItemKind::Record(r) => {
                    let mut missing = None;
                    for f in &mut r.fields {
                        match resolve(&mut f.ty, &names) {
                            Ok(c) => changed |= c,
                            Err(m) => {
                                missing = Some(format!(
                                    "field `{}` has type `{m}`, which is not generated",
                                    f.name
                                ));
                                break;
                            }
                        }
                    }
                    if let Some(why) = missing {
                        let (size, align) = r
                            .layout
                            .as_ref()
                            .map(|l| (l.size, l.align))
                            .expect("clang layout");
                        out.warnings.push(format!(
                            "{}: `{}` is emitted as an opaque blob of {size} byte(s) aligned to {align}: {why}",
                            item.origin, item.name
                        ));
                        item.kind = ItemKind::Opaque(Opaque {
                            size_align: Some((size, align)),
                            reason: Some(why),
                        });
                        changed = true;
                    }
                    Ok(())
                }
                ItemKind::Typedef(t) => resolve(t, &names).map(|c| changed |= c),
                ItemKind::FnPointer(sig) => resolve_sig(sig, &names).map(|c| changed |= c),
                _ => Ok(()),
            };
            match result {
                Ok(()) => kept.push(item),
                Err(m) => {
                    skips.push((item.origin.clone(), format!("type `{}`", item.name), m));
                    changed = true;
                }
            }
        }
        *out.items = kept;

        out.functions
            .retain_mut(|f| match resolve_sig(&mut f.sig, &names) {
                Ok(c) => {
                    changed |= c;
                    true
                }
                Err(m) => {
                    skips.push((f.origin.clone(), format!("function `{}`", f.name), m));
                    changed = true;
                    false
                }
            });
        out.globals
            .retain_mut(|g| match resolve(&mut g.ty, &names) {
                Ok(c) => {
                    changed |= c;
                    true
                }
                Err(m) => {
                    skips.push((g.origin.clone(), format!("global `{}`", g.name), m));
                    changed = true;
                    false
                }
            });
        for (origin, what, missing) in skips {
            let why = format!("{what}: it uses `{missing}`, which is not generated");
            out.skipped.push(format!("{origin}: {why}"));
            out.warnings.push(format!("{origin}: skipped {why}"));
        }
        if !changed {
            return;
        }
    }
}

/// Checks that the names in `ty` are generated. A missing name behind a pointer becomes
/// `void`, a function pointer that needs one an untyped pointer (`Ok(true)`: changed); a missing
/// name the value needs is `Err(name)`.
fn resolve(ty: &mut Type, names: &HashSet<String>) -> Result<bool, String> {
    match ty {
        Type::Void | Type::Prim(_) => Ok(false),
        Type::Named(n) => {
            if names.contains(n) {
                Ok(false)
            } else {
                Err(n.clone())
            }
        }
        Type::Pointer { pointee, .. } => match resolve(pointee, names) {
            Ok(c) => Ok(c),
            Err(_) => {
                **pointee = Type::Void;
                Ok(true)
            }
        },
        Type::Array { element, .. } => resolve(element, names),
        Type::FnPointer(sig) => match resolve_sig(sig, names) {
            Ok(c) => Ok(c),
            Err(_) => {
                *ty = Type::Pointer {
                    pointee: Box::new(Type::Void),
                    mutable: true,
                };
                Ok(true)
            }
        },
    }
}

fn resolve_sig(sig: &mut Signature, names: &HashSet<String>) -> Result<bool, String> {
    let mut changed = resolve(&mut sig.ret, names)?;
    for p in &mut sig.params {
        changed |= resolve(&mut p.ty, names)?;
    }
    Ok(changed)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ir::{Param, Prim};

    fn names(list: &[&str]) -> HashSet<String> {
        list.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn a_missing_name_behind_a_pointer_becomes_void() {
        let mut t = Type::Pointer {
            pointee: Box::new(Type::Named("gone".into())),
            mutable: false,
        };
        assert_eq!(resolve(&mut t, &names(&[])), Ok(true));
        assert_eq!(
            t,
            Type::Pointer {
                pointee: Box::new(Type::Void),
                mutable: false
            }
        );
        let mut t = Type::Named("here".into());
        assert_eq!(resolve(&mut t, &names(&["here"])), Ok(false));
    }

    #[test]
    fn a_missing_value_type_is_an_error_and_a_callback_needing_one_an_untyped_pointer() {
        let mut t = Type::Array {
            element: Box::new(Type::Named("gone".into())),
            len: 2,
        };
        assert_eq!(resolve(&mut t, &names(&[])), Err("gone".to_string()));
        let mut t = Type::FnPointer(Box::new(Signature {
            params: vec![Param {
                name: "a".into(),
                ty: Type::Named("gone".into()),
            }],
            ret: Type::Prim(Prim::Int),
            variadic: false,
        }));
        assert_eq!(resolve(&mut t, &names(&[])), Ok(true));
        assert!(matches!(t, Type::Pointer { .. }));
    }
}
