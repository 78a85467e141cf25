//! Test support.
//! A minimal scheduler for driving tasks in tests.
#![allow(dead_code)]

use std::collections::VecDeque;
use std::future::Future;
use std::sync::{Arc, Mutex};

use rt_task::{Id, JoinHandle, Notified, OwnedTasks, Schedule, Task};

pub struct Inner {
    pub queue: Mutex<VecDeque<Notified<Sched>>>,
    pub owned: OwnedTasks<Sched>,
}

#[derive(Clone)]
pub struct Sched(pub Arc<Inner>);

impl std::ops::Deref for Sched {
    type Target = Inner;
    fn deref(&self) -> &Inner {
        &self.0
    }
}

impl Schedule for Sched {
    fn schedule(&self, task: Notified<Self>) {
        if self.owned.is_closed() {
            drop(task);
        } else {
            self.queue.lock().unwrap().push_back(task);
        }
    }
    fn release(&self, task: &Task<Self>) -> Option<Task<Self>> {
        self.owned.remove(task)
    }
}

pub fn sched() -> Sched {
    Sched(Arc::new(Inner {
        queue: Mutex::new(VecDeque::new()),
        owned: OwnedTasks::new(4),
    }))
}

impl Sched {
    pub fn spawn<F>(&self, f: F) -> JoinHandle<F::Output>
    where
        F: Future + Send + 'static,
        F::Output: Send + 'static,
    {
        let (jh, n) = self.owned.bind(f, self.clone(), Id::next());
        if let Some(n) = n {
            self.schedule(n);
        }
        jh
    }

    /// Runs queued tasks until the queue is empty; returns how many ran.
    pub fn run(&self) -> usize {
        let mut n = 0;
        loop {
            let t = self.queue.lock().unwrap().pop_front();
            match t {
                Some(t) => {
                    rt_task::coop::budget(|| t.run());
                    n += 1;
                }
                None => return n,
            }
        }
    }

    pub fn shutdown(&self) {
        self.owned.close_and_shutdown_all();
        let q: Vec<_> = self.queue.lock().unwrap().drain(..).collect();
        drop(q);
    }
}
