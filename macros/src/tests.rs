//! Expansion snapshots: each `tests/expand/<name>.rs` holds `#[foreign]` items; their
//! expansion, formatted, must equal `tests/expand/<name>.expanded.rs`. `FFM_BLESS=1` rewrites
//! the expected files.

use std::fs;
use std::path::{Path, PathBuf};

use proc_macro2::TokenStream;
use quote::ToTokens;
use syn::Meta;

use crate::attrs::is_foreign;
use crate::expand::expand;

/// Expands every `#[foreign]` item of a source file, in order, formatted as one file.
fn expand_file(source: &str) -> String {
    let file: syn::File = syn::parse_str(source).expect("the input parses");
    let mut out = TokenStream::new();
    for mut item in file.items {
        let attrs = item_attrs(&mut item);
        let at = attrs
            .iter()
            .position(is_foreign)
            .expect("a #[foreign] item");
        let attr = attrs.remove(at);
        let args = match attr.meta {
            Meta::List(list) => list.tokens,
            _ => TokenStream::new(),
        };
        match expand(args, item.into_token_stream()) {
            Ok(tokens) => out.extend(tokens),
            Err(e) => panic!("unexpected errors: {e:?}"),
        }
    }
    ffm_extract::emit::format(out).expect("the expansion parses")
}

fn item_attrs(item: &mut syn::Item) -> &mut Vec<syn::Attribute> {
    match item {
        syn::Item::ForeignMod(i) => &mut i.attrs,
        syn::Item::Struct(i) => &mut i.attrs,
        syn::Item::Union(i) => &mut i.attrs,
        syn::Item::Enum(i) => &mut i.attrs,
        syn::Item::Type(i) => &mut i.attrs,
        syn::Item::Const(i) => &mut i.attrs,
        syn::Item::Mod(i) => &mut i.attrs,
        other => panic!("not a #[foreign] item: {}", other.to_token_stream()),
    }
}

fn dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/expand")
}

#[test]
fn expansions_match_the_snapshots() {
    let bless = std::env::var_os("FFM_BLESS").is_some_and(|v| v == "1");
    let mut inputs: Vec<PathBuf> = fs::read_dir(dir())
        .expect("tests/expand exists")
        .map(|e| e.expect("a directory entry").path())
        .filter(|p| {
            p.extension().is_some_and(|e| e == "rs")
                && !p.to_string_lossy().ends_with(".expanded.rs")
        })
        .collect();
    inputs.sort();
    assert!(!inputs.is_empty(), "no inputs in {}", dir().display());
    let mut failed = Vec::new();
    for input in &inputs {
        let source = fs::read_to_string(input).expect("readable input");
        let actual = expand_file(&source);
        let expected_path = input.with_extension("expanded.rs");
        if bless {
            fs::write(&expected_path, &actual).expect("writable snapshot");
            continue;
        }
        let expected = fs::read_to_string(&expected_path).unwrap_or_default();
        if expected != actual {
            failed.push(format!(
                "{}: the expansion differs from {} (rerun with FFM_BLESS=1 to accept):\n{}",
                input.display(),
                expected_path.display(),
                first_difference(&expected, &actual)
            ));
        }
    }
    assert!(failed.is_empty(), "{}", failed.join("\n\n"));
}

/// The first differing line, with its number.
fn first_difference(expected: &str, actual: &str) -> String {
    let mut e = expected.lines();
    let mut a = actual.lines();
    let mut n = 1;
    loop {
        match (e.next(), a.next()) {
            (None, None) => return "(equal lines; the files differ in line endings)".into(),
            (x, y) if x == y => n += 1,
            (x, y) => {
                return format!(
                    "line {n}:\n  expected: {}\n  actual:   {}",
                    x.unwrap_or("<end of file>"),
                    y.unwrap_or("<end of file>")
                );
            }
        }
    }
}

