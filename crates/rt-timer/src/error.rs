//! Time error types, as tokio's `time::error`.

use std::error;
use std::fmt;
use std::io;

/// Errors encountered by the timer implementation.
///
/// Currently only [`Error::shutdown`] is produced: the driver behind a timer
/// shut down (the wheel has no capacity limit, and over-long deadlines are
/// capped rather than rejected).
#[derive(Debug, Copy, Clone, PartialEq, Eq)]
pub struct Error(Kind);

#[derive(Debug, Copy, Clone, PartialEq, Eq)]
#[repr(u8)]
enum Kind {
    Shutdown = 1,
    AtCapacity = 2,
    Invalid = 3,
}

impl Error {
    /// Creates an error representing a shutdown timer.
    pub fn shutdown() -> Error {
        Error(Kind::Shutdown)
    }

    /// Returns `true` if the error was caused by the timer being shutdown.
    pub fn is_shutdown(&self) -> bool {
        matches!(self.0, Kind::Shutdown)
    }

    /// Creates an error representing a timer at capacity.
    pub fn at_capacity() -> Error {
        Error(Kind::AtCapacity)
    }

    /// Returns `true` if the error was caused by the timer being at capacity.
    pub fn is_at_capacity(&self) -> bool {
        matches!(self.0, Kind::AtCapacity)
    }

    /// Creates an error representing a misconfigured timer.
    pub fn invalid() -> Error {
        Error(Kind::Invalid)
    }

    /// Returns `true` if the error was caused by the timer being misconfigured.
    pub fn is_invalid(&self) -> bool {
        matches!(self.0, Kind::Invalid)
    }
}

impl error::Error for Error {}

impl fmt::Display for Error {
    fn fmt(&self, fmt: &mut fmt::Formatter<'_>) -> fmt::Result {
        let descr = match self.0 {
            Kind::Shutdown => {
                "the timer is shutdown, must be called from the context of rt runtime"
            }
            Kind::AtCapacity => "timer is at capacity and cannot create a new entry",
            Kind::Invalid => "timer duration exceeds maximum duration",
        };
        write!(fmt, "{descr}")
    }
}

/// Errors returned by [`Timeout`](crate::Timeout): the deadline elapsed
/// before the future completed.
///
/// # Examples
///
/// ```
/// use std::time::Duration;
/// use rt_timer::error::Elapsed;
///
/// # futures::executor::block_on(async {
/// let err: Elapsed = rt_timer::timeout(Duration::from_millis(1), std::future::pending::<()>())
///     .await
///     .unwrap_err();
/// assert_eq!(err.to_string(), "deadline has elapsed");
/// let io: std::io::Error = err.into();
/// assert_eq!(io.kind(), std::io::ErrorKind::TimedOut);
/// # });
/// ```
#[derive(Debug, PartialEq, Eq)]
pub struct Elapsed(());

impl Elapsed {
    pub(crate) fn new() -> Self {
        Elapsed(())
    }
}

impl fmt::Display for Elapsed {
    fn fmt(&self, fmt: &mut fmt::Formatter<'_>) -> fmt::Result {
        "deadline has elapsed".fmt(fmt)
    }
}

impl error::Error for Elapsed {}

impl From<Elapsed> for io::Error {
    fn from(_err: Elapsed) -> io::Error {
        io::ErrorKind::TimedOut.into()
    }
}

#[cfg(all(test, not(rt_loom)))]
mod tests {
    use super::*;

    #[test]
    fn kinds() {
        assert!(Error::shutdown().is_shutdown());
        assert!(Error::at_capacity().is_at_capacity());
        assert!(Error::invalid().is_invalid());
        assert!(!Error::shutdown().is_invalid());
        assert!(Error::shutdown().to_string().contains("shutdown"));
    }
}
