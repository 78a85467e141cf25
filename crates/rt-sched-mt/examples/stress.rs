//! Stress program for the multi-thread scheduler: millions of short tasks,
//! ping-pong chains across workers, spawn chains, remote spawns from many
//! threads, `block_in_place`, then a shutdown that must leave every task
//! accounted for (`num_alive_tasks() == 0`) and no thread behind.
//!
//! ```sh
//! cargo run --release -p rt-sched-mt --example stress -- [WORKERS] [SCALE]
//! ```
//!
//! `SCALE` (default 1) multiplies every workload; `SCALE=1` spawns about
//! 3.5 million tasks.

use std::future::Future;
use std::sync::atomic::{AtomicUsize, Ordering::SeqCst};
use std::sync::Arc;
use std::time::{Duration, Instant};

use futures::channel::{mpsc, oneshot};
use futures::{SinkExt, StreamExt};
use rt_sched_mt::{block_in_place, Config, Handle, MultiThread};
use rt_task::context::{self, Handles};
use rt_task::{Id, JoinHandle, ParkThread};

fn spawn<F>(f: F) -> JoinHandle<F::Output>
where
    F: Future + Send + 'static,
    F::Output: Send + 'static,
{
    let handle = context::runtime()
        .expect("no runtime")
        .downcast::<Handle>()
        .expect("not a multi-thread handle");
    handle.spawn(f, Id::next())
}

fn thread_count() -> Option<usize> {
    std::fs::read_dir("/proc/self/task").ok().map(|d| d.count())
}

fn phase(name: &str, f: impl FnOnce() -> usize) {
    let start = Instant::now();
    let n = f();
    let t = start.elapsed();
    println!(
        "{name:<34} {n:>10} tasks  {t:>10.2?}  {:>8.0} ns/task",
        t.as_nanos() as f64 / n.max(1) as f64
    );
}

fn main() {
    let mut args = std::env::args().skip(1);
    let workers: usize = args
        .next()
        .map(|s| s.parse().expect("WORKERS"))
        .unwrap_or(4);
    let scale: usize = args.next().map(|s| s.parse().expect("SCALE")).unwrap_or(1);
    let threads_before = thread_count();

    let (pool, handle) = MultiThread::new(
        ParkThread::new(),
        Config {
            worker_threads: workers,
            ..Config::default()
        },
    );
    let handles = Handles {
        runtime: Some(handle.clone()),
        ..Handles::default()
    };
    pool.launch(handles.clone());
    let block_on = |f: std::pin::Pin<Box<dyn Future<Output = usize>>>| {
        let _enter = context::enter(handles.clone());
        let _rt = context::enter_runtime(true).expect("nested runtime");
        pool.block_on(f)
    };
    println!("rt-sched-mt stress: {workers} workers, scale {scale}");

    // 1. Millions of short tasks spawned from inside tasks.
    phase("short tasks (spawned inside)", || {
        let n = 2_000_000 * scale;
        let done = Arc::new(AtomicUsize::new(0));
        let d = done.clone();
        block_on(Box::pin(async move {
            let spawners: Vec<_> = (0..16)
                .map(|_| {
                    let d = d.clone();
                    spawn(async move {
                        for _ in 0..n / 16 {
                            let d = d.clone();
                            drop(spawn(async move {
                                d.fetch_add(1, SeqCst);
                            }));
                        }
                    })
                })
                .collect();
            for s in spawners {
                s.await.unwrap();
            }
            n
        }));
        let start = Instant::now();
        while done.load(SeqCst) < n {
            assert!(
                start.elapsed() < Duration::from_secs(600),
                "short tasks stalled"
            );
            std::thread::sleep(Duration::from_millis(1));
        }
        n
    });

    // 2. Ping-pong pairs across workers.
    phase("ping-pong pairs (1000 x 1000 trips)", || {
        let pairs = 1000;
        let trips = 1000 * scale;
        block_on(Box::pin(async move {
            let joins: Vec<_> = (0..pairs)
                .map(|_| {
                    spawn(async move {
                        let (mut to_b, mut from_a) = mpsc::channel::<usize>(1);
                        let (mut to_a, mut from_b) = mpsc::channel::<usize>(1);
                        let b = spawn(async move {
                            while let Some(v) = from_a.next().await {
                                if to_a.send(v + 1).await.is_err() {
                                    break;
                                }
                            }
                        });
                        let mut v = 0;
                        for _ in 0..trips {
                            to_b.send(v).await.unwrap();
                            v = from_b.next().await.unwrap();
                        }
                        drop(to_b);
                        b.await.unwrap();
                        assert_eq!(v, trips);
                    })
                })
                .collect();
            for j in joins {
                j.await.unwrap();
            }
            pairs * 2
        }))
    });

    // 3. Spawn chains: each task spawns the next.
    phase("spawn chains (100 x 10000)", || {
        let chains = 100;
        let depth = 10_000 * scale;
        fn link(left: usize, done: oneshot::Sender<()>) {
            if left == 0 {
                let _ = done.send(());
            } else {
                drop(spawn(async move { link(left - 1, done) }));
            }
        }
        block_on(Box::pin(async move {
            let waits: Vec<_> = (0..chains)
                .map(|_| {
                    let (tx, rx) = oneshot::channel();
                    drop(spawn(async move { link(depth, tx) }));
                    rx
                })
                .collect();
            for w in waits {
                w.await.unwrap();
            }
            chains * depth
        }))
    });

    // 4. Remote spawns from many threads at once, some blocking in place.
    phase("remote spawns from 8 threads", || {
        let per_thread = 50_000 * scale;
        let done = Arc::new(AtomicUsize::new(0));
        std::thread::scope(|s| {
            for t in 0..8 {
                let handle = handle.clone();
                let done = done.clone();
                s.spawn(move || {
                    let joins: Vec<_> = (0..per_thread)
                        .map(|i| {
                            let done = done.clone();
                            handle.spawn(
                                async move {
                                    if i % 10_000 == 0 && t % 2 == 0 {
                                        block_in_place(|| {
                                            std::thread::sleep(Duration::from_millis(1))
                                        });
                                    }
                                    done.fetch_add(1, SeqCst);
                                },
                                Id::next(),
                            )
                        })
                        .collect();
                    for j in joins {
                        futures::executor::block_on(j).unwrap();
                    }
                });
            }
        });
        assert_eq!(done.load(SeqCst), 8 * per_thread);
        8 * per_thread
    });

    // Every task accounted for.
    let start = Instant::now();
    while handle.num_alive_tasks() != 0 {
        assert!(
            start.elapsed() < Duration::from_secs(60),
            "tasks still alive"
        );
        std::thread::sleep(Duration::from_millis(1));
    }
    println!(
        "spawned {} tasks, alive {}, steals {}, overflows {}",
        handle.spawned_tasks_count(),
        handle.num_alive_tasks(),
        (0..workers)
            .map(|w| handle.worker_steal_count(w))
            .sum::<u64>(),
        (0..workers)
            .map(|w| handle.worker_overflow_count(w))
            .sum::<u64>(),
    );

    {
        let _enter = context::enter(handles.clone());
        pool.shutdown();
    }
    drop(handles);
    assert_eq!(handle.num_alive_tasks(), 0);
    if let (Some(before), Some(after)) = (threads_before, thread_count()) {
        assert_eq!(before, after, "threads left after shutdown");
    }
    println!("ok: every task accounted for, no thread left");
}
