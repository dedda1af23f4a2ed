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

/// A macro worth evaluating, with what its tokens say it may be.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Candidate {
    /// The macro's name.
    pub(crate) name: String,
    /// It may be a string: it has a string literal, or a name that may stand for one.
    pub(crate) string: bool,
    /// It may be a pointer: it has a name, a type keyword or a `*` (a cast such as
    /// `((void *)0)` or `((destructor)-1)`).
    pub(crate) pointer: bool,
}

/// The macro as a candidate, if its tokens (its name first) can be a constant expression.
pub(crate) fn candidate(name: &str, tokens: &[(CXTokenKind, String)]) -> Option<Candidate> {
    if tokens.len() < 2 {
        return None; // empty, or just the name: a flag macro
    }
    let body = &tokens[1..];
    let expression = body.iter().all(|(kind, s)| match *kind {
        CXToken_Punctuation => !matches!(s.as_str(), "{" | "}" | ";" | "#" | "##" | "="),
        CXToken_Keyword => EXPRESSION_KEYWORDS.contains(&s.as_str()),
        CXToken_Comment => false,
        _ => true,
    });
    if !expression {
        return None;
    }
    let name_in_it = body.iter().any(|(kind, _)| *kind == CXToken_Identifier);
    Some(Candidate {
        name: name.to_owned(),
        string: name_in_it
            || body
                .iter()
                .any(|(kind, s)| *kind == CXToken_Literal && s.ends_with('"')),
        pointer: name_in_it
            || body.iter().any(|(kind, s)| {
                *kind == CXToken_Keyword || (*kind == CXToken_Punctuation && s == "*")
            }),
    })
}

/// The synthetic source that declares a `static` per macro, whose type is the macro's C type
/// and whose initializer clang evaluates; for a macro that may be a pointer, another with its
/// value as an address; for one that may be a string, another with its value decayed
/// (`1 ? x : x` turns a string literal's array into a `char *`, which clang evaluates as a
/// string; it cannot evaluate an array). Plain numbers (most macros) need one declaration.
pub(crate) fn source(headers: &[PathBuf], candidates: &[Candidate]) -> String {
    let mut s = String::new();
    for h in headers {
        s.push_str(&format!("#include \"{}\"\n", h.display()));
    }
    for c in candidates {
        let n = &c.name;
        s.push_str(&format!(
            "static const __typeof__({n}) __ffm_value_{n} = {n};\n"
        ));
        if c.pointer {
            s.push_str(&format!(
                "static const __INTPTR_TYPE__ __ffm_address_{n} = (__INTPTR_TYPE__)({n});\n"
            ));
        }
        if c.string {
            s.push_str(&format!(
                "static const __typeof__(1 ? ({n}) : ({n})) __ffm_decayed_{n} = {n};\n"
            ));
        }
    }
    s
}

/// Evaluates the macros: returns (name, constant) for each that is a number, a string or an
/// address.
pub(crate) fn evaluate(
    headers: &[PathBuf],
    args: &[String],
    candidates: &[Candidate],
    main_dir: &Path,
) -> Result<Vec<(String, Constant)>, String> {
    if candidates.is_empty() {
        return Ok(Vec::new());
    }
    let file = main_dir.join("__ffm_extract_macros__.c");
    // Comments are not needed here, nor macro cursors.
    let args: Vec<String> = args
        .iter()
        .filter(|a| *a != "-fparse-all-comments")
        .cloned()
        .collect();
    let tu = TranslationUnit::parse(
        &file,
        &args,
        &[(file.clone(), source(headers, candidates))],
        false,
    )?;
    let mut values: std::collections::HashMap<String, Cursor> = Default::default();
    let mut addresses: std::collections::HashMap<String, Cursor> = Default::default();
    let mut decayed: std::collections::HashMap<String, Cursor> = Default::default();
    for c in tu.cursor().children() {
        if c.kind() != CXCursor_VarDecl || c.is_invalid() {
            continue;
        }
        let n = c.spelling();
        if let Some(name) = n.strip_prefix("__ffm_value_") {
            values.insert(name.to_owned(), c);
        } else if let Some(name) = n.strip_prefix("__ffm_address_") {
            addresses.insert(name.to_owned(), c);
        } else if let Some(name) = n.strip_prefix("__ffm_decayed_") {
            decayed.insert(name.to_owned(), c);
        }
    }
    let mut out = Vec::new();
    for name in candidates.iter().map(|c| &c.name) {
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
            CXType_ConstantArray => match decayed.get(name).and_then(|d| d.evaluate()) {
                // Only `char` strings: a wide string (`L"…"`) is not a C string.
                Some(Eval::Str(bytes))
                    if matches!(
                        ty.element().canonical().kind(),
                        CXType_Char_S | CXType_Char_U
                    ) =>
                {
                    Some(Constant {
                        ty: c_string(),
                        value: ConstValue::Str(bytes),
                    })
                }
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
