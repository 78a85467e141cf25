//! The task cell: one heap allocation holding the header, the scheduler, the
//! future (later its output) and the join waker; and the type-erased vtable
//! through which `Task`, `Notified`, `JoinHandle` and wakers drive it.
//!
//! The protocol on the state word is documented in `state.rs`; this module
//! only ever touches the stage while holding `RUNNING` (poll, cancel), after
//! observing `COMPLETE` with join interest (the `JoinHandle` reads or drops the
//! output), or after observing `COMPLETE` without join interest (the task side
//! drops the output). Those three are mutually exclusive by construction.

use std::future::Future;
use std::mem::{self, ManuallyDrop};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::pin::Pin;
use std::ptr::NonNull;
use std::task::{Context, Poll, Waker};

use super::state::{State, ToIdle, ToRunning};
use super::{waker, Id, JoinError, Notified, Schedule, Task};
use crate::loom::cell::UnsafeCell;
use crate::loom::sync::atomic::AtomicU64;

/// Intrusive links of the owned-task list. Only touched under the lock of the
/// list shard that owns the task.
#[derive(Default)]
pub(crate) struct Links {
    pub(crate) prev: Option<NonNull<Header>>,
    pub(crate) next: Option<NonNull<Header>>,
}

/// The type-independent part of a task, at offset 0 of the cell.
#[repr(C)]
pub(crate) struct Header {
    pub(crate) state: State,
    pub(crate) vtable: &'static Vtable,
    /// Id of the owned-task list holding this task; 0 when in none. Only
    /// changed under that list's shard lock.
    pub(crate) owner_id: AtomicU64,
    pub(crate) id: Id,
    pub(crate) links: UnsafeCell<Links>,
}

/// Functions that know the concrete future and scheduler types.
pub(crate) struct Vtable {
    /// Polls; `direct`: see [`RawTask::poll`].
    pub(crate) poll: unsafe fn(NonNull<Header>, bool) -> bool,
    pub(crate) schedule: unsafe fn(NonNull<Header>),
    pub(crate) dealloc: unsafe fn(NonNull<Header>),
    pub(crate) try_read_output: unsafe fn(NonNull<Header>, *mut (), &Waker),
    pub(crate) drop_join_handle: unsafe fn(NonNull<Header>),
    pub(crate) shutdown: unsafe fn(NonNull<Header>),
}

enum Stage<F: Future> {
    Running(F),
    Finished(Result<F::Output, JoinError>),
    Consumed,
}

#[repr(C)]
struct Cell<F: Future, S> {
    header: Header,
    scheduler: S,
    stage: UnsafeCell<Stage<F>>,
    join_waker: UnsafeCell<Option<Waker>>,
}

fn vtable<F: Future, S: Schedule>() -> &'static Vtable {
    &Vtable {
        poll: poll::<F, S>,
        schedule: schedule::<F, S>,
        dealloc: dealloc::<F, S>,
        try_read_output: try_read_output::<F, S>,
        drop_join_handle: drop_join_handle::<F, S>,
        shutdown: shutdown::<F, S>,
    }
}

/// A pointer to a task cell. Copying it does not count as a reference; the
/// owners of references are `Task`, `Notified`, `JoinHandle`, `AbortHandle`
/// and wakers.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) struct RawTask {
    ptr: NonNull<Header>,
}

impl RawTask {
    /// Allocates a task. It starts with three references (see `state.rs`).
    pub(crate) fn new<F: Future, S: Schedule>(future: F, scheduler: S, id: Id) -> RawTask {
        let cell = Box::new(Cell {
            header: Header {
                state: State::new(),
                vtable: vtable::<F, S>(),
                owner_id: AtomicU64::new(0),
                id,
                links: UnsafeCell::new(Links::default()),
            },
            scheduler,
            stage: UnsafeCell::new(Stage::Running(future)),
            join_waker: UnsafeCell::new(None),
        });
        RawTask {
            ptr: NonNull::from(Box::leak(cell)).cast(),
        }
    }

    pub(crate) fn from_raw(ptr: NonNull<Header>) -> RawTask {
        RawTask { ptr }
    }

    pub(crate) fn header_ptr(self) -> NonNull<Header> {
        self.ptr
    }

    #[inline]
    pub(crate) fn header(&self) -> &Header {
        // SAFETY: a RawTask is only used by holders of a reference, which
        // keeps the cell allocated.
        unsafe { self.ptr.as_ref() }
    }

    #[inline]
    pub(crate) fn state(&self) -> &State {
        &self.header().state
    }

    pub(crate) fn id(&self) -> Id {
        self.header().id
    }

