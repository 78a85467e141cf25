//! `Interest`: the readiness events a resource is registered for.

use std::fmt;
use std::ops;

use crate::Ready;

const READABLE: u8 = 0b0001;
const WRITABLE: u8 = 0b0010;
const PRIORITY: u8 = 0b0100;
const ERROR: u8 = 0b1000;

/// Readiness event interest.
///
/// Specifies the readiness events the caller is interested in when awaiting
/// on I/O resource readiness states. An `Interest` is never empty.
///
/// ```
/// use rt_reactor::Interest;
///
/// let both = Interest::READABLE | Interest::WRITABLE;
/// assert!(both.is_readable() && both.is_writable());
/// assert_eq!(both.remove(Interest::WRITABLE), Some(Interest::READABLE));
/// assert_eq!(Interest::READABLE.remove(Interest::READABLE), None);
/// ```
#[derive(Clone, Copy, Eq, PartialEq, Hash)]
pub struct Interest(u8);

impl Interest {
    /// Interest in all readable events.
    ///
    /// Readable interest includes read-closed events.
    pub const READABLE: Interest = Interest(READABLE);

    /// Interest in all writable events.
    ///
    /// Writable interest includes write-closed events.
    pub const WRITABLE: Interest = Interest(WRITABLE);

    /// Interest in priority events (`EPOLLPRI`, e.g. out-of-band TCP data or
    /// a change in `/proc/self/mounts`). Only delivered on Linux and Android.
    pub const PRIORITY: Interest = Interest(PRIORITY);

    /// Interest in error events.
    ///
    /// Passes error interest to the underlying OS selector. Behavior is
    /// platform-specific; on Linux, error events are always reported, so
    /// this interest only matters for which readiness a waiter accepts.
    pub const ERROR: Interest = Interest(ERROR);

    /// Returns true if the value includes readable interest.
    pub const fn is_readable(self) -> bool {
        self.0 & READABLE != 0
    }

    /// Returns true if the value includes writable interest.
    pub const fn is_writable(self) -> bool {
        self.0 & WRITABLE != 0
    }

    /// Returns true if the value includes priority interest.
    pub const fn is_priority(self) -> bool {
        self.0 & PRIORITY != 0
    }

    /// Returns true if the value includes error interest.
    pub const fn is_error(self) -> bool {
        self.0 & ERROR != 0
    }

    /// Add together two `Interest` values.
    ///
    /// This function works from a `const` context.
    ///
    /// ```
    /// use rt_reactor::Interest;
    ///
    /// const BOTH: Interest = Interest::READABLE.add(Interest::WRITABLE);
    /// assert!(BOTH.is_readable());
    /// assert!(BOTH.is_writable());
    /// ```
    #[must_use = "this returns the result of the operation, without modifying the original"]
    pub const fn add(self, other: Interest) -> Interest {
        Interest(self.0 | other.0)
    }

    /// Remove `Interest` from `self`.
    ///
    /// Interests present in `other` but *not* in `self` are ignored.
    /// Returns `None` if the set would be empty after removing `Interest`.
    #[must_use = "this returns the result of the operation, without modifying the original"]
    pub fn remove(self, other: Interest) -> Option<Interest> {
        let bits = self.0 & !other.0;
        if bits == 0 {
            None
        } else {
            Some(Interest(bits))
        }
    }

    /// The mio interest to register a source with. mio needs a non-empty
    /// set and has no error interest (errors are always reported), so an
    /// error-only interest registers for readability.
    pub(crate) fn to_mio(self) -> mio::Interest {
        let mut mio: Option<mio::Interest> = None;
        let mut add = |i: mio::Interest| {
            mio = Some(match mio {
                Some(m) => m.add(i),
                None => i,
            });
        };
        if self.is_readable() {
            add(mio::Interest::READABLE);
        }
        if self.is_writable() {
            add(mio::Interest::WRITABLE);
        }
        #[cfg(any(target_os = "linux", target_os = "android"))]
        if self.is_priority() {
            add(mio::Interest::PRIORITY);
        }
        mio.unwrap_or(mio::Interest::READABLE)
    }

    /// The readiness bits that satisfy this interest.
    pub(crate) const fn mask(self) -> Ready {
        let mut bits = 0;
        if self.is_readable() {
            bits |= Ready::READABLE.as_u8() | Ready::READ_CLOSED.as_u8();
        }
        if self.is_writable() {
            bits |= Ready::WRITABLE.as_u8() | Ready::WRITE_CLOSED.as_u8();
        }
        if self.is_priority() {
            bits |= Ready::PRIORITY.as_u8() | Ready::READ_CLOSED.as_u8();
        }
        if self.is_error() {
            bits |= Ready::ERROR.as_u8();
        }
        Ready::from_u8(bits)
    }
}

impl ops::BitOr for Interest {
    type Output = Self;

    #[inline]
    fn bitor(self, other: Self) -> Self {
        self.add(other)
    }
}

impl ops::BitOrAssign for Interest {
    #[inline]
    fn bitor_assign(&mut self, other: Self) {
        *self = *self | other;
    }
}

impl fmt::Debug for Interest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut sep = false;
        for (bit, name) in [
            (READABLE, "READABLE"),
            (WRITABLE, "WRITABLE"),
            (PRIORITY, "PRIORITY"),
            (ERROR, "ERROR"),
        ] {
            if self.0 & bit != 0 {
                if sep {
                    f.write_str(" | ")?;
                }
                f.write_str(name)?;
                sep = true;
            }
        }
        Ok(())
    }
}
