//! The shared, thread-safe part of the pool: what `spawn`, wake-ups, the
//! metrics and the workers use.

use std::fmt;
use std::future::Future;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::thread;
use std::time::{Duration, Instant};

use crossbeam_deque::{Injector, Steal, Stealer};
use crossbeam_utils::atomic::AtomicCell;
use crossbeam_utils::CachePadded;
use rt_task::context::{self, Handles};
use rt_task::{Id, JoinHandle, Notified, OwnedTasks, Schedule, Task};

use crate::idle::Idle;
use crate::park::{Parker, SharedDriver};
use crate::worker::{Core, WorkerCtx};
use crate::Config;

/// A task of this scheduler, as it sits on a run queue.
pub(crate) type Notif = Notified<Scheduler>;

// The LIFO slot and the hand-off slot must be plain atomic words, not
// crossbeam's striped-lock fallback.
const _: () = assert!(AtomicCell::<Option<Notif>>::is_lock_free());
const _: () = assert!(AtomicCell::<Option<Box<Core>>>::is_lock_free());

/// The scheduler value stored in each task: a reference to the pool's
/// shared state.
#[derive(Clone)]
pub(crate) struct Scheduler(pub(crate) Arc<Handle>);

impl fmt::Debug for Scheduler {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("Scheduler").finish_non_exhaustive()
    }
}

impl Schedule for Scheduler {
    fn schedule(&self, task: Notified<Self>) {
        self.0.schedule_task(task, false);
    }

    fn release(&self, task: &Task<Self>) -> Option<Task<Self>> {
        self.0.owned.remove(task)
    }

    fn yield_now(&self, task: Notified<Self>) {
        self.0.schedule_task(task, true);
    }
}

/// Counters of one worker, written only by the thread holding that worker's
/// core (plain load + store, no read-modify-write), read by the metrics.
#[derive(Default)]
pub(crate) struct WorkerMetrics {
    pub(crate) polls: AtomicU64,
    pub(crate) parks: AtomicU64,
    pub(crate) unparks: AtomicU64,
    pub(crate) noops: AtomicU64,
    pub(crate) steals: AtomicU64,
    pub(crate) steal_operations: AtomicU64,
    pub(crate) overflows: AtomicU64,
    pub(crate) busy_nanos: AtomicU64,
    pub(crate) spawns: AtomicU64,
}

/// Adds `n` to a single-writer counter.
#[inline]
pub(crate) fn bump(counter: &AtomicU64, n: u64) {
    counter.store(
        counter.load(Ordering::Relaxed).wrapping_add(n),
        Ordering::Relaxed,
    );
}

/// The part of a worker written on every poll by its owner: the LIFO slot
/// and the counters. On its own cache lines.
pub(crate) struct Hot {
    /// The LIFO slot: the task to run next. Stealable (see `worker.rs`).
    pub(crate) lifo: AtomicCell<Option<Notif>>,
    pub(crate) metrics: WorkerMetrics,
}

/// What other threads see of one worker.
pub(crate) struct Remote {
    pub(crate) hot: CachePadded<Hot>,
    /// Steals from the worker's run queue.
    pub(crate) steal: Stealer<Notif>,
    /// A core waiting for a thread to run it (at launch and on
    /// `block_in_place`); whichever thread takes it runs it.
    pub(crate) handoff: AtomicCell<Option<Box<Core>>>,
    pub(crate) parker: CachePadded<Parker>,
}

/// The shutdown bookkeeping.
pub(crate) struct ShutdownState {
    /// Cores handed back after the pool was closed.
    #[allow(
        clippy::vec_box,
        reason = "cores travel as boxes (hand-off slots are one atomic word)"
    )]
    cores: Vec<Box<Core>>,
    /// Cores lost to a panic of a worker loop (a hook or the driver).
    lost: usize,
    /// All cores are back and the queues and the driver were cleaned up.
    finalized: bool,
}

