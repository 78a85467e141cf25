//! The I/O driver: a `mio::Poll`, the slab of registrations, and the
//! [`Park`] implementation that turns events into readiness.
//!
//! # Tokens and generations
//!
//! Every registration gets a fresh `ScheduledIo` stored in a slab; its mio
//! token packs the slab index (low [`INDEX_BITS`] bits) with a generation
//! drawn from a counter that increases with every registration. When a
//! registration is dropped its slab slot is freed at once and may be reused
//! by the next registration, which gets a new generation. An event that the
//! kernel queued for the old fd (already collected in the driver's event
//! buffer, or raised by a `dup` of the fd that was never deregistered) still
//! carries the old token: the driver looks the index up and drops the event
//! unless the stored entry's token equals the event's token exactly. So an
//! event for a closed fd never reaches the task of the fd that reused its
//! slot.
//!
//! # A turn
//!
//! `park`/`park_timeout` call `mio::Poll::poll`, then bump the turn counter
//! (the *tick*), then, holding the slab lock, resolve each event's token to
//! its `ScheduledIo` (cloning the `Arc`), and then, with the lock released,
//! set each entry's readiness and take the wakers of its waiters (see
//! `scheduled_io.rs` for that protocol), and finally wake them all. Wakers
//! never run (nor are dropped) under the slab lock, because a woken task
//! may register or drop resources.
//!
//! # Unpark
//!
//! A `mio::Waker` (an eventfd) registered under a reserved token:
//! `Unpark::unpark` makes the next (or current) `poll` return. The eventfd
//! is written only while the driver is blocked in a poll (see
//! `park_state.rs`); an unpark at any other time, most often a task woken
//! by the driver's own dispatch on the driver's thread, only marks the
//! next turn non-blocking.
//!
//! # Shutdown
//!
//! `Park::shutdown` (also run when the driver is dropped) marks the handle
//! shut down, empties the slab and marks every entry SHUTDOWN, waking all
//! waiters. Their pending and later operations fail with the
//! [`shutdown_error`]; new registrations fail with it too. Registrations
//! keep the `Handle` (and so the mio registry) alive, so deregistering after
//! shutdown is harmless.
//!
//! # No runtime
//!
//! [`Handle::current`] returns the handle in the context's `Driver::Io`
//! slot. With no rt runtime current at all it starts (once per process) a
//! global driver on a background thread named `rt-reactor`, so that
//! resources work under any executor. With an rt runtime current whose I/O
//! is disabled, it panics as Tokio does.

use std::fmt;
use std::io;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, OnceLock};
use std::task::Waker;
use std::time::Duration;

use mio::event::Source;
use mio::{Events, Poll, Token};
use rt_task::context::{self, AnyHandle};
use rt_task::{Park, Unpark};
use slab::Slab;

use crate::loom::sync::Arc as IoArc;
use crate::park_state::{self, BeforePark, ParkState};
use crate::scheduled_io::ScheduledIo;
use crate::{Interest, Ready};

/// Bits of a token that hold the slab index.
const INDEX_BITS: u32 = 24;
/// Largest slab index (the all-ones index is never used, so that the waker
/// token cannot collide with a registration).
const MAX_INDEX: usize = (1 << INDEX_BITS) - 2;
const INDEX_MASK: usize = (1 << INDEX_BITS) - 1;
/// Generations use the bits above the index, except the top one.
const GEN_MASK: usize = (usize::MAX >> 1) >> INDEX_BITS;
/// The token of the driver's `mio::Waker`.
const WAKE_TOKEN: Token = Token(usize::MAX);
/// Events collected per turn.
const EVENTS_CAPACITY: usize = 1024;

/// The message of the error returned by I/O on a resource whose driver has
/// shut down.
pub const SHUTDOWN_MSG: &str = "A rt runtime context was found, but it is being shutdown.";

/// The panic message when an rt runtime is current but its I/O driver is
/// not enabled.
pub const IO_DISABLED_MSG: &str =
    "A rt runtime context was found, but IO is disabled. Call `enable_io` on the runtime builder to enable IO.";

/// The error returned by I/O on a resource whose driver has shut down.
pub fn shutdown_error() -> io::Error {
    io::Error::other(SHUTDOWN_MSG)
}

fn pack(generation: usize, index: usize) -> usize {
    ((generation & GEN_MASK) << INDEX_BITS) | index
}

struct Registrations {
    slab: Slab<IoArc<ScheduledIo>>,
    next_generation: usize,
    is_shutdown: bool,
}

struct Inner {
    registry: mio::Registry,
    waker: mio::Waker,
    /// Whether the driver is blocked in its poll (see `park_state.rs`).
    park: ParkState,
    registrations: Mutex<Registrations>,
    /// Number of registrations ever made (metrics).
    registered_total: AtomicUsize,
    /// Number of events dispatched to registrations (metrics).
    ready_count: AtomicUsize,
}

