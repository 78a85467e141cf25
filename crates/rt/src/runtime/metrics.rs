use super::handle::Scheduler;
use super::Handle;

/// Handle to the runtime's metrics.
///
/// This handle is internally reference-counted and can be freely cloned.
/// A `RuntimeMetrics` handle is obtained using [`Runtime::metrics`](super::Runtime::metrics).
#[derive(Clone, Debug)]
pub struct RuntimeMetrics {
    pub(crate) handle: Handle,
}

impl RuntimeMetrics {
    /// Returns the number of worker threads used by the runtime (1 for the
    /// current-thread flavor).
    pub fn num_workers(&self) -> usize {
        match &self.handle.inner.scheduler {
            Scheduler::CurrentThread { .. } => 1,
        }
    }

    /// Returns the current number of alive tasks in the runtime (spawned
    /// and not yet completed or dropped).
    pub fn num_alive_tasks(&self) -> usize {
        match &self.handle.inner.scheduler {
            Scheduler::CurrentThread { handle, .. } => handle.num_alive_tasks(),
        }
    }

    /// Returns the number of tasks currently scheduled in the runtime's
    /// global (remote) queue.
    pub fn global_queue_depth(&self) -> usize {
        match &self.handle.inner.scheduler {
            Scheduler::CurrentThread { handle, .. } => handle.global_queue_depth(),
        }
    }

    /// Returns the number of tasks spawned in this runtime since it was
    /// created.
    pub fn spawned_tasks_count(&self) -> u64 {
        match &self.handle.inner.scheduler {
            Scheduler::CurrentThread { handle, .. } => handle.spawned_tasks_count(),
        }
    }

    /// Returns the number of additional threads spawned by the runtime for
    /// blocking operations.
    pub fn num_blocking_threads(&self) -> usize {
        self.handle.inner.blocking.num_blocking_threads()
    }

    /// Returns the number of idle threads in the blocking pool.
    pub fn num_idle_blocking_threads(&self) -> usize {
        self.handle.inner.blocking.num_idle_blocking_threads()
    }

    /// Returns the number of tasks queued in the blocking pool.
    pub fn blocking_queue_depth(&self) -> usize {
        self.handle.inner.blocking.blocking_queue_depth()
    }

    /// Returns the number of times the given worker thread parked.
    ///
    /// # Panics
    ///
    /// Panics if `worker` is not a valid worker index.
    #[track_caller]
    pub fn worker_park_count(&self, worker: usize) -> u64 {
        match &self.handle.inner.scheduler {
            Scheduler::CurrentThread { handle, .. } => {
                assert_eq!(worker, 0, "worker index out of range");
                handle.worker_park_count()
            }
        }
    }

    /// Returns the number of tasks the given worker has polled.
    ///
    /// # Panics
    ///
    /// Panics if `worker` is not a valid worker index.
    #[track_caller]
    pub fn worker_poll_count(&self, worker: usize) -> u64 {
        match &self.handle.inner.scheduler {
            Scheduler::CurrentThread { handle, .. } => {
                assert_eq!(worker, 0, "worker index out of range");
                handle.worker_poll_count()
            }
        }
    }

    /// Returns the number of tasks in the given worker's local queue.
    ///
    /// # Panics
    ///
    /// Panics if `worker` is not a valid worker index.
    #[track_caller]
    pub fn worker_local_queue_depth(&self, worker: usize) -> usize {
        match &self.handle.inner.scheduler {
            Scheduler::CurrentThread { handle, .. } => {
                assert_eq!(worker, 0, "worker index out of range");
                handle.worker_local_queue_depth()
            }
        }
    }
}
