//! Semantics of the multi-thread scheduler, driven directly (ParkThread as
//! the driver, the context entered as the facade does).

mod support;

use std::collections::HashSet;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering::SeqCst};
use std::sync::{Arc, Barrier, Mutex};
use std::thread;
use std::time::{Duration, Instant};

use futures::channel::oneshot;
use rt_sched_mt::{block_in_place, Config, MultiThread};
use rt_task::context::{self, Handles};
use rt_task::{Id, ParkThread};
use support::{spawn, wait_until, DropCounter, Rt};

const LONG: Duration = Duration::from_secs(20);

#[test]
fn spawn_from_outside_without_block_on() {
    let rt = Rt::new(2);
    let join = rt.spawn(async { 6 * 7 });
    assert_eq!(futures::executor::block_on(join).unwrap(), 42);
}

#[test]
fn spawn_from_outside_before_launch_runs_after_launch() {
    let (pool, handle) = MultiThread::new(ParkThread::new(), support::config(2));
    let join = handle.spawn(async { "early" }, Id::next());
    assert_eq!(handle.global_queue_depth(), 1);
    pool.launch(Handles::default());
    assert_eq!(futures::executor::block_on(join).unwrap(), "early");
    pool.shutdown();
}

#[test]
fn block_on_returns_the_output() {
    let rt = Rt::new(2);
    assert_eq!(rt.block_on(async { 1 + 1 }), 2);
    // Twice on the same thread (the parker is cached).
    assert_eq!(rt.block_on(async { 3 }), 3);
}

#[test]
fn spawn_from_inside_tasks() {
    let rt = Rt::new(3);
    let out = rt.block_on(async {
        let outer = spawn(async {
            let inner = spawn(async { spawn(async { 5 }).await.unwrap() * 2 });
            inner.await.unwrap() + 1
        });
        outer.await.unwrap()
    });
    assert_eq!(out, 11);
}

#[test]
fn many_tasks_across_workers() {
    const N: usize = 100_000;
    let rt = Rt::new(4);
    let count = Arc::new(AtomicUsize::new(0));
    let threads = Arc::new(Mutex::new(HashSet::new()));
    let c = count.clone();
    let t = threads.clone();
    rt.block_on(async move {
        let mut joins = Vec::with_capacity(N);
        for i in 0..N {
            let c = c.clone();
            let t = t.clone();
            joins.push(spawn(async move {
                if i % 1000 == 0 {
                    t.lock().unwrap().insert(thread::current().id());
                    // Give the others something to steal.
                    thread::sleep(Duration::from_micros(200));
                }
                c.fetch_add(1, SeqCst);
                i
            }));
        }
        for (i, j) in joins.into_iter().enumerate() {
            assert_eq!(j.await.unwrap(), i);
        }
    });
    assert_eq!(count.load(SeqCst), N);
    let polls: u64 = (0..4).map(|w| rt.handle.worker_poll_count(w)).sum();
    assert!(polls >= N as u64, "polls: {polls}");
    assert!(
        threads.lock().unwrap().len() >= 2,
        "tasks ran on a single worker thread"
    );
    assert!(rt.handle.spawned_tasks_count() >= N as u64);
    wait_until(LONG, "tasks to be released", || {
        rt.handle.num_alive_tasks() == 0
    });
}

#[test]
fn spawn_from_outside_many() {
    let rt = Rt::new(4);
    let joins: Vec<_> = (0..10_000u64).map(|i| rt.spawn(async move { i })).collect();
    let sum = rt.block_on(async move {
        let mut sum = 0;
        for j in joins {
            sum += j.await.unwrap();
        }
        sum
    });
    assert_eq!(sum, (0..10_000u64).sum::<u64>());
    assert_eq!(rt.handle.spawned_tasks_count(), 10_000);
}

