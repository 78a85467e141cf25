//! Task-core behaviour driven by a minimal test scheduler.
use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll, Waker};

mod support;
use support::sched;

/// Polls a JoinHandle (or any future) once with a waker that counts wakes.
fn poll_once<F: Future + Unpin>(f: &mut F, wakes: &Arc<CountWake>) -> Poll<F::Output> {
    let waker = Waker::from(wakes.clone());
    let mut cx = Context::from_waker(&waker);
    Pin::new(f).poll(&mut cx)
}

#[derive(Default)]
struct CountWake(AtomicUsize);
impl std::task::Wake for CountWake {
    fn wake(self: Arc<Self>) {
        self.0.fetch_add(1, Ordering::SeqCst);
    }
}

struct DropCounter(Arc<AtomicUsize>);
impl Drop for DropCounter {
    fn drop(&mut self) {
        self.0.fetch_add(1, Ordering::SeqCst);
    }
}

/// A future that stays pending until `release` is set, storing its waker.
#[derive(Clone, Default)]
struct Gate(Arc<Mutex<(bool, Option<Waker>)>>);
impl Gate {
    fn open(&self) {
        let w = {
            let mut g = self.0.lock().unwrap();
            g.0 = true;
            g.1.take()
        };
        if let Some(w) = w {
            w.wake();
        }
    }
    async fn wait(&self) {
        std::future::poll_fn(|cx| {
            let mut g = self.0.lock().unwrap();
            if g.0 {
                Poll::Ready(())
            } else {
                g.1 = Some(cx.waker().clone());
                Poll::Pending
            }
        })
        .await
    }
}

#[test]
fn spawn_run_join() {
    let s = sched();
    let mut jh = s.spawn(async { 40 + 2 });
    let w = Arc::new(CountWake::default());
    assert!(poll_once(&mut jh, &w).is_pending());
    assert_eq!(s.run(), 1);
    assert!(jh.is_finished());
    assert_eq!(w.0.load(Ordering::SeqCst), 1, "join waker woken once");
    match poll_once(&mut jh, &w) {
        Poll::Ready(Ok(42)) => {}
        other => panic!("unexpected {other:?}"),
    }
    assert_eq!(s.owned.len(), 0);
    s.shutdown();
}

#[test]
fn wake_reschedules() {
    let s = sched();
    let gate = Gate::default();
    let g2 = gate.clone();
    let mut jh = s.spawn(async move {
        g2.wait().await;
        "done"
    });
    assert_eq!(s.run(), 1);
    assert!(!jh.is_finished());
    gate.open();
    assert_eq!(s.run(), 1);
    let w = Arc::new(CountWake::default());
    assert!(matches!(poll_once(&mut jh, &w), Poll::Ready(Ok("done"))));
    s.shutdown();
}

#[test]
fn panic_is_join_error_and_drop_panic_too() {
    let s = sched();
    let mut jh = s.spawn(async {
        panic!("boom");
    });
    s.run();
    let w = Arc::new(CountWake::default());
    let err = match poll_once(&mut jh, &w) {
        Poll::Ready(Err(e)) => e,
        _ => panic!("expected a JoinError"),
    };
    assert!(err.is_panic());
    assert!(!err.is_cancelled());
    assert_eq!(
        err.to_string(),
        format!("task {} panicked with message \"boom\"", jh.id())
    );
    assert_eq!(*err.into_panic().downcast::<&str>().unwrap(), "boom");

    // A future whose destructor panics after completing.
    struct PanicOnDrop;
    impl Drop for PanicOnDrop {
        fn drop(&mut self) {
            panic!("drop boom");
        }
    }
    let mut jh = s.spawn(async {
        let _p = PanicOnDrop;
        1
    });
    s.run();
    match poll_once(&mut jh, &w) {
        Poll::Ready(Err(e)) => assert!(e.is_panic()),
        other => panic!("expected a panic JoinError, got {other:?}"),
    }
    s.shutdown();
}

