//! A current-thread runtime on the reactor, for tests.
#![allow(dead_code)]

use std::future::Future;
use std::sync::Arc;

use rt_reactor::Driver;
use rt_sched_local::{Config, CurrentThread};
use rt_task::context::{self, Handles};
use rt_task::{Id, JoinHandle};

pub struct Rt {
    sched: CurrentThread<Driver>,
    spawner: Arc<rt_sched_local::Handle>,
    io: rt_reactor::Handle,
}

impl Rt {
    pub fn new() -> Rt {
        let driver = Driver::new().unwrap();
        let io = driver.handle();
        let (sched, spawner) = CurrentThread::new(driver, Config::default());
        Rt { sched, spawner, io }
    }

    pub fn io(&self) -> &rt_reactor::Handle {
        &self.io
    }

    fn handles(&self) -> Handles {
        Handles::default().with_driver(context::Driver::Io, self.io.to_context_handle())
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

    pub fn shutdown(self) {
        let _g = self.enter();
        self.sched.shutdown();
    }
}
