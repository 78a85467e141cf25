//! `RwLock`: shared/exclusive access, write preference, downgrade, maps.
#![cfg(not(rt_loom))]
mod support;

use std::pin::pin;
use std::sync::Arc;
use std::thread;

use rt_sync::{
    OwnedRwLockReadGuard, OwnedRwLockWriteGuard, RwLock, RwLockReadGuard, RwLockWriteGuard,
};
use support::*;

#[test]
fn many_readers_one_writer() {
    let l = RwLock::new(5);
    let r1 = l.try_read().unwrap();
    let r2 = assert_ready(pin!(l.read()));
    assert_eq!(*r1 + *r2, 10);
    assert!(l.try_write().is_err());
    drop((r1, r2));
    let mut w = l.try_write().unwrap();
    *w = 6;
    assert!(l.try_read().is_err());
    assert_eq!(format!("{:?}", l), "RwLock { data: <locked> }");
    drop(w);
    assert_eq!(format!("{:?}", l), "RwLock { data: 6 }");
}

#[test]
fn write_preferring_queued_writer_blocks_new_readers() {
    let l = RwLock::new(0);
    let r = l.try_read().unwrap();
    let mut w = pin!(l.write());
    assert_pending(w.as_mut());
    // A reader arriving after the queued writer must wait.
    let mut r2 = pin!(l.read());
    assert_pending(r2.as_mut());
    assert!(l.try_read().is_err());
    drop(r);
    let wg = assert_ready(w.as_mut());
    assert_pending(r2.as_mut());
    drop(wg);
    drop(assert_ready(r2.as_mut()));
}

#[test]
fn cancelled_writer_releases_collected_read_permits() {
    let l = RwLock::new(0);
    let r = l.try_read().unwrap();
    let mut w = Box::pin(l.write());
    assert_pending(w.as_mut()); // holds all but one read permit
    let (wk, c) = counting_waker();
    let mut r2 = pin!(l.read());
    assert!(poll_with(r2.as_mut(), &wk).is_pending());
    drop(w);
    assert_eq!(c.wakes(), 1);
    let g = assert_ready(r2.as_mut());
    drop((g, r));
    assert!(l.try_write().is_ok());
}

#[test]
fn with_max_readers_limits_readers() {
    let l = RwLock::with_max_readers(0, 2);
    let a = l.try_read().unwrap();
    let b = l.try_read().unwrap();
    assert!(l.try_read().is_err());
    drop(a);
    let c = l.try_read().unwrap();
    drop((b, c));
    let w = l.try_write().unwrap();
    drop(w);
}

#[test]
#[should_panic(expected = "a RwLock may not be created with more than")]
fn with_max_readers_too_many_panics() {
    let _ = RwLock::with_max_readers((), (u32::MAX >> 3) + 1);
}

#[test]
#[should_panic(expected = "`max_reads` of a RwLock must be at least 1")]
fn with_max_readers_zero_panics() {
    let _ = RwLock::with_max_readers((), 0);
}

#[test]
fn downgrade_keeps_out_writers_and_admits_readers() {
    let l = RwLock::new(1);
    let mut w = l.try_write().unwrap();
    *w = 2;
    let r = w.downgrade();
    assert_eq!(*r, 2);
    assert!(l.try_write().is_err());
    let r2 = l.try_read().unwrap();
    drop((r, r2));
    assert!(l.try_write().is_ok());
}

#[test]
fn downgrade_with_queued_writer_wakes_nobody_wrongly() {
    let l = RwLock::new(1);
    let w = l.try_write().unwrap();
    let mut w2 = pin!(l.write());
    assert_pending(w2.as_mut());
    let r = w.downgrade();
    // The queued writer still waits for our read permit.
    assert_pending(w2.as_mut());
    drop(r);
    drop(assert_ready(w2.as_mut()));
}

