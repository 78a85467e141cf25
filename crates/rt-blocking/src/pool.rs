//! The blocking pool: one FIFO queue of tasks and its bookkeeping under one
//! `Mutex`, worker threads spawned on demand, two `Condvar`s.
//!
//! # State (all of it under `Inner::shared`)
//!
//! * `queue`: tasks not yet started, each flagged *mandatory* or not.
//! * `num_threads`: threads that count against `max_blocking_threads` (and
//!   that the metrics report). A thread leaves this count in the same critical
//!   section in which it decides to exit, so capacity is never "in limbo".
//! * `live`: threads whose body has not finished yet (they still run their
//!   `before_stop` hook, leave the context...). Shutdown waits on this one.
//! * `num_idle`: idle threads that no spawner has claimed yet.
//! * `num_notify`: claims not yet picked up ("wake-up tokens").
//! * `spinning`: a thread is spinning and unclaimed (see "Spinning").
//! * `shutdown`, `context` (the handles every new thread enters), the
//!   `JoinHandle`s of the threads (`workers`, by worker id) and the handle of
//!   the last thread that exited on its own (`last_exiting`).
//!
//! # Protocol
//!
//! 1. **Spawn** (any thread), one lock: if `shutdown`, give the task back (the
//!    caller cancels it). Otherwise push it, then:
//!    - if `spinning`: clear it and claim the spinner (`spin.rs`), no wake-up
//!      call at all;
//!    - if `num_idle > 0`: claim an idle thread (`num_idle -= 1`,
//!      `num_notify += 1`), unlock, `notify_one` on `work_cv`. No thread is
//!      spawned while an idle one exists;
//!    - else if `num_threads < max` (or the task is mandatory: it must run
//!      even at the limit): `num_threads += 1`, `live += 1`, spawn an OS
//!      thread *while still holding the lock* and record its `JoinHandle`, so
//!      that `workers` is complete whenever the lock is free;
//!    - else leave it queued: every busy thread drains the queue before it
//!      goes idle.
//! 2. **Worker loop**: pop and run tasks until the queue is empty (the lock is
//!    released around each run). Then, if `shutdown`, exit. Otherwise, if it
//!    ran a task since it last spun, nobody spins and no task is in flight,
//!    spin (see "Spinning") and drain the queue again. Otherwise become idle (`num_idle += 1`) and wait on `work_cv` until `keep_alive` elapses,
//!    checking after every wake-up, under the lock, in this order:
//!    - a token (`num_notify > 0`): take it and go back to popping. The
//!      spawner already took this thread out of `num_idle`;
//!    - `shutdown`: leave `num_idle` and exit;
//!    - the keep-alive deadline passed: leave `num_idle` and exit;
//!    - otherwise it was spurious: wait again for the rest of the deadline.
//!
//!    On exit the thread leaves `num_threads` in that same critical section.
//! 3. **Thread end** (also on unwind): run `before_stop`, leave the context,
//!    then under the lock `live -= 1`; if not shut down, move the own
//!    `JoinHandle` from `workers` to `last_exiting` and join the previous
//!    occupant after unlocking (so at most one exited thread is un-joined);
//!    if shut down, `notify_all` on `exit_cv`.
//! 4. **Shutdown** (idempotent: a second call returns at once): set
//!    `shutdown`, take the context handles out (this breaks the
//!    `Spawner -> handles -> Spawner` cycle), take every non-mandatory queued
//!    task out, unlock, `notify_all` on `work_cv`, cancel the taken tasks.
//!    Then wait on `exit_cv` until `live` drops to zero (or to one if called
//!    from a pool thread, which cannot wait for itself), or the timeout
//!    passes. Finally join every recorded thread: all of them if the wait
//!    ended normally, only those already finished if it timed out (the rest
//!    are detached, as documented for `shutdown_timeout`).
//!
//! # Spinning
//!
//! A thread that drained the queue while no other task is queued or running
//! sets `spinning` and, unlocked, watches the claim word for up to 50 µs
//! before it becomes idle. A task spawned meanwhile
//! is handed over with one atomic store, and the thread picks it up without
//! being woken by the kernel: a `spawn_blocking` round trip from a task that
//! awaits it (what every `rt-fs` operation is) no longer pays a futex wake
//! and a context switch on the pool side. One thread spins at a time, and a
//! thread spins once per burst of work, so an idle pool costs no CPU. The
//! hand-off protocol and its loom model are in `spin.rs`. Tokio's pool
//! sleeps at once.
//!
//! # Why it is correct
//!
//! * *No lost task.* A task is pushed and its wake-up decided in one critical
//!   section. If it claimed an idle thread, that thread checks the token
//!   count under the lock before every wait, so a `notify_one` that finds
//!   nobody waiting (the thread is between a timeout and re-locking) is not
//!   lost. Tokens are interchangeable: whichever idle thread takes one leaves
//!   the idle set, and `num_idle` still counts the ones that remain. If no
//!   thread was idle, either a new thread starts, or `num_threads` threads
//!   exist that are all busy, and each checks the queue before going idle.
//!   The one gap would be a thread that decided to exit but still counts
//!   towards the limit; step 2 closes it by leaving `num_threads` in the very
//!   critical section in which it decides.
//! * *No hang at shutdown.* After `shutdown` is set no task is queued and no
//!   thread is spawned. The queue then holds only mandatory tasks, which the
//!   remaining threads run (each had a thread spawned or claimed for it).
//!   Idle threads are woken by `notify_all` and see the flag; busy ones see
//!   it when their queue is empty. Each finished thread decrements `live`
//!   and notifies `exit_cv`, which the shutdown waits on under the same lock.
//! * *No leaked thread.* Every thread is in `workers` or `last_exiting` until
//!   it is joined: either by the next thread that exits on its own or by
//!   `shutdown`, which joins `last_exiting` and all of `workers`. (A thread
//!   joined by a later exiter is itself joined transitively through that one.)

