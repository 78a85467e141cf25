//! Test support: a pool driven the way the facade drives it.
#![allow(dead_code)]

use std::future::Future;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use rt_sched_mt::{Config, Handle, MultiThread};
use rt_task::context::{self, Handles};
use rt_task::{Id, JoinHandle, ParkThread};

/// A pool plus the context its threads enter (the pool's handle is the
/// context's runtime handle, so [`spawn`] finds it).
pub struct Rt {
    pub pool: MultiThread<ParkThread>,
    pub handle: Arc<Handle>,
    pub handles: Handles,
}

pub fn config(workers: usize) -> Config {
    Config {
        worker_threads: workers,
        ..Config::default()
    }
}

impl Rt {
    pub fn new(workers: usize) -> Rt {
        Rt::with_config(config(workers))
    }

    pub fn with_config(config: Config) -> Rt {
        Rt::build(config, Handles::default())
    }

    /// `extra`: driver slots (e.g. a blocking pool's spawner).
    pub fn build(config: Config, extra: Handles) -> Rt {
        let (pool, handle) = MultiThread::new(ParkThread::new(), config);
        let mut handles = extra;
        handles.runtime = Some(handle.clone());
        pool.launch(handles.clone());
        Rt {
            pool,
            handle,
            handles,
        }
    }

    /// What the facade's `block_on` does.
    pub fn block_on<F: Future>(&self, f: F) -> F::Output {
        let _enter = context::enter(self.handles.clone());
        let _rt = context::enter_runtime(true)
            .unwrap_or_else(|| panic!("{}", context::NESTED_RUNTIME_PANIC));
        self.pool.block_on(f)
    }

    pub fn spawn<F>(&self, f: F) -> JoinHandle<F::Output>
    where
        F: Future + Send + 'static,
        F::Output: Send + 'static,
    {
        self.handle.spawn(f, Id::next())
    }

    /// What the facade's shutdown does.
    pub fn shutdown(&self) {
        let _enter = context::enter(self.handles.clone());
        self.pool.shutdown();
    }
}

impl Drop for Rt {
    fn drop(&mut self) {
        self.shutdown();
    }
}

/// `rt::spawn`: spawns onto the pool of the current context.
pub fn spawn<F>(f: F) -> JoinHandle<F::Output>
where
    F: Future + Send + 'static,
    F::Output: Send + 'static,
{
    let handle = context::runtime()
        .expect("no runtime in the context")
        .downcast::<Handle>()
        .expect("the runtime handle is not a multi-thread handle");
    handle.spawn(f, Id::next())
}

/// Waits (bounded) until `cond` holds; panics after `limit`.
pub fn wait_until(limit: Duration, what: &str, mut cond: impl FnMut() -> bool) {
    let start = Instant::now();
    while !cond() {
        assert!(start.elapsed() < limit, "timed out waiting for {what}");
        std::thread::sleep(Duration::from_millis(1));
    }
}

/// Counts drops: `token()` values increment `dropped` when dropped.
#[derive(Clone, Default)]
pub struct DropCounter {
    pub created: Arc<AtomicUsize>,
    pub dropped: Arc<AtomicUsize>,
}

pub struct Token(Arc<AtomicUsize>);

impl Drop for Token {
    fn drop(&mut self) {
        self.0.fetch_add(1, Ordering::SeqCst);
    }
}

impl DropCounter {
    pub fn token(&self) -> Token {
        self.created.fetch_add(1, Ordering::SeqCst);
        Token(self.dropped.clone())
    }
    pub fn created(&self) -> usize {
        self.created.load(Ordering::SeqCst)
    }
    pub fn dropped(&self) -> usize {
        self.dropped.load(Ordering::SeqCst)
    }
}

/// A future that is pending until `flag` is set (polls itself by waking).
pub async fn yield_until(flag: &std::sync::atomic::AtomicBool, max_yields: usize) -> bool {
    for _ in 0..max_yields {
        if flag.load(Ordering::SeqCst) {
            return true;
        }
        rt_task::yield_now().await;
    }
    flag.load(Ordering::SeqCst)
}
