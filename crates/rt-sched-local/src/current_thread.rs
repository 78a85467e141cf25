//! The current-thread scheduler.
//!
//! # How it runs
//!
//! All tasks run on the thread that calls [`CurrentThread::block_on`]. The
//! run state (`Core`: the local run queue and the tick counter) and the
//! driver live in one slot; a `block_on` call takes them out, drives, and puts
//! them back. While it drives, the core sits in a scheduler `Context` that is
//! registered in rt-task's thread-local context, so a wake-up on this thread
//! pushes straight onto the local `VecDeque`. Wake-ups from other threads
//! (and spawns through a `Handle` on another thread) go through the shared
//! `inject` queue (`concurrent-queue`) and unpark the driver.
//!
//! The loop: poll the `block_on` future when its waker fired; then run up to
//! `event_interval` tasks, taking from the inject queue first every
//! `global_queue_interval` ticks (so remote work is not starved by a busy
//! local queue) and otherwise local-first; after `event_interval` tasks,
//! poll the driver without blocking; when no task is ready, park on the
//! driver until something happens.
//!
//! # Spinning before parking
//!
//! A task that awaits a blocking-pool task (every `rt-fs` operation) is woken
//! from a pool thread, and a sleeping driver costs that wake-up an eventfd
//! write, a futex or epoll wake-up and a context switch: more than the work
//! itself for a small file operation. So when [`Config::spin_hint`] says such
//! a wake-up is coming, an idle scheduler first watches its remote queue
//! and the `block_on` flag for up to 50 µs. The remote side still unparks the
//! driver as usual (cheap when the driver is not blocked), so correctness
//! does not depend on the spin. Fruitless spins back off
//! ([`rt_task::spin::SpinBackoff`]), so a pool task that runs for long costs
//! at most one wasted spin per 256 parks. Tokio parks at once. The driver is not polled while
//! spinning, so I/O readiness can wait up to those 50 µs, only while the
//! hint holds.
//!
//! # No lost wake-ups
//!
//! A remote `schedule` pushes to `inject` *then* unparks; the `block_on`
//! waker sets `woken` *then* unparks. The loop checks `inject` and `woken`
//! before parking, and `Park` implementations remember an unpark that comes
//! before the park, so a push that races with parking makes the park return.
//!
//! If another thread already drives the core, a second `block_on` caller
//! polls its own future on its own thread parker and waits to be told that
//! the core is free, then takes it over.

use std::cell::RefCell;
use std::collections::VecDeque;
use std::fmt;
use std::future::Future;
use std::pin::pin;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::task::{Context as TaskContext, Poll, Wake, Waker};
use std::time::Duration;

use concurrent_queue::ConcurrentQueue;
use rt_task::context;
use rt_task::spin::SpinBackoff;
use rt_task::{
    coop, Id, JoinHandle, Notified, OwnedTasks, Park, ParkThread, Schedule, Task, Unpark,
};

/// Configuration of a current-thread scheduler.
#[derive(Clone)]
pub struct Config {
    /// Tasks run between two non-blocking polls of the driver (Tokio: 61).
    pub event_interval: u32,
    /// Ticks between two checks of the remote queue first (Tokio: 31).
    pub global_queue_interval: u32,
    /// Called before the scheduler parks the thread.
    pub before_park: Option<Arc<dyn Fn() + Send + Sync>>,
    /// Called after the scheduler is unparked.
    pub after_unpark: Option<Arc<dyn Fn() + Send + Sync>>,
    /// Says whether a wake-up from another thread is expected soon (the
    /// facade: "a blocking-pool task of this runtime is queued or
    /// running"). While it says so, the scheduler spins for up to 50 µs
    /// watching its remote queue before it blocks in the driver (see
    /// "Spinning before parking").
    pub spin_hint: Option<Arc<dyn Fn() -> bool + Send + Sync>>,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            event_interval: 61,
            global_queue_interval: 31,
            before_park: None,
            after_unpark: None,
            spin_hint: None,
        }
    }
}

