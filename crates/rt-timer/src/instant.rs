//! `Instant`: a measurement of a monotonically nondecreasing clock, as
//! tokio's `time::Instant`.

use std::fmt;
use std::ops::{Add, AddAssign, Sub, SubAssign};
use std::time::Duration;

/// A measurement of a monotonically nondecreasing clock. Opaque and useful
/// only with `Duration`.
///
/// Like `std::time::Instant`, but with the `test-util` feature
/// [`Instant::now`] reads the paused clock of the current runtime, and
/// adding a `Duration` never panics: it saturates far in the future.
///
/// # Examples
///
/// ```
/// use rt_timer::Instant;
/// use std::time::Duration;
///
/// let now = Instant::now();
/// let later = now + Duration::from_secs(1);
/// assert_eq!(later - now, Duration::from_secs(1));
/// let never = now + Duration::MAX; // saturates, no panic
/// assert!(never > later);
/// ```
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Instant {
    std: std::time::Instant,
}

/// `t + d`, or the latest instant `t + d'` (`d' <= d`) that the platform can
/// represent.
pub(crate) fn saturating_add(t: std::time::Instant, d: Duration) -> std::time::Instant {
    if let Some(r) = t.checked_add(d) {
        return r;
    }
    // Binary search for the largest addable duration: `lo` is addable,
    // `hi` is not. A `Duration` has fewer than 128 significant bits.
    let (mut lo, mut hi) = (Duration::ZERO, d);
    for _ in 0..128 {
        let gap = hi - lo;
        if gap <= Duration::from_nanos(1) {
            break;
        }
        let mid = lo + gap / 2;
        if t.checked_add(mid).is_some() {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    t + lo
}

impl Instant {
    /// Returns an instant corresponding to "now".
    ///
    /// With the `test-util` feature and a runtime with a paused clock
    /// current, this is the paused time.
    pub fn now() -> Instant {
        #[cfg(feature = "test-util")]
        {
            let paused = rt_task::context::with_driver::<crate::Handle, _>(
                rt_task::context::Driver::Time,
                |h| h.map(|h| h.clock().now_std()),
            );
            if let Some(t) = paused {
                return Instant { std: t };
            }
        }
        Instant {
            std: std::time::Instant::now(),
        }
    }

    /// Creates an `Instant` from a `std::time::Instant`.
    #[inline]
    pub fn from_std(std: std::time::Instant) -> Instant {
        Instant { std }
    }

    /// Converts to a `std::time::Instant`.
    #[inline]
    pub fn into_std(self) -> std::time::Instant {
        self.std
    }

    /// An instant about 30 years from now (what tokio uses for "never").
    pub(crate) fn far_future() -> Instant {
        Instant::now() + Duration::from_secs(86_400 * 365 * 30)
    }

    /// The amount of time elapsed from `earlier` to this instant, or zero
    /// if `earlier` is later.
    pub fn duration_since(&self, earlier: Instant) -> Duration {
        self.std.saturating_duration_since(earlier.std)
    }

    /// The amount of time elapsed from `earlier` to this instant, or `None`
    /// if `earlier` is later.
    pub fn checked_duration_since(&self, earlier: Instant) -> Option<Duration> {
        self.std.checked_duration_since(earlier.std)
    }

    /// The amount of time elapsed from `earlier` to this instant, or zero
    /// if `earlier` is later.
    pub fn saturating_duration_since(&self, earlier: Instant) -> Duration {
        self.std.saturating_duration_since(earlier.std)
    }

    /// The time elapsed since this instant was created (zero if it lies in
    /// the future).
    pub fn elapsed(&self) -> Duration {
        Instant::now().saturating_duration_since(*self)
    }

    /// `self + duration`, or `None` on overflow.
    #[inline]
    pub fn checked_add(&self, duration: Duration) -> Option<Instant> {
        self.std.checked_add(duration).map(Instant::from_std)
    }

    /// `self - duration`, or `None` on overflow.
    pub fn checked_sub(&self, duration: Duration) -> Option<Instant> {
        self.std.checked_sub(duration).map(Instant::from_std)
    }
}

impl From<std::time::Instant> for Instant {
    fn from(time: std::time::Instant) -> Instant {
        Instant::from_std(time)
    }
}

impl From<Instant> for std::time::Instant {
    fn from(time: Instant) -> std::time::Instant {
        time.into_std()
    }
}

impl Add<Duration> for Instant {
    type Output = Instant;

    /// Saturates at the latest representable instant instead of panicking.
    #[inline]
    fn add(self, rhs: Duration) -> Instant {
        Instant::from_std(saturating_add(self.std, rhs))
    }
}

impl AddAssign<Duration> for Instant {
    fn add_assign(&mut self, rhs: Duration) {
        *self = *self + rhs;
    }
}

impl Sub for Instant {
    type Output = Duration;

    /// Saturates at zero when `rhs` is later.
    #[inline]
    fn sub(self, rhs: Instant) -> Duration {
        self.std.saturating_duration_since(rhs.std)
    }
}

impl Sub<Duration> for Instant {
    type Output = Instant;

    /// # Panics
    ///
    /// When the result would precede the platform's earliest instant, as
    /// `std::time::Instant` (use [`Instant::checked_sub`] to avoid it).
    fn sub(self, rhs: Duration) -> Instant {
        match self.checked_sub(rhs) {
            Some(t) => t,
            None => panic!("overflow when subtracting duration from instant"),
        }
    }
}

impl SubAssign<Duration> for Instant {
    fn sub_assign(&mut self, rhs: Duration) {
        *self = *self - rhs;
    }
}

impl fmt::Debug for Instant {
    fn fmt(&self, fmt: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.std.fmt(fmt)
    }
}

#[cfg(all(test, not(rt_loom)))]
mod tests {
    use super::*;

    #[test]
    fn arithmetic() {
        let t = Instant::now();
        let u = t + Duration::from_millis(5);
        assert_eq!(u - t, Duration::from_millis(5));
        assert_eq!(t - u, Duration::ZERO);
        assert_eq!(u.duration_since(t), Duration::from_millis(5));
        assert_eq!(t.checked_duration_since(u), None);
        assert_eq!(u - Duration::from_millis(5), t);
        let mut v = t;
        v += Duration::from_secs(1);
        v -= Duration::from_secs(1);
        assert_eq!(v, t);
        assert_eq!(Instant::from_std(t.into_std()), t);
        let s: std::time::Instant = t.into();
        assert_eq!(Instant::from(s), t);
    }

    #[test]
    fn add_saturates() {
        let t = Instant::now();
        let max = t + Duration::MAX;
        assert!(max > t + Duration::from_secs(86_400 * 365 * 1000));
        assert_eq!(max + Duration::from_secs(1), max);
        assert_eq!(t.checked_add(Duration::MAX), None);
        assert!(max.checked_add(Duration::from_nanos(1)).is_none());
    }
}
