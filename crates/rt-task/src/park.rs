//! The `Park`/`Unpark` contract between a scheduler and the driver below it,
//! and `ParkThread`, the driver that only sleeps the thread.
//!
//! # Protocol of `ParkThread`
//!
//! One atomic word holds `EMPTY`, `PARKED` or `NOTIFIED`; a mutex and a condvar
//! do the actual sleeping.
//!
//! * `unpark` swaps the word to `NOTIFIED`. If it was `PARKED`, the parker is
//!   (or is about to be) asleep on the condvar: take the mutex once (so the
//!   notification cannot fall between the parker's check and its wait) and
//!   notify the condvar.
//! * `park` first tries `NOTIFIED -> EMPTY` (consume a pending notification and
//!   return at once). Otherwise it locks the mutex and moves `EMPTY -> PARKED`;
//!   if that fails the word must be `NOTIFIED` (only one thread parks), so it
//!   consumes it and returns. Then it waits on the condvar until it can swap
//!   `NOTIFIED -> EMPTY`; spurious wake-ups loop.
//! * A timed park waits once with a timeout and then resets the word to `EMPTY`
//!   with a swap, consuming a notification that raced with the timeout: a
//!   wake-up is never lost, at worst it makes the next park return early,
//!   which every caller tolerates (parks are always in a loop that rechecks).

use std::io;
use std::time::Duration;

use crate::loom::sync::atomic::{AtomicUsize, Ordering};
use crate::loom::sync::{Arc, Condvar, Mutex};

/// What a driver offers a scheduler: a way to block the current thread until
/// an event arrives or another thread calls [`Unpark::unpark`].
///
/// Drivers stack: a timer driver wraps an I/O driver and itself implements
/// `Park`. A scheduler is generic over `P: Park` and never names a concrete
/// driver, so tests can swap the reactor for a mock.
pub trait Park {
    /// The handle that wakes this driver from another thread.
    type Unpark: Unpark + Clone;

    /// Returns a cheap, cloneable handle that unparks this driver.
    fn unpark(&self) -> Self::Unpark;

    /// Blocks until unparked or until the driver has processed events.
    fn park(&mut self) -> io::Result<()>;

    /// Like [`park`](Park::park) but returns after at most `duration`.
    /// A zero duration processes pending events without blocking.
    fn park_timeout(&mut self, duration: Duration) -> io::Result<()>;

    /// Shuts the driver down: wakes every resource still registered with it
    /// so that pending operations observe the shutdown.
    fn shutdown(&mut self) {}
}

/// Wakes a parked [`Park`] driver. Cheap to call, callable from any thread.
pub trait Unpark: Send + Sync + 'static {
    /// Wakes the driver if it is parked, or makes its next park return at once.
    fn unpark(&self);
}

impl<T: Unpark + ?Sized> Unpark for Arc<T> {
    fn unpark(&self) {
        (**self).unpark()
    }
}

impl<T: Unpark + ?Sized> Unpark for Box<T> {
    fn unpark(&self) {
        (**self).unpark()
    }
}

const EMPTY: usize = 0;
const PARKED: usize = 1;
const NOTIFIED: usize = 2;

#[derive(Debug)]
struct Inner {
    state: AtomicUsize,
    mutex: Mutex<()>,
    condvar: Condvar,
}

/// A [`Park`] driver that blocks the thread on a condition variable.
///
/// It is the bottom of the driver stack when I/O is disabled.
#[derive(Debug)]
pub struct ParkThread {
    inner: Arc<Inner>,
}

/// The [`Unpark`] handle of a [`ParkThread`].
#[derive(Debug, Clone)]
pub struct UnparkThread {
    inner: Arc<Inner>,
}

impl Default for ParkThread {
    fn default() -> Self {
        Self::new()
    }
}

impl ParkThread {
    /// Creates a new parker with no pending notification.
    pub fn new() -> ParkThread {
        ParkThread {
            inner: Arc::new(Inner {
                state: AtomicUsize::new(EMPTY),
                mutex: Mutex::new(()),
                condvar: Condvar::new(),
            }),
        }
    }
}

impl ParkThread {
    /// Whether an unpark is pending, so that the next park returns at once.
    /// A read only (it consumes nothing): for a caller that spins before it
    /// parks.
    #[inline]
    pub fn is_notified(&self) -> bool {
        self.inner.state.load(Ordering::Acquire) == NOTIFIED
    }
}

impl Park for ParkThread {
    type Unpark = UnparkThread;

    fn unpark(&self) -> UnparkThread {
        UnparkThread {
            inner: self.inner.clone(),
        }
    }

    fn park(&mut self) -> io::Result<()> {
        self.inner.park(None);
        Ok(())
    }

    fn park_timeout(&mut self, duration: Duration) -> io::Result<()> {
        if duration.is_zero() {
            // Only consume a pending notification.
            let _ = self.inner.state.compare_exchange(
                NOTIFIED,
                EMPTY,
                Ordering::SeqCst,
                Ordering::SeqCst,
            );
            return Ok(());
        }
        self.inner.park(Some(duration));
        Ok(())
    }
}

impl Unpark for UnparkThread {
    fn unpark(&self) {
        self.inner.unpark()
    }
}

impl Inner {
    fn park(&self, timeout: Option<Duration>) {
        if self
            .state
            .compare_exchange(NOTIFIED, EMPTY, Ordering::SeqCst, Ordering::SeqCst)
            .is_ok()
        {
            return;
        }
        let mut guard = self.mutex.lock().unwrap_or_else(|e| e.into_inner());
        match self
            .state
            .compare_exchange(EMPTY, PARKED, Ordering::SeqCst, Ordering::SeqCst)
        {
            Ok(_) => {}
            Err(NOTIFIED) => {
                self.state.swap(EMPTY, Ordering::SeqCst);
                return;
            }
            Err(actual) => panic!("ParkThread: inconsistent park state {actual}"),
        }
        match timeout {
            None => loop {
                guard = self.condvar.wait(guard).unwrap_or_else(|e| e.into_inner());
                if self
                    .state
                    .compare_exchange(NOTIFIED, EMPTY, Ordering::SeqCst, Ordering::SeqCst)
                    .is_ok()
                {
                    return;
                }
            },
            Some(d) => {
                #[cfg(not(rt_loom))]
                {
                    let (_g, _) = self
                        .condvar
                        .wait_timeout(guard, d)
                        .unwrap_or_else(|e| e.into_inner());
                }
                #[cfg(rt_loom)]
                {
                    // Models never depend on time passing: a timed wait times
                    // out at once.
                    let _ = d;
                    drop(guard);
                }
                // Consume whatever is there: EMPTY after a timeout, or a
                // NOTIFIED that raced with it.
                self.state.swap(EMPTY, Ordering::SeqCst);
            }
        }
    }

    fn unpark(&self) {
        match self.state.swap(NOTIFIED, Ordering::SeqCst) {
            EMPTY | NOTIFIED => {}
            PARKED => {
                // Taking the lock orders this notify after the parker's wait.
                drop(self.mutex.lock().unwrap_or_else(|e| e.into_inner()));
                self.condvar.notify_one();
            }
            actual => panic!("ParkThread: inconsistent unpark state {actual}"),
        }
    }
}
