//! Mapped files: segments over a file's pages (memmap2 underneath).

use std::fs::File;
use std::ops::{Deref, DerefMut};

use memmap2::{Mmap, MmapMut, MmapOptions};

use crate::segment::Segment;
use crate::{Error, Result};

/// How the kernel should expect a mapping to be used (`madvise`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Advice {
    /// No special treatment.
    Normal,
    /// Pages will be accessed in random order: read ahead less.
    Random,
    /// Pages will be accessed in order: read ahead more, drop behind.
    Sequential,
    /// Pages will be needed soon: start reading them in.
    WillNeed,
}

impl From<Advice> for memmap2::Advice {
    fn from(a: Advice) -> memmap2::Advice {
        match a {
            Advice::Normal => memmap2::Advice::Normal,
            Advice::Random => memmap2::Advice::Random,
            Advice::Sequential => memmap2::Advice::Sequential,
            Advice::WillNeed => memmap2::Advice::WillNeed,
        }
    }
}

/// Where in a file to map, and how much.
///
/// ```no_run
/// use ffm::{Arena, MapOptions, I32};
/// let file = std::fs::OpenOptions::new().read(true).write(true).open("data.bin")?;
/// let arena = Arena::new();
/// // SAFETY: nothing else changes or truncates data.bin while it is mapped.
/// let map = arena.keep_alive(unsafe { MapOptions::new().len(4096).map_mut(&file)? });
/// map.set(I32, 0, 42);
/// map.flush()?;
/// arena.close(); // unmapped here; `map` cannot be used after this line
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug, Default)]
pub struct MapOptions {
    offset: u64,
    len: Option<usize>,
}

fn io(what: String) -> impl FnOnce(std::io::Error) -> Error {
    move |source| Error::Io { what, source }
}

impl MapOptions {
    /// The whole file, from offset 0.
    pub fn new() -> MapOptions {
        MapOptions::default()
    }

    /// Starts the mapping at `offset` bytes into the file.
    pub fn offset(&mut self, offset: u64) -> &mut Self {
        self.offset = offset;
        self
    }

    /// Maps `len` bytes instead of the rest of the file.
    pub fn len(&mut self, len: usize) -> &mut Self {
        self.len = Some(len);
        self
    }

    /// The memmap2 options, after checking that an explicit range of a regular file lies inside
    /// it: pages past the end of a file fault (SIGBUS) when touched, so a segment over them would
    /// hand out bytes that cannot be read. (Without a length, memmap2 maps the rest of the file
    /// and checks the offset itself. Other files — devices — have no length to check against.)
    fn options(&self, file: &File, mode: &str) -> Result<MmapOptions> {
        let mut o = MmapOptions::new();
        o.offset(self.offset);
        if let Some(len) = self.len {
            let metadata = file.metadata().map_err(io(self.describe(mode)))?;
            if metadata.is_file() {
                let file_len = metadata.len();
                let end = u64::try_from(len)
                    .ok()
                    .and_then(|len| self.offset.checked_add(len));
                if end.is_none_or(|end| end > file_len) {
                    return Err(Error::Io {
                        what: self.describe(mode),
                        source: std::io::Error::new(
                            std::io::ErrorKind::InvalidInput,
                            format!(
                                "the range ends past the end of the {file_len}-byte file (extend it first, e.g. with File::set_len)"
                            ),
                        ),
                    });
                }
            }
            o.len(len);
        }
        Ok(o)
    }

    fn describe(&self, mode: &str) -> String {
        match self.len {
            Some(len) => format!("mapping {len} byte(s) at offset {} {mode}", self.offset),
            None => format!("mapping the file from offset {} {mode}", self.offset),
        }
    }

    /// Maps the file read-only.
    ///
    /// Fails if an explicit [`len`](Self::len) reaches past the end of a regular file (those
    /// pages could not be read), or if the system refuses the mapping.
    ///
    /// # Safety
    /// While the mapping lives, the mapped part of the file must not be changed or truncated by
    /// this or any other process: the segment would change under a shared borrow, or reading it
    /// would fault. For a file that is not a regular file (a device), every mapped byte must be
    /// readable.
    pub unsafe fn map(&self, file: &File) -> Result<Mapping> {
        let mode = "read-only";
        let options = self.options(file, mode)?;
        // SAFETY: forwarded caller contract; the range lies inside a regular file.
        let map = unsafe { options.map(file) }.map_err(io(self.describe(mode)))?;
        Ok(Mapping { map })
    }

