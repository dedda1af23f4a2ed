//! The symbol check: which bound symbols a set of libraries lacks.

use std::path::{Path, PathBuf};

/// Opens a library the way the runtime's `Library::open` does: a path or file name as is; a
/// short name as `lib<name>.so`, then the highest versioned `lib<name>.so.N` in the library
/// directories.
fn open(name: &str) -> Result<libloading::Library, String> {
    let mut tried = Vec::new();
    let first = if name.contains('/') || name.contains(".so") {
        name.to_string()
    } else {
        format!("lib{name}.so")
    };
    // SAFETY: loading runs the library's initializers; the extractor loads only libraries the
    // user names, as the program using the bindings will.
    match unsafe { libloading::Library::new(&first) } {
        Ok(l) => return Ok(l),
        Err(e) => tried.push(format!("{first} ({e})")),
    }
    if !name.contains('/') && !name.contains(".so") {
        let prefix = format!("lib{name}.so.");
        let mut best: Option<(Vec<u64>, PathBuf)> = None;
        for dir in dirs() {
            for entry in std::fs::read_dir(&dir).into_iter().flatten().flatten() {
                let file = entry.file_name().to_string_lossy().into_owned();
                let Some(v) = file.strip_prefix(&prefix) else {
                    continue;
                };
                let Some(parts) = v
                    .split('.')
                    .map(|p| p.parse().ok())
                    .collect::<Option<Vec<u64>>>()
                else {
                    continue;
                };
                if best.as_ref().is_none_or(|(b, _)| parts > *b) {
                    best = Some((parts, dir.join(&file)));
                }
            }
        }
        if let Some((_, path)) = best {
            // SAFETY: as above.
            match unsafe { libloading::Library::new(&path) } {
                Ok(l) => return Ok(l),
                Err(e) => tried.push(format!("{} ({e})", path.display())),
            }
        }
    }
    Err(format!(
        "library `{name}` not found; tried: {}",
        tried.join("; ")
    ))
}

fn dirs() -> Vec<PathBuf> {
    let mut d: Vec<PathBuf> = std::env::var_os("LD_LIBRARY_PATH")
        .map(|p| std::env::split_paths(&p).collect())
        .unwrap_or_default();
    let arch = format!("{}-linux-gnu", std::env::consts::ARCH);
    for base in ["/lib", "/usr/lib"] {
        d.push(Path::new(base).join(&arch));
    }
    d.extend(["/lib64", "/usr/lib64", "/lib", "/usr/lib", "/usr/local/lib"].map(PathBuf::from));
    d
}

/// The symbols of `symbols` that none of `libraries` defines.
pub(crate) fn missing(libraries: &[String], symbols: &[String]) -> Result<Vec<String>, String> {
    let libs: Vec<libloading::Library> = libraries
        .iter()
        .map(|l| open(l))
        .collect::<Result<_, _>>()?;
    Ok(symbols
        .iter()
        .filter(|s| {
            !libs.iter().any(|l| {
                // SAFETY: only the symbol's presence is checked; nothing is called or read.
                unsafe { l.get::<*mut std::ffi::c_void>(s.as_bytes()) }.is_ok()
            })
        })
        .cloned()
        .collect())
}
