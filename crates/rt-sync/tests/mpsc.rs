//! `mpsc`: bounded and unbounded channels, permits, weak senders, close,
//! cancel safety, coop budget.
#![cfg(not(rt_loom))]
mod support;

use std::pin::pin;
use std::sync::Arc;
use std::task::Poll;
use std::thread;

use rt_sync::mpsc::{
    self,
    error::{TryRecvError, TrySendError},
};
use support::*;

#[test]
fn zero_buffer_panics_naming_the_bound() {
    let err = std::panic::catch_unwind(|| mpsc::channel::<()>(0)).unwrap_err();
    assert_eq!(
        panic_message(err),
        "mpsc bounded channel requires buffer > 0"
    );
}

#[test]
fn send_recv_in_order_then_none() {
    let (tx, mut rx) = mpsc::channel(4);
    futures::executor::block_on(async {
        for i in 0..4 {
            tx.send(i).await.unwrap();
        }
        drop(tx);
        for i in 0..4 {
            assert_eq!(rx.recv().await, Some(i));
        }
        assert_eq!(rx.recv().await, None);
        assert_eq!(rx.recv().await, None);
    });
}

#[test]
fn try_send_full_and_closed() {
    let (tx, mut rx) = mpsc::channel(1);
    tx.try_send(1).unwrap();
    assert_eq!(tx.try_send(2), Err(TrySendError::Full(2)));
    assert_eq!(tx.capacity(), 0);
    assert_eq!(tx.max_capacity(), 1);
    assert_eq!(rx.len(), 1);
    assert_eq!(rx.try_recv(), Ok(1));
    assert_eq!(tx.capacity(), 1);
    assert_eq!(rx.try_recv(), Err(TryRecvError::Empty));
    drop(rx);
    assert!(tx.is_closed());
    let err = tx.try_send(3).unwrap_err();
    assert_eq!(err, TrySendError::Closed(3));
    assert_eq!(err.into_inner(), 3);
}

#[test]
fn send_waits_for_capacity_fifo() {
    let (tx, mut rx) = mpsc::channel(1);
    tx.try_send(0).unwrap();
    let (w1, c1) = counting_waker();
    let (w2, c2) = counting_waker();
    let mut s1 = pin!(tx.send(1));
    let mut s2 = pin!(tx.send(2));
    assert!(poll_with(s1.as_mut(), &w1).is_pending());
    assert!(poll_with(s2.as_mut(), &w2).is_pending());
    assert_eq!(rx.try_recv(), Ok(0));
    assert_eq!((c1.wakes(), c2.wakes()), (1, 0));
    assert!(poll_with(s1.as_mut(), &w1).is_ready());
    assert!(poll_with(s2.as_mut(), &w2).is_pending());
    assert_eq!(rx.try_recv(), Ok(1));
    assert!(poll_with(s2.as_mut(), &w2).is_ready());
    assert_eq!(rx.try_recv(), Ok(2));
}

#[test]
fn recv_woken_by_send_and_by_last_sender_drop() {
    let (tx, mut rx) = mpsc::channel::<u8>(8);
    let tx2 = tx.clone();
    let (w, c) = counting_waker();
    let mut cx = std::task::Context::from_waker(&w);
    assert!(rx.poll_recv(&mut cx).is_pending());
    tx.try_send(1).unwrap();
    assert_eq!(c.wakes(), 1);
    assert_eq!(rx.poll_recv(&mut cx), Poll::Ready(Some(1)));
    assert!(rx.poll_recv(&mut cx).is_pending());
    drop(tx);
    assert_eq!(c.wakes(), 1, "another sender remains");
    drop(tx2);
    assert_eq!(c.wakes(), 2);
    assert_eq!(rx.poll_recv(&mut cx), Poll::Ready(None));
    assert_eq!(rx.try_recv(), Err(TryRecvError::Disconnected));
}

