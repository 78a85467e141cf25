//! The pool: configuration, construction, launch, `block_on`, shutdown.

use std::fmt;
use std::future::Future;
use std::marker::PhantomData;
use std::pin::pin;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll, Wake, Waker};
use std::time::{Duration, Instant};

use crossbeam_deque::Worker;
use rt_task::context::{self, Handles};
use rt_task::{coop, Park, ParkThread, Unpark, UnparkThread};

use crate::handle::Handle;
use crate::park::SharedDriver;
use crate::worker::{self, Core, WorkerCtx};

/// The environment variable that overrides the default number of worker
/// threads (Tokio's `TOKIO_WORKER_THREADS`).
pub const ENV_WORKER_THREADS: &str = "RT_WORKER_THREADS";

/// The default number of worker threads: `RT_WORKER_THREADS` if set, else
/// the available parallelism of the machine (at least 1).
///
/// # Panics
///
/// Panics if `RT_WORKER_THREADS` is set but is not a positive integer, with
/// Tokio's message shape.
pub fn default_worker_threads() -> usize {
    match std::env::var(ENV_WORKER_THREADS) {
        Ok(s) => {
            let n: usize = s.parse().unwrap_or_else(|e| {
                panic!("\"{ENV_WORKER_THREADS}\" must be usize, error: {e}, value: {s}")
            });
            assert!(n > 0, "\"{ENV_WORKER_THREADS}\" cannot be set to 0");
            n
        }
        Err(std::env::VarError::NotPresent) => std::thread::available_parallelism()
            .map(|n| n.get())
            .unwrap_or(1),
        Err(std::env::VarError::NotUnicode(e)) => {
            panic!("\"{ENV_WORKER_THREADS}\" must be valid unicode, error: {e:?}")
        }
    }
}

/// Configuration of a multi-thread scheduler (what the runtime builder
/// sets).
#[derive(Clone)]
pub struct Config {
    /// The number of worker threads (cores). Must be at least 1. Default:
    /// [`default_worker_threads`].
    pub worker_threads: usize,
    /// Ticks (task polls) between two non-blocking polls of the driver by a
    /// running worker. Must be at least 1. Default: 61 (Tokio's).
    pub event_interval: u32,
    /// Ticks between two looks at the injection queue *before* the local
    /// queue, so remote work is not starved by a busy worker. `None`: 61.
    /// Must not be `Some(0)`.
    pub global_queue_interval: Option<u32>,
    /// Disables the LIFO slot: every wake-up goes to the back of the local
    /// queue.
    pub disable_lifo_slot: bool,
    /// Called for each worker thread to name it.
    pub thread_name: Arc<dyn Fn() -> String + Send + Sync>,
    /// The stack size of each worker thread, or `None` for the standard
    /// library's default.
    pub stack_size: Option<usize>,
    /// Runs on each worker thread when it starts (inside the context).
    pub after_start: Option<Arc<dyn Fn() + Send + Sync>>,
    /// Runs on each worker thread before it stops (inside the context).
    pub before_stop: Option<Arc<dyn Fn() + Send + Sync>>,
    /// Runs before a worker parks (it may spawn: the worker then does not
    /// park).
    pub before_park: Option<Arc<dyn Fn() + Send + Sync>>,
    /// Runs after a worker is unparked.
    pub after_unpark: Option<Arc<dyn Fn() + Send + Sync>>,
    /// Says whether a wake-up from another thread is expected soon (the
    /// facade: "a blocking-pool task of this runtime is queued or
    /// running"). While it says so, a worker that just ran tasks keeps
    /// searching for up to 50 µs before it parks (see worker.rs, "Spinning
    /// before parking").
    pub spin_hint: Option<Arc<dyn Fn() -> bool + Send + Sync>>,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            worker_threads: default_worker_threads(),
            event_interval: 61,
            global_queue_interval: None,
            disable_lifo_slot: false,
            thread_name: Arc::new(|| "rt-runtime-worker".to_owned()),
            stack_size: None,
            after_start: None,
            before_stop: None,
            before_park: None,
            after_unpark: None,
            spin_hint: None,
        }
    }
}

impl fmt::Debug for Config {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Config")
            .field("worker_threads", &self.worker_threads)
            .field("event_interval", &self.event_interval)
            .field("global_queue_interval", &self.global_queue_interval)
            .field("disable_lifo_slot", &self.disable_lifo_slot)
            .field("stack_size", &self.stack_size)
            .finish_non_exhaustive()
    }
}

