//! rt against tokio on the same workloads.
//!
//! Each workload is written once in a `suite!`-style macro and instantiated
//! for both runtimes; rt mirrors tokio's API, so the same tokens compile
//! against both. Every criterion group is one workload with two functions,
//! `rt` and `tokio`. `RT_BENCH_FIRST=tokio` measures tokio first in every
//! group (`cargo xtask bench` alternates it between runs).
//!
//! - this file: scheduler workloads (current-thread runtime);
//! - `suites/net.rs`: TCP echo, accept rate, UDP ping-pong, `io::copy`;
//! - `suites/time.rs`: timeouts, sleeps, `Instant::now`, timers firing;
//! - `suites/sync.rs`: tokio's `sync_*` shapes on both flavors;
//! - `suites/fs.rs`: tokio's `fs` shapes and the file workloads, with a
//!   third function, `std`, per group;
//! - `suites/sched_mt.rs`: tokio's `rt_multi_threaded` shapes, 4 and 2 workers.
//!
//! The scheduler workloads use the configured warm-up and measurement times
//! (`--warm-up-time`, `--measurement-time`; xtask passes `RT_BENCH_WARMUP`
//! and `RT_BENCH_MEASURE`); the net and time groups use 30% of the warm-up
//! and 60% of the measurement time (see [`configure_short`]), so the whole
//! suite stays short. With the `mt` feature (needs
//! `rt::runtime::Builder::new_multi_thread`) multi-thread rows are added.
//!
//! Run through `cargo xtask bench [FILTER]`, which repeats the whole binary
//! and prints a median table; `cargo bench -p rt-benches -- FILTER` works too.

use criterion::measurement::WallTime;
use criterion::{BenchmarkGroup, Criterion, SamplingMode};
use std::time::Duration;

/// Defines `fn runtime(workers: usize)` for the runtime crate `$rt`: a
/// current-thread runtime for 1 worker, else a multi-thread one (needs the
/// `mt` feature); `enable_all` is called on the builder when given.
/// Defined before the suite modules so that their macros can use it.
macro_rules! workers_runtime {
    ($rt:ident $(, $enable:ident)?) => {
        fn runtime(workers: usize) -> ::$rt::runtime::Runtime {
            if workers == 1 {
                return ::$rt::runtime::Builder::new_current_thread()
                    $(.$enable())?
                    .build()
                    .expect("building a current-thread runtime");
            }
            #[cfg(feature = "mt")]
            {
                ::$rt::runtime::Builder::new_multi_thread()
                    .worker_threads(workers)
                    $(.$enable())?
                    .build()
                    .expect("building a multi-thread runtime")
            }
            #[cfg(not(feature = "mt"))]
            panic!("{workers} workers need the `mt` feature of rt-benches")
        }
    };
}

#[path = "suites/fs.rs"]
mod fs;
#[path = "suites/net.rs"]
mod net;
#[cfg(feature = "mt")]
#[path = "suites/sched_mt.rs"]
mod sched_mt;
#[path = "suites/sync.rs"]
mod sync;
#[path = "suites/time.rs"]
mod time;

/// Tasks spawned per iteration by the `spawn_many_*` workloads.
const SPAWN_COUNTS: [usize; 2] = [1_000, 10_000];
/// Tasks in `yield_many`.
const YIELD_TASKS: usize = 200;
/// Yields per task in `yield_many`.
const YIELDS_PER_TASK: usize = 1_000;
/// Depth of the `chained_spawn` chain.
const CHAIN_DEPTH: usize = 1_000;
/// Round trips in `ping_pong`.
const PING_PONGS: usize = 1_000;
/// `spawn_blocking` calls per iteration.
const BLOCKING_CALLS: usize = 1_000;

/// One workload, as named in the criterion group.
#[derive(Clone, Copy, Debug)]
enum Workload {
    SpawnManyLocal(usize),
    SpawnManyRemote(usize),
    YieldMany,
    ChainedSpawn,
    PingPong,
    SpawnBlocking,
}

impl Workload {
    fn all() -> Vec<Workload> {
        let mut all = Vec::new();
        all.extend(SPAWN_COUNTS.map(Workload::SpawnManyLocal));
        all.extend(SPAWN_COUNTS.map(Workload::SpawnManyRemote));
        all.extend([
            Workload::YieldMany,
            Workload::ChainedSpawn,
            Workload::PingPong,
            Workload::SpawnBlocking,
        ]);
        all
    }

