//! The future that wraps a blocking closure, and the (trivial) scheduler its
//! task cell carries.

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

use rt_task::{Notified, Schedule, Task};

/// A future that runs a closure to completion in its first poll.
///
/// The closure runs inside the task's poll, so rt-task's harness catches a
/// panic in it and delivers it through the `JoinHandle` as a panic
/// `JoinError`.
pub(crate) struct BlockingTask<F> {
    func: Option<F>,
}

impl<F> BlockingTask<F> {
    pub(crate) fn new(func: F) -> BlockingTask<F> {
        BlockingTask { func: Some(func) }
    }
}

// The closure is moved out by value before it is called and is never pinned,
// so the future may move freely whatever `F` is.
impl<F> Unpin for BlockingTask<F> {}

impl<F, R> Future for BlockingTask<F>
where
    F: FnOnce() -> R,
{
    type Output = R;

    fn poll(mut self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<R> {
        let func = self
            .func
            .take()
            .expect("a blocking task was polled after it completed");
        // A blocking closure may run for as long as it likes: it is not
        // subject to the cooperative budget (a pool thread has no budget, but
        // be explicit so that this holds wherever the task is run).
        Poll::Ready(rt_task::coop::with_unconstrained(func))
    }
}

/// The scheduler of a blocking task.
///
/// A blocking task is created with [`rt_task::unowned`]: its `UnownedTask`
/// holds the task's only notification and the pool runs it exactly once.
///
/// * [`Schedule::release`] returns `None`: the task is on no owned list.
/// * [`Schedule::schedule`] is never reached, and drops what it is given.
///   The task cell calls it in two cases only: a waker (or `abort`) finds the
///   task *idle and not notified*, or a poll returns `Pending` after a
///   self-wake (`yield_now`, which defaults to `schedule`). Neither can
///   happen here:
///   - before its run the task is idle but NOTIFIED (the `UnownedTask` is
///     that notification), so `abort` only sets CANCELLED and the run finds
///     it (`transition_to_running` reports Cancelled: the closure is dropped
///     and the `JoinHandle` gets a cancelled error), and no waker exists yet;
///   - its one poll always returns `Ready` ([`BlockingTask`] never returns
///     `Pending` and never hands the waker to the closure), so after the
///     run the task is COMPLETE, and every later wake-up is a no-op.
///
///   Dropping the `Notified` is the right fallback anyway: it only drops a
///   reference, and the `UnownedTask` (queued or running) still owns the
///   task's completion.
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct BlockingSchedule;

impl Schedule for BlockingSchedule {
    fn schedule(&self, task: Notified<Self>) {
        drop(task);
    }

    fn release(&self, _task: &Task<Self>) -> Option<Task<Self>> {
        None
    }
}
