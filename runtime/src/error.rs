//! The one error type of the runtime.

use std::fmt;

use crate::layout::MemoryLayout;

/// Everything that can go wrong in `ffm`, as one `#[non_exhaustive]` enum.
///
/// Each message names the thing that was asked for and what was found: the offset, length and
/// layout of a bad access, the member a path could not find, the size an allocator could not
/// give. Errors that wrap an operating-system failure keep it as their [`source`].
///
/// [`source`]: std::error::Error::source
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// An access reached outside the segment's spatial bounds.
    #[error(
        "out of bounds: {len} byte(s) at offset {offset}{for_layout} do not fit in a segment of {segment_len} byte(s)",
        for_layout = ForLayout(layout)
    )]
    OutOfBounds {
        /// Byte offset of the access, from the start of the segment.
        offset: usize,
        /// Number of bytes the access needs.
        len: usize,
        /// Length of the segment that was accessed.
        segment_len: usize,
        /// The layout being read or written, if the access had one.
        layout: Option<MemoryLayout>,
    },

    /// An access landed on an address that does not satisfy the layout's alignment.
    #[error(
        "misaligned access: address {address:#x} (offset {offset}) is not aligned to {align} byte(s){for_layout}",
        for_layout = ForLayout(layout)
    )]
    Misaligned {
        /// Absolute address of the access.
        address: usize,
        /// Byte offset of the access, from the start of the segment.
        offset: usize,
        /// Alignment the layout requires.
        align: usize,
        /// The layout being read or written, if the access had one.
        layout: Option<MemoryLayout>,
    },

    /// An alignment that is zero or not a power of two.
    #[error("invalid alignment {align}: an alignment must be a power of two")]
    InvalidAlignment {
        /// The alignment that was asked for.
        align: usize,
    },

    /// A size computation overflowed `usize`.
    #[error("size overflow: {what}")]
    SizeOverflow {
        /// What was being computed, with its operands.
        what: String,
    },

    /// A bounded allocator has no room left for a request.
    #[error(
        "allocator full: {requested} byte(s) aligned to {align} requested, {remaining} of {capacity} byte(s) remain"
    )]
    AllocatorFull {
        /// Bytes asked for.
        requested: usize,
        /// Alignment asked for.
        align: usize,
        /// Bytes still free (before alignment).
        remaining: usize,
        /// Total capacity of the allocator.
        capacity: usize,
    },

    /// The system allocator refused a request.
    #[error("the system refused an allocation of {size} byte(s) aligned to {align}")]
    AllocationFailed {
        /// Bytes asked for.
        size: usize,
        /// Alignment asked for.
        align: usize,
    },

    /// A typed view (accessor, `as_value`, typed downcall) does not match the layout it was made from.
    #[error("type mismatch: Rust type `{requested}` cannot carry layout {layout}")]
    CarrierMismatch {
        /// The Rust type that was asked for.
        requested: &'static str,
        /// The layout that was found.
        layout: MemoryLayout,
    },

    /// A layout path names a member that the group does not have.
    #[error("no member named `{name}` in {layout}")]
    NoSuchMember {
        /// The name in the path.
        name: String,
        /// The group layout that was searched.
        layout: MemoryLayout,
    },

    /// A layout path indexes past the end of a sequence or group.
    #[error("index {index} is out of range 0..{count} for {layout}")]
    IndexOutOfRange {
        /// The index that was asked for.
        index: usize,
        /// Number of elements or members available.
        count: usize,
        /// The layout that was indexed.
        layout: MemoryLayout,
    },

    /// A layout path element does not apply to the layout it reached.
    #[error("path element {element} cannot select into {layout}")]
    PathMismatch {
        /// The path element, as written.
        element: String,
        /// The layout it was applied to.
        layout: MemoryLayout,
    },

    /// An accessor was made with a different number of free dimensions than its path has.
    #[error(
        "the path to {layout} has {found} free dimension(s), but the accessor takes {expected} index(es)"
    )]
    FreeDimensions {
        /// Indexes the accessor type takes.
        expected: usize,
        /// Free dimensions in the path.
        found: usize,
        /// The selected layout.
        layout: MemoryLayout,
    },

    /// A layout could not be built or transformed (bad struct member offset, bad reshape, …).
    #[error("invalid layout: {reason}")]
    InvalidLayout {
        /// What is wrong, naming the layouts involved.
        reason: String,
    },

    /// A segment's length is not a whole number of elements.
    #[error("a segment of {len} byte(s) is not a whole number of {element_size}-byte elements")]
    LengthMismatch {
        /// Length of the segment.
        len: usize,
        /// Size of one element.
        element_size: usize,
    },

    /// A C string could not be read or written.
    #[error("C string at offset {offset}: {reason}")]
    InvalidString {
        /// Offset of the string in the segment.
        offset: usize,
        /// What is wrong with it.
        reason: StringError,
    },

    /// A library could not be opened.
    #[error("library `{name}` not found; tried: {}", tried.join("; "))]
    LibraryNotFound {
        /// The name or path that was asked for.
        name: String,
        /// Every name and path tried, each with the loader's answer.
        tried: Vec<String>,
    },

    /// A symbol is not in a library.
    #[error("symbol `{symbol}` not found in {library}")]
    SymbolNotFound {
        /// The symbol's name.
        symbol: String,
        /// The library (or lookup) that was searched.
        library: String,
    },

    /// The libraries of a generated binding could not be opened.
    #[error("the libraries {library} could not be opened: {reason}")]
    LibraryUnavailable {
        /// The libraries, as the binding names them.
        library: String,
        /// Why.
        reason: String,
    },

    /// An eager check of a binding found symbols missing from its libraries.
    #[error("{} symbol(s) missing from {library}: {}", symbols.len(), symbols.join(", "))]
    MissingSymbols {
        /// The libraries searched.
        library: String,
        /// Every missing symbol.
        symbols: Vec<String>,
    },

    /// A function descriptor, or a linker option, cannot be linked.
    #[error("invalid function descriptor {descriptor}: {reason}")]
    InvalidDescriptor {
        /// The descriptor, printed.
        descriptor: String,
        /// What is wrong, naming the offending layout.
        reason: String,
    },

    /// A call or a typed view does not match the function descriptor.
    #[error("{what} does not match {descriptor}: {reason}")]
    SignatureMismatch {
        /// What was being checked (`typed view`, `call`, `upcall`).
        what: &'static str,
        /// The descriptor, printed.
        descriptor: String,
        /// Which argument or return, and the two sides.
        reason: String,
    },

    /// A [`Value`](crate::linker::Value) was not of the kind asked for (`i32::try_from(value)`).
    #[error(transparent)]
    ValueKind(#[from] crate::linker::ValueKindError),

    /// A feature that this platform does not support.
    #[error("unsupported on this platform: {what}")]
    Unsupported {
        /// What was asked for.
        what: String,
    },

    /// libffi refused to prepare a call interface or closure.
    #[error("libffi could not prepare {what}: {reason}")]
    Ffi {
        /// What was being prepared.
        what: String,
        /// libffi's status.
        reason: String,
    },

    /// A file could not be mapped, flushed or advised.
    #[error("{what}: {source}")]
    Io {
        /// What was being done.
        what: String,
        /// The operating system's error.
        #[source]
        source: std::io::Error,
    },
}

