use std::any::Any;
use std::fmt;
use std::io;

use super::Id;

/// Task failed to execute to completion: it was cancelled or it panicked.
pub struct JoinError {
    repr: Repr,
    id: Id,
}

enum Repr {
    Cancelled,
    Panic(SyncWrapper),
}

/// Holds the panic payload. The payload is `Send` but not `Sync`; it is
/// only ever reached through `&mut self` or by value, so sharing a
/// `&JoinError` never exposes it.
struct SyncWrapper(Box<dyn Any + Send + 'static>);

// SAFETY: the payload is only accessed by value (`into_panic`) or through
// `&mut` (never through `&self`), so a shared `&JoinError` cannot be used to
// touch it from two threads at once.
unsafe impl Sync for SyncWrapper {}

impl JoinError {
    /// A cancellation error for task `id`.
    pub fn cancelled(id: Id) -> JoinError {
        JoinError {
            repr: Repr::Cancelled,
            id,
        }
    }

    /// A panic error for task `id` carrying the panic payload.
    pub fn panic(id: Id, payload: Box<dyn Any + Send + 'static>) -> JoinError {
        JoinError {
            repr: Repr::Panic(SyncWrapper(payload)),
            id,
        }
    }

    /// Returns true if the error was caused by the task being cancelled.
    pub fn is_cancelled(&self) -> bool {
        matches!(self.repr, Repr::Cancelled)
    }

    /// Returns true if the error was caused by the task panicking.
    pub fn is_panic(&self) -> bool {
        matches!(self.repr, Repr::Panic(_))
    }

    /// Consumes the join error, returning the object with which the task
    /// panicked.
    ///
    /// # Panics
    ///
    /// Panics if the error does not represent a panic.
    #[track_caller]
    pub fn into_panic(self) -> Box<dyn Any + Send + 'static> {
        self.try_into_panic()
            .expect("`JoinError` reason is not a panic.")
    }

    /// Consumes the join error, returning the object with which the task
    /// panicked if the task terminated due to a panic. Otherwise, `self` is
    /// returned.
    pub fn try_into_panic(self) -> Result<Box<dyn Any + Send + 'static>, JoinError> {
        match self.repr {
            Repr::Panic(p) => Ok(p.0),
            _ => Err(self),
        }
    }

    /// Returns the [`Id`] of the task that failed.
    pub fn id(&self) -> Id {
        self.id
    }
}

fn panic_message(payload: &(dyn Any + Send)) -> Option<&str> {
    if let Some(s) = payload.downcast_ref::<&'static str>() {
        Some(s)
    } else {
        payload.downcast_ref::<String>().map(String::as_str)
    }
}

impl fmt::Display for JoinError {
    fn fmt(&self, fmt: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.repr {
            Repr::Cancelled => write!(fmt, "task {} was cancelled", self.id),
            Repr::Panic(p) => match panic_message(&*p.0) {
                Some(msg) => write!(fmt, "task {} panicked with message {:?}", self.id, msg),
                None => write!(fmt, "task {} panicked", self.id),
            },
        }
    }
}

impl fmt::Debug for JoinError {
    fn fmt(&self, fmt: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.repr {
            Repr::Cancelled => write!(fmt, "JoinError::Cancelled({:?})", self.id),
            Repr::Panic(p) => match panic_message(&*p.0) {
                Some(msg) => write!(fmt, "JoinError::Panic({:?}, {:?}, ...)", self.id, msg),
                None => write!(fmt, "JoinError::Panic({:?}, ...)", self.id),
            },
        }
    }
}

impl std::error::Error for JoinError {}

impl From<JoinError> for io::Error {
    fn from(src: JoinError) -> io::Error {
        io::Error::other(match src.repr {
            Repr::Cancelled => "task was cancelled",
            Repr::Panic(_) => "task panicked",
        })
    }
}
