//! Bounded spinning before a park, shared by the schedulers and the
//! blocking pool.
//!
//! A thread that is about to sleep while a wake-up from another thread is
//! expected within microseconds (a blocking-pool task finishing, the next
//! `spawn_blocking` of a task that awaits them one after the other) saves
//! the futex wake, the context switch and often an eventfd write by
//! watching for that wake-up for a short, bounded time first. [`spin_for`]
//! is that watch; [`SpinBackoff`] adds the policy that keeps a wrong guess
//! cheap.

use std::time::{Duration, Instant};

/// How long the schedulers spin before parking while a wake-up is expected.
pub const SPIN_FOR: Duration = Duration::from_micros(50);

/// Probes between two clock reads.
const PROBES_PER_CLOCK_READ: u32 = 32;

/// At most this many spin chances are skipped after fruitless spins.
const MAX_BACKOFF: u32 = 256;

/// Calls `probe` over and over (with a spin-loop hint in between) until it
/// returns `Some` or `duration` has passed.
#[inline]
pub fn spin_for<T>(duration: Duration, mut probe: impl FnMut() -> Option<T>) -> Option<T> {
    let deadline = Instant::now() + duration;
    loop {
        for _ in 0..PROBES_PER_CLOCK_READ {
            if let Some(v) = probe() {
                return Some(v);
            }
            std::hint::spin_loop();
        }
        if Instant::now() >= deadline {
            return None;
        }
    }
}

/// When to spin: a spin that finds nothing doubles the number of later
/// chances that are skipped (up to 256), and one that finds something resets
/// it, so a wake-up that is expected but slow (a blocking task that runs for
/// long) costs at most one wasted [`SPIN_FOR`] per 256 parks.
///
/// # Examples
///
/// ```
/// use rt_task::spin::SpinBackoff;
///
/// let mut spin = SpinBackoff::default();
/// // Nothing expected: no spin at all.
/// assert_eq!(spin.spin(|| false, || Some(1)), None);
/// // Expected, and there at once.
/// assert_eq!(spin.spin(|| true, || Some(2)), Some(2));
/// ```
#[derive(Debug, Clone)]
pub struct SpinBackoff {
    skip: u32,
    backoff: u32,
}

impl Default for SpinBackoff {
    fn default() -> Self {
        SpinBackoff {
            skip: 0,
            backoff: 1,
        }
    }
}

impl SpinBackoff {
    /// Spins for up to [`SPIN_FOR`] on `probe` if `expected()` says a
    /// wake-up is coming and no earlier fruitless spin asks to skip this
    /// chance. Returns what `probe` found.
    #[inline]
    pub fn spin<T>(
        &mut self,
        expected: impl FnOnce() -> bool,
        probe: impl FnMut() -> Option<T>,
    ) -> Option<T> {
        if self.skip > 0 {
            self.skip -= 1;
            return None;
        }
        if !expected() {
            return None;
        }
        let found = spin_for(SPIN_FOR, probe);
        if found.is_some() {
            self.backoff = 1;
        } else {
            self.skip = self.backoff;
            self.backoff = (self.backoff * 2).min(MAX_BACKOFF);
        }
        found
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fruitless_spins_back_off_and_a_find_resets() {
        let mut spin = SpinBackoff::default();
        let mut spins = 0;
        let mut chances = 0;
        // 1 + 2 + 4 chances skipped after three fruitless spins.
        while spins < 4 {
            chances += 1;
            let mut probed = false;
            let _ = spin.spin(
                || true,
                || {
                    probed = true;
                    None::<()>
                },
            );
            spins += usize::from(probed);
        }
        assert_eq!(chances, 4 + 1 + 2 + 4);
        // Skipped chances still count down; then a find resets the backoff.
        for _ in 0..8 {
            assert_eq!(spin.spin(|| true, || Some(())), None);
        }
        assert_eq!(spin.spin(|| true, || Some(7)), Some(7));
        assert_eq!(spin.spin(|| true, || Some(8)), Some(8));
    }

    #[test]
    fn spin_for_gives_up_after_its_duration() {
        let start = Instant::now();
        assert_eq!(spin_for(Duration::from_millis(2), || None::<()>), None);
        assert!(start.elapsed() >= Duration::from_millis(2));
        let mut n = 0;
        assert_eq!(
            spin_for(Duration::from_secs(60), || {
                n += 1;
                (n == 5).then_some(n)
            }),
            Some(5)
        );
    }
}
