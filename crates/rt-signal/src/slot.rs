//! `Slot`: the per-signal state shared by the signal handler, the
//! dispatchers that drain the self-pipe, and the `Signal` listeners.
//!
//! # State
//!
//! ```text
//! pending: AtomicBool          set by the handler, taken by a dispatcher
//! version: AtomicUsize         deliveries dispatched so far (wrapping)
//! waiters: Mutex<Slab<Option<Waker>>>   one entry per listener
//! ```
//!
//! A listener remembers the `version` it last saw (`seen`); it has a
//! notification when `version != seen`.
//!
//! # Protocol
//!
//! 1. **Handler** (signal context, [`Slot::record`]): set `pending =
//!    true`, *then* write one byte to the self-pipe (`globals.rs`). Only an
//!    atomic swap and `write(2)`: both async-signal-safe. A full pipe
//!    (`EAGAIN`) is fine: unread bytes already make it readable.
//! 2. **Dispatch** (a dispatcher woken by the pipe's readiness,
//!    `globals.rs`): read the pipe until it would block (which re-arms the
//!    readiness), *then* for every slot [`Slot::take_pending`] (swap
//!    `pending` to false) and, if it was set, [`Slot::notify`]: increment
//!    `version`, then lock `waiters`, take every stored waker, unlock, wake
//!    them.
//! 3. **Listen** ([`Slot::poll`]): load `version`; if it differs from
//!    `seen`, adopt it and report a notification. Otherwise lock `waiters`,
//!    load `version` *again*, and only if it is still `seen` store the
//!    task's waker (replacing the old one) and return `Pending`.
//! 4. **Subscribe** ([`Slot::subscribe`]): insert an empty waiter entry
//!    and start from the current `version` (earlier deliveries are not
//!    seen, as in Tokio). **Unsubscribe** removes the entry.
//!
//! # Why no delivery is lost
//!
//! *Handler → dispatcher.* The dispatcher takes `pending` only after the
//! pipe is drained. If its drain consumed the handler's byte, the byte was
//! written after `pending` was stored, so the later swap sees it. If the
//! drain did not consume that byte, the byte is still in the pipe: the
//! pipe stays (or becomes again) readable, so a dispatcher runs once more
//! and finds `pending` then (or finds it already taken by this round, which
//! is a harmless empty round). Taking `pending` before draining would be
//! wrong: a signal between the swap and the drain would leave `pending`
//! set with an empty pipe, and nobody would look until the next signal.
//!
//! *Dispatcher → listener.* A listener parks its waker only under the lock
//! and only after re-reading `version` under it; the dispatcher increments
//! `version` before taking the same lock. So either the dispatcher's lock
//! comes after the listener's unlock (it sees and wakes the waker), or it
//! comes before the listener's lock (its increment happens-before the
//! listener's second load, which then reports the notification).
//!
//! *Coalescing.* Signals are not queued: any number of deliveries that
//! reach the handler before a dispatcher takes `pending` become one
//! notification, and any number of notifications that a listener does not
//! observe in between become one `recv`. A listener is still guaranteed at
//! least one notification after every delivery that happened after it
//! subscribed, which is Tokio's contract.
//!
//! The loom model at the bottom checks steps 1 to 3 with the pipe modelled
//! as a byte counter, including the "another round while bytes remain"
//! rule.

use std::task::{Context, Poll, Waker};

use slab::Slab;

use crate::loom::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use crate::loom::sync::{Mutex, MutexGuard};

/// The state of one signal number.
#[derive(Debug)]
pub(crate) struct Slot {
    pending: AtomicBool,
    version: AtomicUsize,
    waiters: Mutex<Slab<Option<Waker>>>,
}

/// One listener's view of a [`Slot`].
#[derive(Debug)]
pub(crate) struct Listener {
    key: usize,
    seen: usize,
}

impl Slot {
    pub(crate) fn new() -> Slot {
        Slot {
            pending: AtomicBool::new(false),
            version: AtomicUsize::new(0),
            waiters: Mutex::new(Slab::new()),
        }
    }

