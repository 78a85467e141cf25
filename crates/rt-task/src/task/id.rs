use std::fmt;
use std::num::NonZeroU64;

/// An opaque ID that uniquely identifies a task relative to all other
/// currently running tasks.
///
/// IDs are unique among live tasks; a very long-running process could in
/// principle see an ID again after 2^64 spawns.
#[derive(Clone, Copy, Debug, Hash, Eq, PartialEq, Ord, PartialOrd)]
pub struct Id(NonZeroU64);

impl Id {
    /// Allocates a fresh id.
    pub fn next() -> Id {
        use std::sync::atomic::{AtomicU64, Ordering};
        static NEXT: AtomicU64 = AtomicU64::new(1);
        let n = NEXT.fetch_add(1, Ordering::Relaxed);
        Id(NonZeroU64::new(n).expect("task id counter wrapped"))
    }

    /// The id as a number (stable within the process).
    pub fn as_u64(self) -> u64 {
        self.0.get()
    }
}

impl fmt::Display for Id {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

/// Returns the [`Id`] of the currently running task.
///
/// # Panics
///
/// Panics if called from outside a task. Use [`try_id`] for a version that
/// does not panic.
#[track_caller]
pub fn id() -> Id {
    try_id().expect("can't get a task id when not inside a task")
}

/// Returns the [`Id`] of the currently running task, or `None` if called
/// outside of a task.
pub fn try_id() -> Option<Id> {
    crate::context::current_task_id()
}
