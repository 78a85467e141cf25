//! Behaviour of the blocking pool: results, panics, limits, reuse,
//! keep-alive, shutdown, hooks and the runtime context.

mod common;

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering::SeqCst};
use std::sync::{mpsc, Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant};

use common::{config, wait_until, Gate, BOUND};
use futures::executor::block_on;
use rt_blocking::{BlockingPool, Config, Spawner};
use rt_task::context::{self, Driver, Handles};

#[test]
fn many_tasks_complete_with_their_results() {
    let pool = BlockingPool::new(Config::default());
    let spawner = pool.spawner();
    let handles: Vec<_> = (0..200u64)
        .map(|i| spawner.spawn_blocking(move || i * 2))
        .collect();
    let sum: u64 = handles.into_iter().map(|h| block_on(h).unwrap()).sum();
    assert_eq!(sum, (0..200u64).map(|i| i * 2).sum());
}

#[test]
fn tasks_spawned_from_many_threads_complete() {
    let pool = BlockingPool::new(config(4));
    let spawner = pool.spawner();
    let total = Arc::new(AtomicUsize::new(0));
    let spawners: Vec<_> = (0..4)
        .map(|_| {
            let spawner = spawner.clone();
            let total = total.clone();
            thread::spawn(move || {
                let handles: Vec<_> = (0..50)
                    .map(|_| {
                        let total = total.clone();
                        spawner.spawn_blocking(move || total.fetch_add(1, SeqCst))
                    })
                    .collect();
                for h in handles {
                    block_on(h).unwrap();
                }
            })
        })
        .collect();
    for t in spawners {
        t.join().unwrap();
    }
    assert_eq!(total.load(SeqCst), 200);
    assert!(spawner.num_blocking_threads() <= 4);
}

#[test]
fn panic_is_delivered_as_a_join_error() {
    let pool = BlockingPool::new(config(1));
    let spawner = pool.spawner();
    let err = block_on(spawner.spawn_blocking(|| -> u32 { panic!("boom") })).unwrap_err();
    assert!(err.is_panic());
    let payload = err.into_panic();
    assert_eq!(payload.downcast_ref::<&str>(), Some(&"boom"));
    // The thread survived the panic and still runs tasks.
    assert_eq!(block_on(spawner.spawn_blocking(|| 5)).unwrap(), 5);
    assert_eq!(spawner.num_blocking_threads(), 1);
}

#[test]
fn an_idle_thread_is_reused_instead_of_spawning() {
    let pool = BlockingPool::new(Config::default());
    let spawner = pool.spawner();
    let first = block_on(spawner.spawn_blocking(|| thread::current().id())).unwrap();
    wait_until("the thread to become idle", || {
        spawner.num_idle_blocking_threads() == 1
    });
    let second = block_on(spawner.spawn_blocking(|| thread::current().id())).unwrap();
    assert_eq!(first, second);
    assert_eq!(spawner.num_blocking_threads(), 1);
}

#[test]
fn max_blocking_threads_is_respected() {
    const MAX: usize = 3;
    const TASKS: usize = 12;
    let pool = BlockingPool::new(config(MAX));
    let spawner = pool.spawner();
    let gate = Gate::new();
    let running = Arc::new(AtomicUsize::new(0));
    let high_water = Arc::new(AtomicUsize::new(0));
    let handles: Vec<_> = (0..TASKS)
        .map(|_| {
            let (gate, running, high_water) = (gate.clone(), running.clone(), high_water.clone());
            spawner.spawn_blocking(move || {
                let now = running.fetch_add(1, SeqCst) + 1;
                high_water.fetch_max(now, SeqCst);
                gate.wait();
                running.fetch_sub(1, SeqCst);
            })
        })
        .collect();

    wait_until("MAX tasks to run", || running.load(SeqCst) == MAX);
    assert_eq!(spawner.num_blocking_threads(), MAX);
    assert_eq!(spawner.num_idle_blocking_threads(), 0);
    assert_eq!(spawner.blocking_queue_depth(), TASKS - MAX);

    gate.open();
    for h in handles {
        block_on(h).unwrap();
    }
    assert_eq!(high_water.load(SeqCst), MAX);
    assert!(spawner.num_blocking_threads() <= MAX);
    assert_eq!(spawner.blocking_queue_depth(), 0);
}

