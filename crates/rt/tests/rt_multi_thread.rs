//! The multi-thread flavor through the facade.
#![cfg(all(
    feature = "rt-multi-thread",
    feature = "macros",
    feature = "sync",
    feature = "time"
))]

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use rt::runtime::{Builder, Handle, Runtime, RuntimeFlavor};
use rt::sync::oneshot;

fn rt(workers: usize) -> Runtime {
    Builder::new_multi_thread()
        .worker_threads(workers)
        .enable_all()
        .build()
        .unwrap()
}

#[test]
fn runtime_new_is_multi_thread() {
    let rt = Runtime::new().unwrap();
    assert_eq!(rt.handle().runtime_flavor(), RuntimeFlavor::MultiThread);
    assert!(rt.metrics().num_workers() >= 1);
}

#[test]
fn many_tasks_across_workers() {
    let rt = rt(4);
    let n = Arc::new(AtomicUsize::new(0));
    let n2 = n.clone();
    rt.block_on(async move {
        let mut hs = Vec::new();
        for _ in 0..10_000 {
            let n = n2.clone();
            hs.push(rt::spawn(async move {
                rt::task::yield_now().await;
                n.fetch_add(1, Ordering::Relaxed);
            }));
        }
        for h in hs {
            h.await.unwrap();
        }
    });
    assert_eq!(n.load(Ordering::Relaxed), 10_000);
    assert_eq!(rt.metrics().num_alive_tasks(), 0);
    let polls: u64 = (0..4).map(|w| rt.metrics().worker_poll_count(w)).sum();
    assert!(polls >= 10_000, "polls counted: {polls}");
}

#[test]
fn oneshot_ping_pong_across_workers() {
    let rt = rt(2);
    rt.block_on(async {
        let mut hs = Vec::new();
        for _ in 0..100 {
            hs.push(rt::spawn(async {
                for _ in 0..100 {
                    let (tx, rx) = oneshot::channel();
                    let (tx2, rx2) = oneshot::channel();
                    rt::spawn(async move {
                        let v: u32 = rx.await.unwrap();
                        tx2.send(v + 1).unwrap();
                    });
                    tx.send(1).unwrap();
                    assert_eq!(rx2.await.unwrap(), 2);
                }
            }));
        }
        for h in hs {
            h.await.unwrap();
        }
    });
}

#[test]
fn block_in_place_keeps_other_tasks_running() {
    let rt = rt(1);
    rt.block_on(async {
        let (tx, rx) = std::sync::mpsc::channel();
        let other = rt::spawn(async move {
            tx.send(()).unwrap();
        });
        let h = rt::spawn(async move {
            rt::task::block_in_place(|| {
                rx.recv_timeout(Duration::from_secs(10))
                    .expect("the other task never ran while we blocked in place")
            });
            5
        });
        assert_eq!(h.await.unwrap(), 5);
        other.await.unwrap();
    });
}

#[test]
fn block_in_place_panics_on_current_thread() {
    let rt = Builder::new_current_thread().build().unwrap();
    let r = rt.block_on(async { rt::spawn(async { rt::task::block_in_place(|| ()) }).await });
    let e = r.unwrap_err();
    assert!(e.is_panic());
    let msg = e.into_panic();
    let msg = msg
        .downcast_ref::<String>()
        .cloned()
        .or_else(|| msg.downcast_ref::<&str>().map(|s| s.to_string()))
        .unwrap();
    assert!(msg.contains("multi-threaded runtime"), "{msg}");
}

#[test]
fn timers_and_io_on_multi_thread() {
    let rt = rt(2);
    rt.block_on(async {
        let start = rt::time::Instant::now();
        let mut hs = Vec::new();
        for i in 0..200u64 {
            hs.push(rt::spawn(async move {
                rt::time::sleep(Duration::from_millis(i % 20)).await;
            }));
        }
        for h in hs {
            h.await.unwrap();
        }
        assert!(start.elapsed() >= Duration::from_millis(19));
        let l = rt::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = l.local_addr().unwrap();
        let acc = rt::spawn(async move { l.accept().await.map(|_| ()) });
        let _c = rt::net::TcpStream::connect(addr).await.unwrap();
        acc.await.unwrap().unwrap();
    });
}

#[test]
fn handle_current_inside_workers_and_nested_block_on_panics() {
    let rt = rt(2);
    let id = rt.handle().id();
    rt.block_on(async move {
        let got = rt::spawn(async { Handle::current().id() }).await.unwrap();
        assert_eq!(got, id);
        let r = rt::spawn(async {
            let rt2 = Builder::new_current_thread().build().unwrap();
            rt2.block_on(async {});
        })
        .await;
        assert!(r.unwrap_err().is_panic());
    });
}

#[test]
fn shutdown_drops_tasks_and_joins_workers() {
    struct D(Arc<AtomicUsize>);
    impl Drop for D {
        fn drop(&mut self) {
            self.0.fetch_add(1, Ordering::SeqCst);
        }
    }
    let drops = Arc::new(AtomicUsize::new(0));
    let rt = rt(3);
    rt.block_on(async {
        for _ in 0..100 {
            let d = D(drops.clone());
            rt::spawn(async move {
                let _d = d;
                std::future::pending::<()>().await;
            });
        }
        rt::time::sleep(Duration::from_millis(10)).await;
    });
    drop(rt);
    assert_eq!(drops.load(Ordering::SeqCst), 100);
}

#[rt::test(flavor = "multi_thread", worker_threads = 2)]
async fn test_attribute_multi_thread() {
    assert_eq!(Handle::current().metrics().num_workers(), 2);
    assert_eq!(rt::spawn(async { 1 }).await.unwrap(), 1);
}

#[cfg(feature = "fs")]
#[test]
fn fs_round_trip_on_multi_thread() {
    let rt = rt(2);
    let dir = std::env::temp_dir().join(format!("rt-mt-fs-{}", std::process::id()));
    let d2 = dir.clone();
    rt.block_on(async move {
        rt::fs::create_dir_all(&d2).await.unwrap();
        let mut hs = Vec::new();
        for i in 0..50u32 {
            let p = d2.join(format!("f{i}"));
            hs.push(rt::spawn(async move {
                rt::fs::write(&p, i.to_le_bytes().repeat(100))
                    .await
                    .unwrap();
                let back = rt::fs::read(&p).await.unwrap();
                assert_eq!(back, i.to_le_bytes().repeat(100));
            }));
        }
        for h in hs {
            h.await.unwrap();
        }
        let mut rd = rt::fs::read_dir(&d2).await.unwrap();
        let mut n = 0;
        while rd.next_entry().await.unwrap().is_some() {
            n += 1;
        }
        assert_eq!(n, 50);
        rt::fs::remove_dir_all(&d2).await.unwrap();
    });
    assert!(!dir.exists());
}
