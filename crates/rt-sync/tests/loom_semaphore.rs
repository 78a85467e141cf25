//! Loom models of the semaphore (and the locks built on it): acquire and
//! release, partial batch acquires, close, cancellation hand-off, RwLock.
#![cfg(rt_loom)]

mod loom_support;

use loom::sync::Arc;
use loom::thread;
use loom_support::*;
use rt_sync::{RwLock, Semaphore};

#[test]
fn acquire_release() {
    loom::model(|| {
        let s = Arc::new(Semaphore::new(1));
        let s2 = s.clone();
        let t = thread::spawn(move || {
            let p = block_on(s2.acquire()).unwrap();
            drop(p);
        });
        let p = block_on(s.acquire()).unwrap();
        drop(p);
        t.join().unwrap();
        assert_eq!(s.available_permits(), 1);
    });
}

#[test]
fn batch_acquire_with_partial_assignment() {
    loom::model(|| {
        let s = Arc::new(Semaphore::new(1));
        let s2 = s.clone();
        let t = thread::spawn(move || s2.add_permits(1));
        let p = block_on(s.acquire_many(2)).unwrap();
        assert_eq!(p.num_permits(), 2);
        drop(p);
        t.join().unwrap();
        assert_eq!(s.available_permits(), 2);
    });
}

#[test]
fn close_fails_waiter() {
    loom::model(|| {
        let s = Arc::new(Semaphore::new(0));
        let s2 = s.clone();
        let t = thread::spawn(move || s2.close());
        assert!(block_on(s.acquire()).is_err());
        t.join().unwrap();
    });
}

#[test]
fn cancelled_waiter_hands_permit_on() {
    loom::model(|| {
        // `acquire_owned` takes a std `Arc` (it is public API).
        let s = std::sync::Arc::new(Semaphore::new(0));
        // Queued first, so a released permit goes to it before the drop...
        let mut doomed = Box::pin(s.clone().acquire_owned());
        assert!(poll_once(doomed.as_mut()).is_pending());
        let canceller = thread::spawn(move || drop(doomed));
        let s2 = s.clone();
        let releaser = thread::spawn(move || s2.add_permits(1));
        // ...and must then be handed on to us.
        let p = block_on(s.acquire()).unwrap();
        drop(p);
        canceller.join().unwrap();
        releaser.join().unwrap();
        assert_eq!(s.available_permits(), 1);
    });
}

#[test]
fn cancelled_partial_batch_hands_permits_on() {
    loom::model(|| {
        let s = std::sync::Arc::new(Semaphore::new(1));
        // Takes the one permit and waits for a second.
        let mut doomed = Box::pin(s.clone().acquire_many_owned(2));
        assert!(poll_once(doomed.as_mut()).is_pending());
        let canceller = thread::spawn(move || drop(doomed));
        let s2 = s.clone();
        let releaser = thread::spawn(move || s2.add_permits(1));
        let p = block_on(s.acquire_many(2)).unwrap();
        drop(p);
        canceller.join().unwrap();
        releaser.join().unwrap();
        assert_eq!(s.available_permits(), 2);
    });
}

#[test]
fn rwlock_writer_and_reader() {
    loom::model(|| {
        let l = Arc::new(RwLock::with_max_readers(0u32, 2));
        let l2 = l.clone();
        let writer = thread::spawn(move || {
            let mut w = block_on(l2.write());
            *w += 1;
        });
        let v = *block_on(l.read());
        assert!(v == 0 || v == 1);
        writer.join().unwrap();
        assert_eq!(*block_on(l.read()), 1);
    });
}

#[test]
fn rwlock_downgrade_vs_reader() {
    loom::model(|| {
        let l = Arc::new(RwLock::with_max_readers(0u32, 2));
        let l2 = l.clone();
        let t = thread::spawn(move || {
            let mut w = block_on(l2.write());
            *w = 1;
            let r = w.downgrade();
            assert_eq!(*r, 1);
        });
        let r = block_on(l.read());
        assert!(*r == 0 || *r == 1);
        drop(r);
        t.join().unwrap();
        assert!(l.try_write().is_ok());
    });
}