    fn group_name(self) -> String {
        match self {
            Workload::SpawnManyLocal(n) => format!("spawn_many_local_{n}"),
            Workload::SpawnManyRemote(n) => format!("spawn_many_remote_{n}"),
            Workload::YieldMany => "yield_many".into(),
            Workload::ChainedSpawn => "chained_spawn".into(),
            Workload::PingPong => "ping_pong".into(),
            Workload::SpawnBlocking => "spawn_blocking".into(),
        }
    }

    /// Long iterations get flat sampling and fewer samples, so a run stays
    /// close to the configured measurement time.
    fn configure(self, group: &mut BenchmarkGroup<'_, WallTime>) {
        match self {
            Workload::SpawnManyLocal(n) | Workload::SpawnManyRemote(n) if n >= 10_000 => {
                group.sampling_mode(SamplingMode::Flat).sample_size(30);
            }
            Workload::YieldMany | Workload::SpawnBlocking => {
                group.sampling_mode(SamplingMode::Flat).sample_size(20);
            }
            _ => {
                group.sample_size(50);
            }
        }
    }
}

/// Instantiates every workload for the runtime crate `$rt`, in a module of
/// the same name. Paths start with `::$rt` so they name the crate, not the module.
macro_rules! suite {
    ($rt:ident) => {
        mod $rt {
            use super::*;
            use rt_benches::{Baton, Signal};
            use std::hint::black_box;
            use std::sync::Arc;

            fn runtime() -> ::$rt::runtime::Runtime {
                ::$rt::runtime::Builder::new_current_thread()
                    .build()
                    .expect("building a current-thread runtime")
            }

            /// Spawns `n` tasks from inside `block_on` and awaits them all.
            fn spawn_many_local(rt: &::$rt::runtime::Runtime, n: usize) {
                rt.block_on(async move {
                    let mut handles = Vec::with_capacity(n);
                    for i in 0..n {
                        handles.push(::$rt::spawn(async move { black_box(i) }));
                    }
                    for handle in handles {
                        black_box(handle.await.expect("task panicked"));
                    }
                });
            }

            /// Spawns `n` tasks from outside the runtime through its
            /// handle, then awaits them all in `block_on`.
            fn spawn_many_remote(rt: &::$rt::runtime::Runtime, n: usize) {
                let handle = rt.handle();
                let mut handles = Vec::with_capacity(n);
                for i in 0..n {
                    handles.push(handle.spawn(async move { black_box(i) }));
                }
                rt.block_on(async move {
                    for handle in handles {
                        black_box(handle.await.expect("task panicked"));
                    }
                });
            }

            /// `YIELD_TASKS` tasks each yielding `YIELDS_PER_TASK` times.
            fn yield_many(rt: &::$rt::runtime::Runtime) {
                rt.block_on(async {
                    let mut handles = Vec::with_capacity(YIELD_TASKS);
                    for _ in 0..YIELD_TASKS {
                        handles.push(::$rt::spawn(async {
                            for _ in 0..YIELDS_PER_TASK {
                                ::$rt::task::yield_now().await;
                            }
                        }));
                    }
                    for handle in handles {
                        handle.await.expect("task panicked");
                    }
                });
            }

            fn chain(done: Arc<Signal>, remaining: usize) {
                if remaining == 0 {
                    done.set();
                } else {
                    ::$rt::spawn(async move { chain(done, remaining - 1) });
                }
            }

            /// A chain of `CHAIN_DEPTH` tasks, each spawning the next.
            fn chained_spawn(rt: &::$rt::runtime::Runtime) {
                rt.block_on(async {
                    let done = Arc::new(Signal::new());
                    let last = done.clone();
                    ::$rt::spawn(async move { chain(last, CHAIN_DEPTH) });
                    done.wait().await;
                });
            }

            /// Two tasks passing a baton back and forth `PING_PONGS` times.
            fn ping_pong(rt: &::$rt::runtime::Runtime) {
                rt.block_on(async {
                    let baton = Arc::new(Baton::new());
                    let mut handles = Vec::with_capacity(2);
                    for side in [1, 0] {
                        let baton = baton.clone();
                        handles.push(::$rt::spawn(async move {
                            for _ in 0..PING_PONGS {
                                baton.wait_for(side).await;
                                baton.pass();
                            }
                        }));
                    }
                    for handle in handles {
                        handle.await.expect("task panicked");
                    }
                    assert_eq!(baton.passes(), 2 * PING_PONGS);
                });
            }

            /// `BLOCKING_CALLS` `spawn_blocking` calls, all awaited.
            fn spawn_blocking(rt: &::$rt::runtime::Runtime) {
                rt.block_on(async {
                    let mut handles = Vec::with_capacity(BLOCKING_CALLS);
                    for i in 0..BLOCKING_CALLS {
                        handles.push(::$rt::task::spawn_blocking(move || black_box(i)));
                    }
                    for handle in handles {
                        black_box(handle.await.expect("blocking task panicked"));
                    }
                });
            }

            /// Registers `workload` for this runtime in `group`.
            pub fn bench(group: &mut BenchmarkGroup<'_, WallTime>, workload: Workload) {
                let rt = runtime();
                let name = stringify!($rt);
                match workload {
                    Workload::SpawnManyLocal(n) => {
                        group.bench_function(name, |b| b.iter(|| spawn_many_local(&rt, n)))
                    }
                    Workload::SpawnManyRemote(n) => {
                        group.bench_function(name, |b| b.iter(|| spawn_many_remote(&rt, n)))
                    }
                    Workload::YieldMany => {
                        group.bench_function(name, |b| b.iter(|| yield_many(&rt)))
                    }
                    Workload::ChainedSpawn => {
                        group.bench_function(name, |b| b.iter(|| chained_spawn(&rt)))
                    }
                    Workload::PingPong => group.bench_function(name, |b| b.iter(|| ping_pong(&rt))),
                    Workload::SpawnBlocking => {
                        group.bench_function(name, |b| b.iter(|| spawn_blocking(&rt)))
                    }
                };
            }
        }
    };
}

