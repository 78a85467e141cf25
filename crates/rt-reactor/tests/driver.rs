//! The driver itself: parking, unparking, generations, shutdown.

use std::io::Write;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use rt_reactor::{Driver, Interest, PollEvented};
use rt_task::{Park, Unpark};

#[test]
fn park_timeout_zero_does_not_block() {
    let mut driver = Driver::new().unwrap();
    let start = Instant::now();
    for _ in 0..100 {
        driver.park_timeout(Duration::ZERO).unwrap();
    }
    assert!(start.elapsed() < Duration::from_secs(5));
}

#[test]
fn unpark_wakes_a_parked_driver() {
    let mut driver = Driver::new().unwrap();
    let unpark = driver.unpark();
    // An unpark before the park makes it return.
    unpark.unpark();
    driver.park().unwrap();
    // An unpark from another thread wakes a blocked park.
    let t = std::thread::spawn(move || {
        std::thread::sleep(Duration::from_millis(20));
        unpark.unpark();
    });
    let start = Instant::now();
    driver.park_timeout(Duration::from_secs(30)).unwrap();
    assert!(start.elapsed() < Duration::from_secs(25));
    t.join().unwrap();
}

/// An unpark while the driver is not parked is consumed by the next turn
/// (even a non-blocking one) and does not leave an eventfd write behind:
/// the turn after that blocks for its whole timeout.
#[test]
fn unpark_while_not_parked_is_consumed_once() {
    let mut driver = Driver::new().unwrap();
    let unpark = driver.unpark();
    for _ in 0..3 {
        unpark.unpark();
        unpark.unpark();
        // Pending notification: this blocking park returns at once.
        let start = Instant::now();
        driver.park_timeout(Duration::from_secs(30)).unwrap();
        assert!(start.elapsed() < Duration::from_secs(25));
        // Consumed: this one waits out its timeout (no stray eventfd
        // event makes it return early).
        let start = Instant::now();
        driver.park_timeout(Duration::from_millis(30)).unwrap();
        assert!(start.elapsed() >= Duration::from_millis(20));
    }
    unpark.unpark();
    driver.park_timeout(Duration::ZERO).unwrap();
    let start = Instant::now();
    driver.park_timeout(Duration::from_millis(30)).unwrap();
    assert!(start.elapsed() >= Duration::from_millis(20));
}

#[test]
fn timed_park_returns() {
    let mut driver = Driver::new().unwrap();
    let start = Instant::now();
    driver.park_timeout(Duration::from_millis(10)).unwrap();
    assert!(start.elapsed() >= Duration::from_millis(5));
}

/// Closes and reopens sockets in a loop while a driver thread delivers
/// events: a new socket (often in the same slab slot, often with the same
/// fd number) must never see readiness that belonged to the closed one.
#[test]
fn events_for_closed_fds_never_reach_reused_slots() {
    let mut driver = Driver::new().unwrap();
    let handle = driver.handle();
    let stop = Arc::new(AtomicBool::new(false));
    let stop2 = stop.clone();
    let unpark = driver.unpark();
    let t = std::thread::spawn(move || {
        while !stop2.load(Ordering::Acquire) {
            driver.park_timeout(Duration::from_millis(50)).unwrap();
        }
        driver
    });
    let mut reused = 0;
    let deadline = Instant::now() + Duration::from_secs(60);
    for i in 0..2000 {
        if Instant::now() > deadline {
            break;
        }
        let (a, mut a_peer) = mio::net::UnixStream::pair().unwrap();
        let a = PollEvented::new_with_interest_and_handle(a, Interest::READABLE, handle.clone())
            .unwrap();
        let old = a.registration().token();
        // An event for `a` is now in flight.
        a_peer.write_all(b"x").unwrap();
        if i % 2 == 0 {
            std::thread::yield_now();
        }
        drop(a);
        drop(a_peer);
        let (b, _b_peer) = mio::net::UnixStream::pair().unwrap();
        let b = PollEvented::new_with_interest_and_handle(b, Interest::READABLE, handle.clone())
            .unwrap();
        let new = b.registration().token();
        if new & 0xFF_FFFF == old & 0xFF_FFFF {
            reused += 1;
            assert_ne!(new, old, "a reused slot must get a new generation");
        }
        std::thread::yield_now();
        // Nobody ever writes to `b`'s peer: any readability is stale.
        let res = b.registration().try_io(Interest::READABLE, || Ok(()));
        assert_eq!(
            res.unwrap_err().kind(),
            std::io::ErrorKind::WouldBlock,
            "iteration {i}: a stale event reached the new socket"
        );
    }
    stop.store(true, Ordering::Release);
    unpark.unpark();
    let driver = t.join().unwrap();
    assert!(reused > 0, "the slab slots were never reused");
    assert_eq!(handle.num_registrations(), 0);
    drop(driver);
}

#[test]
fn dropping_the_driver_shuts_it_down() {
    let driver = Driver::new().unwrap();
    let handle = driver.handle();
    let (a, _b) = mio::net::UnixStream::pair().unwrap();
    let a =
        PollEvented::new_with_interest_and_handle(a, Interest::READABLE, handle.clone()).unwrap();
    drop(driver);
    assert!(handle.is_shutdown());
    let err =
        futures::executor::block_on(a.registration().readiness(Interest::READABLE)).unwrap_err();
    assert_eq!(err.to_string(), rt_reactor::SHUTDOWN_MSG);
    let err = a
        .registration()
        .try_io(Interest::READABLE, || Ok(()))
        .unwrap_err();
    assert_eq!(err.to_string(), rt_reactor::SHUTDOWN_MSG);
    // Shutting down twice is harmless, and so is dropping after shutdown.
    drop(a);
    assert_eq!(handle.num_registrations(), 0);
}

#[test]
fn shutdown_is_idempotent() {
    let mut driver = Driver::new().unwrap();
    driver.shutdown();
    driver.shutdown();
    assert!(driver.handle().is_shutdown());
}
