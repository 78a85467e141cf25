//! `ScheduledIo`: the per-resource readiness state shared by the driver and
//! the tasks doing I/O on the resource.
//!
//! # State
//!
//! One atomic word and one mutex-protected set of wakers:
//!
//! ```text
//! readiness word:  [ tick: 16 bits | .. | SHUTDOWN | ERROR PRIORITY WRITE_CLOSED READ_CLOSED WRITABLE READABLE ]
//!                    bits 16..32          bit 6      bits 0..6
//! waiters (mutex): reader: Option<Waker>, writer: Option<Waker>,
//!                  list: Slab<Waiter { interest, waker }>   (one per pending `readiness()` future)
//! ```
//!
//! The tick is the driver's turn counter at the last event: it names the
//! "edge" that set the current bits.
//!
//! # Protocol
//!
//! 1. **Event** (driver, [`ScheduledIo::set_readiness`]): OR the event's bits
//!    into the word and store the driver's current tick, in one
//!    `fetch_update` (AcqRel). Then **wake** ([`ScheduledIo::take_wakers`]):
//!    lock the waiters, take every waker whose interest matches the new bits,
//!    unlock, and wake them once no lock is held (a waker may run arbitrary
//!    code, including dropping another registration).
//! 2. **Poll** (task, [`ScheduledIo::poll_readiness`] and the [`Readiness`]
//!    future): load the word; if it has a bit the task wants (or SHUTDOWN),
//!    return a [`ReadyEvent`] carrying those bits and the tick. Otherwise
//!    lock the waiters, load the word *again*, and only if it is still not
//!    ready store the task's waker and return `Pending`.
//! 3. **Clear** (task, [`ScheduledIo::clear_readiness`]): after an operation
//!    returned `WouldBlock`, remove the bits of the event it acted on, but
//!    only if the word's tick still equals the event's tick (a
//!    `fetch_update` that gives up on a mismatch). `READ_CLOSED` and
//!    `WRITE_CLOSED` are never cleared: a closed direction stays closed.
//! 4. **Shutdown** (driver, [`ScheduledIo::shutdown`]): set SHUTDOWN and wake
//!    everything. Every later poll sees SHUTDOWN and reports it.
//!
//! # Why no wake-up is lost
//!
//! A task parks its waker only under the mutex and only after re-reading the
//! word under it. The driver sets the bits *before* taking the same mutex to
//! collect wakers. So either the driver's lock comes after the task's unlock
//! (and the driver sees the stored waker), or it comes before the task's
//! lock (then the driver's unlock happens-before the task's lock, so the
//! task's second load sees the bits and it does not park).
//!
//! # Why no edge is lost
//!
//! A task clears bits only for the edge (tick) it observed and then got
//! `WouldBlock` for. An event that arrived after the task's observation has
//! a newer tick (the driver increments its tick on every turn), so the clear
//! fails and the bits stay set: the next poll retries the operation. (The
//! tick is 16 bits; a task would have to sit between observing readiness
//! and clearing it for 65,536 driver turns to be fooled.)
//!
//! The loom models at the bottom of this file check steps 1 to 4.

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll, Waker};

use slab::Slab;

use crate::loom::sync::atomic::{AtomicUsize, Ordering};
use crate::loom::sync::{Mutex, MutexGuard};
use crate::{Interest, Ready};

/// The readiness bits of the word.
const READINESS_MASK: usize = Ready::ALL.as_usize();
/// Set once the driver has shut down.
const SHUTDOWN: usize = 1 << 6;
/// Where the tick starts.
const TICK_SHIFT: u32 = 16;
/// The tick's bits.
const TICK_MASK: usize = 0xFFFF << TICK_SHIFT;

fn tick_of(word: usize) -> u16 {
    ((word & TICK_MASK) >> TICK_SHIFT) as u16
}