#[test]
fn wake_from_other_threads() {
    let rt = Rt::new(2);
    let mut senders = Vec::new();
    let mut joins = Vec::new();
    for i in 0..100u32 {
        let (tx, rx) = oneshot::channel::<u32>();
        senders.push(tx);
        joins.push(rt.spawn(async move { rx.await.unwrap() + i }));
    }
    // Let the tasks park on their receivers first (bounded wait).
    wait_until(LONG, "tasks to be polled", || {
        (0..2).map(|w| rt.handle.worker_poll_count(w)).sum::<u64>() >= 100
    });
    let threads: Vec<_> = senders
        .into_iter()
        .enumerate()
        .map(|(i, tx)| thread::spawn(move || tx.send(i as u32).unwrap()))
        .collect();
    for t in threads {
        t.join().unwrap();
    }
    let total = rt.block_on(async move {
        let mut total = 0;
        for j in joins {
            total += j.await.unwrap();
        }
        total
    });
    assert_eq!(total, 2 * (0..100).sum::<u32>());
}

#[test]
fn panics_become_join_errors() {
    let rt = Rt::new(2);
    let err = rt.block_on(async {
        spawn(async {
            panic!("boom");
        })
        .await
        .unwrap_err()
    });
    assert!(err.is_panic());
    let payload = err.into_panic();
    assert_eq!(*payload.downcast_ref::<&str>().unwrap(), "boom");
    // The workers survive.
    assert_eq!(rt.block_on(async { spawn(async { 1 }).await.unwrap() }), 1);
}

#[test]
fn abort_cancels_a_pending_task() {
    let rt = Rt::new(2);
    let drops = DropCounter::default();
    let token = drops.token();
    let join = rt.spawn(async move {
        let _token = token;
        std::future::pending::<()>().await;
    });
    let abort = join.abort_handle();
    abort.abort();
    let err = rt.block_on(join).unwrap_err();
    assert!(err.is_cancelled());
    assert_eq!(drops.dropped(), 1);
}

#[test]
fn abort_a_running_task_from_inside() {
    let rt = Rt::new(2);
    let started = Arc::new(AtomicBool::new(false));
    let s = started.clone();
    let err = rt.block_on(async move {
        let join = spawn(async move {
            s.store(true, SeqCst);
            loop {
                rt_task::yield_now().await;
            }
        });
        while !started.load(SeqCst) {
            rt_task::yield_now().await;
        }
        join.abort();
        join.await.unwrap_err()
    });
    assert!(err.is_cancelled());
}

#[test]
fn yield_now_lets_every_task_finish() {
    let rt = Rt::new(2);
    let n = rt.block_on(async {
        let joins: Vec<_> = (0..200)
            .map(|_| {
                spawn(async {
                    for _ in 0..100 {
                        rt_task::yield_now().await;
                    }
                    1
                })
            })
            .collect();
        let mut n = 0;
        for j in joins {
            n += j.await.unwrap();
        }
        n
    });
    assert_eq!(n, 200);
}

#[test]
fn block_in_place_keeps_other_tasks_running() {
    // One worker: while its thread blocks in place, its core runs elsewhere.
    let rt = Rt::new(1);
    let other_ran = Arc::new(AtomicBool::new(false));
    let o = other_ran.clone();
    let ok = rt.block_on(async move {
        let blocker = spawn(async move {
            let o2 = o.clone();
            // Queued behind us on the same (only) worker.
            let other = spawn(async move { o2.store(true, SeqCst) });
            let seen = block_in_place(|| {
                let start = Instant::now();
                while !o.load(SeqCst) && start.elapsed() < LONG {
                    thread::sleep(Duration::from_millis(1));
                }
                o.load(SeqCst)
            });
            other.await.unwrap();
            seen
        });
        blocker.await.unwrap()
    });
    assert!(
        ok,
        "the other task did not run while the worker blocked in place"
    );
    assert!(other_ran.load(SeqCst));
}

#[test]
fn block_in_place_with_nested_block_on_of_another_pool() {
    let rt = Rt::new(2);
    let v = rt.block_on(async {
        spawn(async {
            block_in_place(|| {
                let rt2 = Rt::new(2);
                rt2.block_on(async { spawn(async { 21 }).await.unwrap() * 2 })
            })
        })
        .await
        .unwrap()
    });
    assert_eq!(v, 42);
}