impl fmt::Debug for Config {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Config")
            .field("event_interval", &self.event_interval)
            .field("global_queue_interval", &self.global_queue_interval)
            .field("spin_hint", &self.spin_hint.is_some())
            .finish()
    }
}

/// The scheduler value stored in each task: a reference to the shared state.
#[derive(Clone)]
pub struct Scheduler(Arc<Handle>);

/// The shared, thread-safe part of a current-thread scheduler: what `spawn`
/// and wake-ups use.
pub struct Handle {
    inject: ConcurrentQueue<Notified<Scheduler>>,
    owned: OwnedTasks<Scheduler>,
    unpark: Box<dyn Unpark>,
    /// The `block_on` future was woken.
    woken: AtomicBool,
    config: Config,
    /// Threads waiting in `block_on` for the core to be free.
    waiters: Mutex<Vec<Waker>>,
    metrics: Metrics,
}

#[derive(Default)]
struct Metrics {
    spawned: AtomicU64,
    polls: AtomicU64,
    parks: AtomicU64,
    local_queue_depth: AtomicUsize,
}

struct Core {
    tasks: VecDeque<Notified<Scheduler>>,
    tick: u32,
    polls: u64,
    parks: u64,
    /// When to spin before parking (see "Spinning before parking").
    spin: SpinBackoff,
}

/// The scheduler: owns the core and the driver while no `block_on` runs.
pub struct CurrentThread<P: Park> {
    slot: Mutex<Option<(Box<Core>, P)>>,
    handle: Arc<Handle>,
}

/// The per-`block_on` context registered in rt-task's thread-local context.
struct Ctx {
    handle: Arc<Handle>,
    core: RefCell<Option<Box<Core>>>,
}

