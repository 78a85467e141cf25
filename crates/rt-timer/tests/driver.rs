//! The driver over a mock `Park` with an injected clock, and over
//! `ParkThread` with the system clock.

mod common;

use std::future::Future;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::pin::pin;
use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

use common::{block_on, count_waker, enter, mock_driver, Parked};
use rt_task::{Park, ParkThread, Unpark};
use rt_timer::{sleep, sleep_until, Builder, Clock, Instant};

fn ms(n: u64) -> Duration {
    Duration::from_millis(n)
}

#[test]
fn park_sleeps_until_the_next_deadline_and_fires() {
    let (mut driver, handle, log) = mock_driver(false);
    let _g = enter(&handle);
    let t0 = handle.now();
    let (count, waker) = count_waker();
    let mut cx = Context::from_waker(&waker);
    let mut s = pin!(sleep(ms(100)));
    assert!(s.as_mut().poll(&mut cx).is_pending());

    driver.park().unwrap();
    assert_eq!(*log.lock().unwrap(), vec![Parked::Timeout(ms(100))]);
    assert_eq!(handle.now() - t0, ms(100));
    assert_eq!(count.0.load(Ordering::SeqCst), 1);
    assert!(s.is_elapsed());
    assert!(s.as_mut().poll(&mut cx).is_ready());
}

#[test]
fn park_without_timers_blocks_or_uses_the_limit() {
    let (mut driver, _handle, log) = mock_driver(false);
    driver.park().unwrap();
    driver.park_timeout(ms(5)).unwrap();
    driver.park_timeout(Duration::ZERO).unwrap();
    assert_eq!(
        *log.lock().unwrap(),
        vec![
            Parked::Forever,
            Parked::Timeout(ms(5)),
            Parked::Timeout(Duration::ZERO)
        ]
    );
}

#[test]
fn park_timeout_takes_the_minimum() {
    let (mut driver, handle, log) = mock_driver(false);
    let _g = enter(&handle);
    let (count, waker) = count_waker();
    let mut cx = Context::from_waker(&waker);
    let mut s = pin!(sleep(ms(100)));
    assert!(s.as_mut().poll(&mut cx).is_pending());

    driver.park_timeout(ms(30)).unwrap();
    assert_eq!(count.0.load(Ordering::SeqCst), 0);
    driver.park_timeout(ms(500)).unwrap();
    assert_eq!(count.0.load(Ordering::SeqCst), 1);
    assert_eq!(
        *log.lock().unwrap(),
        vec![Parked::Timeout(ms(30)), Parked::Timeout(ms(70))]
    );
}

#[test]
fn many_timers_fire_in_deadline_order() {
    let (mut driver, handle, _log) = mock_driver(false);
    let _g = enter(&handle);
    let (count, waker) = count_waker();
    let mut cx = Context::from_waker(&waker);
    let delays = [5u64, 70, 4_100, 300_000, 3, 70, 86_400_000];
    let mut sleeps: Vec<_> = delays.iter().map(|&d| Box::pin(sleep(ms(d)))).collect();
    for s in &mut sleeps {
        assert!(s.as_mut().poll(&mut cx).is_pending());
    }
    let mut sorted = delays.to_vec();
    sorted.sort_unstable();
    sorted.dedup();
    let t0 = handle.now();
    let mut fired_at = Vec::new();
    for _ in 0..100 {
        if sleeps.iter().all(|s| s.is_elapsed()) {
            break;
        }
        let before = count.0.load(Ordering::SeqCst);
        driver.park().unwrap();
        if count.0.load(Ordering::SeqCst) > before {
            fired_at.push((handle.now() - t0).as_millis() as u64);
        }
        for s in &sleeps {
            // Never early: an elapsed sleep's deadline has passed.
            assert!(!s.is_elapsed() || s.deadline() <= handle.now());
        }
    }
    assert_eq!(fired_at, sorted);
    assert_eq!(count.0.load(Ordering::SeqCst), delays.len());
}

#[test]
fn auto_advance_jumps_to_the_deadline() {
    let (mut driver, handle, log) = mock_driver(true);
    let _g = enter(&handle);
    let t0 = handle.now();
    let real = std::time::Instant::now();
    block_on(&mut driver, 10, sleep(Duration::from_secs(3600)));
    assert_eq!(handle.now() - t0, Duration::from_secs(3600));
    assert!(real.elapsed() < Duration::from_secs(60));
    // It only polled the inner driver.
    assert!(log
        .lock()
        .unwrap()
        .iter()
        .all(|p| *p == Parked::Timeout(Duration::ZERO)));
}

#[test]
fn an_unpark_prevents_one_auto_advance() {
    let (mut driver, handle, _log) = mock_driver(true);
    let _g = enter(&handle);
    let t0 = handle.now();
    let (_count, waker) = count_waker();
    let mut cx = Context::from_waker(&waker);
    let mut s = pin!(sleep(ms(10)));
    assert!(s.as_mut().poll(&mut cx).is_pending());
    driver.unpark().unpark();
    driver.park().unwrap();
    assert_eq!(
        handle.now(),
        t0,
        "time moved although a wake-up was pending"
    );
    driver.park().unwrap();
    assert_eq!(handle.now() - t0, ms(10));
    assert!(s.is_elapsed());
}

