//! Semantics of the current-thread runtime through the facade.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use rt::runtime::{Builder, Handle, Runtime, RuntimeFlavor};
use rt::task::{self, JoinSet, LocalSet};

fn rt() -> Runtime {
    Builder::new_current_thread().enable_all().build().unwrap()
}

#[test]
fn block_on_and_spawn() {
    let rt = rt();
    let v = rt.block_on(async {
        let h = rt::spawn(async { 1 + 1 });
        h.await.unwrap()
    });
    assert_eq!(v, 2);
    // Spawn from outside, run by the next block_on.
    let h = rt.spawn(async { 5 });
    assert_eq!(rt.block_on(h).unwrap(), 5);
}

#[test]
fn many_tasks_and_chained_spawns() {
    let rt = rt();
    let n = rt.block_on(async {
        let counter = Arc::new(AtomicUsize::new(0));
        let mut handles = Vec::new();
        for _ in 0..10_000 {
            let c = counter.clone();
            handles.push(rt::spawn(async move {
                c.fetch_add(1, Ordering::Relaxed);
            }));
        }
        for h in handles {
            h.await.unwrap();
        }
        fn chain(n: usize) -> rt::task::JoinHandle<usize> {
            rt::spawn(async move {
                if n == 0 {
                    0
                } else {
                    chain(n - 1).await.unwrap() + 1
                }
            })
        }
        assert_eq!(chain(1000).await.unwrap(), 1000);
        counter.load(Ordering::Relaxed)
    });
    assert_eq!(n, 10_000);
    assert_eq!(rt.metrics().num_alive_tasks(), 0);
    assert!(rt.metrics().spawned_tasks_count() >= 11_001);
}

#[test]
fn panic_in_task_is_reported_and_runtime_keeps_running() {
    let rt = rt();
    rt.block_on(async {
        let err = rt::spawn(async { panic!("task failed") })
            .await
            .unwrap_err();
        assert!(err.is_panic());
        assert_eq!(rt::spawn(async { 3 }).await.unwrap(), 3);
    });
}

#[test]
fn abort_and_join_error() {
    let rt = rt();
    rt.block_on(async {
        let h = rt::spawn(std::future::pending::<()>());
        rt::task::yield_now().await;
        h.abort();
        let e = h.await.unwrap_err();
        assert!(e.is_cancelled());
    });
}

#[test]
fn wake_from_other_thread() {
    let rt = rt();
    let v = rt.block_on(async {
        let (tx, rx) = std::sync::mpsc::channel::<std::task::Waker>();
        let flag = Arc::new(AtomicUsize::new(0));
        let f2 = flag.clone();
        let t = std::thread::spawn(move || {
            let w = rx.recv().unwrap();
            f2.store(1, Ordering::SeqCst);
            w.wake();
        });
        let mut sent = Some(tx);
        std::future::poll_fn(|cx| {
            if flag.load(Ordering::SeqCst) == 1 {
                return std::task::Poll::Ready(());
            }
            if let Some(tx) = sent.take() {
                tx.send(cx.waker().clone()).unwrap();
            }
            std::task::Poll::Pending
        })
        .await;
        t.join().unwrap();
        7
    });
    assert_eq!(v, 7);
}

#[test]
fn nested_block_on_panics_with_reason() {
    let rt = rt();
    let err = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        rt.block_on(async {
            let rt2 = Builder::new_current_thread().build().unwrap();
            rt2.block_on(async {});
        })
    }))
    .unwrap_err();
    let msg = err
        .downcast_ref::<String>()
        .cloned()
        .or_else(|| err.downcast_ref::<&str>().map(|s| s.to_string()))
        .unwrap();
    assert!(
        msg.contains("Cannot start a runtime from within a runtime"),
        "{msg}"
    );
}

#[test]
fn handle_current_and_try_current() {
    let e = Handle::try_current().unwrap_err();
    assert!(e
        .to_string()
        .contains("must be called from the context of an rt runtime"));
    let r = std::panic::catch_unwind(Handle::current);
    assert!(r.is_err());
    let rt = rt();
    let id = rt.handle().id();
    rt.block_on(async move {
        let h = Handle::current();
        assert_eq!(h.id(), id);
        assert_eq!(h.runtime_flavor(), RuntimeFlavor::CurrentThread);
        assert_eq!(h.spawn(async { 9 }).await.unwrap(), 9);
    });
    let _g = rt.enter();
    assert_eq!(Handle::current().id(), id);
}