#[test]
fn block_in_place_many_times() {
    let rt = Rt::new(2);
    let n = rt.block_on(async {
        let joins: Vec<_> = (0..50)
            .map(|i| spawn(async move { block_in_place(|| i) + block_in_place(|| 1) }))
            .collect();
        let mut n = 0;
        for j in joins {
            n += j.await.unwrap();
        }
        n
    });
    assert_eq!(n, (0..50).sum::<i32>() + 50);
}

#[test]
fn block_in_place_nested() {
    let rt = Rt::new(2);
    let v = rt.block_on(async {
        spawn(async { block_in_place(|| block_in_place(|| 7)) })
            .await
            .unwrap()
    });
    assert_eq!(v, 7);
}

#[test]
fn block_in_place_outside_a_runtime_just_runs() {
    assert_eq!(block_in_place(|| 3), 3);
}

#[test]
fn block_in_place_inside_block_on_runs_in_place() {
    let rt = Rt::new(1);
    assert_eq!(rt.block_on(async { block_in_place(|| 4) }), 4);
}

#[test]
fn block_in_place_on_a_current_thread_context_panics() {
    let _rt = context::enter_runtime(false).unwrap();
    let err = std::panic::catch_unwind(|| block_in_place(|| ())).unwrap_err();
    let msg = err
        .downcast_ref::<String>()
        .cloned()
        .or_else(|| err.downcast_ref::<&str>().map(|s| s.to_string()))
        .unwrap();
    assert_eq!(
        msg,
        "can call blocking only when running on the multi-threaded runtime"
    );
}

#[test]
fn block_in_place_uses_the_blocking_pool_when_there_is_one() {
    let pool = rt_blocking::BlockingPool::new(rt_blocking::Config::default());
    let spawner = pool.spawner();
    let extra =
        Handles::default().with_driver(context::Driver::Blocking, spawner.to_context_handle());
    let rt = Rt::build(support::config(1), extra);
    spawner.set_thread_context(rt.handles.clone());
    let other = Arc::new(AtomicBool::new(false));
    let o = other.clone();
    let ok = rt.block_on(async move {
        spawn(async move {
            let o2 = o.clone();
            let _other = spawn(async move { o2.store(true, SeqCst) });
            block_in_place(|| {
                let start = Instant::now();
                while !o.load(SeqCst) && start.elapsed() < LONG {
                    thread::sleep(Duration::from_millis(1));
                }
                o.load(SeqCst)
            })
        })
        .await
        .unwrap()
    });
    assert!(ok);
    assert!(
        spawner.num_blocking_threads() >= 1,
        "the hand-off did not use the pool"
    );
    drop(rt);
    drop(pool);
}

#[test]
fn shutdown_while_tasks_spawn_tasks_loses_nothing() {
    let rt = Rt::new(4);
    let drops = DropCounter::default();
    fn spawner(drops: DropCounter, depth: usize) -> impl std::future::Future<Output = ()> + Send {
        let token = drops.token();
        async move {
            let _token = token;
            for _ in 0..1000 {
                if depth < 3 {
                    drop(spawn(spawner(drops.clone(), depth + 1)));
                }
                rt_task::yield_now().await;
            }
            std::future::pending::<()>().await;
        }
    }
    for _ in 0..8 {
        drop(rt.spawn(spawner(drops.clone(), 0)));
    }
    wait_until(LONG, "tasks to multiply", || drops.created() > 200);
    rt.shutdown();
    assert_eq!(
        drops.created(),
        drops.dropped(),
        "a future was never dropped"
    );
    assert_eq!(rt.handle.num_alive_tasks(), 0);
    assert!(rt.handle.is_shutdown());
}

#[test]
fn spawn_after_shutdown_is_cancelled() {
    let rt = Rt::new(2);
    rt.shutdown();
    let drops = DropCounter::default();
    let t = drops.token();
    let join = rt.spawn(async move {
        let _t = t;
    });
    let err = futures::executor::block_on(join).unwrap_err();
    assert!(err.is_cancelled());
    assert_eq!(drops.dropped(), 1);
    // Idempotent.
    rt.shutdown();
}

#[test]
fn shutdown_cancels_tasks_waiting_on_other_threads() {
    let rt = Rt::new(2);
    let (tx, rx) = oneshot::channel::<()>();
    let join = rt.spawn(rx);
    rt.shutdown();
    assert!(futures::executor::block_on(join)
        .unwrap_err()
        .is_cancelled());
    // Waking a task of a shut-down pool is harmless.
    drop(tx);
}

