//! `Mutex`: FIFO locking, guards, owned/mapped guards, blocking, cancel.
#![cfg(not(rt_loom))]
mod support;

use std::pin::pin;
use std::sync::Arc;
use std::thread;

use rt_sync::{MappedMutexGuard, Mutex, MutexGuard, OwnedMutexGuard};
use support::*;

#[test]
fn lock_and_try_lock() {
    let m = Mutex::new(1);
    {
        let mut g = assert_ready(pin!(m.lock()));
        *g += 1;
        assert!(m.try_lock().is_err());
        assert_eq!(format!("{:?}", m), "Mutex { data: <locked> }");
    }
    assert_eq!(*m.try_lock().unwrap(), 2);
    assert_eq!(format!("{:?}", m), "Mutex { data: 2 }");
    let _held = m.try_lock().unwrap();
    assert_eq!(
        m.try_lock().unwrap_err().to_string(),
        "operation would block"
    );
}

#[test]
fn fifo_order_of_waiters() {
    let m = Mutex::new(Vec::new());
    let g = m.try_lock().unwrap();
    let mut a = pin!(async {
        m.lock().await.push('a');
    });
    let mut b = pin!(async {
        m.lock().await.push('b');
    });
    assert_pending(b.as_mut());
    assert_pending(a.as_mut());
    drop(g);
    // `a` was queued second and must wait for `b`.
    assert_pending(a.as_mut());
    assert_ready(b.as_mut());
    assert_ready(a.as_mut());
    assert_eq!(*m.try_lock().unwrap(), ['b', 'a']);
}

#[test]
fn unlock_wakes_exactly_one_waiter() {
    let m = Mutex::new(());
    let g = m.try_lock().unwrap();
    let (w1, c1) = counting_waker();
    let (w2, c2) = counting_waker();
    let mut a = pin!(m.lock());
    let mut b = pin!(m.lock());
    assert!(poll_with(a.as_mut(), &w1).is_pending());
    assert!(poll_with(b.as_mut(), &w2).is_pending());
    drop(g);
    assert_eq!((c1.wakes(), c2.wakes()), (1, 0));
}

#[test]
fn cancelled_lock_never_leaks_the_lock() {
    let m = Mutex::new(0);
    let g = m.try_lock().unwrap();
    let mut waiting = Box::pin(m.lock());
    assert_pending(waiting.as_mut());
    let (w, c) = counting_waker();
    let mut next = pin!(m.lock());
    assert!(poll_with(next.as_mut(), &w).is_pending());
    drop(g); // hands the lock to `waiting`
    assert_eq!(c.wakes(), 0);
    drop(waiting); // never observed it: passes it on
    assert_eq!(c.wakes(), 1);
    drop(assert_ready(next.as_mut()));
    assert!(m.try_lock().is_ok());
}

#[test]
fn map_and_try_map() {
    let m = Mutex::new((1, String::from("x")));
    {
        let g = m.try_lock().unwrap();
        let mut s = MutexGuard::map(g, |v| &mut v.1);
        s.push('y');
        assert!(m.try_lock().is_err());
        let mut n = MappedMutexGuard::map(s, |s| s);
        n.push('!');
        n.pop();
    }
    let g = m.try_lock().unwrap();
    assert!(std::ptr::eq(MutexGuard::mutex(&g), &m));
    let g = match MutexGuard::try_map(g, |_| None::<&mut u8>) {
        Ok(_) => panic!("closure returned None"),
        Err(g) => g,
    };
    let g = MutexGuard::try_map(g, |v| Some(&mut v.0)).ok().unwrap();
    assert_eq!(*g, 1);
    drop(g);
    assert_eq!(m.into_inner().1, "xy");
}

#[test]
fn owned_guards() {
    let m = Arc::new(Mutex::new(vec![1, 2, 3]));
    let g = m.clone().try_lock_owned().unwrap();
    assert!(Arc::ptr_eq(OwnedMutexGuard::mutex(&g), &m));
    let mut mapped = OwnedMutexGuard::map(g, |v| &mut v[1]);
    *mapped = 20;
    assert!(m.try_lock().is_err());
    let mut pending = pin!(m.clone().lock_owned());
    assert_pending(pending.as_mut());
    drop(mapped);
    let g = assert_ready(pending.as_mut());
    assert_eq!(*g, [1, 20, 3]);
    drop(g);
    let h = {
        let m = m.clone();
        thread::spawn(move || {
            let mut g = m.blocking_lock_owned();
            g.push(4);
        })
    };
    h.join().unwrap();
    assert_eq!(*m.blocking_lock(), [1, 20, 3, 4]);
}

#[test]
fn get_mut_default_from() {
    let mut m: Mutex<i32> = Mutex::default();
    *m.get_mut() = 7;
    assert_eq!(m.into_inner(), 7);
    let m = Mutex::from(3);
    assert_eq!(*m.blocking_lock(), 3);
}

#[test]
fn const_new_in_static() {
    static M: Mutex<u32> = Mutex::const_new(5);
    *M.blocking_lock() += 1;
    assert_eq!(*M.try_lock().unwrap(), 6);
}

#[test]
fn blocking_lock_panics_inside_runtime() {
    let m = Mutex::new(0);
    let err = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        in_runtime(|| drop(m.blocking_lock()));
    }))
    .unwrap_err();
    assert_eq!(panic_message(err), BLOCKING_MSG);
    // The mutex is unaffected.
    assert!(m.try_lock().is_ok());
}

#[test]
fn counter_across_threads() {
    let m = Arc::new(Mutex::new(0u64));
    let hs: Vec<_> = (0..4)
        .map(|i| {
            let m = m.clone();
            thread::spawn(move || {
                for _ in 0..1000 {
                    if i % 2 == 0 {
                        *m.blocking_lock() += 1;
                    } else {
                        *futures::executor::block_on(m.lock()) += 1;
                    }
                }
            })
        })
        .collect();
    for h in hs {
        h.join().unwrap();
    }
    assert_eq!(*m.blocking_lock(), 4000);
}

#[test]
fn guard_is_send_and_held_across_await() {
    fn assert_send<T: Send>(_: &T) {}
    let m = Mutex::new(1);
    let fut = async {
        let g = m.lock().await;
        futures::future::ready(()).await;
        *g
    };
    assert_send(&fut);
    assert_eq!(futures::executor::block_on(fut), 1);
}
