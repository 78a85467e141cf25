//! Loom models of `Notify`: `notify_one` racing `notified`, forwarding on
//! cancel, and `notify_waiters`.
#![cfg(rt_loom)]

mod loom_support;

use loom::sync::Arc;
use loom::thread;
use loom_support::*;
use rt_sync::Notify;

#[test]
fn notify_one_vs_notified() {
    loom::model(|| {
        let notify = Arc::new(Notify::new());
        let n = notify.clone();
        let t = thread::spawn(move || n.notify_one());
        block_on(notify.notified());
        t.join().unwrap();
    });
}

#[test]
fn cancelled_waiter_forwards_notification() {
    loom::model(|| {
        // `notified_owned` takes a std `Arc` (it is public API).
        let notify = std::sync::Arc::new(Notify::new());
        // Registered first, so `notify_one` picks it before the drop...
        let mut doomed = Box::pin(notify.clone().notified_owned());
        assert!(!doomed.as_mut().enable());
        let canceller = thread::spawn(move || drop(doomed));
        let n = notify.clone();
        let notifier = thread::spawn(move || n.notify_one());
        // ...and the drop must forward it to us.
        block_on(notify.notified());
        canceller.join().unwrap();
        notifier.join().unwrap();
    });
}

#[test]
fn notify_last_vs_cancel() {
    loom::model(|| {
        let notify = std::sync::Arc::new(Notify::new());
        let mut doomed = Box::pin(notify.clone().notified_owned());
        assert!(!doomed.as_mut().enable());
        let mut waiter = Box::pin(notify.clone().notified_owned());
        assert!(!waiter.as_mut().enable());
        let canceller = thread::spawn(move || drop(doomed));
        let n = notify.clone();
        let notifier = thread::spawn(move || n.notify_last());
        block_on(waiter);
        canceller.join().unwrap();
        notifier.join().unwrap();
    });
}

#[test]
fn notify_waiters_reaches_created_futures() {
    loom::model(|| {
        // `notified_owned` takes a std `Arc` (it is public API).
        let notify = std::sync::Arc::new(Notify::new());
        let fut = notify.clone().notified_owned();
        let n = notify.clone();
        let t = thread::spawn(move || n.notify_waiters());
        // Created before the call: completes whether or not it was polled
        // before `notify_waiters` ran.
        block_on(fut);
        t.join().unwrap();
    });
}
