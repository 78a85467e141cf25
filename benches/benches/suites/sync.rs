//! Sync workloads (tokio's `sync_*` bench shapes), rt against tokio, on the
//! current-thread runtime and on a 4-worker multi-thread runtime.
//!
//! - `sync_mpsc_{bounded,unbounded}_{uncontended,contention}`: 5 senders ×
//!   1,000 messages (or one task sending 5,000), all received.
//! - `sync_mpsc_try_send_contention`: 5 tasks `try_send` 1,000 messages each
//!   into a 1,024-slot channel, yielding when full.
//! - `sync_mpsc_oneshot_request_reply`: 1,000 requests over mpsc answered
//!   through oneshot channels.
//! - `sync_semaphore_{uncontended,contended}`: 10,000 acquire/release on
//!   one task; 6 tasks × 1,000 on 5 permits.
//! - `sync_notify_one`: 10 waiters woken 1,000 times each with `notify_one`.
//! - `sync_rwlock_{read_uncontended,contended}`: 10,000 reads; 5 readers and
//!   a writer × 1,000.
//! - `sync_watch`: 1,000 sends seen by 10 receivers through `changed()`.
//! - `sync_broadcast`: 1,000 messages received by 10 receivers.

use criterion::measurement::WallTime;
use criterion::{BenchmarkGroup, Criterion};

use super::{configure_short, Runtime};

/// One sync workload on a flavor (`workers == 1`: current-thread).
#[derive(Clone, Copy, Debug)]
pub struct Workload {
    kind: Kind,
    workers: usize,
}

#[derive(Clone, Copy, Debug)]
enum Kind {
    MpscBoundedUncontended,
    MpscBoundedContention,
    MpscUnboundedUncontended,
    MpscUnboundedContention,
    MpscTrySendContention,
    OneshotRequestReply,
    SemaphoreUncontended,
    SemaphoreContended,
    NotifyOne,
    RwLockReadUncontended,
    RwLockContended,
    Watch,
    Broadcast,
}

const KINDS: [Kind; 13] = [
    Kind::MpscBoundedUncontended,
    Kind::MpscBoundedContention,
    Kind::MpscUnboundedUncontended,
    Kind::MpscUnboundedContention,
    Kind::MpscTrySendContention,
    Kind::OneshotRequestReply,
    Kind::SemaphoreUncontended,
    Kind::SemaphoreContended,
    Kind::NotifyOne,
    Kind::RwLockReadUncontended,
    Kind::RwLockContended,
    Kind::Watch,
    Kind::Broadcast,
];

impl Workload {
    fn all() -> Vec<Workload> {
        let flavors: &[usize] = if cfg!(feature = "mt") { &[1, 4] } else { &[1] };
        flavors
            .iter()
            .flat_map(|&workers| KINDS.iter().map(move |&kind| Workload { kind, workers }))
            .collect()
    }

    fn group_name(self) -> String {
        let name = match self.kind {
            Kind::MpscBoundedUncontended => "sync_mpsc_bounded_uncontended",
            Kind::MpscBoundedContention => "sync_mpsc_bounded_contention",
            Kind::MpscUnboundedUncontended => "sync_mpsc_unbounded_uncontended",
            Kind::MpscUnboundedContention => "sync_mpsc_unbounded_contention",
            Kind::MpscTrySendContention => "sync_mpsc_try_send_contention",
            Kind::OneshotRequestReply => "sync_mpsc_oneshot_request_reply",
            Kind::SemaphoreUncontended => "sync_semaphore_uncontended",
            Kind::SemaphoreContended => "sync_semaphore_contended",
            Kind::NotifyOne => "sync_notify_one",
            Kind::RwLockReadUncontended => "sync_rwlock_read_uncontended",
            Kind::RwLockContended => "sync_rwlock_contended",
            Kind::Watch => "sync_watch",
            Kind::Broadcast => "sync_broadcast",
        };
        if self.workers == 1 {
            format!("{name}_current_thread")
        } else {
            format!("{name}_multi_thread_{}", self.workers)
        }
    }
}