    /// Maps the file read-write; writes reach the file (on [`MappingMut::flush`] at the latest).
    ///
    /// Fails as [`map`](Self::map) does.
    ///
    /// # Safety
    /// As for [`map`](Self::map): nothing else may change or truncate the mapped part of the file
    /// while the mapping lives.
    pub unsafe fn map_mut(&self, file: &File) -> Result<MappingMut> {
        let mode = "read-write";
        let options = self.options(file, mode)?;
        // SAFETY: forwarded caller contract; the range lies inside a regular file.
        let map = unsafe { options.map_mut(file) }.map_err(io(self.describe(mode)))?;
        Ok(MappingMut {
            map,
            private: false,
        })
    }

    /// Maps the file copy-on-write: writes stay in this process and never reach the file.
    ///
    /// Fails as [`map`](Self::map) does.
    ///
    /// # Safety
    /// As for [`map`](Self::map).
    pub unsafe fn map_copy(&self, file: &File) -> Result<MappingMut> {
        let mode = "copy-on-write";
        let options = self.options(file, mode)?;
        // SAFETY: forwarded caller contract; the range lies inside a regular file.
        let map = unsafe { options.map_copy(file) }.map_err(io(self.describe(mode)))?;
        Ok(MappingMut { map, private: true })
    }
}

/// A read-only mapped file; dereferences to a [`Segment`]. Unmapped on drop.
///
/// Own it, or tie it to an arena with [`Arena::keep_alive`](crate::Arena::keep_alive) so it is
/// unmapped when the arena closes.
#[derive(Debug)]
pub struct Mapping {
    map: Mmap,
}

impl Mapping {
    /// Maps all of `file` read-only.
    ///
    /// # Safety
    /// See [`MapOptions::map`].
    pub unsafe fn map(file: &File) -> Result<Mapping> {
        // SAFETY: forwarded caller contract.
        unsafe { MapOptions::new().map(file) }
    }

    /// Tells the kernel how the pages will be used.
    pub fn advise(&self, advice: Advice) -> Result<()> {
        self.map
            .advise(advice.into())
            .map_err(io(format!("advising {advice:?} on {} byte(s)", self.len())))
    }
}

impl Deref for Mapping {
    type Target = Segment;
    fn deref(&self) -> &Segment {
        Segment::of_bytes(&self.map)
    }
}

/// A writable mapped file (shared or copy-on-write); dereferences to a [`Segment`].
/// Unmapped on drop (shared mappings are written back by the kernel; call
/// [`flush`](Self::flush) to be sure when).
#[derive(Debug)]
pub struct MappingMut {
    map: MmapMut,
    private: bool,
}

impl MappingMut {
    /// Maps all of `file` read-write.
    ///
    /// # Safety
    /// See [`MapOptions::map_mut`].
    pub unsafe fn map(file: &File) -> Result<MappingMut> {
        // SAFETY: forwarded caller contract.
        unsafe { MapOptions::new().map_mut(file) }
    }

    /// Whether writes stay private to this process (copy-on-write).
    pub fn is_private(&self) -> bool {
        self.private
    }

    /// Writes modified pages back to the file and waits for it (`msync(MS_SYNC)`).
    pub fn flush(&self) -> Result<()> {
        self.map
            .flush()
            .map_err(io(format!("flushing {} mapped byte(s)", self.len())))
    }

    /// Writes back the pages of `len` bytes from `offset`, and waits.
    pub fn flush_range(&self, offset: usize, len: usize) -> Result<()> {
        self.check_access(offset, len, 1)?;
        self.map.flush_range(offset, len).map_err(io(format!(
            "flushing {len} mapped byte(s) at offset {offset}"
        )))
    }

    /// Starts writing modified pages back, without waiting (`msync(MS_ASYNC)`).
    pub fn flush_async(&self) -> Result<()> {
        self.map
            .flush_async()
            .map_err(io(format!("flushing {} mapped byte(s)", self.len())))
    }

    /// Tells the kernel how the pages will be used.
    pub fn advise(&self, advice: Advice) -> Result<()> {
        self.map
            .advise(advice.into())
            .map_err(io(format!("advising {advice:?} on {} byte(s)", self.len())))
    }
}

impl Deref for MappingMut {
    type Target = Segment;
    fn deref(&self) -> &Segment {
        Segment::of_bytes(&self.map)
    }
}

impl DerefMut for MappingMut {
    fn deref_mut(&mut self) -> &mut Segment {
        Segment::of_bytes_mut(&mut self.map)
    }
}
