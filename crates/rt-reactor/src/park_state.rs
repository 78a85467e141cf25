//! Whether the driver is blocked in `epoll_wait`, so that an unpark only
//! writes to the driver's eventfd when that write is needed.
//!
//! # Protocol
//!
//! One atomic word with three values:
//!
//! ```text
//!            before_park (blocking turn)        unpark
//!   IDLE ───────────────────────────► PARKED ──────────► NOTIFIED (+ eventfd write)
//!    ▲  ◄──────── after_park ─────────┘                     │
//!    │                                                       │
//!    └───────────────── after_park ─────────────────────────┘
//!   IDLE ── unpark ──► NOTIFIED (no write: the driver is not blocked)
//!   NOTIFIED ── before_park ──► (stays) poll with a zero timeout
//! ```
//!
//! * **unpark** swaps in `NOTIFIED`; only if the old value was `PARKED` is
//!   the driver blocked (or about to block) in `epoll_wait`, and only then
//!   does the caller write to the eventfd.
//! * **before_park** (a turn that may block) moves `IDLE` to `PARKED`. If
//!   it finds `NOTIFIED`, an unpark arrived since the last turn: the turn
//!   must not block, so it polls with a zero timeout.
//! * **after_park** (every turn, once the poll returned, and again once the
//!   turn's wakers ran) swaps in `IDLE`, consuming any notification: the
//!   turn returns to the scheduler, which looks at its queues again (every
//!   scheduler re-checks after any return from a park, since parks may
//!   return spuriously). The swap (AcqRel) synchronises with the
//!   unparker's swap, so what the unparker wrote before unparking is
//!   visible to the scheduler afterwards.
//!
//! # Why no wake-up is lost
//!
//! An unpark either comes before the driver's `IDLE → PARKED` exchange
//! (then that exchange fails and the turn does not block) or after it
//! (then it sees `PARKED` and writes to the eventfd, which makes the
//! blocked or about-to-block `epoll_wait` return). An unpark while the
//! driver is not parked (e.g. a task woken by the driver's own event
//! dispatch, on the driver's thread) costs one atomic swap and no system
//! call. The loom model at the bottom checks this.

use crate::loom::sync::atomic::{AtomicUsize, Ordering};

/// The driver is not blocked and no unpark is pending.
const IDLE: usize = 0;
/// The driver is blocked in (or about to enter) a blocking poll.
const PARKED: usize = 1;
/// An unpark arrived that the driver has not consumed yet.
const NOTIFIED: usize = 2;

/// What an unparker must do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[must_use]
pub(crate) enum Unpark {
    /// The driver is blocked: write to its eventfd.
    WakeDriver,
    /// The driver is not blocked; it will not block before it returns to
    /// its scheduler.
    Done,
}

/// How a turn that may block must poll.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[must_use]
pub(crate) enum BeforePark {
    /// Block for the requested time.
    Block,
    /// An unpark is pending: poll without blocking.
    DontBlock,
}

/// The driver's park state.
#[derive(Debug)]
pub(crate) struct ParkState {
    state: AtomicUsize,
}

impl ParkState {
    pub(crate) fn new() -> ParkState {
        ParkState {
            state: AtomicUsize::new(IDLE),
        }
    }

    /// Called by any thread that wants the driver to return from its turn.
    pub(crate) fn unpark(&self) -> Unpark {
        // Always a swap, even if a notification is pending: a load alone
        // would not order this thread's writes before the driver's
        // `after_park`.
        match self.state.swap(NOTIFIED, Ordering::AcqRel) {
            PARKED => Unpark::WakeDriver,
            _ => Unpark::Done,
        }
    }

    /// Called by the driver before a turn that may block.
    pub(crate) fn before_park(&self) -> BeforePark {
        match self
            .state
            .compare_exchange(IDLE, PARKED, Ordering::AcqRel, Ordering::Acquire)
        {
            Ok(_) => BeforePark::Block,
            Err(_) => BeforePark::DontBlock,
        }
    }

    /// Called by the driver after every poll (blocking or not).
    pub(crate) fn after_park(&self) {
        self.state.swap(IDLE, Ordering::AcqRel);
    }
}

/// Loom model of the protocol (run by `cargo xtask loom`).
#[cfg(all(test, rt_loom))]
mod loom_tests {
    use super::*;
    use loom::sync::atomic::AtomicBool;
    use loom::sync::Arc;
    use loom::thread;

    /// A blocking turn is always ended by an eventfd write, or does not
    /// block at all; and what the unparker wrote before unparking is seen
    /// by the driver's thread once the turn is over.
    #[test]
    fn loom_unpark_vs_park_no_lost_wakeup() {
        loom::model(|| {
            let state = Arc::new(ParkState::new());
            let eventfd = Arc::new(AtomicBool::new(false));
            let work = Arc::new(AtomicBool::new(false));
            let unparker = {
                let (state, eventfd, work) = (state.clone(), eventfd.clone(), work.clone());
                thread::spawn(move || {
                    work.store(true, Ordering::Relaxed);
                    if state.unpark() == Unpark::WakeDriver {
                        eventfd.store(true, Ordering::Release);
                    }
                })
            };
            // The scheduler found no work and parks.
            let saw_work = work.load(Ordering::Relaxed);
            let blocked = state.before_park() == BeforePark::Block;
            // A blocking poll returns only once the eventfd is written (the
            // model joins first, then checks that the write happened).
            unparker.join().unwrap();
            if blocked {
                assert!(eventfd.load(Ordering::Acquire), "wake-up lost");
            }
            state.after_park();
            // After the turn the scheduler looks again: the work is there.
            assert!(saw_work || work.load(Ordering::Relaxed));
            // The notification was consumed: the next turn may block.
            assert_eq!(state.before_park(), BeforePark::Block);
        });
    }
}