impl<P: Park + Send + 'static> CurrentThread<P> {
    /// Creates a scheduler driving `driver`, and its shared handle.
    ///
    /// # Panics
    ///
    /// Panics if `event_interval` or `global_queue_interval` is zero.
    pub fn new(driver: P, config: Config) -> (CurrentThread<P>, Arc<Handle>) {
        assert!(
            config.event_interval > 0,
            "event_interval must be greater than 0"
        );
        assert!(
            config.global_queue_interval > 0,
            "global_queue_interval must be greater than 0"
        );
        let handle = Arc::new(Handle {
            inject: ConcurrentQueue::unbounded(),
            owned: OwnedTasks::new(1),
            unpark: Box::new(driver.unpark()),
            woken: AtomicBool::new(false),
            config,
            waiters: Mutex::new(Vec::new()),
            metrics: Metrics::default(),
        });
        let core = Box::new(Core {
            tasks: VecDeque::with_capacity(64),
            tick: 0,
            polls: 0,
            parks: 0,
            spin: SpinBackoff::default(),
        });
        (
            CurrentThread {
                slot: Mutex::new(Some((core, driver))),
                handle: handle.clone(),
            },
            handle,
        )
    }

    /// The shared handle.
    pub fn handle(&self) -> &Arc<Handle> {
        &self.handle
    }

    /// Runs `future` to completion on this thread, running spawned tasks
    /// meanwhile. The caller is responsible for entering the runtime context
    /// (`rt_task::context::enter`, `enter_runtime`).
    pub fn block_on<F: Future>(&self, future: F) -> F::Output {
        let mut future = pin!(future);
        // A thread parker for waiting while another thread holds the core.
        let mut waiting: Option<(ParkThread, Waker)> = None;
        loop {
            if let Some((core, driver)) = self.take_core() {
                return self.drive(core, driver, future.as_mut());
            }
            let (park, waker) = waiting.get_or_insert_with(|| {
                let park = ParkThread::new();
                let waker = Waker::from(Arc::new(ThreadWaker(park.unpark())));
                (park, waker)
            });
            // Ask to be told when the core is free, then poll our future.
            self.handle.waiters.lock().unwrap().push(waker.clone());
            if self.slot.lock().unwrap().is_some() {
                continue;
            }
            let mut cx = TaskContext::from_waker(waker);
            if let Poll::Ready(v) = coop::budget(|| future.as_mut().poll(&mut cx)) {
                return v;
            }
            let _ = park.park();
        }
    }

    fn take_core(&self) -> Option<(Box<Core>, P)> {
        self.slot.lock().unwrap().take()
    }

    fn put_core(&self, core: Box<Core>, driver: P) {
        *self.slot.lock().unwrap() = Some((core, driver));
        let waiters = std::mem::take(&mut *self.handle.waiters.lock().unwrap());
        for w in waiters {
            w.wake();
        }
    }

    fn drive<F: Future>(
        &self,
        core: Box<Core>,
        driver: P,
        mut future: std::pin::Pin<&mut F>,
    ) -> F::Output {
        struct PutBack<'a, P: Park + Send + 'static> {
            sched: &'a CurrentThread<P>,
            ctx: &'a Ctx,
            driver: Option<P>,
        }
        impl<P: Park + Send + 'static> Drop for PutBack<'_, P> {
            fn drop(&mut self) {
                if let (Some(core), Some(driver)) =
                    (self.ctx.core.borrow_mut().take(), self.driver.take())
                {
                    self.sched.put_core(core, driver);
                }
            }
        }
        let ctx = Ctx {
            handle: self.handle.clone(),
            core: RefCell::new(Some(core)),
        };
        let mut guard = PutBack {
            sched: self,
            ctx: &ctx,
            driver: Some(driver),
        };
        let handle = &*self.handle;
        let waker = Waker::from(self.handle.clone());
        let mut cx = TaskContext::from_waker(&waker);
        handle.woken.store(true, Ordering::Relaxed);
        context::set_scheduler(&ctx, || {
            let driver = guard.driver.as_mut().unwrap();
            'outer: loop {
                if handle.woken.swap(false, Ordering::AcqRel) {
                    if let Poll::Ready(v) = coop::budget(|| future.as_mut().poll(&mut cx)) {
                        return v;
                    }
                }
                for _ in 0..handle.config.event_interval {
                    let task = ctx.next_task(handle);
                    let Some(task) = task else {
                        // Idle: block on the driver unless already woken.
                        if !handle.woken.load(Ordering::Acquire) {
                            ctx.park(handle, driver, None);
                        } else {
                            ctx.park(handle, driver, Some(Duration::ZERO));
                        }
                        continue 'outer;
                    };
                    // A task that yielded goes to the back of the queue
                    // (not through `Schedule::yield_now`: no look-up).
                    if let Some(task) = coop::budget(|| task.run_yielding()) {
                        match ctx.core.borrow_mut().as_mut() {
                            Some(core) => core.tasks.push_back(task),
                            None => handle.schedule_task(task),
                        }
                    }
                }
                // Busy: let the driver deliver events without blocking.
                ctx.park(handle, driver, Some(Duration::ZERO));
            }
        })
    }

    /// Shuts the scheduler down: every task is cancelled and dropped (its
    /// future's destructor runs here), the queues are drained, and the
    /// driver is shut down. Call it with the runtime context entered.
    pub fn shutdown(&self) {
        let handle = &*self.handle;
        let taken = self.take_core();
        // Wake-ups during shutdown (from futures' destructors) land on this
        // scratch queue and are dropped below with the rest.
        let ctx = Ctx {
            handle: self.handle.clone(),
            core: RefCell::new(Some(Box::new(Core {
                tasks: VecDeque::new(),
                tick: 0,
                polls: 0,
                parks: 0,
                spin: SpinBackoff::default(),
            }))),
        };
        // Cancel every task; futures are dropped on this thread.
        context::set_scheduler(&ctx, || handle.owned.close_and_shutdown_all());
        let mut drained: Vec<Notified<Scheduler>> = Vec::new();
        if let Some(c) = ctx.core.borrow_mut().take() {
            drained.extend(c.tasks);
        }
        let taken = taken.map(|(mut core, driver)| {
            drained.extend(core.tasks.drain(..));
            (core, driver)
        });
        drop(drained);
        handle.inject.close();
        while let Ok(t) = handle.inject.pop() {
            drop(t);
        }
        if let Some((core, mut driver)) = taken {
            driver.shutdown();
            *self.slot.lock().unwrap() = Some((core, driver));
        }
        debug_assert!(handle.owned.is_empty());
    }
}