/// Why a C string could not be read or written.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum StringError {
    /// No NUL terminator before the end of the segment.
    NoTerminator {
        /// Bytes searched.
        searched: usize,
    },
    /// The string to write contains a NUL byte.
    InteriorNul {
        /// Position of the first NUL in the string.
        position: usize,
    },
    /// The string does not fit (with its terminator) in the segment.
    TooLong {
        /// Bytes needed, terminator included.
        needed: usize,
        /// Bytes available.
        available: usize,
    },
    /// The bytes are not valid UTF-8.
    NotUtf8 {
        /// Length of the valid UTF-8 prefix.
        valid_up_to: usize,
    },
}

impl fmt::Display for StringError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            StringError::NoTerminator { searched } => {
                write!(
                    f,
                    "no NUL terminator in the {searched} byte(s) up to the end of the segment"
                )
            }
            StringError::InteriorNul { position } => {
                write!(f, "the string has a NUL byte at position {position}")
            }
            StringError::TooLong { needed, available } => write!(
                f,
                "{needed} byte(s) with the terminator, but only {available} byte(s) are available"
            ),
            StringError::NotUtf8 { valid_up_to } => {
                write!(f, "not valid UTF-8 after {valid_up_to} byte(s)")
            }
        }
    }
}

/// Formats `" for <layout>"` when there is a layout.
struct ForLayout<'a>(&'a Option<MemoryLayout>);

impl fmt::Display for ForLayout<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            Some(layout) => write!(f, " for {layout}"),
            None => Ok(()),
        }
    }
}

/// Shorthand for `std::result::Result<T, ffm::Error>`.
pub type Result<T, E = Error> = std::result::Result<T, E>;
