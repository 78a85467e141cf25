use std::fmt;
use std::future::Future;
use std::marker::PhantomData;
use std::time::Duration;

use rt_task::JoinHandle;

use super::{EnterGuard, Handle, Runtime, RuntimeMetrics};

/// Options for a [`LocalRuntime`]. There are none yet; the type exists so
/// that `Builder::build_local(LocalOptions::default())` reads as in Tokio.
#[derive(Default, Debug)]
#[non_exhaustive]
pub struct LocalOptions {
    _not_send: PhantomData<*const ()>,
}

/// A local runtime: a current-thread runtime that can also run `!Send`
/// tasks with [`spawn_local`](LocalRuntime::spawn_local) (and
/// `rt::task::spawn_local` from inside it).
///
/// Tokio has this type behind `tokio_unstable`; in rt it is stable.
/// `!Send` tasks run while [`block_on`](LocalRuntime::block_on) runs.
pub struct LocalRuntime {
    // Field order matters: the set's tasks are dropped before the runtime.
    local: rt_sched_local::LocalSet,
    rt: Option<Runtime>,
}

impl LocalRuntime {
    pub(crate) fn from_runtime(rt: Runtime) -> LocalRuntime {
        LocalRuntime {
            local: rt_sched_local::LocalSet::new(),
            rt: Some(rt),
        }
    }

    fn rt(&self) -> &Runtime {
        self.rt.as_ref().expect("runtime already shut down")
    }

    /// Drops the local tasks with the runtime context entered.
    fn drop_local_tasks(&mut self) {
        if let Some(rt) = &self.rt {
            let _e = rt.enter();
            drop(std::mem::take(&mut self.local));
        }
    }

    /// Creates a new local runtime with all drivers enabled.
    pub fn new() -> std::io::Result<LocalRuntime> {
        super::Builder::new_current_thread()
            .enable_all()
            .build_local(LocalOptions::default())
    }

    /// Returns a handle to the runtime's spawner (for `Send` tasks).
    pub fn handle(&self) -> &Handle {
        self.rt().handle()
    }

    /// Spawns a task on the runtime; it need not be `Send`.
    #[track_caller]
    pub fn spawn_local<F>(&self, future: F) -> JoinHandle<F::Output>
    where
        F: Future + 'static,
        F::Output: 'static,
    {
        self.local.spawn_local(future)
    }

    /// Runs the provided function on the blocking pool.
    #[track_caller]
    pub fn spawn_blocking<F, R>(&self, func: F) -> JoinHandle<R>
    where
        F: FnOnce() -> R + Send + 'static,
        R: Send + 'static,
    {
        self.rt().spawn_blocking(func)
    }

    /// Runs a future to completion on the runtime, driving the local tasks.
    #[track_caller]
    pub fn block_on<F: Future>(&self, future: F) -> F::Output {
        self.rt().block_on(self.local.run_until(future))
    }

    /// Enters the runtime context.
    pub fn enter(&self) -> EnterGuard<'_> {
        self.rt().enter()
    }

    /// Shuts down the runtime, waiting at most `duration` for blocking tasks.
    pub fn shutdown_timeout(mut self, duration: Duration) {
        self.drop_local_tasks();
        if let Some(rt) = self.rt.take() {
            rt.shutdown_timeout(duration)
        }
    }

    /// Shuts down the runtime without waiting for blocking tasks.
    pub fn shutdown_background(self) {
        self.shutdown_timeout(Duration::ZERO)
    }

    /// Returns the runtime's metrics.
    pub fn metrics(&self) -> RuntimeMetrics {
        self.rt().metrics()
    }
}

impl Drop for LocalRuntime {
    fn drop(&mut self) {
        // The local tasks go first, with the runtime context entered; the
        // runtime is dropped with the fields afterwards.
        self.drop_local_tasks();
    }
}

impl fmt::Debug for LocalRuntime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("LocalRuntime").finish_non_exhaustive()
    }
}
