//! The shared state of one time driver (its sharded wheels) and its
//! [`Handle`].
//!
//! # Sharding, and the wake-up protocol
//!
//! Timers are spread over `N` shards, each a wheel behind its own mutex. A
//! thread files the timers it creates in "its" shard (a thread-local index
//! handed out round-robin), so workers of a multi-thread runtime register,
//! reset and cancel timers without contending with each other; the only
//! sharing is with the driver, which visits every shard when it processes
//! expirations. (Tokio's single wheel lock is a known bottleneck; a lock-free
//! registration queue was the alternative, but it makes cancellation and
//! reset of intrusive entries far harder than a per-shard lock.)
//!
//! The driver must sleep until the earliest deadline over all shards, yet a
//! thread may file an earlier timer while the driver is computing that
//! minimum or already parked. One atomic, `next_wake`, closes the gap:
//!
//! 1. the driver stores `NONE` in `next_wake`, then locks each shard in turn
//!    and computes the minimum `m` of their next expirations, then does
//!    `fetch_min(next_wake, m)` and parks until the resulting minimum;
//! 2. a thread that filed an entry due at tick `t` (and released the shard
//!    lock) loads `next_wake`; if `t` is smaller it does `fetch_min(t)` and,
//!    if `t` was still smaller than the previous value, unparks the driver.
//!
//! Why no timer is overslept: take an entry filed in shard `s`. If the
//! driver locked `s` after the filer released it, the driver's minimum
//! includes the entry. Otherwise the driver's store of `NONE` happens before
//! its lock of `s`, which happens before the filer's lock of `s`, so the
//! filer's load sees `NONE` or a later value; every later value is some
//! minimum the driver will wake at, or a smaller deadline whose filer
//! unparks it. Either the driver wakes by `t`, or the filer sees a larger
//! value and unparks it (an unpark before the park makes the park return at
//! once). Spurious unparks only cost a loop of the scheduler.
//!
//! Firing happens in batches of 32 wakers: entries are completed under the
//! shard lock, the lock is released, then the batch is woken, so a waker
//! never runs under a timer lock.

use std::fmt;
use std::ptr::NonNull;
use std::sync::Arc;
use std::task::Waker;
use std::time::Duration;

use rt_task::Unpark;

use crate::clock::Clock;
use crate::entry::Entry;
use crate::loom::lock;
use crate::loom::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use crate::loom::sync::Mutex;
use crate::wheel::{Wheel, MAX_TICK};
use crate::Instant;

/// `next_wake` value meaning "no timer".
const NONE: u64 = u64::MAX;
/// Wakers woken per batch.
const WAKE_BATCH: usize = 32;

/// The message of the panic raised when a timer is used inside an rt
/// runtime that was built without time.
pub(crate) const TIMERS_DISABLED: &str = "An rt runtime context was found, but timers are disabled. Call `enable_time` on the runtime builder to enable timers.";

/// The message of the panic raised when a timer is used after its driver
/// shut down.
pub(crate) const SHUTTING_DOWN: &str = "An rt runtime context was found, but it is being shutdown.";

/// One wheel with its lock, on its own cache lines.
#[repr(align(128))]
struct Shard {
    wheel: Mutex<Wheel>,
}

/// The state shared by a driver, its handles, its `Unpark`, and every timer
/// registered with it.
pub(crate) struct Inner {
    clock: Clock,
    origin: std::time::Instant,
    shards: Box<[Shard]>,
    /// The tick the driver will wake at, or `NONE` (see the module docs).
    next_wake: AtomicU64,
    /// Set by every unpark; an idle driver with paused time only jumps
    /// forward when no unpark arrived (something else may be runnable).
    pub(crate) did_wake: AtomicBool,
    is_shutdown: AtomicBool,
    /// The unpark handle of the driver below the timer.
    unpark: Box<dyn Unpark>,
}

/// A handle to a time driver: what timers register with.
///
/// Cheap to clone, `Send + Sync`. The runtime puts an `Arc<Handle>` into the
/// context slot [`rt_task::context::Driver::Time`]; [`Handle::into_context`]
/// builds that value.
#[derive(Clone)]
pub struct Handle {
    pub(crate) inner: Arc<Inner>,
}

