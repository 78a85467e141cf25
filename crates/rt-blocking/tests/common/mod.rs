//! Helpers shared by the test binaries.
#![allow(dead_code)]

use std::sync::{Arc, Condvar, Mutex};
use std::time::{Duration, Instant};

use rt_blocking::Config;

/// The bound on every wait in the tests.
pub const BOUND: Duration = Duration::from_secs(10);

/// A config with `max` threads and the default keep-alive.
pub fn config(max: usize) -> Config {
    Config {
        max_blocking_threads: max,
        ..Config::default()
    }
}

/// Polls `cond` every 2 ms until it holds; panics after [`BOUND`].
#[track_caller]
pub fn wait_until(what: &str, mut cond: impl FnMut() -> bool) {
    let deadline = Instant::now() + BOUND;
    while !cond() {
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        std::thread::sleep(Duration::from_millis(2));
    }
}

/// A latch that blocking closures wait on until the test opens it.
#[derive(Clone, Default)]
pub struct Gate(Arc<(Mutex<bool>, Condvar)>);

impl Gate {
    pub fn new() -> Gate {
        Gate::default()
    }

    pub fn open(&self) {
        *self.0 .0.lock().unwrap() = true;
        self.0 .1.notify_all();
    }

    /// Waits until the gate is open; panics after [`BOUND`].
    pub fn wait(&self) {
        let deadline = Instant::now() + BOUND;
        let mut open = self.0 .0.lock().unwrap();
        while !*open {
            let now = Instant::now();
            assert!(now < deadline, "the gate was never opened");
            open = self.0 .1.wait_timeout(open, deadline - now).unwrap().0;
        }
    }
}
