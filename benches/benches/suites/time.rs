//! Time workloads, rt against tokio.
//!
//! - `time_timeout_current_thread` / `time_sleep_current_thread`: tokio's
//!   `time_timeout` shapes, per element: a spawned task wraps a ready
//!   `async fn` in `timeout(1 s)` and awaits it, or creates a `sleep(1 s)`
//!   and drops it unpolled (`iter_custom`, so criterion reports one element).
//! - `time_now_current_thread`: tokio's `time_now`: `block_on` of a future
//!   that reads `time::Instant::now()`.
//! - `sleep_create_poll_drop`: the "1,000,000 sleeps created and dropped"
//!   workload, reported per sleep (multiply by 10^6): sleeps with deadlines
//!   spread over 100 s, each polled once (so it is in the wheel) and
//!   dropped, in `block_on` (`iter_custom`). A fixed batch of a million
//!   would take tokio ~0.7 s per iteration, too long for ten samples.
//! - `timers_fire_100k`: 100,000 tasks each sleeping 1–8 ms, all awaited
//!   (the time includes spawning the tasks and the ~8 ms of real time).
//! - `timeout_ready`: `timeout(1 s, ready(..))` awaited straight in
//!   `block_on` (no spawned task), per element.
//! - with feature `mt`: the multi-thread shapes (`time_timeout` and
//!   `time_sleep` on 8 workers as tokio's, `timers_fire_100k` on 4).

use criterion::measurement::WallTime;
use criterion::{BenchmarkGroup, Criterion, SamplingMode};
use std::time::Duration;

use super::{configure_short, Runtime};

/// Timers per iteration of `timers_fire_100k`.
const TIMERS: usize = 100_000;

/// One time workload.
#[derive(Clone, Copy, Debug)]
pub enum Workload {
    /// tokio's `time_timeout` (timeout part) on `workers` workers (1: current-thread).
    Timeout(usize),
    /// tokio's `time_timeout` (sleep part) on `workers` workers (1: current-thread).
    Sleep(usize),
    /// tokio's `time_now`.
    Now,
    /// Sleeps registered and cancelled, per sleep.
    SleepCreatePollDrop,
    /// 100,000 timers firing on `workers` workers (1: current-thread).
    TimersFire(usize),
    /// `timeout` around a ready future, in `block_on`.
    TimeoutReady,
}

impl Workload {
    fn all() -> Vec<Workload> {
        #[allow(unused_mut)]
        let mut all = vec![
            Workload::Timeout(1),
            Workload::Sleep(1),
            Workload::Now,
            Workload::SleepCreatePollDrop,
            Workload::TimersFire(1),
            Workload::TimeoutReady,
        ];
        #[cfg(feature = "mt")]
        all.extend([
            Workload::Timeout(8),
            Workload::Sleep(8),
            Workload::TimersFire(4),
        ]);
        all
    }

    fn group_name(self) -> String {
        let flavor = |workers: usize| {
            if workers == 1 {
                "current_thread".to_string()
            } else {
                format!("multi_thread_{workers}")
            }
        };
        match self {
            Workload::Timeout(w) => format!("time_timeout_{}", flavor(w)),
            Workload::Sleep(w) => format!("time_sleep_{}", flavor(w)),
            Workload::Now => "time_now_current_thread".into(),
            Workload::SleepCreatePollDrop => "sleep_create_poll_drop".into(),
            Workload::TimersFire(1) => "timers_fire_100k".into(),
            Workload::TimersFire(w) => format!("timers_fire_100k_{}", flavor(w)),
            Workload::TimeoutReady => "timeout_ready".into(),
        }
    }

    fn configure(self, group: &mut BenchmarkGroup<'_, WallTime>) {
        configure_short(group);
        match self {
            Workload::TimersFire(_) => {
                group.sampling_mode(SamplingMode::Flat).sample_size(10);
            }
            _ => {
                group.sample_size(50);
            }
        }
    }
}