    /// Polls the task, consuming one `Notified` reference.
    ///
    /// If the task woke itself during the poll (it yielded), it needs a new
    /// `Notified`: with `direct`, this returns true and the caller owns that
    /// `Notified`'s reference; without, the task's scheduler gets it through
    /// `Schedule::yield_now` and this returns false.
    #[inline]
    pub(crate) fn poll(self, direct: bool) -> bool {
        // SAFETY: the caller gives up a `Notified` reference, as `poll` expects.
        unsafe { (self.header().vtable.poll)(self.ptr, direct) }
    }

    pub(crate) fn schedule(self) {
        // SAFETY: the caller transferred one reference for the `Notified`.
        unsafe { (self.header().vtable.schedule)(self.ptr) }
    }

    pub(crate) fn dealloc(self) {
        // SAFETY: the caller observed the reference count reach zero.
        unsafe { (self.header().vtable.dealloc)(self.ptr) }
    }

    /// # Safety
    /// `dst` must point to a `Poll<Result<T, JoinError>>` where `T` is the
    /// task's output type, and the caller must be the `JoinHandle`.
    pub(crate) unsafe fn try_read_output(self, dst: *mut (), waker: &Waker) {
        // SAFETY: forwarded from the caller's contract.
        unsafe { (self.header().vtable.try_read_output)(self.ptr, dst, waker) }
    }

    pub(crate) fn drop_join_handle(self) {
        // SAFETY: only the JoinHandle's drop calls this, once.
        unsafe { (self.header().vtable.drop_join_handle)(self.ptr) }
    }

    /// Shuts the task down, consuming one `Task` reference.
    pub(crate) fn shutdown(self) {
        // SAFETY: the caller gives up a `Task` reference.
        unsafe { (self.header().vtable.shutdown)(self.ptr) }
    }

    pub(crate) fn ref_inc(self) {
        self.state().ref_inc();
    }

    /// Drops one reference, freeing the task if it was the last.
    pub(crate) fn drop_reference(self) {
        if self.state().ref_dec() {
            self.dealloc();
        }
    }

    /// Requests cancellation from any thread (`abort`).
    pub(crate) fn remote_abort(self) {
        if self.state().transition_to_notified_and_cancel() {
            // The transition took a reference for this notification.
            self.schedule();
        }
    }
}

/// Outcome of one poll of the future.
enum Polled {
    /// Completed (or panicked); the output is stored.
    Ready,
    /// Pending. `self_woken`: the future woke its own task through
    /// `context::self_wake` during the poll.
    Pending { self_woken: bool },
}

/// Typed access to a cell, for the vtable functions.
struct Harness<F: Future, S: 'static> {
    cell: NonNull<Cell<F, S>>,
}

impl<F: Future, S: Schedule> Harness<F, S> {
    /// # Safety
    /// `ptr` must point to a live `Cell<F, S>`.
    unsafe fn from_raw(ptr: NonNull<Header>) -> Self {
        Harness { cell: ptr.cast() }
    }

    fn cell(&self) -> &Cell<F, S> {
        // SAFETY: constructed from a live cell whose reference the caller holds.
        unsafe { self.cell.as_ref() }
    }

    fn header(&self) -> &Header {
        &self.cell().header
    }

    fn raw(&self) -> RawTask {
        RawTask {
            ptr: self.cell.cast(),
        }
    }

    /// See [`RawTask::poll`].
    fn poll(self, direct: bool) -> bool {
        match self.header().state.transition_to_running() {
            ToRunning::Success => {
                // The poll holds a reference, so a waker borrowed from the
                // cell without counting one is valid for the whole poll.
                let waker = waker::borrowed(self.cell.cast());
                let mut cx = Context::from_waker(&waker);
                let Polled::Pending { self_woken } = self.poll_future(&mut cx) else {
                    self.complete();
                    return false;
                };
                match self.header().state.transition_to_idle(self_woken) {
                    ToIdle::Ok => {}
                    // The poll's reference is now the new Notified's.
                    ToIdle::OkNotified if direct => return true,
                    ToIdle::OkNotified => {
                        // Keep a reference of our own across the call: the
                        // scheduler's `&self` lives in the cell (state.rs,
                        // "Calling the scheduler").
                        self.header().state.ref_inc();
                        let task = Notified(Task::from_raw(self.raw()));
                        self.cell().scheduler.yield_now(task);
                        self.raw().drop_reference();
                    }
                    ToIdle::OkDealloc => self.dealloc(),
                    ToIdle::Cancelled => {
                        self.cancel_future();
                        self.complete();
                    }
                }
            }
            ToRunning::Cancelled => {
                self.cancel_future();
                self.complete();
            }
            ToRunning::Failed => {}
            ToRunning::Dealloc => self.dealloc(),
        }
        false
    }