/// The shared part of a multi-thread scheduler: spawning, wake-ups and
/// metrics. Obtained from [`MultiThread::new`](crate::MultiThread::new).
pub struct Handle {
    pub(crate) config: Config,
    pub(crate) remotes: Box<[Remote]>,
    pub(crate) inject: Injector<Notif>,
    pub(crate) idle: Idle,
    pub(crate) owned: OwnedTasks<Scheduler>,
    pub(crate) driver: SharedDriver,
    pub(crate) closed: AtomicBool,
    /// A parked worker wakes up now and then to steal LIFO tasks of workers
    /// stuck in a long poll (see `worker.rs`, "The stealable LIFO slot").
    pub(crate) watching: CachePadded<AtomicBool>,
    /// Spawns from threads that are not this pool's workers.
    pub(crate) remote_spawns: CachePadded<AtomicU64>,
    /// The context every worker thread enters; taken at shutdown to break
    /// the `Handle -> Handles -> facade handle -> Handle` cycle.
    pub(crate) context: Mutex<Option<Handles>>,
    /// Threads this pool started itself (workers, and `block_in_place`
    /// hand-offs when no blocking pool is available).
    pub(crate) threads: Mutex<Vec<thread::JoinHandle<()>>>,
    pub(crate) shutdown: Mutex<ShutdownState>,
    pub(crate) shutdown_cv: Condvar,
}

impl Handle {
    pub(crate) fn new(
        config: Config,
        driver: SharedDriver,
        stealers: Vec<Stealer<Notif>>,
    ) -> Handle {
        let n = stealers.len();
        Handle {
            remotes: stealers
                .into_iter()
                .map(|steal| Remote {
                    hot: CachePadded::new(Hot {
                        lifo: AtomicCell::new(None),
                        metrics: WorkerMetrics::default(),
                    }),
                    steal,
                    handoff: AtomicCell::new(None),
                    parker: CachePadded::new(Parker::new()),
                })
                .collect(),
            inject: Injector::new(),
            idle: Idle::new(n),
            owned: OwnedTasks::new(4 * n),
            driver,
            closed: AtomicBool::new(false),
            watching: CachePadded::new(AtomicBool::new(false)),
            remote_spawns: CachePadded::new(AtomicU64::new(0)),
            context: Mutex::new(None),
            threads: Mutex::new(Vec::new()),
            shutdown: Mutex::new(ShutdownState {
                cores: Vec::new(),
                lost: 0,
                finalized: false,
            }),
            shutdown_cv: Condvar::new(),
            config,
        }
    }

    /// Spawns a `Send` future onto the pool.
    ///
    /// From one of the pool's worker threads the task goes to that worker's
    /// LIFO slot (it runs next, on a warm cache); from any other thread it
    /// goes to the shared injection queue and a parked worker is woken if
    /// none is searching. If the pool is shut down, the task is cancelled at
    /// once (its `JoinHandle` yields a cancelled `JoinError`).
    pub fn spawn<F>(self: &Arc<Self>, future: F, id: Id) -> JoinHandle<F::Output>
    where
        F: Future + Send + 'static,
        F::Output: Send + 'static,
    {
        let (join, notified) = self.owned.bind(future, Scheduler(self.clone()), id);
        match notified {
            Some(task) => self.schedule_spawned(task),
            None => {
                self.remote_spawns.fetch_add(1, Ordering::Relaxed);
            }
        }
        join
    }

    fn schedule_spawned(self: &Arc<Self>, task: Notif) {
        let task = self.try_schedule_local(task, false, true);
        if let Some(task) = task {
            self.remote_spawns.fetch_add(1, Ordering::Relaxed);
            self.push_remote(task);
            self.notify_parked();
        }
    }

    pub(crate) fn schedule_task(&self, task: Notif, is_yield: bool) {
        if let Some(task) = self.try_schedule_local(task, is_yield, false) {
            self.push_remote(task);
            self.notify_parked();
        }
    }

    /// Schedules on the current thread's core if it is one of this pool's
    /// workers and holds a core; gives the task back otherwise.
    #[inline]
    fn try_schedule_local(&self, task: Notif, is_yield: bool, spawn: bool) -> Option<Notif> {
        let mut task = Some(task);
        context::with_scheduler::<WorkerCtx, _>(|cx| {
            let Some(cx) = cx else { return };
            if !std::ptr::eq(Arc::as_ptr(&cx.handle), self) {
                return;
            }
            let Ok(mut core) = cx.core.try_borrow_mut() else {
                return;
            };
            let Some(core) = core.as_mut() else { return };
            if let Some(t) = task.take() {
                if spawn {
                    bump(&self.remotes[core.index].hot.metrics.spawns, 1);
                }
                core.schedule_local(self, t, is_yield);
            }
        });
        task
    }