#[test]
fn idle_threads_are_reaped_after_keep_alive() {
    let pool = BlockingPool::new(Config {
        keep_alive: Duration::from_millis(100),
        ..Config::default()
    });
    let spawner = pool.spawner();
    let gate = Gate::new();
    let running = Arc::new(AtomicUsize::new(0));
    let handles: Vec<_> = (0..4)
        .map(|_| {
            let (gate, running) = (gate.clone(), running.clone());
            spawner.spawn_blocking(move || {
                running.fetch_add(1, SeqCst);
                gate.wait();
            })
        })
        .collect();
    wait_until("4 concurrent tasks", || running.load(SeqCst) == 4);
    assert_eq!(spawner.num_blocking_threads(), 4);
    gate.open();
    for h in handles {
        block_on(h).unwrap();
    }
    wait_until("idle threads to be reaped", || {
        spawner.num_blocking_threads() == 0
    });
    assert_eq!(spawner.num_idle_blocking_threads(), 0);
    // The pool still works after reaping.
    assert_eq!(block_on(spawner.spawn_blocking(|| 1)).unwrap(), 1);
}

#[test]
fn shutdown_waits_for_running_tasks() {
    let mut pool = BlockingPool::new(Config::default());
    let spawner = pool.spawner();
    let started = Arc::new(AtomicBool::new(false));
    let finished = Arc::new(AtomicBool::new(false));
    let handle = {
        let (started, finished) = (started.clone(), finished.clone());
        spawner.spawn_blocking(move || {
            started.store(true, SeqCst);
            thread::sleep(Duration::from_millis(200));
            finished.store(true, SeqCst);
        })
    };
    wait_until("the task to start", || started.load(SeqCst));
    pool.shutdown(None);
    assert!(
        finished.load(SeqCst),
        "shutdown returned before the task ended"
    );
    assert!(handle.is_finished());
    block_on(handle).unwrap();
    assert_eq!(spawner.num_blocking_threads(), 0);
}

#[test]
fn shutdown_timeout_returns_in_time() {
    let mut pool = BlockingPool::new(Config::default());
    let spawner = pool.spawner();
    let gate = Gate::new();
    let started = Arc::new(AtomicBool::new(false));
    let handle = {
        let (gate, started) = (gate.clone(), started.clone());
        spawner.spawn_blocking(move || {
            started.store(true, SeqCst);
            gate.wait(); // "a 5 s task": held until the test opens the gate
            7
        })
    };
    wait_until("the task to start", || started.load(SeqCst));
    let start = Instant::now();
    pool.shutdown(Some(Duration::from_millis(200)));
    let elapsed = start.elapsed();
    assert!(elapsed < Duration::from_secs(3), "took {elapsed:?}");
    assert!(!handle.is_finished());
    // The detached thread still finishes its task.
    gate.open();
    assert_eq!(block_on(handle).unwrap(), 7);
}

#[test]
fn shutdown_background_does_not_wait() {
    let mut pool = BlockingPool::new(Config::default());
    let spawner = pool.spawner();
    let gate = Gate::new();
    let started = Arc::new(AtomicBool::new(false));
    let handle = {
        let (gate, started) = (gate.clone(), started.clone());
        spawner.spawn_blocking(move || {
            started.store(true, SeqCst);
            gate.wait();
        })
    };
    wait_until("the task to start", || started.load(SeqCst));
    let start = Instant::now();
    pool.shutdown(Some(Duration::ZERO));
    // Idempotent: the drop's `shutdown(None)` does not wait either.
    drop(pool);
    assert!(start.elapsed() < Duration::from_secs(3));
    gate.open();
    block_on(handle).unwrap();
}

