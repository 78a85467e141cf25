use std::fmt;
use std::io;
use std::sync::Arc;
use std::time::Duration;

use rt_task::context::Driver as Slot;

use super::driver::{Driver, DriverConfig};
use super::handle::{HandleInner, Id, Scheduler};
use super::{Handle, LocalOptions, LocalRuntime, Runtime};

type Callback = Arc<dyn Fn() + Send + Sync + 'static>;
type ThreadNameFn = Arc<dyn Fn() -> String + Send + Sync + 'static>;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    CurrentThread,
    #[cfg(feature = "rt-multi-thread")]
    MultiThread,
}

/// Builds a runtime with custom configuration values.
///
/// Methods can be chained in order to set the configuration values. The
/// runtime is constructed by calling [`build`](Builder::build).
///
/// ```
/// let rt = rt::runtime::Builder::new_current_thread()
///     .thread_name("my-pool")
///     .build()
///     .unwrap();
/// assert_eq!(rt.block_on(async { 1 + 1 }), 2);
/// ```
pub struct Builder {
    kind: Kind,
    worker_threads: Option<usize>,
    disable_lifo_slot: bool,
    enable_io: bool,
    enable_time: bool,
    start_paused: bool,
    max_blocking_threads: usize,
    thread_name: ThreadNameFn,
    thread_stack_size: Option<usize>,
    after_start: Option<Callback>,
    before_stop: Option<Callback>,
    before_park: Option<Callback>,
    after_unpark: Option<Callback>,
    keep_alive: Option<Duration>,
    global_queue_interval: Option<u32>,
    event_interval: u32,
}

impl Builder {
    /// Returns a new builder with the current thread scheduler selected.
    ///
    /// Configuration methods can be chained on the return value.
    pub fn new_current_thread() -> Builder {
        Builder::new(Kind::CurrentThread)
    }

    /// Returns a new builder with the multi thread scheduler selected.
    ///
    /// Configuration methods can be chained on the return value.
    #[cfg(feature = "rt-multi-thread")]
    pub fn new_multi_thread() -> Builder {
        Builder::new(Kind::MultiThread)
    }

    /// Sets the number of worker threads the runtime will use (default:
    /// the number of CPUs, or the `RT_WORKER_THREADS` environment
    /// variable). Ignored by the current-thread flavor.
    ///
    /// # Panics
    ///
    /// Panics if `val` is zero.
    #[track_caller]
    pub fn worker_threads(&mut self, val: usize) -> &mut Self {
        assert!(val > 0, "Worker threads cannot be set to 0");
        self.worker_threads = Some(val);
        self
    }

    /// Disables the LIFO task scheduler heuristic: a task woken by the task
    /// running on a worker goes to the back of the queue instead of running
    /// next.
    pub fn disable_lifo_slot(&mut self) -> &mut Self {
        self.disable_lifo_slot = true;
        self
    }

    fn new(kind: Kind) -> Builder {
        Builder {
            kind,
            worker_threads: None,
            disable_lifo_slot: false,
            enable_io: false,
            enable_time: false,
            start_paused: false,
            max_blocking_threads: 512,
            thread_name: Arc::new(|| "rt-runtime-worker".into()),
            thread_stack_size: None,
            after_start: None,
            before_stop: None,
            before_park: None,
            after_unpark: None,
            keep_alive: None,
            global_queue_interval: None,
            event_interval: 61,
        }
    }

    /// Enables both I/O and time drivers.
    pub fn enable_all(&mut self) -> &mut Self {
        self.enable_io = true;
        self.enable_time = true;
        self
    }

    /// Enables the I/O driver.
    pub fn enable_io(&mut self) -> &mut Self {
        self.enable_io = true;
        self
    }

    /// Enables the time driver.
    pub fn enable_time(&mut self) -> &mut Self {
        self.enable_time = true;
        self
    }

    /// Controls whether the runtime's clock starts paused (requires the
    /// time driver; see `rt::time::pause`).
    #[cfg(feature = "test-util")]
    pub fn start_paused(&mut self, start_paused: bool) -> &mut Self {
        self.start_paused = start_paused;
        self
    }

    /// Specifies the limit for additional threads spawned by the runtime
    /// for blocking operations (default 512).
    ///
    /// # Panics
    ///
    /// Panics if `val` is zero.
    #[track_caller]
    pub fn max_blocking_threads(&mut self, val: usize) -> &mut Self {
        assert!(val > 0, "Max blocking threads cannot be set to 0");
        self.max_blocking_threads = val;
        self
    }