#[test]
fn abort_idle_and_before_first_poll() {
    let s = sched();
    let drops = Arc::new(AtomicUsize::new(0));
    let d = DropCounter(drops.clone());
    let mut jh = s.spawn(async move {
        let _d = d;
        std::future::pending::<()>().await
    });
    jh.abort();
    s.run();
    assert_eq!(drops.load(Ordering::SeqCst), 1);
    let w = Arc::new(CountWake::default());
    match poll_once(&mut jh, &w) {
        Poll::Ready(Err(e)) => {
            assert!(e.is_cancelled());
            assert_eq!(e.to_string(), format!("task {} was cancelled", jh.id()));
        }
        _ => panic!("expected cancelled"),
    }

    // Abort a task that is idle after a poll.
    let gate = Gate::default();
    let g2 = gate.clone();
    let jh = s.spawn(async move { g2.wait().await });
    s.run();
    let ah = jh.abort_handle();
    assert!(!ah.is_finished());
    ah.abort();
    assert_eq!(s.run(), 1);
    assert!(ah.is_finished());
    assert_eq!(s.owned.len(), 0);
    s.shutdown();
}

#[test]
fn abort_from_inside_poll() {
    let s = sched();
    let slot: Arc<Mutex<Option<rt_task::AbortHandle>>> = Arc::default();
    let slot2 = slot.clone();
    let mut jh = s.spawn(async move {
        let h = slot2.lock().unwrap().take().unwrap();
        h.abort();
        // Cancellation is observed after this poll returns Pending.
        std::future::pending::<()>().await;
    });
    *slot.lock().unwrap() = Some(jh.abort_handle());
    s.run();
    let w = Arc::new(CountWake::default());
    assert!(matches!(poll_once(&mut jh, &w), Poll::Ready(Err(e)) if e.is_cancelled()));
    s.shutdown();
}

#[test]
fn detached_output_is_dropped_and_task_freed() {
    let s = sched();
    let drops = Arc::new(AtomicUsize::new(0));
    let d = DropCounter(drops.clone());
    let jh = s.spawn(async move { d });
    drop(jh);
    s.run();
    assert_eq!(
        drops.load(Ordering::SeqCst),
        1,
        "output dropped by the task side"
    );

    let d = DropCounter(drops.clone());
    let jh = s.spawn(async move { d });
    s.run();
    assert_eq!(drops.load(Ordering::SeqCst), 1);
    drop(jh);
    assert_eq!(
        drops.load(Ordering::SeqCst),
        2,
        "output dropped by the JoinHandle"
    );
    s.shutdown();
}

#[test]
fn shutdown_drops_every_future_even_woken_ones() {
    let s = sched();
    let drops = Arc::new(AtomicUsize::new(0));
    let gate = Gate::default();
    let mut handles = Vec::new();
    for _ in 0..10 {
        let d = DropCounter(drops.clone());
        let g = gate.clone();
        handles.push(s.spawn(async move {
            let _d = d;
            g.wait().await;
            std::future::pending::<()>().await
        }));
    }
    // Tasks that were never polled.
    for _ in 0..5 {
        let d = DropCounter(drops.clone());
        handles.push(s.spawn(async move {
            let _d = d;
        }));
    }
    s.queue.lock().unwrap().drain(..10).for_each(|t| t.run());
    // One waker fires during shutdown from a future's destructor.
    struct WakeOnDrop(Gate);
    impl Drop for WakeOnDrop {
        fn drop(&mut self) {
            self.0.open();
        }
    }
    let wod = WakeOnDrop(gate.clone());
    handles.push(s.spawn(async move {
        let _w = wod;
    }));
    s.shutdown();
    assert_eq!(drops.load(Ordering::SeqCst), 15);
    let w = Arc::new(CountWake::default());
    for mut h in handles {
        match poll_once(&mut h, &w) {
            Poll::Ready(Err(e)) => assert!(e.is_cancelled()),
            other => panic!("expected cancelled, got {other:?}"),
        }
    }
    // Spawning after shutdown cancels at once.
    let mut jh = s.spawn(async { 1 });
    assert!(matches!(poll_once(&mut jh, &w), Poll::Ready(Err(e)) if e.is_cancelled()));
}