macro_rules! sync_suite {
    ($rt:ident) => {
        pub mod $rt {
            use super::*;
            use std::hint::black_box;
            use std::sync::Arc;

            workers_runtime!($rt);

            async fn join_all(handles: Vec<::$rt::task::JoinHandle<()>>) {
                for h in handles {
                    h.await.expect("bench task panicked");
                }
            }

            async fn run(kind: Kind) {
                use ::$rt::sync::{broadcast, mpsc, oneshot, watch, Notify, RwLock, Semaphore};
                match kind {
                    Kind::MpscBoundedUncontended => {
                        let (tx, mut rx) = mpsc::channel::<usize>(1_000_000);
                        for i in 0..5_000 {
                            tx.send(i).await.unwrap();
                        }
                        for _ in 0..5_000 {
                            black_box(rx.recv().await.unwrap());
                        }
                    }
                    Kind::MpscBoundedContention => {
                        let (tx, mut rx) = mpsc::channel::<usize>(1_000_000);
                        let mut hs = Vec::new();
                        for _ in 0..5 {
                            let tx = tx.clone();
                            hs.push(::$rt::spawn(async move {
                                for i in 0..1_000 {
                                    tx.send(i).await.unwrap();
                                }
                            }));
                        }
                        for _ in 0..5_000 {
                            black_box(rx.recv().await.unwrap());
                        }
                        join_all(hs).await;
                    }
                    Kind::MpscUnboundedUncontended => {
                        let (tx, mut rx) = mpsc::unbounded_channel::<usize>();
                        for i in 0..5_000 {
                            tx.send(i).unwrap();
                        }
                        for _ in 0..5_000 {
                            black_box(rx.recv().await.unwrap());
                        }
                    }
                    Kind::MpscUnboundedContention => {
                        let (tx, mut rx) = mpsc::unbounded_channel::<usize>();
                        let mut hs = Vec::new();
                        for _ in 0..5 {
                            let tx = tx.clone();
                            hs.push(::$rt::spawn(async move {
                                for i in 0..1_000 {
                                    tx.send(i).unwrap();
                                }
                            }));
                        }
                        for _ in 0..5_000 {
                            black_box(rx.recv().await.unwrap());
                        }
                        join_all(hs).await;
                    }
                    Kind::MpscTrySendContention => {
                        let (tx, mut rx) = mpsc::channel::<usize>(1_024);
                        let mut hs = Vec::new();
                        for _ in 0..5 {
                            let tx = tx.clone();
                            hs.push(::$rt::spawn(async move {
                                let mut i = 0;
                                while i < 1_000 {
                                    match tx.try_send(i) {
                                        Ok(()) => i += 1,
                                        Err(_) => ::$rt::task::yield_now().await,
                                    }
                                }
                            }));
                        }
                        for _ in 0..5_000 {
                            black_box(rx.recv().await.unwrap());
                        }
                        join_all(hs).await;
                    }
                    Kind::OneshotRequestReply => {
                        let (tx, mut rx) = mpsc::channel::<oneshot::Sender<usize>>(10);
                        let server = ::$rt::spawn(async move {
                            let mut n = 0;
                            while let Some(reply) = rx.recv().await {
                                n += 1;
                                let _ = reply.send(n);
                            }
                        });
                        for _ in 0..1_000 {
                            let (rtx, rrx) = oneshot::channel();
                            tx.send(rtx).await.unwrap();
                            black_box(rrx.await.unwrap());
                        }
                        drop(tx);
                        server.await.unwrap();
                    }
                    Kind::SemaphoreUncontended => {
                        let s = Semaphore::new(1);
                        for _ in 0..10_000 {
                            drop(black_box(s.acquire().await.unwrap()));
                        }
                    }
                    Kind::SemaphoreContended => {
                        let s = Arc::new(Semaphore::new(5));
                        let mut hs = Vec::new();
                        for _ in 0..6 {
                            let s = s.clone();
                            hs.push(::$rt::spawn(async move {
                                for _ in 0..1_000 {
                                    let p = s.acquire().await.unwrap();
                                    ::$rt::task::yield_now().await;
                                    drop(p);
                                }
                            }));
                        }
                        join_all(hs).await;
                    }
                    Kind::NotifyOne => {
                        let notify = Arc::new(Notify::new());
                        let done = Arc::new(std::sync::atomic::AtomicUsize::new(0));
                        let mut hs = Vec::new();
                        for _ in 0..10 {
                            let (notify, done) = (notify.clone(), done.clone());
                            hs.push(::$rt::spawn(async move {
                                for _ in 0..1_000 {
                                    notify.notified().await;
                                    done.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                                }
                            }));
                        }
                        // Each notify_one stores a permit or wakes one waiter;
                        // keep notifying until every waiter saw all its wake-ups.
                        // Bounded in time, not in count: on an oversubscribed machine the
                        // waiters' workers can be descheduled for long stretches.
                        let started = std::time::Instant::now();
                        let mut guard = 0usize;
                        while done.load(std::sync::atomic::Ordering::Relaxed) < 10_000 {
                            notify.notify_one();
                            ::$rt::task::yield_now().await;
                            guard += 1;
                            if guard % 4096 == 0 {
                                assert!(
                                    started.elapsed() < std::time::Duration::from_secs(120),
                                    "notify bench made no progress in 120 s"
                                );
                            }
                        }
                        join_all(hs).await;
                    }
                    Kind::RwLockReadUncontended => {
                        let l = RwLock::new(1usize);
                        for _ in 0..10_000 {
                            black_box(*l.read().await);
                        }
                    }
                    Kind::RwLockContended => {
                        let l = Arc::new(RwLock::new(0usize));
                        let mut hs = Vec::new();
                        for _ in 0..5 {
                            let l = l.clone();
                            hs.push(::$rt::spawn(async move {
                                for _ in 0..1_000 {
                                    black_box(*l.read().await);
                                }
                            }));
                        }
                        let w = l.clone();
                        hs.push(::$rt::spawn(async move {
                            for _ in 0..1_000 {
                                *w.write().await += 1;
                            }
                        }));
                        join_all(hs).await;
                    }
                    Kind::Watch => {
                        let (tx, rx) = watch::channel(0usize);
                        let mut hs = Vec::new();
                        for _ in 0..10 {
                            let mut rx = rx.clone();
                            hs.push(::$rt::spawn(async move {
                                while rx.changed().await.is_ok() {
                                    if *rx.borrow_and_update() == 1_000 {
                                        break;
                                    }
                                }
                            }));
                        }
                        for i in 1..=1_000 {
                            tx.send(i).unwrap();
                            ::$rt::task::yield_now().await;
                        }
                        join_all(hs).await;
                    }
                    Kind::Broadcast => {
                        let (tx, _) = broadcast::channel::<usize>(2_048);
                        let mut hs = Vec::new();
                        for _ in 0..10 {
                            let mut rx = tx.subscribe();
                            hs.push(::$rt::spawn(async move {
                                for _ in 0..1_000 {
                                    black_box(rx.recv().await.unwrap());
                                }
                            }));
                        }
                        for i in 0..1_000 {
                            tx.send(i).unwrap();
                        }
                        join_all(hs).await;
                    }
                }
            }

            /// Registers `workload` for this runtime in `group`.
            pub fn bench(group: &mut BenchmarkGroup<'_, WallTime>, workload: Workload) {
                let rt = runtime(workload.workers);
                group.bench_function(stringify!($rt), |b| {
                    b.iter(|| rt.block_on(run(workload.kind)))
                });
            }
        }
    };
}

sync_suite!(rt);
sync_suite!(tokio);

/// Registers every sync workload, each runtime in `order`.
pub fn register(criterion: &mut Criterion, order: [Runtime; 2]) {
    for workload in Workload::all() {
        let mut group = criterion.benchmark_group(workload.group_name());
        configure_short(&mut group);
        group.sample_size(20);
        for runtime in order {
            match runtime {
                Runtime::Rt => rt::bench(&mut group, workload),
                Runtime::Tokio => tokio::bench(&mut group, workload),
            }
        }
        group.finish();
    }
}
