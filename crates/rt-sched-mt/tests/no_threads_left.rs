//! Every thread the pool starts has exited when `shutdown` returns: counted
//! in /proc/self/task. Alone in its binary so no other test's threads
//! interfere.

mod support;

use std::sync::atomic::{AtomicUsize, Ordering::SeqCst};
use std::sync::Arc;
use std::time::Duration;

use rt_sched_mt::block_in_place;
use support::{spawn, Rt};

fn thread_count() -> usize {
    std::fs::read_dir("/proc/self/task")
        .expect("/proc/self/task")
        .count()
}

#[test]
fn no_threads_left_after_shutdown() {
    let before = thread_count();
    for round in 0..3 {
        let rt = Rt::new(4);
        let done = Arc::new(AtomicUsize::new(0));
        let d = done.clone();
        rt.block_on(async move {
            let joins: Vec<_> = (0..100)
                .map(|i| {
                    let d = d.clone();
                    spawn(async move {
                        if i % 10 == 0 {
                            // Hand-offs start extra threads (no blocking
                            // pool here: plain threads the pool joins).
                            block_in_place(|| std::thread::sleep(Duration::from_millis(2)));
                        }
                        d.fetch_add(1, SeqCst);
                    })
                })
                .collect();
            for j in joins {
                j.await.unwrap();
            }
        });
        assert_eq!(done.load(SeqCst), 100);
        assert!(
            thread_count() >= before + 4,
            "round {round}: workers not running"
        );
        rt.shutdown();
        // Shutdown joined every worker; a joined thread's /proc entry can
        // outlive `join` by microseconds, so allow a bounded moment for the
        // kernel to release it (a worker still parked never goes away).
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(5);
        while thread_count() != before && std::time::Instant::now() < deadline {
            std::thread::sleep(std::time::Duration::from_millis(1));
        }
        assert_eq!(
            thread_count(),
            before,
            "round {round}: threads left after shutdown"
        );
        assert_eq!(rt.handle.num_alive_tasks(), 0);
    }
}
