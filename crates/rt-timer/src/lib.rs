//! `rt-timer`: the timer of the rt runtime.
//!
//! * a hierarchical timing wheel (6 levels × 64 slots, 1 ms resolution,
//!   about two years of range, an occupancy bitmap per level), sharded so
//!   that many threads register timers without contending;
//! * [`Driver`], a [`rt_task::Park`] that wraps any other `Park` (the I/O
//!   driver, [`rt_task::ParkThread`], a mock), parks it until the next
//!   deadline and fires what expired, and its [`Handle`];
//! * tokio's `time` API: [`Instant`], [`sleep`], [`sleep_until`],
//!   [`Sleep`], [`timeout`], [`timeout_at`], [`Timeout`], [`interval`],
//!   [`interval_at`], [`Interval`], [`MissedTickBehavior`], [`error`], all
//!   gathered in the [`time`] module that the facade re-exports;
//! * controllable time: [`Clock`] can be paused and advanced; with the
//!   `test-util` feature, `pause`, `resume` and `advance` act on the current
//!   runtime's clock, and [`Instant::now`] reads it.
//!
//! Timers find their driver in the runtime context slot
//! [`rt_task::context::Driver::Time`], which holds an `Arc<Handle>`
//! ([`Handle::into_context`]). With no runtime current they use a global
//! timer thread started on first use, so they work under any executor.
//!
//! ```
//! use std::time::Duration;
//!
//! // No rt runtime here: the global timer thread drives the timers.
//! futures::executor::block_on(async {
//!     rt_timer::sleep(Duration::from_millis(5)).await;
//!     let res = rt_timer::timeout(Duration::from_millis(5), std::future::pending::<()>()).await;
//!     assert!(res.is_err());
//! });
//! ```
#![deny(unsafe_op_in_unsafe_fn)]
#![warn(missing_docs)]

mod clock;
mod driver;
mod entry;
pub mod error;
mod global;
mod handle;
mod instant;
mod interval;
pub(crate) mod loom;
mod sleep;
mod state;
#[cfg(feature = "test-util")]
mod test_util;
mod timeout;
mod wheel;

#[cfg(test)]
mod tests;

pub use clock::Clock;
pub use driver::{Builder, Driver, TimerUnpark};
pub use handle::Handle;
pub use instant::Instant;
pub use interval::{interval, interval_at, Interval, MissedTickBehavior};
pub use sleep::{sleep, sleep_until, Sleep};
#[cfg(feature = "test-util")]
pub use test_util::{advance, pause, resume};
pub use timeout::{timeout, timeout_at, Timeout};

/// Utilities for tracking time, laid out as tokio's `tokio::time` module
/// (the facade re-exports it as `rt::time`).
pub mod time {
    pub use crate::error;
    #[cfg(feature = "test-util")]
    pub use crate::{advance, pause, resume};
    pub use crate::{
        interval, interval_at, sleep, sleep_until, timeout, timeout_at, Instant, Interval,
        MissedTickBehavior, Sleep, Timeout,
    };
}