/// A snapshot of a resource's readiness: the bits a task asked about that
/// were set, and the tick of the edge that set them. Pass it back to
/// `clear_readiness` after the operation returned `WouldBlock`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReadyEvent {
    pub(crate) tick: u16,
    pub(crate) ready: Ready,
    pub(crate) is_shutdown: bool,
}

impl ReadyEvent {
    /// The readiness this event reports.
    pub fn ready(&self) -> Ready {
        self.ready
    }

    /// Whether the driver was shut down.
    pub fn is_shutdown(&self) -> bool {
        self.is_shutdown
    }

    /// The same edge with only the given readiness.
    pub(crate) fn with_ready(self, ready: Ready) -> ReadyEvent {
        ReadyEvent { ready, ..self }
    }
}

/// Which single-slot waker a poll uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Direction {
    Read,
    Write,
}

impl Direction {
    pub(crate) fn mask(self) -> Ready {
        match self {
            Direction::Read => Ready::READABLE | Ready::READ_CLOSED,
            Direction::Write => Ready::WRITABLE | Ready::WRITE_CLOSED,
        }
    }
}

#[derive(Debug)]
struct Waiter {
    interest: Interest,
    waker: Option<Waker>,
}

#[derive(Debug, Default)]
struct Waiters {
    reader: Option<Waker>,
    writer: Option<Waker>,
    list: Slab<Waiter>,
}

/// The readiness state of one registered resource.
#[derive(Debug)]
pub(crate) struct ScheduledIo {
    readiness: AtomicUsize,
    waiters: Mutex<Waiters>,
    /// The token (slab index and generation) this entry was registered
    /// with; fixed for its life.
    token: usize,
}

impl ScheduledIo {
    pub(crate) fn new(token: usize) -> ScheduledIo {
        ScheduledIo {
            readiness: AtomicUsize::new(0),
            waiters: Mutex::new(Waiters::default()),
            token,
        }
    }

    pub(crate) fn token(&self) -> usize {
        self.token
    }

    fn lock(&self) -> MutexGuard<'_, Waiters> {
        // Wakers are only moved in and out under the lock; a panic while it
        // is held cannot leave the set inconsistent.
        self.waiters.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Step 1: an event with `ready` arrived in driver turn `tick`.
    pub(crate) fn set_readiness(&self, tick: u16, ready: Ready) {
        let _ = self
            .readiness
            .fetch_update(Ordering::AcqRel, Ordering::Acquire, |curr| {
                let bits = (curr & READINESS_MASK) | ready.as_usize();
                Some((curr & SHUTDOWN) | bits | ((tick as usize) << TICK_SHIFT))
            });
    }

    /// Wakes every waiter interested in `ready` (outside the lock).
    pub(crate) fn wake(&self, ready: Ready) {
        let mut wakers = Vec::new();
        self.take_wakers(ready, &mut wakers);
        for w in wakers {
            w.wake();
        }
    }

    /// Moves the waker of every waiter interested in `ready` into `out`;
    /// the caller wakes them once it holds no lock (a waker may run
    /// arbitrary code, including dropping another registration).
    pub(crate) fn take_wakers(&self, ready: Ready, out: &mut Vec<Waker>) {
        let mut waiters = self.lock();
        if !(ready & Direction::Read.mask()).is_empty() {
            if let Some(w) = waiters.reader.take() {
                out.push(w);
            }
        }
        if !(ready & Direction::Write.mask()).is_empty() {
            if let Some(w) = waiters.writer.take() {
                out.push(w);
            }
        }
        if waiters.list.is_empty() {
            return;
        }
        for (_, waiter) in waiters.list.iter_mut() {
            if (waiter.interest.mask() & ready).is_empty() {
                continue;
            }
            if let Some(w) = waiter.waker.take() {
                out.push(w);
            }
        }
    }

    /// Step 4: the driver is gone; wake everyone so they observe it.
    pub(crate) fn shutdown(&self) {
        self.readiness.fetch_or(SHUTDOWN, Ordering::AcqRel);
        self.wake(Ready::ALL);
    }

