//! `oneshot`: send/receive, drops, close, `closed()`, blocking, cancel.
#![cfg(not(rt_loom))]
mod support;

use std::pin::pin;
use std::thread;

use rt_sync::oneshot::{self, error::TryRecvError};
use support::*;

#[test]
fn send_then_recv() {
    let (tx, rx) = oneshot::channel();
    assert!(!tx.is_closed());
    tx.send(5).unwrap();
    assert_eq!(futures::executor::block_on(rx), Ok(5));
}

#[test]
fn recv_pending_then_woken_by_send() {
    let (tx, rx) = oneshot::channel();
    let (w, c) = counting_waker();
    let mut rx = pin!(rx);
    assert!(poll_with(rx.as_mut(), &w).is_pending());
    assert!(!rx.is_terminated());
    assert!(rx.is_empty());
    tx.send("hi").unwrap();
    assert_eq!(c.wakes(), 1);
    assert!(!rx.is_empty());
    assert_eq!(assert_ready(rx.as_mut()), Ok("hi"));
    assert!(rx.is_terminated());
    assert!(rx.is_empty());
}

#[test]
fn dropped_sender_is_recv_error() {
    let (tx, rx) = oneshot::channel::<u8>();
    let (w, c) = counting_waker();
    let mut rx = pin!(rx);
    assert!(poll_with(rx.as_mut(), &w).is_pending());
    drop(tx);
    assert_eq!(c.wakes(), 1);
    let err = assert_ready(rx.as_mut()).unwrap_err();
    assert_eq!(err.to_string(), "channel closed");
}

#[test]
fn dropped_receiver_returns_value() {
    let (tx, rx) = oneshot::channel();
    drop(rx);
    assert!(tx.is_closed());
    assert_eq!(tx.send(3), Err(3));
}

#[test]
fn close_then_try_recv() {
    let (tx, mut rx) = oneshot::channel::<u8>();
    rx.close();
    assert!(tx.is_closed());
    assert_eq!(tx.send(1), Err(1));
    assert_eq!(rx.try_recv(), Err(TryRecvError::Closed));

    // A value sent before `close` can still be received.
    let (tx, mut rx) = oneshot::channel();
    tx.send(7).unwrap();
    rx.close();
    assert_eq!(rx.try_recv(), Ok(7));
    assert_eq!(rx.try_recv(), Err(TryRecvError::Closed));
}

#[test]
fn try_recv_states() {
    let (tx, mut rx) = oneshot::channel();
    assert_eq!(rx.try_recv(), Err(TryRecvError::Empty));
    tx.send(1).unwrap();
    assert_eq!(rx.try_recv(), Ok(1));
    assert_eq!(rx.try_recv(), Err(TryRecvError::Closed));
    let (tx, mut rx) = oneshot::channel::<u8>();
    drop(tx);
    assert_eq!(rx.try_recv(), Err(TryRecvError::Closed));
}

#[test]
fn sender_closed_future() {
    let (mut tx, rx) = oneshot::channel::<u8>();
    let (w, c) = counting_waker();
    {
        let mut closed = pin!(tx.closed());
        assert!(poll_with(closed.as_mut(), &w).is_pending());
        drop(rx);
        assert_eq!(c.wakes(), 1);
        assert_ready(closed.as_mut());
    }
    assert!(tx
        .poll_closed(&mut std::task::Context::from_waker(&w))
        .is_ready());
}

#[test]
#[should_panic(expected = "called after complete")]
fn poll_after_complete_panics() {
    let (tx, rx) = oneshot::channel();
    tx.send(1).unwrap();
    let mut rx = pin!(rx);
    assert_eq!(assert_ready(rx.as_mut()), Ok(1));
    let _ = poll_noop(rx.as_mut());
}

#[test]
fn unreceived_value_is_dropped_with_the_channel() {
    let v = std::sync::Arc::new(());
    let (tx, rx) = oneshot::channel();
    tx.send(v.clone()).unwrap();
    assert_eq!(std::sync::Arc::strong_count(&v), 2);
    drop(rx);
    assert_eq!(std::sync::Arc::strong_count(&v), 1);
}

#[test]
fn dropping_recv_poll_loses_nothing() {
    let (tx, mut rx) = oneshot::channel();
    // Poll through a short-lived future, then drop that future.
    {
        let fut = pin!(&mut rx);
        assert_pending(fut);
    }
    tx.send(9).unwrap();
    assert_eq!(futures::executor::block_on(rx), Ok(9));
}

#[test]
fn blocking_recv_from_thread() {
    let (tx, rx) = oneshot::channel();
    let h = thread::spawn(move || rx.blocking_recv());
    tx.send(String::from("x")).unwrap();
    assert_eq!(h.join().unwrap().unwrap(), "x");
}

#[test]
fn blocking_recv_panics_inside_runtime() {
    let (_tx, rx) = oneshot::channel::<()>();
    let err = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        in_runtime(move || rx.blocking_recv())
    }))
    .unwrap_err();
    assert_eq!(panic_message(err), BLOCKING_MSG);
}

#[test]
fn many_round_trips_across_threads() {
    for i in 0..2000 {
        let (tx, rx) = oneshot::channel();
        let h = thread::spawn(move || tx.send(i));
        assert_eq!(futures::executor::block_on(rx), Ok(i));
        h.join().unwrap().unwrap();
        if i > 200 {
            // Keep thread churn bounded on the shared machine.
            break;
        }
    }
}