    fn lock(&self) -> MutexGuard<'_, Slab<Option<Waker>>> {
        // Only wakers move in and out under the lock; a panic while it is
        // held cannot leave the slab inconsistent.
        self.waiters.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Step 1 (signal handler): a delivery happened. Async-signal-safe.
    ///
    /// A swap rather than a plain store: both are lock-free (so fine in a
    /// signal handler), and loom 0.7 models a plain store racing a swap in
    /// another thread too weakly (it lets a later swap miss it), while an
    /// RMW on both sides is modelled exactly.
    pub(crate) fn record(&self) {
        self.pending.swap(true, Ordering::SeqCst);
    }

    /// Step 2: takes the pending flag. Call only after draining the pipe.
    pub(crate) fn take_pending(&self) -> bool {
        self.pending.swap(false, Ordering::SeqCst)
    }

    /// Step 2: publishes one notification and wakes every parked listener.
    pub(crate) fn notify(&self) {
        self.version.fetch_add(1, Ordering::SeqCst);
        self.wake_all();
    }

    /// Wakes every parked listener without a new notification (they re-poll
    /// and observe whatever changed, e.g. their dispatcher died).
    pub(crate) fn wake_all(&self) {
        let wakers: Vec<Waker> = {
            let mut waiters = self.lock();
            waiters.iter_mut().filter_map(|(_, w)| w.take()).collect()
        };
        for w in wakers {
            w.wake();
        }
    }

    /// Step 4: a new listener, which sees only later notifications.
    pub(crate) fn subscribe(&self) -> Listener {
        let mut waiters = self.lock();
        let key = waiters.insert(None);
        let seen = self.version.load(Ordering::SeqCst);
        Listener { key, seen }
    }

    /// Step 4: removes a listener's entry (and its waker).
    pub(crate) fn unsubscribe(&self, listener: &Listener) {
        let removed = {
            let mut waiters = self.lock();
            waiters.try_remove(listener.key)
        };
        // Dropped unlocked: a waker's destructor may run arbitrary code.
        drop(removed);
    }

    /// Step 3: whether a notification arrived since the listener last saw
    /// one; if not, parks `cx`'s waker.
    pub(crate) fn poll(&self, listener: &mut Listener, cx: &mut Context<'_>) -> Poll<()> {
        let v = self.version.load(Ordering::SeqCst);
        if v != listener.seen {
            listener.seen = v;
            return Poll::Ready(());
        }
        let mut waiters = self.lock();
        let v = self.version.load(Ordering::SeqCst);
        if v != listener.seen {
            listener.seen = v;
            return Poll::Ready(());
        }
        let slot = waiters
            .get_mut(listener.key)
            .expect("rt-signal: a listener's waiter entry is missing");
        match slot {
            Some(w) if w.will_wake(cx.waker()) => {}
            _ => *slot = Some(cx.waker().clone()),
        }
        Poll::Pending
    }

    /// Number of listeners (tests).
    #[cfg(all(test, not(rt_loom)))]
    pub(crate) fn num_listeners(&self) -> usize {
        self.lock().len()
    }
}

#[cfg(all(test, not(rt_loom)))]
mod tests {
    use super::*;
    use std::sync::atomic::AtomicUsize as StdAtomic;
    use std::sync::Arc;
    use std::task::Wake;

    struct Count(StdAtomic);
    impl Wake for Count {
        fn wake(self: Arc<Self>) {
            self.0.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        }
    }

    fn dispatch(slot: &Slot) {
        if slot.take_pending() {
            slot.notify();
        }
    }

    #[test]
    fn every_listener_sees_a_delivery_once() {
        let slot = Slot::new();
        let count = Arc::new(Count(StdAtomic::new(0)));
        let waker = Waker::from(count.clone());
        let mut cx = Context::from_waker(&waker);
        let mut ls: Vec<_> = (0..10).map(|_| slot.subscribe()).collect();
        for l in &mut ls {
            assert!(slot.poll(l, &mut cx).is_pending());
        }
        // Two deliveries before the dispatcher runs coalesce.
        slot.record();
        slot.record();
        dispatch(&slot);
        dispatch(&slot); // nothing pending: no second notification
        assert_eq!(count.0.load(std::sync::atomic::Ordering::SeqCst), 10);
        for l in &mut ls {
            assert!(slot.poll(l, &mut cx).is_ready());
            assert!(slot.poll(l, &mut cx).is_pending());
        }
        // A listener that subscribes later does not see earlier deliveries.
        let mut late = slot.subscribe();
        assert!(slot.poll(&mut late, &mut cx).is_pending());
        for l in ls.iter().chain([&late]) {
            slot.unsubscribe(l);
        }
        assert_eq!(slot.num_listeners(), 0);
    }
}