impl<P: Park> fmt::Debug for CurrentThread<P> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CurrentThread").finish_non_exhaustive()
    }
}

impl Ctx {
    fn next_task(&self, handle: &Handle) -> Option<Notified<Scheduler>> {
        let mut core = self.core.borrow_mut();
        let core = core.as_mut().expect("core missing");
        core.tick = core.tick.wrapping_add(1);
        let task = if core.tick % handle.config.global_queue_interval == 0 {
            handle.inject.pop().ok().or_else(|| core.tasks.pop_front())
        } else {
            core.tasks.pop_front().or_else(|| handle.inject.pop().ok())
        };
        core.polls += u64::from(task.is_some());
        task
    }

    fn park<P: Park>(&self, handle: &Handle, driver: &mut P, timeout: Option<Duration>) {
        {
            let mut core = self.core.borrow_mut();
            let core = core.as_mut().expect("core missing");
            handle.metrics.polls.store(core.polls, Ordering::Relaxed);
            handle
                .metrics
                .local_queue_depth
                .store(core.tasks.len(), Ordering::Relaxed);
            if timeout.is_none() {
                core.parks += 1;
                handle.metrics.parks.store(core.parks, Ordering::Relaxed);
            }
        }
        let res = match timeout {
            None => {
                if let Some(f) = &handle.config.before_park {
                    f();
                }
                // Re-check after the hook: it may have spawned work.
                let idle = self
                    .core
                    .borrow()
                    .as_ref()
                    .is_some_and(|c| c.tasks.is_empty())
                    && handle.inject.is_empty()
                    && !handle.woken.load(Ordering::Acquire);
                let r = if idle && !self.spin_for_remote(handle) {
                    driver.park()
                } else {
                    driver.park_timeout(Duration::ZERO)
                };
                if let Some(f) = &handle.config.after_unpark {
                    f();
                }
                r
            }
            Some(d) => driver.park_timeout(d),
        };
        if let Err(e) = res {
            panic!("failed to park the runtime driver: {e}");
        }
    }
}

impl Ctx {
    /// Before blocking in the driver: while the hint expects a wake-up from
    /// another thread, watch the remote queue and the `block_on` flag for a
    /// short while. Returns true if one of them got work (then the driver is
    /// only polled, not parked).
    fn spin_for_remote(&self, handle: &Handle) -> bool {
        let Some(hint) = &handle.config.spin_hint else {
            return false;
        };
        let mut core = self.core.borrow_mut();
        let core = core.as_mut().expect("core missing");
        core.spin
            .spin(
                || hint(),
                || {
                    (!handle.inject.is_empty() || handle.woken.load(Ordering::Acquire))
                        .then_some(())
                },
            )
            .is_some()
    }
}

impl Handle {
    /// Spawns a `Send` future onto this scheduler.
    pub fn spawn<F>(self: &Arc<Self>, future: F, id: Id) -> JoinHandle<F::Output>
    where
        F: Future + Send + 'static,
        F::Output: Send + 'static,
    {
        let (join, notified) = self.owned.bind(future, Scheduler(self.clone()), id);
        self.metrics.spawned.fetch_add(1, Ordering::Relaxed);
        if let Some(n) = notified {
            self.schedule_task(n);
        }
        join
    }