    /// Polls the future once; on completion (or panic) stores the result.
    fn poll_future(&self, cx: &mut Context<'_>) -> Polled {
        let id = self.header().id;
        let id_guard = crate::context::TaskIdGuard::enter(id, Some(self.cell.cast()));
        let res = catch_unwind(AssertUnwindSafe(|| {
            self.cell().stage.with_mut(|stage| {
                // SAFETY: we hold RUNNING, which grants exclusive access to
                // the stage; the cell is heap-allocated and never moves, so
                // the future is pinned.
                let stage = unsafe { &mut *stage };
                let Stage::Running(fut) = stage else {
                    unreachable!("task polled after completion");
                };
                // SAFETY: (as above) the future lives in the never-moved cell.
                unsafe { Pin::new_unchecked(fut) }.poll(cx)
            })
        }));
        let output = match res {
            Ok(Poll::Pending) => {
                return Polled::Pending {
                    self_woken: id_guard.exit(),
                }
            }
            Ok(Poll::Ready(out)) => Ok(out),
            Err(payload) => Err(JoinError::panic(id, payload)),
        };
        // Drop the future; its destructor may panic too.
        let output = match catch_unwind(AssertUnwindSafe(|| self.set_stage(Stage::Consumed))) {
            Ok(()) => output,
            Err(payload) => {
                let _ = catch_unwind(AssertUnwindSafe(move || drop(output)));
                Err(JoinError::panic(id, payload))
            }
        };
        self.set_stage(Stage::Finished(output));
        drop(id_guard);
        Polled::Ready
    }

    /// Drops the future and stores a cancellation error (or the panic of
    /// the future's destructor). Requires RUNNING.
    fn cancel_future(&self) {
        let id = self.header().id;
        let _id_guard = crate::context::TaskIdGuard::enter(id, None);
        let err = match catch_unwind(AssertUnwindSafe(|| self.set_stage(Stage::Consumed))) {
            Ok(()) => JoinError::cancelled(id),
            Err(payload) => JoinError::panic(id, payload),
        };
        self.set_stage(Stage::Finished(Err(err)));
    }

    /// Replaces the stage, dropping the old one. The caller must have
    /// exclusive access to the stage (see the module comment).
    fn set_stage(&self, stage: Stage<F>) {
        // SAFETY: the caller has exclusive access to the stage.
        self.cell().stage.with_mut(|s| unsafe { *s = stage });
    }

    /// Leave the owned list, RUNNING -> COMPLETE, notify the JoinHandle and
    /// drop the poll's reference (and the list's).
    ///
    /// The task leaves the list *before* it is marked complete, so a
    /// `JoinHandle` that sees the output also sees the task gone from its
    /// scheduler's alive count (`num_alive_tasks() == 0` once every handle
    /// has been awaited). We still hold `RUNNING`: a shutdown sweep that
    /// meanwhile misses the task has nothing to cancel.
    fn complete(self) {
        let me = ManuallyDrop::new(Task::<S>::from_raw(self.raw()));
        let released = self.cell().scheduler.release(&me);
        let count = match released {
            Some(task) => {
                // Drop the list's reference together with ours.
                mem::forget(task);
                2
            }
            None => 1,
        };
        let snapshot = self.header().state.transition_to_complete();
        let _ = catch_unwind(AssertUnwindSafe(|| {
            if !snapshot.is_join_interested() {
                // Nobody will read the output: drop it here.
                let _id_guard = crate::context::TaskIdGuard::enter(self.header().id, None);
                self.set_stage(Stage::Consumed);
            } else if snapshot.is_join_waker_set() {
                // COMPLETE is set and JOIN_WAKER was set: the slot is frozen
                // and readable by the task side.
                self.cell().join_waker.with(|w| {
                    // SAFETY: see above; the JoinHandle never writes the slot
                    // once it cannot clear JOIN_WAKER.
                    if let Some(w) = unsafe { &*w } {
                        w.wake_by_ref();
                    }
                });
            }
        }));
        if self.header().state.transition_to_terminal(count) {
            self.dealloc();
        }
    }

    fn dealloc(self) {
        // SAFETY: the reference count reached zero: no one else can reach the
        // cell any more; it was allocated as a Box<Cell<F, S>> in RawTask::new.
        drop(unsafe { Box::from_raw(self.cell.as_ptr()) });
    }

