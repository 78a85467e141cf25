//! rt-sync primitives on the rt runtime: budget, blocking_* inside the
//! runtime, and cross-task use.
#![cfg(all(feature = "sync", feature = "rt", feature = "macros"))]

use std::sync::Arc;

use rt::sync::{mpsc, oneshot, Mutex, Notify, Semaphore};

#[rt::test(flavor = "current_thread")]
async fn draining_a_hot_channel_yields() {
    let (tx, mut rx) = mpsc::unbounded_channel::<u32>();
    for i in 0..10_000 {
        tx.send(i).unwrap();
    }
    // Another task must get to run while we drain 10,000 ready messages.
    let flag = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let f2 = flag.clone();
    let other = rt::spawn(async move { f2.store(true, std::sync::atomic::Ordering::SeqCst) });
    let mut seen_flag_mid_drain = false;
    for i in 0..10_000 {
        assert_eq!(rx.recv().await, Some(i));
        if i < 9_999 && flag.load(std::sync::atomic::Ordering::SeqCst) {
            seen_flag_mid_drain = true;
        }
    }
    other.await.unwrap();
    assert!(
        seen_flag_mid_drain,
        "the receiver never yielded to other tasks"
    );
}

#[test]
fn blocking_recv_inside_runtime_panics() {
    let rt = rt::runtime::Builder::new_current_thread().build().unwrap();
    let (_tx, mut rx) = mpsc::channel::<u8>(1);
    let r = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        rt.block_on(async { rx.blocking_recv() })
    }));
    let err = r.unwrap_err();
    let msg = err
        .downcast_ref::<String>()
        .cloned()
        .or_else(|| err.downcast_ref::<&str>().map(|s| s.to_string()))
        .unwrap();
    assert!(
        msg.contains("Cannot block the current thread from within a runtime"),
        "{msg}"
    );
}

#[rt::test(flavor = "current_thread")]
async fn ping_pong_over_oneshots_and_locks() {
    let m = Arc::new(Mutex::new(0u64));
    let sem = Arc::new(Semaphore::new(2));
    let notify = Arc::new(Notify::new());
    let mut hs = Vec::new();
    for _ in 0..50 {
        let (m, sem) = (m.clone(), sem.clone());
        hs.push(rt::spawn(async move {
            let _p = sem.acquire().await.unwrap();
            let (tx, rx) = oneshot::channel();
            rt::spawn(async move { tx.send(1u64).unwrap() });
            *m.lock().await += rx.await.unwrap();
        }));
    }
    for h in hs {
        h.await.unwrap();
    }
    assert_eq!(*m.lock().await, 50);
    let n2 = notify.clone();
    let waiter = rt::spawn(async move { n2.notified().await });
    rt::task::yield_now().await;
    notify.notify_one();
    waiter.await.unwrap();
}
