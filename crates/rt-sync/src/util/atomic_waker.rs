//! A single waker slot that one consumer registers in and any thread wakes.
//!
//! Protocol (`state` is a bit set):
//!
//! 1. `register`: CAS `IDLE -> REGISTERING` (`Acquire`). On success the
//!    registering thread owns the slot, stores its waker, then CASes
//!    `REGISTERING -> IDLE` (`AcqRel`). If that CAS fails, a `wake` arrived
//!    meanwhile (state is `REGISTERING | WAKING`): the waker it could not take
//!    is taken back and woken right here, and the state reset to `IDLE`.
//!    If the first CAS fails because a `wake` is in progress (`WAKING`), the
//!    event may be newer than what the caller checked: wake the caller's
//!    task directly.
//! 2. `wake`: `fetch_or(WAKING)` (`AcqRel`). If the previous state was `IDLE`
//!    the waking thread owns the slot: it takes the waker, clears `WAKING`
//!    (`Release`) and wakes the task. Otherwise a registration (which will
//!    see `WAKING` in its final CAS) or another wake is responsible.
//!
//! Why no wake-up is lost: the event producer publishes its event, then
//! does the RMW of step 2; the consumer registers (RMWs of step 1), then
//! re-checks the event. All of these RMWs hit `state`, so they are totally
//! ordered: if the producer's RMW comes last it finds the new waker; if it
//! comes first, the consumer's `Acquire` RMW reads from it and so sees the
//! event in its re-check; if it lands in between, step 1 wakes the task.

use std::task::Waker;

use crate::loom::cell::UnsafeCell;
use crate::loom::sync::atomic::{AtomicUsize, Ordering::*};

const IDLE: usize = 0;
const REGISTERING: usize = 0b01;
const WAKING: usize = 0b10;

pub(crate) struct AtomicWaker {
    state: AtomicUsize,
    waker: UnsafeCell<Option<Waker>>,
}

// SAFETY: the waker cell is only accessed by the thread that owns the slot
// through the `state` protocol above; `Waker` is `Send + Sync`.
unsafe impl Send for AtomicWaker {}
// SAFETY: as above.
unsafe impl Sync for AtomicWaker {}

impl AtomicWaker {
    #[cfg(not(rt_loom))]
    pub(crate) const fn new() -> AtomicWaker {
        AtomicWaker {
            state: AtomicUsize::new(IDLE),
            waker: UnsafeCell::new(None),
        }
    }

    #[cfg(rt_loom)]
    pub(crate) fn new() -> AtomicWaker {
        AtomicWaker {
            state: AtomicUsize::new(IDLE),
            waker: UnsafeCell::new(None),
        }
    }

    /// Registers `waker` to be woken by the next [`AtomicWaker::wake`].
    pub(crate) fn register_by_ref(&self, waker: &Waker) {
        match self
            .state
            .compare_exchange(IDLE, REGISTERING, Acquire, Acquire)
        {
            Ok(_) => {
                // SAFETY: the REGISTERING bit gives this thread exclusive
                // access to the slot until it is cleared.
                let old = unsafe {
                    self.waker.with_mut(|w| match &*w {
                        Some(old) if old.will_wake(waker) => None,
                        _ => (*w).replace(waker.clone()),
                    })
                };
                match self
                    .state
                    .compare_exchange(REGISTERING, IDLE, AcqRel, Acquire)
                {
                    Ok(_) => drop(old),
                    Err(actual) => {
                        // A wake arrived while we were registering.
                        debug_assert_eq!(actual, REGISTERING | WAKING);
                        // SAFETY: we still own the slot: waking threads back
                        // off while REGISTERING is set.
                        let w = unsafe { self.waker.with_mut(|w| (*w).take()) };
                        self.state.swap(IDLE, AcqRel);
                        drop(old);
                        if let Some(w) = w {
                            w.wake();
                        }
                    }
                }
            }
            Err(WAKING) => {
                // A wake is in flight: it may be for an event newer than the
                // caller's check. Make the task poll again (it may spin
                // briefly until the waking thread is done).
                crate::loom::spin_hint();
                waker.wake_by_ref();
            }
            Err(_) => {
                // Concurrent registrations do not happen: the slot has one
                // consumer. Treat it as a wake to stay safe.
                waker.wake_by_ref();
            }
        }
    }

    /// Takes the registered waker, if the slot is free.
    pub(crate) fn take(&self) -> Option<Waker> {
        match self.state.fetch_or(WAKING, AcqRel) {
            IDLE => {
                // SAFETY: the WAKING bit, set by us on an idle slot, gives
                // exclusive access until it is cleared.
                let w = unsafe { self.waker.with_mut(|w| (*w).take()) };
                self.state.fetch_and(!WAKING, Release);
                w
            }
            _ => None,
        }
    }

    /// Wakes the registered task, if any.
    #[inline]
    pub(crate) fn wake(&self) {
        if let Some(w) = self.take() {
            w.wake();
        }
    }
}

impl std::fmt::Debug for AtomicWaker {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AtomicWaker").finish_non_exhaustive()
    }
}
