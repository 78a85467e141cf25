use std::time::Duration;

use super::handle::Scheduler;
use super::Handle;

/// Handle to the runtime's metrics.
///
/// This handle is internally reference-counted and can be freely cloned.
/// A `RuntimeMetrics` handle is obtained using [`Runtime::metrics`](super::Runtime::metrics).
/// Per-worker counters are kept per worker (on their own cache lines) and
/// summed only when read.
#[derive(Clone, Debug)]
pub struct RuntimeMetrics {
    pub(crate) handle: Handle,
}

/// Forwards a metric to the scheduler's handle; the current-thread flavor
/// has one worker, index 0.
macro_rules! per_worker {
    ($self:ident, $worker:ident, |$h:ident| $ct:expr, $name:ident) => {
        match &$self.handle.inner.scheduler {
            Scheduler::CurrentThread { handle: $h, .. } => {
                assert!(
                    $worker == 0,
                    "worker index {} out of range (1 worker)",
                    $worker
                );
                let _ = $h;
                $ct
            }
            #[cfg(feature = "rt-multi-thread")]
            Scheduler::MultiThread { handle, .. } => handle.$name($worker),
        }
    };
}

impl RuntimeMetrics {
    /// Returns the number of worker threads used by the runtime (1 for the
    /// current-thread flavor).
    pub fn num_workers(&self) -> usize {
        match &self.handle.inner.scheduler {
            Scheduler::CurrentThread { .. } => 1,
            #[cfg(feature = "rt-multi-thread")]
            Scheduler::MultiThread { handle, .. } => handle.num_workers(),
        }
    }

    /// Returns the current number of alive tasks in the runtime (spawned
    /// and not yet completed or dropped).
    pub fn num_alive_tasks(&self) -> usize {
        match &self.handle.inner.scheduler {
            Scheduler::CurrentThread { handle, .. } => handle.num_alive_tasks(),
            #[cfg(feature = "rt-multi-thread")]
            Scheduler::MultiThread { handle, .. } => handle.num_alive_tasks(),
        }
    }

    /// Returns the number of tasks currently scheduled in the runtime's
    /// global (injection) queue.
    pub fn global_queue_depth(&self) -> usize {
        match &self.handle.inner.scheduler {
            Scheduler::CurrentThread { handle, .. } => handle.global_queue_depth(),
            #[cfg(feature = "rt-multi-thread")]
            Scheduler::MultiThread { handle, .. } => handle.global_queue_depth(),
        }
    }

    /// Returns the number of tasks spawned in this runtime since it was
    /// created.
    pub fn spawned_tasks_count(&self) -> u64 {
        match &self.handle.inner.scheduler {
            Scheduler::CurrentThread { handle, .. } => handle.spawned_tasks_count(),
            #[cfg(feature = "rt-multi-thread")]
            Scheduler::MultiThread { handle, .. } => handle.spawned_tasks_count(),
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
        per_worker!(self, worker, |h| h.worker_park_count(), worker_park_count)
    }

    /// Returns the number of times the given worker thread unparked.
    ///
    /// # Panics
    ///
    /// Panics if `worker` is not a valid worker index.
    #[track_caller]
    pub fn worker_unpark_count(&self, worker: usize) -> u64 {
        per_worker!(self, worker, |h| h.worker_park_count(), worker_unpark_count)
    }

    /// Returns the number of times the given worker unparked but found no
    /// work.
    ///
    /// # Panics
    ///
    /// Panics if `worker` is not a valid worker index.
    #[track_caller]
    pub fn worker_noop_count(&self, worker: usize) -> u64 {
        per_worker!(self, worker, |h| 0, worker_noop_count)
    }

    /// Returns the number of tasks the given worker stole from other workers.
    ///
    /// # Panics
    ///
    /// Panics if `worker` is not a valid worker index.
    #[track_caller]
    pub fn worker_steal_count(&self, worker: usize) -> u64 {
        per_worker!(self, worker, |h| 0, worker_steal_count)
    }

    /// Returns the number of steal operations the given worker performed.
    ///
    /// # Panics
    ///
    /// Panics if `worker` is not a valid worker index.
    #[track_caller]
    pub fn worker_steal_operations(&self, worker: usize) -> u64 {
        per_worker!(self, worker, |h| 0, worker_steal_operations)
    }

    /// Returns the number of tasks the given worker has polled.
    ///
    /// # Panics
    ///
    /// Panics if `worker` is not a valid worker index.
    #[track_caller]
    pub fn worker_poll_count(&self, worker: usize) -> u64 {
        per_worker!(self, worker, |h| h.worker_poll_count(), worker_poll_count)
    }

    /// Returns the number of tasks in the given worker's local queue.
    ///
    /// # Panics
    ///
    /// Panics if `worker` is not a valid worker index.
    #[track_caller]
    pub fn worker_local_queue_depth(&self, worker: usize) -> usize {
        per_worker!(
            self,
            worker,
            |h| h.worker_local_queue_depth(),
            worker_local_queue_depth
        )
    }

    /// Returns the total time the given worker spent running tasks (not
    /// tracked by the current-thread flavor: zero).
    ///
    /// # Panics
    ///
    /// Panics if `worker` is not a valid worker index.
    #[track_caller]
    pub fn worker_total_busy_duration(&self, worker: usize) -> Duration {
        per_worker!(self, worker, |h| Duration::ZERO, worker_total_busy_duration)
    }

    /// Returns the number of times the given worker's local queue
    /// overflowed into the global queue.
    ///
    /// # Panics
    ///
    /// Panics if `worker` is not a valid worker index.
    #[track_caller]
    pub fn worker_overflow_count(&self, worker: usize) -> u64 {
        per_worker!(self, worker, |h| 0, worker_overflow_count)
    }
}