use std::collections::{HashMap, VecDeque};
use std::fmt;
use std::mem;
use std::sync::atomic::{AtomicUsize, Ordering::Relaxed};
use std::sync::{Arc, Condvar, Mutex, MutexGuard, PoisonError};
use std::thread;
use std::time::{Duration, Instant};

use rt_task::context::{self, AnyHandle, Driver, Handles};
use rt_task::{Id, JoinHandle, UnownedTask};

use crate::spin::{SpinSlot, SPIN_FOR};
use crate::task::{BlockingSchedule, BlockingTask};
use crate::Config;

type Task = UnownedTask<BlockingSchedule>;

/// A queued task.
struct Queued {
    task: Task,
    /// Must run even if the pool is at its thread limit or shutting down.
    mandatory: bool,
    /// Dropped once the task has finished (its output handed to the
    /// `JoinHandle`) or was cancelled (see `spawn_blocking_with_guard`).
    guard: Option<Box<dyn Send>>,
}

/// The blocking thread pool owned by a runtime.
///
/// Threads are spawned on demand, only when no idle thread is available, up
/// to [`Config::max_blocking_threads`]; beyond that, tasks wait in a queue.
/// An idle thread exits after [`Config::keep_alive`].
///
/// Dropping the pool is [`BlockingPool::shutdown`]`(None)`: it waits for the
/// running blocking tasks and joins every thread.
///
/// # Examples
///
/// ```
/// use rt_blocking::{BlockingPool, Config};
///
/// let pool = BlockingPool::new(Config::default());
/// let handle = pool.spawner().spawn_blocking(|| 6 * 7);
/// assert_eq!(futures::executor::block_on(handle).unwrap(), 42);
/// drop(pool); // waits for running tasks and joins the threads
/// ```
pub struct BlockingPool {
    spawner: Spawner,
}