#[test]
fn close_drains_then_waits_for_outstanding_permits() {
    let (tx, mut rx) = mpsc::channel(4);
    tx.try_send(1).unwrap();
    let permit = tx.try_reserve().unwrap();
    rx.close();
    assert!(tx.is_closed());
    assert!(rx.is_closed());
    assert_eq!(tx.try_send(9), Err(TrySendError::Closed(9)));
    assert!(futures::executor::block_on(tx.send(9)).is_err());
    assert_eq!(rx.try_recv(), Ok(1));
    // A permit taken before the close can still send.
    let (w, c) = counting_waker();
    let mut cx = std::task::Context::from_waker(&w);
    assert!(rx.poll_recv(&mut cx).is_pending());
    permit.send(2);
    assert_eq!(c.wakes(), 1);
    assert_eq!(rx.poll_recv(&mut cx), Poll::Ready(Some(2)));
    // Another outstanding permit dropped unused: the receiver finishes.
    let (tx2, mut rx2) = mpsc::channel::<u8>(2);
    let p = tx2.try_reserve().unwrap();
    rx2.close();
    assert!(rx2.poll_recv(&mut cx).is_pending());
    drop(p);
    assert_eq!(c.wakes(), 2);
    assert_eq!(rx2.poll_recv(&mut cx), Poll::Ready(None));
    drop(tx);
}

#[test]
fn close_with_partially_reserved_batch_still_finishes_receiver() {
    let (tx, mut rx) = mpsc::channel::<u8>(3);
    let p = tx.try_reserve().unwrap();
    let mut many = Box::pin(tx.reserve_many(3)); // takes 2 of 3, waits
    assert_pending(many.as_mut());
    drop(p); // the third permit goes to `many`... which completes
    let it = assert_ready(many.as_mut()).unwrap();
    drop(it);
    let p = tx.try_reserve().unwrap();
    let mut many = Box::pin(tx.reserve_many(3)); // holds 2, waits
    assert_pending(many.as_mut());
    rx.close();
    drop(p);
    let (w, c) = counting_waker();
    let mut cx = std::task::Context::from_waker(&w);
    assert!(rx.poll_recv(&mut cx).is_pending(), "2 permits still held");
    drop(many); // gives them back: the channel is idle
    assert_eq!(c.wakes(), 1);
    assert_eq!(rx.poll_recv(&mut cx), Poll::Ready(None));
}

#[test]
fn closed_future_resolves_on_receiver_drop() {
    let (tx, rx) = mpsc::channel::<()>(1);
    let (w, c) = counting_waker();
    let mut closed = pin!(tx.closed());
    assert!(poll_with(closed.as_mut(), &w).is_pending());
    drop(rx);
    assert_eq!(c.wakes(), 1);
    assert!(poll_with(closed.as_mut(), &w).is_ready());
}

#[test]
fn reserve_and_permits_return_capacity() {
    let (tx, mut rx) = mpsc::channel(3);
    let p = assert_ready(pin!(tx.reserve())).unwrap();
    assert!(p.same_channel(&tx));
    assert_eq!(tx.capacity(), 2);
    drop(p);
    assert_eq!(tx.capacity(), 3);
    let mut many = assert_ready(pin!(tx.reserve_many(3))).unwrap();
    assert_eq!(many.len(), 3);
    assert_eq!(tx.capacity(), 0);
    many.next().unwrap().send(1);
    drop(many); // two unused permits go back
    assert_eq!(tx.capacity(), 2);
    assert_eq!(rx.try_recv(), Ok(1));
    assert_eq!(tx.capacity(), 3);
    assert!(tx.try_reserve_many(4).is_err());
    assert!(matches!(
        tx.try_reserve_many(4),
        Err(TrySendError::Full(()))
    ));
    assert!(assert_ready(pin!(tx.reserve_many(4))).is_err());
    let empty = tx.try_reserve_many(0).unwrap();
    assert_eq!(empty.len(), 0);
}

