//! Object-like macros, evaluated by clang: each candidate becomes a `static` in a second
//! translation unit, whose type and value clang computes.

use std::path::{Path, PathBuf};

use clang_sys::*;

use super::ffi::{Cursor, Eval, TranslationUnit};
use crate::ir::{ConstValue, Constant, Prim, Type};

/// Keywords a constant expression may contain (casts, `sizeof`).
const EXPRESSION_KEYWORDS: &[&str] = &[
    "sizeof", "void", "char", "short", "int", "long", "unsigned", "signed", "float", "double",
    "const", "struct", "union", "enum", "_Bool",
];

/// Whether a macro's tokens (its name first) can be a constant expression worth evaluating.
pub(crate) fn is_candidate(tokens: &[(CXTokenKind, String)]) -> bool {
    if tokens.len() < 2 {
        return false; // empty, or just the name: a flag macro
    }
    tokens[1..].iter().all(|(kind, s)| match *kind {
        CXToken_Punctuation => !matches!(s.as_str(), "{" | "}" | ";" | "#" | "##" | "="),
        CXToken_Keyword => EXPRESSION_KEYWORDS.contains(&s.as_str()),
        CXToken_Comment => false,
        _ => true,
    })
}

/// The synthetic source that declares one `static` per macro (its value, and its value as an
/// address for pointer-valued macros).
pub(crate) fn source(headers: &[PathBuf], names: &[String]) -> String {
    let mut s = String::new();
    for h in headers {
        s.push_str(&format!("#include \"{}\"\n", h.display()));
    }
    for n in names {
        s.push_str(&format!(
            "static const __typeof__({n}) __ffm_value_{n} = {n};\nstatic const __INTPTR_TYPE__ __ffm_address_{n} = (__INTPTR_TYPE__)({n});\n"
        ));
    }
    s
}

/// Evaluates the macros: returns (name, constant) for each that is a number, a string or an
/// address.
pub(crate) fn evaluate(
    headers: &[PathBuf],
    args: &[String],
    names: &[String],
    main_dir: &Path,
) -> Result<Vec<(String, Constant)>, String> {
    if names.is_empty() {
        return Ok(Vec::new());
    }
    let file = main_dir.join("__ffm_extract_macros__.c");
    let tu = TranslationUnit::parse(&file, args, &[(file.clone(), source(headers, names))])?;
    let mut values: std::collections::HashMap<String, Cursor> = Default::default();
    let mut addresses: std::collections::HashMap<String, Cursor> = Default::default();
    for c in tu.cursor().children() {
        if c.kind() != CXCursor_VarDecl || c.is_invalid() {
            continue;
        }
        let n = c.spelling();
        if let Some(name) = n.strip_prefix("__ffm_value_") {
            values.insert(name.to_owned(), c);
        } else if let Some(name) = n.strip_prefix("__ffm_address_") {
            addresses.insert(name.to_owned(), c);
        }
    }
    let mut out = Vec::new();
    for name in names {
        let Some(v) = values.get(name) else { continue };
        let ty = v.ty().canonical();
        let kind = ty.kind();
        let constant = match kind {
            CXType_Pointer => {
                let pointee = ty.pointee().canonical();
                let is_char = matches!(pointee.kind(), CXType_Char_S | CXType_Char_U);
                match (v.evaluate(), addresses.get(name).and_then(|a| a.evaluate())) {
                    (Some(Eval::Str(bytes)), _) if is_char => Some(Constant {
                        ty: c_string(),
                        value: ConstValue::Str(bytes),
                    }),
                    (_, Some(Eval::Int(addr))) => Some(Constant {
                        ty: Type::Pointer {
                            pointee: Box::new(Type::Void),
                            mutable: true,
                        },
                        value: ConstValue::Address(addr),
                    }),
                    _ => None,
                }
            }
            CXType_ConstantArray => match v.evaluate() {
                Some(Eval::Str(bytes)) => Some(Constant {
                    ty: c_string(),
                    value: ConstValue::Str(bytes),
                }),
                _ => None,
            },
            CXType_Float | CXType_Double => match v.evaluate() {
                Some(Eval::Float(f)) => Some(Constant {
                    ty: Type::Prim(if kind == CXType_Float {
                        Prim::F32
                    } else {
                        Prim::F64
                    }),
                    value: ConstValue::Float(f),
                }),
                _ => None,
            },
            _ => match (super::translate::prim_of_kind(kind), v.evaluate()) {
                (Some(p), Some(Eval::Int(i))) => Some(Constant {
                    ty: Type::Prim(p),
                    value: ConstValue::Int(i),
                }),
                _ => None,
            },
        };
        if let Some(c) = constant {
            out.push((name.clone(), c));
        }
    }
    Ok(out)
}

/// `const char *`: the IR type of a string constant.
fn c_string() -> Type {
    Type::Pointer {
        pointee: Box::new(Type::Prim(Prim::Char)),
        mutable: false,
    }
}