impl Inner {
    fn lock(&self) -> MutexGuard<'_, Registrations> {
        self.registrations.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Makes the current or next turn return; writes to the eventfd only
    /// if the driver is blocked.
    fn unpark(&self) {
        if self.park.unpark() == park_state::Unpark::WakeDriver {
            // Fails only if the eventfd is gone, i.e. never while `self`
            // lives.
            let _ = self.waker.wake();
        }
    }
}

/// The I/O driver. A scheduler parks on it (it implements [`Park`]); I/O
/// resources register with its [`Handle`].
///
/// ```
/// use rt_reactor::Driver;
/// use rt_task::Park;
/// use std::time::Duration;
///
/// let mut driver = Driver::new()?;
/// let handle = driver.handle();
/// // What a runtime installs in its context:
/// let _slot = handle.to_context_handle(); // for rt_task::context::Driver::Io
/// driver.park_timeout(Duration::ZERO)?; // poll events without blocking
/// driver.shutdown();
/// assert!(handle.is_shutdown());
/// # std::io::Result::Ok(())
/// ```
pub struct Driver {
    poll: Poll,
    events: Events,
    tick: u16,
    handle: Handle,
    /// The entries that got an event in this turn (kept to reuse the
    /// allocation).
    dispatch: Vec<(IoArc<ScheduledIo>, Ready)>,
    /// Their wakers, woken together at the end of the turn.
    wakers: Vec<Waker>,
    /// Events dispatched so far; only this driver writes the handle's
    /// `ready_count`, so it publishes with a plain store instead of a
    /// read-modify-write per turn.
    ready_total: usize,
    is_shutdown: bool,
}

/// A cheap, cloneable reference to a [`Driver`]: what resources register
/// with, and what the runtime stores (as `Arc<Handle>`) in the context slot
/// `rt_task::context::Driver::Io`.
#[derive(Clone)]
pub struct Handle {
    inner: Arc<Inner>,
}

/// Wakes a parked [`Driver`] (through its `mio::Waker`).
#[derive(Clone)]
pub struct Unparker {
    inner: Arc<Inner>,
}

impl Driver {
    /// Creates a new driver with its own `mio::Poll`.
    pub fn new() -> io::Result<Driver> {
        let poll = Poll::new()?;
        let registry = poll.registry().try_clone()?;
        let waker = mio::Waker::new(&registry, WAKE_TOKEN)?;
        let inner = Arc::new(Inner {
            registry,
            waker,
            park: ParkState::new(),
            registrations: Mutex::new(Registrations {
                slab: Slab::new(),
                next_generation: 0,
                is_shutdown: false,
            }),
            registered_total: AtomicUsize::new(0),
            ready_count: AtomicUsize::new(0),
        });
        Ok(Driver {
            poll,
            events: Events::with_capacity(EVENTS_CAPACITY),
            tick: 0,
            handle: Handle { inner },
            dispatch: Vec::new(),
            wakers: Vec::new(),
            ready_total: 0,
            is_shutdown: false,
        })
    }

    /// Returns a handle to this driver.
    pub fn handle(&self) -> Handle {
        self.handle.clone()
    }

    /// One turn: wait for events (at most `timeout`), then dispatch them.
    fn turn(&mut self, timeout: Option<Duration>) -> io::Result<()> {
        let park = &self.handle.inner.park;
        // Only a turn that may block announces it: an unpark during a
        // non-blocking poll needs no eventfd write.
        let timeout = match timeout {
            Some(Duration::ZERO) => timeout,
            _ => match park.before_park() {
                BeforePark::Block => timeout,
                BeforePark::DontBlock => Some(Duration::ZERO),
            },
        };
        let polled = self.poll.poll(&mut self.events, timeout);
        park.after_park();
        match polled {
            Ok(()) => {}
            // A signal interrupted the wait: that is a spurious wake-up.
            Err(e) if e.kind() == io::ErrorKind::Interrupted => return Ok(()),
            Err(e) => return Err(e),
        }
        self.tick = self.tick.wrapping_add(1);
        if self.events.is_empty() {
            return Ok(());
        }
        {
            let regs = self.handle.inner.lock();
            for event in self.events.iter() {
                let token = event.token();
                if token == WAKE_TOKEN {
                    continue;
                }
                let Some(io) = regs.slab.get(token.0 & INDEX_MASK) else {
                    continue;
                };
                // A stale token (the slot was reused): drop the event.
                if io.token() != token.0 {
                    continue;
                }
                self.dispatch.push((io.clone(), Ready::from_mio(event)));
            }
        }
        if !self.dispatch.is_empty() {
            self.ready_total = self.ready_total.wrapping_add(self.dispatch.len());
            self.handle
                .inner
                .ready_count
                .store(self.ready_total, Ordering::Relaxed);
        }
        let tick = self.tick;
        for (io, ready) in self.dispatch.drain(..) {
            io.set_readiness(tick, ready);
            io.take_wakers(ready, &mut self.wakers);
        }
        if self.wakers.is_empty() {
            return Ok(());
        }
        for waker in self.wakers.drain(..) {
            waker.wake();
        }
        // An unpark from these wakers (typically the scheduler's own
        // block_on task, woken on this thread) is answered by this turn's
        // return: consume it, so that the next turn may block at once
        // instead of first polling with a zero timeout.
        self.handle.inner.park.after_park();
        Ok(())
    }

