//! Loom models of the idle/notify protocol (`idle.rs`) together with the
//! worker parker and the shared driver (`park.rs`).
//!
//! Run with
//! `RUSTFLAGS="--cfg rt_loom" LOOM_MAX_PREEMPTIONS=2 cargo test --release -p rt-sched-mt --lib loom`
//! (or `cargo xtask loom rt-sched-mt`).
//!
//! The workers of the models follow the real worker loop (`worker.rs`) step
//! by step, with one shared counter standing in for the run queues: take a
//! task (`next_task`), else become a searcher and take one (`steal_work`),
//! else register as parked, re-check the queue if last searcher
//! (`notify_if_work_pending`), and park until taken out of the sleepers
//! (`transition_from_parked`). The last task closes the pool: a flag, then
//! an unpark of every worker (`Handle::close`).
//!
//! A lost wake-up leaves a task in the queue with every worker parked for
//! good: the main thread's `join` then never returns and loom reports a
//! deadlock. The parkers share a `ParkThread` driver (loom-backed under
//! `rt_loom`), so the driver-or-condvar choice of `Parker::park` is explored
//! too.

use loom::sync::atomic::{AtomicBool, AtomicUsize};
use loom::sync::Arc;
use loom::thread;
use std::sync::atomic::Ordering::SeqCst;

use crate::idle::Idle;
use crate::park::{Parker, SharedDriver};

const WORKERS: usize = 2;

struct Pool {
    idle: Idle,
    parkers: Vec<Parker>,
    driver: SharedDriver,
    /// Tasks waiting in "the queues".
    queued: AtomicUsize,
    /// Tasks run.
    ran: AtomicUsize,
    /// Tasks the model runs in all.
    total: usize,
    /// The first task spawns the second.
    spawn_first: bool,
    spawned: AtomicBool,
    closed: AtomicBool,
}

impl Pool {
    fn new(total: usize, initial: usize, spawn_first: bool) -> Arc<Pool> {
        Arc::new(Pool {
            idle: Idle::new(WORKERS),
            parkers: (0..WORKERS).map(|_| Parker::new()).collect(),
            driver: SharedDriver::new(rt_task::ParkThread::new()),
            queued: AtomicUsize::new(initial),
            ran: AtomicUsize::new(0),
            total,
            spawn_first,
            spawned: AtomicBool::new(false),
            closed: AtomicBool::new(false),
        })
    }

    /// `Handle::notify_parked`.
    fn notify_parked(&self) {
        if let Some(i) = self.idle.worker_to_notify() {
            self.parkers[i].unpark(&self.driver);
        }
    }

    /// A push: enqueue, then notify.
    fn push(&self) {
        self.queued.fetch_add(1, SeqCst);
        self.notify_parked();
    }

    fn pop(&self) -> bool {
        let mut n = self.queued.load(SeqCst);
        while n > 0 {
            match self.queued.compare_exchange(n, n - 1, SeqCst, SeqCst) {
                Ok(_) => return true,
                Err(actual) => n = actual,
            }
        }
        false
    }

    /// `Handle::close`.
    fn close(&self) {
        self.closed.store(true, SeqCst);
        for p in &self.parkers {
            p.unpark(&self.driver);
        }
    }

    /// Runs a task. With `spawn_first`, the first task to run spawns one
    /// more from inside (a worker's own push).
    fn run(&self, searching: &mut bool) {
        if *searching {
            *searching = false;
            if self.idle.transition_worker_from_searching() {
                self.notify_parked();
            }
        }
        if self.spawn_first && !self.spawned.swap(true, SeqCst) {
            self.push();
        }
        if self.ran.fetch_add(1, SeqCst) + 1 == self.total {
            self.close();
        }
    }

    fn worker(&self, index: usize) {
        let mut searching = false;
        loop {
            if self.closed.load(SeqCst) {
                return;
            }
            // next_task
            if self.pop() {
                self.run(&mut searching);
                continue;
            }
            // steal_work
            if !searching {
                searching = self.idle.transition_worker_to_searching();
            }
            if searching && self.pop() {
                self.run(&mut searching);
                continue;
            }
            // park: transition_to_parked
            if self.idle.transition_worker_to_parked(index, searching)
                && self.queued.load(SeqCst) > 0
            {
                self.notify_parked();
            }
            loop {
                if self.closed.load(SeqCst) {
                    return;
                }
                self.parkers[index].park(&self.driver, None);
                // transition_from_parked (no local work in the model)
                if !self.idle.is_parked(index) {
                    searching = true;
                    break;
                }
            }
        }
    }
}

/// A task pushed from outside while both workers are going to sleep is run.
#[test]
fn loom_spawn_vs_park() {
    loom::model(|| {
        let pool = Pool::new(1, 0, false);
        let workers: Vec<_> = (0..WORKERS)
            .map(|i| {
                let pool = pool.clone();
                thread::spawn(move || pool.worker(i))
            })
            .collect();
        pool.push();
        for w in workers {
            w.join().unwrap();
        }
        assert_eq!(pool.ran.load(SeqCst), 1);
        assert_eq!(pool.queued.load(SeqCst), 0);
    });
}

/// A task spawned by a running task (a worker's own push) while the other
/// worker is going to sleep is run.
#[test]
fn loom_spawn_from_worker_vs_park() {
    loom::model(|| {
        // One task queued at the start; whoever runs it spawns one more.
        let pool = Pool::new(2, 1, true);
        let workers: Vec<_> = (0..WORKERS)
            .map(|i| {
                let pool = pool.clone();
                thread::spawn(move || pool.worker(i))
            })
            .collect();
        for w in workers {
            w.join().unwrap();
        }
        assert_eq!(pool.ran.load(SeqCst), 2);
    });
}

/// The parker alone: an unpark racing with a park on the driver or on the
/// condvar always ends the park.
#[test]
fn loom_parker_unpark_vs_park() {
    loom::model(|| {
        let driver = Arc::new(SharedDriver::new(rt_task::ParkThread::new()));
        let parkers = Arc::new([Parker::new(), Parker::new()]);
        let flags = Arc::new([AtomicBool::new(false), AtomicBool::new(false)]);
        let threads: Vec<_> = (0..2)
            .map(|i| {
                let (driver, parkers, flags) = (driver.clone(), parkers.clone(), flags.clone());
                thread::spawn(move || {
                    while !flags[i].load(SeqCst) {
                        parkers[i].park(&driver, None);
                    }
                })
            })
            .collect();
        for i in 0..2 {
            flags[i].store(true, SeqCst);
            parkers[i].unpark(&driver);
        }
        for t in threads {
            t.join().unwrap();
        }
    });
}
