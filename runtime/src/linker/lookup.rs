//! Finding symbols: libraries opened by name or path, the default lookup, and composition.

use std::ffi::c_void;
use std::fmt;
use std::marker::PhantomData;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use crate::{Address, Error, Result};

/// A symbol found in a library: its address and name, borrowing the library so that the
/// library cannot be closed while the symbol (or a downcall made from it) is in use.
#[derive(Clone, PartialEq, Eq)]
pub struct Symbol<'lib> {
    address: Address,
    name: String,
    _library: PhantomData<&'lib ()>,
}

impl<'lib> Symbol<'lib> {
    /// The symbol's address: a function's entry point, or a global variable.
    pub fn address(&self) -> Address {
        self.address
    }

    /// The symbol's name, as looked up.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// A symbol at a raw address (a function pointer received from C, say), valid for `'lib`.
    ///
    /// # Safety
    /// The address must stay valid (its code or data mapped) for all of `'lib`.
    pub unsafe fn from_address(address: Address, name: impl Into<String>) -> Symbol<'lib> {
        Symbol {
            address,
            name: name.into(),
            _library: PhantomData,
        }
    }
}

impl fmt::Debug for Symbol<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Symbol({} at {})", self.name, self.address)
    }
}

/// Something symbols can be looked up in: a [`Library`], the [`DefaultLookup`], or several of
/// them tried in order ([`or`](SymbolLookup::or)).
pub trait SymbolLookup {
    /// The symbol named `name`, if there is one.
    fn find(&self, name: &str) -> Option<Symbol<'_>>;

    /// Describes where this lookup searches, for error messages.
    fn describe(&self) -> String;

    /// The symbol named `name`, or an [`Error::SymbolNotFound`] naming it and this lookup.
    fn find_or_error(&self, name: &str) -> Result<Symbol<'_>> {
        self.find(name).ok_or_else(|| Error::SymbolNotFound {
            symbol: name.to_owned(),
            library: self.describe(),
        })
    }

    /// A lookup that tries `self`, then `other`.
    fn or<B: SymbolLookup>(self, other: B) -> Or<Self, B>
    where
        Self: Sized,
    {
        Or(self, other)
    }
}

impl<T: SymbolLookup + ?Sized> SymbolLookup for &T {
    fn find(&self, name: &str) -> Option<Symbol<'_>> {
        (**self).find(name)
    }
    fn describe(&self) -> String {
        (**self).describe()
    }
}

/// Two lookups tried in order. Made by [`SymbolLookup::or`].
#[derive(Debug)]
pub struct Or<A, B>(A, B);

impl<A: SymbolLookup, B: SymbolLookup> SymbolLookup for Or<A, B> {
    fn find(&self, name: &str) -> Option<Symbol<'_>> {
        self.0.find(name).or_else(|| self.1.find(name))
    }
    fn describe(&self) -> String {
        format!("{} or {}", self.0.describe(), self.1.describe())
    }
}

/// A loaded shared library (`dlopen`), closed when dropped; symbols found in it borrow it.
pub struct Library {
    inner: libloading::os::unix::Library,
    name: String,
}

impl fmt::Debug for Library {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Library({})", self.name)
    }
}

impl Library {
    /// Opens a library by short name, file name or path.
    ///
    /// - A path (containing `/`) is opened as is.
    /// - A file name (`libz.so.1`) is handed to the dynamic loader, which searches its usual
    ///   places.
    /// - A short name (`"z"`) tries `libz.so` first, then the versioned soname (`libz.so.1`),
    ///   found by scanning `LD_LIBRARY_PATH`, the directories in `/etc/ld.so.conf` and the
    ///   system library directories — so it works on machines without the `-dev` package that
    ///   provides the unversioned link. The highest version wins.
    ///
    /// On failure the error lists every name and path tried, with the loader's message for each.
    ///
    /// Opening a library runs its initializers, which is why libloading makes it `unsafe`; this
    /// function treats loading as trusted, like linking against the library would.
    pub fn open(name: &str) -> Result<Library> {
        let mut tried = Vec::new();
        for candidate in candidates(name) {
            match load(&candidate) {
                Ok(inner) => {
                    return Ok(Library {
                        inner,
                        name: candidate,
                    });
                }
                Err(e) => tried.push(format!("{candidate} ({e})")),
            }
        }
        if !name.contains('/')
            && !name.contains(".so")
            && let Some(versioned) = find_versioned(name, &mut tried)
        {
            match load(&versioned) {
                Ok(inner) => {
                    return Ok(Library {
                        inner,
                        name: versioned,
                    });
                }
                Err(e) => tried.push(format!("{versioned} ({e})")),
            }
        }
        Err(Error::LibraryNotFound {
            name: name.to_owned(),
            tried,
        })
    }