    fn do_shutdown(&mut self) {
        if self.is_shutdown {
            return;
        }
        self.is_shutdown = true;
        let entries: Vec<IoArc<ScheduledIo>> = {
            let mut regs = self.handle.inner.lock();
            regs.is_shutdown = true;
            regs.slab.drain().collect()
        };
        for io in entries {
            io.shutdown();
        }
    }
}

impl Park for Driver {
    type Unpark = Unparker;

    fn unpark(&self) -> Unparker {
        Unparker {
            inner: self.handle.inner.clone(),
        }
    }

    fn park(&mut self) -> io::Result<()> {
        self.turn(None)
    }

    fn park_timeout(&mut self, duration: Duration) -> io::Result<()> {
        self.turn(Some(duration))
    }

    /// Marks every registered resource shut down and wakes its waiters:
    /// their pending and later operations fail with [`shutdown_error`], and
    /// new registrations fail too. Idempotent; also run on drop.
    fn shutdown(&mut self) {
        self.do_shutdown();
    }
}

impl Drop for Driver {
    fn drop(&mut self) {
        self.do_shutdown();
    }
}

impl fmt::Debug for Driver {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Driver")
            .field("tick", &self.tick)
            .field("is_shutdown", &self.is_shutdown)
            .finish_non_exhaustive()
    }
}

impl Unpark for Unparker {
    fn unpark(&self) {
        self.inner.unpark();
    }
}

impl fmt::Debug for Unparker {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Unparker").finish_non_exhaustive()
    }
}

static GLOBAL: OnceLock<Handle> = OnceLock::new();

impl Handle {
    /// The handle of the current runtime's I/O driver.
    ///
    /// * If the context slot `rt_task::context::Driver::Io` holds a handle,
    ///   that one.
    /// * If no rt runtime is current at all, the handle of a global driver
    ///   that runs on a background thread (started on first use), so that
    ///   I/O resources work under any executor.
    ///
    /// # Panics
    ///
    /// Panics if an rt runtime is current but has no I/O driver (the
    /// runtime was built without `enable_io`), with [`IO_DISABLED_MSG`].
    #[track_caller]
    pub fn current() -> Handle {
        if let Some(h) = context::with_driver::<Handle, _>(context::Driver::Io, |h| h.cloned()) {
            return h;
        }
        if context::runtime().is_some() {
            panic!("{}", IO_DISABLED_MSG);
        }
        Handle::global()
    }

    /// The handle of the process-wide background driver, starting it if
    /// needed.
    ///
    /// # Panics
    ///
    /// Panics if the driver or its thread cannot be created (out of fds or
    /// threads) the first time.
    pub fn global() -> Handle {
        GLOBAL
            .get_or_init(|| {
                let mut driver =
                    Driver::new().expect("rt-reactor: failed to create the global I/O driver");
                let handle = driver.handle();
                std::thread::Builder::new()
                    .name("rt-reactor".to_owned())
                    .spawn(move || loop {
                        if let Err(e) = driver.park() {
                            // Unrecoverable (the epoll fd failed): shut down
                            // so that every resource reports an error
                            // instead of hanging.
                            eprintln!("rt-reactor: the global I/O driver failed: {e}");
                            driver.shutdown();
                            return;
                        }
                    })
                    .expect("rt-reactor: failed to spawn the global I/O driver thread");
                handle
            })
            .clone()
    }

    /// Erases a clone of this handle for the runtime context: the value to
    /// put in the slot `rt_task::context::Driver::Io` (an `Arc<Handle>`).
    pub fn to_context_handle(&self) -> AnyHandle {
        Arc::new(self.clone())
    }

    /// Whether the driver has shut down.
    pub fn is_shutdown(&self) -> bool {
        self.inner.lock().is_shutdown
    }

    /// Number of resources currently registered (the slab's size).
    pub fn num_registrations(&self) -> usize {
        self.inner.lock().slab.len()
    }

