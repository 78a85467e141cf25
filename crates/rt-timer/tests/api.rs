//! `Interval` and `Timeout` semantics, on a mock driver whose paused clock
//! the tests move by hand.

mod common;

use std::future::{poll_fn, Future};
use std::pin::pin;
use std::sync::atomic::Ordering;
use std::task::{Context, Poll};
use std::time::Duration;

use common::{count_waker, enter, mock_driver, Parked};
use rt_task::Park;
use rt_timer::error::Elapsed;
use rt_timer::{interval, interval_at, timeout, timeout_at, Handle, MissedTickBehavior};

fn ms(n: u64) -> Duration {
    Duration::from_millis(n)
}

/// Moves the paused clock and fires what is due.
fn advance(handle: &Handle, d: Duration) {
    handle.clock().advance(d);
    handle.process();
}

#[test]
fn interval_period_zero_panics_with_tokios_message() {
    let (_d, handle, _log) = mock_driver(false);
    let _g = enter(&handle);
    let err = std::panic::catch_unwind(|| interval(Duration::ZERO)).unwrap_err();
    assert_eq!(
        err.downcast_ref::<&str>().copied(),
        Some("`period` must be non-zero.")
    );
    let now = handle.now();
    assert!(std::panic::catch_unwind(|| interval_at(now, Duration::ZERO)).is_err());
}

#[test]
fn interval_first_tick_is_immediate_then_periodic() {
    let (_d, handle, _log) = mock_driver(false);
    let _g = enter(&handle);
    let (count, waker) = count_waker();
    let mut cx = Context::from_waker(&waker);
    let t0 = handle.now();
    let mut i = interval(ms(10));
    assert_eq!(i.period(), ms(10));
    assert_eq!(i.missed_tick_behavior(), MissedTickBehavior::Burst);
    assert_eq!(i.poll_tick(&mut cx), Poll::Ready(t0));
    assert_eq!(i.poll_tick(&mut cx), Poll::Pending);
    advance(&handle, ms(9));
    assert_eq!(i.poll_tick(&mut cx), Poll::Pending);
    advance(&handle, ms(1));
    assert_eq!(count.0.load(Ordering::SeqCst), 1);
    assert_eq!(i.poll_tick(&mut cx), Poll::Ready(t0 + ms(10)));
    advance(&handle, ms(10));
    assert_eq!(i.poll_tick(&mut cx), Poll::Ready(t0 + ms(20)));
}

/// Ticks at `t0`, then the task is 35 ms late for a 10 ms period.
fn late_ticks(behavior: MissedTickBehavior) -> Vec<u64> {
    let (_d, handle, _log) = mock_driver(false);
    let _g = enter(&handle);
    let (_count, waker) = count_waker();
    let mut cx = Context::from_waker(&waker);
    let t0 = handle.now();
    let mut i = interval(ms(10));
    i.set_missed_tick_behavior(behavior);
    assert_eq!(i.missed_tick_behavior(), behavior);
    assert_eq!(i.poll_tick(&mut cx), Poll::Ready(t0));
    advance(&handle, ms(35));
    let mut ticks = Vec::new();
    // Record the ticks returned from now until 60 ms, 1 ms at a time.
    for _ in 0..26 {
        while let Poll::Ready(t) = i.poll_tick(&mut cx) {
            ticks.push((t - t0).as_millis() as u64);
            assert!(ticks.len() < 100);
        }
        advance(&handle, ms(1));
    }
    ticks
}

#[test]
fn missed_ticks_burst() {
    assert_eq!(
        late_ticks(MissedTickBehavior::Burst),
        [10, 20, 30, 40, 50, 60]
    );
}

#[test]
fn missed_ticks_delay() {
    assert_eq!(late_ticks(MissedTickBehavior::Delay), [10, 45, 55]);
}

#[test]
fn missed_ticks_skip() {
    assert_eq!(late_ticks(MissedTickBehavior::Skip), [10, 40, 50, 60]);
}

#[test]
fn interval_resets() {
    let (_d, handle, _log) = mock_driver(false);
    let _g = enter(&handle);
    let (_count, waker) = count_waker();
    let mut cx = Context::from_waker(&waker);
    let t0 = handle.now();
    let mut i = interval_at(t0 + ms(100), ms(10));
    assert_eq!(i.poll_tick(&mut cx), Poll::Pending);
    i.reset_immediately();
    assert_eq!(i.poll_tick(&mut cx), Poll::Ready(t0));
    i.reset();
    assert_eq!(i.poll_tick(&mut cx), Poll::Pending);
    advance(&handle, ms(10));
    assert_eq!(i.poll_tick(&mut cx), Poll::Ready(t0 + ms(10)));
    i.reset_after(ms(3));
    advance(&handle, ms(3));
    assert_eq!(i.poll_tick(&mut cx), Poll::Ready(t0 + ms(13)));
    i.reset_at(t0 + ms(50));
    assert_eq!(i.poll_tick(&mut cx), Poll::Pending);
    advance(&handle, ms(37));
    assert_eq!(i.poll_tick(&mut cx), Poll::Ready(t0 + ms(50)));
    assert_eq!(i.poll_tick(&mut cx), Poll::Pending);
}