/// A cheap, cloneable handle that spawns tasks onto a [`BlockingPool`].
///
/// It is `Send + Sync`. It stays valid after the pool shut down: tasks
/// spawned then are cancelled at once (their `JoinHandle` yields a cancelled
/// `JoinError`).
///
/// # The context slot
///
/// The runtime context slot [`Driver::Blocking`] holds an `Arc<Spawner>`
/// erased to [`AnyHandle`] (build it with [`Spawner::to_context_handle`]);
/// [`crate::spawn_blocking`] and [`Spawner::try_current`] downcast it to
/// `Spawner`.
#[derive(Clone)]
pub struct Spawner {
    inner: Arc<Inner>,
}

struct Inner {
    shared: Mutex<Shared>,
    /// Idle workers wait here for a token, the shutdown, or their keep-alive.
    work_cv: Condvar,
    /// `shutdown` waits here for `live` to drop.
    exit_cv: Condvar,
    /// The claim word of the spinning thread (`spin.rs`).
    spin: SpinSlot,
    /// Tasks queued or running (see [`InFlight`]).
    in_flight: InFlight,
    thread_name: Arc<dyn Fn() -> String + Send + Sync>,
    stack_size: Option<usize>,
    after_start: Option<Arc<dyn Fn() + Send + Sync>>,
    before_stop: Option<Arc<dyn Fn() + Send + Sync>>,
    max_threads: usize,
    keep_alive: Duration,
}

struct Shared {
    queue: VecDeque<Queued>,
    num_threads: usize,
    live: usize,
    num_idle: usize,
    num_notify: usize,
    /// A thread spins (waits for a claim on `Inner::spin`) and no spawner
    /// has claimed it yet.
    spinning: bool,
    shutdown: bool,
    next_worker_id: usize,
    workers: HashMap<usize, thread::JoinHandle<()>>,
    last_exiting: Option<thread::JoinHandle<()>>,
    context: Option<Handles>,
}

impl BlockingPool {
    /// Creates a pool. No thread is started until the first task arrives.
    ///
    /// # Panics
    ///
    /// Panics if `config.max_blocking_threads` is 0.
    #[track_caller]
    pub fn new(config: Config) -> BlockingPool {
        assert!(
            config.max_blocking_threads > 0,
            "Max blocking threads cannot be set to 0"
        );
        let inner = Inner {
            shared: Mutex::new(Shared {
                queue: VecDeque::new(),
                num_threads: 0,
                live: 0,
                num_idle: 0,
                num_notify: 0,
                spinning: false,
                shutdown: false,
                next_worker_id: 0,
                workers: HashMap::new(),
                last_exiting: None,
                context: None,
            }),
            work_cv: Condvar::new(),
            exit_cv: Condvar::new(),
            spin: SpinSlot::default(),
            in_flight: InFlight(Arc::new(AtomicUsize::new(0))),
            thread_name: config.thread_name,
            stack_size: config.stack_size,
            after_start: config.after_start,
            before_stop: config.before_stop,
            max_threads: config.max_blocking_threads,
            keep_alive: config.keep_alive,
        };
        BlockingPool {
            spawner: Spawner {
                inner: Arc::new(inner),
            },
        }
    }

    /// Returns a handle that spawns tasks onto this pool.
    pub fn spawner(&self) -> Spawner {
        self.spawner.clone()
    }

    /// Shuts the pool down.
    ///
    /// Queued tasks that have not started are cancelled (their `JoinHandle`
    /// yields a cancelled `JoinError`); tasks spawned from now on are
    /// cancelled at once. Then it waits for the running tasks to finish and
    /// for their threads to exit: with `None`, as long as it takes, and then
    /// every thread of the pool has been joined; with `Some(d)`, at most `d`,
    /// after which the threads still running are detached (they finish their
    /// task and exit on their own). `Some(Duration::ZERO)` does not wait.
    ///
    /// Only the first call does anything; later calls return at once.
    ///
    /// Called from one of the pool's own threads (a blocking task that drops
    /// its runtime), it waits for the other threads only.
    pub fn shutdown(&mut self, timeout: Option<Duration>) {
        self.spawner.inner.shutdown(timeout);
    }
}

impl Drop for BlockingPool {
    fn drop(&mut self) {
        self.shutdown(None);
    }
}

