//! C comments into rustdoc lines: comment markers stripped, and every code block fenced as C so
//! that rustdoc never compiles it as a doctest.

/// The lines of a C comment (`/** … */`, `/* … */`, `///`, `//`), as rustdoc lines.
pub(crate) fn comment_to_docs(raw: &str) -> Vec<String> {
    // The continuation marker of a block comment: `*` (` * text`), or `**` (sqlite's
    // `** text`) when every line after the first has it.
    let continuation: Vec<&str> = raw
        .lines()
        .skip(1)
        .map(str::trim)
        .filter(|l| !l.is_empty() && !matches!(*l, "*/" | "**/"))
        .collect();
    let double = !continuation.is_empty() && continuation.iter().all(|l| l.starts_with("**"));
    let mut lines: Vec<String> = Vec::new();
    for (i, line) in raw.lines().enumerate() {
        let line = expand_tabs(line);
        let mut l = line.trim_end();
        let trimmed = l.trim_start();
        for prefix in [
            "/**<", "///<", "//!<", "/**", "/*!", "/*", "///", "//!", "//",
        ] {
            if let Some(rest) = trimmed.strip_prefix(prefix) {
                l = rest;
                break;
            }
        }
        let mut l = l.to_string();
        if let Some(stripped) = l.trim_end().strip_suffix("*/") {
            l = stripped.trim_end().to_string();
        }
        // A leading continuation marker.
        let t = l.trim_start();
        if double && i > 0 {
            if let Some(rest) = t.strip_prefix("**") {
                l = rest.to_string();
            }
        } else if let Some(rest) = t.strip_prefix('*')
            && !rest.starts_with('*')
        {
            l = rest.to_string();
        }
        // A decorative rule of stars (freetype's `/*****…`) is no text.
        let t = l.trim();
        if t.len() >= 3 && t.chars().all(|c| c == '*') {
            l.clear();
        }
        lines.push(l);
    }
    // Drop leading and trailing blank lines, then the common indentation.
    while lines.first().is_some_and(|l| l.trim().is_empty()) {
        lines.remove(0);
    }
    while lines.last().is_some_and(|l| l.trim().is_empty()) {
        lines.pop();
    }
    let indent = lines
        .iter()
        .filter(|l| !l.trim().is_empty())
        .map(|l| l.len() - l.trim_start().len())
        .min()
        .unwrap_or(0);
    let lines: Vec<String> = lines
        .into_iter()
        .map(|l| {
            if l.len() >= indent {
                l[indent..].to_string()
            } else {
                l.trim().to_string()
            }
        })
        .collect();
    if lines.len() == 1 && is_tool_directive(&lines[0]) {
        return Vec::new();
    }
    fence_code(lines)
}

/// Whether a one-line comment is an instruction to a tool rather than documentation:
/// `/* clang-format off */` (around every version macro of OpenSSL's opensslv.h), `// NOLINT`,
/// `// IWYU pragma: export`, `/* LCOV_EXCL_START */`, `// cppcheck-suppress …`.
fn is_tool_directive(line: &str) -> bool {
    let t = line.trim();
    let word = t.split([' ', '(', ':']).next().unwrap_or("");
    matches!(t, "clang-format off" | "clang-format on")
        || word.starts_with("NOLINT")
        || word.starts_with("LCOV_EXCL_")
        || word.starts_with("GCOVR_EXCL_")
        || word == "cppcheck-suppress"
        || t.starts_with("IWYU pragma:")
}

/// Tabs as spaces, to C's tab stops every 8 columns (rustdoc and clippy want no tabs).
fn expand_tabs(line: &str) -> String {
    let mut out = String::with_capacity(line.len());
    let mut column = 0;
    for c in line.chars() {
        if c == '\t' {
            let n = 8 - column % 8;
            out.extend(std::iter::repeat_n(' ', n));
            column += n;
        } else {
            out.push(c);
            column += 1;
        }
    }
    out
}

/// Rewrites code blocks so that rustdoc treats them as C: existing fences get the `c`
/// language, and indented (four-space) blocks are wrapped in ```` ```c ```` fences.
fn fence_code(lines: Vec<String>) -> Vec<String> {
    let mut out = Vec::with_capacity(lines.len());
    let mut in_fence = false;
    let mut in_indented = false;
    let mut prev_blank = true;
    for line in lines {
        let t = line.trim_start();
        if t.starts_with("```") || t.starts_with("~~~") {
            if in_indented {
                out.push("```".into());
                in_indented = false;
            }
            if in_fence {
                out.push("```".into());
            } else {
                out.push("```c".into());
            }
            in_fence = !in_fence;
            prev_blank = false;
            continue;
        }
        if in_fence {
            out.push(line);
            continue;
        }
        let indented = line.starts_with("    ") || line.starts_with('\t');
        if indented && !line.trim().is_empty() && (prev_blank || in_indented) {
            if !in_indented {
                out.push("```c".into());
                in_indented = true;
            }
            out.push(line.trim_start().to_string());
            prev_blank = false;
            continue;
        }
        if in_indented && !line.trim().is_empty() {
            close_indented(&mut out);
            in_indented = false;
        }
        prev_blank = line.trim().is_empty();
        if in_indented {
            // A blank line inside an indented block: keep it in the block.
            out.push(String::new());
            continue;
        }
        out.push(escape_prose(&line));
    }
    if in_indented {
        close_indented(&mut out);
    } else if in_fence {
        out.push("```".into());
    }
    out
}