#[test]
fn guard_maps() {
    let l = RwLock::new((1, vec![1, 2]));
    {
        let r = RwLockReadGuard::map(l.try_read().unwrap(), |v| &v.1);
        assert_eq!(*r, [1, 2]);
        let r = RwLockReadGuard::try_map(r, |v| v.first()).ok().unwrap();
        assert_eq!(*r, 1);
    }
    {
        let w = l.try_write().unwrap();
        let w = match RwLockWriteGuard::try_map(w, |_| None::<&mut u8>) {
            Ok(_) => panic!("None"),
            Err(w) => w,
        };
        let mut m = RwLockWriteGuard::map(w, |v| &mut v.1);
        m.push(3);
        assert!(l.try_read().is_err());
    }
    {
        let w = l.try_write().unwrap();
        let r = RwLockWriteGuard::downgrade_map(w, |v| &v.0);
        assert_eq!(*r, 1);
        let r2 = l.try_read().unwrap();
        assert_eq!(r2.1, [1, 2, 3]);
    }
    {
        let w = l.try_write().unwrap();
        let mut m = RwLockWriteGuard::into_mapped(w);
        m.0 = 9;
    }
    {
        let w = l.try_write().unwrap();
        let r = RwLockWriteGuard::try_downgrade_map(w, |v| v.1.get(2))
            .ok()
            .unwrap();
        assert_eq!(*r, 3);
    }
    assert_eq!(l.into_inner().0, 9);
}

#[test]
fn owned_guards() {
    let l = Arc::new(RwLock::new(vec![1]));
    let w = l.clone().try_write_owned().unwrap();
    assert!(Arc::ptr_eq(OwnedRwLockWriteGuard::rwlock(&w), &l));
    let mut m = OwnedRwLockWriteGuard::map(w, |v| &mut v[0]);
    *m = 2;
    drop(m);
    let w = assert_ready(pin!(l.clone().write_owned()));
    let r = w.downgrade();
    let r = OwnedRwLockReadGuard::map(r, |v| &v[0]);
    assert_eq!(*r, 2);
    let r2 = assert_ready(pin!(l.clone().read_owned()));
    assert_eq!(r2.len(), 1);
    drop((r, r2));
    let w = l.clone().try_write_owned().unwrap();
    let r = OwnedRwLockWriteGuard::downgrade_map(w, |v| &v[0]);
    assert!(l.clone().try_write_owned().is_err());
    drop(r);
    let h = {
        let l = l.clone();
        thread::spawn(move || l.blocking_write().push(3))
    };
    h.join().unwrap();
    assert_eq!(*l.blocking_read(), [2, 3]);
}

#[test]
fn blocking_read_panics_inside_runtime() {
    let l = RwLock::new(());
    let err = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        in_runtime(|| drop(l.blocking_read()));
    }))
    .unwrap_err();
    assert_eq!(panic_message(err), BLOCKING_MSG);
}

#[test]
fn readers_and_writers_across_threads() {
    let l = Arc::new(RwLock::new((0u64, 0u64)));
    let hs: Vec<_> = (0..4)
        .map(|i| {
            let l = l.clone();
            thread::spawn(move || {
                for _ in 0..500 {
                    if i % 2 == 0 {
                        let mut w = futures::executor::block_on(l.write());
                        w.0 += 1;
                        w.1 += 1;
                    } else {
                        let r = futures::executor::block_on(l.read());
                        assert_eq!(r.0, r.1, "a reader saw a half-done write");
                    }
                }
            })
        })
        .collect();
    for h in hs {
        h.join().unwrap();
    }
    assert_eq!(l.blocking_read().0, 1000);
}

#[test]
fn const_new_in_static() {
    static L: RwLock<u8> = RwLock::const_new(1);
    static L2: RwLock<u8> = RwLock::const_with_max_readers(1, 1);
    assert_eq!(*L.try_read().unwrap(), 1);
    let r = L2.try_read().unwrap();
    assert!(L2.try_read().is_err());
    drop(r);
}
