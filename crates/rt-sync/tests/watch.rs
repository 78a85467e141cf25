//! `watch`: versions, `changed`, `borrow_and_update`, `has_changed`,
//! `mark_changed`/`mark_unchanged`, `wait_for`, closing.
#![cfg(not(rt_loom))]
mod support;

use std::pin::pin;
use std::thread;

use rt_sync::watch;
use support::*;

#[test]
fn initial_value_is_seen() {
    let (_tx, rx) = watch::channel(1);
    assert!(!rx.has_changed().unwrap());
    assert!(!rx.borrow().has_changed());
    assert_eq!(*rx.borrow(), 1);
}

#[test]
fn send_marks_changed_and_borrow_and_update_marks_seen() {
    let (tx, mut rx) = watch::channel(1);
    tx.send(2).unwrap();
    assert!(rx.has_changed().unwrap());
    {
        let r = rx.borrow();
        assert!(r.has_changed());
        assert_eq!(*r, 2);
    }
    // `borrow` did not mark it seen.
    assert!(rx.has_changed().unwrap());
    {
        let r = rx.borrow_and_update();
        assert!(r.has_changed());
    }
    assert!(!rx.has_changed().unwrap());
    assert!(!rx.borrow_and_update().has_changed());
}

#[test]
fn changed_returns_at_once_for_unseen_value_and_waits_otherwise() {
    let (tx, mut rx) = watch::channel(0);
    tx.send(1).unwrap();
    assert!(assert_ready(pin!(rx.changed())).is_ok());
    let (w, c) = counting_waker();
    {
        let mut ch = pin!(rx.changed());
        assert!(poll_with(ch.as_mut(), &w).is_pending());
        tx.send(2).unwrap();
        assert_eq!(c.wakes(), 1);
        assert!(assert_ready(ch.as_mut()).is_ok());
    }
    assert_eq!(*rx.borrow(), 2);
    assert!(!rx.has_changed().unwrap());
}

#[test]
fn closed_channel_reports_unseen_value_first() {
    let (tx, mut rx) = watch::channel(0);
    tx.send(1).unwrap();
    drop(tx);
    // has_changed errs once closed, whatever the version.
    assert!(rx.has_changed().is_err());
    // changed: the unseen value first, then the error.
    assert!(assert_ready(pin!(rx.changed())).is_ok());
    assert!(assert_ready(pin!(rx.changed())).is_err());
    assert_eq!(*rx.borrow(), 1);
}

#[test]
fn changed_is_woken_by_last_sender_drop() {
    let (tx, mut rx) = watch::channel(0);
    let tx2 = tx.clone();
    assert_eq!(tx.sender_count(), 2);
    let (w, c) = counting_waker();
    let mut ch = pin!(rx.changed());
    assert!(poll_with(ch.as_mut(), &w).is_pending());
    drop(tx);
    assert_eq!(c.wakes(), 0);
    drop(tx2);
    assert_eq!(c.wakes(), 1);
    assert!(assert_ready(ch.as_mut()).is_err());
}

#[test]
fn mark_changed_and_unchanged() {
    let (tx, mut rx) = watch::channel(0);
    rx.mark_changed();
    assert!(rx.has_changed().unwrap());
    assert!(assert_ready(pin!(rx.changed())).is_ok());
    tx.send(1).unwrap();
    rx.mark_unchanged();
    assert!(!rx.has_changed().unwrap());
    assert_pending(pin!(rx.changed()));
}

#[test]
fn send_fails_without_receivers_but_send_replace_works() {
    let (tx, rx) = watch::channel(0);
    drop(rx);
    assert!(tx.is_closed());
    assert_eq!(tx.send(5).unwrap_err().0, 5);
    assert_eq!(*tx.borrow(), 0, "a failed send stores nothing");
    assert_eq!(tx.send_replace(6), 0);
    let rx = tx.subscribe();
    assert_eq!(*rx.borrow(), 6);
    assert!(!rx.has_changed().unwrap(), "subscribe marks the value seen");
}

#[test]
fn send_modify_and_send_if_modified() {
    let (tx, mut rx) = watch::channel(vec![1]);
    tx.send_modify(|v| v.push(2));
    assert!(rx.has_changed().unwrap());
    rx.mark_unchanged();
    assert!(!tx.send_if_modified(|_| false));
    assert!(!rx.has_changed().unwrap());
    assert!(tx.send_if_modified(|v| {
        v.push(3);
        true
    }));
    assert_eq!(*rx.borrow_and_update(), [1, 2, 3]);
}

#[test]
fn wait_for_checks_current_then_changes() {
    let (tx, mut rx) = watch::channel(0);
    {
        let r = assert_ready(pin!(rx.wait_for(|v| *v == 0))).unwrap();
        assert_eq!(*r, 0);
    }
    let (w, c) = counting_waker();
    {
        let mut f = pin!(rx.wait_for(|v| *v >= 2));
        assert!(poll_with(f.as_mut(), &w).is_pending());
        tx.send(1).unwrap();
        assert_eq!(c.wakes(), 1);
        assert!(poll_with(f.as_mut(), &w).is_pending());
        tx.send(2).unwrap();
        let r = assert_ready(f.as_mut()).unwrap();
        assert_eq!(*r, 2);
    }
    // The value that is seen at close time is still checked once.
    tx.send(7).unwrap();
    drop(tx);
    assert_eq!(*assert_ready(pin!(rx.wait_for(|v| *v == 7))).unwrap(), 7);
    assert!(assert_ready(pin!(rx.wait_for(|v| *v == 8))).is_err());
}

#[test]
fn sender_closed_waits_for_all_receivers() {
    let (tx, rx) = watch::channel(());
    let rx2 = rx.clone();
    assert_eq!(tx.receiver_count(), 2);
    assert!(rx.same_channel(&rx2));
    let (w, c) = counting_waker();
    let mut closed = pin!(tx.closed());
    assert!(poll_with(closed.as_mut(), &w).is_pending());
    drop(rx);
    assert!(poll_with(closed.as_mut(), &w).is_pending());
    drop(rx2);
    assert!(c.wakes() >= 1);
    assert_ready(closed.as_mut());
}

#[test]
fn sender_new_and_default() {
    let tx = watch::Sender::new(3);
    assert_eq!(tx.receiver_count(), 0);
    let rx = tx.subscribe();
    tx.send(4).unwrap();
    assert_eq!(*rx.borrow(), 4);
    let d: watch::Sender<u8> = Default::default();
    assert_eq!(*d.borrow(), 0);
}

#[test]
fn many_receivers_see_the_last_value_across_threads() {
    let (tx, rx) = watch::channel(0u32);
    let hs: Vec<_> = (0..3)
        .map(|_| {
            let mut rx = rx.clone();
            thread::spawn(move || {
                futures::executor::block_on(async {
                    let mut last = 0;
                    while rx.changed().await.is_ok() {
                        let v = *rx.borrow_and_update();
                        assert!(v >= last, "values go forward");
                        last = v;
                    }
                    // Closed: the final value was seen.
                    assert_eq!(last, 1000);
                });
            })
        })
        .collect();
    drop(rx);
    for i in 1..=1000 {
        tx.send(i).unwrap();
    }
    drop(tx);
    for h in hs {
        h.join().unwrap();
    }
}
