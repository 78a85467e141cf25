//! Time through the facade: sleeps, timeouts and intervals on the
//! current-thread runtime, and paused time.
#![cfg(all(feature = "rt", feature = "time"))]

use std::time::Duration;

use rt::runtime::Builder;
use rt::time::{self, Instant};

#[test]
fn sleep_and_timeout_on_current_thread() {
    let rt = Builder::new_current_thread().enable_time().build().unwrap();
    rt.block_on(async {
        let start = Instant::now();
        time::sleep(Duration::from_millis(20)).await;
        assert!(start.elapsed() >= Duration::from_millis(20), "never early");

        let r = time::timeout(Duration::from_millis(10), std::future::pending::<()>()).await;
        assert!(r.is_err());
        let r = time::timeout(Duration::from_secs(10), async { 5 }).await;
        assert_eq!(r.unwrap(), 5);

        // Many concurrent sleeps from spawned tasks.
        let mut hs = Vec::new();
        for i in 0..100u64 {
            hs.push(rt::spawn(async move {
                time::sleep(Duration::from_millis(i % 10)).await;
                i
            }));
        }
        let mut sum = 0;
        for h in hs {
            sum += h.await.unwrap();
        }
        assert_eq!(sum, 4950);
    });
}

#[test]
fn timers_disabled_panics_with_advice() {
    let rt = Builder::new_current_thread().build().unwrap();
    let err = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        rt.block_on(async { time::sleep(Duration::from_millis(1)).await })
    }))
    .unwrap_err();
    let msg = err
        .downcast_ref::<String>()
        .cloned()
        .or_else(|| err.downcast_ref::<&str>().map(|s| s.to_string()))
        .unwrap();
    assert!(msg.contains("enable_time"), "{msg}");
}

#[cfg(feature = "test-util")]
#[test]
fn paused_time_sleeps_an_hour_instantly() {
    let rt = Builder::new_current_thread()
        .enable_time()
        .start_paused(true)
        .build()
        .unwrap();
    let wall = std::time::Instant::now();
    rt.block_on(async {
        let start = Instant::now();
        time::sleep(Duration::from_secs(3600)).await;
        // Exactly the requested duration: no extra millisecond.
        assert_eq!(start.elapsed(), Duration::from_secs(3600));
        let mut iv = time::interval(Duration::from_secs(60));
        for _ in 0..10 {
            iv.tick().await;
        }
        assert_eq!(start.elapsed(), Duration::from_secs(3600 + 9 * 60));
    });
    assert!(wall.elapsed() < Duration::from_secs(5));
}

#[cfg(feature = "test-util")]
#[test]
fn blocking_task_inhibits_auto_advance() {
    let rt = Builder::new_current_thread()
        .enable_time()
        .start_paused(true)
        .build()
        .unwrap();
    rt.block_on(async {
        let start = Instant::now();
        let blocking = rt::task::spawn_blocking(|| std::thread::sleep(Duration::from_millis(50)));
        // While the blocking task runs, the paused clock must not jump to
        // this timeout's deadline.
        let r = time::timeout(Duration::from_secs(1000), blocking).await;
        assert!(
            r.is_ok(),
            "auto-advance fired the timeout while a blocking task ran"
        );
        assert!(start.elapsed() < Duration::from_secs(1000));
    });
}
