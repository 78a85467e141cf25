use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

/// Yields execution back to the runtime.
///
/// A task yields by awaiting on `yield_now()`, and may resume when that
/// future completes (with no output). The current task is re-queued at the
/// back of its scheduler's run queue, so that every other ready task gets a
/// turn first.
pub async fn yield_now() {
    YieldNow { yielded: false }.await
}

struct YieldNow {
    yielded: bool,
}

impl Future for YieldNow {
    type Output = ();

    #[inline]
    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        if self.yielded {
            return Poll::Ready(());
        }
        self.yielded = true;
        // The task's own waker: mark the poll instead of a `wake_by_ref`
        // (saves an atomic read-modify-write; the poller reschedules).
        if !crate::context::self_wake(cx.waker()) {
            cx.waker().wake_by_ref();
        }
        Poll::Pending
    }
}