    /// Pushes onto the injection queue (the caller then notifies). After the
    /// pool is closed the task is dropped instead (it has been or will be
    /// cancelled by the shutdown sweep, which holds its own reference).
    pub(crate) fn push_remote(&self, task: Notif) {
        if self.is_closed() {
            drop(task);
            return;
        }
        self.inject.push(task);
        // The closer sets `closed` and then drains the injector; a push that
        // raced with that drain is drained here (both orders are covered:
        // SeqCst on both sides).
        if self.is_closed() {
            self.drain_inject();
        }
    }

    /// Pops one task from the injection queue.
    pub(crate) fn pop_remote(&self) -> Option<Notif> {
        loop {
            match self.inject.steal() {
                Steal::Success(t) => return Some(t),
                Steal::Empty => return None,
                Steal::Retry => std::hint::spin_loop(),
            }
        }
    }

    pub(crate) fn drain_inject(&self) {
        while let Some(task) = self.pop_remote() {
            drop(task);
        }
    }

    /// Wakes a parked worker if work was pushed and nobody searches.
    #[inline]
    pub(crate) fn notify_parked(&self) {
        if let Some(index) = self.idle.worker_to_notify() {
            self.remotes[index].parker.unpark(&self.driver);
        }
    }

    /// The last searcher parks: wake a worker if any queue holds work.
    pub(crate) fn notify_if_work_pending(&self) {
        let pending = self.remotes.iter().any(|r| !r.steal.is_empty()) || !self.inject.is_empty();
        if pending {
            self.notify_parked();
        }
    }

    pub(crate) fn is_closed(&self) -> bool {
        self.closed.load(Ordering::SeqCst)
    }

    /// Closes the pool and wakes every worker. Returns false if it was
    /// already closed.
    pub(crate) fn close(&self) -> bool {
        if self.closed.swap(true, Ordering::SeqCst) {
            return false;
        }
        for remote in self.remotes.iter() {
            remote.parker.unpark(&self.driver);
        }
        true
    }

    fn lock_shutdown(&self) -> MutexGuard<'_, ShutdownState> {
        self.shutdown.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// A core comes back after the pool was closed (its tasks were
    /// cancelled by its worker). The last one cleans up.
    pub(crate) fn return_core(&self, core: Box<Core>) {
        let mut state = self.lock_shutdown();
        state.cores.push(core);
        self.maybe_finalize(state);
    }

    /// A worker loop unwound (a hook or the driver panicked): its core is
    /// gone, do not wait for it.
    pub(crate) fn core_lost(&self) {
        let mut state = self.lock_shutdown();
        state.lost += 1;
        self.maybe_finalize(state);
    }

    fn maybe_finalize(&self, mut state: MutexGuard<'_, ShutdownState>) {
        if state.finalized || state.cores.len() + state.lost < self.remotes.len() {
            return;
        }
        let mut cores = std::mem::take(&mut state.cores);
        drop(state);
        // The workers swept the task list when they stopped; sweep again in
        // case none ran (a pool never launched, shut down in the background).
        self.owned.close_and_shutdown_all();
        // What is left on the queues are notifications of finished tasks.
        // Drop them, then shut the driver down.
        for core in cores.iter_mut() {
            while let Some(task) = core.run_queue.pop() {
                drop(task);
            }
            core.deferred.clear();
        }
        for remote in self.remotes.iter() {
            drop(remote.hot.lifo.take());
        }
        self.drain_inject();
        self.driver.shutdown();
        let mut state = self.lock_shutdown();
        state.cores = cores;
        state.finalized = true;
        drop(state);
        self.shutdown_cv.notify_all();
    }

    /// Waits until every core is back and cleaned up, or `deadline`.
    pub(crate) fn wait_finalized(&self, deadline: Option<Instant>) -> bool {
        let mut state = self.lock_shutdown();
        while !state.finalized {
            match deadline {
                None => {
                    state = self
                        .shutdown_cv
                        .wait(state)
                        .unwrap_or_else(|e| e.into_inner());
                }
                Some(deadline) => {
                    let now = Instant::now();
                    if now >= deadline {
                        return false;
                    }
                    state = self
                        .shutdown_cv
                        .wait_timeout(state, deadline - now)
                        .unwrap_or_else(|e| e.into_inner())
                        .0;
                }
            }
        }
        true
    }

