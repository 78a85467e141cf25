use std::fmt;
use std::future::Future;
use std::time::Duration;

use rt_task::JoinHandle;

use super::handle::Scheduler;
use super::{EnterGuard, Handle, RuntimeFlavor, RuntimeMetrics};

/// The rt runtime.
///
/// The runtime provides an I/O driver, task scheduler, timer, and blocking
/// pool, necessary for running asynchronous tasks. Instances are usually
/// created with [`Runtime::new`] or a [`Builder`](super::Builder).
///
/// When the runtime is dropped, every task spawned on it is cancelled (its
/// future is dropped, on the dropping thread for the current-thread flavor)
/// and the call waits for running blocking tasks to finish.
pub struct Runtime {
    handle: Handle,
    blocking_pool: Option<rt_blocking::BlockingPool>,
}

impl Runtime {
    pub(crate) fn from_parts(handle: Handle, blocking_pool: rt_blocking::BlockingPool) -> Runtime {
        Runtime {
            handle,
            blocking_pool: Some(blocking_pool),
        }
    }

    /// Creates a new runtime instance with default configuration values.
    ///
    /// This is the multi-thread flavor with all drivers enabled and one
    /// worker per CPU (or `RT_WORKER_THREADS`).
    #[cfg(feature = "rt-multi-thread")]
    pub fn new() -> std::io::Result<Runtime> {
        super::Builder::new_multi_thread().enable_all().build()
    }

    /// Returns a handle to the runtime's spawner.
    pub fn handle(&self) -> &Handle {
        &self.handle
    }

    /// Spawns a future onto the runtime.
    #[track_caller]
    pub fn spawn<F>(&self, future: F) -> JoinHandle<F::Output>
    where
        F: Future + Send + 'static,
        F::Output: Send + 'static,
    {
        self.handle.spawn(future)
    }

    /// Runs the provided function on an executor dedicated to blocking
    /// operations.
    #[track_caller]
    pub fn spawn_blocking<F, R>(&self, func: F) -> JoinHandle<R>
    where
        F: FnOnce() -> R + Send + 'static,
        R: Send + 'static,
    {
        self.handle.spawn_blocking(func)
    }

    /// Runs a future to completion on the runtime. This is the runtime's
    /// entry point.
    ///
    /// # Panics
    ///
    /// Panics if called within an asynchronous execution context (a task
    /// or another `block_on`): blocking a thread that drives tasks would
    /// stall them.
    #[track_caller]
    pub fn block_on<F: Future>(&self, future: F) -> F::Output {
        self.handle.block_on(future)
    }

    /// Enters the runtime context (see [`Handle::enter`]).
    pub fn enter(&self) -> EnterGuard<'_> {
        self.handle.enter()
    }

    /// Shuts down the runtime, waiting for at most `duration` for all
    /// spawned blocking tasks to stop.
    ///
    /// Tasks are cancelled first (their futures dropped); blocking tasks
    /// cannot be interrupted, so after the timeout they are left running
    /// in the background.
    pub fn shutdown_timeout(mut self, duration: Duration) {
        self.shutdown(Some(duration));
    }

    /// Shuts down the runtime without waiting for any spawned blocking
    /// tasks to stop.
    pub fn shutdown_background(self) {
        self.shutdown_timeout(Duration::ZERO)
    }

    /// Returns a view that lets you get information about how the runtime
    /// is performing.
    pub fn metrics(&self) -> RuntimeMetrics {
        self.handle.metrics()
    }

    fn shutdown(&mut self, timeout: Option<Duration>) {
        let Some(mut pool) = self.blocking_pool.take() else {
            return;
        };
        {
            // Task destructors may use the runtime context (spawn, handles).
            let _enter = self.handle.enter();
            match &self.handle.inner.scheduler {
                Scheduler::CurrentThread { sched, .. } => sched.shutdown(),
                #[cfg(feature = "rt-multi-thread")]
                Scheduler::MultiThread { sched, .. } => {
                    let start = std::time::Instant::now();
                    sched.shutdown_timeout(timeout);
                    let remaining = timeout.map(|t| t.saturating_sub(start.elapsed()));
                    drop(_enter);
                    pool.shutdown(remaining);
                    return;
                }
            }
        }
        pool.shutdown(timeout);
    }
}

impl Drop for Runtime {
    fn drop(&mut self) {
        self.shutdown(None);
    }
}

impl fmt::Debug for Runtime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Runtime")
            .field("flavor", &self.handle.runtime_flavor())
            .finish()
    }
}

impl RuntimeFlavor {
    #[allow(dead_code)]
    pub(crate) fn is_current_thread(self) -> bool {
        self == RuntimeFlavor::CurrentThread
    }
}