#[test]
fn queued_tasks_are_cancelled_at_shutdown() {
    let pool = BlockingPool::new(config(1));
    let spawner = pool.spawner();
    let gate = Gate::new();
    let started = Arc::new(AtomicBool::new(false));
    let first = {
        let (gate, started) = (gate.clone(), started.clone());
        spawner.spawn_blocking(move || {
            started.store(true, SeqCst);
            gate.wait();
            1
        })
    };
    wait_until("the first task to start", || started.load(SeqCst));
    let ran = Arc::new(AtomicBool::new(false));
    let second = {
        let ran = ran.clone();
        spawner.spawn_blocking(move || ran.store(true, SeqCst))
    };
    assert_eq!(spawner.blocking_queue_depth(), 1);

    // `shutdown(None)` blocks on the first task; run it on another thread.
    let mut pool = pool;
    let shutdown = thread::spawn(move || pool.shutdown(None));
    wait_until("the queued task to be cancelled", || second.is_finished());
    assert!(block_on(second).unwrap_err().is_cancelled());
    assert!(!shutdown.is_finished(), "shutdown did not wait");

    gate.open();
    shutdown.join().unwrap();
    assert_eq!(block_on(first).unwrap(), 1);
    assert!(!ran.load(SeqCst));
}

#[test]
fn spawn_after_shutdown_is_cancelled() {
    let mut pool = BlockingPool::new(Config::default());
    let spawner = pool.spawner();
    pool.shutdown(None);
    let ran = Arc::new(AtomicBool::new(false));
    let handle = {
        let ran = ran.clone();
        spawner.spawn_blocking(move || ran.store(true, SeqCst))
    };
    assert!(handle.is_finished());
    assert!(block_on(handle).unwrap_err().is_cancelled());
    let mandatory = {
        let ran = ran.clone();
        spawner.spawn_mandatory_blocking(move || ran.store(true, SeqCst))
    };
    assert!(mandatory.is_none());
    assert!(!ran.load(SeqCst));
    assert_eq!(spawner.num_blocking_threads(), 0);
}

#[test]
fn abort_before_start_cancels_the_task() {
    let pool = BlockingPool::new(config(1));
    let spawner = pool.spawner();
    let gate = Gate::new();
    let first = {
        let gate = gate.clone();
        spawner.spawn_blocking(move || gate.wait())
    };
    let ran = Arc::new(AtomicBool::new(false));
    let second = {
        let ran = ran.clone();
        spawner.spawn_blocking(move || ran.store(true, SeqCst))
    };
    second.abort();
    gate.open();
    block_on(first).unwrap();
    assert!(block_on(second).unwrap_err().is_cancelled());
    assert!(!ran.load(SeqCst));
}

#[test]
fn mandatory_tasks_run_beyond_the_limit() {
    let pool = BlockingPool::new(config(1));
    let spawner = pool.spawner();
    let gate = Gate::new();
    let started = Arc::new(AtomicBool::new(false));
    let first = {
        let (gate, started) = (gate.clone(), started.clone());
        spawner.spawn_blocking(move || {
            started.store(true, SeqCst);
            gate.wait();
        })
    };
    wait_until("the first task to start", || started.load(SeqCst));
    let mandatory = spawner.spawn_mandatory_blocking(|| 9).unwrap();
    wait_until("the mandatory task to run", || mandatory.is_finished());
    assert_eq!(block_on(mandatory).unwrap(), 9);
    assert!(!first.is_finished());
    gate.open();
    block_on(first).unwrap();
}

