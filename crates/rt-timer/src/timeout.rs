//! `timeout`, `timeout_at` and `Timeout`.

use std::fmt;
use std::future::{Future, IntoFuture};
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use crate::error::Elapsed;
use crate::handle::Handle;
use crate::sleep::Sleep;
use crate::Instant;

/// Requires a `Future` to complete before `duration` has elapsed.
///
/// If the future completes first, its output is returned in `Ok`; otherwise
/// `Err(Elapsed)` is returned and the future is dropped with the `Timeout`.
/// The future is always polled before the timer, so a future that is ready
/// at once completes even with a zero duration, and then no timer is ever
/// registered. A `duration` too large to represent waits about 30 years.
///
/// # Panics
///
/// If an rt runtime is current but was built without time.
///
/// # Examples
///
/// ```
/// use std::time::Duration;
///
/// # futures::executor::block_on(async {
/// let res = rt_timer::timeout(Duration::from_millis(10), async { 7 }).await;
/// assert_eq!(res, Ok(7));
/// let res = rt_timer::timeout(Duration::from_millis(1), std::future::pending::<()>()).await;
/// assert!(res.is_err());
/// # });
/// ```
#[track_caller]
pub fn timeout<F>(duration: Duration, future: F) -> Timeout<F::IntoFuture>
where
    F: IntoFuture,
{
    let handle = Handle::current();
    let deadline = match handle.now().checked_add(duration) {
        Some(deadline) => deadline,
        None => Instant::far_future(),
    };
    Timeout::new_with_delay(future.into_future(), Sleep::new_in(handle, deadline))
}

/// Requires a `Future` to complete before `deadline`.
///
/// # Panics
///
/// As [`timeout`].
///
/// # Examples
///
/// ```
/// use rt_timer::Instant;
/// use std::time::Duration;
///
/// # futures::executor::block_on(async {
/// let deadline = Instant::now() + Duration::from_millis(1);
/// assert!(rt_timer::timeout_at(deadline, std::future::pending::<()>()).await.is_err());
/// # });
/// ```
#[track_caller]
pub fn timeout_at<F>(deadline: Instant, future: F) -> Timeout<F::IntoFuture>
where
    F: IntoFuture,
{
    Timeout::new_with_delay(
        future.into_future(),
        Sleep::new_in(Handle::current(), deadline),
    )
}

/// Future returned by [`timeout`] and [`timeout_at`].
#[must_use = "futures do nothing unless you `.await` or poll them"]
pub struct Timeout<T> {
    value: T,
    delay: Sleep,
}

impl<T> Timeout<T> {
    pub(crate) fn new_with_delay(value: T, delay: Sleep) -> Timeout<T> {
        Timeout { value, delay }
    }

    /// Gets a reference to the underlying value in this timeout.
    pub fn get_ref(&self) -> &T {
        &self.value
    }

    /// Gets a mutable reference to the underlying value in this timeout.
    pub fn get_mut(&mut self) -> &mut T {
        &mut self.value
    }

    /// Consumes this timeout, returning the underlying value.
    pub fn into_inner(self) -> T {
        self.value
    }
}

impl<T: Future> Future for Timeout<T> {
    type Output = Result<T::Output, Elapsed>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        // SAFETY: structural pinning of both fields: neither is ever moved
        // out of a pinned `Timeout` (`into_inner`/`get_mut` need it unpinned).
        let this = unsafe { self.get_unchecked_mut() };
        // SAFETY: as above.
        let value = unsafe { Pin::new_unchecked(&mut this.value) };
        // SAFETY: as above.
        let mut delay = unsafe { Pin::new_unchecked(&mut this.delay) };

        let had_budget_before = rt_task::coop::has_budget_remaining();
        if let Poll::Ready(v) = value.poll(cx) {
            return Poll::Ready(Ok(v));
        }
        let has_budget_now = rt_task::coop::has_budget_remaining();

        // `Sleep::poll` consumes a unit of coop budget when it completes.
        let mut poll_delay = || match delay.as_mut().poll(cx) {
            Poll::Ready(()) => Poll::Ready(Err(Elapsed::new())),
            Poll::Pending => Poll::Pending,
        };
        if had_budget_before && !has_budget_now {
            // The inner future spent the last of the budget: still let the
            // deadline be noticed, or a busy future would never time out.
            rt_task::coop::with_unconstrained(poll_delay)
        } else {
            poll_delay()
        }
    }
}

impl<T: fmt::Debug> fmt::Debug for Timeout<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Timeout")
            .field("value", &self.value)
            .field("delay", &self.delay)
            .finish()
    }
}
