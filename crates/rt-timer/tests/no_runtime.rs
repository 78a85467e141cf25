//! Timers with no rt runtime current run on the global timer thread and
//! work under any executor.

use std::time::Duration;

use rt_timer::{interval, sleep, timeout, Instant};

fn ms(n: u64) -> Duration {
    Duration::from_millis(n)
}

#[test]
fn sleep_timeout_and_interval_under_futures_block_on() {
    futures::executor::block_on(async {
        let start = Instant::now();
        sleep(ms(20)).await;
        assert!(start.elapsed() >= ms(20));

        assert_eq!(timeout(ms(1000), async { 1 }).await, Ok(1));
        let start = Instant::now();
        assert!(timeout(ms(10), std::future::pending::<()>()).await.is_err());
        assert!(start.elapsed() >= ms(10));

        let start = Instant::now();
        let mut i = interval(ms(5));
        for _ in 0..4 {
            i.tick().await;
        }
        assert!(start.elapsed() >= ms(15));
    });
}

#[test]
fn many_threads_share_the_global_timer() {
    let threads: Vec<_> = (0..4)
        .map(|t| {
            std::thread::spawn(move || {
                futures::executor::block_on(async move {
                    let sleeps = (0..50).map(|i| async move {
                        let d = ms((i * 3 + t) % 15);
                        let deadline = Instant::now() + d;
                        sleep(d).await;
                        assert!(Instant::now() >= deadline);
                    });
                    futures::future::join_all(sleeps).await;
                })
            })
        })
        .collect();
    for t in threads {
        t.join().unwrap();
    }
}

#[test]
fn huge_durations_do_not_panic() {
    futures::executor::block_on(async {
        let s = sleep(Duration::MAX);
        assert!(s.deadline() > Instant::now() + Duration::from_secs(86_400 * 365 * 29));
        let _ = Instant::now() + Duration::MAX;
        assert_eq!(timeout(Duration::MAX, async { 2 }).await, Ok(2));
    });
}