/// Lowers `source` (one `#[foreign]` item) and returns the unit.
fn unit_of(source: &str) -> ffm_extract::ir::Unit {
    let mut item: syn::Item = syn::parse_str(source).expect("parses");
    let attrs = item_attrs(&mut item);
    let at = attrs
        .iter()
        .position(is_foreign)
        .expect("a #[foreign] item");
    let attr = attrs.remove(at);
    let mut lower = crate::lower::Lower::default();
    let args = match attr.meta {
        Meta::List(list) => crate::attrs::Args::parse(list.tokens, &mut lower.errors),
        _ => crate::attrs::Args::default(),
    };
    match &item {
        syn::Item::Mod(m) => {
            for i in &m.content.as_ref().expect("inline").1 {
                lower.item(i, &args, true);
            }
        }
        other => lower.item(other, &args, false),
    }
    match lower.finish() {
        Ok(l) => l.unit,
        Err(e) => panic!("unexpected errors: {e:?}"),
    }
}

/// The messages of the errors `source` gives.
fn errors_of(source: &str) -> Vec<String> {
    let mut item: syn::Item = syn::parse_str(source).expect("parses");
    let attrs = item_attrs(&mut item);
    let at = attrs
        .iter()
        .position(is_foreign)
        .expect("a #[foreign] item");
    let attr = attrs.remove(at);
    let args = match attr.meta {
        Meta::List(list) => list.tokens,
        _ => TokenStream::new(),
    };
    match expand(args, item.into_token_stream()) {
        Ok(_) => Vec::new(),
        Err(e) => e.into_iter().map(|e| e.to_string()).collect(),
    }
}

mod lowering {
    use ffm_extract::ir::{Binding, ConstValue, ItemKind, Prim, RecordLayout, Type};

    use super::{errors_of, unit_of};

    #[test]
    fn scalars_are_recognized_by_their_last_segment() {
        let unit = unit_of(
            r#"#[foreign] unsafe extern "C" {
                fn f(a: c_int, b: core::ffi::c_long, c: std::os::raw::c_char, d: libc::c_uint,
                     e: i8, f: u64, g: usize, h: f32, i: bool, j: *mut *const c_void) -> c_double;
            }"#,
        );
        let ItemKind::Extern(block) = &unit.items[0].kind else {
            panic!("an extern block")
        };
        let tys: Vec<&Type> = block.functions[0]
            .sig
            .params
            .iter()
            .map(|p| &p.ty)
            .collect();
        let p = |p: Prim| Type::Prim(p);
        assert_eq!(
            tys[..9],
            [
                &p(Prim::Int),
                &p(Prim::Long),
                &p(Prim::Char),
                &p(Prim::UInt),
                &p(Prim::I8),
                &p(Prim::U64),
                &p(Prim::Usize),
                &p(Prim::F32),
                &p(Prim::Bool)
            ]
        );
        assert_eq!(
            tys[9],
            &Type::Pointer {
                pointee: Box::new(Type::Pointer {
                    pointee: Box::new(Type::Void),
                    mutable: false
                }),
                mutable: true
            }
        );
        assert_eq!(block.functions[0].sig.ret, Type::Prim(Prim::F64));
        assert_eq!(block.binding, Binding::Runtime(vec![]));
        assert_eq!(unit.items[0].name, "DEFAULT_LIBRARIES");
    }

    #[test]
    fn module_layouts_are_computed_across_items() {
        let unit = unit_of(
            r#"#[foreign] mod m {
                #[repr(C)] struct Line { a: Point, b: Point, tag: c_char }
                #[repr(C)] struct Point { x: c_int, y: f64 }
            }"#,
        );
        let ItemKind::Record(line) = &unit.items[0].kind else {
            panic!("a record")
        };
        assert_eq!(
            line.layout,
            Some(RecordLayout {
                size: 40,
                align: 8,
                offsets: vec![0, 16, 32]
            })
        );
    }

    #[test]
    fn enum_values_count_up_like_c() {
        let unit = unit_of(
            r#"#[foreign] #[repr(C)] enum E { A, B = 10, C, D = -1, E, F = (1 << 4) | B }"#,
        );
        let ItemKind::Enum(e) = &unit.items[0].kind else {
            panic!("an enum")
        };
        let values: Vec<i128> = e.variants.iter().map(|v| v.value).collect();
        assert_eq!(values, [0, 10, 11, -1, 0, 26]);
        assert_eq!(e.repr, Prim::Int, "a negative value makes repr(C) an int");
    }

    #[test]
    fn constants_and_docs() {
        let unit = unit_of(
            r#"#[foreign] mod m {
                /// The answer.
                ///
                ///  indented
                const A: c_int = 42;
                const B: u8 = A / 2;
                const S: &CStr = c"hi";
                const T: &core::ffi::CStr = "there";
                const F: f64 = -1.5;
            }"#,
        );
        assert_eq!(unit.items[0].docs, ["The answer.", "", " indented"]);
        let values: Vec<&ConstValue> = unit
            .items
            .iter()
            .map(|i| match &i.kind {
                ItemKind::Constant(c) => &c.value,
                _ => panic!("a constant"),
            })
            .collect();
        assert_eq!(
            values,
            [
                &ConstValue::Int(42),
                &ConstValue::Int(21),
                &ConstValue::Str(b"hi".to_vec()),
                &ConstValue::Str(b"there".to_vec()),
                &ConstValue::Float(-1.5)
            ]
        );
    }

    #[test]
    fn blocks_with_the_same_libraries_share_a_handle() {
        let unit = unit_of(
            r#"#[foreign(library = "z")] mod m {
                unsafe extern "C" { fn a(); }
                unsafe extern "C" { fn b(); }
                #[foreign(library = "m", name = LIBM)]
                unsafe extern "C" { fn c(); }
            }"#,
        );
        let names: Vec<&str> = unit.items.iter().map(|i| i.name.as_str()).collect();
        assert_eq!(names, ["LIBRARY_Z", "LIBM"]);
        let ItemKind::Extern(z) = &unit.items[0].kind else {
            panic!("an extern block")
        };
        assert_eq!(z.functions.len(), 2);
    }

    #[test]
    fn all_errors_of_an_item_come_together() {
        let errors = errors_of(
            r#"#[foreign(colour = "red")] unsafe extern "C" {
                fn f(s: &str, v: Vec<u8>, t: (i32, i32)) -> [u8; 4];
                fn f<T>(x: T);
            }"#,
        );
        let firsts: Vec<&str> = errors.iter().map(|e| e.lines().next().unwrap()).collect();
        assert_eq!(
            firsts,
            [
                "unknown #[foreign] argument `colour`",
                "`&str` has no C layout",
                "`Vec` has no C layout",
                "tuples have no C layout",
                "C does not pass or return arrays by value",
                "generic parameters are not supported",
                "`f` is declared more than once",
            ]
        );
    }
}

