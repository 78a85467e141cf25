//! A single waker slot that one consumer registers in and any thread wakes.
//!
//! Protocol (`state` is a bit set; `HAS_WAKER` says a waker is stored):
//!
//! 1. `register`: CAS `IDLE | HAS_WAKER? -> REGISTERING`. On success the
//!    registering thread owns the slot, stores its waker, then CASes
//!    `REGISTERING -> HAS_WAKER`. If that CAS fails, a `wake` arrived
//!    meanwhile (state is `REGISTERING | WAKING`): the waker it could not take
//!    is taken back and woken right here, and the state reset to `IDLE`.
//!    If the first CAS fails because a `wake` is in progress (`WAKING`), the
//!    event may be newer than what the caller checked: wake the caller's
//!    task directly.
//! 2. `wake`: `fetch_or(WAKING)`. If neither `REGISTERING` nor `WAKING` was
//!    set, the waking thread owns the slot: it takes the waker, clears
//!    `WAKING | HAS_WAKER` and wakes the task. Otherwise a registration
//!    (which will see `WAKING` in its final CAS) or another wake is
//!    responsible.
//!
//! Every state access is `SeqCst`.
//!
//! Why no wake-up is lost: the event producer publishes its event, then
//! does the RMW of step 2; the consumer registers (RMWs of step 1), then
//! re-checks the event. All of these RMWs hit `state`, so they are totally
//! ordered: if the producer's RMW comes last it finds the new waker; if it
//! comes first, the consumer's RMW reads from it and so sees the event in
//! its re-check; if it lands in between, step 1 wakes the task.
//!
//! 3. `wake_if_registered` (the hot mpsc send path) first *loads* the state
//!    and skips step 2 when it is `IDLE` (no waker, no registration under
//!    way), saving two RMWs per message while the receiver is busy. This is
//!    sound only when the event was published by a `SeqCst` RMW and the
//!    consumer re-checks it with `SeqCst` loads: the producer's RMW and
//!    load and the consumer's step-1 RMWs and re-check then sit in one
//!    total order, so either the load sees the registration, or the re-check
//!    comes after the event and sees it. (Loom does not model `SeqCst`
//!    accesses, only fences: under loom both sides add a `SeqCst` fence,
//!    the equivalent fence-based form of the same argument.)

use std::task::Waker;

use crate::loom::cell::UnsafeCell;
use crate::loom::sync::atomic::{AtomicUsize, Ordering::*};

const IDLE: usize = 0;
const REGISTERING: usize = 0b001;
const WAKING: usize = 0b010;
const HAS_WAKER: usize = 0b100;

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
        let mut cur = self.state.load(SeqCst);
        loop {
            if cur & (REGISTERING | WAKING) != 0 {
                break;
            }
            match self
                .state
                .compare_exchange(cur, REGISTERING, SeqCst, SeqCst)
            {
                Ok(_) => {
                    self.register_owned(waker);
                    fence_for_loom();
                    return;
                }
                Err(actual) => cur = actual,
            }
        }
        if cur & WAKING != 0 {
            // A wake is in flight: it may be for an event newer than the
            // caller's check. Make the task poll again (it may spin
            // briefly until the waking thread is done).
            crate::loom::spin_hint();
        }
        // Otherwise a concurrent registration, which does not happen: the
        // slot has one consumer. Treat it as a wake to stay safe.
        waker.wake_by_ref();
    }

    /// Step 1 once the slot is owned (`REGISTERING` set by us).
    fn register_owned(&self, waker: &Waker) {
        // SAFETY: the REGISTERING bit gives this thread exclusive access to
        // the slot until it is cleared.
        let old = unsafe {
            self.waker.with_mut(|w| match &*w {
                Some(old) if old.will_wake(waker) => None,
                _ => (*w).replace(waker.clone()),
            })
        };
        match self
            .state
            .compare_exchange(REGISTERING, HAS_WAKER, SeqCst, SeqCst)
        {
            Ok(_) => drop(old),
            Err(actual) => {
                // A wake arrived while we were registering.
                debug_assert_eq!(actual, REGISTERING | WAKING);
                // SAFETY: we still own the slot: waking threads back off
                // while REGISTERING is set.
                let w = unsafe { self.waker.with_mut(|w| (*w).take()) };
                self.state.swap(IDLE, SeqCst);
                drop(old);
                if let Some(w) = w {
                    w.wake();
                }
            }
        }
    }

    /// Takes the registered waker, if the slot is free.
    pub(crate) fn take(&self) -> Option<Waker> {
        let prev = self.state.fetch_or(WAKING, SeqCst);
        if prev & (REGISTERING | WAKING) != 0 {
            return None;
        }
        // SAFETY: the WAKING bit, set by us on a free slot, gives exclusive
        // access until it is cleared.
        let w = unsafe { self.waker.with_mut(|w| (*w).take()) };
        self.state.fetch_and(!(WAKING | HAS_WAKER), SeqCst);
        w
    }

    /// Wakes the registered task, if any.
    #[inline]
    pub(crate) fn wake(&self) {
        if let Some(w) = self.take() {
            w.wake();
        }
    }

    /// [`AtomicWaker::wake`], but a mere load when no waker is registered
    /// (protocol step 3).
    ///
    /// The caller published its event with a `SeqCst` RMW, and the consumer
    /// re-checks it with `SeqCst` loads after registering.
    #[inline]
    pub(crate) fn wake_if_registered(&self) {
        fence_for_loom();
        if self.state.load(SeqCst) != IDLE {
            self.wake();
        }
    }
}

/// A `SeqCst` fence under loom (which models `SeqCst` fences but not
/// `SeqCst` accesses), nothing otherwise: see protocol step 3.
#[inline(always)]
fn fence_for_loom() {
    #[cfg(rt_loom)]
    crate::loom::sync::atomic::fence(SeqCst);
}

impl std::fmt::Debug for AtomicWaker {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AtomicWaker").finish_non_exhaustive()
    }
}