    /// Sets the name of threads spawned by the runtime's thread pools.
    /// The default name is "rt-runtime-worker".
    pub fn thread_name(&mut self, val: impl Into<String>) -> &mut Self {
        let val = val.into();
        self.thread_name = Arc::new(move || val.clone());
        self
    }

    /// Sets a function used to generate the name of threads spawned by the
    /// runtime's thread pools.
    pub fn thread_name_fn<F>(&mut self, f: F) -> &mut Self
    where
        F: Fn() -> String + Send + Sync + 'static,
    {
        self.thread_name = Arc::new(f);
        self
    }

    /// Sets the stack size (in bytes) for worker threads.
    pub fn thread_stack_size(&mut self, val: usize) -> &mut Self {
        self.thread_stack_size = Some(val);
        self
    }

    /// Executes function `f` after each thread is started but before it
    /// starts doing work.
    pub fn on_thread_start<F>(&mut self, f: F) -> &mut Self
    where
        F: Fn() + Send + Sync + 'static,
    {
        self.after_start = Some(Arc::new(f));
        self
    }

    /// Executes function `f` before each thread stops.
    pub fn on_thread_stop<F>(&mut self, f: F) -> &mut Self
    where
        F: Fn() + Send + Sync + 'static,
    {
        self.before_stop = Some(Arc::new(f));
        self
    }

    /// Executes function `f` just before a thread is parked (goes idle).
    pub fn on_thread_park<F>(&mut self, f: F) -> &mut Self
    where
        F: Fn() + Send + Sync + 'static,
    {
        self.before_park = Some(Arc::new(f));
        self
    }

    /// Executes function `f` just after a thread unparks (starts executing
    /// tasks).
    pub fn on_thread_unpark<F>(&mut self, f: F) -> &mut Self
    where
        F: Fn() + Send + Sync + 'static,
    {
        self.after_unpark = Some(Arc::new(f));
        self
    }

    /// Sets a custom timeout for a thread in the blocking pool (default
    /// 10 seconds).
    pub fn thread_keep_alive(&mut self, duration: Duration) -> &mut Self {
        self.keep_alive = Some(duration);
        self
    }

    /// Sets the number of scheduler ticks after which the scheduler will
    /// poll the global (remote) task queue first.
    ///
    /// # Panics
    ///
    /// Panics if `val` is zero.
    #[track_caller]
    pub fn global_queue_interval(&mut self, val: u32) -> &mut Self {
        assert!(val > 0, "global_queue_interval must be greater than 0");
        self.global_queue_interval = Some(val);
        self
    }

    /// Sets the number of scheduler ticks after which the scheduler will
    /// poll for external events (timers, I/O, and so on).
    ///
    /// # Panics
    ///
    /// Panics if `val` is zero.
    #[track_caller]
    pub fn event_interval(&mut self, val: u32) -> &mut Self {
        assert!(val > 0, "event_interval must be greater than 0");
        self.event_interval = val;
        self
    }

    /// Creates the configured `Runtime`.
    pub fn build(&mut self) -> io::Result<Runtime> {
        match self.kind {
            Kind::CurrentThread => self.build_current_thread(),
            #[cfg(feature = "rt-multi-thread")]
            Kind::MultiThread => self.build_multi_thread(),
        }
    }

    /// Creates the configured [`LocalRuntime`] (current-thread flavor only).
    pub fn build_local(&mut self, _options: LocalOptions) -> io::Result<LocalRuntime> {
        assert_eq!(
            self.kind,
            Kind::CurrentThread,
            "Only current_thread runtimes can be built as a LocalRuntime"
        );
        Ok(LocalRuntime::from_runtime(self.build_current_thread()?))
    }

    fn blocking_config(&self) -> rt_blocking::Config {
        let defaults = rt_blocking::Config::default();
        rt_blocking::Config {
            thread_name: self.thread_name.clone(),
            stack_size: self.thread_stack_size,
            after_start: self.after_start.clone(),
            before_stop: self.before_stop.clone(),
            max_blocking_threads: self.max_blocking_threads,
            keep_alive: self.keep_alive.unwrap_or(defaults.keep_alive),
        }
    }

