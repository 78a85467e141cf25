//! `Sleep`, `sleep` and `sleep_until`.
//!
//! A `Sleep` embeds its timer entry (intrusive: no allocation beyond the
//! `Sleep` itself) and registers it lazily, on first poll, so that creating
//! and dropping a sleep that is never polled (a `timeout` around a future
//! that is ready at once) touches no lock. The entry protocol is described
//! in `entry.rs`; this file only follows it:
//!
//! * `poll`: register if IDLE (or re-register if a capped entry fired at the
//!   end of the wheel's range), then the waker protocol. A deadline that has
//!   already passed is filed too and completes on the driver's next turn
//!   (unless its tick is already behind the wheel), as in tokio: completing
//!   it at once would make `sleep(Duration::ZERO)` stop yielding;
//! * `reset`: re-file at once (shard lock) unless IDLE;
//! * `Drop`: PENDING → unlink under the shard lock; FIRED/SHUTDOWN → lock
//!   the entry's waker once to wait out a driver still completing it.
//!
//! The shard of a registered entry never changes (it is chosen again only
//! while the entry is IDLE, i.e. in no list), so `self.shard` always names the
//! only wheel that may hold the entry.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::ptr::NonNull;
use std::task::{ready, Context, Poll};
use std::time::Duration;

use crate::entry::Entry;
use crate::error::Error;
use crate::handle::{Handle, SHUTTING_DOWN};
use crate::state::State;
use crate::Instant;

/// Waits until `duration` has elapsed.
///
/// Equivalent to `sleep_until(Instant::now() + duration)`. No work is
/// performed while awaiting; the timer has millisecond granularity and never
/// completes early. A `duration` too large to represent (such as
/// `Duration::MAX`) sleeps about 30 years, without panicking.
///
/// Without an rt runtime current, the timer is driven by a global timer
/// thread started on first use, so it works under any executor.
///
/// # Panics
///
/// If an rt runtime is current but was built without time (see
/// `enable_time`).
///
/// # Examples
///
/// ```
/// use std::time::Duration;
///
/// # futures::executor::block_on(async {
/// rt_timer::sleep(Duration::from_millis(10)).await;
/// println!("10 ms have elapsed");
/// # });
/// ```
#[track_caller]
#[inline]
pub fn sleep(duration: Duration) -> Sleep {
    let handle = Handle::current();
    let deadline = match handle.now().checked_add(duration) {
        Some(deadline) => deadline,
        None => Instant::far_future(),
    };
    Sleep::new_in(handle, deadline)
}

/// Waits until `deadline` is reached.
///
/// # Panics
///
/// As [`sleep`].
///
/// # Examples
///
/// ```
/// use rt_timer::Instant;
/// use std::time::Duration;
///
/// # futures::executor::block_on(async {
/// rt_timer::sleep_until(Instant::now() + Duration::from_millis(10)).await;
/// # });
/// ```
#[track_caller]
#[inline]
pub fn sleep_until(deadline: Instant) -> Sleep {
    Sleep::new_in(Handle::current(), deadline)
}

/// Future returned by [`sleep`] and [`sleep_until`].
///
/// It is `!Unpin` (its timer entry is linked into the wheel in place): pin it
/// with `std::pin::pin!` or `Box::pin` to poll it or `reset` it.
///
/// # Examples
///
/// ```
/// use rt_timer::{sleep, Instant};
/// use std::time::Duration;
///
/// # futures::executor::block_on(async {
/// let sleep = sleep(Duration::from_millis(10));
/// let mut sleep = std::pin::pin!(sleep);
/// sleep.as_mut().reset(Instant::now() + Duration::from_millis(1));
/// sleep.as_mut().await;
/// assert!(sleep.is_elapsed());
/// # });
/// ```
#[must_use = "futures do nothing unless you `.await` or poll them"]
pub struct Sleep {
    deadline: Instant,
    handle: Handle,
    /// The shard that may hold `entry` (meaningful unless it is IDLE).
    shard: usize,
    /// The entry was filed before its deadline (beyond the wheel's range).
    capped: bool,
    entry: Entry,
}

impl Sleep {
    /// A sleep registered with `handle`, not yet polled.
    #[inline]
    pub(crate) fn new_in(handle: Handle, deadline: Instant) -> Sleep {
        Sleep {
            deadline,
            handle,
            shard: 0,
            capped: false,
            entry: Entry::new(),
        }
    }

    /// Returns the instant at which the future will complete.
    pub fn deadline(&self) -> Instant {
        self.deadline
    }

    /// The current time of the driver this sleep belongs to.
    pub(crate) fn handle_now(&self) -> std::time::Instant {
        self.handle.inner.clock().now_std()
    }

    /// Returns `true` if the deadline has been reached (the timer fired, or
    /// it was never polled and its deadline has passed).
    pub fn is_elapsed(&self) -> bool {
        match self.entry.state.load() {
            State::Fired => !self.capped,
            State::Shutdown => true,
            State::Pending => false,
            State::Idle => self.handle.now() >= self.deadline,
        }
    }