/// A line of C prose as markdown that rustdoc reads as the C comment's text, and has nothing
/// to warn about: square brackets are escaped (`map[b]` is no intra-doc link), so is a `<`
/// that does not open an autolink (`<n>.<suffix>` is no HTML tag), and bare URLs become
/// autolinks. Code spans (text between two backticks) are left alone.
fn escape_prose(line: &str) -> String {
    let mut out = String::with_capacity(line.len() + 8);
    let mut rest = line;
    while let Some(c) = rest.chars().next() {
        // A code span, when the backtick is closed on the line.
        if c == '`'
            && let Some(end) = rest[1..].find('`')
        {
            out.push_str(&rest[..end + 2]);
            rest = &rest[end + 2..];
            continue;
        }
        // An autolink already: `<https://…>`.
        if c == '<'
            && is_url_start(&rest[1..])
            && let Some(end) = rest.find('>')
        {
            out.push_str(&rest[..=end]);
            rest = &rest[end + 1..];
            continue;
        }
        if is_url_start(rest) {
            let end = rest
                .find(|c: char| c.is_whitespace() || matches!(c, '<' | '>' | '"' | '`'))
                .unwrap_or(rest.len());
            // Sentence punctuation after a URL is not part of it.
            let url = rest[..end].trim_end_matches(['.', ',', ';', ':', ')', ']', '\'', '!', '?']);
            out.push('<');
            out.push_str(url);
            out.push('>');
            rest = &rest[url.len()..];
            continue;
        }
        if matches!(c, '[' | ']' | '<') {
            out.push('\\');
        }
        out.push(c);
        rest = &rest[c.len_utf8()..];
    }
    out
}

fn is_url_start(s: &str) -> bool {
    (s.starts_with("http://") || s.starts_with("https://") || s.starts_with("ftp://"))
        && s.len() > s.find("://").unwrap_or(0) + 3
}

/// Closes an indented block: the blank line that ended it goes after the fence.
fn close_indented(out: &mut Vec<String>) {
    let blank = out.last().is_some_and(|l| l.is_empty());
    if blank {
        out.pop();
    }
    out.push("```".into());
    if blank {
        out.push(String::new());
    }
}