suite!(rt);
suite!(tokio);

/// The runtimes under comparison.
#[derive(Clone, Copy, Debug)]
enum Runtime {
    Rt,
    Tokio,
}

/// The order in which runtimes are measured in every group: rt first unless
/// `RT_BENCH_FIRST=tokio`.
fn runtimes_in_order() -> [Runtime; 2] {
    match std::env::var("RT_BENCH_FIRST").as_deref() {
        Ok("tokio") => [Runtime::Tokio, Runtime::Rt],
        _ => [Runtime::Rt, Runtime::Tokio],
    }
}

/// Seconds from the environment variable `name`, or `default`.
fn env_seconds(name: &str, default: f64) -> f64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.trim().parse::<f64>().ok())
        .filter(|v| v.is_finite() && *v > 0.0)
        .unwrap_or(default)
}

/// The shorter timing of the net and time groups: 30% of the warm-up and 60%
/// of the measurement time given by `RT_BENCH_WARMUP` (default 1 s) and
/// `RT_BENCH_MEASURE` (default 2 s).
///
/// Group settings override criterion's command line, so these follow the
/// environment variables that `cargo xtask bench` sets, not the CLI flags.
fn configure_short(group: &mut BenchmarkGroup<'_, WallTime>) {
    let warmup = env_seconds("RT_BENCH_WARMUP", 1.0) * 0.3;
    let measure = env_seconds("RT_BENCH_MEASURE", 2.0) * 0.6;
    group
        .warm_up_time(Duration::from_secs_f64(warmup))
        .measurement_time(Duration::from_secs_f64(measure));
}

fn main() {
    let mut criterion = Criterion::default()
        .nresamples(10_000)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(2))
        .configure_from_args();
    let order = runtimes_in_order();
    for workload in Workload::all() {
        let mut group = criterion.benchmark_group(workload.group_name());
        workload.configure(&mut group);
        for runtime in order {
            match runtime {
                Runtime::Rt => rt::bench(&mut group, workload),
                Runtime::Tokio => tokio::bench(&mut group, workload),
            }
        }
        group.finish();
    }
    net::register(&mut criterion, order);
    time::register(&mut criterion, order);
    sync::register(&mut criterion, order);
    fs::register(&mut criterion, order);
    #[cfg(feature = "mt")]
    sched_mt::register(&mut criterion, order);
    criterion.final_summary();
}
