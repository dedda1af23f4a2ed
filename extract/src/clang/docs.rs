//! C comments into rustdoc lines: comment markers stripped, and every code block fenced as C so
//! that rustdoc never compiles it as a doctest.

/// The lines of a C comment (`/** … */`, `/* … */`, `///`, `//`), as rustdoc lines.
pub(crate) fn comment_to_docs(raw: &str) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    for line in raw.lines() {
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
        // A leading `*` continuation marker.
        let t = l.trim_start();
        if let Some(rest) = t.strip_prefix('*')
            && !rest.starts_with('*')
        {
            l = rest.to_string();
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
    fence_code(lines)
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
            out.push("```".into());
            in_indented = false;
        }
        prev_blank = line.trim().is_empty();
        if in_indented {
            // A blank line inside an indented block: keep it in the block.
            out.push(String::new());
            continue;
        }
        out.push(line);
    }
    if in_fence || in_indented {
        out.push("```".into());
    }
    // A block closed by a blank line leaves that blank inside; move it after the fence.
    out
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
                "",
                "```",
                "Done."
            ]
        );
        let d = comment_to_docs("/** ```\nlet x = 1;\n``` */");
        assert_eq!(d, ["```c", "let x = 1;", "```"]);
    }
}
