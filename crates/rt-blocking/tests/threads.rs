//! No leaked threads: counts this process's threads in /proc/self/task.
//!
//! This binary holds ONE test so that the harness runs no other test thread
//! that could start or end while we count.

mod common;

use std::sync::atomic::{AtomicUsize, Ordering::SeqCst};
use std::sync::Arc;
use std::time::Duration;

use common::{config, wait_until, Gate};
use futures::executor::block_on;
use rt_blocking::{BlockingPool, Config, Spawner};

fn thread_count() -> usize {
    std::fs::read_dir("/proc/self/task")
        .expect("/proc/self/task is readable")
        .count()
}

/// After a pool has joined its threads: the count is back to `before`.
/// A joined thread's `/proc/self/task` entry can outlive `join` by a few
/// microseconds (the kernel releases it after the join futex is woken),
/// so this waits (bounded); a thread that was never joined (still parked)
/// keeps the count up and fails it.
fn joined_threads_gone(what: &str, before: usize) {
    wait_until(what, || thread_count() == before);
}

/// Spawns `n` tasks held on `gate` and waits until they all run, so the
/// pool has (at least) `n` threads.
fn occupy(spawner: &Spawner, n: usize, gate: &Gate) -> Vec<rt_task::JoinHandle<()>> {
    let running = Arc::new(AtomicUsize::new(0));
    let handles = (0..n)
        .map(|_| {
            let (gate, running) = (gate.clone(), running.clone());
            spawner.spawn_blocking(move || {
                running.fetch_add(1, SeqCst);
                gate.wait();
            })
        })
        .collect();
    wait_until("all tasks to run", || running.load(SeqCst) == n);
    handles
}

#[test]
fn no_thread_outlives_the_pool() {
    let before = thread_count();

    // 1. Busy threads: dropping the pool waits for them and joins them.
    {
        let pool = BlockingPool::new(config(8));
        let gate = Gate::new();
        let handles = occupy(&pool.spawner(), 8, &gate);
        assert_eq!(thread_count(), before + 8);
        gate.open();
        drop(pool);
        joined_threads_gone("busy threads leaked", before);
        for h in handles {
            block_on(h).unwrap();
        }
    }

    // 2. Idle threads: shutdown wakes them and joins them.
    {
        let mut pool = BlockingPool::new(Config::default());
        let spawner = pool.spawner();
        let gate = Gate::new();
        let handles = occupy(&spawner, 4, &gate);
        gate.open();
        for h in handles {
            block_on(h).unwrap();
        }
        wait_until("4 idle threads", || {
            spawner.num_idle_blocking_threads() == 4
        });
        pool.shutdown(None);
        joined_threads_gone("idle threads leaked", before);
    }

    // 3. Threads reaped by keep-alive exit; shutdown joins the last of them.
    {
        let pool = BlockingPool::new(Config {
            keep_alive: Duration::from_millis(50),
            ..Config::default()
        });
        let spawner = pool.spawner();
        let gate = Gate::new();
        let handles = occupy(&spawner, 4, &gate);
        gate.open();
        for h in handles {
            block_on(h).unwrap();
        }
        wait_until("threads to be reaped", || {
            spawner.num_blocking_threads() == 0
        });
        wait_until("reaped threads to exit", || thread_count() == before);
        drop(pool);
        joined_threads_gone("last thread leaked", before);
    }

    // 4. A thread detached by a shutdown timeout exits when its task ends.
    {
        let mut pool = BlockingPool::new(Config::default());
        let gate = Gate::new();
        let handles = occupy(&pool.spawner(), 1, &gate);
        pool.shutdown(Some(Duration::from_millis(20)));
        assert_eq!(thread_count(), before + 1);
        gate.open();
        for h in handles {
            block_on(h).unwrap();
        }
        wait_until("the detached thread to exit", || thread_count() == before);
    }
}
