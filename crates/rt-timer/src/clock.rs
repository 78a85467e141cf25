//! The clock a time driver reads: the system clock, or a controllable one
//! that can be paused, advanced and resumed (tokio's `test-util` time).
//!
//! A clock has an `origin` (its creation instant): the driver measures ticks
//! (milliseconds) from it. A paused clock reads a frozen instant `base`;
//! `advance` moves `base` forward; `resume` lets it run again from `base`
//! (so a resumed clock may be ahead of the system clock, as tokio's is).
//!
//! Pausing snaps the frozen instant up to the next whole millisecond after
//! the origin. That jump (< 1 ms, forward, so `Instant` stays monotonic) puts
//! paused time on the driver's tick grid: a paused `sleep(d)` with `d` a whole
//! number of milliseconds then completes exactly `d` later, never `d + 1 ms`.

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use crate::Instant;

/// The panic message of `pause` on a clock that does not allow pausing
/// (tokio's message, adapted).
const PAUSE_REQUIRES_CURRENT_THREAD: &str = "`time::pause()` requires the `current_thread` rt runtime. This is the default runtime used by `#[rt::test]`.";

/// A source of time for a timer driver: the system clock, or a paused,
/// manually advanced one.
///
/// Cloning a `Clock` gives another handle to the same clock.
///
/// # Examples
///
/// ```
/// use std::time::Duration;
/// use rt_timer::Clock;
///
/// let clock = Clock::new(true, true); // pausable, starts paused
/// let t0 = clock.now();
/// clock.advance(Duration::from_secs(3600));
/// assert_eq!(clock.now() - t0, Duration::from_secs(3600));
/// ```
#[derive(Clone)]
pub struct Clock {
    inner: Arc<Inner>,
}

struct Inner {
    origin: std::time::Instant,
    enable_pausing: bool,
    /// False until the clock is first paused: `now` then reads the system
    /// clock without taking the lock.
    virtualized: AtomicBool,
    state: Mutex<ClockState>,
    /// Number of outstanding `inhibit_auto_advance` calls.
    inhibit: AtomicUsize,
}

struct ClockState {
    /// The frozen time, or the time at `unfrozen`.
    base: std::time::Instant,
    /// When running: the system instant at which `base` was current.
    unfrozen: Option<std::time::Instant>,
}

impl ClockState {
    fn now(&self) -> std::time::Instant {
        match self.unfrozen {
            None => self.base,
            Some(u) => crate::instant::saturating_add(self.base, u.elapsed()),
        }
    }
}

impl std::fmt::Debug for Clock {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Clock")
            .field("paused", &self.is_paused())
            .field("enable_pausing", &self.inner.enable_pausing)
            .finish()
    }
}

impl Default for Clock {
    fn default() -> Self {
        Clock::system()
    }
}

impl Clock {
    /// The system clock; it can never be paused.
    pub fn system() -> Clock {
        Clock::build(false, false)
    }

    /// A clock that reads system time until paused.
    ///
    /// `enable_pausing` allows [`pause`](Clock::pause) (the facade enables
    /// it for the current-thread runtime only, as tokio does);
    /// `start_paused` freezes it from the start.
    ///
    /// # Panics
    ///
    /// If `start_paused` is set without `enable_pausing`.
    #[track_caller]
    pub fn new(enable_pausing: bool, start_paused: bool) -> Clock {
        if start_paused && !enable_pausing {
            panic!("{PAUSE_REQUIRES_CURRENT_THREAD}");
        }
        Clock::build(enable_pausing, start_paused)
    }

    fn build(enable_pausing: bool, start_paused: bool) -> Clock {
        let origin = std::time::Instant::now();
        Clock {
            inner: Arc::new(Inner {
                origin,
                enable_pausing,
                virtualized: AtomicBool::new(start_paused),
                state: Mutex::new(ClockState {
                    base: origin,
                    unfrozen: if start_paused { None } else { Some(origin) },
                }),
                inhibit: AtomicUsize::new(0),
            }),
        }
    }

    fn state(&self) -> std::sync::MutexGuard<'_, ClockState> {
        self.inner.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The current time of this clock.
    #[inline]
    pub fn now(&self) -> Instant {
        Instant::from_std(self.now_std())
    }

    #[inline]
    pub(crate) fn now_std(&self) -> std::time::Instant {
        if !self.inner.virtualized.load(Ordering::Acquire) {
            return std::time::Instant::now();
        }
        self.state().now()
    }

    /// The instant the clock was created at: ticks are counted from it.
    pub(crate) fn origin(&self) -> std::time::Instant {
        self.inner.origin
    }

    /// Whether [`pause`](Clock::pause) is allowed.
    pub fn is_pausing_enabled(&self) -> bool {
        self.inner.enable_pausing
    }

    /// Whether the clock is paused.
    pub fn is_paused(&self) -> bool {
        self.inner.virtualized.load(Ordering::Acquire) && self.state().unfrozen.is_none()
    }