#[test]
fn shutdown_background_does_not_wait() {
    let rt = Rt::new(2);
    let release = Arc::new(AtomicBool::new(false));
    let r = release.clone();
    let started = Arc::new(AtomicBool::new(false));
    let s = started.clone();
    // A task that blocks its worker thread.
    drop(rt.spawn(async move {
        s.store(true, SeqCst);
        let start = Instant::now();
        while !r.load(SeqCst) && start.elapsed() < LONG {
            thread::sleep(Duration::from_millis(1));
        }
    }));
    wait_until(LONG, "the blocker to start", || started.load(SeqCst));
    let start = Instant::now();
    let done = rt.pool.shutdown_timeout(Some(Duration::ZERO));
    assert!(!done);
    assert!(start.elapsed() < Duration::from_secs(5));
    release.store(true, SeqCst);
    // A later full shutdown waits for the rest.
    rt.shutdown();
    assert_eq!(rt.handle.num_alive_tasks(), 0);
}

#[test]
fn shutdown_from_inside_a_task_does_not_deadlock() {
    let (pool, handle) = MultiThread::new(ParkThread::new(), support::config(2));
    let pool = Arc::new(pool);
    pool.launch(Handles::default());
    let p = pool.clone();
    let (tx, rx) = std::sync::mpsc::channel();
    drop(handle.spawn(
        async move {
            let done = p.shutdown_timeout(None);
            tx.send(done).unwrap();
        },
        Id::next(),
    ));
    assert!(rx.recv_timeout(LONG).unwrap());
    assert!(handle.is_shutdown());
    wait_until(LONG, "tasks to be released", || {
        handle.num_alive_tasks() == 0
    });
}

#[test]
fn dropping_the_pool_shuts_it_down() {
    let (pool, handle) = MultiThread::new(ParkThread::new(), support::config(2));
    pool.launch(Handles::default());
    let (_tx, rx) = oneshot::channel::<()>();
    let join = handle.spawn(rx, Id::next());
    drop(pool);
    assert!(handle.is_shutdown());
    assert!(futures::executor::block_on(join)
        .unwrap_err()
        .is_cancelled());
}

/// Two tasks that pass a baton back and forth: each wake-up of the peer
/// goes to the LIFO slot of the (only) worker.
struct Baton {
    turn: AtomicUsize,
    wakers: [futures::task::AtomicWaker; 2],
    hops: AtomicUsize,
    stop: AtomicBool,
}

async fn player(me: usize, baton: Arc<Baton>, max_hops: usize) {
    loop {
        std::future::poll_fn(|cx| {
            baton.wakers[me].register(cx.waker());
            if baton.turn.load(SeqCst) == me || baton.stop.load(SeqCst) {
                std::task::Poll::Ready(())
            } else {
                std::task::Poll::Pending
            }
        })
        .await;
        if baton.stop.load(SeqCst) || baton.hops.fetch_add(1, SeqCst) >= max_hops {
            baton.stop.store(true, SeqCst);
            baton.wakers[1 - me].wake();
            return;
        }
        baton.turn.store(1 - me, SeqCst);
        baton.wakers[1 - me].wake();
    }
}

#[test]
fn lifo_starvation_guard_lets_queued_tasks_run() {
    // One worker; two tasks wake each other forever through the LIFO slot
    // (no yield, no budget spent). A task injected meanwhile must still run
    // long before the baton has been passed 10 million times.
    const MAX_HOPS: usize = 10_000_000;
    let rt = Rt::new(1);
    let baton = Arc::new(Baton {
        turn: AtomicUsize::new(0),
        wakers: Default::default(),
        hops: AtomicUsize::new(0),
        stop: AtomicBool::new(false),
    });
    let a = rt.spawn(player(0, baton.clone(), MAX_HOPS));
    let b = rt.spawn(player(1, baton.clone(), MAX_HOPS));
    wait_until(LONG, "the baton to move", || baton.hops.load(SeqCst) > 1000);
    let bt = baton.clone();
    let c = rt.spawn(async move {
        bt.stop.store(true, SeqCst);
        bt.wakers[0].wake();
        bt.wakers[1].wake();
    });
    rt.block_on(async move {
        c.await.unwrap();
        a.await.unwrap();
        b.await.unwrap();
    });
    let hops = baton.hops.load(SeqCst);
    assert!(hops < MAX_HOPS, "the injected task starved ({hops} hops)");
}

