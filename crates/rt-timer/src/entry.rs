//! The intrusive timer entry that every `Sleep` embeds, and the protocol
//! between the entry's owner and the driver that fires it.
//!
//! # Protocol
//!
//! An entry has three parts, each guarded differently:
//!
//! * `links` (list pointers, the slot it sits in, its tick): only touched by
//!   the shard's wheel, with the shard lock held;
//! * `state` (see [`crate::state`]): an atomic word, written under the locks
//!   named there, read lock-free by the owner as a fast path;
//! * `waker`: the last waker that polled the entry, behind the entry's own
//!   small mutex (never contended by other timers).
//!
//! Firing (driver, shard lock held, entry already unlinked):
//! 1. lock `waker`; 2. store FIRED; 3. take the waker; 4. unlock `waker`;
//! 5. later, with no lock held, wake the taken waker.
//!
//! Polling (owner, entry PENDING):
//! 1. load `state` (fast path: FIRED means done);
//! 2. lock `waker`; 3. re-read `state`: FIRED means done, otherwise store the
//!    waker; 4. unlock.
//!
//! No wake-up is lost: both sides run steps 2-4 under the same mutex, so
//! either the driver fires first (the owner's re-read sees FIRED) or the
//! owner stores its waker first (the driver takes and wakes it).
//!
//! Freeing: the owner (the `Sleep`'s `Drop`) must know that no driver still
//! touches the entry. While the entry is PENDING the driver reaches it only
//! through the wheel, with the shard lock held, so the owner takes the shard
//! lock and unlinks it. Once it is FIRED or SHUTDOWN the entry is in no list,
//! and the driver's last access is the unlock of step 4: the owner locks and
//! unlocks `waker` once, after which the driver is done with it. An IDLE entry
//! was never linked (or the owner itself unlinked it under the shard lock).

use std::marker::PhantomPinned;
use std::ptr::NonNull;
use std::task::Waker;

use crate::loom::cell::UnsafeCell;
use crate::loom::lock;
use crate::loom::sync::Mutex;
use crate::state::{EntryState, State};

/// Where an entry currently is. Part of [`Links`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Location {
    /// In no list.
    Unlinked,
    /// In the wheel's list of entries that are due and about to fire.
    Pending,
    /// In a slot of a level.
    Slot {
        /// The level (0 = millisecond slots).
        level: u8,
        /// The slot within the level.
        slot: u8,
    },
}

/// The wheel's bookkeeping for one entry (shard lock held).
#[derive(Debug)]
pub(crate) struct Links {
    pub(crate) prev: Option<NonNull<Entry>>,
    pub(crate) next: Option<NonNull<Entry>>,
    /// The tick the entry is filed under (after capping).
    pub(crate) when: u64,
    pub(crate) location: Location,
}

/// One timer entry. It lives inside its `Sleep`, which is `!Unpin`: once the
/// entry has been linked into a wheel it is never moved, and `Sleep::drop`
/// unlinks it before the memory goes away.
#[derive(Debug)]
pub(crate) struct Entry {
    pub(crate) links: UnsafeCell<Links>,
    pub(crate) state: EntryState,
    waker: Mutex<Option<Waker>>,
    /// Loom only: touched by the driver as its last access and by `Drop`,
    /// so a model flags an owner that frees the entry before the driver is
    /// done with it.
    #[cfg(rt_loom)]
    liveness: UnsafeCell<()>,
    _pin: PhantomPinned,
}

// SAFETY: the raw pointers in `links` are only read or written with the lock
// of the shard whose wheel holds the entry, which serializes every access;
// `state` is atomic and `waker` is behind a mutex.
unsafe impl Send for Entry {}
// SAFETY: as for `Send`: shared access never touches `links` without the
// shard lock.
unsafe impl Sync for Entry {}

impl Entry {
    /// A new idle entry, in no list.
    #[inline]
    pub(crate) fn new() -> Entry {
        Entry {
            links: UnsafeCell::new(Links {
                prev: None,
                next: None,
                when: 0,
                location: Location::Unlinked,
            }),
            state: EntryState::new(),
            waker: Mutex::new(None),
            #[cfg(rt_loom)]
            liveness: UnsafeCell::new(()),
            _pin: PhantomPinned,
        }
    }

    /// Owner: stores `waker` to be woken when the entry fires, unless it
    /// already has. Returns the state seen under the waker lock.
    pub(crate) fn register_waker(&self, waker: &Waker) -> State {
        let mut slot = lock(&self.waker);
        let state = self.state.load();
        if state == State::Pending {
            match &*slot {
                Some(w) if w.will_wake(waker) => {}
                _ => *slot = Some(waker.clone()),
            }
        }
        state
    }

    /// Driver: completes an entry that has just been unlinked (shard lock
    /// held) and returns the waker to wake once the locks are released.
    pub(crate) fn complete(&self, shutdown: bool) -> Option<Waker> {
        let mut slot = lock(&self.waker);
        if shutdown {
            self.state.set_shutdown();
        } else {
            self.state.set_fired();
        }
        let waker = slot.take();
        #[cfg(rt_loom)]
        self.liveness.with(|_| ());
        drop(slot);
        waker
    }

    /// Owner, after seeing FIRED or SHUTDOWN: waits until the driver that
    /// completed the entry has released it (see the module docs).
    pub(crate) fn sync_with_completer(&self) {
        drop(lock(&self.waker));
    }

    /// Owner: moves a completed (hence unlinked) entry back to IDLE.
    pub(crate) fn completed_to_idle(&self) {
        let _slot = lock(&self.waker);
        self.state.set_idle();
    }
}

#[cfg(rt_loom)]
impl Drop for Entry {
    fn drop(&mut self) {
        // A write access that loom checks against every earlier access by
        // other threads: they must all happen before the entry goes away.
        self.liveness.with_mut(|_| ());
        self.links.with_mut(|_| ());
    }
}
