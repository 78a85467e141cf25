//! # rt
//!
//! An asynchronous runtime with Tokio's API. A program written for Tokio
//! builds against rt by changing only its dependency line:
//!
//! ```toml
//! tokio = { package = "rt", path = "…", features = ["full"] }
//! ```
//!
//! rt is a workspace of small crates that come apart: `rt-task` (tasks and
//! the `Schedule`/`Park` contracts), `rt-sched-local` (the current-thread
//! scheduler and `LocalSet`), `rt-blocking` (the blocking pool),
//! `rt-macros`, and this facade, which puts them together behind Tokio's
//! module paths and feature flags.
//!
//! ```
//! let rt = rt::runtime::Builder::new_current_thread().enable_all().build().unwrap();
//! let sum = rt.block_on(async {
//!     let mut set = rt::task::JoinSet::new();
//!     for i in 0..10u64 {
//!         set.spawn(async move { i * i });
//!     }
//!     let mut sum = 0;
//!     while let Some(r) = set.join_next().await {
//!         sum += r.unwrap();
//!     }
//!     sum
//! });
//! assert_eq!(sum, 285);
//! ```
#![deny(unsafe_op_in_unsafe_fn)]
#![warn(missing_docs)]
#![cfg_attr(docsrs, feature(doc_cfg))]

#[macro_use]
#[doc(hidden)]
pub mod macros;

#[cfg(all(feature = "macros", feature = "rt-multi-thread"))]
pub use rt_macros::{main, test};
#[cfg(all(feature = "macros", feature = "rt", not(feature = "rt-multi-thread")))]
pub use rt_macros::{main_rt as main, test_rt as test};

pub mod io;
/// Asynchronous file utilities (Tokio's `fs` module), on the blocking pool.
#[cfg(feature = "fs")]
pub mod fs {
    pub use rt_fs::*;
}
/// Asynchronous signal handling (Tokio's `signal` module).
#[cfg(feature = "signal")]
pub mod signal {
    pub use rt_signal::ctrl_c;
    /// Unix-specific types for signal handling.
    pub mod unix {
        pub use rt_signal::unix::{signal, Signal, SignalKind};
    }
}
/// An implementation of asynchronous process management (Tokio's
/// `process` module).
#[cfg(feature = "process")]
pub mod process {
    pub use rt_process::{Child, ChildStderr, ChildStdin, ChildStdout, Command};
}
/// TCP/UDP/Unix bindings (Tokio's `net` module).
#[cfg(feature = "net")]
pub mod net {
    pub use rt_net::*;
}
#[cfg(feature = "rt")]
pub mod runtime;
/// Synchronization primitives for use in asynchronous contexts (Tokio's
/// `sync` module). They work under any executor.
#[cfg(feature = "sync")]
pub mod sync {
    pub use rt_sync::*;
}
#[cfg(feature = "rt")]
pub mod task;

/// Utilities for tracking time (Tokio's `time` module).
#[cfg(feature = "time")]
pub mod time {
    pub use rt_timer::time::*;
}

#[cfg(feature = "rt")]
pub use task::spawn;

#[doc(inline)]
pub use rt_task::task_local;
