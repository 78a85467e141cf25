//! Helpers shared by the integration tests: a mock `Park` that records how
//! it was parked and moves a paused clock, a tiny single-future executor
//! over a timer driver, counting wakers, and context entry.
#![allow(dead_code)]

use std::future::Future;
use std::io;
use std::pin::pin;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll, Wake, Waker};
use std::time::Duration;

use rt_task::context::{self, EnterGuard, Handles};
use rt_task::{Park, Unpark};
use rt_timer::{Builder, Clock, Driver, Handle};

/// How the mock was parked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Parked {
    Forever,
    Timeout(Duration),
}

/// A `Park` that never blocks: it records each park, and a timed park
/// advances the (paused) clock by the whole timeout, as if it had slept
/// (even when an unpark is pending: the tests check the timeouts the driver
/// computes; `unparked` records unparks for the tests that check those).
pub struct MockPark {
    pub clock: Clock,
    pub log: Arc<Mutex<Vec<Parked>>>,
    pub unparked: Arc<AtomicBool>,
    pub shutdown: Arc<AtomicBool>,
    /// Whether a timed park moves the clock (false when the driver itself
    /// auto-advances).
    pub advance_on_timeout: bool,
}

#[derive(Clone)]
pub struct MockUnpark(Arc<AtomicBool>);

impl Unpark for MockUnpark {
    fn unpark(&self) {
        self.0.store(true, Ordering::SeqCst);
    }
}

impl MockPark {
    pub fn new(clock: Clock, advance_on_timeout: bool) -> MockPark {
        MockPark {
            clock,
            log: Arc::default(),
            unparked: Arc::default(),
            shutdown: Arc::default(),
            advance_on_timeout,
        }
    }
}

impl Park for MockPark {
    type Unpark = MockUnpark;

    fn unpark(&self) -> MockUnpark {
        MockUnpark(self.unparked.clone())
    }

    fn park(&mut self) -> io::Result<()> {
        self.unparked.store(false, Ordering::SeqCst);
        self.log.lock().unwrap().push(Parked::Forever);
        Ok(())
    }

    fn park_timeout(&mut self, d: Duration) -> io::Result<()> {
        self.unparked.store(false, Ordering::SeqCst);
        self.log.lock().unwrap().push(Parked::Timeout(d));
        if self.advance_on_timeout && self.clock.is_paused() {
            self.clock.advance(d);
        }
        Ok(())
    }

    fn shutdown(&mut self) {
        self.shutdown.store(true, Ordering::SeqCst);
    }
}

/// A driver over a mock park with a paused clock. With `auto_advance`
/// the driver jumps time itself; without, the mock advances the clock by
/// each timeout it is asked to sleep.
pub fn mock_driver(auto_advance: bool) -> (Driver<MockPark>, Handle, Arc<Mutex<Vec<Parked>>>) {
    let clock = Clock::new(true, true);
    if !auto_advance {
        clock.inhibit_auto_advance();
    }
    let park = MockPark::new(clock.clone(), !auto_advance);
    let log = park.log.clone();
    let (driver, handle) = Builder::new().clock(clock).shards(2).build(park);
    (driver, handle, log)
}

/// Makes `handle` the current time driver until the guard drops.
pub fn enter(handle: &Handle) -> EnterGuard {
    context::enter(
        Handles::default().with_driver(context::Driver::Time, handle.clone().into_context()),
    )
}

/// A waker that counts its wake-ups.
pub struct CountWaker(pub AtomicUsize);

impl Wake for CountWaker {
    fn wake(self: Arc<Self>) {
        self.0.fetch_add(1, Ordering::SeqCst);
    }
    fn wake_by_ref(self: &Arc<Self>) {
        self.0.fetch_add(1, Ordering::SeqCst);
    }
}

pub fn count_waker() -> (Arc<CountWaker>, Waker) {
    let c = Arc::new(CountWaker(AtomicUsize::new(0)));
    (c.clone(), Waker::from(c))
}

struct UnparkWaker<U>(U);

impl<U: Unpark> Wake for UnparkWaker<U> {
    fn wake(self: Arc<Self>) {
        self.0.unpark();
    }
    fn wake_by_ref(self: &Arc<Self>) {
        self.0.unpark();
    }
}

/// Runs `fut` to completion on this thread, parking `driver` whenever it
/// is pending (each poll gets a fresh coop budget, as a scheduler's would).
///
/// # Panics
///
/// If the future has not completed after `max_parks` parks.
pub fn block_on<P: Park, F: Future>(driver: &mut Driver<P>, max_parks: usize, fut: F) -> F::Output
where
    P::Unpark: 'static,
{
    let waker = Waker::from(Arc::new(UnparkWaker(driver.unpark())));
    let mut cx = Context::from_waker(&waker);
    let mut fut = pin!(fut);
    for _ in 0..max_parks {
        if let Poll::Ready(v) = rt_task::coop::budget(|| fut.as_mut().poll(&mut cx)) {
            return v;
        }
        driver.park().expect("park failed");
    }
    panic!("future still pending after {max_parks} parks");
}