impl fmt::Debug for BlockingPool {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("BlockingPool")
            .field("spawner", &self.spawner)
            .finish()
    }
}

/// The panic message of [`crate::spawn_blocking`] outside a runtime.
pub(crate) const NO_RUNTIME: &str =
    "there is no reactor running, must be called from the context of an rt runtime";

impl Spawner {
    /// Returns the spawner of the current runtime (the context slot
    /// [`Driver::Blocking`]), if there is one.
    pub fn try_current() -> Option<Spawner> {
        context::with_driver::<Spawner, _>(Driver::Blocking, |s| s.cloned())
    }

    /// Whether a runtime's blocking pool is current (what
    /// [`try_current`](Self::try_current)`().is_some()` says, without
    /// cloning the spawner).
    ///
    /// ```
    /// // No runtime on this thread.
    /// assert!(!rt_blocking::Spawner::is_current());
    /// ```
    #[inline]
    pub fn is_current() -> bool {
        context::with_driver::<Spawner, _>(Driver::Blocking, |s| s.is_some())
    }

    /// Erases a clone of this spawner for the runtime context: the value to
    /// put in the slot [`Driver::Blocking`] (an `Arc<Spawner>`).
    pub fn to_context_handle(&self) -> AnyHandle {
        Arc::new(self.clone())
    }

    /// Runs `f` on a pool thread and returns a handle to await its result.
    ///
    /// A thread is spawned only if no idle thread is available and the pool
    /// is below its limit; otherwise the task waits in the queue. If `f`
    /// panics, the handle yields a panic `JoinError`. If the pool is shut
    /// down (now or before `f` starts), the handle yields a cancelled
    /// `JoinError`. Aborting the handle cancels `f` only if it has not
    /// started yet.
    ///
    /// # Panics
    ///
    /// Panics if the OS refuses to spawn a thread while the pool has none.
    #[track_caller]
    pub fn spawn_blocking<F, R>(&self, f: F) -> JoinHandle<R>
    where
        F: FnOnce() -> R + Send + 'static,
        R: Send + 'static,
    {
        let (task, handle) = self.new_task(f);
        if let Err(task) = self.spawn_task(task, false, None) {
            task.shutdown();
        }
        handle
    }

    /// Like [`spawn_blocking`](Self::spawn_blocking), and `guard` is dropped
    /// only after the task has finished *and* its output was handed to the
    /// `JoinHandle` (whose waker has been woken), or after it was cancelled.
    ///
    /// Dropping a guard from inside the closure would be too early: the
    /// closure returns before its output is published. The facade uses this
    /// to keep a paused clock from auto-advancing until a blocking task's
    /// result is visible to the task awaiting it.
    #[track_caller]
    pub fn spawn_blocking_with_guard<F, R, G>(&self, f: F, guard: G) -> JoinHandle<R>
    where
        F: FnOnce() -> R + Send + 'static,
        R: Send + 'static,
        G: Send + 'static,
    {
        let (task, handle) = self.new_task(f);
        if let Err(task) = self.spawn_task(task, false, Some(Box::new(guard))) {
            task.shutdown();
        }
        handle
    }

    /// Like [`spawn_blocking`](Self::spawn_blocking), but the task runs even
    /// if the pool is at its thread limit (a thread is spawned beyond it if
    /// none is idle). Used by the multi-thread scheduler's `block_in_place`.
    ///
    /// Returns `None`, without running `f`, if the pool is shut down. A
    /// mandatory task queued before the shutdown still runs.
    #[track_caller]
    pub fn spawn_mandatory_blocking<F, R>(&self, f: F) -> Option<JoinHandle<R>>
    where
        F: FnOnce() -> R + Send + 'static,
        R: Send + 'static,
    {
        let (task, handle) = self.new_task(f);
        match self.spawn_task(task, true, None) {
            Ok(()) => Some(handle),
            Err(task) => {
                task.shutdown();
                None
            }
        }
    }

