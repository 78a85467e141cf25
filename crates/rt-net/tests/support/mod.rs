//! A current-thread runtime on the reactor with a blocking pool, for tests.
#![allow(dead_code)]

use std::future::Future;
use std::sync::Arc;

use rt_blocking::BlockingPool;
use rt_reactor::Driver;
use rt_sched_local::{Config, CurrentThread};
use rt_task::context::{self, Handles};
use rt_task::{Id, JoinHandle};

pub struct Rt {
    sched: CurrentThread<Driver>,
    spawner: Arc<rt_sched_local::Handle>,
    io: rt_reactor::Handle,
    pool: BlockingPool,
}

impl Rt {
    pub fn new() -> Rt {
        let driver = Driver::new().unwrap();
        let io = driver.handle();
        let (sched, spawner) = CurrentThread::new(driver, Config::default());
        let pool = BlockingPool::new(rt_blocking::Config::default());
        let rt = Rt {
            sched,
            spawner,
            io,
            pool,
        };
        rt.pool.spawner().set_thread_context(rt.handles());
        rt
    }

    pub fn io(&self) -> &rt_reactor::Handle {
        &self.io
    }

    pub fn blocking(&self) -> rt_blocking::Spawner {
        self.pool.spawner()
    }

    fn handles(&self) -> Handles {
        Handles::default()
            .with_driver(context::Driver::Io, self.io.to_context_handle())
            .with_driver(
                context::Driver::Blocking,
                self.pool.spawner().to_context_handle(),
            )
    }

    /// Enters the context (for creating resources outside `block_on`).
    pub fn enter(&self) -> context::EnterGuard {
        context::enter(self.handles())
    }

    pub fn block_on<F: Future>(&self, f: F) -> F::Output {
        let _g = self.enter();
        self.sched.block_on(f)
    }

    pub fn spawn<F>(&self, f: F) -> JoinHandle<F::Output>
    where
        F: Future + Send + 'static,
        F::Output: Send + 'static,
    {
        self.spawner.spawn(f, Id::next())
    }

    pub fn shutdown(mut self) {
        {
            let _g = self.enter();
            self.sched.shutdown();
        }
        self.pool.shutdown(None);
    }
}

/// Runs `f` on a fresh runtime, then shuts it down.
pub fn run<F: Future>(f: impl FnOnce(&Rt) -> F) -> F::Output {
    let rt = Rt::new();
    let out = rt.block_on(f(&rt));
    rt.shutdown();
    out
}
