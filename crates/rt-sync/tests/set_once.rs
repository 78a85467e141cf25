//! `SetOnce`: construction, `set`/`get`/`into_inner`, drop, and `wait`
//! under rt's current-thread scheduler, `futures::executor::block_on`,
//! `async-executor` and plain threads racing `set` against `wait`.
#![cfg(not(rt_loom))]
mod support;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::thread;

use futures::executor::block_on;
use rt_sched_local::{Config, CurrentThread};
use rt_sync::{SetOnce, SetOnceError};
use rt_task::{Id, ParkThread};
use support::*;

/// Counts drops of its instances.
#[derive(Debug)]
struct Counted(Arc<AtomicUsize>);

impl Drop for Counted {
    fn drop(&mut self) {
        self.0.fetch_add(1, Ordering::SeqCst);
    }
}

#[test]
fn new_is_empty_then_set_once() {
    let once = SetOnce::new();
    assert!(!once.initialized());
    assert_eq!(once.get(), None);
    assert_eq!(once.set(1), Ok(()));
    assert!(once.initialized());
    assert_eq!(once.get(), Some(&1));
    assert_eq!(once.set(2), Err(SetOnceError(2)));
    assert_eq!(once.get(), Some(&1));
    assert_eq!(once.into_inner(), Some(1));
}

#[test]
fn constructors() {
    static EMPTY: SetOnce<u32> = SetOnce::const_new();
    static FULL: SetOnce<u32> = SetOnce::const_new_with(7);
    assert_eq!(EMPTY.get(), None);
    assert_eq!(FULL.get(), Some(&7));
    assert!(FULL.set(8).is_err());

    assert_eq!(SetOnce::new_with(Some(3)).get(), Some(&3));
    assert_eq!(SetOnce::<u8>::new_with(None).get(), None);
    assert_eq!(SetOnce::from(4).into_inner(), Some(4));
    assert_eq!(SetOnce::<u8>::default().into_inner(), None);
}