impl fmt::Debug for Handle {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Handle")
            .field("shards", &self.inner.shards.len())
            .field("clock", &self.inner.clock)
            .field("is_shutdown", &self.is_shutdown())
            .finish()
    }
}

/// The shard index of the calling thread, handed out round-robin.
#[cfg(not(rt_loom))]
fn shard_hint() -> usize {
    use std::cell::Cell;
    use std::sync::atomic::AtomicUsize;
    static NEXT: AtomicUsize = AtomicUsize::new(0);
    thread_local! {
        static HINT: Cell<usize> = const { Cell::new(usize::MAX) };
    }
    HINT.try_with(|h| {
        let v = h.get();
        if v != usize::MAX {
            return v;
        }
        let v = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed) & (usize::MAX >> 1);
        h.set(v);
        v
    })
    .unwrap_or(0)
}

#[cfg(rt_loom)]
fn shard_hint() -> usize {
    0
}

/// How a registration ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Registered {
    /// The deadline lies beyond the wheel's range: the entry fires early
    /// (at the range's end) and must be registered again when it does.
    pub(crate) capped: bool,
}

impl Inner {
    pub(crate) fn new(clock: Clock, shards: usize, unpark: Box<dyn Unpark>) -> Inner {
        let shards = shards.max(1);
        Inner {
            origin: clock.origin(),
            clock,
            shards: (0..shards)
                .map(|_| Shard {
                    wheel: Mutex::new(Wheel::new()),
                })
                .collect(),
            next_wake: AtomicU64::new(NONE),
            did_wake: AtomicBool::new(false),
            is_shutdown: AtomicBool::new(false),
            unpark,
        }
    }

    pub(crate) fn clock(&self) -> &Clock {
        &self.clock
    }

    /// The shard a new registration from this thread goes to.
    pub(crate) fn pick_shard(&self) -> usize {
        shard_hint() % self.shards.len()
    }

    /// The tick at or after `t`: a deadline fires once `now_tick()` reaches
    /// it, never before `t`.
    pub(crate) fn deadline_to_tick(&self, t: std::time::Instant) -> u64 {
        let d = t.saturating_duration_since(self.origin);
        let ms = d.as_millis() + u128::from(d.subsec_nanos() % 1_000_000 != 0);
        ms.min(u128::from(MAX_TICK)) as u64
    }

    /// The tick of `t`, rounded down.
    fn instant_to_tick(&self, t: std::time::Instant) -> u64 {
        let ms = t.saturating_duration_since(self.origin).as_millis();
        ms.min(u128::from(MAX_TICK)) as u64
    }

    /// The current tick, rounded down.
    pub(crate) fn now_tick(&self) -> u64 {
        self.instant_to_tick(self.clock.now_std())
    }

    /// The instant at which tick `t` begins.
    pub(crate) fn tick_to_instant(&self, t: u64) -> std::time::Instant {
        crate::instant::saturating_add(self.origin, Duration::from_millis(t))
    }

    pub(crate) fn is_shutdown(&self) -> bool {
        self.is_shutdown.load(Ordering::SeqCst)
    }

    /// Unparks the driver below the timer (also counts as a wake-up for
    /// auto-advance).
    pub(crate) fn unpark(&self) {
        self.did_wake.store(true, Ordering::SeqCst);
        self.unpark.unpark();
    }

