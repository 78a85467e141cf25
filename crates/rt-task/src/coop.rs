//! Cooperative scheduling: a per-poll budget of operations.
//!
//! A scheduler runs each task poll inside [`budget`], which gives the task
//! 128 units. Every resource operation that may return `Ready` (a channel
//! receive, a socket read, a `JoinHandle`) first calls [`poll_proceed`]; when
//! the budget is spent it wakes the task and returns `Pending`, so a task that
//! always finds work ready still yields to its peers. Outside a runtime the
//! budget is unconstrained and nothing ever yields.

use std::cell::Cell;
use std::future::Future;
use std::pin::Pin;
use std::task::{ready, Context, Poll};

use crate::context;

/// Units of budget a task gets for one poll (Tokio's value).
pub const INITIAL_BUDGET: u8 = 128;

/// The remaining budget: `None` means unconstrained.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Budget(Option<u8>);

impl Budget {
    /// The budget a task starts a poll with.
    pub const fn initial() -> Budget {
        Budget(Some(INITIAL_BUDGET))
    }

    /// No limit.
    pub const fn unconstrained() -> Budget {
        Budget(None)
    }

    /// Whether this budget is unlimited.
    pub fn is_unconstrained(self) -> bool {
        self.0.is_none()
    }

    fn decrement(&mut self) -> bool {
        match &mut self.0 {
            Some(0) => false,
            Some(n) => {
                *n -= 1;
                true
            }
            None => true,
        }
    }
}

struct ResetGuard(Option<Budget>);

impl Drop for ResetGuard {
    #[inline]
    fn drop(&mut self) {
        if let Some(b) = self.0 {
            context::set_budget(b);
        }
    }
}

/// Runs `f` with a fresh budget, restoring the previous one after.
#[inline]
pub fn budget<R>(f: impl FnOnce() -> R) -> R {
    with_budget(Budget::initial(), f)
}

/// Runs `f` with an unconstrained budget, restoring the previous one after.
#[inline]
pub fn with_unconstrained<R>(f: impl FnOnce() -> R) -> R {
    with_budget(Budget::unconstrained(), f)
}

#[inline]
fn with_budget<R>(b: Budget, f: impl FnOnce() -> R) -> R {
    let _guard = ResetGuard(context::set_budget(b));
    f()
}

/// Takes the current budget and leaves the thread unconstrained (used when a
/// worker leaves its thread in `block_in_place`).
pub fn stop() -> Budget {
    context::set_budget(Budget::unconstrained()).unwrap_or(Budget::unconstrained())
}

/// Restores a budget taken with [`stop`] (after `block_in_place` returns,
/// the rest of the poll runs with the budget it had before).
pub fn set(budget: Budget) {
    context::set_budget(budget);
}

/// Whether the current task has budget left (always true outside a task).
#[inline]
pub fn has_budget_remaining() -> bool {
    context::budget().is_none_or(|b| b.0 != Some(0))
}

/// Consumes one unit of budget. When none is left, wakes the task and
/// returns `Pending`. The returned guard gives the unit back on drop unless
/// [`RestoreOnPending::made_progress`] is called, so an operation that
/// ends up `Pending` costs nothing.
#[inline]
pub fn poll_proceed(cx: &mut Context<'_>) -> Poll<RestoreOnPending> {
    let Some(mut b) = context::budget() else {
        return Poll::Ready(RestoreOnPending(Cell::new(Budget::unconstrained())));
    };
    if b.is_unconstrained() {
        return Poll::Ready(RestoreOnPending(Cell::new(b)));
    }
    let prev = b;
    if b.decrement() {
        context::set_budget(b);
        Poll::Ready(RestoreOnPending(Cell::new(prev)))
    } else {
        if !context::self_wake(cx.waker()) {
            cx.waker().wake_by_ref();
        }
        Poll::Pending
    }
}

/// Restores the budget unit taken by [`poll_proceed`] unless the operation
/// made progress.
#[derive(Debug)]
pub struct RestoreOnPending(Cell<Budget>);

impl RestoreOnPending {
    /// The operation completed: keep the unit spent.
    pub fn made_progress(&self) {
        self.0.set(Budget::unconstrained());
    }
}

impl Drop for RestoreOnPending {
    fn drop(&mut self) {
        let b = self.0.get();
        if !b.is_unconstrained() {
            context::set_budget(b);
        }
    }
}

/// Consumes a unit of budget and returns control to the scheduler if the
/// task's budget is spent.
///
/// Use it in long computations that never await a resource that would
/// consume budget, so that they still yield now and then.
pub async fn consume_budget() {
    let mut done = false;
    std::future::poll_fn(move |cx| {
        if done {
            return Poll::Ready(());
        }
        let restore = ready!(poll_proceed(cx));
        restore.made_progress();
        done = true;
        Poll::Ready(())
    })
    .await
}

/// A future that runs its inner future with an unconstrained budget.
/// Returned by [`unconstrained`].
#[derive(Debug)]
#[must_use = "futures do nothing unless you `.await` or poll them"]
pub struct Unconstrained<F> {
    inner: F,
}

/// Turns off cooperative scheduling for a future: it will never be forced
/// to yield by the budget.
///
/// Use with care: an unconstrained task that always finds work ready can
/// starve the other tasks of its worker.
pub fn unconstrained<F: Future>(inner: F) -> Unconstrained<F> {
    Unconstrained { inner }
}

impl<F: Future> Future for Unconstrained<F> {
    type Output = F::Output;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<F::Output> {
        // SAFETY: structural pinning of the only field; it is never moved.
        let inner = unsafe { self.map_unchecked_mut(|s| &mut s.inner) };
        with_unconstrained(|| inner.poll(cx))
    }
}