#[test]
fn spawn_outside_runtime_panics() {
    let r = std::panic::catch_unwind(|| {
        rt::spawn(async {});
    });
    let err = r.unwrap_err();
    let msg = err.downcast_ref::<String>().cloned().unwrap_or_default();
    assert!(msg.contains("there is no reactor running"), "{msg}");
}

#[test]
fn builder_rejects_zero_arguments() {
    for (name, f) in [
        (
            "Max blocking threads",
            Box::new(|| {
                Builder::new_current_thread().max_blocking_threads(0);
            }) as Box<dyn Fn()>,
        ),
        (
            "global_queue_interval",
            Box::new(|| {
                Builder::new_current_thread().global_queue_interval(0);
            }),
        ),
        (
            "event_interval",
            Box::new(|| {
                Builder::new_current_thread().event_interval(0);
            }),
        ),
    ] {
        let err = std::panic::catch_unwind(std::panic::AssertUnwindSafe(f)).unwrap_err();
        let msg = err
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| err.downcast_ref::<String>().cloned())
            .unwrap();
        assert!(msg.contains(name), "{msg} should name {name}");
    }
}

#[test]
fn shutdown_drops_all_tasks() {
    struct D(Arc<AtomicUsize>);
    impl Drop for D {
        fn drop(&mut self) {
            self.0.fetch_add(1, Ordering::SeqCst);
        }
    }
    let drops = Arc::new(AtomicUsize::new(0));
    let rt = rt();
    rt.block_on(async {
        for _ in 0..100 {
            let d = D(drops.clone());
            rt::spawn(async move {
                let _d = d;
                std::future::pending::<()>().await;
            });
        }
        // A task that spawns more tasks in its destructor.
        struct SpawnOnDrop(Arc<AtomicUsize>);
        impl Drop for SpawnOnDrop {
            fn drop(&mut self) {
                let d = D(self.0.clone());
                drop(rt::spawn(async move {
                    let _d = d;
                }));
            }
        }
        let s = SpawnOnDrop(drops.clone());
        rt::spawn(async move {
            let _s = s;
            std::future::pending::<()>().await;
        });
        rt::task::yield_now().await;
    });
    drop(rt);
    assert_eq!(drops.load(Ordering::SeqCst), 101);
}

#[test]
fn spawn_blocking_and_block_on_inside_it() {
    let rt = rt();
    let v = rt.block_on(async {
        let handle = Handle::current();
        task::spawn_blocking(move || {
            assert!(Handle::try_current().is_ok());
            // block_on is allowed on a blocking thread.
            std::thread::sleep(Duration::from_millis(5));
            handle.block_on(async { 4 })
        })
        .await
        .unwrap()
    });
    assert_eq!(v, 4);
    let e = rt
        .block_on(rt.spawn_blocking(|| panic!("blocking boom")))
        .unwrap_err();
    assert!(e.is_panic());
}

#[test]
fn join_set_semantics() {
    let rt = rt();
    rt.block_on(async {
        let mut set: JoinSet<usize> = (0..100).map(|i| async move { i }).collect();
        assert_eq!(set.len(), 100);
        let mut sum = 0;
        while let Some(r) = set.join_next().await {
            sum += r.unwrap();
        }
        assert_eq!(sum, 4950);
        assert!(set.is_empty());
        assert!(set.join_next().await.is_none());

        set.spawn(std::future::pending());
        set.spawn(async { 1 });
        set.spawn_blocking(|| 2);
        let ids: Vec<_> = (0..2).map(|_| ()).collect();
        drop(ids);
        let mut got = Vec::new();
        while got.len() < 2 {
            match set.join_next_with_id().await.unwrap() {
                Ok((_, v)) => got.push(v),
                Err(e) => panic!("{e}"),
            }
        }
        got.sort();
        assert_eq!(got, vec![1, 2]);
        set.abort_all();
        let e = set.join_next().await.unwrap().unwrap_err();
        assert!(e.is_cancelled());
        assert!(set.try_join_next().is_none());

        set.extend((0..5).map(|i| async move { i }));
        let all = set.join_all().await;
        assert_eq!(all.len(), 5);
    });
    assert_eq!(rt.metrics().num_alive_tasks(), 0);
}

