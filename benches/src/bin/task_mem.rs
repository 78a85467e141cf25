//! Memory per idle task: `task_mem rt|tokio [TASKS]`.
//!
//! Spawns TASKS (default 100,000) tasks that never complete, each holding the
//! same small future (16 bytes of payload), on a current-thread runtime of the
//! chosen crate; waits until every task has been polled once (so each is
//! parked for good); and prints the growth of the resident set (from
//! `/proc/self/statm`) and of live heap bytes (from a counting allocator)
//! divided by TASKS. The last line is machine-readable for `cargo xtask bench`:
//!
//! ```text
//! RESULT task_mem runtime=rt tasks=100000 rss_bytes_per_task=... heap_bytes_per_task=...
//! ```

use rt_benches::{resident_bytes, CountingAlloc, Idle};
use std::process::ExitCode;
use std::sync::atomic::{AtomicUsize, Ordering};

#[global_allocator]
static ALLOC: CountingAlloc = CountingAlloc::new();

/// Idle tasks that have been polled at least once.
static POLLED: AtomicUsize = AtomicUsize::new(0);

const DEFAULT_TASKS: usize = 100_000;

/// Memory readings before and after spawning.
struct Growth {
    rss: i64,
    heap: i64,
}

/// Spawns `$tasks` idle tasks on a current-thread runtime of crate `$rt`
/// and measures the growth; the same tokens compile for rt and tokio.
macro_rules! measure {
    ($rt:ident, $tasks:expr) => {{
        let tasks: usize = $tasks;
        let runtime = ::$rt::runtime::Builder::new_current_thread()
            .build()
            .expect("building a current-thread runtime");
        runtime.block_on(async move {
            // Let the runtime finish any lazy setup before the baseline.
            ::$rt::task::yield_now().await;
            let rss0 = resident_bytes().expect("reading /proc/self/statm");
            let heap0 = ALLOC.live_bytes();
            for i in 0..tasks {
                let payload = [i as u64, !(i as u64)];
                // The JoinHandle is dropped: the task stays, detached.
                drop(::$rt::spawn(async move {
                    Idle::new(payload, &POLLED).await;
                }));
            }
            // Yield until every task has been polled once. Each yield lets
            // the scheduler run at least one task, so `tasks * 4 + 1000`
            // rounds is a generous bound that still catches a scheduler that
            // never runs them.
            let mut rounds = 0usize;
            while POLLED.load(Ordering::Relaxed) < tasks {
                assert!(
                    rounds < tasks * 4 + 1_000,
                    "only {} of {tasks} tasks were polled after {rounds} yields",
                    POLLED.load(Ordering::Relaxed)
                );
                ::$rt::task::yield_now().await;
                rounds += 1;
            }
            let rss1 = resident_bytes().expect("reading /proc/self/statm");
            let heap1 = ALLOC.live_bytes();
            Growth {
                rss: rss1 as i64 - rss0 as i64,
                heap: heap1 as i64 - heap0 as i64,
            }
        })
    }};
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let usage = "usage: task_mem rt|tokio [TASKS]";
    let Some(runtime) = args.first() else {
        eprintln!("{usage}");
        return ExitCode::from(2);
    };
    let tasks = match args.get(1).map(|t| t.parse::<usize>()) {
        None => DEFAULT_TASKS,
        Some(Ok(n)) if n > 0 => n,
        Some(_) => {
            eprintln!("task_mem: TASKS must be a positive integer\n{usage}");
            return ExitCode::from(2);
        }
    };
    let growth = match runtime.as_str() {
        "rt" => measure!(rt, tasks),
        "tokio" => measure!(tokio, tasks),
        other => {
            eprintln!("task_mem: unknown runtime `{other}`\n{usage}");
            return ExitCode::from(2);
        }
    };
    let rss = growth.rss as f64 / tasks as f64;
    let heap = growth.heap as f64 / tasks as f64;
    println!(
        "task_mem: {runtime}: {tasks} idle tasks: resident set +{} KiB ({rss:.1} B/task), \
         live heap +{} KiB ({heap:.1} B/task)",
        growth.rss / 1024,
        growth.heap / 1024
    );
    println!(
        "RESULT task_mem runtime={runtime} tasks={tasks} rss_bytes_per_task={rss:.1} \
         heap_bytes_per_task={heap:.1}"
    );
    ExitCode::SUCCESS
}
