//! Loom models of `SetOnce`: `set` racing `wait` (no lost wake-up, the
//! value is published before it is read) and racing setters.
#![cfg(rt_loom)]

mod loom_support;

use loom::sync::Arc;
use loom::thread;
use loom_support::*;
use rt_sync::SetOnce;

#[test]
fn set_vs_wait() {
    loom::model(|| {
        let once = Arc::new(SetOnce::new());
        let o = once.clone();
        let t = thread::spawn(move || o.set(7).unwrap());
        assert_eq!(*block_on(once.wait()), 7);
        t.join().unwrap();
    });
}

#[test]
fn two_waiters_one_setter() {
    loom::model(|| {
        let once = Arc::new(SetOnce::new());
        let o = once.clone();
        let waiter = thread::spawn(move || *block_on(o.wait()));
        let o = once.clone();
        let setter = thread::spawn(move || o.set(1).unwrap());
        assert_eq!(*block_on(once.wait()), 1);
        assert_eq!(waiter.join().unwrap(), 1);
        setter.join().unwrap();
    });
}

#[test]
fn racing_setters() {
    loom::model(|| {
        let once = Arc::new(SetOnce::new());
        let o = once.clone();
        let t = thread::spawn(move || o.set(1).is_ok());
        let mine = once.set(2).is_ok();
        let theirs = t.join().unwrap();
        assert!(mine ^ theirs);
        let v = *once.get().unwrap();
        assert_eq!(v, if mine { 2 } else { 1 });
        let once = Arc::try_unwrap(once).ok().unwrap();
        assert_eq!(once.into_inner(), Some(v));
    });
}