/// A work-stealing pool of worker threads, generic over the driver it parks
/// on.
///
/// Create it with [`new`](Self::new), start its threads with
/// [`launch`](Self::launch), run a future to completion on the calling
/// thread with [`block_on`](Self::block_on), spawn through the shared
/// [`Handle`], and stop it with [`shutdown`](Self::shutdown) (dropping the
/// pool also shuts it down if that was not done).
///
/// # Examples
///
/// ```
/// use rt_sched_mt::{Config, MultiThread};
/// use rt_task::{context, Id, ParkThread};
///
/// let (pool, handle) = MultiThread::new(ParkThread::new(), Config { worker_threads: 2, ..Config::default() });
/// pool.launch(context::Handles::default());
///
/// let _guard = context::enter(context::Handles::default());
/// let _rt = context::enter_runtime(true).unwrap();
/// let sum = pool.block_on(async {
///     let tasks: Vec<_> = (0..10u64).map(|i| handle.spawn(async move { i * i }, Id::next())).collect();
///     let mut sum = 0;
///     for t in tasks {
///         sum += t.await.unwrap();
///     }
///     sum
/// });
/// assert_eq!(sum, 285);
/// pool.shutdown();
/// ```
pub struct MultiThread<P: Park + Send + 'static> {
    handle: Arc<Handle>,
    /// The cores until `launch` hands them to threads.
    #[allow(
        clippy::vec_box,
        reason = "cores travel as boxes (hand-off slots are one atomic word)"
    )]
    unlaunched: Mutex<Option<Vec<Box<Core>>>>,
    shutdown_called: AtomicBool,
    _driver: PhantomData<fn(P)>,
}

