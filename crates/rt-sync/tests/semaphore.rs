//! `Semaphore`: fairness, batch acquires, close, cancellation, permits.
#![cfg(not(rt_loom))]
mod support;

use std::pin::pin;
use std::sync::Arc;
use std::thread;

use rt_sync::{AcquireError, Semaphore, TryAcquireError};
use support::*;

#[test]
fn basic_acquire_and_release() {
    let s = Semaphore::new(2);
    let p1 = s.try_acquire().unwrap();
    let p2 = assert_ready(pin!(s.acquire())).unwrap();
    assert_eq!(s.available_permits(), 0);
    assert_eq!(s.try_acquire().err(), Some(TryAcquireError::NoPermits));
    drop(p1);
    assert_eq!(s.available_permits(), 1);
    drop(p2);
    assert_eq!(s.available_permits(), 2);
}

#[test]
fn max_permits_value() {
    assert_eq!(Semaphore::MAX_PERMITS, usize::MAX >> 3);
    let s = Semaphore::new(Semaphore::MAX_PERMITS);
    assert_eq!(s.available_permits(), Semaphore::MAX_PERMITS);
}

#[test]
#[should_panic(expected = "a semaphore may not have more than MAX_PERMITS permits")]
fn new_above_max_panics() {
    let _ = Semaphore::new(Semaphore::MAX_PERMITS + 1);
}

#[test]
#[should_panic(expected = "would overflow MAX_PERMITS")]
fn add_permits_overflow_panics() {
    let s = Semaphore::new(Semaphore::MAX_PERMITS);
    s.add_permits(1);
}

#[test]
fn add_and_forget_permits() {
    let s = Semaphore::new(1);
    s.add_permits(4);
    assert_eq!(s.available_permits(), 5);
    assert_eq!(s.forget_permits(3), 3);
    assert_eq!(s.forget_permits(10), 2);
    assert_eq!(s.available_permits(), 0);
    assert_eq!(s.forget_permits(1), 0);
}

#[test]
fn fifo_large_request_at_head_blocks_smaller_ones() {
    let s = Semaphore::new(0);
    let mut big = pin!(s.acquire_many(3));
    let mut small = pin!(s.acquire());
    assert_pending(big.as_mut());
    assert_pending(small.as_mut());
    s.add_permits(2);
    // Two permits are available in total but the head wants three.
    assert_pending(small.as_mut());
    assert_pending(big.as_mut());
    assert_eq!(s.try_acquire().err(), Some(TryAcquireError::NoPermits));
    s.add_permits(1);
    let p = assert_ready(big.as_mut()).unwrap();
    assert_eq!(p.num_permits(), 3);
    assert_pending(small.as_mut());
    drop(p);
    assert_ready(small.as_mut()).unwrap().forget();
    assert_eq!(s.available_permits(), 2);
}

#[test]
fn release_wakes_only_the_waiters_it_completes() {
    let s = Semaphore::new(0);
    let counters: Vec<_> = (0..3).map(|_| counting_waker()).collect();
    let mut futs: Vec<_> = (0..3).map(|_| Box::pin(s.acquire())).collect();
    for (f, (w, _)) in futs.iter_mut().zip(&counters) {
        assert!(poll_with(f.as_mut(), w).is_pending());
    }
    s.add_permits(1);
    let wakes: Vec<_> = counters.iter().map(|(_, c)| c.wakes()).collect();
    assert_eq!(wakes, [1, 0, 0], "no thundering herd, FIFO order");
    s.add_permits(2);
    let wakes: Vec<_> = counters.iter().map(|(_, c)| c.wakes()).collect();
    assert_eq!(wakes, [1, 1, 1]);
    for f in &mut futs {
        assert_ready(f.as_mut()).unwrap().forget();
    }
}

#[test]
fn close_fails_pending_and_future_acquires() {
    let s = Semaphore::new(0);
    let (w, c) = counting_waker();
    let mut a = pin!(s.acquire());
    assert!(poll_with(a.as_mut(), &w).is_pending());
    s.close();
    assert!(s.is_closed());
    assert_eq!(c.wakes(), 1);
    let err: AcquireError = assert_ready(a.as_mut()).unwrap_err();
    assert_eq!(err.to_string(), "semaphore closed");
    assert_eq!(s.try_acquire().err(), Some(TryAcquireError::Closed));
    assert!(assert_ready(pin!(s.acquire_many(0))).is_err());
    // Permits can still be added (and are reported) after close.
    s.add_permits(2);
    assert_eq!(s.available_permits(), 2);
    assert_eq!(s.try_acquire().err(), Some(TryAcquireError::Closed));
}

#[test]
fn close_returns_partially_assigned_permits() {
    let s = Semaphore::new(2);
    let mut big = pin!(s.acquire_many(5));
    assert_pending(big.as_mut()); // holds 2 of 5
    assert_eq!(s.available_permits(), 0);
    s.close();
    assert!(assert_ready(big.as_mut()).is_err());
    assert_eq!(s.available_permits(), 2);
}