    /// Sets the context that every pool thread enters for its whole life
    /// (with [`rt_task::context::enter`]), so that `Handle::current()` and
    /// [`crate::spawn_blocking`] work inside blocking closures.
    ///
    /// Call it before the first task is spawned: threads already running
    /// keep the context they started with. The handles normally contain
    /// this spawner (a reference cycle); [`BlockingPool::shutdown`] drops
    /// them to break it. After the shutdown, this drops `handles` at once.
    pub fn set_thread_context(&self, handles: Handles) {
        let mut shared = self.inner.lock();
        let old = if shared.shutdown {
            Some(handles)
        } else {
            shared.context.replace(handles)
        };
        drop(shared);
        // Dropped unlocked: a handle's destructor may call back into the pool.
        drop(old);
    }

    /// The number of threads the pool currently has (busy or idle).
    pub fn num_blocking_threads(&self) -> usize {
        self.inner.lock().num_threads
    }

    /// The number of idle threads (waiting for a task).
    pub fn num_idle_blocking_threads(&self) -> usize {
        let shared = self.inner.lock();
        shared.num_idle + usize::from(shared.spinning)
    }

    /// The number of tasks queued and not yet started.
    pub fn blocking_queue_depth(&self) -> usize {
        self.inner.lock().queue.len()
    }

    /// A view of the number of tasks queued or running on this pool, for a
    /// scheduler that wants to know whether a wake-up from the pool is
    /// coming (see [`InFlight`]).
    pub fn in_flight(&self) -> InFlight {
        self.inner.in_flight.clone()
    }

    fn new_task<F, R>(&self, f: F) -> (Task, JoinHandle<R>)
    where
        F: FnOnce() -> R + Send + 'static,
        R: Send + 'static,
    {
        rt_task::unowned(BlockingTask::new(f), BlockingSchedule, Id::next())
    }

    /// Step 1 of the protocol. Gives the task back if the pool is shut down.
    #[track_caller]
    fn spawn_task(
        &self,
        task: Task,
        mandatory: bool,
        guard: Option<Box<dyn Send>>,
    ) -> Result<(), Task> {
        let mut shared = self.inner.lock();
        if shared.shutdown {
            // `guard` is dropped on return, before the caller cancels the
            // task: harmless, the task never ran.
            return Err(task);
        }
        shared.queue.push_back(Queued {
            task,
            mandatory,
            guard,
        });
        self.inner.in_flight.0.fetch_add(1, Relaxed);

        if shared.spinning {
            // Hand it to the spinning thread: no condvar, no futex.
            shared.spinning = false;
            self.inner.spin.claim();
            return Ok(());
        }
        if shared.num_idle > 0 {
            shared.num_idle -= 1;
            shared.num_notify += 1;
            drop(shared);
            self.inner.work_cv.notify_one();
            return Ok(());
        }
        if !mandatory && shared.num_threads >= self.inner.max_threads {
            // Every thread is busy; one of them will pop the task.
            return Ok(());
        }

        let id = shared.next_worker_id;
        shared.next_worker_id += 1;
        match self.spawn_thread(id, shared.context.clone()) {
            Ok(join) => {
                shared.num_threads += 1;
                shared.live += 1;
                shared.workers.insert(id, join);
                Ok(())
            }
            Err(e) if shared.num_threads == 0 => {
                // Nobody would ever run the task: cancel it and report.
                let queued = shared.queue.pop_back();
                drop(shared);
                drop(queued);
                self.inner.in_flight.0.fetch_sub(1, Relaxed);
                panic!("OS can't spawn worker thread: {e}");
            }
            // Busy threads exist and will pop the task eventually.
            Err(_) => Ok(()),
        }
    }

    /// Starts worker `id`. Called with the lock held (the new thread blocks
    /// on it before it touches the shared state).
    fn spawn_thread(
        &self,
        id: usize,
        context: Option<Handles>,
    ) -> std::io::Result<thread::JoinHandle<()>> {
        let mut builder = thread::Builder::new().name((self.inner.thread_name)());
        if let Some(size) = self.inner.stack_size {
            builder = builder.stack_size(size);
        }
        let inner = self.inner.clone();
        builder.spawn(move || worker_main(inner, id, context))
    }
}