    fn build_current_thread(&mut self) -> io::Result<Runtime> {
        let (driver, driver_handles) = Driver::new(&DriverConfig {
            enable_io: self.enable_io,
            enable_time: self.enable_time,
            enable_pausing: cfg!(feature = "test-util"),
            start_paused: self.start_paused,
            shards: 1,
        })?;
        let blocking_pool = rt_blocking::BlockingPool::new(self.blocking_config());
        let spawner = Arc::new(blocking_pool.spawner());
        let spin_hint = spin_hint(&spawner);
        let config = rt_sched_local::Config {
            event_interval: self.event_interval,
            global_queue_interval: self.global_queue_interval.unwrap_or(31),
            before_park: self.before_park.clone(),
            after_unpark: self.after_unpark.clone(),
            spin_hint: Some(spin_hint),
        };
        let (sched, sched_handle) = rt_sched_local::CurrentThread::new(driver, config);
        let mut drivers = driver_handles.drivers;
        drivers[Slot::Blocking as usize] = Some(spawner.clone());
        let handle = Handle {
            inner: Arc::new(HandleInner {
                scheduler: Scheduler::CurrentThread {
                    sched: Arc::new(sched),
                    handle: sched_handle,
                },
                blocking: spawner.clone(),
                drivers,
                #[cfg(feature = "time")]
                time: driver_handles.time,
                id: Id::next(),
            }),
        };
        spawner.set_thread_context(handle.handles());
        Ok(Runtime::from_parts(handle, blocking_pool))
    }

    #[cfg(feature = "rt-multi-thread")]
    fn build_multi_thread(&mut self) -> io::Result<Runtime> {
        let workers = self
            .worker_threads
            .unwrap_or_else(rt_sched_mt::default_worker_threads);
        let (driver, driver_handles) = Driver::new(&DriverConfig {
            enable_io: self.enable_io,
            enable_time: self.enable_time,
            enable_pausing: false,
            start_paused: self.start_paused,
            shards: workers,
        })?;
        let blocking_pool = rt_blocking::BlockingPool::new(self.blocking_config());
        let spawner = Arc::new(blocking_pool.spawner());
        let spin_hint = spin_hint(&spawner);
        let config = rt_sched_mt::Config {
            worker_threads: workers,
            event_interval: self.event_interval,
            global_queue_interval: self.global_queue_interval,
            disable_lifo_slot: self.disable_lifo_slot,
            thread_name: self.thread_name.clone(),
            stack_size: self.thread_stack_size,
            after_start: self.after_start.clone(),
            before_stop: self.before_stop.clone(),
            before_park: self.before_park.clone(),
            after_unpark: self.after_unpark.clone(),
            spin_hint: Some(spin_hint),
        };
        let (sched, sched_handle) = rt_sched_mt::MultiThread::new(driver, config);
        let sched = Arc::new(sched);
        let mut drivers = driver_handles.drivers;
        drivers[Slot::Blocking as usize] = Some(spawner.clone());
        let handle = Handle {
            inner: Arc::new(HandleInner {
                scheduler: Scheduler::MultiThread {
                    sched: sched.clone(),
                    handle: sched_handle,
                },
                blocking: spawner.clone(),
                drivers,
                #[cfg(feature = "time")]
                time: driver_handles.time,
                id: Id::next(),
            }),
        };
        spawner.set_thread_context(handle.handles());
        sched.launch(handle.handles());
        Ok(Runtime::from_parts(handle, blocking_pool))
    }
}

impl fmt::Debug for Builder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Builder")
            .field("kind", &self.kind)
            .field("enable_io", &self.enable_io)
            .field("enable_time", &self.enable_time)
            .field("max_blocking_threads", &self.max_blocking_threads)
            .field("event_interval", &self.event_interval)
            .field("global_queue_interval", &self.global_queue_interval)
            .finish_non_exhaustive()
    }
}

/// The schedulers' spin hint: a few blocking tasks of this runtime are
/// queued or running, so a wake-up from a pool thread is coming, and there
/// are CPUs for them besides the one that would spin. With as many blocking
/// tasks as CPUs, spinning would take a CPU from one of them.
fn spin_hint(spawner: &rt_blocking::Spawner) -> Arc<dyn Fn() -> bool + Send + Sync> {
    let in_flight = spawner.in_flight();
    let cpus = std::thread::available_parallelism().map_or(1, |n| n.get());
    Arc::new(move || {
        let n = in_flight.get();
        n > 0 && n < cpus
    })
}
