//! `Driver<P>`: the time driver, a [`Park`] that wraps another `Park`.
//!
//! # Parking
//!
//! `park()` / `park_timeout(d)`:
//! 1. compute the earliest tick over all shards (`Inner::next_wake`, see the
//!    wake-up protocol in `handle.rs`) and from it the wait `w` (capped by
//!    `d`);
//! 2. if the clock is paused and auto-advance is allowed: poll the inner
//!    driver without blocking, and unless something unparked the driver
//!    meanwhile, move the clock forward by `w` (auto-advance: an idle
//!    runtime with only timers pending jumps to the next deadline);
//!    otherwise park the inner driver for `w` (or without timeout when
//!    there is no timer and no `d`);
//! 3. fire every entry due at the clock's (new) time.
//!
//! The wait ends at the first instant of the entry's tick, and an entry's
//! tick is its deadline rounded up to the millisecond: timers never fire
//! early and, on an idle machine, at most about a millisecond late.

use std::fmt;
use std::io;
use std::sync::Arc;
use std::time::Duration;

use rt_task::{Park, Unpark};

use crate::clock::Clock;
use crate::handle::{Handle, Inner};
use crate::loom::sync::atomic::Ordering;

/// The time driver: wraps a [`Park`] (the I/O driver, or
/// [`rt_task::ParkThread`]) and fires timers around its parks.
///
/// # Examples
///
/// ```
/// use std::time::Duration;
/// use rt_task::{context, Park, ParkThread};
/// use rt_timer::{Clock, Driver};
///
/// let (mut driver, handle) = Driver::new(ParkThread::new(), Clock::system());
/// let _guard = context::enter(
///     context::Handles::default().with_driver(context::Driver::Time, handle.into_context()),
/// );
/// let sleep = rt_timer::sleep(Duration::from_millis(1));
/// let mut sleep = Box::pin(sleep);
/// let waker = futures::task::noop_waker();
/// let mut cx = std::task::Context::from_waker(&waker);
/// for _ in 0..10_000 {
///     if sleep.as_mut().poll(&mut cx).is_ready() {
///         break;
///     }
///     driver.park_timeout(Duration::from_millis(5)).unwrap();
/// }
/// assert!(sleep.is_elapsed());
/// # use std::future::Future;
/// ```
pub struct Driver<P: Park> {
    park: P,
    handle: Handle,
}

/// Configures a [`Driver`].
#[derive(Debug, Clone)]
pub struct Builder {
    clock: Clock,
    shards: usize,
}

impl Default for Builder {
    fn default() -> Self {
        Builder::new()
    }
}

impl Builder {
    /// The defaults: the system clock, one shard per available CPU.
    pub fn new() -> Builder {
        Builder {
            clock: Clock::system(),
            shards: std::thread::available_parallelism().map_or(1, |n| n.get()),
        }
    }

    /// The clock the driver reads (pausable or not, paused or not).
    pub fn clock(mut self, clock: Clock) -> Builder {
        self.clock = clock;
        self
    }

    /// The number of wheel shards: the number of threads that may register
    /// timers at once without contending (a multi-thread runtime passes its
    /// worker count; a current-thread runtime 1).
    ///
    /// # Panics
    ///
    /// If `shards` is 0 or above 1024.
    #[track_caller]
    pub fn shards(mut self, shards: usize) -> Builder {
        assert!(
            (1..=1024).contains(&shards),
            "`shards` must be between 1 and 1024 (got {shards})"
        );
        self.shards = shards;
        self
    }

    /// Builds the driver over `park`, and the handle timers register with.
    pub fn build<P: Park>(self, park: P) -> (Driver<P>, Handle) {
        let unpark: Box<dyn Unpark> = Box::new(park.unpark());
        let handle = Handle {
            inner: Arc::new(Inner::new(self.clock, self.shards, unpark)),
        };
        (
            Driver {
                park,
                handle: handle.clone(),
            },
            handle,
        )
    }
}

impl<P: Park> Driver<P> {
    /// A driver over `park` reading `clock`, with one shard per available
    /// CPU (see [`Builder`]).
    pub fn new(park: P, clock: Clock) -> (Driver<P>, Handle) {
        Builder::new().clock(clock).build(park)
    }

    /// The handle timers register with.
    pub fn handle(&self) -> &Handle {
        &self.handle
    }

    /// The wrapped driver.
    pub fn inner(&self) -> &P {
        &self.park
    }

    /// The wrapped driver, mutably.
    pub fn inner_mut(&mut self) -> &mut P {
        &mut self.park
    }

    fn park_internal(&mut self, limit: Option<Duration>) -> io::Result<()> {
        let inner = &*self.handle.inner;
        if inner.is_shutdown() {
            return match limit {
                None => self.park.park(),
                Some(d) => self.park.park_timeout(d),
            };
        }
        let clock = inner.clock();
        let wait = match inner.next_wake() {
            Some(tick) => {
                let w = inner
                    .tick_to_instant(tick)
                    .saturating_duration_since(clock.now_std());
                Some(limit.map_or(w, |l| l.min(w)))
            }
            None => limit,
        };
        match wait {
            Some(w) if clock.can_auto_advance() => {
                self.park.park_timeout(Duration::ZERO)?;
                if !inner.did_wake.swap(false, Ordering::SeqCst) {
                    // Nothing else can make progress: jump to the deadline.
                    clock.advance_if_paused(w);
                }
            }
            _ => {
                match wait {
                    Some(w) => self.park.park_timeout(w)?,
                    None => self.park.park()?,
                }
                // The wake-ups so far were consumed by this park.
                inner.did_wake.store(false, Ordering::SeqCst);
            }
        }
        inner.process();
        Ok(())
    }
}

impl<P: Park> Park for Driver<P> {
    type Unpark = TimerUnpark<P::Unpark>;

    fn unpark(&self) -> Self::Unpark {
        TimerUnpark {
            inner: self.park.unpark(),
            shared: self.handle.inner.clone(),
        }
    }

    fn park(&mut self) -> io::Result<()> {
        self.park_internal(None)
    }

    fn park_timeout(&mut self, duration: Duration) -> io::Result<()> {
        self.park_internal(Some(duration))
    }

    fn shutdown(&mut self) {
        self.handle.inner.shutdown();
        self.park.shutdown();
    }
}

impl<P: Park> Drop for Driver<P> {
    fn drop(&mut self) {
        // Timers left registered can never fire now: fail them.
        self.handle.inner.shutdown();
    }
}

impl<P: Park> fmt::Debug for Driver<P> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Driver")
            .field("handle", &self.handle)
            .finish_non_exhaustive()
    }
}

/// The [`Unpark`] of a [`Driver`]: unparks the wrapped driver, and records
/// the wake-up so that paused time does not auto-advance past work that has
/// become runnable.
#[derive(Clone)]
pub struct TimerUnpark<U> {
    inner: U,
    shared: Arc<Inner>,
}

impl<U: Unpark> Unpark for TimerUnpark<U> {
    fn unpark(&self) {
        self.shared.did_wake.store(true, Ordering::SeqCst);
        self.inner.unpark();
    }
}

impl<U> fmt::Debug for TimerUnpark<U> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TimerUnpark").finish_non_exhaustive()
    }
}
