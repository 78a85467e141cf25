//! `Notify`: permit semantics, FIFO/LIFO, notify_waiters, cancellation.
#![cfg(not(rt_loom))]
mod support;

use std::pin::pin;
use std::sync::Arc;
use std::thread;

use rt_sync::Notify;
use support::*;

#[test]
fn notify_one_stores_at_most_one_permit() {
    let notify = Notify::new();
    notify.notify_one();
    notify.notify_one();
    assert_ready(pin!(notify.notified()));
    // Only one permit was stored.
    assert_pending(pin!(notify.notified()));
}

#[test]
fn notify_one_wakes_oldest_waiter_once() {
    let notify = Notify::new();
    let (w1, c1) = counting_waker();
    let (w2, c2) = counting_waker();
    let mut a = pin!(notify.notified());
    let mut b = pin!(notify.notified());
    assert!(poll_with(a.as_mut(), &w1).is_pending());
    assert!(poll_with(b.as_mut(), &w2).is_pending());
    notify.notify_one();
    assert_eq!(
        (c1.wakes(), c2.wakes()),
        (1, 0),
        "exactly the oldest is woken"
    );
    assert!(poll_with(a.as_mut(), &w1).is_ready());
    assert!(poll_with(b.as_mut(), &w2).is_pending());
    // No permit was stored: the notification went to the waiter.
    assert_pending(pin!(notify.notified()));
    notify.notify_one();
    assert_eq!(c2.wakes(), 1);
    assert!(poll_with(b.as_mut(), &w2).is_ready());
}

#[test]
fn notify_last_wakes_newest_waiter() {
    let notify = Notify::new();
    let mut a = pin!(notify.notified());
    let mut b = pin!(notify.notified());
    assert!(!a.as_mut().enable());
    assert!(!b.as_mut().enable());
    notify.notify_last();
    assert_pending(a.as_mut());
    assert_ready(b.as_mut());
    notify.notify_last();
    assert_ready(a.as_mut());
}

#[test]
fn notify_last_without_waiter_stores_permit() {
    let notify = Notify::new();
    notify.notify_last();
    assert_ready(pin!(notify.notified()));
}

#[test]
fn notify_waiters_wakes_all_current_and_stores_no_permit() {
    let notify = Notify::new();
    let (w, c) = counting_waker();
    let mut a = pin!(notify.notified());
    let mut b = pin!(notify.notified());
    // Created before the call but never polled: also completes.
    let mut unpolled = pin!(notify.notified());
    assert!(poll_with(a.as_mut(), &w).is_pending());
    assert!(poll_with(b.as_mut(), &w).is_pending());
    notify.notify_waiters();
    assert_eq!(c.wakes(), 2);
    assert_ready(a.as_mut());
    assert_ready(b.as_mut());
    assert_ready(unpolled.as_mut());
    // Nothing stored for later futures.
    assert_pending(pin!(notify.notified()));
}

#[test]
fn notify_waiters_with_many_waiters_crosses_batches() {
    let notify = Notify::new();
    let (w, c) = counting_waker();
    let mut futs: Vec<_> = (0..100).map(|_| Box::pin(notify.notified())).collect();
    for f in &mut futs {
        assert!(poll_with(f.as_mut(), &w).is_pending());
    }
    notify.notify_waiters();
    assert_eq!(c.wakes(), 100);
    for f in &mut futs {
        assert_ready(f.as_mut());
    }
}

#[test]
fn notify_waiters_does_not_consume_or_create_permit() {
    let notify = Notify::new();
    notify.notify_one();
    notify.notify_waiters();
    // The stored permit survives `notify_waiters`.
    assert_ready(pin!(notify.notified()));
    assert_pending(pin!(notify.notified()));
}

#[test]
fn enable_consumes_permit_and_reports_ready() {
    let notify = Notify::new();
    notify.notify_one();
    let mut f = pin!(notify.notified());
    assert!(f.as_mut().enable());
    assert_ready(f.as_mut());

    let mut g = pin!(notify.notified());
    assert!(!g.as_mut().enable());
    notify.notify_one();
    assert!(g.as_mut().enable());
    assert_ready(g);
}

#[test]
fn unpolled_notified_does_not_receive_notify_one() {
    let notify = Notify::new();
    let mut f = pin!(notify.notified());
    notify.notify_one(); // stored as a permit: f is not registered
    let mut g = pin!(notify.notified());
    assert_ready(g.as_mut());
    assert_pending(f.as_mut());
}

#[test]
fn dropped_notified_forwards_notification_to_next_waiter() {
    let notify = Notify::new();
    let (w2, c2) = counting_waker();
    let mut a = Box::pin(notify.notified());
    let mut b = pin!(notify.notified());
    assert_pending(a.as_mut());
    assert!(poll_with(b.as_mut(), &w2).is_pending());
    notify.notify_one(); // goes to `a`
    drop(a); // never observed it: pass it on
    assert_eq!(c2.wakes(), 1);
    assert_ready(b.as_mut());
}

#[test]
fn dropped_notified_forwards_notification_as_permit() {
    let notify = Notify::new();
    let mut a = Box::pin(notify.notified());
    assert_pending(a.as_mut());
    notify.notify_one();
    drop(a);
    assert_ready(pin!(notify.notified()));
}

#[test]
fn dropped_waiting_notified_does_not_steal() {
    let notify = Notify::new();
    let mut a = Box::pin(notify.notified());
    assert_pending(a.as_mut());
    drop(a);
    notify.notify_one();
    assert_ready(pin!(notify.notified()));
}

#[test]
fn owned_notified_is_static() {
    let notify = Arc::new(Notify::new());
    let fut = notify.clone().notified_owned();
    let t = thread::spawn(move || futures::executor::block_on(fut));
    // The future may not be registered yet: notify_waiters reaches it
    // anyway since it was created before the call.
    notify.notify_waiters();
    t.join().unwrap();
}

#[test]
fn const_new_in_static() {
    static NOTIFY: Notify = Notify::const_new();
    NOTIFY.notify_one();
    assert_ready(pin!(NOTIFY.notified()));
}

#[test]
fn ping_pong_between_threads() {
    let a = Arc::new(Notify::new());
    let b = Arc::new(Notify::new());
    let (a2, b2) = (a.clone(), b.clone());
    let t = thread::spawn(move || {
        for _ in 0..1000 {
            futures::executor::block_on(a2.notified());
            b2.notify_one();
        }
    });
    for _ in 0..1000 {
        a.notify_one();
        futures::executor::block_on(b.notified());
    }
    t.join().unwrap();
}

#[test]
fn many_threads_notify_one_each_consumed_once() {
    // N waiters, N notify_one calls from other threads: everyone wakes.
    let notify = Arc::new(Notify::new());
    let mut waiters = Vec::new();
    for _ in 0..4 {
        let n = notify.clone();
        waiters.push(thread::spawn(move || {
            for _ in 0..250 {
                futures::executor::block_on(n.notified());
            }
        }));
    }
    let done = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let notifier = {
        let (n, done) = (notify.clone(), done.clone());
        thread::spawn(move || {
            // Bounded: at most a generous number of rounds.
            for _ in 0..10_000_000u64 {
                if done.load(std::sync::atomic::Ordering::SeqCst) {
                    return;
                }
                n.notify_one();
                thread::yield_now();
            }
            panic!("waiters did not finish");
        })
    };
    for w in waiters {
        w.join().unwrap();
    }
    done.store(true, std::sync::atomic::Ordering::SeqCst);
    notifier.join().unwrap();
}