#[test]
fn inhibited_auto_advance_parks_for_real() {
    let (mut driver, handle, log) = mock_driver(true);
    let _g = enter(&handle);
    handle.inhibit_auto_advance();
    let (_count, waker) = count_waker();
    let mut cx = Context::from_waker(&waker);
    let mut s = pin!(sleep(ms(10)));
    assert!(s.as_mut().poll(&mut cx).is_pending());
    let t0 = handle.now();
    driver.park().unwrap();
    assert_eq!(handle.now(), t0);
    assert_eq!(log.lock().unwrap().last(), Some(&Parked::Timeout(ms(10))));
    handle.allow_auto_advance();
    driver.park().unwrap(); // the unpark of `allow_auto_advance` is consumed
    driver.park().unwrap();
    assert!(s.is_elapsed());
}

#[test]
fn an_earlier_timer_unparks_the_driver() {
    let (mut driver, handle, _log) = mock_driver(false);
    let _g = enter(&handle);
    let unparked = driver.inner().unparked.clone();
    let (_count, waker) = count_waker();
    let mut cx = Context::from_waker(&waker);
    let mut a = pin!(sleep(ms(100)));
    assert!(a.as_mut().poll(&mut cx).is_pending());
    // The driver parks (and the mock advances the clock) until 100 ms.
    driver.park_timeout(ms(1)).unwrap();
    unparked.store(false, Ordering::SeqCst);

    let mut later = pin!(sleep(ms(500)));
    assert!(later.as_mut().poll(&mut cx).is_pending());
    assert!(!unparked.load(Ordering::SeqCst), "a later timer unparked");

    let mut earlier = pin!(sleep(ms(20)));
    assert!(earlier.as_mut().poll(&mut cx).is_pending());
    assert!(
        unparked.load(Ordering::SeqCst),
        "an earlier timer did not unpark"
    );
}

#[test]
fn dropping_and_resetting_pending_sleeps() {
    let (mut driver, handle, _log) = mock_driver(false);
    let _g = enter(&handle);
    let (count, waker) = count_waker();
    let mut cx = Context::from_waker(&waker);
    let t0 = handle.now();
    {
        let mut dropped = Box::pin(sleep(ms(10)));
        assert!(dropped.as_mut().poll(&mut cx).is_pending());
    }
    let mut s = pin!(sleep(ms(10)));
    assert!(s.as_mut().poll(&mut cx).is_pending());
    s.as_mut().reset(t0 + ms(50));
    assert_eq!(s.deadline(), t0 + ms(50));
    driver.park().unwrap();
    assert_eq!(
        handle.now() - t0,
        ms(50),
        "the dropped or old deadline woke the driver"
    );
    assert_eq!(count.0.load(Ordering::SeqCst), 1);
    assert!(s.as_mut().poll(&mut cx).is_ready());

    // Reset after completion re-arms; a past deadline completes at once and
    // wakes the stored waker.
    s.as_mut().reset(handle.now() + ms(5));
    assert!(!s.is_elapsed());
    assert!(s.as_mut().poll(&mut cx).is_pending());
    s.as_mut().reset(t0);
    assert!(s.is_elapsed());
    assert_eq!(count.0.load(Ordering::SeqCst), 2);
    assert!(s.as_mut().poll(&mut cx).is_ready());
}

#[test]
fn an_unpolled_sleep_registers_nothing() {
    let (mut driver, handle, log) = mock_driver(false);
    let _g = enter(&handle);
    let s = sleep(ms(10));
    assert!(!s.is_elapsed());
    driver.park().unwrap();
    assert_eq!(*log.lock().unwrap(), vec![Parked::Forever]);
    let s2 = sleep_until(handle.now() - ms(1));
    assert!(s2.is_elapsed());
    drop((s, s2));
}

#[test]
fn huge_deadlines_do_not_panic_and_do_not_fire_early() {
    let (mut driver, handle, _log) = mock_driver(false);
    let _g = enter(&handle);
    let (count, waker) = count_waker();
    let mut cx = Context::from_waker(&waker);
    let t0 = handle.now();
    let mut max = pin!(sleep(Duration::MAX));
    let mut far = pin!(sleep_until(Instant::now() + Duration::from_secs(u64::MAX)));
    // Beyond the wheel's ~2.1 years: filed at the end of its range.
    let three_years = Duration::from_secs(3 * 365 * 86_400);
    let mut beyond = pin!(sleep(three_years));
    assert!(max.as_mut().poll(&mut cx).is_pending());
    assert!(far.as_mut().poll(&mut cx).is_pending());
    assert!(beyond.as_mut().poll(&mut cx).is_pending());
    assert!(max.deadline() > t0 + Duration::from_secs(86_400 * 365 * 29));
    for _ in 0..100 {
        if beyond.is_elapsed() {
            break;
        }
        driver.park().unwrap();
        // The capped entry fires at the range's end: polling re-files it.
        let _ = beyond.as_mut().poll(&mut cx);
        assert!(!beyond.is_elapsed() || handle.now() >= t0 + three_years);
    }
    assert!(beyond.is_elapsed());
    assert_eq!(handle.now() - t0, three_years);
    assert!(!max.is_elapsed() && !far.is_elapsed());
    assert!(count.0.load(Ordering::SeqCst) >= 1);
}

