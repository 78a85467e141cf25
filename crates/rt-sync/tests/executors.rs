//! Every primitive under foreign executors: `async_executor::Executor`
//! (multi-threaded), `futures::executor::LocalPool` and `block_on`, mixed
//! with plain threads using the `blocking_*` methods.
#![cfg(not(rt_loom))]
mod support;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::thread;

use async_executor::Executor;
use futures::executor::{block_on, LocalPool};
use futures::task::LocalSpawnExt;
use rt_sync::{broadcast, mpsc, oneshot, watch, Barrier, Mutex, Notify, RwLock, Semaphore};

/// Runs `f` on an `async_executor::Executor` driven by `threads` threads.
fn on_async_executor<F, Fut>(threads: usize, f: F) -> Fut::Output
where
    F: FnOnce(Arc<Executor<'static>>) -> Fut,
    Fut: std::future::Future + Send + 'static,
    Fut::Output: Send + 'static,
{
    let ex = Arc::new(Executor::new());
    let (stop_tx, stop_rx) = oneshot::channel::<()>();
    let stop_rx = futures::future::Shared::clone(&futures::FutureExt::shared(async move {
        let _ = stop_rx.await;
    }));
    let workers: Vec<_> = (0..threads)
        .map(|_| {
            let (ex, stop) = (ex.clone(), stop_rx.clone());
            thread::spawn(move || block_on(ex.run(stop)))
        })
        .collect();
    let out = block_on(ex.spawn(f(ex.clone())));
    drop(stop_tx);
    for w in workers {
        w.join().unwrap();
    }
    out
}

#[test]
fn mpsc_pipeline_on_async_executor() {
    let total = on_async_executor(2, |ex| async move {
        let (tx, mut rx) = mpsc::channel::<u64>(4);
        let (utx, mut urx) = mpsc::unbounded_channel::<u64>();
        for p in 0..4u64 {
            let tx = tx.clone();
            ex.spawn(async move {
                for i in 0..250 {
                    tx.send(p * 1000 + i).await.unwrap();
                }
            })
            .detach();
        }
        drop(tx);
        ex.spawn(async move {
            while let Some(v) = rx.recv().await {
                utx.send(v).unwrap();
            }
        })
        .detach();
        let mut total = 0;
        while let Some(v) = urx.recv().await {
            total += v;
        }
        total
    });
    let expected: u64 = (0..4u64).map(|p| p * 1000 * 250 + 249 * 250 / 2).sum();
    assert_eq!(total, expected);
}

#[test]
fn locks_semaphore_notify_on_async_executor() {
    on_async_executor(2, |ex| async move {
        let m = Arc::new(Mutex::new(0u32));
        let l = Arc::new(RwLock::new(0u32));
        let s = Arc::new(Semaphore::new(2));
        let inside = Arc::new(AtomicUsize::new(0));
        let done = Arc::new(Notify::new());
        let finished = Arc::new(AtomicUsize::new(0));
        for _ in 0..8 {
            let (m, l, s, inside, done, finished) = (
                m.clone(),
                l.clone(),
                s.clone(),
                inside.clone(),
                done.clone(),
                finished.clone(),
            );
            ex.spawn(async move {
                for _ in 0..50 {
                    *m.lock().await += 1;
                    *l.write().await += 1;
                    let _r = l.read().await;
                    let _p = s.acquire().await.unwrap();
                    assert!(inside.fetch_add(1, Ordering::SeqCst) < 2);
                    futures::future::ready(()).await;
                    inside.fetch_sub(1, Ordering::SeqCst);
                }
                if finished.fetch_add(1, Ordering::SeqCst) == 7 {
                    done.notify_one();
                }
            })
            .detach();
        }
        done.notified().await;
        assert_eq!(*m.lock().await, 400);
        assert_eq!(*l.read().await, 400);
    });
}

#[test]
fn watch_broadcast_barrier_on_async_executor() {
    on_async_executor(2, |ex| async move {
        let (wtx, wrx) = watch::channel(0u32);
        let (btx, _) = broadcast::channel::<u32>(64);
        let barrier = Arc::new(Barrier::new(3));
        let mut handles = Vec::new();
        for _ in 0..2 {
            let mut wrx = wrx.clone();
            let mut brx = btx.subscribe();
            let barrier = barrier.clone();
            handles.push(ex.spawn(async move {
                barrier.wait().await;
                let mut sum = 0;
                while let Ok(v) = brx.recv().await {
                    sum += v;
                }
                wrx.wait_for(|v| *v == 10).await.unwrap();
                sum
            }));
        }
        barrier.wait().await;
        for i in 0..10 {
            btx.send(i).unwrap();
        }
        drop(btx);
        wtx.send(10).unwrap();
        for h in handles {
            assert_eq!(h.await, 45);
        }
    });
}

#[test]
fn local_pool_single_thread() {
    let mut pool = LocalPool::new();
    let spawner = pool.spawner();
    let (tx, mut rx) = mpsc::channel::<u32>(1);
    let (otx, orx) = oneshot::channel::<u32>();
    spawner
        .spawn_local(async move {
            for i in 0..100 {
                tx.send(i).await.unwrap();
            }
        })
        .unwrap();
    spawner
        .spawn_local(async move {
            let mut sum = 0;
            while let Some(v) = rx.recv().await {
                sum += v;
            }
            otx.send(sum).unwrap();
        })
        .unwrap();
    assert_eq!(pool.run_until(orx), Ok(4950));
}

#[test]
fn blocking_threads_talk_to_async_tasks() {
    let (tx, mut rx) = mpsc::channel::<u32>(2);
    let (rtx, rrx) = oneshot::channel();
    let m = Arc::new(Mutex::new(Vec::new()));
    let producer = {
        let m = m.clone();
        thread::spawn(move || {
            for i in 0..100 {
                m.blocking_lock().push(i);
                tx.blocking_send(i).unwrap();
            }
            drop(tx);
            rrx.blocking_recv().unwrap()
        })
    };
    let got = block_on(async {
        let mut n = 0;
        while let Some(v) = rx.recv().await {
            assert_eq!(v, n);
            n += 1;
        }
        n
    });
    rtx.send(got).unwrap();
    assert_eq!(producer.join().unwrap(), 100);
    assert_eq!(m.blocking_lock().len(), 100);
}
