//! `rt-blocking`: the blocking thread pool of the rt runtime.
//!
//! Blocking work (file system calls, DNS look-ups, CPU-heavy closures) must
//! not run on the scheduler's worker threads. [`spawn_blocking`] hands a
//! closure to a separate pool of threads and returns a [`JoinHandle`] that
//! resolves to the closure's result.
//!
//! * Threads are spawned on demand, only when no idle thread is available,
//!   up to [`Config::max_blocking_threads`] (512 by default); beyond that,
//!   tasks wait in a FIFO queue.
//! * An idle thread exits after [`Config::keep_alive`] (10 s by default).
//! * A panic in the closure is caught and delivered through the
//!   `JoinHandle` as a panic [`JoinError`](rt_task::JoinError).
//! * [`BlockingPool::shutdown`] cancels queued tasks that have not started
//!   and waits (optionally with a timeout) for the running ones; dropping the
//!   pool is `shutdown(None)`, after which every pool thread has been joined.
//!
//! The pool is owned by a runtime ([`BlockingPool`]); everything else spawns
//! through a cloneable [`Spawner`], which the runtime stores in the context
//! slot [`Driver::Blocking`](rt_task::context::Driver::Blocking) as an
//! `Arc<Spawner>` (see [`Spawner::to_context_handle`]).
//!
//! ```
//! use rt_blocking::{BlockingPool, Config};
//! use rt_task::context::{self, Driver, Handles};
//!
//! let pool = BlockingPool::new(Config::default());
//! let spawner = pool.spawner();
//! let handles = Handles::default().with_driver(Driver::Blocking, spawner.to_context_handle());
//! spawner.set_thread_context(handles.clone());
//!
//! let _guard = context::enter(handles); // what the runtime does on `block_on`
//! let sum = rt_blocking::spawn_blocking(|| (1..=10).sum::<u32>());
//! assert_eq!(futures::executor::block_on(sum).unwrap(), 55);
//! ```
#![deny(unsafe_op_in_unsafe_fn)]
#![warn(missing_docs)]

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use rt_task::JoinHandle;

mod anywhere;
mod pool;
mod spin;
mod task;

pub use anywhere::{spawn_blocking_or_thread, BlockingOrThread};
pub use pool::{BlockingPool, InFlight, Spawner};

/// The configuration of a [`BlockingPool`] (what the runtime builder sets).
#[derive(Clone)]
pub struct Config {
    /// Called for each new thread to name it. It is called while the pool's
    /// lock is held, so it must not spawn onto the pool.
    pub thread_name: Arc<dyn Fn() -> String + Send + Sync>,
    /// The stack size of each thread, or `None` for the standard library's
    /// default.
    pub stack_size: Option<usize>,
    /// Runs on each new thread before it takes any task (inside the runtime
    /// context set with [`Spawner::set_thread_context`]).
    pub after_start: Option<Arc<dyn Fn() + Send + Sync>>,
    /// Runs on each thread just before it exits (still inside the context).
    pub before_stop: Option<Arc<dyn Fn() + Send + Sync>>,
    /// The most threads the pool spawns for [`Spawner::spawn_blocking`]
    /// tasks (mandatory tasks may exceed it). Must be at least 1. Default:
    /// 512.
    pub max_blocking_threads: usize,
    /// How long an idle thread waits for a task before it exits. Default:
    /// 10 seconds.
    pub keep_alive: Duration,
}

impl Default for Config {
    fn default() -> Config {
        Config {
            thread_name: Arc::new(|| "rt-runtime-worker".to_owned()),
            stack_size: None,
            after_start: None,
            before_stop: None,
            max_blocking_threads: 512,
            keep_alive: Duration::from_secs(10),
        }
    }
}

impl fmt::Debug for Config {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Config")
            .field("stack_size", &self.stack_size)
            .field("after_start", &self.after_start.is_some())
            .field("before_stop", &self.before_stop.is_some())
            .field("max_blocking_threads", &self.max_blocking_threads)
            .field("keep_alive", &self.keep_alive)
            .finish_non_exhaustive()
    }
}

/// Runs the provided closure on a thread where blocking is acceptable.
///
/// The closure runs on the current runtime's blocking pool (see the crate
/// documentation for how threads are spawned and reused). Awaiting the
/// returned handle yields the closure's result; a panic in the closure
/// yields a panic [`JoinError`](rt_task::JoinError); if the runtime shuts
/// down before the closure starts, it yields a cancelled one.
///
/// A blocking closure cannot be aborted once it has started: when the
/// runtime is dropped, it waits for it (or, with `shutdown_timeout`, stops
/// waiting after the timeout).
///
/// # Panics
///
/// Panics if called outside the context of an rt runtime.
///
/// # Examples
///
/// ```
/// # use rt_blocking::{BlockingPool, Config};
/// # use rt_task::context::{self, Driver, Handles};
/// # let pool = BlockingPool::new(Config::default());
/// # let _guard = context::enter(
/// #     Handles::default().with_driver(Driver::Blocking, pool.spawner().to_context_handle()),
/// # );
/// # futures::executor::block_on(async {
/// let res = rt_blocking::spawn_blocking(move || {
///     // do some compute-heavy work or call synchronous code
///     "done computing"
/// })
/// .await;
/// assert_eq!(res.unwrap(), "done computing");
/// # });
/// ```
#[track_caller]
pub fn spawn_blocking<F, R>(f: F) -> JoinHandle<R>
where
    F: FnOnce() -> R + Send + 'static,
    R: Send + 'static,
{
    match Spawner::try_current() {
        Some(spawner) => spawner.spawn_blocking(f),
        None => panic!("{}", pool::NO_RUNTIME),
    }
}
