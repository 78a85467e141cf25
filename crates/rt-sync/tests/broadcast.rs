//! `broadcast`: fan-out, lag semantics, closing, capacity, receivers.
#![cfg(not(rt_loom))]
mod support;

use std::pin::pin;
use std::sync::Arc;
use std::thread;

use rt_sync::broadcast::{
    self,
    error::{RecvError, TryRecvError},
};
use support::*;

#[test]
fn every_receiver_gets_every_value() {
    let (tx, mut rx1) = broadcast::channel(16);
    let mut rx2 = tx.subscribe();
    assert_eq!(tx.send(10).unwrap(), 2);
    assert_eq!(tx.send(20).unwrap(), 2);
    for rx in [&mut rx1, &mut rx2] {
        assert_eq!(rx.try_recv(), Ok(10));
        assert_eq!(rx.try_recv(), Ok(20));
        assert_eq!(rx.try_recv(), Err(TryRecvError::Empty));
    }
}

#[test]
fn subscribe_sees_only_later_values() {
    let (tx, mut rx) = broadcast::channel(4);
    tx.send(1).unwrap();
    let mut late = tx.subscribe();
    tx.send(2).unwrap();
    assert_eq!(late.try_recv(), Ok(2));
    assert_eq!(rx.try_recv(), Ok(1));
    let mut re = rx.resubscribe();
    tx.send(3).unwrap();
    assert_eq!(re.try_recv(), Ok(3));
    assert_eq!(re.try_recv(), Err(TryRecvError::Empty));
    assert_eq!(rx.try_recv(), Ok(2));
}

#[test]
fn lagged_exactly_as_tokio_documents() {
    // Tokio's example: capacity 2, three sends, the receiver misses one.
    let (tx, mut rx) = broadcast::channel(2);
    tx.send(10).unwrap();
    tx.send(20).unwrap();
    tx.send(30).unwrap();
    assert_eq!(rx.len(), 3);
    futures::executor::block_on(async {
        assert_eq!(rx.recv().await, Err(RecvError::Lagged(1)));
        assert_eq!(rx.recv().await, Ok(20));
        assert_eq!(rx.recv().await, Ok(30));
    });
    assert!(rx.is_empty());
}

#[test]
fn lag_counts_every_missed_value_and_capacity_rounds_up() {
    // Capacity 3 rounds up to 4 retained values.
    let (tx, mut rx) = broadcast::channel(3);
    for i in 0..10 {
        tx.send(i).unwrap();
    }
    assert_eq!(rx.try_recv(), Err(TryRecvError::Lagged(6)));
    for i in 6..10 {
        assert_eq!(rx.try_recv(), Ok(i));
    }
    assert_eq!(rx.try_recv(), Err(TryRecvError::Empty));
}

#[test]
fn closed_after_retained_values() {
    let (tx, mut rx) = broadcast::channel(4);
    tx.send(1).unwrap();
    drop(tx);
    assert!(rx.is_closed());
    assert_eq!(rx.try_recv(), Ok(1));
    assert_eq!(rx.try_recv(), Err(TryRecvError::Closed));
    assert_eq!(
        futures::executor::block_on(rx.recv()),
        Err(RecvError::Closed)
    );
}

#[test]
fn recv_is_woken_by_send_and_by_close() {
    let (tx, mut rx) = broadcast::channel::<u8>(4);
    let (w, c) = counting_waker();
    {
        let mut f = pin!(rx.recv());
        assert!(poll_with(f.as_mut(), &w).is_pending());
        assert!(
            poll_with(f.as_mut(), &w).is_pending(),
            "re-poll keeps one registration"
        );
        tx.send(1).unwrap();
        assert_eq!(c.wakes(), 1);
        assert_eq!(assert_ready(f.as_mut()), Ok(1));
    }
    {
        let mut f = pin!(rx.recv());
        assert!(poll_with(f.as_mut(), &w).is_pending());
        drop(tx);
        assert_eq!(c.wakes(), 2);
        assert_eq!(assert_ready(f.as_mut()), Err(RecvError::Closed));
    }
}