#[cfg(all(test, rt_loom))]
mod loom_tests {
    use super::*;
    use loom::sync::atomic::AtomicBool as LoomBool;
    use loom::sync::atomic::AtomicUsize as LoomUsize;
    use std::sync::Arc as StdArc;
    use std::task::Wake;

    struct Flag(LoomBool);
    impl Wake for Flag {
        fn wake(self: StdArc<Self>) {
            self.0.store(true, Ordering::SeqCst);
        }
    }

    /// The pipe, as a count of unread bytes.
    struct Pipe(LoomUsize);

    /// One dispatcher round: drain, then take pending and notify.
    fn round(slot: &Slot, pipe: &Pipe) {
        pipe.0.swap(0, Ordering::SeqCst);
        if slot.take_pending() {
            slot.notify();
        }
    }

    /// A delivery racing a dispatcher round and a listener parking: the
    /// listener always ends up notified (ready at once, or woken and ready
    /// on its next poll).
    #[test]
    fn loom_delivery_reaches_a_parking_listener() {
        loom::model(|| {
            let shared = loom::sync::Arc::new((Slot::new(), Pipe(LoomUsize::new(0))));
            let mut listener = shared.0.subscribe();

            let handler = {
                let shared = shared.clone();
                loom::thread::spawn(move || {
                    shared.0.record();
                    shared.1 .0.fetch_add(1, Ordering::SeqCst);
                })
            };
            let dispatcher = {
                let shared = shared.clone();
                loom::thread::spawn(move || round(&shared.0, &shared.1))
            };

            let flag = StdArc::new(Flag(LoomBool::new(false)));
            let waker = Waker::from(flag.clone());
            let mut cx = Context::from_waker(&waker);
            let first = shared.0.poll(&mut listener, &mut cx);

            handler.join().unwrap();
            dispatcher.join().unwrap();
            // Bytes left in the pipe keep it readable: the reactor runs
            // another round.
            if shared.1 .0.load(Ordering::SeqCst) > 0 {
                round(&shared.0, &shared.1);
            }

            if first.is_pending() {
                assert!(
                    flag.0.load(Ordering::SeqCst),
                    "listener never woken: version {} seen {} pending {} bytes {}",
                    shared.0.version.load(Ordering::SeqCst),
                    listener.seen,
                    shared.0.pending.load(Ordering::SeqCst),
                    shared.1 .0.load(Ordering::SeqCst)
                );
                assert!(shared.0.poll(&mut listener, &mut cx).is_ready());
            }
            // Exactly one notification for one delivery.
            assert!(shared.0.poll(&mut listener, &mut cx).is_pending());
            shared.0.unsubscribe(&listener);
        });
    }

    /// Two listeners parking while a round notifies: both are notified.
    #[test]
    fn loom_every_listener_is_notified() {
        loom::model(|| {
            let slot = loom::sync::Arc::new(Slot::new());
            let mut a = slot.subscribe();
            let mut b = slot.subscribe();
            slot.record();
            let t = {
                let slot = slot.clone();
                loom::thread::spawn(move || {
                    let flag = StdArc::new(Flag(LoomBool::new(false)));
                    let waker = Waker::from(flag.clone());
                    let mut cx = Context::from_waker(&waker);
                    let first = slot.poll(&mut b, &mut cx);
                    (first.is_ready(), flag, b)
                })
            };
            let flag_a = StdArc::new(Flag(LoomBool::new(false)));
            let waker_a = Waker::from(flag_a.clone());
            let mut cx = Context::from_waker(&waker_a);
            let first_a = slot.poll(&mut a, &mut cx);
            if slot.take_pending() {
                slot.notify();
            }
            let (ready_b, flag_b, mut b) = t.join().unwrap();
            assert!(first_a.is_ready() || flag_a.0.load(Ordering::SeqCst));
            assert!(ready_b || flag_b.0.load(Ordering::SeqCst));
            if !ready_b {
                assert!(slot.poll(&mut b, &mut cx).is_ready());
            }
            slot.unsubscribe(&a);
            slot.unsubscribe(&b);
        });
    }
}