#[test]
fn stealable_lifo_slot_beats_a_blocked_worker() {
    // Tokio's starvation shape: a task spawns (into its worker's LIFO slot)
    // and then blocks its thread without `block_in_place`. The spawned task
    // must run on the other worker promptly, not after the blocker ends.
    let rt = Rt::new(2);
    let elapsed = rt.block_on(async {
        spawn(async {
            let flag = Arc::new(AtomicBool::new(false));
            let f = flag.clone();
            let start = Instant::now();
            let child = spawn(async move { f.store(true, SeqCst) });
            while !flag.load(SeqCst) && start.elapsed() < LONG {
                thread::sleep(Duration::from_millis(1));
            }
            let elapsed = start.elapsed();
            child.await.unwrap();
            elapsed
        })
        .await
        .unwrap()
    });
    assert!(
        elapsed < Duration::from_secs(2),
        "the LIFO task waited {elapsed:?} behind a blocked worker"
    );
    let steals: u64 = (0..2).map(|w| rt.handle.worker_steal_count(w)).sum();
    assert!(steals >= 1);
}

#[test]
fn disabled_lifo_slot_still_runs_everything() {
    let rt = Rt::with_config(Config {
        disable_lifo_slot: true,
        ..support::config(2)
    });
    let n = rt.block_on(async {
        let mut n = 0;
        for i in 0..1000 {
            n += spawn(async move { spawn(async move { i }).await.unwrap() })
                .await
                .unwrap();
        }
        n
    });
    assert_eq!(n, (0..1000).sum::<i32>());
}

#[test]
fn hooks_and_thread_names() {
    let started = Arc::new(AtomicUsize::new(0));
    let stopped = Arc::new(AtomicUsize::new(0));
    let parked = Arc::new(AtomicUsize::new(0));
    let unparked = Arc::new(AtomicUsize::new(0));
    let names = Arc::new(AtomicUsize::new(0));
    let (s, st, p, u, n) = (
        started.clone(),
        stopped.clone(),
        parked.clone(),
        unparked.clone(),
        names.clone(),
    );
    let rt = Rt::with_config(Config {
        thread_name: Arc::new(move || format!("mt-test-{}", n.fetch_add(1, SeqCst))),
        after_start: Some(Arc::new(move || {
            s.fetch_add(1, SeqCst);
        })),
        before_stop: Some(Arc::new(move || {
            st.fetch_add(1, SeqCst);
        })),
        before_park: Some(Arc::new(move || {
            p.fetch_add(1, SeqCst);
        })),
        after_unpark: Some(Arc::new(move || {
            u.fetch_add(1, SeqCst);
        })),
        ..support::config(3)
    });
    let name = rt.block_on(async {
        spawn(async { thread::current().name().unwrap().to_owned() })
            .await
            .unwrap()
    });
    assert!(name.starts_with("mt-test-"), "{name}");
    wait_until(LONG, "workers to park", || parked.load(SeqCst) >= 3);
    rt.shutdown();
    assert_eq!(started.load(SeqCst), 3);
    assert_eq!(stopped.load(SeqCst), 3);
    assert!(unparked.load(SeqCst) >= 1);
}