#[test]
fn send_without_receivers_fails() {
    let (tx, rx) = broadcast::channel::<u8>(1);
    drop(rx);
    assert_eq!(tx.receiver_count(), 0);
    assert_eq!(tx.send(3).unwrap_err().0, 3);
    let tx = broadcast::Sender::<u8>::new(2);
    assert!(tx.send(1).is_err());
    let mut rx = tx.subscribe();
    tx.send(2).unwrap();
    assert_eq!(rx.try_recv(), Ok(2));
}

#[test]
#[should_panic(expected = "broadcast channel capacity cannot be zero")]
fn zero_capacity_panics() {
    let _ = broadcast::channel::<u8>(0);
}

#[test]
#[should_panic(expected = "broadcast channel capacity exceeded `usize::MAX / 2`")]
fn huge_capacity_panics() {
    let _ = broadcast::channel::<u8>(usize::MAX / 2 + 2);
}

#[test]
fn values_are_released_once_all_receivers_saw_them() {
    let v = Arc::new(());
    let (tx, mut rx1) = broadcast::channel(8);
    let mut rx2 = tx.subscribe();
    tx.send(v.clone()).unwrap();
    assert_eq!(tx.len(), 1);
    assert_eq!(Arc::strong_count(&v), 2);
    drop(rx1.try_recv().unwrap());
    assert_eq!(Arc::strong_count(&v), 2);
    drop(rx2.try_recv().unwrap());
    assert_eq!(Arc::strong_count(&v), 1, "released after the last reader");
    assert_eq!(tx.len(), 0);
    assert!(tx.is_empty());
    // A dropped receiver releases what it never read.
    tx.send(v.clone()).unwrap();
    drop(rx1.try_recv().unwrap());
    assert_eq!(Arc::strong_count(&v), 2);
    drop(rx2);
    assert_eq!(Arc::strong_count(&v), 1);
}

#[test]
fn dropped_recv_future_loses_no_message() {
    let (tx, mut rx) = broadcast::channel(4);
    {
        let mut f = Box::pin(rx.recv());
        assert_pending(f.as_mut());
    }
    tx.send(5).unwrap();
    assert_eq!(rx.try_recv(), Ok(5));
}

#[test]
fn sender_closed_and_counts() {
    let (tx, rx) = broadcast::channel::<u8>(2);
    let weak = tx.downgrade();
    assert_eq!((tx.strong_count(), tx.weak_count()), (1, 1));
    assert_eq!(rx.sender_strong_count(), 1);
    let tx2 = weak.upgrade().unwrap();
    assert!(tx2.same_channel(&tx));
    let (w, c) = counting_waker();
    {
        let mut closed = pin!(tx.closed());
        assert!(poll_with(closed.as_mut(), &w).is_pending());
        drop(rx);
        assert_eq!(c.wakes(), 1);
        assert_ready(closed.as_mut());
    }
    drop((tx, tx2));
    assert!(weak.upgrade().is_none());
}

#[test]
fn recv_consumes_coop_budget() {
    let (tx, mut rx) = broadcast::channel(256);
    for i in 0..200 {
        tx.send(i).unwrap();
    }
    let (w, c) = counting_waker();
    let n = rt_task::coop::budget(|| {
        let mut n = 0;
        loop {
            let mut f = pin!(rx.recv());
            if poll_with(f.as_mut(), &w).is_pending() {
                break n;
            }
            n += 1;
            assert!(n <= 200);
        }
    });
    assert_eq!(n, rt_task::coop::INITIAL_BUDGET as usize);
    assert_eq!(c.wakes(), 1);
}

#[test]
fn threads_fan_out_without_loss_when_capacity_suffices() {
    let (tx, rx) = broadcast::channel(1024);
    let hs: Vec<_> = (0..3)
        .map(|_| {
            let mut rx = rx.resubscribe();
            thread::spawn(move || {
                let mut sum = 0u64;
                loop {
                    match rx.blocking_recv() {
                        Ok(v) => sum += v,
                        Err(RecvError::Closed) => return sum,
                        Err(RecvError::Lagged(n)) => panic!("lagged by {n}"),
                    }
                }
            })
        })
        .collect();
    drop(rx);
    for i in 0..1000u64 {
        tx.send(i).unwrap();
    }
    drop(tx);
    for h in hs {
        assert_eq!(h.join().unwrap(), 999 * 1000 / 2);
    }
}
