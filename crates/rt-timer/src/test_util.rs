//! Controllable time (`test-util` feature): `pause`, `resume`, `advance`.
//!
//! They act on the clock of the current runtime's time driver. Pausing is
//! only allowed when the runtime's clock was built with pausing enabled
//! (the facade does so for the current-thread runtime, as tokio). While
//! paused, an idle runtime auto-advances to its next timer (see
//! [`Driver`](crate::Driver)); the blocking pool inhibits that with
//! [`Handle::inhibit_auto_advance`](crate::Handle::inhibit_auto_advance).

use std::time::Duration;

use crate::Handle;

const OUTSIDE_RUNTIME: &str = "time cannot be frozen from outside the rt runtime";

#[track_caller]
fn current() -> Handle {
    match Handle::try_current() {
        Some(h) => h,
        None => panic!("{OUTSIDE_RUNTIME}"),
    }
}

/// Pauses time.
///
/// The current value of `Instant::now()` is saved and all subsequent calls
/// return it until [`advance`] or [`resume`]. While paused, a runtime that
/// has nothing to do but wait for timers jumps straight to the next one.
/// (The frozen instant is rounded up to the next whole millisecond since
/// the runtime started, so paused sleeps of whole milliseconds are exact.)
///
/// # Panics
///
/// Outside an rt runtime, on a runtime whose time cannot be paused (the
/// multi-thread runtime), or if time is already paused.
#[track_caller]
pub fn pause() {
    current().clock().pause();
}

/// Resumes time: `Instant::now()` runs again from the paused value.
///
/// # Panics
///
/// Outside an rt runtime, or if time is not paused.
#[track_caller]
pub fn resume() {
    current().clock().resume();
}

/// Advances paused time by `duration` in one jump, fires every timer that
/// is due at the new time, and yields once so that their tasks may run.
///
/// It does not wait for the woken tasks to finish; to wait for a sleep,
/// `sleep` instead and let auto-advance do the jump.
///
/// # Panics
///
/// Outside an rt runtime, or if time is not paused (on first poll).
pub async fn advance(duration: Duration) {
    let handle = current();
    handle.clock().advance(duration);
    handle.process();
    rt_task::yield_now().await;
}