    /// Number of registrations made since the driver started (Tokio's
    /// `io_driver_fd_registered_count`).
    pub fn registered_count(&self) -> usize {
        self.inner.registered_total.load(Ordering::Relaxed)
    }

    /// Number of readiness events delivered to registrations (Tokio's
    /// `io_driver_ready_count`).
    pub fn ready_count(&self) -> usize {
        self.inner.ready_count.load(Ordering::Relaxed)
    }

    /// Wakes the driver if it is parked.
    pub fn unpark(&self) {
        self.inner.unpark();
    }

    /// Whether two handles refer to the same driver.
    pub fn ptr_eq(&self, other: &Handle) -> bool {
        Arc::ptr_eq(&self.inner, &other.inner)
    }

    /// Registers `source` and returns its readiness entry.
    pub(crate) fn add_source(
        &self,
        source: &mut impl Source,
        interest: Interest,
    ) -> io::Result<IoArc<ScheduledIo>> {
        let io = {
            let mut regs = self.inner.lock();
            if regs.is_shutdown {
                return Err(shutdown_error());
            }
            let entry = regs.slab.vacant_entry();
            let index = entry.key();
            if index > MAX_INDEX {
                return Err(io::Error::other("reactor at max registered I/O resources"));
            }
            let generation = regs.next_generation;
            let io = IoArc::new(ScheduledIo::new(pack(generation, index)));
            regs.slab.insert(io.clone());
            regs.next_generation = generation.wrapping_add(1) & GEN_MASK;
            io
        };
        // Events cannot arrive before the source is registered, so the
        // entry may be in the slab first. A shutdown in between has already
        // marked it.
        if let Err(e) = self
            .inner
            .registry
            .register(source, Token(io.token()), interest.to_mio())
        {
            self.remove(&io);
            return Err(e);
        }
        self.inner.registered_total.fetch_add(1, Ordering::Relaxed);
        Ok(io)
    }

    /// Deregisters `source` from the OS selector.
    pub(crate) fn deregister_source(&self, source: &mut impl Source) -> io::Result<()> {
        self.inner.registry.deregister(source)
    }

    /// Frees `io`'s slab slot if it still holds it.
    pub(crate) fn remove(&self, io: &IoArc<ScheduledIo>) {
        let removed = {
            let mut regs = self.inner.lock();
            let index = io.token() & INDEX_MASK;
            match regs.slab.get(index) {
                Some(entry) if entry.token() == io.token() => Some(regs.slab.remove(index)),
                _ => None,
            }
        };
        // Dropped unlocked: it may hold the last reference to wakers.
        drop(removed);
    }

    /// Delivers an event for `token` as the driver would (tests of the
    /// generation check).
    #[cfg(all(test, not(rt_loom)))]
    pub(crate) fn dispatch_for_test(&self, token: usize, tick: u16, ready: Ready) -> bool {
        let io = {
            let regs = self.inner.lock();
            match regs.slab.get(token & INDEX_MASK) {
                Some(io) if io.token() == token => io.clone(),
                _ => return false,
            }
        };
        io.set_readiness(tick, ready);
        io.wake(ready);
        true
    }
}

impl fmt::Debug for Handle {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Handle")
            .field("registrations", &self.num_registrations())
            .finish_non_exhaustive()
    }
}

#[cfg(all(test, not(rt_loom)))]
mod tests {
    use super::*;
    use crate::Interest;

    #[test]
    fn stale_token_never_reaches_the_new_entry() {
        let driver = Driver::new().unwrap();
        let handle = driver.handle();
        let (mut a, _a_peer) = mio::net::UnixStream::pair().unwrap();
        let old = handle.add_source(&mut a, Interest::READABLE).unwrap();
        let old_token = old.token();
        handle.deregister_source(&mut a).unwrap();
        handle.remove(&old);
        drop(a);
        let (mut b, _b_peer) = mio::net::UnixStream::pair().unwrap();
        let new = handle.add_source(&mut b, Interest::READABLE).unwrap();
        // The slot was reused, with a different generation.
        assert_eq!(new.token() & INDEX_MASK, old_token & INDEX_MASK);
        assert_ne!(new.token(), old_token);
        // The event still in flight for the old fd is dropped.
        assert!(!handle.dispatch_for_test(old_token, 1, Ready::READABLE));
        assert!(new.ready_event(Interest::READABLE).ready().is_empty());
        // An event with the right token is delivered.
        assert!(handle.dispatch_for_test(new.token(), 2, Ready::READABLE));
        assert!(new.ready_event(Interest::READABLE).ready().is_readable());
    }

    #[test]
    fn generations_wrap_within_the_mask() {
        assert_eq!(pack(GEN_MASK + 1, 5), 5);
        assert_ne!(pack(GEN_MASK, MAX_INDEX), WAKE_TOKEN.0);
    }
}
