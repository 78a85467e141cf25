use std::fmt;
use std::future::Future;
use std::marker::PhantomData;
use std::panic::{RefUnwindSafe, UnwindSafe};
use std::pin::Pin;
use std::task::{Context, Poll};

use super::raw::RawTask;
use super::{Id, JoinError};

/// An owned permission to join on a task (await its termination).
///
/// This is the equivalent of `std::thread::JoinHandle` for a task. Awaiting
/// it yields the task's output, or a [`JoinError`] if the task panicked or
/// was cancelled. Dropping a `JoinHandle` detaches the task: it keeps
/// running, and its output is dropped when it completes.
pub struct JoinHandle<T> {
    raw: RawTask,
    _p: PhantomData<T>,
}

// SAFETY: the handle only moves the output `T` between threads (when read),
// so it is Send/Sync exactly when `T: Send`; every shared-state access goes
// through the task's atomic state word.
unsafe impl<T: Send> Send for JoinHandle<T> {}
// SAFETY: `&JoinHandle` only allows `abort`, `is_finished`, `id` and
// `abort_handle`, which touch atomics only.
unsafe impl<T: Send> Sync for JoinHandle<T> {}

impl<T> UnwindSafe for JoinHandle<T> {}
impl<T> RefUnwindSafe for JoinHandle<T> {}
impl<T> Unpin for JoinHandle<T> {}

impl<T> JoinHandle<T> {
    pub(crate) fn new(raw: RawTask) -> JoinHandle<T> {
        JoinHandle {
            raw,
            _p: PhantomData,
        }
    }

    /// Aborts the task associated with the handle.
    ///
    /// Awaiting a cancelled task might complete as usual if the task was
    /// already completed at the time it was cancelled, but most likely it
    /// will fail with a cancelled [`JoinError`]. A task that is not running
    /// is cancelled the next time the scheduler looks at it; a running task
    /// is cancelled when its current poll returns.
    pub fn abort(&self) {
        self.raw.remote_abort();
    }

    /// Checks if the task associated with this `JoinHandle` has finished.
    ///
    /// This does not block; once it returns `true`, awaiting the handle
    /// returns immediately.
    pub fn is_finished(&self) -> bool {
        self.raw.state().load().is_complete()
    }

    /// Returns a new [`AbortHandle`] that can be used to remotely abort this
    /// task.
    pub fn abort_handle(&self) -> AbortHandle {
        self.raw.ref_inc();
        AbortHandle { raw: self.raw }
    }

    /// Returns a [task ID](Id) that uniquely identifies this task relative to
    /// other currently spawned tasks.
    pub fn id(&self) -> Id {
        self.raw.id()
    }
}

impl<T> Future for JoinHandle<T> {
    type Output = Result<T, JoinError>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let coop = std::task::ready!(crate::coop::poll_proceed(cx));
        let mut ret: Poll<Result<T, JoinError>> = Poll::Pending;
        // SAFETY: `ret` has the task's output type (the handle is typed by
        // it) and we are the JoinHandle.
        unsafe {
            self.raw
                .try_read_output(&mut ret as *mut _ as *mut (), cx.waker())
        };
        if ret.is_ready() {
            coop.made_progress();
        }
        ret
    }
}

impl<T> Drop for JoinHandle<T> {
    fn drop(&mut self) {
        self.raw.drop_join_handle();
    }
}

impl<T> fmt::Debug for JoinHandle<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("JoinHandle")
            .field("id", &self.id())
            .finish()
    }
}

/// An owned permission to abort a spawned task, without awaiting its
/// completion.
///
/// Unlike a [`JoinHandle`], an `AbortHandle` does not represent the
/// permission to await the task's completion, only to terminate it.
/// Dropping it does nothing to the task.
pub struct AbortHandle {
    raw: RawTask,
}

// SAFETY: only the atomic state word is touched through an AbortHandle.
unsafe impl Send for AbortHandle {}
// SAFETY: as above.
unsafe impl Sync for AbortHandle {}
impl UnwindSafe for AbortHandle {}
impl RefUnwindSafe for AbortHandle {}

impl AbortHandle {
    /// Aborts the task associated with the handle (see [`JoinHandle::abort`]).
    pub fn abort(&self) {
        self.raw.remote_abort();
    }

    /// Checks if the task associated with this `AbortHandle` has finished.
    pub fn is_finished(&self) -> bool {
        self.raw.state().load().is_complete()
    }

    /// Returns the [task ID](Id) of the task.
    pub fn id(&self) -> Id {
        self.raw.id()
    }
}

impl Clone for AbortHandle {
    fn clone(&self) -> Self {
        self.raw.ref_inc();
        AbortHandle { raw: self.raw }
    }
}

impl Drop for AbortHandle {
    fn drop(&mut self) {
        self.raw.drop_reference();
    }
}

impl fmt::Debug for AbortHandle {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AbortHandle")
            .field("id", &self.id())
            .finish()
    }
}