#[test]
fn shutdown_fails_registered_sleeps() {
    let (mut driver, handle, _log) = mock_driver(false);
    let shutdown = driver.inner().shutdown.clone();
    let _g = enter(&handle);
    let (count, waker) = count_waker();
    let mut cx = Context::from_waker(&waker);
    let mut s = Box::pin(sleep(ms(10)));
    assert!(s.as_mut().poll(&mut cx).is_pending());
    driver.shutdown();
    assert!(shutdown.load(Ordering::SeqCst));
    assert!(handle.is_shutdown());
    assert_eq!(count.0.load(Ordering::SeqCst), 1);
    let err = catch_unwind(AssertUnwindSafe(|| s.as_mut().poll(&mut cx))).unwrap_err();
    let msg = err.downcast_ref::<String>().cloned().unwrap_or_default();
    assert!(msg.contains("being shutdown"), "{msg}");
    // New timers fail too.
    let mut t = Box::pin(sleep(ms(1)));
    assert!(catch_unwind(AssertUnwindSafe(|| t.as_mut().poll(&mut cx))).is_err());
}

#[test]
fn timers_disabled_panics_with_the_builder_hint() {
    let _g = rt_task::context::enter(rt_task::context::Handles {
        runtime: Some(Arc::new(())),
        ..Default::default()
    });
    let err = catch_unwind(|| sleep(ms(1))).unwrap_err();
    let msg = err.downcast_ref::<String>().cloned().unwrap_or_default();
    assert!(msg.contains("timers are disabled"), "{msg}");
    assert!(msg.contains("enable_time"), "{msg}");
}

#[test]
fn sleep_respects_the_coop_budget() {
    let (_driver, handle, _log) = mock_driver(false);
    let _g = enter(&handle);
    let (_count, waker) = count_waker();
    let mut cx = Context::from_waker(&waker);
    let mut s = pin!(sleep(Duration::ZERO));
    let readies = rt_task::coop::budget(|| {
        let mut n = 0;
        for _ in 0..1000 {
            match s.as_mut().poll(&mut cx) {
                Poll::Ready(()) => n += 1,
                Poll::Pending => break,
            }
        }
        n
    });
    assert_eq!(readies, usize::from(rt_task::coop::INITIAL_BUDGET));
}

#[test]
fn real_clock_over_park_thread_never_fires_early() {
    let (mut driver, handle) = Builder::new()
        .clock(Clock::system())
        .shards(1)
        .build(ParkThread::new());
    let _g = enter(&handle);
    for d in [0u64, 1, 3, 15] {
        let start = Instant::now();
        let deadline = start + ms(d);
        common::block_on(&mut driver, 10_000, sleep_until(deadline));
        assert!(Instant::now() >= deadline);
    }
}

#[test]
fn timers_from_many_threads_all_fire() {
    const THREADS: usize = 4;
    const PER_THREAD: usize = 200;
    let (mut driver, handle) = Builder::new().shards(THREADS).build(ParkThread::new());
    let stop = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let unpark = driver.unpark();
    let driver_thread = {
        let stop = stop.clone();
        std::thread::spawn(move || {
            // Bounded: the test stops it well before this many parks.
            for _ in 0..10_000_000 {
                if stop.load(Ordering::SeqCst) {
                    break;
                }
                driver.park_timeout(ms(50)).unwrap();
            }
        })
    };
    let workers: Vec<_> = (0..THREADS)
        .map(|t| {
            let handle = handle.clone();
            std::thread::spawn(move || {
                let _g = enter(&handle);
                futures::executor::block_on(async {
                    let mut sleeps = Vec::new();
                    for i in 0..PER_THREAD {
                        let d = ms(((i * 7 + t * 3) % 20) as u64);
                        sleeps.push(async move {
                            let deadline = Instant::now() + d;
                            sleep_until(deadline).await;
                            assert!(Instant::now() >= deadline);
                        });
                    }
                    futures::future::join_all(sleeps).await;
                    // Cancelled timers: registered, then dropped.
                    for i in 0..PER_THREAD {
                        let r = rt_timer::timeout(ms(1000 + i as u64), std::future::ready(i)).await;
                        assert_eq!(r, Ok(i));
                        let mut s = Box::pin(sleep(ms(1000)));
                        let _ = futures::poll!(s.as_mut());
                    }
                });
            })
        })
        .collect();
    for w in workers {
        w.join().unwrap();
    }
    stop.store(true, Ordering::SeqCst);
    unpark.unpark();
    driver_thread.join().unwrap();
}
