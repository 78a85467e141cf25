//! The state word of a timer entry (safe code only).
//!
//! An entry is always in exactly one of four states, held in one atomic word
//! so that its owner (the `Sleep`) can check "has it fired?" without a lock:
//!
//! ```text
//!            register (shard lock)             fire (shard lock + waker lock)
//!   IDLE ───────────────────────────► PENDING ─────────────────────────────► FIRED
//!    ▲  ◄──────────────────────────── │  ▲ │                                   │
//!    │   unregister (shard lock)      │  │ └─ shutdown drain ──► SHUTDOWN     │
//!    │                                │  └─────── re-register (shard lock) ──┘
//!    └──────── set idle (waker lock, entry unlinked) ◄────────────────────────┘
//! ```
//!
//! Who writes what:
//! * the owner moves IDLE/FIRED → PENDING and PENDING → IDLE with the shard
//!   lock held (the entry's links change at the same time);
//! * the driver moves PENDING → FIRED or SHUTDOWN with the shard lock AND the
//!   entry's waker lock held, after unlinking the entry;
//! * the owner moves FIRED → IDLE with the waker lock held (the entry is then
//!   in no list, so no other thread can reach it).
//!
//! Readers: the owner loads the word with `Acquire` (lock-free fast path of
//! `poll`, `is_elapsed`, `Drop`); every decision that needs more than a hint is
//! re-checked under the lock that guards the transition.

use crate::loom::sync::atomic::{AtomicUsize, Ordering};

/// Not in any wheel and not fired: the `Sleep` has not been polled since it
/// was created or lazily reset.
pub(crate) const IDLE: usize = 0;
/// Linked into a shard's wheel, waiting for its deadline.
pub(crate) const PENDING: usize = 1;
/// The deadline passed and the driver fired the entry (it is unlinked).
pub(crate) const FIRED: usize = 2;
/// The driver shut down while the entry was registered (it is unlinked).
pub(crate) const SHUTDOWN: usize = 3;

/// What an observer sees in the state word.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum State {
    /// See [`IDLE`].
    Idle,
    /// See [`PENDING`].
    Pending,
    /// See [`FIRED`].
    Fired,
    /// See [`SHUTDOWN`].
    Shutdown,
}

/// The atomic state word of one entry.
#[derive(Debug)]
pub(crate) struct EntryState(AtomicUsize);

impl EntryState {
    /// A new, idle entry.
    pub(crate) fn new() -> EntryState {
        EntryState(AtomicUsize::new(IDLE))
    }

    /// Reads the state; `Acquire` pairs with the `Release` of every
    /// transition, so the reader also sees what was written before it.
    #[must_use]
    #[inline]
    pub(crate) fn load(&self) -> State {
        decode(self.0.load(Ordering::Acquire))
    }

    /// The entry was linked into a wheel (shard lock held).
    pub(crate) fn set_pending(&self) {
        self.0.store(PENDING, Ordering::Release);
    }

    /// The entry completed: fired, or its deadline had already passed when
    /// it was registered. Called with the entry's waker lock held.
    pub(crate) fn set_fired(&self) {
        self.0.store(FIRED, Ordering::Release);
    }

    /// The driver shut down (waker lock held).
    pub(crate) fn set_shutdown(&self) {
        self.0.store(SHUTDOWN, Ordering::Release);
    }

    /// The entry is in no list and will be registered again on next poll.
    pub(crate) fn set_idle(&self) {
        self.0.store(IDLE, Ordering::Release);
    }
}

#[inline]
fn decode(v: usize) -> State {
    match v {
        IDLE => State::Idle,
        PENDING => State::Pending,
        FIRED => State::Fired,
        SHUTDOWN => State::Shutdown,
        other => unreachable!("invalid timer entry state {other}"),
    }
}
