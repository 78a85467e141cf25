//! `Barrier` and `OnceCell`.
#![cfg(not(rt_loom))]
mod support;

use std::pin::pin;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::thread;

use rt_sync::{Barrier, OnceCell, SetError};
use support::*;

#[test]
fn barrier_releases_all_with_one_leader() {
    let b = Barrier::new(3);
    let mut a = pin!(b.wait());
    let mut c = pin!(b.wait());
    assert_pending(a.as_mut());
    assert_pending(c.as_mut());
    let last = assert_ready(pin!(b.wait()));
    assert!(last.is_leader());
    assert!(!assert_ready(a.as_mut()).is_leader());
    assert!(!assert_ready(c.as_mut()).is_leader());
}

#[test]
fn barrier_is_reusable_and_zero_behaves_as_one() {
    let b = Barrier::new(2);
    for _ in 0..3 {
        let mut a = pin!(b.wait());
        assert_pending(a.as_mut());
        assert!(assert_ready(pin!(b.wait())).is_leader());
        assert!(!assert_ready(a.as_mut()).is_leader());
    }
    let z = Barrier::new(0);
    assert!(assert_ready(pin!(z.wait())).is_leader());
}

#[test]
fn barrier_next_generation_waiter_is_not_released_early() {
    let b = Barrier::new(2);
    let mut a = pin!(b.wait());
    assert_pending(a.as_mut());
    let mut leader = pin!(b.wait());
    assert!(assert_ready(leader.as_mut()).is_leader());
    // A waiter of the next generation must wait for its own partner.
    let mut next = pin!(b.wait());
    assert_pending(next.as_mut());
    assert!(!assert_ready(a.as_mut()).is_leader());
    assert_pending(next.as_mut());
}

#[test]
fn barrier_across_threads() {
    let b = Arc::new(Barrier::new(4));
    let leaders = Arc::new(AtomicUsize::new(0));
    let hs: Vec<_> = (0..4)
        .map(|_| {
            let (b, leaders) = (b.clone(), leaders.clone());
            thread::spawn(move || {
                for _ in 0..50 {
                    if futures::executor::block_on(b.wait()).is_leader() {
                        leaders.fetch_add(1, Ordering::SeqCst);
                    }
                }
            })
        })
        .collect();
    for h in hs {
        h.join().unwrap();
    }
    assert_eq!(leaders.load(Ordering::SeqCst), 50);
}

#[test]
fn once_cell_set_get_take() {
    let mut cell = OnceCell::new();
    assert!(!cell.initialized());
    assert_eq!(cell.get(), None);
    cell.set(1).unwrap();
    assert_eq!(cell.set(2), Err(SetError::AlreadyInitializedError(2)));
    assert!(cell.set(3).unwrap_err().is_already_init_err());
    assert_eq!(cell.get(), Some(&1));
    *cell.get_mut().unwrap() = 5;
    assert_eq!(cell.take(), Some(5));
    assert!(!cell.initialized());
    cell.set(6).unwrap();
    assert_eq!(cell.clone().into_inner(), Some(6));
    assert_eq!(format!("{cell:?}"), "OnceCell { value: Some(6) }");
    assert_eq!(OnceCell::from(6), cell);
    assert_eq!(OnceCell::<u8>::new_with(None).get(), None);
}

#[test]
fn once_cell_get_or_init_runs_once() {
    let cell = OnceCell::new();
    let runs = AtomicUsize::new(0);
    let init = || async {
        runs.fetch_add(1, Ordering::SeqCst);
        7
    };
    assert_eq!(*assert_ready(pin!(cell.get_or_init(init))), 7);
    assert_eq!(*assert_ready(pin!(cell.get_or_init(init))), 7);
    assert_eq!(runs.load(Ordering::SeqCst), 1);
}

#[test]
fn once_cell_waiters_wait_for_the_initializer() {
    let cell = OnceCell::new();
    let (tx, rx) = rt_sync::oneshot::channel::<u32>();
    let mut first = pin!(cell.get_or_init(|| async { rx.await.unwrap() }));
    assert_pending(first.as_mut());
    assert!(cell.set(1).unwrap_err().is_initializing_err());
    let mut second = pin!(cell.get_or_init(|| async { unreachable!("the first one initializes") }));
    assert_pending(second.as_mut());
    tx.send(3).unwrap();
    assert_eq!(*assert_ready(first.as_mut()), 3);
    assert_eq!(*assert_ready(second.as_mut()), 3);
}

#[test]
fn once_cell_cancelled_or_failed_init_lets_next_waiter_try() {
    let cell = OnceCell::<u32>::new();
    let mut first = Box::pin(cell.get_or_init(std::future::pending));
    assert_pending(first.as_mut());
    let mut second = pin!(cell.get_or_try_init(|| async { Err::<u32, &str>("nope") }));
    assert_pending(second.as_mut());
    drop(first); // cancelled initializer
    assert_eq!(assert_ready(second.as_mut()), Err("nope"));
    assert!(!cell.initialized());
    let ok: Result<&u32, ()> = assert_ready(pin!(cell.get_or_try_init(|| async { Ok(9) })));
    assert_eq!(ok, Ok(&9));
}

#[test]
fn once_cell_const_new_and_drop() {
    static CELL: OnceCell<String> = OnceCell::const_new();
    static SET: OnceCell<u8> = OnceCell::const_new_with(4);
    assert_eq!(SET.get(), Some(&4));
    assert_eq!(SET.set(1), Err(SetError::AlreadyInitializedError(1)));
    let v = futures::executor::block_on(CELL.get_or_init(|| async { String::from("x") }));
    assert_eq!(v, "x");
    let rc = Arc::new(());
    drop(OnceCell::new_with(Some(rc.clone())));
    assert_eq!(Arc::strong_count(&rc), 1);
}

#[test]
fn once_cell_many_threads_one_init() {
    let cell = Arc::new(OnceCell::new());
    let runs = Arc::new(AtomicUsize::new(0));
    let hs: Vec<_> = (0..4)
        .map(|i| {
            let (cell, runs) = (cell.clone(), runs.clone());
            thread::spawn(move || {
                *futures::executor::block_on(cell.get_or_init(|| async move {
                    runs.fetch_add(1, Ordering::SeqCst);
                    i
                }))
            })
        })
        .collect();
    let vals: Vec<_> = hs.into_iter().map(|h| h.join().unwrap()).collect();
    assert!(vals.iter().all(|v| *v == vals[0]));
    assert_eq!(runs.load(Ordering::SeqCst), 1);
}