    /// The readiness matching `mask`, without waiting.
    fn event(&self, word: usize, mask: Ready) -> Option<ReadyEvent> {
        let ready = Ready::from_usize(word) & mask;
        let is_shutdown = word & SHUTDOWN != 0;
        if ready.is_empty() && !is_shutdown {
            return None;
        }
        Some(ReadyEvent {
            tick: tick_of(word),
            ready,
            is_shutdown,
        })
    }

    /// A snapshot for `interest` (its `ready` may be empty).
    pub(crate) fn ready_event(&self, interest: Interest) -> ReadyEvent {
        let word = self.readiness.load(Ordering::Acquire);
        ReadyEvent {
            tick: tick_of(word),
            ready: Ready::from_usize(word) & interest.mask(),
            is_shutdown: word & SHUTDOWN != 0,
        }
    }

    /// Step 2 with the single reader or writer slot.
    pub(crate) fn poll_readiness(
        &self,
        cx: &mut Context<'_>,
        direction: Direction,
    ) -> Poll<ReadyEvent> {
        let mask = direction.mask();
        if let Some(ev) = self.event(self.readiness.load(Ordering::Acquire), mask) {
            return Poll::Ready(ev);
        }
        let mut waiters = self.lock();
        if let Some(ev) = self.event(self.readiness.load(Ordering::Acquire), mask) {
            return Poll::Ready(ev);
        }
        let slot = match direction {
            Direction::Read => &mut waiters.reader,
            Direction::Write => &mut waiters.writer,
        };
        match slot {
            Some(w) if w.will_wake(cx.waker()) => {}
            _ => *slot = Some(cx.waker().clone()),
        }
        Poll::Pending
    }

    /// Step 3: clears `event`'s readiness if no newer edge arrived.
    pub(crate) fn clear_readiness(&self, event: ReadyEvent) {
        let clear = (event.ready - Ready::READ_CLOSED - Ready::WRITE_CLOSED).as_usize();
        let _ = self
            .readiness
            .fetch_update(Ordering::AcqRel, Ordering::Acquire, |curr| {
                if tick_of(curr) != event.tick {
                    return None;
                }
                Some(curr & !clear)
            });
    }

    /// Step 2 for any number of tasks: a future that resolves once the
    /// resource has readiness matching `interest` (or the driver shut down).
    pub(crate) fn readiness(&self, interest: Interest) -> Readiness<'_> {
        Readiness {
            io: self,
            interest,
            key: None,
        }
    }

    /// Number of `readiness()` futures currently parked (for tests).
    #[cfg(test)]
    pub(crate) fn num_waiters(&self) -> usize {
        self.lock().list.len()
    }
}

/// The future returned by [`ScheduledIo::readiness`]. It holds a slot in the
/// waiter list from its first `Pending` until it completes or is dropped.
#[derive(Debug)]
pub(crate) struct Readiness<'a> {
    io: &'a ScheduledIo,
    interest: Interest,
    key: Option<usize>,
}

impl Future for Readiness<'_> {
    type Output = ReadyEvent;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<ReadyEvent> {
        let coop = std::task::ready!(rt_task::coop::poll_proceed(cx));
        let this = &mut *self;
        let mask = this.interest.mask();
        if let Some(ev) = this
            .io
            .event(this.io.readiness.load(Ordering::Acquire), mask)
        {
            if let Some(key) = this.key.take() {
                this.io.lock().list.remove(key);
            }
            coop.made_progress();
            return Poll::Ready(ev);
        }
        let mut waiters = this.io.lock();
        if let Some(ev) = this
            .io
            .event(this.io.readiness.load(Ordering::Acquire), mask)
        {
            if let Some(key) = this.key.take() {
                waiters.list.remove(key);
            }
            coop.made_progress();
            return Poll::Ready(ev);
        }
        match this.key {
            Some(key) => {
                let waiter = &mut waiters.list[key];
                match &waiter.waker {
                    Some(w) if w.will_wake(cx.waker()) => {}
                    _ => waiter.waker = Some(cx.waker().clone()),
                }
            }
            None => {
                this.key = Some(waiters.list.insert(Waiter {
                    interest: this.interest,
                    waker: Some(cx.waker().clone()),
                }));
            }
        }
        Poll::Pending
    }
}

