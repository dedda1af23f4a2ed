//! Header → expected output: every `headers/NAME.h` is extracted and compared with
//! `expectations/NAME.rs` (the bindings) and `expectations/NAME.warnings` (what was reported:
//! `warning:` and `skipped:` lines). `expectations_compiled.rs` compiles every expectation, so
//! that its layout assertions run (and `cargo clippy --all-targets` lints it).
//!
//! A header's first line may carry its options, as bindgen's tests do:
//! `// ffm-extract-flags: --library m --include-function cos`.
//!
//! `FFM_BLESS=1 cargo test -p ffm-extract --test expectations` rewrites the expectations from
//! the current output (review the diff); this file does not include them, so it builds even
//! when an expectation does not. A new header needs a line in `expectations_compiled.rs`; a
//! test there checks that the list and the headers agree.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use ffm_extract::{Options, generate};

const FLAGS_PREFIX: &str = "// ffm-extract-flags:";

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests")
}

/// The headers, sorted by name.
fn headers() -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(root().join("headers"))
        .expect("tests/headers")
        .map(|e| e.expect("a directory entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "h"))
        .collect();
    v.sort();
    v
}

fn stem(p: &Path) -> String {
    p.file_stem().unwrap().to_string_lossy().into_owned()
}

/// The options for a header: the flags on its first line, then the header.
fn options_for(header: &Path) -> Options {
    let text = std::fs::read_to_string(header).unwrap();
    let flags: Vec<String> = text
        .lines()
        .next()
        .and_then(|l| l.strip_prefix(FLAGS_PREFIX))
        .map(|f| f.split_whitespace().map(str::to_owned).collect())
        .unwrap_or_default();
    let mut args = vec!["ffm-extract".to_string()];
    args.extend(flags);
    args.push(header.display().to_string());
    let matches = Options::command()
        .try_get_matches_from(&args)
        .unwrap_or_else(|e| panic!("{}: bad flags: {e}", header.display()));
    Options::from_matches(&matches)
}

/// What extraction reported, with the headers' directory left out of paths.
fn report(bindings: &ffm_extract::Bindings, dir: &str) -> String {
    let mut out = String::new();
    let ex = &bindings.extraction;
    for w in &ex.warnings {
        writeln!(out, "warning: {}", w.replace(dir, "")).unwrap();
    }
    for s in &ex.skipped {
        writeln!(out, "skipped: {}", s.replace(dir, "")).unwrap();
    }
    out
}

/// The first differing line of two texts, for the failure message.
fn first_difference(expected: &str, actual: &str) -> String {
    let (e, a): (Vec<&str>, Vec<&str>) = (expected.lines().collect(), actual.lines().collect());
    for i in 0..e.len().max(a.len()) {
        let (x, y) = (e.get(i), a.get(i));
        if x != y {
            return format!(
                "line {}:\n  expected: {}\n  actual:   {}",
                i + 1,
                x.unwrap_or(&"<end of file>"),
                y.unwrap_or(&"<end of file>")
            );
        }
    }
    "(only line endings differ)".into()
}

#[test]
fn headers_give_the_expected_bindings_and_warnings() {
    let bless = std::env::var("FFM_BLESS").is_ok_and(|v| v == "1");
    let dir = format!(
        "{}/",
        std::fs::canonicalize(root().join("headers"))
            .unwrap()
            .display()
    );
    let mut failures = Vec::new();
    for header in headers() {
        let name = stem(&header);
        let bindings = match generate(&options_for(&header)) {
            Ok(b) => b,
            Err(e) => {
                failures.push(format!("{name}: extraction failed: {e}"));
                continue;
            }
        };
        let warnings = report(&bindings, &dir);
        for (ext, actual) in [("rs", &bindings.code), ("warnings", &warnings)] {
            let path = root().join("expectations").join(format!("{name}.{ext}"));
            if bless {
                std::fs::write(&path, actual).unwrap();
                continue;
            }
            let expected = std::fs::read_to_string(&path).unwrap_or_default();
            if expected != *actual {
                failures.push(format!(
                    "{}: differs from the output ({}); FFM_BLESS=1 rewrites it",
                    path.display(),
                    first_difference(&expected, actual)
                ));
            }
        }
    }
    assert!(failures.is_empty(), "\n{}", failures.join("\n\n"));
}

/// Output is deterministic: extracting twice gives the same text.
#[test]
fn output_is_deterministic() {
    for name in ["anonymous_members", "callbacks", "macros_int"] {
        let header = root().join("headers").join(format!("{name}.h"));
        let options = options_for(&header);
        let a = generate(&options).unwrap();
        let b = generate(&options).unwrap();
        assert_eq!(a.code, b.code, "{name}");
        assert_eq!(a.extraction.warnings, b.extraction.warnings, "{name}");
    }
}

/// C code in doc comments is fenced as C, so rustdoc never runs it as a doctest.
#[test]
fn doc_code_blocks_are_fenced_as_c() {
    for entry in std::fs::read_dir(root().join("expectations")).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_none_or(|e| e != "rs") {
            continue;
        }
        let text = std::fs::read_to_string(&path).unwrap();
        let mut open = false;
        for line in text.lines() {
            let Some(doc) = line.trim_start().strip_prefix("///") else {
                continue;
            };
            let doc = doc.trim();
            if let Some(lang) = doc.strip_prefix("```") {
                if !open {
                    assert_eq!(lang, "c", "{}: {line}", path.display());
                }
                open = !open;
            }
        }
        assert!(!open, "{}: unclosed fence", path.display());
    }
}