#[test]
fn owned_permits() {
    let (tx, mut rx) = mpsc::channel(1);
    let p = assert_ready(pin!(tx.clone().reserve_owned())).unwrap();
    assert!(p.same_channel_as_sender(&tx));
    let tx2 = match tx.clone().try_reserve_owned() {
        Err(TrySendError::Full(s)) => s,
        other => panic!("expected Full, got {other:?}"),
    };
    let back = p.send(5);
    assert!(back.same_channel(&tx2));
    assert_eq!(rx.try_recv(), Ok(5));
    let p = tx.clone().try_reserve_owned().unwrap();
    let s = p.release();
    assert_eq!(s.capacity(), 1);
    drop(rx);
    assert!(matches!(
        tx.try_reserve_owned(),
        Err(TrySendError::Closed(_))
    ));
}

#[test]
fn weak_senders() {
    let (tx, mut rx) = mpsc::channel::<u8>(1);
    let weak = tx.downgrade();
    assert_eq!((tx.strong_count(), tx.weak_count()), (1, 1));
    assert_eq!((rx.sender_strong_count(), rx.sender_weak_count()), (1, 1));
    let tx2 = weak.upgrade().unwrap();
    assert_eq!(weak.strong_count(), 2);
    drop((tx, tx2));
    // Only weak senders remain: the channel is closed.
    assert!(weak.upgrade().is_none());
    assert_eq!(rx.try_recv(), Err(TryRecvError::Disconnected));
    let weak2 = weak.clone();
    assert_eq!(weak2.weak_count(), 2);
}

#[test]
fn recv_many_limits_and_returns_zero_when_closed() {
    let (tx, mut rx) = mpsc::channel(10);
    for i in 0..5 {
        tx.try_send(i).unwrap();
    }
    futures::executor::block_on(async {
        let mut buf = Vec::new();
        assert_eq!(rx.recv_many(&mut buf, 0).await, 0);
        assert_eq!(rx.recv_many(&mut buf, 3).await, 3);
        assert_eq!(rx.recv_many(&mut buf, 10).await, 2);
        assert_eq!(buf, [0, 1, 2, 3, 4]);
        assert_eq!(tx.capacity(), 10);
        drop(tx);
        assert_eq!(rx.recv_many(&mut buf, 10).await, 0);
    });
}

#[test]
fn dropped_recv_future_loses_no_message() {
    let (tx, mut rx) = mpsc::channel(2);
    {
        let mut f = pin!(rx.recv());
        assert_pending(f.as_mut());
    }
    tx.try_send(1).unwrap();
    {
        // Ready future dropped after completion: value was returned.
        let mut f = pin!(rx.recv());
        assert_eq!(assert_ready(f.as_mut()), Some(1));
    }
    tx.try_send(2).unwrap();
    assert_eq!(rx.try_recv(), Ok(2));
}

#[test]
fn cancelled_send_and_reserve_leak_no_capacity() {
    let (tx, mut rx) = mpsc::channel(1);
    tx.try_send(0).unwrap();
    let mut s = Box::pin(tx.send(1));
    let mut r = Box::pin(tx.reserve());
    assert_pending(s.as_mut());
    assert_pending(r.as_mut());
    assert_eq!(rx.try_recv(), Ok(0)); // capacity assigned to `s`
    drop(s); // never observed: capacity goes on to `r`
    let p = assert_ready(r.as_mut()).unwrap();
    drop(p);
    drop(r);
    assert_eq!(tx.capacity(), 1);
    assert_eq!(rx.try_recv(), Err(TryRecvError::Empty));
}

#[test]
fn receiver_drop_drops_buffered_messages() {
    let v = Arc::new(());
    let (tx, rx) = mpsc::channel(4);
    tx.try_send(v.clone()).unwrap();
    tx.try_send(v.clone()).unwrap();
    assert_eq!(Arc::strong_count(&v), 3);
    drop(rx);
    assert_eq!(Arc::strong_count(&v), 1);
    assert_eq!(tx.capacity(), 4);
}