    /// Decides whether the JoinHandle may read the output now; if not,
    /// publishes `waker` to be woken on completion.
    fn can_read_output(&self, waker: &Waker) -> bool {
        let state = &self.header().state;
        let snapshot = state.load();
        if snapshot.is_complete() {
            return true;
        }
        let res = if !snapshot.is_join_waker_set() {
            self.set_join_waker(waker.clone())
        } else {
            let same = self.cell().join_waker.with(|w| {
                // SAFETY: JOIN_WAKER is set, so the slot is immutable until
                // this JoinHandle (the only writer) clears the bit.
                unsafe { &*w }.as_ref().is_some_and(|w| w.will_wake(waker))
            });
            if same {
                return false;
            }
            state
                .unset_join_waker()
                .and_then(|_| self.set_join_waker(waker.clone()))
        };
        match res {
            Ok(_) => false,
            Err(s) => {
                debug_assert!(s.is_complete());
                true
            }
        }
    }

    fn set_join_waker(
        &self,
        waker: Waker,
    ) -> Result<super::state::Snapshot, super::state::Snapshot> {
        // SAFETY: JOIN_WAKER is clear, so the JoinHandle owns the slot.
        self.cell()
            .join_waker
            .with_mut(|w| unsafe { *w = Some(waker) });
        let res = self.header().state.set_join_waker();
        if res.is_err() {
            // Completed meanwhile; the slot is still ours. Clear it.
            // SAFETY: as above, JOIN_WAKER is still clear.
            self.cell().join_waker.with_mut(|w| unsafe { *w = None });
        }
        res
    }
}

unsafe fn poll<F: Future, S: Schedule>(ptr: NonNull<Header>, direct: bool) -> bool {
    // SAFETY: the vtable of a Cell<F, S> is only reached through that cell.
    unsafe { Harness::<F, S>::from_raw(ptr) }.poll(direct)
}

unsafe fn schedule<F: Future, S: Schedule>(ptr: NonNull<Header>) {
    // SAFETY: as in `poll`.
    let harness = unsafe { Harness::<F, S>::from_raw(ptr) };
    harness
        .cell()
        .scheduler
        .schedule(Notified(Task::from_raw(harness.raw())));
}

unsafe fn dealloc<F: Future, S: Schedule>(ptr: NonNull<Header>) {
    // SAFETY: as in `poll`.
    unsafe { Harness::<F, S>::from_raw(ptr) }.dealloc()
}

unsafe fn try_read_output<F: Future, S: Schedule>(
    ptr: NonNull<Header>,
    dst: *mut (),
    waker: &Waker,
) {
    // SAFETY: as in `poll`.
    let harness = unsafe { Harness::<F, S>::from_raw(ptr) };
    if !harness.can_read_output(waker) {
        return;
    }
    // COMPLETE with join interest: the JoinHandle owns the stage.
    let stage = harness
        .cell()
        .stage
        // SAFETY: see the comment above.
        .with_mut(|s| mem::replace(unsafe { &mut *s }, Stage::Consumed));
    let out = match stage {
        Stage::Finished(out) => out,
        _ => panic!("JoinHandle polled after completion"),
    };
    let dst = dst.cast::<Poll<Result<F::Output, JoinError>>>();
    // SAFETY: the caller passes a valid, initialised `Poll<Result<F::Output,
    // JoinError>>` (the JoinHandle's typed output slot).
    unsafe { *dst = Poll::Ready(out) };
}

unsafe fn drop_join_handle<F: Future, S: Schedule>(ptr: NonNull<Header>) {
    // SAFETY: as in `poll`.
    let harness = unsafe { Harness::<F, S>::from_raw(ptr) };
    let prev = harness.header().state.unset_join_interest();
    if prev.is_complete() {
        // The output is ours to drop; its destructor may panic.
        let _id_guard = crate::context::TaskIdGuard::enter(harness.header().id, None);
        let _ = catch_unwind(AssertUnwindSafe(|| harness.set_stage(Stage::Consumed)));
    } else {
        // We cleared JOIN_WAKER with JOIN_INTEREST: the slot is ours again.
        let old = harness.cell().join_waker.with_mut(|w| {
            // SAFETY: see above; no other side touches the slot now.
            unsafe { (*w).take() }
        });
        drop(old);
    }
    harness.raw().drop_reference();
}

unsafe fn shutdown<F: Future, S: Schedule>(ptr: NonNull<Header>) {
    // SAFETY: as in `poll`.
    let harness = unsafe { Harness::<F, S>::from_raw(ptr) };
    if harness.header().state.transition_to_shutdown() {
        harness.cancel_future();
        harness.complete();
    } else {
        harness.raw().drop_reference();
    }
}