impl Drop for Readiness<'_> {
    fn drop(&mut self) {
        if let Some(key) = self.key.take() {
            let waiter = self.io.lock().list.remove(key);
            drop(waiter);
        }
    }
}

#[cfg(all(test, not(rt_loom)))]
mod tests {
    use super::*;
    use futures::task::noop_waker;

    #[test]
    fn clear_respects_tick() {
        let io = ScheduledIo::new(0);
        io.set_readiness(1, Ready::READABLE);
        let ev = io.ready_event(Interest::READABLE);
        assert!(ev.ready.is_readable());
        // A newer edge arrives before the task clears the old one.
        io.set_readiness(2, Ready::READABLE);
        io.clear_readiness(ev);
        assert!(io.ready_event(Interest::READABLE).ready.is_readable());
        // Clearing the current edge works.
        io.clear_readiness(io.ready_event(Interest::READABLE));
        assert!(io.ready_event(Interest::READABLE).ready.is_empty());
    }

    #[test]
    fn closed_bits_are_never_cleared() {
        let io = ScheduledIo::new(0);
        io.set_readiness(1, Ready::READABLE | Ready::READ_CLOSED);
        io.clear_readiness(io.ready_event(Interest::READABLE));
        let ev = io.ready_event(Interest::READABLE);
        assert_eq!(ev.ready, Ready::READ_CLOSED);
    }

    #[test]
    fn many_waiters_are_all_woken() {
        use std::sync::atomic::AtomicUsize as StdAtomic;
        use std::sync::Arc as StdArc;
        struct Count(StdAtomic);
        impl std::task::Wake for Count {
            fn wake(self: StdArc<Self>) {
                self.0.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
            }
        }
        let io = ScheduledIo::new(0);
        let count = StdArc::new(Count(StdAtomic::new(0)));
        let waker = Waker::from(count.clone());
        let mut cx = Context::from_waker(&waker);
        let mut futs: Vec<_> = (0..100).map(|_| io.readiness(Interest::READABLE)).collect();
        for f in &mut futs {
            assert!(Pin::new(f).poll(&mut cx).is_pending());
        }
        // A write-only waiter is not woken by readability.
        let mut w = io.readiness(Interest::WRITABLE);
        assert!(Pin::new(&mut w).poll(&mut cx).is_pending());
        assert_eq!(io.num_waiters(), 101);
        io.set_readiness(1, Ready::READABLE);
        io.wake(Ready::READABLE);
        assert_eq!(count.0.load(std::sync::atomic::Ordering::SeqCst), 100);
        let noop = noop_waker();
        let mut cx = Context::from_waker(&noop);
        for f in &mut futs {
            assert!(Pin::new(f).poll(&mut cx).is_ready());
        }
        drop(futs);
        assert_eq!(io.num_waiters(), 1);
        drop(w);
        assert_eq!(io.num_waiters(), 0);
    }
}

/// Loom models of the readiness protocol (run by `cargo xtask loom`).
#[cfg(all(test, rt_loom))]
mod loom_tests {
    use super::*;
    use loom::sync::atomic::AtomicBool;
    use loom::sync::Arc;
    use loom::thread;
    use std::sync::Arc as StdArc;
    use std::task::Wake;

    /// A waker that records that it was woken (a loom atomic, so that only
    /// the protocol's own synchronisation orders it).
    struct Flag(AtomicBool);

    impl Wake for Flag {
        fn wake(self: StdArc<Self>) {
            self.0.store(true, Ordering::SeqCst);
        }
        fn wake_by_ref(self: &StdArc<Self>) {
            self.0.store(true, Ordering::SeqCst);
        }
    }