#[test]
fn recv_consumes_coop_budget() {
    let (tx, mut rx) = mpsc::unbounded_channel();
    for i in 0..200 {
        tx.send(i).unwrap();
    }
    let (w, c) = counting_waker();
    let mut cx = std::task::Context::from_waker(&w);
    let received = rt_task::coop::budget(|| {
        let mut n = 0;
        while let Poll::Ready(Some(_)) = rx.poll_recv(&mut cx) {
            n += 1;
            assert!(n <= 200);
        }
        n
    });
    assert_eq!(received, rt_task::coop::INITIAL_BUDGET as usize);
    assert_eq!(c.wakes(), 1, "the draining task is woken to yield");
    // Outside a budget it drains the rest.
    let mut rest = 0;
    while rx.try_recv().is_ok() {
        rest += 1;
    }
    assert_eq!(received + rest, 200);
}

#[test]
fn unbounded_basics() {
    let (tx, mut rx) = mpsc::unbounded_channel();
    tx.send(1).unwrap();
    tx.send(2).unwrap();
    assert_eq!(rx.len(), 2);
    assert!(!rx.is_empty());
    assert_eq!(rx.try_recv(), Ok(1));
    let weak = tx.downgrade();
    assert_eq!(weak.upgrade().unwrap().strong_count(), 2);
    rx.close();
    assert!(tx.is_closed());
    assert_eq!(tx.send(3).unwrap_err().0, 3);
    assert_eq!(rx.blocking_recv(), Some(2));
    assert_eq!(rx.blocking_recv(), None);
    assert_eq!(rx.try_recv(), Err(TryRecvError::Disconnected));
    assert_eq!(format!("{:?}", tx.send(4).unwrap_err()), "SendError { .. }");
    futures::executor::block_on(tx.closed());
}

#[test]
fn unbounded_none_after_senders_dropped() {
    let (tx, mut rx) = mpsc::unbounded_channel::<u8>();
    let (w, c) = counting_waker();
    let mut cx = std::task::Context::from_waker(&w);
    assert!(rx.poll_recv(&mut cx).is_pending());
    drop(tx);
    assert_eq!(c.wakes(), 1);
    assert_eq!(rx.poll_recv(&mut cx), Poll::Ready(None));
}

#[test]
fn blocking_send_and_recv_between_threads() {
    let (tx, mut rx) = mpsc::channel(2);
    let producers: Vec<_> = (0..3)
        .map(|p| {
            let tx = tx.clone();
            thread::spawn(move || {
                for i in 0..500 {
                    tx.blocking_send((p, i)).unwrap();
                }
            })
        })
        .collect();
    drop(tx);
    let mut last = [None::<i32>; 3];
    let mut n = 0;
    while let Some((p, i)) = rx.blocking_recv() {
        // Per-sender FIFO.
        assert!(last[p].is_none_or(|l| l < i));
        last[p] = Some(i);
        n += 1;
    }
    assert_eq!(n, 1500);
    for h in producers {
        h.join().unwrap();
    }
}

#[test]
fn blocking_methods_panic_inside_runtime() {
    let (tx, mut rx) = mpsc::channel::<u8>(1);
    let err = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        in_runtime(|| tx.blocking_send(1))
    }))
    .unwrap_err();
    assert_eq!(panic_message(err), BLOCKING_MSG);
    let err = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        in_runtime(|| rx.blocking_recv())
    }))
    .unwrap_err();
    assert_eq!(panic_message(err), BLOCKING_MSG);
}