#[test]
fn metrics_are_per_worker_and_sane() {
    let rt = Rt::new(2);
    assert_eq!(rt.handle.num_workers(), 2);
    rt.block_on(async {
        for _ in 0..100 {
            spawn(async {}).await.unwrap();
        }
    });
    wait_until(LONG, "both workers to park", || {
        (0..2).all(|w| rt.handle.worker_park_count(w) >= 1)
    });
    let polls: u64 = (0..2).map(|w| rt.handle.worker_poll_count(w)).sum();
    assert!(polls >= 100);
    assert_eq!(rt.handle.spawned_tasks_count(), 100);
    assert_eq!(rt.handle.global_queue_depth(), 0);
    for w in 0..2 {
        assert_eq!(rt.handle.worker_local_queue_depth(w), 0);
        assert!(rt.handle.worker_steal_operations(w) <= rt.handle.worker_steal_count(w));
        assert!(rt.handle.worker_noop_count(w) <= rt.handle.worker_park_count(w));
        let _ = rt.handle.worker_overflow_count(w);
        let _ = rt.handle.worker_unpark_count(w);
        assert!(rt.handle.worker_total_busy_duration(w) < Duration::from_secs(3600));
    }
    wait_until(LONG, "tasks to be released", || {
        rt.handle.num_alive_tasks() == 0
    });
}

#[test]
fn overflow_moves_tasks_to_the_injector() {
    let rt = Rt::new(1);
    let n = rt.block_on(async {
        spawn(async {
            // Spawned without yielding: the local queue overflows.
            let joins: Vec<_> = (0..2000).map(|i| spawn(async move { i })).collect();
            let mut n = 0;
            for j in joins {
                n += j.await.unwrap();
            }
            n
        })
        .await
        .unwrap()
    });
    assert_eq!(n, (0..2000).sum::<i32>());
    assert!(rt.handle.worker_overflow_count(0) >= 1);
}

#[test]
#[should_panic(expected = "index 5 is out of range")]
fn worker_metric_out_of_range_panics() {
    let (pool, handle) = MultiThread::new(ParkThread::new(), support::config(2));
    let _pool = pool;
    handle.worker_poll_count(5);
}

#[test]
#[should_panic(expected = "worker_threads must be greater than 0")]
fn zero_workers_panics() {
    let _ = MultiThread::new(ParkThread::new(), support::config(0));
}

#[test]
#[should_panic(expected = "global_queue_interval must be greater than 0")]
fn zero_global_queue_interval_panics() {
    let _ = MultiThread::new(
        ParkThread::new(),
        Config {
            global_queue_interval: Some(0),
            ..support::config(1)
        },
    );
}

#[test]
fn concurrent_remote_spawners() {
    let rt = Arc::new(Rt::new(3));
    let barrier = Arc::new(Barrier::new(4));
    let counter = Arc::new(AtomicUsize::new(0));
    let threads: Vec<_> = (0..4)
        .map(|_| {
            let (rt, barrier, counter) = (rt.clone(), barrier.clone(), counter.clone());
            thread::spawn(move || {
                barrier.wait();
                let joins: Vec<_> = (0..2000)
                    .map(|_| {
                        let c = counter.clone();
                        rt.spawn(async move {
                            c.fetch_add(1, SeqCst);
                        })
                    })
                    .collect();
                for j in joins {
                    futures::executor::block_on(j).unwrap();
                }
            })
        })
        .collect();
    for t in threads {
        t.join().unwrap();
    }
    assert_eq!(counter.load(SeqCst), 8000);
}

#[test]
fn pool_and_handle_are_send_and_sync() {
    fn check<T: Send + Sync + 'static>() {}
    check::<MultiThread<ParkThread>>();
    check::<rt_sched_mt::Handle>();
    check::<Config>();
}

#[test]
fn block_on_inside_a_task_is_a_nested_runtime_error() {
    let rt = Rt::new(2);
    let rt2 = Arc::new(Rt::new(1));
    let r2 = rt2.clone();
    let err = rt.block_on(async move {
        spawn(async move { r2.block_on(async {}) })
            .await
            .unwrap_err()
    });
    let payload = err.into_panic();
    let msg = payload
        .downcast_ref::<String>()
        .cloned()
        .or_else(|| payload.downcast_ref::<&str>().map(|s| s.to_string()))
        .unwrap();
    assert!(
        msg.starts_with("Cannot start a runtime from within a runtime"),
        "{msg}"
    );
    // But inside block_in_place it is allowed (see the nested block_on test).
    drop(rt2);
}

