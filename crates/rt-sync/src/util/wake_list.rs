//! A fixed-size batch of wakers, woken after a lock is released.

use std::task::Waker;

const CAPACITY: usize = 32;

/// Up to 32 wakers collected under a lock and woken after it is dropped, so
/// that woken tasks do not immediately contend on the lock we still hold and
/// a waker that re-enters the primitive cannot deadlock.
pub(crate) struct WakeList {
    wakers: [Option<Waker>; CAPACITY],
    len: usize,
}

impl WakeList {
    pub(crate) fn new() -> WakeList {
        WakeList {
            wakers: [const { None }; CAPACITY],
            len: 0,
        }
    }

    /// Whether another waker fits.
    #[inline]
    pub(crate) fn can_push(&self) -> bool {
        self.len < CAPACITY
    }

    /// Adds a waker; the caller checks [`WakeList::can_push`] first.
    #[inline]
    pub(crate) fn push(&mut self, waker: Waker) {
        debug_assert!(self.can_push());
        self.wakers[self.len] = Some(waker);
        self.len += 1;
    }

    /// Wakes (and removes) every collected waker.
    pub(crate) fn wake_all(&mut self) {
        let n = std::mem::take(&mut self.len);
        for slot in &mut self.wakers[..n] {
            if let Some(w) = slot.take() {
                w.wake();
            }
        }
    }
}