/// Macro ≡ extract: each `tests/equivalent/<name>.h`, extracted with libclang, and the
/// `#[foreign]` module of `tests/equivalent/<name>.rs` give equal IR and identical tokens.
mod equivalence {
    use std::fs;
    use std::path::PathBuf;

    use ffm_extract::emit::{EmitOptions, emit, format};

    use super::unit_of;

    fn pairs() -> Vec<(PathBuf, PathBuf)> {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/equivalent");
        let mut headers: Vec<PathBuf> = fs::read_dir(&dir)
            .expect("tests/equivalent exists")
            .map(|e| e.expect("a directory entry").path())
            .filter(|p| p.extension().is_some_and(|e| e == "h"))
            .collect();
        headers.sort();
        headers
            .into_iter()
            .map(|h| {
                let rs = h.with_extension("rs");
                assert!(rs.exists(), "{} has no Rust twin", h.display());
                (h, rs)
            })
            .collect()
    }

    #[test]
    fn headers_and_foreign_modules_give_equal_ir_and_identical_tokens() {
        let pairs = pairs();
        let count = pairs.len();
        for (header, rust) in pairs {
            let name = header.file_stem().unwrap().to_string_lossy().into_owned();
            let options = ffm_extract::Builder::new()
                .header(&header)
                .options()
                .clone();
            let extracted = ffm_extract::extract(&options)
                .unwrap_or_else(|e| panic!("{name}.h: {e}"))
                .unit;
            let lowered = unit_of(&fs::read_to_string(&rust).expect("the twin reads"));
            assert_eq!(extracted, lowered, "{name}: the IR differs");
            let tokens = |unit| {
                format(emit(unit, &EmitOptions::default())).expect("the emitted code parses")
            };
            let (a, b) = (tokens(&extracted), tokens(&lowered));
            assert!(!a.is_empty(), "{name}: nothing emitted");
            assert_eq!(a, b, "{name}: the tokens differ");
        }
        assert!(count >= 5, "at least five pairs, found {count}");
    }
}