    fn flag() -> (StdArc<Flag>, Waker) {
        let f = StdArc::new(Flag(AtomicBool::new(false)));
        let w = Waker::from(f.clone());
        (f, w)
    }

    /// Steps 1 and 2: a task that parks while the driver delivers an event
    /// is either handed the readiness or woken.
    #[test]
    fn loom_event_vs_poll_no_lost_wakeup() {
        loom::model(|| {
            let io = Arc::new(ScheduledIo::new(0));
            let io2 = io.clone();
            let driver = thread::spawn(move || {
                io2.set_readiness(1, Ready::READABLE);
                io2.wake(Ready::READABLE);
            });
            let (woken, waker) = flag();
            let mut cx = Context::from_waker(&waker);
            let first = io.poll_readiness(&mut cx, Direction::Read);
            driver.join().unwrap();
            match first {
                Poll::Ready(ev) => assert!(ev.ready.is_readable()),
                Poll::Pending => {
                    assert!(woken.0.load(Ordering::SeqCst), "wake-up lost");
                    assert!(io.poll_readiness(&mut cx, Direction::Read).is_ready());
                }
            }
        });
    }

    /// The same for a `readiness()` future in the waiter list.
    #[test]
    fn loom_event_vs_readiness_future() {
        loom::model(|| {
            let io = Arc::new(ScheduledIo::new(0));
            let io2 = io.clone();
            let driver = thread::spawn(move || {
                io2.set_readiness(1, Ready::WRITABLE);
                io2.wake(Ready::WRITABLE);
            });
            let (woken, waker) = flag();
            let mut cx = Context::from_waker(&waker);
            let mut fut = io.readiness(Interest::WRITABLE);
            let first = Pin::new(&mut fut).poll(&mut cx);
            driver.join().unwrap();
            if first.is_pending() {
                assert!(woken.0.load(Ordering::SeqCst), "wake-up lost");
                assert!(Pin::new(&mut fut).poll(&mut cx).is_ready());
            }
            drop(fut);
            assert_eq!(io.num_waiters(), 0);
        });
    }

    /// Step 3: a clear for an old edge never erases a newer one.
    #[test]
    fn loom_clear_vs_new_edge() {
        loom::model(|| {
            let io = Arc::new(ScheduledIo::new(0));
            io.set_readiness(1, Ready::READABLE);
            let seen = io.ready_event(Interest::READABLE);
            let io2 = io.clone();
            let driver = thread::spawn(move || {
                io2.set_readiness(2, Ready::READABLE);
                io2.wake(Ready::READABLE);
            });
            // The task got WouldBlock for the edge it saw.
            io.clear_readiness(seen);
            driver.join().unwrap();
            assert!(
                io.ready_event(Interest::READABLE).ready.is_readable(),
                "the newer edge was cleared"
            );
        });
    }

    /// Step 4: shutdown racing with a poll: the task sees the shutdown at
    /// once or is woken and sees it then.
    #[test]
    fn loom_shutdown_vs_poll() {
        loom::model(|| {
            let io = Arc::new(ScheduledIo::new(0));
            let io2 = io.clone();
            let driver = thread::spawn(move || io2.shutdown());
            let (woken, waker) = flag();
            let mut cx = Context::from_waker(&waker);
            let mut fut = io.readiness(Interest::READABLE);
            let first = Pin::new(&mut fut).poll(&mut cx);
            driver.join().unwrap();
            let ev = match first {
                Poll::Ready(ev) => ev,
                Poll::Pending => {
                    assert!(woken.0.load(Ordering::SeqCst), "shutdown wake-up lost");
                    match Pin::new(&mut fut).poll(&mut cx) {
                        Poll::Ready(ev) => ev,
                        Poll::Pending => panic!("pending after shutdown"),
                    }
                }
            };
            assert!(ev.is_shutdown);
        });
    }
}
