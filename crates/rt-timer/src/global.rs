//! The global timer thread, started on first use when a timer is created
//! with no rt runtime current, so that `sleep` and `timeout` work under any
//! executor.
//!
//! It runs a [`Driver`] over [`ParkThread`] with the system clock, parking
//! until the next deadline for the life of the process; timers register
//! with its handle from any thread (it has one shard per CPU).

use std::sync::OnceLock;

use rt_task::{Park, ParkThread};

use crate::{Clock, Driver, Handle};

static GLOBAL: OnceLock<Handle> = OnceLock::new();

/// The handle of the global timer thread, starting the thread on first use.
///
/// # Panics
///
/// If the thread cannot be spawned.
pub(crate) fn handle() -> &'static Handle {
    GLOBAL.get_or_init(|| {
        let (mut driver, handle) = Driver::new(ParkThread::new(), Clock::system());
        std::thread::Builder::new()
            .name("rt-timer".into())
            .spawn(move || loop {
                // `ParkThread` never fails; the loop lives as long as the
                // process, like any global driver thread.
                let _ = driver.park();
            })
            .expect("failed to spawn the rt-timer global driver thread");
        handle
    })
}