    /// Files `entry` in shard `shard` to fire at `tick`, first unlinking it
    /// from that shard if it is linked there. Completes the entry at once
    /// (waking its waker) when the tick is already due or the driver is shut
    /// down.
    ///
    /// # Safety
    /// `entry` is pinned and stays valid until it is unregistered from
    /// `shard` or completed; it is in no other shard.
    pub(crate) unsafe fn register(
        &self,
        shard: usize,
        entry: NonNull<Entry>,
        tick: u64,
    ) -> Registered {
        let mut wheel = lock(&self.shards[shard].wheel);
        // The flag is read under the shard lock: `shutdown` sets it before
        // draining each shard under the same lock, so an entry filed after
        // the drain sees it.
        let shutdown = self.is_shutdown();
        let filed = if shutdown {
            // SAFETY: the caller guarantees `entry` is live and only ever in
            // this shard; we hold the shard lock.
            unsafe { wheel.remove(entry) };
            Err(())
        } else {
            // SAFETY: as above. On `Err` the entry is left unlinked.
            unsafe { wheel.refile(entry, tick) }
        };
        match filed {
            Ok(when) => {
                // SAFETY: `entry` is live (caller).
                unsafe { entry.as_ref() }.state.set_pending();
                drop(wheel);
                self.wake_driver_for(when);
                Registered {
                    capped: when < tick,
                }
            }
            Err(()) => {
                // SAFETY: `entry` is live and unlinked; we hold the shard lock.
                let waker = unsafe { entry.as_ref() }.complete(shutdown);
                drop(wheel);
                if let Some(w) = waker {
                    w.wake();
                }
                Registered { capped: false }
            }
        }
    }

    /// Unlinks `entry` from shard `shard` if it is linked there.
    ///
    /// # Safety
    /// `entry` is live and in no other shard.
    pub(crate) unsafe fn unregister(&self, shard: usize, entry: NonNull<Entry>) {
        let mut wheel = lock(&self.shards[shard].wheel);
        // SAFETY: forwarded from the caller; we hold the shard lock.
        unsafe { wheel.remove(entry) };
    }

    /// Unlinks `entry` from shard `shard` and makes it IDLE (it may have
    /// fired just before we got the lock: it is unlinked either way, and no
    /// driver can reach it once we hold the lock).
    ///
    /// # Safety
    /// `entry` is live and in no other shard.
    pub(crate) unsafe fn unregister_to_idle(&self, shard: usize, entry: NonNull<Entry>) {
        let mut wheel = lock(&self.shards[shard].wheel);
        // SAFETY: forwarded from the caller; we hold the shard lock.
        unsafe {
            wheel.remove(entry);
            entry.as_ref().state.set_idle();
        }
    }

    /// Step 2 of the wake-up protocol (module docs).
    fn wake_driver_for(&self, when: u64) {
        if when < self.next_wake.load(Ordering::SeqCst)
            && when < self.next_wake.fetch_min(when, Ordering::SeqCst)
        {
            self.unpark();
        }
    }

    /// Step 1 of the wake-up protocol: the tick the driver may sleep until.
    pub(crate) fn next_wake(&self) -> Option<u64> {
        self.next_wake.store(NONE, Ordering::SeqCst);
        let mut min = NONE;
        for shard in self.shards.iter() {
            if let Some(t) = lock(&shard.wheel).next_expiration() {
                min = min.min(t);
            }
        }
        let prev = self.next_wake.fetch_min(min, Ordering::SeqCst);
        let next = prev.min(min);
        (next != NONE).then_some(next)
    }

    /// Fires every entry due at the clock's current time.
    pub(crate) fn process(&self) {
        self.process_at(self.now_tick());
    }

    /// Fires every entry due at or before tick `now`.
    pub(crate) fn process_at(&self, now: u64) {
        let mut batch = WakeBatch::new();
        for shard in self.shards.iter() {
            let mut wheel = lock(&shard.wheel);
            while let Some(entry) = wheel.pop_expired(now) {
                // SAFETY: the entry was linked, so its owner keeps it alive
                // until it takes this shard lock to unlink it, which waits
                // for us; it has just been unlinked.
                if let Some(w) = unsafe { entry.as_ref() }.complete(false) {
                    batch.push(w);
                    if batch.is_full() {
                        drop(wheel);
                        batch.wake_all();
                        wheel = lock(&shard.wheel);
                    }
                }
            }
            drop(wheel);
            batch.wake_all();
        }
    }

