//! Spawn storm on rt's current-thread runtime.
//!
//! `stress-test [--tasks N] [--batch N]` spawns N tasks (default 1,000,000)
//! in batches (default 10,000). Even batches await every JoinHandle and check
//! each task's output; odd batches drop the handles (detached tasks) and wait
//! until the shared counter shows every task ran. At the end the counter must
//! equal N. Prints a summary; exits non-zero on any mismatch.

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
        // Each yield lets the scheduler run at least one task, so this bound
        // is generous; hitting it means tasks were lost.
        let mut rounds = 0usize;
        while counter.load(Ordering::SeqCst) < before + size {
            assert!(
                rounds <= size * 4 + 1_000,
                "detached batch at {first}: only {} of {size} tasks ran after {rounds} yields",
                counter.load(Ordering::SeqCst) - before
            );
            rt::task::yield_now().await;
            rounds += 1;
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

fn main() -> ExitCode {
    let options = match parse_args() {
        Ok(options) => options,
        Err(message) => {
            eprintln!("stress-test: {message}");
            return ExitCode::from(2);
        }
    };
    let runtime = rt::runtime::Builder::new_current_thread()
        .build()
        .expect("building a current-thread runtime");
    let counter = Arc::new(AtomicUsize::new(0));
    let started = Instant::now();
    let (batches, joined) = runtime.block_on({
        let counter = counter.clone();
        async move {
            let mut first = 0;
            let mut batches = 0usize;
            let mut joined = 0usize;
            while first < options.tasks {
                let size = options.batch.min(options.tasks - first);
                joined += batch(&counter, first, size, batches % 2 == 1).await;
                first += size;
                batches += 1;
            }
            (batches, joined)
        }
    });
    let elapsed = started.elapsed();
    drop(runtime);
    let completed = counter.load(Ordering::SeqCst);
    println!(
        "stress-test: {completed} of {} tasks completed in {batches} batches of up to {} \
         ({joined} joined, {} detached) in {:.2?} ({:.0} tasks/s)",
        options.tasks,
        options.batch,
        completed - joined.min(completed),
        elapsed,
        completed as f64 / elapsed.as_secs_f64().max(1e-9)
    );
    if completed == options.tasks {
        println!("stress-test: ok");
        ExitCode::SUCCESS
    } else {
        eprintln!(
            "stress-test: FAILED: {completed} tasks completed, expected {}",
            options.tasks
        );
        ExitCode::FAILURE
    }
}
