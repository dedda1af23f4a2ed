//! C strings in segments: read up to the NUL, never past the end; write with the NUL.

use std::ffi::CStr;

use super::Segment;
use crate::error::StringError;
use crate::{Error, Result};

impl Segment {
    /// The NUL-terminated string at `offset`.
    ///
    /// Searches for the terminator only inside the segment: a string that runs to the end without
    /// one is an [`Error::InvalidString`], never a read past the bounds.
    ///
    /// ```
    /// use ffm::Segment;
    /// let seg = Segment::of_slice(b"hi\0there");
    /// assert_eq!(seg.get_string(0).unwrap().to_str(), Ok("hi"));
    /// assert!(seg.get_string(3).is_err()); // "there" has no terminator
    /// ```
    pub fn get_string(&self, offset: usize) -> Result<&CStr> {
        self.check_access(offset, 0, 1)?;
        let rest = &self.as_bytes()[offset..];
        CStr::from_bytes_until_nul(rest).map_err(|_| Error::InvalidString {
            offset,
            reason: StringError::NoTerminator {
                searched: rest.len(),
            },
        })
    }

    /// The NUL-terminated UTF-8 string at `offset`.
    pub fn get_str(&self, offset: usize) -> Result<&str> {
        self.get_string(offset)?
            .to_str()
            .map_err(|e| Error::InvalidString {
                offset,
                reason: StringError::NotUtf8 {
                    valid_up_to: e.valid_up_to(),
                },
            })
    }

    /// Writes `s` and a NUL terminator at `offset`.
    ///
    /// Fails if `s` contains a NUL or does not fit; nothing is written then.
    pub fn set_string(&mut self, offset: usize, s: &str) -> Result<()> {
        if let Some(position) = s.bytes().position(|b| b == 0) {
            return Err(Error::InvalidString {
                offset,
                reason: StringError::InteriorNul { position },
            });
        }
        self.write_terminated(offset, s.as_bytes())
    }

    /// Writes `s` with its NUL terminator at `offset`.
    pub fn set_cstr(&mut self, offset: usize, s: &CStr) -> Result<()> {
        self.write_terminated(offset, s.to_bytes())
    }

    fn write_terminated(&mut self, offset: usize, bytes: &[u8]) -> Result<()> {
        let needed = bytes.len() + 1;
        let available = self.len().saturating_sub(offset);
        if offset > self.len() || needed > available {
            return Err(Error::InvalidString {
                offset,
                reason: StringError::TooLong { needed, available },
            });
        }
        let dest = &mut self.as_bytes_mut()[offset..offset + needed];
        dest[..bytes.len()].copy_from_slice(bytes);
        dest[bytes.len()] = 0;
        Ok(())
    }
}
