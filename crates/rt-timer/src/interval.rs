//! `Interval`, `interval`, `interval_at` and `MissedTickBehavior`.

use std::future::{poll_fn, Future};
use std::pin::Pin;
use std::task::{ready, Context, Poll};
use std::time::Duration;

use crate::handle::Handle;
use crate::sleep::Sleep;
use crate::Instant;

/// Creates a new [`Interval`] that yields with interval of `period`. The
/// first tick completes immediately. The default [`MissedTickBehavior`] is
/// [`Burst`](MissedTickBehavior::Burst).
///
/// # Panics
///
/// If `period` is zero, or an rt runtime is current without time.
///
/// # Examples
///
/// ```
/// use std::time::Duration;
///
/// # futures::executor::block_on(async {
/// let mut interval = rt_timer::interval(Duration::from_millis(2));
/// interval.tick().await; // completes immediately
/// interval.tick().await; // ~2 ms later
/// interval.tick().await; // ~4 ms after the start
/// # });
/// ```
#[track_caller]
pub fn interval(period: Duration) -> Interval {
    assert!(period > Duration::ZERO, "`period` must be non-zero.");
    let handle = Handle::current();
    let start = handle.now();
    Interval::new(handle, start, period)
}

/// Creates a new [`Interval`] that yields with interval of `period`, the
/// first tick completing at `start`.
///
/// # Panics
///
/// If `period` is zero, or an rt runtime is current without time.
///
/// # Examples
///
/// ```
/// use rt_timer::{interval_at, Instant};
/// use std::time::Duration;
///
/// # futures::executor::block_on(async {
/// let start = Instant::now() + Duration::from_millis(5);
/// let mut interval = interval_at(start, Duration::from_millis(1));
/// assert_eq!(interval.tick().await, start);
/// # });
/// ```
#[track_caller]
pub fn interval_at(start: Instant, period: Duration) -> Interval {
    assert!(period > Duration::ZERO, "`period` must be non-zero.");
    Interval::new(Handle::current(), start, period)
}

/// Defines the behavior of an [`Interval`] when it misses a tick (when a
/// tick is polled more than 5 ms after it was due).
///
/// Take an interval of 50 ms whose ticks 2 and 3 are late because a task
/// took 110 ms after tick 1 (`*` are ticks returned by `tick()`, `|` the
/// schedule):
///
/// ```text
/// Expected ticks: |     1     |     2     |     3     |     4     |     5     |     6     |
/// Burst:          |     1     |                   2 3 |     4     |     5     |     6     |
/// Delay:          |     1     |                   2 |     3     |     4     |     5     |
/// Skip:           |     1     |                   2   |     3     |     4     |     5     |
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum MissedTickBehavior {
    /// Ticks as fast as possible until caught up with the original schedule
    /// (the next deadline is always the previous one plus the period).
    #[default]
    Burst,
    /// Ticks at the schedule `now + period` from the late tick on: the
    /// whole schedule shifts by the delay.
    Delay,
    /// Skips missed ticks and ticks on the next multiple of `period` of the
    /// original schedule (strictly after now).
    Skip,
}

impl MissedTickBehavior {
    /// The deadline after a tick that was due at `timeout` and polled at
    /// `now` (late).
    fn next_timeout(&self, timeout: Instant, now: Instant, period: Duration) -> Instant {
        match self {
            MissedTickBehavior::Burst => timeout + period,
            MissedTickBehavior::Delay => now + period,
            MissedTickBehavior::Skip => {
                let late = (now - timeout).as_nanos();
                let rem = late % period.as_nanos();
                // `rem < period`, so it fits a `Duration` of nanoseconds.
                let rem = Duration::new((rem / 1_000_000_000) as u64, (rem % 1_000_000_000) as u32);
                now + (period - rem)
            }
        }
    }
}

/// Interval returned by [`interval`] and [`interval_at`]: ticks at a
/// fixed period. `tick` is cancel safe.
#[derive(Debug)]
pub struct Interval {
    delay: Pin<Box<Sleep>>,
    period: Duration,
    missed_tick_behavior: MissedTickBehavior,
}

impl Interval {
    fn new(handle: Handle, start: Instant, period: Duration) -> Interval {
        Interval {
            delay: Box::pin(Sleep::new_in(handle, start)),
            period,
            missed_tick_behavior: MissedTickBehavior::default(),
        }
    }

    /// Completes when the next instant in the interval has been reached,
    /// returning that instant (the scheduled one, not the current time).
    ///
    /// Cancel safe: a tick is consumed only when `tick` returns.
    pub async fn tick(&mut self) -> Instant {
        poll_fn(|cx| self.poll_tick(cx)).await
    }

    /// Polls for the next instant in the interval to be reached; on
    /// `Pending`, the waker of `cx` is woken when it is.
    pub fn poll_tick(&mut self, cx: &mut Context<'_>) -> Poll<Instant> {
        ready!(self.delay.as_mut().poll(cx));
        let timeout = self.delay.deadline();
        let now = self.delay_now();
        let next = if now > timeout + Duration::from_millis(5) {
            self.missed_tick_behavior
                .next_timeout(timeout, now, self.period)
        } else {
            timeout
                .checked_add(self.period)
                .unwrap_or_else(Instant::far_future)
        };
        self.delay.as_mut().reset_without_reregister(next);
        Poll::Ready(timeout)
    }

    /// The current time of the interval's driver.
    fn delay_now(&self) -> Instant {
        Instant::from_std(self.delay.handle_now())
    }

    /// Resets the interval to complete one period after the current time.
    pub fn reset(&mut self) {
        let next = self.delay_now() + self.period;
        self.delay.as_mut().reset(next);
    }

    /// Resets the interval to complete immediately.
    pub fn reset_immediately(&mut self) {
        let now = self.delay_now();
        self.delay.as_mut().reset(now);
    }

    /// Resets the interval to complete `after` from now.
    pub fn reset_after(&mut self, after: Duration) {
        let next = self.delay_now() + after;
        self.delay.as_mut().reset(next);
    }

    /// Resets the interval to complete at `deadline`.
    pub fn reset_at(&mut self, deadline: Instant) {
        self.delay.as_mut().reset(deadline);
    }

    /// Returns the [`MissedTickBehavior`] strategy currently in use.
    pub fn missed_tick_behavior(&self) -> MissedTickBehavior {
        self.missed_tick_behavior
    }

    /// Sets the [`MissedTickBehavior`] strategy to use.
    pub fn set_missed_tick_behavior(&mut self, behavior: MissedTickBehavior) {
        self.missed_tick_behavior = behavior;
    }

    /// Returns the period of the interval.
    pub fn period(&self) -> Duration {
        self.period
    }
}