/// The comment that documents a macro definition at `line` (1-based) of a file whose lines are
/// `lines`: a doxygen trailing comment on its line (`/**< … */`, `///< …`), or a comment that
/// ends on the line just above (libclang attaches no comments to macros).
pub(crate) fn macro_comment(lines: &[String], line: usize) -> Option<String> {
    let this = lines.get(line.checked_sub(1)?)?;
    for marker in ["/**<", "///<", "//!<"] {
        if let Some(at) = this.find(marker) {
            return Some(this[at..].to_string());
        }
    }
    let above = line.checked_sub(2)?;
    let last = lines.get(above)?.trim();
    if last.ends_with("*/") {
        // Back to the line that opens the comment.
        let mut first = above;
        while !lines[first].contains("/*") {
            first = first.checked_sub(1)?;
        }
        let opening = &lines[first];
        let start = opening.find("/*")?;
        if !opening[..start].trim().is_empty() {
            return None; // the comment ends a line of code
        }
        let mut text = opening[start..].to_string();
        for l in &lines[first + 1..=above] {
            text.push('\n');
            text.push_str(l);
        }
        return Some(text);
    }
    if last.starts_with("//") {
        let mut first = above;
        while first > 0 && lines[first - 1].trim_start().starts_with("//") {
            first -= 1;
        }
        return Some(lines[first..=above].join("\n"));
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strips_markers() {
        let d = comment_to_docs("/**\n * Compresses data.\n *\n * Returns Z_OK.\n */");
        assert_eq!(d, ["Compresses data.", "", "Returns Z_OK."]);
        assert_eq!(comment_to_docs("/// one\n/// two"), ["one", "two"]);
        assert_eq!(comment_to_docs("/* plain */"), ["plain"]);
    }

    #[test]
    fn tool_directives_are_not_docs() {
        for c in [
            "/* clang-format off */",
            "// clang-format on",
            "// NOLINT(readability-identifier-naming)",
            "/* NOLINTNEXTLINE */",
            "// IWYU pragma: export",
            "/* LCOV_EXCL_START */",
            "// cppcheck-suppress unusedFunction",
        ] {
            assert!(comment_to_docs(c).is_empty(), "{c}");
        }
        // Prose that mentions one stays.
        assert_eq!(
            comment_to_docs("/* Turns clang-format off here. */"),
            ["Turns clang-format off here."]
        );
        assert_eq!(comment_to_docs("/* NOLINT */\n/* two */").len(), 2);
    }

    /// rustdoc would read `map[b]` as a link, `<n>` as an HTML tag, and warn about a bare URL.
    #[test]
    fn prose_is_escaped_for_rustdoc() {
        assert_eq!(escape_prose("map[b] is set"), "map\\[b\\] is set");
        assert_eq!(
            escape_prose("a <n>.<suffix> file"),
            "a \\<n>.\\<suffix> file"
        );
        assert_eq!(
            escape_prose("see http://example.org/x.html."),
            "see <http://example.org/x.html>."
        );
        assert_eq!(
            escape_prose("(https://example.org/a_b)"),
            "(https://example.org/a_b)"
                .replace("(h", "(<h")
                .replace(")", ">)")
        );
        // Autolinks and code spans stay as they are; an unclosed backtick is text.
        assert_eq!(
            escape_prose("<https://example.org>"),
            "<https://example.org>"
        );
        assert_eq!(
            escape_prose("`a[i] < b` and c[i]"),
            "`a[i] < b` and c\\[i\\]"
        );
        assert_eq!(escape_prose("it's `quoted' [x]"), "it's `quoted' \\[x\\]");
        assert_eq!(escape_prose("http://"), "http://");
        // Code blocks are not prose.
        let d = comment_to_docs("/**\n * Use a[i]:\n *\n *     a[i] = <b>;\n */");
        assert_eq!(d, ["Use a\\[i\\]:", "", "```c", "a[i] = <b>;", "```"]);
    }

    /// freetype's banners: the rows of stars go, the text keeps its own indentation.
    #[test]
    fn rows_of_stars_are_not_text() {
        let d = comment_to_docs("/**************\n *\n * @struct:\n *   FT_Vector\n *\n */\n");
        assert_eq!(d, ["@struct:", "  FT_Vector"]);
        // Emphasis stays.
        assert_eq!(comment_to_docs("/* **bold** */"), ["**bold**"]);
    }

    #[test]
    fn tabs_become_spaces() {
        assert_eq!(expand_tabs("a\tb\t\tc"), "a       b               c");
        assert_eq!(comment_to_docs("/* x\ty */"), ["x    y"]);
    }

    #[test]
    fn sqlite_style_double_stars() {
        let d = comment_to_docs("/*\n** CAPI3REF: Version\n**\n** The **version** string.\n*/");
        assert_eq!(d, ["CAPI3REF: Version", "", "The **version** string."]);
        // Markdown bold after a single-star continuation stays.
        let d = comment_to_docs("/**\n * **Bold** start.\n */");
        assert_eq!(d, ["**Bold** start."]);
    }

    #[test]
    fn code_is_fenced_as_c() {
        let d = comment_to_docs(
            "/**\n * Example:\n *\n *     int x = f();\n *     g(x);\n *\n * Done.\n */",
        );
        assert_eq!(
            d,
            [
                "Example:",
                "",
                "```c",
                "int x = f();",
                "g(x);",
                "```",
                "",
                "Done."
            ]
        );
        let d = comment_to_docs("/** ```\nlet x = 1;\n``` */");
        assert_eq!(d, ["```c", "let x = 1;", "```"]);
    }

    #[test]
    fn macro_comments_above_or_trailing() {
        let lines: Vec<String> = [
            "/** The maximum,",
            " *  documented. */",
            "#define MAX 64",
            "#define TRAILING 1 /**< After it. */",
            "",
            "#define BARE 2",
            "int x; /* code before */",
            "#define AFTER_CODE 3",
            "// line one",
            "// line two",
            "#define SLASHES 4",
        ]
        .map(String::from)
        .to_vec();
        let docs = |line| macro_comment(&lines, line).map(|c| comment_to_docs(&c));
        assert_eq!(docs(3).unwrap(), ["The maximum,", " documented."]);
        assert_eq!(docs(4).unwrap(), ["After it."]);
        assert_eq!(docs(6), None);
        assert_eq!(docs(8), None);
        assert_eq!(docs(11).unwrap(), ["line one", "line two"]);
    }
}