#[test]
fn task_id_inside_and_outside() {
    assert!(rt_task::try_id().is_none());
    let s = sched();
    let mut jh = s.spawn(async { rt_task::id() });
    s.run();
    let w = Arc::new(CountWake::default());
    let id = jh.id();
    assert!(matches!(poll_once(&mut jh, &w), Poll::Ready(Ok(i)) if i == id));
    s.shutdown();
}

#[test]
fn join_waker_replaced() {
    let s = sched();
    let gate = Gate::default();
    let g2 = gate.clone();
    let mut jh = s.spawn(async move { g2.wait().await });
    s.run();
    let w1 = Arc::new(CountWake::default());
    let w2 = Arc::new(CountWake::default());
    assert!(poll_once(&mut jh, &w1).is_pending());
    assert!(poll_once(&mut jh, &w2).is_pending());
    gate.open();
    s.run();
    assert_eq!(w1.0.load(Ordering::SeqCst), 0);
    assert_eq!(w2.0.load(Ordering::SeqCst), 1);
    s.shutdown();
}

#[test]
fn yield_now_requeues_and_budget_forces_yield() {
    let s = sched();
    let polls = Arc::new(AtomicUsize::new(0));
    let p = polls.clone();
    let _jh = s.spawn(async move {
        for _ in 0..3 {
            p.fetch_add(1, Ordering::SeqCst);
            rt_task::yield_now().await;
        }
    });
    assert_eq!(s.run(), 4);
    assert_eq!(polls.load(Ordering::SeqCst), 3);

    // consume_budget yields after 128 units.
    let n = Arc::new(AtomicUsize::new(0));
    let n2 = n.clone();
    let _jh = s.spawn(async move {
        for _ in 0..300 {
            rt_task::consume_budget().await;
            n2.fetch_add(1, Ordering::SeqCst);
        }
    });
    let t = s.queue.lock().unwrap().pop_front().unwrap();
    rt_task::coop::budget(|| t.run());
    assert_eq!(n.load(Ordering::SeqCst), 128);
    s.run();
    assert_eq!(n.load(Ordering::SeqCst), 300);

    // unconstrained never yields.
    let n = Arc::new(AtomicUsize::new(0));
    let n2 = n.clone();
    let _jh = s.spawn(rt_task::unconstrained(async move {
        for _ in 0..300 {
            rt_task::consume_budget().await;
            n2.fetch_add(1, Ordering::SeqCst);
        }
    }));
    assert_eq!(s.run(), 1);
    assert_eq!(n.load(Ordering::SeqCst), 300);
    s.shutdown();
}

#[test]
fn wakers_from_other_threads() {
    let s = sched();
    let wakers: Arc<Mutex<Vec<Waker>>> = Arc::default();
    let mut handles = Vec::new();
    for i in 0..100usize {
        let w = wakers.clone();
        let mut polled = false;
        handles.push(s.spawn(std::future::poll_fn(move |cx| {
            if polled {
                return Poll::Ready(i);
            }
            polled = true;
            w.lock().unwrap().push(cx.waker().clone());
            Poll::Pending
        })));
    }
    assert_eq!(s.run(), 100);
    let ws: Vec<Waker> = std::mem::take(&mut *wakers.lock().unwrap());
    std::thread::spawn(move || {
        for w in ws {
            // Wake twice: the second is a no-op on a notified task.
            w.wake_by_ref();
            w.wake();
        }
    })
    .join()
    .unwrap();
    assert_eq!(s.run(), 100);
    assert!(handles.iter().all(|h| h.is_finished()));
    assert_eq!(s.owned.len(), 0);
    s.shutdown();
}
