//! A self-contained tour of the rt runtime: spawn storms, a JoinSet
//! fan-out/fan-in, `!Send` tasks on a LocalSet, and blocking work, with
//! what each did and how fast. Run it with `cargo xtask demo`.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use rt::runtime::Builder;
use rt::task::{JoinSet, LocalSet};

fn rate(n: u64, d: Duration) -> String {
    let per_sec = n as f64 / d.as_secs_f64();
    if per_sec > 1e6 {
        format!("{:.2} M/s", per_sec / 1e6)
    } else {
        format!("{:.1} k/s", per_sec / 1e3)
    }
}

fn main() {
    let rt = Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("build runtime");
    println!("rt demo — current-thread runtime");
    println!("================================");

    // 1. Spawn storm from inside the runtime.
    for &n in &[10_000u64, 100_000, 1_000_000] {
        let counter = Arc::new(AtomicU64::new(0));
        let start = Instant::now();
        rt.block_on(async {
            let mut handles = Vec::with_capacity(n as usize);
            for _ in 0..n {
                let c = counter.clone();
                handles.push(rt::spawn(async move {
                    c.fetch_add(1, Ordering::Relaxed);
                }));
            }
            for h in handles {
                h.await.expect("task failed");
            }
        });
        let d = start.elapsed();
        assert_eq!(counter.load(Ordering::Relaxed), n);
        println!(
            "spawn storm      {n:>9} tasks spawned+joined in {:>8.2?}  ({})",
            d,
            rate(n, d)
        );
    }

    // 2. JoinSet fan-out / fan-in: each worker task sums a slice.
    let start = Instant::now();
    let total: u64 = rt.block_on(async {
        let data: Arc<Vec<u64>> = Arc::new((1..=1_000_000).collect());
        let mut set = JoinSet::new();
        for chunk in 0..100 {
            let data = data.clone();
            set.spawn(async move {
                let lo = chunk * 10_000;
                let mut s = 0u64;
                for (i, v) in data[lo..lo + 10_000].iter().enumerate() {
                    s += v;
                    if i % 1000 == 0 {
                        rt::task::yield_now().await;
                    }
                }
                s
            });
        }
        let mut total = 0;
        while let Some(r) = set.join_next().await {
            total += r.expect("fan-out task failed");
        }
        total
    });
    assert_eq!(total, 500_000_500_000);
    println!(
        "JoinSet fan-in   100 tasks x 10,000 numbers, sum = {total} in {:.2?}",
        start.elapsed()
    );

    // 3. Yield ping-pong: many tasks interleaving on one thread.
    let start = Instant::now();
    let yields = rt.block_on(async {
        let mut set = JoinSet::new();
        for _ in 0..200 {
            set.spawn(async {
                for _ in 0..1_000 {
                    rt::task::yield_now().await;
                }
            });
        }
        while set.join_next().await.is_some() {}
        200u64 * 1_000
    });
    let d = start.elapsed();
    println!(
        "yield_now        {yields} yields across 200 tasks in {d:.2?}  ({})",
        rate(yields, d)
    );

    // 4. !Send tasks on a LocalSet.
    let local = LocalSet::new();
    let start = Instant::now();
    let n = local.block_on(&rt, async {
        let shared = std::rc::Rc::new(std::cell::Cell::new(0u64));
        let mut hs = Vec::new();
        for _ in 0..10_000 {
            let s = shared.clone();
            hs.push(rt::task::spawn_local(async move { s.set(s.get() + 1) }));
        }
        for h in hs {
            h.await.expect("local task failed");
        }
        shared.get()
    });
    println!(
        "LocalSet         {n} !Send tasks sharing an Rc in {:.2?}",
        start.elapsed()
    );

    // 5. Blocking work on the blocking pool.
    let start = Instant::now();
    let sum: u64 = rt.block_on(async {
        let mut set = JoinSet::new();
        for i in 0..64u64 {
            set.spawn_blocking(move || {
                std::thread::sleep(Duration::from_millis(20));
                i
            });
        }
        let mut s = 0;
        while let Some(r) = set.join_next().await {
            s += r.expect("blocking task failed");
        }
        s
    });
    let m = rt.metrics();
    println!(
        "spawn_blocking   64 x 20 ms sleeps in {:.2?} on {} pool threads (sum {sum})",
        start.elapsed(),
        m.num_blocking_threads()
    );

    // 6. Panics are caught and reported (the default hook's message for
    // this intentional panic is silenced).
    let hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(|_| {}));
    let err = rt
        .block_on(async { rt::spawn(async { panic!("a task panicked on purpose") }).await })
        .expect_err("the task panicked");
    std::panic::set_hook(hook);
    println!("panic isolation  JoinError: {err}");

    println!(
        "metrics          spawned {} tasks, {} alive",
        m.spawned_tasks_count(),
        m.num_alive_tasks()
    );
    let start = Instant::now();
    drop(rt);
    println!(
        "shutdown         runtime dropped in {:.2?}",
        start.elapsed()
    );

    // 7. Timers (see `timers` below).
    timers();
}

/// The last section: timers on a fresh runtime with the time driver — many
/// sleeps at once and how late they fired, a timeout, and an interval.
fn timers() {
    let rt = Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("build runtime");
    let start = Instant::now();
    let mut late = rt.block_on(async {
        let mut set = JoinSet::new();
        for i in 0..1_000u64 {
            set.spawn(async move {
                let d = Duration::from_millis(1 + i % 20);
                let t = Instant::now();
                rt::time::sleep(d).await;
                t.elapsed().saturating_sub(d)
            });
        }
        let mut late = Vec::with_capacity(1_000);
        while let Some(r) = set.join_next().await {
            late.push(r.expect("sleep task failed"));
        }
        late
    });
    let d = start.elapsed();
    late.sort();
    println!(
        "timers           1000 sleeps of 1-20 ms done in {d:.2?}; late by p50 {:.2?}, max {:.2?}",
        late[late.len() / 2],
        late[late.len() - 1]
    );
    let (timed_out, after) = rt.block_on(async {
        let t = Instant::now();
        let r = rt::time::timeout(
            Duration::from_millis(10),
            rt::time::sleep(Duration::from_secs(60)),
        )
        .await;
        (r.is_err(), t.elapsed())
    });
    assert!(timed_out, "a 60 s sleep finished within a 10 ms timeout");
    let ticks = rt.block_on(async {
        let t = Instant::now();
        let mut interval = rt::time::interval(Duration::from_millis(5));
        for _ in 0..10 {
            interval.tick().await;
        }
        t.elapsed()
    });
    println!(
        "time             timeout(10 ms) on a 60 s sleep: Elapsed after {after:.2?}; \
         interval(5 ms) x 10 ticks in {ticks:.2?}"
    );
}
