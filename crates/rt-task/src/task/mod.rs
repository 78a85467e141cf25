//! Tasks: the cell, its references (`Task`, `Notified`, `UnownedTask`), the
//! `JoinHandle`, and the `Schedule` contract.

use std::fmt;
use std::future::Future;
use std::marker::PhantomData;
use std::mem;

mod error;
mod id;
mod join;
mod list;
pub(crate) mod raw;
pub(crate) mod state;
mod waker;

pub use error::JoinError;
pub use id::{id, try_id, Id};
pub use join::{AbortHandle, JoinHandle};
pub use list::OwnedTasks;

use raw::RawTask;
pub(crate) use waker::is_task_waker;

/// What a task asks of its scheduler.
///
/// The scheduler value is stored inside every task cell (usually an `Arc`
/// of the scheduler's shared state), so it must be cheap and `Send + Sync`.
pub trait Schedule: Send + Sync + Sized + 'static {
    /// A woken task goes back on a run queue. Called from any thread.
    fn schedule(&self, task: Notified<Self>);

    /// A completed task leaves the owned-task list; returns the list's
    /// reference (normally `self.owned.remove(task)`).
    fn release(&self, task: &Task<Self>) -> Option<Task<Self>>;

    /// A task that woke itself during its poll (e.g. `yield_now`) is
    /// rescheduled. Schedulers put it at the back of their queue so that
    /// other tasks get a turn.
    fn yield_now(&self, task: Notified<Self>) {
        self.schedule(task)
    }
}

/// The owned-list reference to a task. Dropping it drops the reference.
pub struct Task<S: 'static> {
    pub(crate) raw: RawTask,
    _p: PhantomData<S>,
}

// SAFETY: a Task only reaches the cell through its atomic state word and the
// vtable; the future is only polled through a `Notified` on the thread its
// scheduler chooses (see `OwnedTasks::bind_local` for non-Send futures).
unsafe impl<S> Send for Task<S> {}
// SAFETY: as above; `&Task` exposes only the id.
unsafe impl<S> Sync for Task<S> {}

impl<S: 'static> Task<S> {
    pub(crate) fn from_raw(raw: RawTask) -> Task<S> {
        Task {
            raw,
            _p: PhantomData,
        }
    }

    /// The task's id.
    pub fn id(&self) -> Id {
        self.raw.id()
    }

    /// Cancels the task (drops its future) unless it is running or complete,
    /// in which case it is marked cancelled and its runner finishes it.
    /// Consumes this reference.
    pub fn shutdown(self) {
        let raw = self.raw;
        mem::forget(self);
        raw.shutdown();
    }
}

impl<S: 'static> Drop for Task<S> {
    fn drop(&mut self) {
        self.raw.drop_reference();
    }
}

impl<S: 'static> fmt::Debug for Task<S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Task({})", self.id())
    }
}

/// A task that was woken and must be run by its scheduler. Dropping it
/// without running it drops its reference (the wake-up is lost, which is
/// what a shut-down scheduler wants).
pub struct Notified<S: 'static>(pub(crate) Task<S>);

impl<S: 'static> Notified<S> {
    /// Polls the task once (or cancels it if it was aborted), consuming the
    /// notification. If the task woke itself during the poll (it yielded),
    /// its new notification goes to [`Schedule::yield_now`].
    #[inline]
    pub fn run(self) {
        let raw = self.0.raw;
        mem::forget(self);
        raw.poll(false);
    }

    /// Like [`run`](Self::run), but if the task woke itself during the poll
    /// (`yield_now`, a spent cooperative budget), its new notification is
    /// returned to the caller instead of going through
    /// [`Schedule::yield_now`]. A run loop uses this to queue yielded tasks
    /// itself, without a scheduler look-up.
    #[must_use = "a returned notification must be scheduled, or the task never runs again"]
    #[inline]
    pub fn run_yielding(self) -> Option<Notified<S>> {
        let raw = self.0.raw;
        mem::forget(self);
        raw.poll(true).then(|| Notified(Task::from_raw(raw)))
    }

    /// The task's id.
    pub fn id(&self) -> Id {
        self.0.id()
    }

    /// Turns the notification into a plain reference (for shutdown paths
    /// that want to cancel the task instead of running it).
    pub fn into_task(self) -> Task<S> {
        self.0
    }
}

impl<S: 'static> fmt::Debug for Notified<S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Notified({})", self.id())
    }
}

/// A task owned by no list (used by the blocking pool): it holds both the
/// owner reference and the first notification.
pub struct UnownedTask<S: 'static> {
    raw: RawTask,
    _p: PhantomData<S>,
}

// SAFETY: as for `Task`; unowned tasks are created only from `Send` futures.
unsafe impl<S> Send for UnownedTask<S> {}
// SAFETY: as above.
unsafe impl<S> Sync for UnownedTask<S> {}

impl<S: 'static> UnownedTask<S> {
    /// Runs the task (one poll), then drops the owner reference.
    pub fn run(self) {
        let raw = self.raw;
        mem::forget(self);
        let owner = Task::<S>::from_raw(raw);
        raw.poll(false);
        drop(owner);
    }

    /// Cancels the task without running it.
    pub fn shutdown(self) {
        let raw = self.raw;
        mem::forget(self);
        // Drop the notification reference, then shut down with the owner one.
        raw.drop_reference();
        raw.shutdown();
    }

    /// The task's id.
    pub fn id(&self) -> Id {
        self.raw.id()
    }
}

impl<S: 'static> Drop for UnownedTask<S> {
    fn drop(&mut self) {
        // Both references go; an unrun task is cancelled first so that its
        // JoinHandle does not wait forever.
        let raw = self.raw;
        raw.drop_reference();
        raw.shutdown();
    }
}

impl<S: 'static> fmt::Debug for UnownedTask<S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "UnownedTask({})", self.id())
    }
}

/// Creates a task that belongs to no owned list: the blocking pool's tasks.
/// The scheduler's `release` should return `None` for it.
pub fn unowned<F, S>(future: F, scheduler: S, id: Id) -> (UnownedTask<S>, JoinHandle<F::Output>)
where
    F: Future + Send + 'static,
    F::Output: Send + 'static,
    S: Schedule,
{
    let raw = RawTask::new::<F, S>(future, scheduler, id);
    (
        UnownedTask {
            raw,
            _p: PhantomData,
        },
        JoinHandle::new(raw),
    )
}