    /// Resets the `Sleep` to complete at `deadline`, whether or not it has
    /// completed already (a completed sleep becomes pending again). The last
    /// waker that polled it is kept.
    ///
    /// # Examples
    ///
    /// ```
    /// use rt_timer::{sleep, Instant};
    /// use std::time::Duration;
    ///
    /// # futures::executor::block_on(async {
    /// let mut s = Box::pin(sleep(Duration::from_millis(1)));
    /// s.as_mut().await;
    /// s.as_mut().reset(Instant::now() + Duration::from_millis(1));
    /// assert!(!s.is_elapsed());
    /// s.as_mut().await;
    /// # });
    /// ```
    pub fn reset(self: Pin<&mut Self>, deadline: Instant) {
        let this = self.project();
        this.deadline = deadline;
        if this.entry.state.load() != State::Idle {
            this.arm();
        }
    }

    /// Sets a new deadline and takes the entry out of the wheel; it is
    /// registered again on the next poll (what `Interval` does after a tick,
    /// so that an interval nobody polls causes no wake-ups).
    pub(crate) fn reset_without_reregister(self: Pin<&mut Self>, deadline: Instant) {
        let this = self.project();
        this.deadline = deadline;
        match this.entry.state.load() {
            State::Idle => {}
            // SAFETY: the entry is pinned in this `Sleep` and can only be in
            // `this.shard` (module docs).
            State::Pending => unsafe {
                this.handle
                    .inner
                    .unregister_to_idle(this.shard, NonNull::from(&this.entry))
            },
            State::Fired | State::Shutdown => this.entry.completed_to_idle(),
        }
        this.capped = false;
    }

    /// The `Sleep` minus the pin: callers must never move `entry`.
    fn project(self: Pin<&mut Self>) -> &mut Sleep {
        // `Sleep` is `!Unpin` thanks to the entry, so the reference is not
        // assumed unique over the entry, which the driver may read.
        // SAFETY: nothing moves out of the returned reference: callers only
        // assign the plain fields and use `entry` through shared references.
        unsafe { self.get_unchecked_mut() }
    }

    /// Files the entry for `self.deadline` (the caller holds the pin).
    fn arm(&mut self) {
        let inner = &self.handle.inner;
        if self.entry.state.load() == State::Idle {
            self.shard = inner.pick_shard();
        }
        let tick = inner.deadline_to_tick(self.deadline.into_std());
        // SAFETY: `self` is pinned (every caller came through `project`), so
        // the entry stays put until `Drop` unregisters it from `self.shard`,
        // the only shard that can hold it (module docs).
        let registered = unsafe { inner.register(self.shard, NonNull::from(&self.entry), tick) };
        self.capped = registered.capped;
    }

    /// Polls the timer: `Ok` when the deadline passed, `Err` when the driver
    /// shut down. Does not consume coop budget.
    pub(crate) fn poll_elapsed(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Result<(), Error>> {
        let this = self.project();
        match this.entry.state.load() {
            State::Idle => this.arm(),
            // The entry fired at the end of the wheel's range, before its
            // deadline: file it again.
            State::Fired if this.capped => this.arm(),
            _ => {}
        }
        let state = match this.entry.state.load() {
            State::Pending => this.entry.register_waker(cx.waker()),
            other => other,
        };
        match state {
            State::Pending => Poll::Pending,
            State::Fired if this.capped => {
                // Fired at the range's end between the two loads: poll again.
                cx.waker().wake_by_ref();
                Poll::Pending
            }
            State::Fired => Poll::Ready(Ok(())),
            State::Shutdown => Poll::Ready(Err(Error::shutdown())),
            State::Idle => unreachable!("a timer entry is idle right after registration"),
        }
    }
}

impl Future for Sleep {
    type Output = ();

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        let coop = ready!(rt_task::coop::poll_proceed(cx));
        match ready!(self.poll_elapsed(cx)) {
            Ok(()) => {
                coop.made_progress();
                Poll::Ready(())
            }
            Err(_) => panic!("{SHUTTING_DOWN}"),
        }
    }
}

impl Drop for Sleep {
    #[inline]
    fn drop(&mut self) {
        // A sleep that was never polled (or lazily reset) is in no wheel:
        // nothing to do. This is the common case of `timeout` around a
        // future that completes at once.
        if self.entry.state.load() != State::Idle {
            self.drop_registered();
        }
    }
}

impl Sleep {
    /// `Drop` of a sleep that was registered at least once.
    #[inline(never)]
    fn drop_registered(&mut self) {
        match self.entry.state.load() {
            State::Idle => {}
            // SAFETY: the entry is live (we are dropping it only now) and can
            // only be in `self.shard`.
            State::Pending => unsafe {
                self.handle
                    .inner
                    .unregister(self.shard, NonNull::from(&self.entry))
            },
            State::Fired | State::Shutdown => self.entry.sync_with_completer(),
        }
    }
}

impl fmt::Debug for Sleep {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Sleep")
            .field("deadline", &self.deadline)
            .field("state", &self.entry.state.load())
            .finish()
    }
}