    /// Marks the driver shut down and completes every registered entry with
    /// the shutdown error. Idempotent.
    pub(crate) fn shutdown(&self) {
        if self.is_shutdown.swap(true, Ordering::SeqCst) {
            return;
        }
        let mut batch = WakeBatch::new();
        for shard in self.shards.iter() {
            let mut wheel = lock(&shard.wheel);
            while let Some(entry) = wheel.pop_any() {
                // SAFETY: as in `process_at`.
                if let Some(w) = unsafe { entry.as_ref() }.complete(true) {
                    batch.push(w);
                    if batch.is_full() {
                        drop(wheel);
                        batch.wake_all();
                        wheel = lock(&shard.wheel);
                    }
                }
            }
            drop(wheel);
            batch.wake_all();
        }
    }
}

/// A fixed-size batch of wakers to wake outside the locks.
struct WakeBatch {
    wakers: [Option<Waker>; WAKE_BATCH],
    len: usize,
}

impl WakeBatch {
    fn new() -> WakeBatch {
        WakeBatch {
            wakers: [const { None }; WAKE_BATCH],
            len: 0,
        }
    }

    fn push(&mut self, w: Waker) {
        self.wakers[self.len] = Some(w);
        self.len += 1;
    }

    fn is_full(&self) -> bool {
        self.len == WAKE_BATCH
    }

    fn wake_all(&mut self) {
        for w in &mut self.wakers[..self.len] {
            if let Some(w) = w.take() {
                w.wake();
            }
        }
        self.len = 0;
    }
}

impl Handle {
    /// The time handle of the current context, falling back to the global
    /// timer thread when no runtime is current.
    ///
    /// # Panics
    ///
    /// If an rt runtime is current but was built without time.
    #[track_caller]
    #[inline]
    pub fn current() -> Handle {
        match Handle::try_current() {
            Some(h) => h,
            None => Handle::current_fallback(),
        }
    }

    /// No time handle in the context: the global timer thread, unless a
    /// runtime without time is current.
    #[cold]
    #[track_caller]
    fn current_fallback() -> Handle {
        if rt_task::context::with_runtime(|r| r.is_some()) {
            panic!("{TIMERS_DISABLED}");
        }
        crate::global::handle().clone()
    }

    /// The time handle installed in the current context, if any (no
    /// fallback).
    #[inline]
    pub fn try_current() -> Option<Handle> {
        rt_task::context::with_driver::<Handle, _>(rt_task::context::Driver::Time, |h| h.cloned())
    }

    /// Wraps this handle for the context slot
    /// [`rt_task::context::Driver::Time`].
    pub fn into_context(self) -> rt_task::context::AnyHandle {
        Arc::new(self)
    }

    /// The clock the driver reads.
    pub fn clock(&self) -> &Clock {
        &self.inner.clock
    }

    /// The driver's current time.
    #[inline]
    pub fn now(&self) -> Instant {
        self.inner.clock.now()
    }

    /// The number of wheel shards.
    pub fn shards(&self) -> usize {
        self.inner.shards.len()
    }

    /// Whether the driver has shut down (timers then fail).
    pub fn is_shutdown(&self) -> bool {
        self.inner.is_shutdown()
    }

    /// Stops paused time from auto-advancing until a matching
    /// [`allow_auto_advance`](Handle::allow_auto_advance). The blocking pool
    /// calls it while a blocking task runs, so that an idle runtime waits for
    /// the task instead of jumping to the next timer. No effect on a clock
    /// that is not paused.
    pub fn inhibit_auto_advance(&self) {
        self.inner.clock.inhibit_auto_advance();
    }

    /// Ends one [`inhibit_auto_advance`](Handle::inhibit_auto_advance) and
    /// unparks the driver so that it re-evaluates auto-advance.
    ///
    /// # Panics
    ///
    /// If called more often than `inhibit_auto_advance`.
    #[track_caller]
    pub fn allow_auto_advance(&self) {
        self.inner.clock.allow_auto_advance();
        self.inner.unpark();
    }

    /// Fires every timer whose deadline has passed, from the calling thread
    /// (the driver does this after each park; `advance` does it after
    /// moving paused time).
    pub fn process(&self) {
        self.inner.process();
    }
}