#[test]
fn join_set_drop_aborts() {
    let rt = rt();
    let drops = Arc::new(AtomicUsize::new(0));
    rt.block_on(async {
        let mut set = JoinSet::new();
        for _ in 0..10 {
            let d = drops.clone();
            set.spawn(async move {
                struct D(Arc<AtomicUsize>);
                impl Drop for D {
                    fn drop(&mut self) {
                        self.0.fetch_add(1, Ordering::SeqCst);
                    }
                }
                let _d = D(d);
                std::future::pending::<()>().await;
            });
        }
        rt::task::yield_now().await;
        drop(set);
        rt::task::yield_now().await;
        rt::task::yield_now().await;
    });
    assert_eq!(drops.load(Ordering::SeqCst), 10);
}

#[test]
fn local_set_runs_non_send() {
    use std::rc::Rc;
    let rt = rt();
    let local = LocalSet::new();
    let out = local.block_on(&rt, async {
        let rc = Rc::new(Mutex::new(0));
        let mut hs = Vec::new();
        for _ in 0..10 {
            let rc = rc.clone();
            hs.push(task::spawn_local(async move {
                rt::task::yield_now().await;
                *rc.lock().unwrap() += 1;
            }));
        }
        for h in hs {
            h.await.unwrap();
        }
        let v = *rc.lock().unwrap();
        v
    });
    assert_eq!(out, 10);

    // Awaiting the set itself waits for all its tasks.
    let local = LocalSet::new();
    let hit = Rc::new(std::cell::Cell::new(0));
    for _ in 0..3 {
        let hit = hit.clone();
        local.spawn_local(async move {
            rt::task::yield_now().await;
            hit.set(hit.get() + 1);
        });
    }
    rt.block_on(local);
    assert_eq!(hit.get(), 3);
}

#[test]
fn spawn_local_outside_local_set_panics() {
    let rt = rt();
    let r = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        rt.block_on(async {
            task::spawn_local(async {});
        })
    }));
    assert!(r.is_err());
}

#[test]
fn local_runtime_spawn_local() {
    use std::rc::Rc;
    let rt = rt::runtime::LocalRuntime::new().unwrap();
    let rc = Rc::new(41);
    let h = rt.spawn_local(async move { *rc + 1 });
    assert_eq!(rt.block_on(h).unwrap(), 42);
    let v = rt.block_on(async {
        let rc = Rc::new(1);
        task::spawn_local(async move { *rc }).await.unwrap()
    });
    assert_eq!(v, 1);
}

#[test]
fn task_locals() {
    rt::task_local! {
        static NUM: u32;
    }
    let rt = rt();
    rt.block_on(NUM.scope(7, async {
        assert_eq!(NUM.get(), 7);
        rt::task::yield_now().await;
        assert_eq!(NUM.with(|v| *v), 7);
        let inner = rt::spawn(async { NUM.try_with(|v| *v).is_err() })
            .await
            .unwrap();
        assert!(inner, "task-locals do not leak into spawned tasks");
    }));
    assert_eq!(NUM.sync_scope(3, || NUM.get()), 3);
    assert!(NUM.try_with(|_| ()).is_err());
}

#[test]
fn task_id_matches_handle() {
    let rt = rt();
    rt.block_on(async {
        let h = rt::spawn(async { rt::task::id() });
        let id = h.id();
        assert_eq!(h.await.unwrap(), id);
        assert!(
            rt::task::try_id().is_none(),
            "block_on future is not a task"
        );
    });
}

#[test]
fn handle_block_on_from_other_thread_while_driving() {
    let rt = Arc::new(rt());
    let rt2 = rt.clone();
    let (tx, rx) = std::sync::mpsc::channel();
    let t = std::thread::spawn(move || {
        rx.recv().unwrap();
        // The main thread is driving; this block_on waits for its future
        // (driven by the other thread's spawn) to complete.
        let h = rt2.handle().clone();
        h.block_on(async { h.spawn(async { 11 }).await.unwrap() })
    });
    let v = rt.block_on(async move {
        tx.send(()).unwrap();
        for _ in 0..10_000 {
            rt::task::yield_now().await;
        }
        1
    });
    assert_eq!(v, 1);
    assert_eq!(t.join().unwrap(), 11);
}

#[test]
fn shutdown_timeout_and_background_do_not_wait_for_blocking() {
    let rt = rt();
    rt.spawn_blocking(|| std::thread::sleep(Duration::from_secs(2)));
    let start = std::time::Instant::now();
    rt.shutdown_timeout(Duration::from_millis(100));
    assert!(start.elapsed() < Duration::from_millis(1500));

    let rt2 = self::rt();
    rt2.spawn_blocking(|| std::thread::sleep(Duration::from_secs(2)));
    let start = std::time::Instant::now();
    rt2.shutdown_background();
    assert!(start.elapsed() < Duration::from_millis(1500));
}