    /// The name or path the library was opened under.
    pub fn name(&self) -> &str {
        &self.name
    }

    fn raw_find(&self, name: &str) -> Option<Address> {
        // SAFETY: the symbol is only read as an address here; nothing is called or
        // dereferenced through it.
        let sym = unsafe { self.inner.get::<*mut c_void>(name.as_bytes()) }.ok()?;
        Some(Address::from_mut_ptr(*sym))
    }
}

fn load(name: &str) -> std::result::Result<libloading::os::unix::Library, libloading::Error> {
    use libloading::os::unix::{Library, RTLD_LAZY, RTLD_LOCAL};
    // SAFETY: loading a library runs its initializers; ffm treats the libraries a program asks
    // for as trusted code, exactly as if it had been linked against them.
    unsafe { Library::open(Some(name), RTLD_LAZY | RTLD_LOCAL) }
}

fn candidates(name: &str) -> Vec<String> {
    if name.contains('/') || name.contains(".so") {
        vec![name.to_owned()]
    } else {
        vec![format!("lib{name}.so")]
    }
}

/// Searches the library directories for `lib<name>.so.<version>`, highest version first.
fn find_versioned(name: &str, tried: &mut Vec<String>) -> Option<String> {
    let prefix = format!("lib{name}.so.");
    let dirs = search_dirs();
    let mut best: Option<(Vec<u64>, PathBuf)> = None;
    for dir in &dirs {
        let Ok(entries) = std::fs::read_dir(dir) else {
            continue;
        };
        for entry in entries.flatten() {
            let file = entry.file_name();
            let Some(file) = file.to_str() else { continue };
            let Some(version) = file.strip_prefix(&prefix) else {
                continue;
            };
            let Some(parts) = version
                .split('.')
                .map(|p| p.parse::<u64>().ok())
                .collect::<Option<Vec<u64>>>()
            else {
                continue;
            };
            if best.as_ref().is_none_or(|(v, _)| parts > *v) {
                best = Some((parts, dir.join(file)));
            }
        }
    }
    match best {
        Some((_, path)) => Some(path.to_string_lossy().into_owned()),
        None => {
            tried.push(format!(
                "{prefix}* in {} (no such file)",
                dirs.iter()
                    .map(|d| d.display().to_string())
                    .collect::<Vec<_>>()
                    .join(", ")
            ));
            None
        }
    }
}

/// `LD_LIBRARY_PATH`, then `/etc/ld.so.conf` (with its includes), then the system directories.
fn search_dirs() -> Vec<PathBuf> {
    let mut dirs: Vec<PathBuf> = Vec::new();
    if let Some(paths) = std::env::var_os("LD_LIBRARY_PATH") {
        dirs.extend(std::env::split_paths(&paths).filter(|p| !p.as_os_str().is_empty()));
    }
    read_ld_conf(Path::new("/etc/ld.so.conf"), &mut dirs, 0);
    let multiarch = format!("{}-linux-gnu", std::env::consts::ARCH);
    for d in [
        format!("/lib/{multiarch}"),
        format!("/usr/lib/{multiarch}"),
        "/lib64".into(),
        "/usr/lib64".into(),
        "/lib".into(),
        "/usr/lib".into(),
        "/usr/local/lib".into(),
    ] {
        dirs.push(PathBuf::from(d));
    }
    let mut seen = std::collections::HashSet::new();
    dirs.retain(|d| seen.insert(d.clone()));
    dirs
}