    /// Spawns a future that is not `Send`.
    ///
    /// # Safety
    ///
    /// Must be called on the thread that drives this scheduler and only while
    /// a `block_on` of this scheduler runs on it or will run on it; a task
    /// spawned this way must never be polled on another thread, which holds
    /// when only one thread ever calls `block_on` (a `LocalRuntime`).
    pub unsafe fn spawn_local<F>(self: &Arc<Self>, future: F, id: Id) -> JoinHandle<F::Output>
    where
        F: Future + 'static,
        F::Output: 'static,
    {
        // SAFETY: forwarded from the caller's contract.
        let (join, notified) =
            unsafe { self.owned.bind_local(future, Scheduler(self.clone()), id) };
        self.metrics.spawned.fetch_add(1, Ordering::Relaxed);
        if let Some(n) = notified {
            self.schedule_task(n);
        }
        join
    }

    /// Number of tasks alive (spawned and not yet completed).
    pub fn num_alive_tasks(&self) -> usize {
        self.owned.len()
    }

    /// Number of tasks in the remote (injection) queue.
    pub fn global_queue_depth(&self) -> usize {
        self.inject.len()
    }

    /// Total number of tasks spawned.
    pub fn spawned_tasks_count(&self) -> u64 {
        self.metrics.spawned.load(Ordering::Relaxed)
    }

    /// Number of task polls (updated when the scheduler parks).
    pub fn worker_poll_count(&self) -> u64 {
        self.metrics.polls.load(Ordering::Relaxed)
    }

    /// Number of times the scheduler parked.
    pub fn worker_park_count(&self) -> u64 {
        self.metrics.parks.load(Ordering::Relaxed)
    }

    /// Local run queue depth (sampled when the scheduler parks).
    pub fn worker_local_queue_depth(&self) -> usize {
        self.metrics.local_queue_depth.load(Ordering::Relaxed)
    }

    /// Whether the scheduler has been shut down.
    pub fn is_shutdown(&self) -> bool {
        self.owned.is_closed()
    }
}

impl fmt::Debug for Handle {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("current_thread::Handle")
            .finish_non_exhaustive()
    }
}

impl Handle {
    /// Queues a woken task: on the local queue when this thread is driving
    /// this scheduler, else on the inject queue with an unpark.
    fn schedule_task(&self, task: Notified<Scheduler>) {
        let task = context::with_scheduler::<Ctx, _>(|ctx| {
            let local = ctx.filter(|ctx| std::ptr::eq(Arc::as_ptr(&ctx.handle), self));
            match local.and_then(|ctx| ctx.core.try_borrow_mut().ok()) {
                Some(mut core) if core.is_some() => {
                    core.as_mut().unwrap().tasks.push_back(task);
                    None
                }
                _ => Some(task),
            }
        });
        if let Some(task) = task {
            // Remote: a closed queue means shutdown; dropping the
            // notification is then correct (the task is cancelled).
            if self.inject.push(task).is_ok() {
                self.unpark.unpark();
            }
        }
    }
}

impl Schedule for Scheduler {
    fn schedule(&self, task: Notified<Self>) {
        self.0.schedule_task(task);
    }

    fn release(&self, task: &Task<Self>) -> Option<Task<Self>> {
        self.0.owned.remove(task)
    }
}

impl Wake for Handle {
    fn wake(self: Arc<Self>) {
        self.wake_by_ref()
    }
    fn wake_by_ref(self: &Arc<Self>) {
        self.woken.store(true, Ordering::Release);
        self.unpark.unpark();
    }
}

struct ThreadWaker<U>(U);

impl<U: Unpark> Wake for ThreadWaker<U> {
    fn wake(self: Arc<Self>) {
        self.0.unpark()
    }
    fn wake_by_ref(self: &Arc<Self>) {
        self.0.unpark()
    }
}
