//! Controllable time through the `test-util` API (`pause`, `resume`,
//! `advance`, `Instant::now` reading the paused clock), on a driver over
//! `ParkThread` run like a current-thread runtime.
#![cfg(feature = "test-util")]

mod common;

use std::future::Future;
use std::panic::catch_unwind;
use std::pin::pin;
use std::task::Context;
use std::time::Duration;

use common::{block_on, count_waker, enter};
use rt_task::ParkThread;
use rt_timer::{advance, interval, pause, resume, sleep, Builder, Clock, Driver, Handle, Instant};

fn ms(n: u64) -> Duration {
    Duration::from_millis(n)
}

fn runtime(start_paused: bool) -> (Driver<ParkThread>, Handle) {
    Builder::new()
        .clock(Clock::new(true, start_paused))
        .shards(1)
        .build(ParkThread::new())
}

fn panic_message(f: impl FnOnce() + std::panic::UnwindSafe) -> String {
    let err = catch_unwind(f).unwrap_err();
    err.downcast_ref::<String>()
        .cloned()
        .or_else(|| err.downcast_ref::<&str>().map(|s| s.to_string()))
        .unwrap_or_default()
}

#[test]
fn an_hour_of_paused_time_takes_milliseconds() {
    let (mut driver, handle) = runtime(true);
    let _g = enter(&handle);
    let real = std::time::Instant::now();
    let start = Instant::now();
    block_on(&mut driver, 100, sleep(Duration::from_secs(3600)));
    assert_eq!(start.elapsed(), Duration::from_secs(3600));
    assert!(real.elapsed() < Duration::from_secs(30));
}

#[test]
fn paused_sleeps_add_no_extra_millisecond() {
    let (mut driver, handle) = runtime(false);
    let _g = enter(&handle);
    pause();
    let start = Instant::now();
    block_on(&mut driver, 100, async {
        for _ in 0..3 {
            sleep(ms(10)).await;
        }
        assert_eq!(start.elapsed(), ms(30));
        let mut i = interval(ms(250));
        for _ in 0..5 {
            i.tick().await;
        }
        assert_eq!(start.elapsed(), ms(30 + 1000));
    });
}

#[test]
fn advance_fires_due_timers() {
    let (mut driver, handle) = runtime(true);
    let _g = enter(&handle);
    block_on(&mut driver, 100, async {
        let start = Instant::now();
        let (count, waker) = count_waker();
        let mut s = pin!(sleep(ms(10)));
        assert!(s
            .as_mut()
            .poll(&mut Context::from_waker(&waker))
            .is_pending());
        advance(ms(9)).await;
        assert!(!s.is_elapsed());
        advance(ms(1)).await;
        assert!(s.is_elapsed());
        assert_eq!(count.0.load(std::sync::atomic::Ordering::SeqCst), 1);
        assert_eq!(start.elapsed(), ms(10));
    });
}

#[test]
fn resume_lets_time_run_again() {
    let (mut driver, handle) = runtime(true);
    let _g = enter(&handle);
    let t0 = Instant::now();
    assert_eq!(Instant::now(), t0);
    resume();
    block_on(&mut driver, 10_000, sleep(ms(5)));
    assert!(t0.elapsed() >= ms(5));
    pause();
    let t1 = Instant::now();
    assert_eq!(Instant::now(), t1);
}

#[test]
fn inhibited_auto_advance_waits_for_allow() {
    let (mut driver, handle) = runtime(true);
    let _g = enter(&handle);
    handle.inhibit_auto_advance();
    let h2 = handle.clone();
    let real = std::time::Instant::now();
    let t = std::thread::spawn(move || {
        std::thread::sleep(ms(50));
        h2.allow_auto_advance();
    });
    let start = Instant::now();
    block_on(&mut driver, 100_000, sleep(ms(10)));
    assert!(real.elapsed() >= ms(50), "auto-advanced while inhibited");
    assert_eq!(start.elapsed(), ms(10));
    t.join().unwrap();
}

#[test]
fn pause_outside_a_runtime_panics() {
    let msg = panic_message(pause);
    assert_eq!(msg, "time cannot be frozen from outside the rt runtime");
    let msg = panic_message(resume);
    assert_eq!(msg, "time cannot be frozen from outside the rt runtime");
}

#[test]
fn pause_on_a_multi_thread_runtime_panics() {
    let (_driver, handle) = Builder::new().build(ParkThread::new());
    let _g = enter(&handle);
    let msg = panic_message(pause);
    assert!(
        msg.contains("requires the `current_thread` rt runtime"),
        "{msg}"
    );
}

#[test]
fn pause_twice_and_advance_running_panic() {
    let (mut driver, handle) = runtime(true);
    let _g = enter(&handle);
    assert_eq!(panic_message(pause), "time is already frozen");
    resume();
    assert_eq!(panic_message(resume), "time is not frozen");
    let msg = panic_message(std::panic::AssertUnwindSafe(|| {
        block_on(&mut driver, 10, advance(ms(1)));
    }));
    assert_eq!(msg, "time is not frozen");
}