#[test]
fn an_interval_nobody_polls_causes_no_wakeups() {
    let (mut driver, handle, log) = mock_driver(false);
    let _g = enter(&handle);
    let (count, waker) = count_waker();
    let mut cx = Context::from_waker(&waker);
    let mut i = interval(ms(10));
    assert!(i.poll_tick(&mut cx).is_ready());
    // Not polled again: the next tick is not registered.
    driver.park().unwrap();
    assert_eq!(log.lock().unwrap().as_slice(), [Parked::Forever]);
    assert_eq!(count.0.load(Ordering::SeqCst), 0);
}

#[test]
fn timeout_around_a_ready_future_registers_nothing() {
    let (mut driver, handle, log) = mock_driver(false);
    let _g = enter(&handle);
    let (_count, waker) = count_waker();
    let mut cx = Context::from_waker(&waker);
    let mut t = pin!(timeout(Duration::ZERO, async { 5 }));
    assert_eq!(t.as_mut().poll(&mut cx), Poll::Ready(Ok(5)));
    driver.park().unwrap();
    assert_eq!(log.lock().unwrap().as_slice(), [Parked::Forever]);
}

#[test]
fn timeout_elapses() {
    let (_d, handle, _log) = mock_driver(false);
    let _g = enter(&handle);
    let (count, waker) = count_waker();
    let mut cx = Context::from_waker(&waker);
    let mut t = pin!(timeout(ms(20), std::future::pending::<()>()));
    assert_eq!(t.as_mut().poll(&mut cx), Poll::Pending);
    advance(&handle, ms(19));
    assert_eq!(t.as_mut().poll(&mut cx), Poll::Pending);
    advance(&handle, ms(1));
    assert_eq!(count.0.load(Ordering::SeqCst), 1);
    let res = t.as_mut().poll(&mut cx);
    assert!(matches!(res, Poll::Ready(Err(Elapsed { .. }))), "{res:?}");
}

#[test]
fn timeout_accessors() {
    let (_d, handle, _log) = mock_driver(false);
    let _g = enter(&handle);
    let mut t = timeout_at(handle.now() + ms(5), std::future::ready(3u8));
    assert_eq!(t.get_ref().clone().into_inner(), 3);
    *t.get_mut() = std::future::ready(4);
    assert_eq!(futures::executor::block_on(t.into_inner()), 4);
    let huge = timeout(Duration::MAX, std::future::ready(1));
    assert_eq!(futures::executor::block_on(huge), Ok(1));
}

#[test]
fn timeout_fires_even_when_the_inner_future_spends_the_budget() {
    let (_d, handle, _log) = mock_driver(false);
    let _g = enter(&handle);
    let (_count, waker) = count_waker();
    let mut cx = Context::from_waker(&waker);
    // A busy future: makes progress until the budget is gone, never ends.
    let busy = poll_fn(|cx| -> Poll<()> {
        for _ in 0..10_000 {
            match rt_task::coop::poll_proceed(cx) {
                Poll::Ready(r) => r.made_progress(),
                Poll::Pending => return Poll::Pending,
            }
        }
        Poll::Pending
    });
    let mut t = pin!(timeout(ms(1), busy));
    assert_eq!(
        rt_task::coop::budget(|| t.as_mut().poll(&mut cx)),
        Poll::Pending
    );
    advance(&handle, ms(1));
    assert!(matches!(
        rt_task::coop::budget(|| t.as_mut().poll(&mut cx)),
        Poll::Ready(Err(_))
    ));
}

#[test]
fn auto_traits_match_tokio() {
    fn send_sync<T: Send + Sync>() {}
    fn send<T: Send>() {}
    fn unpin<T: Unpin>() {}
    send_sync::<rt_timer::Sleep>();
    send_sync::<rt_timer::Timeout<std::future::Ready<()>>>();
    send_sync::<rt_timer::Interval>();
    send_sync::<Handle>();
    send_sync::<rt_timer::Instant>();
    send_sync::<rt_timer::Clock>();
    send_sync::<Elapsed>();
    send_sync::<rt_timer::error::Error>();
    send::<rt_timer::Driver<rt_task::ParkThread>>();
    send_sync::<rt_timer::TimerUnpark<rt_task::UnparkThread>>();
    unpin::<rt_timer::Interval>();
    unpin::<rt_timer::Instant>();
}