impl<P: Park + Send + 'static> MultiThread<P> {
    /// Creates a pool that will park on `driver`, and its shared handle. No
    /// thread is started until [`launch`](Self::launch); tasks spawned
    /// before wait in the injection queue.
    ///
    /// # Panics
    ///
    /// Panics if `worker_threads` or `event_interval` is zero, or if
    /// `global_queue_interval` is `Some(0)`.
    #[track_caller]
    pub fn new(driver: P, config: Config) -> (MultiThread<P>, Arc<Handle>) {
        assert!(
            config.worker_threads > 0,
            "worker_threads must be greater than 0"
        );
        assert!(
            config.worker_threads < 0x8000,
            "worker_threads must be less than 32768"
        );
        assert!(
            config.event_interval > 0,
            "event_interval must be greater than 0"
        );
        assert!(
            config.global_queue_interval != Some(0),
            "global_queue_interval must be greater than 0"
        );
        let n = config.worker_threads;
        let queues: Vec<Worker<_>> = (0..n).map(|_| Worker::new_fifo()).collect();
        let stealers = queues.iter().map(|q| q.stealer()).collect();
        let handle = Arc::new(Handle::new(config, SharedDriver::new(driver), stealers));
        let cores = queues
            .into_iter()
            .enumerate()
            .map(|(i, q)| Box::new(Core::new(i, n, q, &handle.config)))
            .collect();
        (
            MultiThread {
                handle: handle.clone(),
                unlaunched: Mutex::new(Some(cores)),
                shutdown_called: AtomicBool::new(false),
                _driver: PhantomData,
            },
            handle,
        )
    }

    /// The shared handle.
    pub fn handle(&self) -> &Arc<Handle> {
        &self.handle
    }

    /// Starts the worker threads. Each one enters `handles` (with
    /// [`context::enter`]) and the runtime (`enter_runtime(true)`) for its
    /// whole life, runs `after_start`, runs the worker loop, and runs
    /// `before_stop`. The pool keeps a clone of `handles` for the threads
    /// that `block_in_place` starts, until shutdown.
    ///
    /// Calling it again, or after shutdown, does nothing.
    ///
    /// # Panics
    ///
    /// Panics if the OS refuses to start a thread.
    pub fn launch(&self, handles: Handles) {
        let Some(cores) = self
            .unlaunched
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .take()
        else {
            return;
        };
        let handle = &self.handle;
        if handle.is_closed() {
            for core in cores {
                handle.return_core(core);
            }
            return;
        }
        *handle.context.lock().unwrap_or_else(|e| e.into_inner()) = Some(handles);
        for core in cores {
            let index = core.index;
            handle.remotes[index].handoff.store(Some(core));
            if let Err(e) = worker::spawn_worker_thread(handle, index) {
                panic!("OS can't spawn worker thread: {e}");
            }
        }
    }

    /// Runs `future` to completion on the calling thread, parking it on a
    /// thread parker between polls; spawned tasks run on the workers
    /// meanwhile. The caller enters the runtime context first
    /// (`context::enter` and `context::enter_runtime`).
    pub fn block_on<F: Future>(&self, future: F) -> F::Output {
        let mut future = pin!(future);
        CACHED_PARKER.with(|cached| {
            // A nested `block_on` (inside `block_in_place`, say) gets its own
            // parker.
            let mut own = None;
            let mut borrowed = cached.try_borrow_mut().ok();
            let (park, waker) = match borrowed.as_deref_mut() {
                Some(p) => p,
                None => own.insert(new_parker()),
            };
            let mut cx = Context::from_waker(waker);
            let mut spin = rt_task::spin::SpinBackoff::default();
            loop {
                if let Poll::Ready(v) = coop::budget(|| future.as_mut().poll(&mut cx)) {
                    return v;
                }
                // While a wake-up from another thread is expected soon (see
                // worker.rs, "Spinning before parking"), watch for it first.
                if let Some(hint) = &self.handle.config.spin_hint {
                    spin.spin(|| hint(), || park.is_notified().then_some(()));
                }
                let _ = park.park();
            }
        })
    }

    /// Shuts the pool down and waits for it: see
    /// [`shutdown_timeout`](Self::shutdown_timeout) with no timeout.
    pub fn shutdown(&self) {
        self.shutdown_timeout(None);
    }

    /// Shuts the pool down: closes it (new spawns are cancelled at once),
    /// wakes every worker, cancels every task (each future is dropped on a
    /// worker thread or on this thread), waits until every worker has
    /// stopped and handed its core back, drains the queues, shuts the
    /// driver down, and joins the worker threads the pool started.
    ///
    /// With a `timeout`, stops waiting after it (and joins only the threads
    /// that have finished; the rest are detached and the last worker to stop
    /// cleans up). `Some(Duration::ZERO)` is the background shutdown: it
    /// neither waits nor drops tasks on this thread. Returns whether the
    /// shutdown completed.
    ///
    /// Idempotent: later calls wait again (with their own timeout) but have
    /// nothing left to do once it completed.
    ///
    /// Called on one of this pool's own worker threads (from inside a
    /// task), it hands that worker's core back at once, waits for the other
    /// workers and joins every thread except the current one, which ends
    /// when the current task's poll returns. A worker thread that is inside
    /// `block_in_place` without its core cannot be joined by itself either.
    pub fn shutdown_timeout(&self, timeout: Option<Duration>) -> bool {
        self.shutdown_called.store(true, Ordering::SeqCst);
        let handle = &self.handle;
        let deadline = timeout.map(|t| Instant::now() + t);
        handle.close();

        // Cores nobody runs: never launched, or waiting in a hand-off slot.
        let unlaunched = self
            .unlaunched
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .take();
        for core in unlaunched.into_iter().flatten() {
            handle.return_core(core);
        }
        for remote in handle.remotes.iter() {
            if let Some(core) = remote.handoff.take() {
                handle.return_core(core);
            }
        }
        // On one of our own workers: hand its core back now (its loop is
        // suspended in a task poll and would never get to it).
        let own = context::with_scheduler::<WorkerCtx, _>(|cx| match cx {
            Some(cx) if Arc::ptr_eq(&cx.handle, handle) => {
                cx.core.try_borrow_mut().ok().and_then(|mut c| c.take())
            }
            _ => None,
        });
        if let Some(core) = own {
            handle.return_core(core);
        }
        if timeout != Some(Duration::ZERO) {
            // Cancel tasks from here too, in parallel with the workers.
            handle.owned.close_and_shutdown_all();
        }

        let done = handle.wait_finalized(deadline);

        // Break the reference cycle through the context handles.
        let context = handle
            .context
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .take();
        drop(context);

        self.join_threads(done);
        done
    }

    fn join_threads(&self, all: bool) {
        let me = std::thread::current().id();
        // Bounded: a thread is only added by a hand-off, which needs a core,
        // and no core runs once the shutdown completed.
        for _ in 0..16 {
            let threads = std::mem::take(
                &mut *self
                    .handle
                    .threads
                    .lock()
                    .unwrap_or_else(|e| e.into_inner()),
            );
            if threads.is_empty() {
                return;
            }
            let mut keep = Vec::new();
            for t in threads {
                if t.thread().id() == me {
                    // Cannot join ourselves: detach.
                    continue;
                }
                if all || t.is_finished() {
                    let _ = t.join();
                } else {
                    keep.push(t);
                }
            }
            if !all {
                // Detach the rest (they stop on their own).
                drop(keep);
                return;
            }
        }
    }
}

impl<P: Park + Send + 'static> Drop for MultiThread<P> {
    fn drop(&mut self) {
        if !self.shutdown_called.load(Ordering::SeqCst) {
            self.shutdown_timeout(None);
        }
    }
}

impl<P: Park + Send + 'static> fmt::Debug for MultiThread<P> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MultiThread")
            .field("handle", &self.handle)
            .finish_non_exhaustive()
    }
}

struct ThreadWaker(UnparkThread);

impl Wake for ThreadWaker {
    fn wake(self: Arc<Self>) {
        self.0.unpark();
    }
    fn wake_by_ref(self: &Arc<Self>) {
        self.0.unpark();
    }
}

fn new_parker() -> (ParkThread, Waker) {
    let park = ParkThread::new();
    let waker = Waker::from(Arc::new(ThreadWaker(park.unpark())));
    (park, waker)
}

thread_local! {
    static CACHED_PARKER: std::cell::RefCell<(ParkThread, Waker)> = std::cell::RefCell::new(new_parker());
}