#[test]
fn cancel_partially_assigned_waiter_hands_permits_on() {
    let s = Semaphore::new(2);
    let mut big = Box::pin(s.acquire_many(4));
    let (w, c) = counting_waker();
    let mut small = pin!(s.acquire_many(2));
    assert_pending(big.as_mut()); // took 2, needs 2 more
    assert!(poll_with(small.as_mut(), &w).is_pending());
    drop(big);
    assert_eq!(c.wakes(), 1, "the next waiter is woken");
    let p = assert_ready(small.as_mut()).unwrap();
    assert_eq!(p.num_permits(), 2);
    drop(p);
    assert_eq!(s.available_permits(), 2);
}

#[test]
fn cancel_fully_assigned_waiter_releases_everything() {
    let s = Semaphore::new(0);
    let mut a = Box::pin(s.acquire_many(3));
    assert_pending(a.as_mut());
    s.add_permits(3); // assigned to `a`, which never observes it
    assert_eq!(s.available_permits(), 0);
    drop(a);
    assert_eq!(s.available_permits(), 3);
}

#[test]
fn cancel_unpolled_and_waiting_acquire_leaks_nothing() {
    let s = Semaphore::new(1);
    let held = s.try_acquire().unwrap();
    let unpolled = s.acquire();
    drop(unpolled);
    let mut waiting = Box::pin(s.acquire());
    assert_pending(waiting.as_mut());
    drop(waiting);
    drop(held);
    assert_eq!(s.available_permits(), 1);
    // The fast path works again (no stale waiter left behind).
    s.try_acquire().unwrap().forget();
}

#[test]
fn permit_forget_merge_split() {
    let s = Semaphore::new(5);
    let mut p = s.try_acquire_many(2).unwrap();
    let q = s.try_acquire().unwrap();
    p.merge(q);
    assert_eq!(p.num_permits(), 3);
    let r = p.split(2).unwrap();
    assert_eq!((p.num_permits(), r.num_permits()), (1, 2));
    assert!(p.split(2).is_none());
    r.forget();
    drop(p);
    assert_eq!(s.available_permits(), 3);
}

#[test]
#[should_panic(expected = "merging permits from different semaphore instances")]
fn merge_different_semaphores_panics() {
    let a = Semaphore::new(1);
    let b = Semaphore::new(1);
    let mut p = a.try_acquire().unwrap();
    p.merge(b.try_acquire().unwrap());
}

#[test]
fn owned_permits() {
    let s = Arc::new(Semaphore::new(3));
    let mut p = s.clone().try_acquire_owned().unwrap();
    let q = s.clone().try_acquire_many_owned(2).unwrap();
    assert!(Arc::ptr_eq(p.semaphore(), &s));
    p.merge(q);
    assert_eq!(p.num_permits(), 3);
    let r = p.split(1).unwrap();
    assert_eq!(s.available_permits(), 0);
    let mut fut = pin!(s.clone().acquire_many_owned(2));
    assert_pending(fut.as_mut());
    drop(p);
    let got = assert_ready(fut.as_mut()).unwrap();
    assert_eq!(got.num_permits(), 2);
    drop((got, r));
    assert_eq!(s.available_permits(), 3);
    assert_eq!(
        s.clone().try_acquire_many_owned(4).err(),
        Some(TryAcquireError::NoPermits)
    );
    let t = {
        let s = s.clone();
        thread::spawn(move || futures::executor::block_on(s.acquire_owned()).unwrap())
    };
    let permit = t.join().unwrap();
    assert_eq!(permit.num_permits(), 1);
}

#[test]
fn const_new_in_static() {
    static SEM: Semaphore = Semaphore::const_new(2);
    let p = SEM.try_acquire_many(2).unwrap();
    assert_eq!(SEM.available_permits(), 0);
    drop(p);
    assert_eq!(SEM.available_permits(), 2);
}

#[test]
fn contended_threads_never_exceed_permits() {
    use std::sync::atomic::{AtomicUsize, Ordering};
    let s = Arc::new(Semaphore::new(3));
    let inside = Arc::new(AtomicUsize::new(0));
    let handles: Vec<_> = (0..4)
        .map(|i| {
            let (s, inside) = (s.clone(), inside.clone());
            thread::spawn(move || {
                for j in 0..500 {
                    let n = 1 + ((i + j) % 3) as u32;
                    let p = futures::executor::block_on(s.acquire_many(n)).unwrap();
                    let now = inside.fetch_add(n as usize, Ordering::SeqCst) + n as usize;
                    assert!(now <= 3, "{now} permits in use");
                    inside.fetch_sub(n as usize, Ordering::SeqCst);
                    drop(p);
                }
            })
        })
        .collect();
    for h in handles {
        h.join().unwrap();
    }
    assert_eq!(s.available_permits(), 3);
}

#[test]
fn acquire_consumes_coop_budget() {
    let s = Semaphore::new(1000);
    let (w, c) = counting_waker();
    rt_task::coop::budget(|| {
        let mut ready = 0;
        for _ in 0..200 {
            let mut f = pin!(s.acquire());
            match poll_with(f.as_mut(), &w) {
                std::task::Poll::Ready(p) => {
                    p.unwrap().forget();
                    ready += 1;
                }
                std::task::Poll::Pending => break,
            }
        }
        assert_eq!(ready, rt_task::coop::INITIAL_BUDGET as usize);
        assert_eq!(c.wakes(), 1, "the task is woken to yield");
    });
}
