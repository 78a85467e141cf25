//! Spawn storms and ping-pong chains on rt's runtimes.
//!
//! `stress-test [--tasks N] [--batch N]` runs, on a current-thread runtime and
//! on multi-thread runtimes with 4 and 2 workers: N tasks (default 1,000,000)
//! spawned in batches (default 10,000) — even batches await every JoinHandle
//! and check each task's output, odd batches drop the handles (detached
//! tasks) and wait until the shared counter shows every task ran — and, on
//! the multi-thread ones, 200 chains of 500 oneshot ping-pongs between tasks
//! that land on different workers. Each run must end with every task
//! accounted for (`num_alive_tasks() == 0`), and after the runtime is dropped
//! the process must be back to its starting thread count. Prints a summary;
//! exits non-zero on any mismatch.

use std::process::ExitCode;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Instant;

const DEFAULT_TASKS: usize = 1_000_000;
const DEFAULT_BATCH: usize = 10_000;

struct Options {
    tasks: usize,
    batch: usize,
}

fn parse_args() -> Result<Options, String> {
    let mut options = Options {
        tasks: DEFAULT_TASKS,
        batch: DEFAULT_BATCH,
    };
    let mut args = std::env::args().skip(1);
    while let Some(flag) = args.next() {
        let slot = match flag.as_str() {
            "--tasks" => &mut options.tasks,
            "--batch" => &mut options.batch,
            "-h" | "--help" => {
                return Err("usage: stress-test [--tasks N] [--batch N]".into());
            }
            other => return Err(format!("unknown argument `{other}`")),
        };
        let value = args.next().ok_or_else(|| format!("{flag} needs a value"))?;
        *slot = value
            .parse()
            .ok()
            .filter(|n: &usize| *n > 0)
            .ok_or_else(|| format!("{flag} must be a positive integer, got `{value}`"))?;
    }
    Ok(options)
}

/// Runs one batch of `size` tasks starting at task number `first`; returns
/// how many were confirmed through their JoinHandle.
async fn batch(counter: &Arc<AtomicUsize>, first: usize, size: usize, detached: bool) -> usize {
    let before = counter.load(Ordering::SeqCst);
    if detached {
        for _ in 0..size {
            let counter = counter.clone();
            drop(rt::spawn(async move {
                counter.fetch_add(1, Ordering::SeqCst);
            }));
        }
        // On the current-thread runtime each yield lets the scheduler run
        // tasks; on a multi-thread one the workers run them in parallel.
        // Bounded in time: hitting the deadline means tasks were lost.
        let deadline = Instant::now() + std::time::Duration::from_secs(60);
        while counter.load(Ordering::SeqCst) < before + size {
            assert!(
                Instant::now() < deadline,
                "detached batch at {first}: only {} of {size} tasks ran within 60 s",
                counter.load(Ordering::SeqCst) - before
            );
            rt::task::yield_now().await;
        }
        0
    } else {
        let mut handles = Vec::with_capacity(size);
        for i in first..first + size {
            let counter = counter.clone();
            handles.push(rt::spawn(async move {
                counter.fetch_add(1, Ordering::SeqCst);
                i
            }));
        }
        for (expected, handle) in (first..).zip(handles) {
            let got = handle.await.expect("a stress task panicked");
            assert_eq!(got, expected, "a JoinHandle returned another task's output");
        }
        size
    }
}

/// Ping-pong chains across workers: each pair passes a counter back and
/// forth through fresh oneshot channels. Returns the number of round trips.
async fn ping_pong_chains(chains: usize, rounds: usize) -> usize {
    let mut handles = Vec::with_capacity(chains);
    for _ in 0..chains {
        handles.push(rt::spawn(async move {
            let mut n = 0usize;
            for _ in 0..rounds {
                let (tx, rx) = rt::sync::oneshot::channel::<usize>();
                let (back_tx, back_rx) = rt::sync::oneshot::channel::<usize>();
                rt::spawn(async move {
                    let v = rx.await.expect("ping dropped");
                    back_tx.send(v + 1).expect("pong receiver dropped");
                });
                tx.send(n).expect("ping receiver dropped");
                n = back_rx.await.expect("pong dropped");
            }
            n
        }));
    }
    let mut total = 0;
    for h in handles {
        total += h.await.expect("a ping-pong chain panicked");
    }
    total
}