#[test]
fn hooks_run_and_threads_are_named() {
    let next = Arc::new(AtomicUsize::new(0));
    let starts = Arc::new(Mutex::new(Vec::new()));
    let stops = Arc::new(AtomicUsize::new(0));
    let pool = BlockingPool::new(Config {
        thread_name: {
            let next = next.clone();
            Arc::new(move || format!("blk-{}", next.fetch_add(1, SeqCst)))
        },
        stack_size: Some(1 << 20),
        after_start: Some({
            let starts = starts.clone();
            Arc::new(move || {
                let name = thread::current().name().map(str::to_owned);
                starts.lock().unwrap().push(name.unwrap());
            })
        }),
        before_stop: Some({
            let stops = stops.clone();
            Arc::new(move || {
                stops.fetch_add(1, SeqCst);
            })
        }),
        ..Config::default()
    });
    let spawner = pool.spawner();
    let gate = Gate::new();
    let running = Arc::new(AtomicUsize::new(0));
    let handles: Vec<_> = (0..3)
        .map(|_| {
            let (gate, running) = (gate.clone(), running.clone());
            spawner.spawn_blocking(move || {
                running.fetch_add(1, SeqCst);
                gate.wait();
                thread::current().name().map(str::to_owned)
            })
        })
        .collect();
    wait_until("3 concurrent tasks", || running.load(SeqCst) == 3);
    gate.open();
    let mut names: Vec<String> = handles
        .into_iter()
        .map(|h| block_on(h).unwrap().unwrap())
        .collect();
    names.sort();
    assert_eq!(names, ["blk-0", "blk-1", "blk-2"]);
    assert_eq!(stops.load(SeqCst), 0);

    drop(pool);
    let mut started = starts.lock().unwrap().clone();
    started.sort();
    assert_eq!(started, names);
    assert_eq!(stops.load(SeqCst), 3);
}

#[derive(Debug)]
struct Sentinel;

#[test]
fn pool_threads_run_inside_the_runtime_context() {
    let pool = BlockingPool::new(Config::default());
    let spawner = pool.spawner();
    let sentinel = Arc::new(Sentinel);
    let handles = Handles {
        runtime: Some(sentinel.clone()),
        ..Handles::default()
    }
    .with_driver(Driver::Blocking, spawner.to_context_handle());
    spawner.set_thread_context(handles);

    let nested = spawner.spawn_blocking(|| {
        assert!(context::runtime().is_some_and(|h| h.is::<Sentinel>()));
        // The free function finds this pool through the context.
        let inner = rt_blocking::spawn_blocking(|| 21 * 2);
        block_on(inner).unwrap()
    });
    assert_eq!(block_on(nested).unwrap(), 42);

    // Shutdown drops the handles (breaking the Spawner -> handles -> Spawner
    // cycle) and every thread left its context: nothing holds them any more.
    drop(pool);
    assert_eq!(Arc::strong_count(&sentinel), 1);
}

#[test]
fn free_spawn_blocking_uses_the_entered_context() {
    let pool = BlockingPool::new(Config::default());
    let spawner = pool.spawner();
    let _guard = context::enter(
        Handles::default().with_driver(Driver::Blocking, spawner.to_context_handle()),
    );
    assert!(Spawner::try_current().is_some());
    assert_eq!(
        block_on(rt_blocking::spawn_blocking(|| "ok")).unwrap(),
        "ok"
    );
}

#[test]
#[should_panic(
    expected = "there is no reactor running, must be called from the context of an rt runtime"
)]
fn spawn_blocking_outside_a_runtime_panics() {
    drop(rt_blocking::spawn_blocking(|| ()));
}

#[test]
#[should_panic(expected = "Max blocking threads cannot be set to 0")]
fn zero_max_blocking_threads_is_rejected() {
    let _ = BlockingPool::new(config(0));
}

#[test]
fn dropping_the_pool_on_its_own_thread_does_not_deadlock() {
    let pool = BlockingPool::new(Config::default());
    let spawner = pool.spawner();
    let (tx, rx) = mpsc::channel();
    let handle = spawner.spawn_blocking(move || {
        drop(pool);
        tx.send(()).unwrap();
    });
    rx.recv_timeout(BOUND)
        .expect("dropping the pool from its own thread hung");
    wait_until("the task to complete", || handle.is_finished());
    block_on(handle).unwrap();
    wait_until("the thread to exit", || spawner.num_blocking_threads() == 0);
}