fn read_ld_conf(file: &Path, dirs: &mut Vec<PathBuf>, depth: u32) {
    if depth > 4 {
        return;
    }
    let Ok(text) = std::fs::read_to_string(file) else {
        return;
    };
    for line in text.lines() {
        let line = line.split('#').next().unwrap_or("").trim();
        if let Some(pattern) = line.strip_prefix("include") {
            for included in expand_glob(pattern.trim()) {
                read_ld_conf(&included, dirs, depth + 1);
            }
        } else if line.starts_with('/') {
            dirs.push(PathBuf::from(line));
        }
    }
}

/// Expands the one glob form ld.so.conf uses: a directory and a `*` pattern in the file name.
fn expand_glob(pattern: &str) -> Vec<PathBuf> {
    let path = Path::new(pattern);
    let (Some(dir), Some(file)) = (path.parent(), path.file_name().and_then(|f| f.to_str())) else {
        return Vec::new();
    };
    let Some((head, tail)) = file.split_once('*') else {
        return vec![path.to_path_buf()];
    };
    let mut out: Vec<PathBuf> = std::fs::read_dir(dir)
        .into_iter()
        .flatten()
        .flatten()
        .map(|e| e.path())
        .filter(|p| {
            p.file_name()
                .and_then(|f| f.to_str())
                .is_some_and(|f| f.starts_with(head) && f.ends_with(tail))
        })
        .collect();
    out.sort();
    out
}

impl SymbolLookup for Library {
    fn find(&self, name: &str) -> Option<Symbol<'_>> {
        self.raw_find(name).map(|address| Symbol {
            address,
            name: name.to_owned(),
            _library: PhantomData,
        })
    }
    fn describe(&self) -> String {
        format!("library `{}`", self.name)
    }
}

/// The default lookup: the C library, the math library and everything already loaded into the
/// running process. Never unloaded.
#[derive(Debug, Clone, Copy)]
pub struct DefaultLookup {
    _private: (),
}

struct DefaultLibraries {
    libs: Vec<Library>,
}

fn default_libraries() -> &'static DefaultLibraries {
    static LIBS: OnceLock<DefaultLibraries> = OnceLock::new();
    LIBS.get_or_init(|| {
        let mut libs = Vec::new();
        let this = libloading::os::unix::Library::this();
        libs.push(Library {
            inner: this,
            name: "the running process".into(),
        });
        for name in ["libc.so.6", "libm.so.6"] {
            if let Ok(lib) = Library::open(name) {
                libs.push(lib);
            }
        }
        DefaultLibraries { libs }
    })
}

impl DefaultLookup {
    /// The default lookup.
    pub const fn new() -> DefaultLookup {
        DefaultLookup { _private: () }
    }
}

impl DefaultLookup {
    /// The symbol named `name`. The default libraries are never unloaded, so the symbol is
    /// `'static`.
    pub fn find(&self, name: &str) -> Option<Symbol<'static>> {
        default_libraries().libs.iter().find_map(|l| {
            l.raw_find(name).map(|address| Symbol {
                address,
                name: name.to_owned(),
                _library: PhantomData,
            })
        })
    }

    /// The symbol named `name`, or an error naming it.
    pub fn find_or_error(&self, name: &str) -> Result<Symbol<'static>> {
        self.find(name).ok_or_else(|| Error::SymbolNotFound {
            symbol: name.to_owned(),
            library: SymbolLookup::describe(self),
        })
    }
}

impl Default for DefaultLookup {
    fn default() -> Self {
        DefaultLookup::new()
    }
}

impl SymbolLookup for DefaultLookup {
    fn find(&self, name: &str) -> Option<Symbol<'_>> {
        DefaultLookup::find(self, name)
    }
    fn describe(&self) -> String {
        "the default lookup (the running process, libc.so.6, libm.so.6)".into()
    }
}

impl crate::linker::Addressable for Symbol<'_> {
    fn address(&self) -> Address {
        self.address
    }
}