#[test]
fn background_shutdown_of_a_pool_never_launched_cancels_its_tasks() {
    let (pool, handle) = MultiThread::new(ParkThread::new(), support::config(2));
    let drops = DropCounter::default();
    let t = drops.token();
    let join = handle.spawn(
        async move {
            let _t = t;
        },
        Id::next(),
    );
    assert!(pool.shutdown_timeout(Some(Duration::ZERO)));
    assert!(futures::executor::block_on(join)
        .unwrap_err()
        .is_cancelled());
    assert_eq!(drops.dropped(), 1);
    assert_eq!(handle.num_alive_tasks(), 0);
}

#[test]
fn shutdown_from_inside_block_in_place_does_not_deadlock() {
    let (pool, handle) = MultiThread::new(ParkThread::new(), support::config(2));
    let pool = Arc::new(pool);
    pool.launch(Handles::default());
    let p = pool.clone();
    let (tx, rx) = std::sync::mpsc::channel();
    drop(handle.spawn(
        async move {
            let done = block_in_place(|| p.shutdown_timeout(None));
            tx.send(done).unwrap();
        },
        Id::next(),
    ));
    assert!(rx.recv_timeout(LONG).unwrap());
    assert!(handle.is_shutdown());
    wait_until(LONG, "tasks to be released", || {
        handle.num_alive_tasks() == 0
    });
}

/// Stores its waker in `slot` on every poll and stays pending.
struct StoreWaker {
    slot: Arc<Mutex<Vec<std::task::Waker>>>,
    _token: support::Token,
}

impl std::future::Future for StoreWaker {
    type Output = ();
    fn poll(
        self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<()> {
        self.slot.lock().unwrap().push(cx.waker().clone());
        std::task::Poll::Pending
    }
}

#[test]
fn tasks_woken_from_other_threads_after_the_pool_is_dropped() {
    let drops = DropCounter::default();
    let slot = Arc::new(Mutex::new(Vec::new()));
    let rt = Rt::new(2);
    let joins: Vec<_> = (0..16)
        .map(|_| {
            rt.spawn(StoreWaker {
                slot: slot.clone(),
                _token: drops.token(),
            })
        })
        .collect();
    wait_until(LONG, "every task to store its waker", || {
        slot.lock().unwrap().len() >= 16
    });
    drop(rt);
    assert_eq!(drops.dropped(), 16, "shutdown dropped every future");
    // Wake (by value and by reference) from other threads: the tasks are
    // complete, the pool is gone; nothing runs and nothing is freed twice.
    let wakers = std::mem::take(&mut *slot.lock().unwrap());
    let threads: Vec<_> = wakers
        .into_iter()
        .enumerate()
        .map(|(i, w)| {
            thread::spawn(move || {
                if i % 2 == 0 {
                    w.wake();
                } else {
                    w.wake_by_ref();
                }
            })
        })
        .collect();
    for t in threads {
        t.join().unwrap();
    }
    for j in joins {
        assert!(futures::executor::block_on(j).unwrap_err().is_cancelled());
    }
    assert_eq!(drops.dropped(), 16);
}

#[test]
fn wakes_racing_the_shutdown_are_harmless() {
    // Other threads wake tasks (by value: the waker's reference is theirs)
    // while the pool shuts down; a wake that reaches the closed pool's
    // `schedule` has its notification dropped there.
    for _ in 0..20 {
        let drops = DropCounter::default();
        let slot = Arc::new(Mutex::new(Vec::new()));
        let rt = Rt::new(2);
        for _ in 0..8 {
            drop(rt.spawn(StoreWaker {
                slot: slot.clone(),
                _token: drops.token(),
            }));
        }
        wait_until(LONG, "every task to store a waker", || {
            slot.lock().unwrap().len() >= 8
        });
        let stop = Arc::new(AtomicBool::new(false));
        let waker_thread = {
            let (slot, stop) = (slot.clone(), stop.clone());
            thread::spawn(move || {
                for _ in 0..100_000 {
                    let w = slot.lock().unwrap().pop();
                    match w {
                        Some(w) => w.wake(),
                        None if stop.load(SeqCst) => return,
                        None => thread::yield_now(),
                    }
                }
            })
        };
        drop(rt);
        stop.store(true, SeqCst);
        waker_thread.join().unwrap();
        slot.lock().unwrap().clear();
        assert_eq!(drops.dropped(), 8);
    }
}
