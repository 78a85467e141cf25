//! `rt-sched-mt`: the work-stealing multi-thread scheduler of the rt runtime.
//!
//! * [`MultiThread`] owns a pool of worker threads; it is generic over any
//!   [`rt_task::Park`] driver (the I/O + timer stack, or a mock), which the
//!   workers share: one parks on it, the others on their own condvars.
//! * [`Handle`] is the shared part: [`spawn`](Handle::spawn), the metrics,
//!   and the [`rt_task::Schedule`] implementation stored in every task.
//! * [`block_in_place`] runs blocking code on a worker thread after handing
//!   the worker's queue of tasks to another thread.
//!
//! Each worker has a LIFO slot (the task to run next: a task spawned or
//! woken by the running task) and a local FIFO queue (`crossbeam-deque`);
//! a shared injection queue takes tasks from outside the pool and overflow.
//! Idle workers steal half of another worker's queue. Idle accounting
//! follows Go and Tokio: at most half of the workers search at once, a push
//! wakes a parked worker only when none is searching, and the last searcher
//! to find work wakes another. Unlike Tokio's, the LIFO slot can be stolen
//! from a worker stuck in a long poll (see the `worker` module).
//!
//! The protocols are laid out at the top of `idle.rs` (who sleeps, who is
//! woken), `park.rs` (the per-worker parker and the shared driver) and
//! `worker.rs` (the run loop, the LIFO slot, `block_in_place`); the loom
//! models are in `loom_tests.rs`.
#![deny(unsafe_op_in_unsafe_fn)]
#![warn(missing_docs)]

mod handle;
mod idle;
pub(crate) mod loom;
mod park;
mod pool;
mod rand;
mod worker;

#[cfg(all(test, rt_loom))]
mod loom_tests;

pub use handle::Handle;
pub use pool::{default_worker_threads, Config, MultiThread, ENV_WORKER_THREADS};
pub use worker::block_in_place;