/// A cheap, cloneable view of how many tasks a [`BlockingPool`] has queued or
/// running: a task counts from its spawn until its output was handed to its
/// `JoinHandle` (or it was cancelled).
///
/// The current-thread scheduler of the facade reads it before parking: while
/// it is not zero, a wake-up from a pool thread is likely to come soon, and
/// spinning for a few microseconds beats a sleep in the kernel.
///
/// # Examples
///
/// ```
/// use rt_blocking::{BlockingPool, Config};
///
/// let pool = BlockingPool::new(Config::default());
/// let in_flight = pool.spawner().in_flight();
/// assert_eq!(in_flight.get(), 0);
/// let handle = pool.spawner().spawn_blocking(|| 1);
/// assert_eq!(futures::executor::block_on(handle).unwrap(), 1);
/// ```
#[derive(Clone, Debug)]
pub struct InFlight(Arc<AtomicUsize>);

impl InFlight {
    /// The number of tasks queued or running (a racy snapshot).
    #[inline]
    pub fn get(&self) -> usize {
        self.0.load(Relaxed)
    }
}

impl fmt::Debug for Spawner {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let shared = self.inner.lock();
        f.debug_struct("Spawner")
            .field("num_threads", &shared.num_threads)
            .field("num_idle", &shared.num_idle)
            .field("queue_depth", &shared.queue.len())
            .field("max_threads", &self.inner.max_threads)
            .field("shutdown", &shared.shutdown)
            .finish()
    }
}

/// The body of a pool thread.
fn worker_main(inner: Arc<Inner>, id: usize, context: Option<Handles>) {
    let mut exit = WorkerExit {
        inner: &inner,
        id,
        counted: true,
    };
    {
        let _context = context.map(context::enter);
        if let Some(hook) = &inner.after_start {
            hook();
        }
        inner.run();
        // `run` left `num_threads` when it decided to exit.
        exit.counted = false;
        if let Some(hook) = &inner.before_stop {
            hook();
        }
    }
    drop(exit);
}

/// Step 3 of the protocol; runs on unwind too (a panicking hook), so that a
/// shutdown never waits for a thread that is gone.
struct WorkerExit<'a> {
    inner: &'a Inner,
    id: usize,
    /// Still counted in `num_threads` (the worker loop did not finish).
    counted: bool,
}

impl Drop for WorkerExit<'_> {
    fn drop(&mut self) {
        let mut shared = self.inner.lock();
        if self.counted {
            shared.num_threads -= 1;
        }
        shared.live -= 1;
        let previous = if shared.shutdown {
            self.inner.exit_cv.notify_all();
            None
        } else {
            let me = shared.workers.remove(&self.id);
            me.and_then(|me| shared.last_exiting.replace(me))
        };
        drop(shared);
        if let Some(previous) = previous {
            // It has left the shared state; it is at most finishing its exit.
            let _ = previous.join();
        }
    }
}