#[test]
fn traits() {
    let a = SetOnce::from(String::from("x"));
    let b = a.clone();
    assert_eq!(a, b);
    assert_ne!(a, SetOnce::new());
    assert_eq!(SetOnce::<u8>::new(), SetOnce::new());
    let empty_clone = SetOnce::<u8>::new().clone();
    assert!(!empty_clone.initialized());
    assert_eq!(format!("{a:?}"), r#"SetOnce { value: Some("x") }"#);
    assert_eq!(
        format!("{:?}", SetOnce::<u8>::new()),
        "SetOnce { value: None }"
    );

    let err = SetOnceError(5u8);
    assert_eq!(err.to_string(), "SetOnceError");
    assert_eq!(format!("{err:?}"), "SetOnceError(5)");
    let boxed: Box<dyn std::error::Error> = Box::new(err);
    assert_eq!(boxed.to_string(), "SetOnceError");

    fn send_sync<T: Send + Sync>() {}
    send_sync::<SetOnce<u8>>();
    send_sync::<SetOnceError<u8>>();
}

#[test]
fn drop_drops_value_once() {
    let drops = Arc::new(AtomicUsize::new(0));
    let once = SetOnce::new();
    once.set(Counted(drops.clone())).unwrap();
    // The rejected value comes back and is dropped by the caller.
    let rejected = once.set(Counted(drops.clone())).unwrap_err();
    drop(rejected);
    assert_eq!(drops.load(Ordering::SeqCst), 1);
    drop(once);
    assert_eq!(drops.load(Ordering::SeqCst), 2);

    // Taken out: dropped by its new owner, not by the cell.
    let once = SetOnce::from(Counted(drops.clone()));
    let v = once.into_inner().unwrap();
    assert_eq!(drops.load(Ordering::SeqCst), 2);
    drop(v);
    assert_eq!(drops.load(Ordering::SeqCst), 3);

    // Empty: nothing to drop.
    drop(SetOnce::<Counted>::new());
    assert_eq!(drops.load(Ordering::SeqCst), 3);
}

#[test]
fn wait_ready_when_set_and_pending_until_set() {
    let once = SetOnce::new();
    let (waker, wakes) = counting_waker();
    let mut w = Box::pin(once.wait());
    assert!(poll_with(w.as_mut(), &waker).is_pending());
    assert!(poll_with(w.as_mut(), &waker).is_pending());
    assert_eq!(wakes.wakes(), 0);
    once.set(9).unwrap();
    assert_eq!(wakes.wakes(), 1);
    assert_eq!(*assert_ready(w.as_mut()), 9);
    // Already set: ready at once.
    let mut again = Box::pin(once.wait());
    assert_eq!(*assert_ready(again.as_mut()), 9);
}

#[test]
fn dropped_wait_future_is_harmless() {
    let once = SetOnce::new();
    {
        let mut w = Box::pin(once.wait());
        assert_pending(w.as_mut());
    }
    let mut w2 = Box::pin(once.wait());
    assert_pending(w2.as_mut());
    once.set(1).unwrap();
    assert_eq!(*assert_ready(w2.as_mut()), 1);
}

#[test]
fn many_waiters_under_block_on_threads() {
    let once = Arc::new(SetOnce::new());
    let waiters: Vec<_> = (0..16)
        .map(|_| {
            let once = once.clone();
            thread::spawn(move || *block_on(once.wait()))
        })
        .collect();
    once.set(42u64).unwrap();
    for w in waiters {
        assert_eq!(w.join().unwrap(), 42);
    }
}

#[test]
fn set_races_wait_from_threads() {
    for round in 0..200u32 {
        let once = Arc::new(SetOnce::new());
        let waiters: Vec<_> = (0..3)
            .map(|_| {
                let once = once.clone();
                thread::spawn(move || *block_on(once.wait()))
            })
            .collect();
        // Several setters race: exactly one wins, every waiter sees its value.
        let won = Arc::new(AtomicUsize::new(0));
        let setters: Vec<_> = (0..2u32)
            .map(|s| {
                let (once, won) = (once.clone(), won.clone());
                thread::spawn(move || {
                    if once.set(round * 10 + s).is_ok() {
                        won.fetch_add(1, Ordering::SeqCst);
                    }
                })
            })
            .collect();
        for s in setters {
            s.join().unwrap();
        }
        assert_eq!(won.load(Ordering::SeqCst), 1);
        let value = *once.get().unwrap();
        assert!(value == round * 10 || value == round * 10 + 1);
        for w in waiters {
            assert_eq!(w.join().unwrap(), value);
        }
    }
}

#[test]
fn many_waiters_under_rt_current_thread() {
    let (sched, handle) = CurrentThread::new(ParkThread::new(), Config::default());
    let once = Arc::new(SetOnce::new());
    let total = sched.block_on({
        let once = once.clone();
        let handle = handle.clone();
        async move {
            let waiters: Vec<_> = (0..100)
                .map(|_| {
                    let once = once.clone();
                    handle.spawn(async move { *once.wait().await }, Id::next())
                })
                .collect();
            // Let every waiter register before the value arrives.
            let setter = handle.spawn(
                {
                    let once = once.clone();
                    async move { once.set(3usize).unwrap() }
                },
                Id::next(),
            );
            setter.await.unwrap();
            let mut total = 0;
            for w in waiters {
                total += w.await.unwrap();
            }
            total
        }
    });
    assert_eq!(total, 300);
    sched.shutdown();
}

#[test]
fn rt_waiter_woken_by_plain_thread() {
    let (sched, handle) = CurrentThread::new(ParkThread::new(), Config::default());
    let once = Arc::new(SetOnce::new());
    let setter = {
        let once = once.clone();
        thread::spawn(move || {
            // Bounded: the waiter may or may not have registered yet.
            for _ in 0..100 {
                thread::yield_now();
            }
            once.set("done").unwrap();
        })
    };
    let got = sched.block_on({
        let once = once.clone();
        async move {
            let a = handle.spawn(
                {
                    let once = once.clone();
                    async move { *once.wait().await }
                },
                Id::next(),
            );
            let b = *once.wait().await;
            (a.await.unwrap(), b)
        }
    });
    assert_eq!(got, ("done", "done"));
    setter.join().unwrap();
    sched.shutdown();
}

#[test]
fn wait_on_async_executor() {
    let ex = Arc::new(async_executor::Executor::new());
    let once = Arc::new(SetOnce::new());
    let tasks: Vec<_> = (0..20)
        .map(|_| {
            let once = once.clone();
            ex.spawn(async move { *once.wait().await })
        })
        .collect();
    let runner = {
        let ex = ex.clone();
        thread::spawn(move || {
            block_on(ex.run(async move {
                let mut sum = 0u32;
                for t in tasks {
                    sum += t.await;
                }
                sum
            }))
        })
    };
    once.set(2u32).unwrap();
    assert_eq!(runner.join().unwrap(), 40);
}
