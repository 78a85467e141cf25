//! Signals raised with `libc::raise` reach every listener. Each test uses
//! its own signal number, so the tests of this binary can run in parallel.

mod support;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Barrier};
use std::time::Duration;

use rt_signal::unix::{signal, signal_with_handle, SignalKind};
use support::{bounded, flavors, raise, LONG};

/// Several listeners in one task and in spawned tasks all see one raise, on
/// both flavors; then a second raise is seen again by all.
#[test]
fn raise_reaches_every_listener() {
    for (name, rt) in flavors() {
        rt.block_on(async {
            let mut local: Vec<_> = (0..4)
                .map(|_| signal(SignalKind::user_defined1()).unwrap())
                .collect();
            let seen = Arc::new(AtomicUsize::new(0));
            let mut tasks = Vec::new();
            for _ in 0..4 {
                let mut sig = signal(SignalKind::user_defined1()).unwrap();
                let seen = seen.clone();
                tasks.push(rt::spawn(async move {
                    for _ in 0..2 {
                        bounded("spawned listener", sig.recv()).await.unwrap();
                        seen.fetch_add(1, Ordering::SeqCst);
                    }
                }));
            }
            for round in 1..=2 {
                raise(libc::SIGUSR1);
                for sig in &mut local {
                    assert_eq!(bounded("local listener", sig.recv()).await, Some(()));
                }
                // Spawned listeners catch up (bounded wait).
                let deadline = std::time::Instant::now() + LONG;
                while seen.load(Ordering::SeqCst) < 4 * round {
                    assert!(
                        std::time::Instant::now() < deadline,
                        "{name}: round {round}"
                    );
                    rt::time::sleep(Duration::from_millis(5)).await;
                }
            }
            for t in tasks {
                t.await.unwrap();
            }
        });
    }
}

/// With no rt runtime, listeners ride on the global reactor and work under
/// any executor, each on its own thread.
#[test]
fn listeners_work_under_other_executors() {
    const N: usize = 4;
    let registered = Arc::new(Barrier::new(N + 1));
    let threads: Vec<_> = (0..N)
        .map(|_| {
            let registered = registered.clone();
            std::thread::spawn(move || {
                let mut sig = signal(SignalKind::user_defined2()).unwrap();
                registered.wait();
                futures::executor::block_on(sig.recv())
            })
        })
        .collect();
    registered.wait();
    raise(libc::SIGUSR2);
    for t in threads {
        assert_eq!(t.join().unwrap(), Some(()));
    }
}

/// Listeners of two runtimes (each served by its own reactor) and one on
/// the global reactor all see the same delivery.
#[test]
fn listeners_in_several_runtimes() {
    let [(_, a), (_, b)]: [_; 2] = flavors().try_into().ok().unwrap();
    let mut sa = a.block_on(async { signal(SignalKind::hangup()).unwrap() });
    let mut sb = b.block_on(async { signal(SignalKind::hangup()).unwrap() });
    let mut sg = signal_with_handle(SignalKind::hangup(), &rt_reactor::Handle::global()).unwrap();
    raise(libc::SIGHUP);
    let tb = std::thread::spawn(move || b.block_on(async { bounded("b", sb.recv()).await }));
    assert_eq!(
        a.block_on(async { bounded("a", sa.recv()).await }),
        Some(())
    );
    assert_eq!(futures::executor::block_on(sg.recv()), Some(()));
    assert_eq!(tb.join().unwrap(), Some(()));
}

/// A listener created after a delivery was dispatched does not see it, but
/// sees the next one.
#[test]
fn later_listener_sees_only_later_deliveries() {
    for (_, rt) in flavors() {
        rt.block_on(async {
            let kind = SignalKind::window_change();
            let mut early = signal(kind).unwrap();
            raise(libc::SIGWINCH);
            bounded("early", early.recv()).await.unwrap();
            let mut late = signal(kind).unwrap();
            let r = rt::time::timeout(Duration::from_millis(100), late.recv()).await;
            assert!(r.is_err(), "a late listener saw an earlier delivery");
            raise(libc::SIGWINCH);
            assert_eq!(bounded("late", late.recv()).await, Some(()));
            assert_eq!(bounded("early again", early.recv()).await, Some(()));
        });
    }
}

/// Deliveries that arrive before a listener looks are coalesced: at least
/// one notification, never more than the number of deliveries.
#[test]
fn bursts_coalesce() {
    let rt = rt::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        let mut sig = signal(SignalKind::alarm()).unwrap();
        for _ in 0..3 {
            raise(libc::SIGALRM);
        }
        bounded("first", sig.recv()).await.unwrap();
        let mut extra = 0;
        while rt::time::timeout(Duration::from_millis(100), sig.recv())
            .await
            .is_ok()
        {
            extra += 1;
            assert!(extra < 3, "more notifications than deliveries");
        }
    });
}

/// Once the runtime that serves a listener shuts down, `recv` reports
/// `None` instead of hanging, and new listeners in a fresh runtime work.
#[test]
fn recv_is_none_after_the_runtime_shuts_down() {
    let kind = SignalKind::from_raw(libc::SIGRTMIN() + 1);
    let rt = rt::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let mut sig = rt.block_on(async { signal(kind).unwrap() });
    drop(rt);
    assert_eq!(futures::executor::block_on(sig.recv()), None);
    assert_eq!(futures::executor::block_on(sig.recv()), None);

    for (_, rt) in flavors() {
        rt.block_on(async {
            let mut sig = signal(kind).unwrap();
            raise(kind.as_raw_value());
            assert_eq!(bounded("fresh", sig.recv()).await, Some(()));
        });
    }
}

/// `poll_recv` works with a manual waker (the listener is not tied to rt
/// tasks).
#[test]
fn poll_recv_with_a_manual_waker() {
    let kind = SignalKind::from_raw(libc::SIGRTMIN() + 2);
    let mut sig = signal(kind).unwrap();
    let waker = futures::task::noop_waker();
    let mut cx = std::task::Context::from_waker(&waker);
    assert!(sig.poll_recv(&mut cx).is_pending());
    raise(kind.as_raw_value());
    // The global reactor thread dispatches; poll until it has (bounded).
    let deadline = std::time::Instant::now() + LONG;
    loop {
        if sig.poll_recv(&mut cx).is_ready() {
            break;
        }
        assert!(std::time::Instant::now() < deadline, "never delivered");
        std::thread::sleep(Duration::from_millis(2));
    }
}

/// `Signal` and the futures are `Send + Sync` / `Send`, as Tokio's.
#[test]
fn auto_traits() {
    fn send_sync<T: Send + Sync>() {}
    fn send<T: Send>(_: &T) {}
    send_sync::<rt_signal::unix::Signal>();
    send_sync::<SignalKind>();
    send(&rt_signal::ctrl_c());
    let mut sig = signal(SignalKind::from_raw(libc::SIGRTMIN() + 3)).unwrap();
    send(&sig.recv());
}