fn thread_count() -> usize {
    std::fs::read_dir("/proc/self/task")
        .map(|d| d.count())
        .unwrap_or(0)
}

/// One full run on `runtime`; returns an error message on any mismatch.
fn run_one(
    name: &str,
    runtime: rt::runtime::Runtime,
    options: &Options,
    ping_pong: bool,
) -> Result<(), String> {
    let counter = Arc::new(AtomicUsize::new(0));
    let started = Instant::now();
    let (tasks, batch_size) = (options.tasks, options.batch);
    let (batches, joined, round_trips) = runtime.block_on({
        let counter = counter.clone();
        async move {
            let mut first = 0;
            let mut batches = 0usize;
            let mut joined = 0usize;
            while first < tasks {
                let size = batch_size.min(tasks - first);
                joined += batch(&counter, first, size, batches % 2 == 1).await;
                first += size;
                batches += 1;
            }
            let round_trips = if ping_pong {
                ping_pong_chains(200, 500).await
            } else {
                0
            };
            (batches, joined, round_trips)
        }
    });
    let elapsed = started.elapsed();
    // Detached tasks may still be finishing their last poll on a worker.
    let metrics = runtime.metrics();
    let deadline = Instant::now() + std::time::Duration::from_secs(10);
    while metrics.num_alive_tasks() != 0 && Instant::now() < deadline {
        std::thread::sleep(std::time::Duration::from_millis(1));
    }
    let alive = metrics.num_alive_tasks();
    drop(runtime);
    let completed = counter.load(Ordering::SeqCst);
    println!(
        "stress-test [{name}]: {completed} of {tasks} tasks in {batches} batches of up to {batch_size} \
         ({joined} joined, {} detached), {round_trips} ping-pong round trips, in {:.2?} ({:.0} tasks/s)",
        completed - joined.min(completed),
        elapsed,
        completed as f64 / elapsed.as_secs_f64().max(1e-9)
    );
    if completed != tasks {
        return Err(format!(
            "[{name}] {completed} tasks completed, expected {tasks}"
        ));
    }
    if alive != 0 {
        return Err(format!("[{name}] {alive} tasks still alive after the run"));
    }
    if ping_pong && round_trips != 200 * 500 {
        return Err(format!(
            "[{name}] {round_trips} round trips, expected {}",
            200 * 500
        ));
    }
    Ok(())
}

fn main() -> ExitCode {
    let options = match parse_args() {
        Ok(options) => options,
        Err(message) => {
            eprintln!("stress-test: {message}");
            return ExitCode::from(2);
        }
    };
    let threads_before = thread_count();
    let runs: Vec<(&str, rt::runtime::Runtime, bool)> = vec![
        (
            "current_thread",
            rt::runtime::Builder::new_current_thread()
                .build()
                .expect("building a current-thread runtime"),
            false,
        ),
        (
            "multi_thread(4)",
            rt::runtime::Builder::new_multi_thread()
                .worker_threads(4)
                .build()
                .expect("building a multi-thread runtime"),
            true,
        ),
        (
            "multi_thread(2)",
            rt::runtime::Builder::new_multi_thread()
                .worker_threads(2)
                .build()
                .expect("building a multi-thread runtime"),
            true,
        ),
    ];
    let mut failed = false;
    for (name, runtime, ping_pong) in runs {
        if let Err(e) = run_one(name, runtime, &options, ping_pong) {
            eprintln!("stress-test: FAILED: {e}");
            failed = true;
        }
    }
    // Every runtime joined its threads when dropped; a joined thread's
    // /proc entry can outlive `join` by microseconds, so give the kernel a
    // bounded moment to release it (a thread never joined stays counted).
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(5);
    while thread_count() != threads_before && std::time::Instant::now() < deadline {
        std::thread::sleep(std::time::Duration::from_millis(1));
    }
    let threads_after = thread_count();
    println!("stress-test: threads before {threads_before}, after every runtime was dropped {threads_after}");
    if threads_after != threads_before {
        eprintln!("stress-test: FAILED: threads left behind");
        failed = true;
    }
    if failed {
        ExitCode::FAILURE
    } else {
        println!("stress-test: ok");
        ExitCode::SUCCESS
    }
}