#[test]
fn unbounded_many_producers_stress() {
    let (tx, mut rx) = mpsc::unbounded_channel();
    let hs: Vec<_> = (0..4u64)
        .map(|p| {
            let tx = tx.clone();
            thread::spawn(move || {
                for i in 0..5000u64 {
                    tx.send(p * 1_000_000 + i).unwrap();
                }
            })
        })
        .collect();
    drop(tx);
    let mut buf = Vec::new();
    let mut total = 0u64;
    let mut count = 0;
    loop {
        let n = rx.blocking_recv_many(&mut buf, 64);
        if n == 0 {
            break;
        }
        count += n;
        total += buf.drain(..).sum::<u64>();
        assert!(count <= 20_000);
    }
    assert_eq!(count, 20_000);
    let expected: u64 = (0..4u64)
        .map(|p| p * 1_000_000 * 5000 + 4999 * 5000 / 2)
        .sum();
    assert_eq!(total, expected);
    for h in hs {
        h.join().unwrap();
    }
}

#[test]
fn per_sender_order_across_blocks_with_try_recv() {
    // Many blocks' worth of messages from racing senders; the receiver
    // polls with `try_recv` only, so it often meets slots still being
    // written. Every sender's messages arrive in order, none twice.
    let (tx, mut rx) = mpsc::channel::<(usize, usize)>(100);
    let hs: Vec<_> = (0..3usize)
        .map(|p| {
            let tx = tx.clone();
            thread::spawn(move || {
                for i in 0..3000usize {
                    tx.blocking_send((p, i)).unwrap();
                }
            })
        })
        .collect();
    drop(tx);
    let mut next = [0usize; 3];
    let mut received = 0;
    let mut idle_polls = 0u64;
    loop {
        match rx.try_recv() {
            Ok((p, i)) => {
                assert_eq!(next[p], i, "sender {p} out of order");
                next[p] += 1;
                received += 1;
            }
            Err(TryRecvError::Empty) => {
                idle_polls += 1;
                assert!(idle_polls < 500_000_000, "receiver starved");
                thread::yield_now();
            }
            Err(TryRecvError::Disconnected) => break,
        }
    }
    assert_eq!(received, 9000);
    assert_eq!(next, [3000; 3]);
    for h in hs {
        h.join().unwrap();
    }
}

#[test]
fn unread_messages_across_blocks_are_dropped_once() {
    let v = Arc::new(());
    let (tx, mut rx) = mpsc::unbounded_channel();
    for _ in 0..200 {
        tx.send(v.clone()).unwrap();
    }
    // Read some (freeing the first blocks), leave the rest.
    for _ in 0..70 {
        drop(rx.try_recv().unwrap());
    }
    assert_eq!(rx.len(), 130);
    assert_eq!(Arc::strong_count(&v), 131);
    drop(rx);
    assert_eq!(Arc::strong_count(&v), 1);

    // Sent through a permit after the receiver is gone: dropped with the
    // channel.
    let (tx, rx) = mpsc::channel(2);
    let permit = tx.try_reserve().unwrap();
    drop(rx);
    permit.send(v.clone());
    assert_eq!(Arc::strong_count(&v), 2);
    drop(tx);
    assert_eq!(Arc::strong_count(&v), 1);
}

#[test]
fn len_counts_across_blocks() {
    let (tx, mut rx) = mpsc::unbounded_channel();
    for i in 0..100 {
        tx.send(i).unwrap();
    }
    assert_eq!(rx.len(), 100);
    for i in 0..100 {
        assert_eq!(rx.try_recv(), Ok(i));
        assert_eq!(rx.len(), 99 - i);
    }
    assert!(rx.is_empty());
}

#[test]
fn handles_are_send_and_sync_for_send_messages() {
    fn send_sync<X: Send + Sync>() {}
    // `Cell` is `Send` but not `Sync`: the handles only need `T: Send`.
    type M = std::cell::Cell<u8>;
    send_sync::<mpsc::Sender<M>>();
    send_sync::<mpsc::Receiver<M>>();
    send_sync::<mpsc::UnboundedSender<M>>();
    send_sync::<mpsc::UnboundedReceiver<M>>();
    send_sync::<mpsc::WeakSender<M>>();
    send_sync::<mpsc::OwnedPermit<M>>();
}