    /// Freezes the clock (see the module docs on the sub-millisecond snap).
    ///
    /// # Panics
    ///
    /// If pausing is not enabled for this clock, or it is already paused.
    #[track_caller]
    pub fn pause(&self) {
        if !self.inner.enable_pausing {
            panic!("{PAUSE_REQUIRES_CURRENT_THREAD}");
        }
        let mut st = self.state();
        if st.unfrozen.is_none() {
            drop(st);
            panic!("time is already frozen");
        }
        let now = st.now();
        let since = now.saturating_duration_since(self.inner.origin);
        let rem = since.subsec_nanos() % 1_000_000;
        st.base = if rem == 0 {
            now
        } else {
            crate::instant::saturating_add(now, Duration::from_nanos(u64::from(1_000_000 - rem)))
        };
        st.unfrozen = None;
        self.inner.virtualized.store(true, Ordering::Release);
    }

    /// Lets a paused clock run again, from the time it was frozen at.
    ///
    /// # Panics
    ///
    /// If the clock is not paused.
    #[track_caller]
    pub fn resume(&self) {
        let mut st = self.state();
        if st.unfrozen.is_some() {
            drop(st);
            panic!("time is not frozen");
        }
        st.unfrozen = Some(std::time::Instant::now());
    }

    /// Moves a paused clock forward by `duration` (saturating far in the
    /// future). It does not fire timers by itself: the driver does when it
    /// next processes (`rt_timer::advance` does both).
    ///
    /// # Panics
    ///
    /// If the clock is not paused.
    #[track_caller]
    pub fn advance(&self, duration: Duration) {
        let mut st = self.state();
        if st.unfrozen.is_some() {
            drop(st);
            panic!("time is not frozen");
        }
        st.base = crate::instant::saturating_add(st.base, duration);
    }

    /// Moves the clock forward by `duration` if it is still paused (the
    /// driver's auto-advance; another thread may have resumed it meanwhile).
    pub(crate) fn advance_if_paused(&self, duration: Duration) {
        let mut st = self.state();
        if st.unfrozen.is_none() {
            st.base = crate::instant::saturating_add(st.base, duration);
        }
    }

    /// Stops auto-advance of paused time until a matching
    /// [`allow_auto_advance`](Clock::allow_auto_advance): while work that the
    /// driver cannot see is in flight (a blocking task, say), an idle runtime
    /// must wait for it in real time instead of jumping to the next timer.
    pub fn inhibit_auto_advance(&self) {
        self.inner.inhibit.fetch_add(1, Ordering::SeqCst);
    }

    /// Ends one [`inhibit_auto_advance`](Clock::inhibit_auto_advance).
    ///
    /// # Panics
    ///
    /// If called more often than `inhibit_auto_advance`.
    #[track_caller]
    pub fn allow_auto_advance(&self) {
        let prev = self
            .inner
            .inhibit
            .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| n.checked_sub(1));
        if prev.is_err() {
            panic!("`allow_auto_advance` called more often than `inhibit_auto_advance`");
        }
    }

    /// Whether an idle driver may jump paused time to its next deadline:
    /// the clock is paused and auto-advance is not inhibited.
    pub fn can_auto_advance(&self) -> bool {
        self.inner.inhibit.load(Ordering::SeqCst) == 0 && self.is_paused()
    }
}

#[cfg(all(test, not(rt_loom)))]
mod tests {
    use super::*;

    #[test]
    fn paused_clock_is_frozen_and_advances_exactly() {
        let c = Clock::new(true, true);
        assert!(c.is_paused());
        let t0 = c.now();
        assert_eq!(c.now(), t0);
        c.advance(Duration::from_millis(1500));
        assert_eq!(c.now() - t0, Duration::from_millis(1500));
        c.resume();
        assert!(!c.is_paused());
        assert!(c.now() - t0 >= Duration::from_millis(1500));
    }

    #[test]
    fn pause_snaps_to_the_millisecond_grid() {
        let c = Clock::new(true, false);
        c.pause();
        let since = c.now_std() - c.origin();
        assert_eq!(since.subsec_nanos() % 1_000_000, 0);
    }

    #[test]
    #[should_panic(expected = "requires the `current_thread` rt runtime")]
    fn system_clock_cannot_pause() {
        Clock::system().pause();
    }

    #[test]
    #[should_panic(expected = "time is already frozen")]
    fn double_pause_panics() {
        let c = Clock::new(true, true);
        c.pause();
    }

    #[test]
    #[should_panic(expected = "time is not frozen")]
    fn advance_running_panics() {
        Clock::new(true, false).advance(Duration::from_secs(1));
    }

    #[test]
    fn inhibit_counts() {
        let c = Clock::new(true, true);
        assert!(c.can_auto_advance());
        c.inhibit_auto_advance();
        c.inhibit_auto_advance();
        c.allow_auto_advance();
        assert!(!c.can_auto_advance());
        c.allow_auto_advance();
        assert!(c.can_auto_advance());
    }

    #[test]
    fn advance_saturates() {
        let c = Clock::new(true, true);
        c.advance(Duration::MAX);
        c.advance(Duration::MAX);
        assert!(c.now() > Instant::from_std(c.origin()));
    }
}