impl Inner {
    fn lock(&self) -> MutexGuard<'_, Shared> {
        // Nothing panics while holding the lock except in bookkeeping that
        // keeps the state consistent, so a poisoned lock is still usable.
        self.shared.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Step 2 of the protocol: the worker loop. Returns after leaving
    /// `num_threads`.
    fn run(&self) {
        let mut shared = self.lock();
        // Spin at most once per drained queue (not again right after a
        // spin that found nothing).
        let mut may_spin = true;
        'work: loop {
            while let Some(queued) = shared.queue.pop_front() {
                may_spin = true;
                let cancel = shared.shutdown && !queued.mandatory;
                drop(shared);
                let Queued { task, guard, .. } = queued;
                if cancel {
                    // Unreachable by the protocol (shutdown removes these),
                    // but cheap to keep honest.
                    task.shutdown();
                } else {
                    task.run();
                }
                // After the output is published and the JoinHandle woken.
                drop(guard);
                self.in_flight.0.fetch_sub(1, Relaxed);
                shared = self.lock();
            }
            if shared.shutdown {
                break 'work;
            }
            // Spin only when no task is queued or running anywhere in the
            // pool (a task awaiting its blocking calls one after the other):
            // while other threads work, or claimed threads are still waking
            // up, the CPUs are better left to them (spinning then made a
            // burst of 1,000 `spawn_blocking` calls 40% slower).
            if may_spin && !shared.spinning && self.in_flight.get() == 0 {
                // See "Spinning" and spin.rs.
                may_spin = false;
                shared.spinning = true;
                drop(shared);
                let claimed = self.spin_for_claim();
                shared = self.lock();
                if !claimed && !self.spin.take_locked() {
                    // Nobody claimed us: give up in this critical section,
                    // then drain again and go idle in the same one.
                    shared.spinning = false;
                }
                continue 'work;
            }

            shared.num_idle += 1;
            // `None`: a keep-alive too large to represent, i.e. forever.
            let deadline = Instant::now().checked_add(self.keep_alive);
            loop {
                shared = match deadline {
                    Some(deadline) => {
                        let left = deadline.saturating_duration_since(Instant::now());
                        self.work_cv
                            .wait_timeout(shared, left)
                            .unwrap_or_else(PoisonError::into_inner)
                            .0
                    }
                    None => self
                        .work_cv
                        .wait(shared)
                        .unwrap_or_else(PoisonError::into_inner),
                };
                if shared.num_notify > 0 {
                    // Claimed by a spawner, which already left `num_idle`.
                    shared.num_notify -= 1;
                    continue 'work;
                }
                if shared.shutdown || deadline.is_some_and(|d| Instant::now() >= d) {
                    shared.num_idle -= 1;
                    break 'work;
                }
                // Spurious wake-up: wait for the rest of the keep-alive.
            }
        }
        shared.num_threads -= 1;
    }

    /// Watches the claim word for up to [`SPIN_FOR`], without the lock.
    fn spin_for_claim(&self) -> bool {
        rt_task::spin::spin_for(SPIN_FOR, || self.spin.try_take().then_some(())).is_some()
    }

    /// Step 4 of the protocol.
    fn shutdown(&self, timeout: Option<Duration>) {
        let me = thread::current().id();
        let mut shared = self.lock();
        if shared.shutdown {
            return;
        }
        shared.shutdown = true;
        let context = shared.context.take();
        let mut cancelled = Vec::new();
        for queued in mem::take(&mut shared.queue) {
            if queued.mandatory {
                shared.queue.push_back(queued);
            } else {
                cancelled.push(queued);
            }
        }
        let on_pool_thread = shared.workers.values().any(|t| t.thread().id() == me);
        drop(shared);
        self.work_cv.notify_all();
        // Both may run user destructors: never under the lock.
        drop(context);
        for queued in cancelled {
            let Queued { task, guard, .. } = queued;
            task.shutdown();
            // After the cancellation is published.
            drop(guard);
            self.in_flight.0.fetch_sub(1, Relaxed);
        }

        let deadline = timeout.and_then(|d| Instant::now().checked_add(d));
        let own = usize::from(on_pool_thread);
        let mut timed_out = false;
        let mut shared = self.lock();
        while shared.live > own {
            shared = match deadline {
                Some(deadline) => {
                    let now = Instant::now();
                    if now >= deadline {
                        timed_out = true;
                        break;
                    }
                    self.exit_cv
                        .wait_timeout(shared, deadline - now)
                        .unwrap_or_else(PoisonError::into_inner)
                        .0
                }
                None => self
                    .exit_cv
                    .wait(shared)
                    .unwrap_or_else(PoisonError::into_inner),
            };
        }
        let workers = mem::take(&mut shared.workers);
        let last_exiting = shared.last_exiting.take();
        drop(shared);

        for thread in last_exiting.into_iter().chain(workers.into_values()) {
            if thread.thread().id() == me || (timed_out && !thread.is_finished()) {
                // Our own thread, or one still busy past the timeout: detach.
                continue;
            }
            let _ = thread.join();
        }
    }
}
