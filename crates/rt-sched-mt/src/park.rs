//! The worker parker: every worker parks on its own condition variable,
//! except one, which parks on the pool's driver.
//!
//! # Protocol
//!
//! The pool has one driver (the I/O + timer stack, any [`Park`]) behind a
//! mutex. Each worker index has a [`Parker`] whose atomic word holds
//! `EMPTY`, `PARKED_CONDVAR`, `PARKED_DRIVER` or `NOTIFIED`.
//!
//! * **park**: first consume a pending `NOTIFIED` (return at once). Then
//!   *try* to lock the driver:
//!   - got it: move `EMPTY -> PARKED_DRIVER` (if that fails the word is
//!     `NOTIFIED`: consume it and return), block in the driver (with the
//!     timeout, if any), then swap the word back to `EMPTY`, consuming a
//!     notification that raced with the wake-up;
//!   - somebody else has it: lock the parker's mutex, move
//!     `EMPTY -> PARKED_CONDVAR` (or consume `NOTIFIED` and return), and wait
//!     on the condvar until the word can be swapped `NOTIFIED -> EMPTY` (a
//!     timed park waits once and then swaps the word to `EMPTY`).
//! * **unpark**: swap the word to `NOTIFIED` and look at what was there:
//!   `PARKED_CONDVAR` -> take the parker's mutex once (so the notification
//!   cannot fall between the parker's state change and its wait) and notify
//!   the condvar; `PARKED_DRIVER` -> unpark the driver; `EMPTY`/`NOTIFIED` ->
//!   nothing, the next park returns at once.
//!
//! A notification is never lost: it is either seen by the CAS before
//! blocking, or it finds the parker registered as blocked and wakes the
//! thing it blocks on (the driver remembers an unpark that precedes its
//! park, like every [`Park`]). At worst a stale notification makes one later
//! park return early, which the worker loop tolerates (it re-checks and
//! parks again).
//!
//! Only the thread that holds the driver lock blocks in the driver, so
//! while one worker sleeps in the driver (and thereby waits for I/O and
//! timers for the whole pool) the others sleep on their condvars.

use std::io;
use std::time::Duration;

use rt_task::{Park, Unpark};

use crate::loom::sync::atomic::{AtomicBool, AtomicUsize, Ordering::SeqCst};
use crate::loom::sync::{Condvar, Mutex, MutexGuard};

const EMPTY: usize = 0;
const PARKED_CONDVAR: usize = 1;
const PARKED_DRIVER: usize = 2;
const NOTIFIED: usize = 3;

/// An object-safe view of a [`Park`] driver.
pub(crate) trait DynDriver: Send {
    fn park(&mut self) -> io::Result<()>;
    fn park_timeout(&mut self, duration: Duration) -> io::Result<()>;
    fn shutdown(&mut self);
}

impl<P: Park + Send> DynDriver for P {
    fn park(&mut self) -> io::Result<()> {
        Park::park(self)
    }
    fn park_timeout(&mut self, duration: Duration) -> io::Result<()> {
        Park::park_timeout(self, duration)
    }
    fn shutdown(&mut self) {
        Park::shutdown(self)
    }
}

/// The pool's one driver, shared by all workers.
///
/// The try-lock is an atomic flag in front of the mutex: whoever wins the
/// flag locks the mutex, which is then uncontended (only the final
/// `shutdown`, when no worker runs any more, locks it without the flag).
/// `Mutex::try_lock` itself would do in production, but loom 0.7 reports
/// false deadlocks for it (tokio-rs/loom#376), and the models should check
/// the code that runs.
pub(crate) struct SharedDriver {
    taken: AtomicBool,
    driver: Mutex<Box<dyn DynDriver>>,
    unpark: Box<dyn Unpark>,
}

/// The driver, held by one worker; released on drop.
struct DriverGuard<'a> {
    shared: &'a SharedDriver,
    driver: Option<MutexGuard<'a, Box<dyn DynDriver>>>,
}

impl Drop for DriverGuard<'_> {
    fn drop(&mut self) {
        drop(self.driver.take());
        self.shared.taken.store(false, SeqCst);
    }
}

