//! Asynchronous green-threads: spawning, joining, yielding, task-locals.
//!
//! Mirrors `tokio::task`.

mod join_set;
mod local;
mod spawn;

pub use join_set::JoinSet;
pub use local::{spawn_local, LocalSet};
pub use rt_task::task_local::{AccessError, LocalKey, TaskLocalFuture};
pub use rt_task::{
    consume_budget, id, try_id, unconstrained, yield_now, AbortHandle, Id, JoinError, JoinHandle,
    Unconstrained,
};
pub use spawn::{spawn, spawn_blocking};

/// Runs the provided blocking function on the current thread without
/// blocking the executor: the worker hands its queued tasks to a new
/// worker thread first.
///
/// # Panics
///
/// Panics if called from a current-thread runtime.
#[cfg(feature = "rt-multi-thread")]
pub use rt_sched_mt::block_in_place;

/// Task-related futures.
pub mod futures {
    pub use rt_task::task_local::TaskLocalFuture;
}

#[doc(inline)]
pub use crate::task_local;