/// Instantiates the workloads for the runtime crate `$rt`.
macro_rules! time_suite {
    ($rt:ident) => {
        pub mod $rt {
            use super::*;
            use std::future::Future;
            use std::hint::black_box;
            use std::task::Poll;
            use std::time::Instant as StdInstant;

            workers_runtime!($rt, enable_all);

            /// A very quick job that a timeout wraps (ready on first poll).
            async fn quick_job() -> usize {
                1
            }

            /// `iters` timeouts split over `workers` spawned tasks.
            fn timeout_job(rt: &::$rt::runtime::Runtime, iters: u64, workers: usize) -> Duration {
                let start = StdInstant::now();
                rt.block_on(async move {
                    let per_task = iters as usize / workers;
                    let mut handles = Vec::with_capacity(workers);
                    for _ in 0..workers {
                        handles.push(::$rt::spawn(async move {
                            for _ in 0..per_task {
                                let t = ::$rt::time::timeout(Duration::from_secs(1), quick_job());
                                assert_eq!(black_box(t.await.expect("quick job timed out")), 1);
                            }
                        }));
                    }
                    for handle in handles {
                        handle.await.expect("timeout task panicked");
                    }
                });
                start.elapsed()
            }

            /// `iters` unpolled sleeps split over `workers` spawned tasks.
            fn sleep_job(rt: &::$rt::runtime::Runtime, iters: u64, workers: usize) -> Duration {
                let start = StdInstant::now();
                rt.block_on(async move {
                    let per_task = iters as usize / workers;
                    let mut handles = Vec::with_capacity(workers);
                    for _ in 0..workers {
                        handles.push(::$rt::spawn(async move {
                            for _ in 0..per_task {
                                let _sleep = black_box(::$rt::time::sleep(Duration::from_secs(1)));
                            }
                        }));
                    }
                    for handle in handles {
                        handle.await.expect("sleep task panicked");
                    }
                });
                start.elapsed()
            }

            /// `iters` sleeps, each polled once (registered) and dropped.
            fn sleep_create_poll_drop(rt: &::$rt::runtime::Runtime, iters: u64) -> Duration {
                let start = StdInstant::now();
                rt.block_on(async {
                    for i in 0..iters {
                        // Deadlines spread from 1 ms to 100 s reach several wheel levels.
                        let after = Duration::from_millis(1 + (i * 7_919) % 100_000);
                        let mut sleep = std::pin::pin!(::$rt::time::sleep(after));
                        std::future::poll_fn(|cx| {
                            black_box(sleep.as_mut().poll(cx).is_ready());
                            Poll::Ready(())
                        })
                        .await;
                    }
                });
                start.elapsed()
            }

            /// `TIMERS` tasks each sleeping 1–8 ms, all awaited.
            fn timers_fire(rt: &::$rt::runtime::Runtime) {
                rt.block_on(async {
                    let mut handles = Vec::with_capacity(TIMERS);
                    for i in 0..TIMERS as u64 {
                        handles.push(::$rt::spawn(async move {
                            ::$rt::time::sleep(Duration::from_millis(1 + i % 8)).await;
                        }));
                    }
                    for handle in handles {
                        handle.await.expect("timer task panicked");
                    }
                });
            }

            /// `iters` timeouts around a ready future, awaited in `block_on`.
            fn timeout_ready(rt: &::$rt::runtime::Runtime, iters: u64) -> Duration {
                let start = StdInstant::now();
                rt.block_on(async move {
                    for i in 0..iters {
                        let ready = std::future::ready(i);
                        let t = ::$rt::time::timeout(Duration::from_secs(1), ready);
                        black_box(t.await.expect("a ready future timed out"));
                    }
                });
                start.elapsed()
            }

            /// Registers `workload` for this runtime in `group`.
            pub fn bench(group: &mut BenchmarkGroup<'_, WallTime>, workload: Workload) {
                let name = stringify!($rt);
                let workers = match workload {
                    Workload::Timeout(w) | Workload::Sleep(w) | Workload::TimersFire(w) => w,
                    _ => 1,
                };
                let mut state: Option<::$rt::runtime::Runtime> = None;
                group.bench_function(name, |b| {
                    let rt = state.get_or_insert_with(|| runtime(workers));
                    match workload {
                        Workload::Timeout(w) => b.iter_custom(|iters| timeout_job(rt, iters, w)),
                        Workload::Sleep(w) => b.iter_custom(|iters| sleep_job(rt, iters, w)),
                        Workload::Now => b.iter(|| {
                            rt.block_on(async {
                                black_box(::$rt::time::Instant::now());
                            })
                        }),
                        Workload::SleepCreatePollDrop => {
                            b.iter_custom(|iters| sleep_create_poll_drop(rt, iters))
                        }
                        Workload::TimersFire(_) => b.iter(|| timers_fire(rt)),
                        Workload::TimeoutReady => b.iter_custom(|iters| timeout_ready(rt, iters)),
                    }
                });
            }
        }
    };
}

time_suite!(rt);
time_suite!(tokio);

/// Registers every time workload, each runtime in `order`.
pub fn register(criterion: &mut Criterion, order: [Runtime; 2]) {
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
}