    #[track_caller]
    fn worker(&self, worker: usize) -> &Remote {
        let n = self.remotes.len();
        assert!(
            worker < n,
            "worker index {worker} is out of range: the runtime has {n} worker threads"
        );
        &self.remotes[worker]
    }

    #[track_caller]
    fn metrics(&self, worker: usize) -> &WorkerMetrics {
        &self.worker(worker).hot.metrics
    }

    /// The number of worker threads (cores) of the pool.
    pub fn num_workers(&self) -> usize {
        self.remotes.len()
    }

    /// The number of tasks alive: spawned and not yet completed or
    /// cancelled.
    pub fn num_alive_tasks(&self) -> usize {
        self.owned.len()
    }

    /// The number of tasks in the shared injection queue.
    pub fn global_queue_depth(&self) -> usize {
        self.inject.len()
    }

    /// The number of tasks spawned on this pool since it was created.
    pub fn spawned_tasks_count(&self) -> u64 {
        let local: u64 = self
            .remotes
            .iter()
            .map(|r| r.hot.metrics.spawns.load(Ordering::Relaxed))
            .sum();
        local + self.remote_spawns.load(Ordering::Relaxed)
    }

    /// The number of times worker `worker` parked (blocked waiting for
    /// work).
    ///
    /// # Panics
    ///
    /// Panics if `worker` is not below [`num_workers`](Self::num_workers);
    /// so do the other `worker_*` getters.
    #[track_caller]
    pub fn worker_park_count(&self, worker: usize) -> u64 {
        self.metrics(worker).parks.load(Ordering::Relaxed)
    }

    /// The number of times worker `worker` woke up from a park.
    #[track_caller]
    pub fn worker_unpark_count(&self, worker: usize) -> u64 {
        self.metrics(worker).unparks.load(Ordering::Relaxed)
    }

    /// The number of times worker `worker` woke up and parked again without
    /// polling a task.
    #[track_caller]
    pub fn worker_noop_count(&self, worker: usize) -> u64 {
        self.metrics(worker).noops.load(Ordering::Relaxed)
    }

    /// The number of tasks worker `worker` stole from other workers (and
    /// from LIFO slots of workers stuck in a long poll).
    #[track_caller]
    pub fn worker_steal_count(&self, worker: usize) -> u64 {
        self.metrics(worker).steals.load(Ordering::Relaxed)
    }

    /// The number of successful steal operations of worker `worker` (one
    /// operation may take a batch of tasks).
    #[track_caller]
    pub fn worker_steal_operations(&self, worker: usize) -> u64 {
        self.metrics(worker)
            .steal_operations
            .load(Ordering::Relaxed)
    }

    /// The number of task polls worker `worker` performed.
    #[track_caller]
    pub fn worker_poll_count(&self, worker: usize) -> u64 {
        self.metrics(worker).polls.load(Ordering::Relaxed)
    }

    /// The number of tasks in worker `worker`'s local run queue (not
    /// counting its LIFO slot).
    #[track_caller]
    pub fn worker_local_queue_depth(&self, worker: usize) -> usize {
        self.worker(worker).steal.len()
    }

    /// The time worker `worker` spent busy: from waking up to parking again.
    /// Updated when the worker parks.
    #[track_caller]
    pub fn worker_total_busy_duration(&self, worker: usize) -> Duration {
        Duration::from_nanos(self.metrics(worker).busy_nanos.load(Ordering::Relaxed))
    }

    /// The number of times worker `worker`'s local queue was full and half
    /// of it moved to the injection queue.
    #[track_caller]
    pub fn worker_overflow_count(&self, worker: usize) -> u64 {
        self.metrics(worker).overflows.load(Ordering::Relaxed)
    }

    /// Whether the pool has been shut down.
    pub fn is_shutdown(&self) -> bool {
        self.is_closed()
    }
}

impl fmt::Debug for Handle {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("multi_thread::Handle")
            .field("num_workers", &self.num_workers())
            .field("idle", &self.idle)
            .field("closed", &self.is_closed())
            .finish_non_exhaustive()
    }
}
