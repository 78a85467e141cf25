//! The current-thread scheduler runs on any `Park` driver: here a mock that
//! counts parks and wakes itself from a helper thread, standing in for a
//! reactor.

use std::io;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use rt_sched_local::{Config, CurrentThread};
use rt_task::{Id, Park, ParkThread, Unpark};

/// A driver that records how it was parked, delegating the sleeping.
struct MockDriver {
    inner: ParkThread,
    parks: Arc<AtomicUsize>,
    polls: Arc<AtomicUsize>,
    shutdowns: Arc<AtomicUsize>,
}

#[derive(Clone)]
struct MockUnpark(rt_task::UnparkThread, Arc<AtomicUsize>);

impl Unpark for MockUnpark {
    fn unpark(&self) {
        self.1.fetch_add(1, Ordering::SeqCst);
        self.0.unpark();
    }
}

impl Park for MockDriver {
    type Unpark = MockUnpark;
    fn unpark(&self) -> MockUnpark {
        MockUnpark(self.inner.unpark(), Arc::new(AtomicUsize::new(0)))
    }
    fn park(&mut self) -> io::Result<()> {
        self.parks.fetch_add(1, Ordering::SeqCst);
        self.inner.park()
    }
    fn park_timeout(&mut self, d: Duration) -> io::Result<()> {
        if d.is_zero() {
            self.polls.fetch_add(1, Ordering::SeqCst);
        }
        self.inner.park_timeout(d)
    }
    fn shutdown(&mut self) {
        self.shutdowns.fetch_add(1, Ordering::SeqCst);
    }
}

#[test]
fn scheduler_runs_on_a_mock_driver() {
    let parks = Arc::new(AtomicUsize::new(0));
    let polls = Arc::new(AtomicUsize::new(0));
    let shutdowns = Arc::new(AtomicUsize::new(0));
    let driver = MockDriver {
        inner: ParkThread::new(),
        parks: parks.clone(),
        polls: polls.clone(),
        shutdowns: shutdowns.clone(),
    };
    let config = Config {
        event_interval: 7,
        ..Config::default()
    };
    let (sched, handle) = CurrentThread::new(driver, config);
    let h2 = handle.clone();
    let out = sched.block_on(async move {
        // Busy work: 100 tasks yielding keeps the scheduler from parking but
        // makes it poll the driver every 7 ticks.
        let mut hs = Vec::new();
        for i in 0..100u64 {
            hs.push(h2.spawn(
                async move {
                    for _ in 0..10 {
                        rt_task::yield_now().await;
                    }
                    i
                },
                Id::next(),
            ));
        }
        let mut sum = 0;
        for h in hs {
            sum += h.await.unwrap();
        }
        // Then an idle wait: a wake from another thread must unpark the
        // mock driver.
        let (tx, rx) = std::sync::mpsc::channel::<std::task::Waker>();
        let t = std::thread::spawn(move || {
            let w = rx.recv().unwrap();
            std::thread::sleep(Duration::from_millis(20));
            w.wake();
        });
        let mut tx = Some(tx);
        let mut woken = false;
        std::future::poll_fn(|cx| {
            if woken {
                return std::task::Poll::Ready(());
            }
            woken = true;
            tx.take().unwrap().send(cx.waker().clone()).unwrap();
            std::task::Poll::Pending
        })
        .await;
        t.join().unwrap();
        sum
    });
    assert_eq!(out, 4950);
    assert!(
        polls.load(Ordering::SeqCst) > 10,
        "driver polled while busy"
    );
    assert!(
        parks.load(Ordering::SeqCst) >= 1,
        "driver parked while idle"
    );
    assert_eq!(handle.num_alive_tasks(), 0);
    sched.shutdown();
    assert_eq!(shutdowns.load(Ordering::SeqCst), 1);
}