impl SharedDriver {
    pub(crate) fn new<P: Park + Send + 'static>(driver: P) -> SharedDriver {
        let unpark = Box::new(driver.unpark());
        SharedDriver {
            taken: AtomicBool::new(false),
            driver: Mutex::new(Box::new(driver)),
            unpark,
        }
    }

    /// Polls the driver without blocking, if no other worker holds it.
    pub(crate) fn poll_nonblocking(&self) {
        if let Some(mut guard) = self.try_lock() {
            if let Err(e) = guard.driver().park_timeout(Duration::ZERO) {
                panic!("failed to park the runtime driver: {e}");
            }
        }
    }

    fn try_lock(&self) -> Option<DriverGuard<'_>> {
        if self.taken.load(SeqCst)
            || self
                .taken
                .compare_exchange(false, true, SeqCst, SeqCst)
                .is_err()
        {
            return None;
        }
        let mut guard = DriverGuard {
            shared: self,
            driver: None,
        };
        // Poisoned: a driver call panicked on another worker (which
        // reported it); keep using the driver.
        guard.driver = Some(self.driver.lock().unwrap_or_else(|e| e.into_inner()));
        Some(guard)
    }

    /// Wakes the driver.
    pub(crate) fn unpark(&self) {
        self.unpark.unpark();
    }

    /// Shuts the driver down (blocks until no worker holds it).
    pub(crate) fn shutdown(&self) {
        self.driver
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .shutdown();
    }
}

impl<'a> DriverGuard<'a> {
    fn driver(&mut self) -> &mut dyn DynDriver {
        &mut ***self.driver.as_mut().expect("driver guard without a lock")
    }
}

/// The parker of one worker index (not of one thread: a core that moves to
/// another thread with `block_in_place` parks on the same parker).
pub(crate) struct Parker {
    state: AtomicUsize,
    mutex: Mutex<()>,
    condvar: Condvar,
}

impl Parker {
    pub(crate) fn new() -> Parker {
        Parker {
            state: AtomicUsize::new(EMPTY),
            mutex: Mutex::new(()),
            condvar: Condvar::new(),
        }
    }

    /// Blocks until unparked or until `timeout` elapses, on the driver if it
    /// is free, else on the condvar.
    pub(crate) fn park(&self, driver: &SharedDriver, timeout: Option<Duration>) {
        if self
            .state
            .compare_exchange(NOTIFIED, EMPTY, SeqCst, SeqCst)
            .is_ok()
        {
            return;
        }
        match driver.try_lock() {
            Some(mut guard) => self.park_driver(guard.driver(), timeout),
            None => self.park_condvar(timeout),
        }
    }

    fn park_driver(&self, driver: &mut dyn DynDriver, timeout: Option<Duration>) {
        match self
            .state
            .compare_exchange(EMPTY, PARKED_DRIVER, SeqCst, SeqCst)
        {
            Ok(_) => {}
            Err(NOTIFIED) => {
                self.state.swap(EMPTY, SeqCst);
                return;
            }
            Err(actual) => panic!("worker parker: inconsistent park state {actual}"),
        }
        let res = match timeout {
            None => driver.park(),
            Some(d) => driver.park_timeout(d),
        };
        match self.state.swap(EMPTY, SeqCst) {
            NOTIFIED | PARKED_DRIVER => {}
            actual => panic!("worker parker: inconsistent park state {actual}"),
        }
        if let Err(e) = res {
            panic!("failed to park the runtime driver: {e}");
        }
    }

    fn park_condvar(&self, timeout: Option<Duration>) {
        let mut guard = self.mutex.lock().unwrap_or_else(|e| e.into_inner());
        match self
            .state
            .compare_exchange(EMPTY, PARKED_CONDVAR, SeqCst, SeqCst)
        {
            Ok(_) => {}
            Err(NOTIFIED) => {
                self.state.swap(EMPTY, SeqCst);
                return;
            }
            Err(actual) => panic!("worker parker: inconsistent park state {actual}"),
        }
        match timeout {
            None => loop {
                guard = self.condvar.wait(guard).unwrap_or_else(|e| e.into_inner());
                if self
                    .state
                    .compare_exchange(NOTIFIED, EMPTY, SeqCst, SeqCst)
                    .is_ok()
                {
                    return;
                }
            },
            Some(d) => {
                #[cfg(not(rt_loom))]
                {
                    let (_guard, _) = self
                        .condvar
                        .wait_timeout(guard, d)
                        .unwrap_or_else(|e| e.into_inner());
                }
                #[cfg(rt_loom)]
                {
                    // Models never depend on time passing: a timed wait
                    // times out at once.
                    let _ = d;
                    drop(guard);
                }
                // EMPTY after a timeout, or a NOTIFIED that raced with it.
                self.state.swap(EMPTY, SeqCst);
            }
        }
    }

    /// Wakes the worker parked on this parker, or makes its next park return
    /// at once.
    pub(crate) fn unpark(&self, driver: &SharedDriver) {
        match self.state.swap(NOTIFIED, SeqCst) {
            EMPTY | NOTIFIED => {}
            PARKED_CONDVAR => {
                drop(self.mutex.lock().unwrap_or_else(|e| e.into_inner()));
                self.condvar.notify_one();
            }
            PARKED_DRIVER => driver.unpark(),
            actual => panic!("worker parker: inconsistent unpark state {actual}"),
        }
    }
}