#[test]
fn shutdown_cancels_queued_tasks_even_without_free_threads() {
    // A queued task is cancelled by the shutdown itself, not by a worker:
    // with every thread stuck past the timeout, its handle still resolves.
    let mut pool = BlockingPool::new(config(1));
    let spawner = pool.spawner();
    let gate = Gate::new();
    let first = {
        let gate = gate.clone();
        spawner.spawn_blocking(move || gate.wait())
    };
    let second = spawner.spawn_blocking(|| ());
    pool.shutdown(Some(Duration::from_millis(50)));
    assert!(second.is_finished());
    assert!(block_on(second).unwrap_err().is_cancelled());
    gate.open();
    // The first may have been cancelled too if shutdown won the race
    // against the thread's start; either way it resolves.
    let _ = block_on(first);
}

/// Records, when dropped, whether the task's `JoinHandle` already saw the
/// output.
struct FinishedProbe {
    handle: Arc<Mutex<Option<rt_task::AbortHandle>>>,
    saw_finished: Arc<Mutex<Vec<bool>>>,
}

impl Drop for FinishedProbe {
    fn drop(&mut self) {
        let finished = self
            .handle
            .lock()
            .unwrap()
            .as_ref()
            .is_some_and(|h| h.is_finished());
        self.saw_finished.lock().unwrap().push(finished);
    }
}

#[test]
fn guard_is_dropped_after_the_output_is_published() {
    let pool = BlockingPool::new(Config::default());
    let spawner = pool.spawner();
    let saw_finished = Arc::new(Mutex::new(Vec::new()));
    for i in 0..50 {
        let slot = Arc::new(Mutex::new(None));
        // Hold the slot's lock until the abort handle is stored, so the
        // probe cannot look before it is there.
        let mut held = slot.lock().unwrap();
        let probe = FinishedProbe {
            handle: slot.clone(),
            saw_finished: saw_finished.clone(),
        };
        let handle = spawner.spawn_blocking_with_guard(move || i * 2, probe);
        *held = Some(handle.abort_handle());
        drop(held);
        assert_eq!(block_on(handle).unwrap(), i * 2);
    }
    wait_until("every guard to be dropped", || {
        saw_finished.lock().unwrap().len() == 50
    });
    assert!(saw_finished.lock().unwrap().iter().all(|&f| f));
    drop(pool);
}

#[test]
fn in_flight_counts_queued_and_running_tasks() {
    let pool = BlockingPool::new(config(1));
    let spawner = pool.spawner();
    let in_flight = spawner.in_flight();
    assert_eq!(in_flight.get(), 0);
    let gate = Gate::new();
    let running = {
        let gate = gate.clone();
        spawner.spawn_blocking(move || gate.wait())
    };
    // The only thread is busy: this one waits in the queue.
    let queued = spawner.spawn_blocking(|| 3);
    assert_eq!(in_flight.get(), 2);
    gate.open();
    block_on(running).unwrap();
    assert_eq!(block_on(queued).unwrap(), 3);
    // A task stops counting right after it woke its `JoinHandle`.
    wait_until("the in-flight count to drop to zero", || {
        in_flight.get() == 0
    });
}

#[test]
fn back_to_back_round_trips_from_racing_threads_lose_no_task() {
    // Sequential spawn-and-wait loops are what the spinning hand-off serves;
    // several of them at once race the spinner's claim against the idle
    // path, thread start-up and the queue.
    let pool = BlockingPool::new(config(2));
    let spawner = pool.spawner();
    let deadline = Instant::now() + BOUND;
    let threads: Vec<_> = (0..4u64)
        .map(|t| {
            let spawner = spawner.clone();
            thread::spawn(move || {
                for i in 0..500u64 {
                    assert!(Instant::now() < deadline, "round trips stalled");
                    let got = block_on(spawner.spawn_blocking(move || t * 1000 + i)).unwrap();
                    assert_eq!(got, t * 1000 + i);
                }
            })
        })
        .collect();
    for t in threads {
        t.join().unwrap();
    }
    assert!(spawner.num_blocking_threads() <= 2);
    wait_until("the in-flight count to drop to zero", || {
        spawner.in_flight().get() == 0
    });
}
