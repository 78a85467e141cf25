//! Multi-thread scheduler workloads (tokio's `rt_multi_threaded` shapes),
//! rt against tokio, with 4 and with 2 workers (feature `mt`).
//!
//! - `mt{W}_spawn_many_local`: 10,000 tasks spawned from inside a task.
//! - `mt{W}_spawn_many_remote_idle`: 10,000 spawned through the handle
//!   from outside the pool while it is idle.
//! - `mt{W}_spawn_many_remote_busy1`: the same while every worker runs a
//!   task that keeps yielding.
//! - `mt{W}_spawn_many_remote_busy2`: the same while every worker runs a
//!   task that keeps spawning empty tasks.
//! - `mt{W}_ping_pong`: 1,000 spawned pairs, each one oneshot ping-pong.
//! - `mt{W}_yield_many`: 200 tasks × 1,000 yields.
//! - `mt{W}_chained_spawn`: a chain of 1,000 spawns.

use criterion::measurement::WallTime;
use criterion::{BenchmarkGroup, Criterion, SamplingMode};

use super::Runtime;

const SPAWNS: usize = 10_000;

#[derive(Clone, Copy, Debug)]
pub struct Workload {
    kind: Kind,
    workers: usize,
}

#[derive(Clone, Copy, Debug)]
enum Kind {
    SpawnManyLocal,
    SpawnManyRemoteIdle,
    SpawnManyRemoteBusy1,
    SpawnManyRemoteBusy2,
    PingPong,
    YieldMany,
    ChainedSpawn,
}

const KINDS: [Kind; 7] = [
    Kind::SpawnManyLocal,
    Kind::SpawnManyRemoteIdle,
    Kind::SpawnManyRemoteBusy1,
    Kind::SpawnManyRemoteBusy2,
    Kind::PingPong,
    Kind::YieldMany,
    Kind::ChainedSpawn,
];

impl Workload {
    fn all() -> Vec<Workload> {
        let mut all = Vec::new();
        for workers in [4, 2] {
            all.extend(KINDS.iter().map(|&kind| Workload { kind, workers }));
        }
        all
    }

    fn group_name(self) -> String {
        let name = match self.kind {
            Kind::SpawnManyLocal => "spawn_many_local",
            Kind::SpawnManyRemoteIdle => "spawn_many_remote_idle",
            Kind::SpawnManyRemoteBusy1 => "spawn_many_remote_busy1",
            Kind::SpawnManyRemoteBusy2 => "spawn_many_remote_busy2",
            Kind::PingPong => "ping_pong",
            Kind::YieldMany => "yield_many",
            Kind::ChainedSpawn => "chained_spawn",
        };
        format!("mt{}_{name}", self.workers)
    }
}

macro_rules! mt_suite {
    ($rt:ident) => {
        pub mod $rt {
            use super::*;
            use std::hint::black_box;
            use std::sync::atomic::{AtomicBool, Ordering};
            use std::sync::Arc;

            fn runtime(workers: usize) -> ::$rt::runtime::Runtime {
                ::$rt::runtime::Builder::new_multi_thread()
                    .worker_threads(workers)
                    .build()
                    .expect("building a multi-thread runtime")
            }

            async fn await_all<T>(handles: Vec<::$rt::task::JoinHandle<T>>) {
                for h in handles {
                    black_box(h.await.expect("bench task panicked"));
                }
            }

            fn remote(rt: &::$rt::runtime::Runtime) {
                let handles: Vec<_> = (0..SPAWNS).map(|i| rt.spawn(async move { i })).collect();
                rt.block_on(await_all(handles));
            }

            /// Runs `remote` while `workers` busy tasks occupy the pool.
            fn remote_busy(rt: &::$rt::runtime::Runtime, workers: usize, spawning: bool) {
                let stop = Arc::new(AtomicBool::new(false));
                let busy: Vec<_> = (0..workers)
                    .map(|_| {
                        let stop = stop.clone();
                        rt.spawn(async move {
                            while !stop.load(Ordering::Relaxed) {
                                if spawning {
                                    ::$rt::spawn(async {});
                                }
                                ::$rt::task::yield_now().await;
                            }
                        })
                    })
                    .collect();
                remote(rt);
                stop.store(true, Ordering::Relaxed);
                rt.block_on(await_all(busy));
            }

            fn chain(n: usize) -> ::$rt::task::JoinHandle<usize> {
                ::$rt::spawn(async move {
                    if n == 0 {
                        0
                    } else {
                        chain(n - 1).await.expect("chain link panicked") + 1
                    }
                })
            }

            fn run(rt: &::$rt::runtime::Runtime, w: Workload) {
                match w.kind {
                    Kind::SpawnManyLocal => rt.block_on(async {
                        ::$rt::spawn(async {
                            let hs: Vec<_> = (0..SPAWNS)
                                .map(|i| ::$rt::spawn(async move { i }))
                                .collect();
                            await_all(hs).await;
                        })
                        .await
                        .unwrap();
                    }),
                    Kind::SpawnManyRemoteIdle => remote(rt),
                    Kind::SpawnManyRemoteBusy1 => remote_busy(rt, w.workers, false),
                    Kind::SpawnManyRemoteBusy2 => remote_busy(rt, w.workers, true),
                    Kind::PingPong => rt.block_on(async {
                        let hs: Vec<_> = (0..1_000)
                            .map(|_| {
                                ::$rt::spawn(async {
                                    let (tx1, rx1) = ::$rt::sync::oneshot::channel::<()>();
                                    let (tx2, rx2) = ::$rt::sync::oneshot::channel::<()>();
                                    ::$rt::spawn(async move {
                                        rx1.await.unwrap();
                                        tx2.send(()).unwrap();
                                    });
                                    tx1.send(()).unwrap();
                                    rx2.await.unwrap();
                                })
                            })
                            .collect();
                        await_all(hs).await;
                    }),
                    Kind::YieldMany => rt.block_on(async {
                        let hs: Vec<_> = (0..200)
                            .map(|_| {
                                ::$rt::spawn(async {
                                    for _ in 0..1_000 {
                                        ::$rt::task::yield_now().await;
                                    }
                                })
                            })
                            .collect();
                        await_all(hs).await;
                    }),
                    Kind::ChainedSpawn => rt.block_on(async {
                        assert_eq!(chain(1_000).await.unwrap(), 1_000);
                    }),
                }
            }

            /// Registers `workload` for this runtime in `group`.
            pub fn bench(group: &mut BenchmarkGroup<'_, WallTime>, workload: Workload) {
                let rt = runtime(workload.workers);
                group.bench_function(stringify!($rt), |b| b.iter(|| run(&rt, workload)));
            }
        }
    };
}

mt_suite!(rt);
mt_suite!(tokio);

/// Registers every multi-thread scheduler workload, each runtime in `order`.
pub fn register(criterion: &mut Criterion, order: [Runtime; 2]) {
    for workload in Workload::all() {
        let mut group = criterion.benchmark_group(workload.group_name());
        super::configure_short(&mut group);
        group.sampling_mode(SamplingMode::Flat).sample_size(20);
        for runtime in order {
            match runtime {
                Runtime::Rt => rt::bench(&mut group, workload),
                Runtime::Tokio => tokio::bench(&mut group, workload),
            }
        }
        group.finish();
    }
}
