//! The task state word: one `AtomicUsize` holding the lifecycle bits and the
//! reference count.
//!
//! # Bits
//!
//! | bit | meaning |
//! |-----|---------|
//! | `RUNNING` | a thread holds the right to touch the future (poll or cancel it) |
//! | `COMPLETE` | the future is gone; the stage holds the output (or nothing) |
//! | `NOTIFIED` | a `Notified` for this task exists (queued or about to be) |
//! | `CANCELLED` | the task must be cancelled the next time someone may touch it |
//! | `JOIN_INTEREST` | a `JoinHandle` exists and will read or drop the output |
//! | `JOIN_WAKER` | the join-waker slot is published to the task side (see below) |
//! | `REF_ONE`.. | the reference count, in the remaining high bits |
//!
//! # References
//!
//! A new task starts with three references: one for the owned-task list
//! (`Task`), one for its first `Notified`, one for its `JoinHandle`. Every
//! `Waker` clone and every `AbortHandle` holds one more. The thread that brings
//! the count to zero frees the cell.
//!
//! # Transitions
//!
//! * `transition_to_running` (a scheduler runs a `Notified`): if the task is
//!   idle, set `RUNNING`, clear `NOTIFIED`; the `Notified`'s reference now
//!   belongs to the poll. If it is already running or complete (a stale
//!   notification), drop the `Notified`'s reference instead.
//! * `transition_to_idle` (the poll returned `Pending`): if `CANCELLED` was set
//!   meanwhile, stay `RUNNING` and report it so the poller cancels. Otherwise
//!   clear `RUNNING`; if `NOTIFIED` was set while running, the poll's reference
//!   becomes the reference of a new `Notified`: `Notified::run_yielding` hands
//!   it back to the scheduler's run loop, `Notified::run` gives it to
//!   `Schedule::yield_now` while holding one more reference across the call;
//!   if not, the poll's reference is dropped.
//!   `transition_to_idle(yielded: true)` sets `NOTIFIED` in the same step: the task called `yield_now` with its own waker during the poll
//!   (recorded in the thread-local context instead of a `wake_by_ref`, which
//!   saves a read-modify-write; the waking thread is the polling thread, so
//!   no ordering is lost).
//! * `transition_to_complete`: `RUNNING` -> `COMPLETE` in one step
//!   (xor of both bits). The caller has released the task from the owned
//!   list just before (still holding `RUNNING`, so whoever sees `COMPLETE`
//!   also sees the task out of the list); it then drops its references (and
//!   the list's) with `transition_to_terminal`.
//! * `transition_to_notified_by_val` (a `Waker` consumed by `wake`): running ->
//!   set `NOTIFIED` and drop the waker's reference (the poller reschedules);
//!   complete or already notified -> drop the waker's reference; idle -> set
//!   `NOTIFIED` and take a new reference for a new `Notified` (submit). The
//!   waker keeps its own reference across the `schedule` call and drops it
//!   afterwards (see "Calling the scheduler").
//! * `transition_to_notified_by_ref` (`wake_by_ref`): as above but nothing is
//!   ever dropped (a submit also takes a new reference; the caller's waker
//!   keeps the cell alive across `schedule`).
//! * Every wake of a task that is not complete writes the state word, even
//!   one merged into a pending notification (it rewrites the same value).
//!   `Waker::wake` must happen-before the start of the poll it leads to; the
//!   state word is only ever changed by read-modify-writes, so the wake's
//!   release write is acquired by the `transition_to_running` (or, for a
//!   wake during a poll, the `transition_to_idle`) that follows it. A wake
//!   that only loaded `NOTIFIED` would not be ordered before that poll, which
//!   could miss what the waker published and return `Pending` for good.
//! * `transition_to_notified_and_cancel` (`abort`): sets `CANCELLED`; if the
//!   task is idle and not yet notified, also sets `NOTIFIED` with a new
//!   reference so the scheduler polls it and finds it cancelled. A running
//!   task sees `CANCELLED` in `transition_to_idle`; a queued task sees it in
//!   `transition_to_running`.
//! * `transition_to_shutdown` (the runtime shuts down and owns a `Task`
//!   reference): sets `CANCELLED`; if the task was idle, also sets `RUNNING`
//!   and returns true: the caller may now cancel the future itself.
//!
//! # Calling the scheduler
//!
//! The scheduler value lives inside the task cell, so the `&self` of
//! `Schedule::schedule` and `Schedule::yield_now` points into the cell. A
//! scheduler may drop the `Notified` it is given (it is shut down), or queue
//! it where another thread runs the task to completion and drops the last
//! reference before `schedule` returns. So whoever calls the scheduler holds a
//! reference of its own across the call, never only the one it hands over:
//! a `wake` keeps the waker's reference (the submit took a new one), a
//! `wake_by_ref` or an `abort` borrows the caller's, and a yield through
//! `Notified::run` takes one more around `yield_now`. (`run_yielding` calls no
//! scheduler method: it returns the `Notified`.) A scheduler's own methods
//! that are not reached through the cell (its spawn path, its run loop) may
//! drop notifications freely.
//!
//! # The join-waker slot
//!
//! When `JOIN_WAKER` is clear, the `JoinHandle` owns the slot and may write it.
//! It publishes a waker by writing the slot and then setting `JOIN_WAKER`
//! (which fails if `COMPLETE` was set meanwhile: the output is ready). To
//! change the waker it first clears `JOIN_WAKER` (again failing if complete).
//! Once `COMPLETE` is set, `JOIN_WAKER` never changes again, so the task side
//! may read the slot (to wake it) when its completion snapshot had the bit set.
//! Dropping the `JoinHandle` clears `JOIN_INTEREST` together with
//! `JOIN_WAKER` if the task is not complete, taking the slot back to drop the
//! waker; if the task is complete, it clears only `JOIN_INTEREST` and drops the
//! output itself (the task side leaves the output alone when the completion
//! snapshot showed `JOIN_INTEREST`).

use crate::loom::sync::atomic::{AtomicUsize, Ordering::AcqRel, Ordering::Acquire};

/// A thread is polling or cancelling the future.
pub(crate) const RUNNING: usize = 0b00_0001;
/// The future has completed or was cancelled; it has been dropped.
pub(crate) const COMPLETE: usize = 0b00_0010;
/// A `Notified` exists for the task.
pub(crate) const NOTIFIED: usize = 0b00_0100;
/// A `JoinHandle` exists.
pub(crate) const JOIN_INTEREST: usize = 0b00_1000;
/// The join-waker slot is published to the task side.
pub(crate) const JOIN_WAKER: usize = 0b01_0000;
/// The task has been aborted or the runtime is shutting down.
pub(crate) const CANCELLED: usize = 0b10_0000;
/// Mask of all lifecycle bits.
const LIFECYCLE: usize = RUNNING | COMPLETE | CANCELLED;
/// One reference.
pub(crate) const REF_ONE: usize = 0b100_0000;
/// Mask of the reference-count field.
const REF_MASK: usize = !(REF_ONE - 1);
/// The state of a new task: three references, notified, with join interest.
const INITIAL: usize = (REF_ONE * 3) | NOTIFIED | JOIN_INTEREST;

/// A copy of the state word.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) struct Snapshot(usize);

impl Snapshot {
    pub(crate) fn is_running(self) -> bool {
        self.0 & RUNNING != 0
    }
    pub(crate) fn is_complete(self) -> bool {
        self.0 & COMPLETE != 0
    }
    pub(crate) fn is_notified(self) -> bool {
        self.0 & NOTIFIED != 0
    }
    pub(crate) fn is_cancelled(self) -> bool {
        self.0 & CANCELLED != 0
    }
    pub(crate) fn is_idle(self) -> bool {
        self.0 & (RUNNING | COMPLETE) == 0
    }
    pub(crate) fn is_join_interested(self) -> bool {
        self.0 & JOIN_INTEREST != 0
    }
    pub(crate) fn is_join_waker_set(self) -> bool {
        self.0 & JOIN_WAKER != 0
    }
    pub(crate) fn ref_count(self) -> usize {
        (self.0 & REF_MASK) / REF_ONE
    }
    fn ref_inc(&mut self) {
        assert!(
            self.0 <= isize::MAX as usize,
            "task reference count overflow"
        );
        self.0 += REF_ONE;
    }
    fn ref_dec(&mut self) {
        debug_assert!(self.ref_count() > 0);
        self.0 -= REF_ONE;
    }
}

impl std::fmt::Debug for Snapshot {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Snapshot")
            .field("running", &self.is_running())
            .field("complete", &self.is_complete())
            .field("notified", &self.is_notified())
            .field("cancelled", &self.is_cancelled())
            .field("join_interest", &self.is_join_interested())
            .field("join_waker", &self.is_join_waker_set())
            .field("refs", &self.ref_count())
            .finish()
    }
}

/// Outcome of [`State::transition_to_running`].
#[must_use]
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum ToRunning {
    /// Poll the future.
    Success,
    /// The task was cancelled: cancel the future instead of polling it.
    Cancelled,
    /// Stale notification; its reference was dropped.
    Failed,
    /// Stale notification and it held the last reference: free the task.
    Dealloc,
}

/// Outcome of [`State::transition_to_idle`].
#[must_use]
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum ToIdle {
    /// Idle; the poll's reference was dropped.
    Ok,
    /// Idle but woken while running: schedule a `Notified` carrying the
    /// poll's reference.
    OkNotified,
    /// Idle and the poll held the last reference: free the task.
    OkDealloc,
    /// Cancelled while running: the caller still owns `RUNNING` and cancels.
    Cancelled,
}

/// Outcome of the notify transitions.
#[must_use]
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum ToNotified {
    /// Nothing to do.
    DoNothing,
    /// Submit a `Notified` (its reference is accounted for).
    Submit,
    /// The last reference was dropped: free the task.
    Dealloc,
}

/// The atomic state word of a task.
pub(crate) struct State {
    val: AtomicUsize,
}

impl State {
    pub(crate) fn new() -> State {
        State {
            val: AtomicUsize::new(INITIAL),
        }
    }

    pub(crate) fn load(&self) -> Snapshot {
        Snapshot(self.val.load(Acquire))
    }

    /// Runs `f` on the current value in a CAS loop; `f` returns the value to
    /// store and a result, or `None` to leave the word unchanged.
    fn fetch_update<T>(&self, mut f: impl FnMut(Snapshot) -> (Option<Snapshot>, T)) -> T {
        let mut curr = self.load();
        loop {
            let (next, res) = f(curr);
            let Some(next) = next else { return res };
            match self
                .val
                .compare_exchange_weak(curr.0, next.0, AcqRel, Acquire)
            {
                Ok(_) => return res,
                Err(actual) => curr = Snapshot(actual),
            }
        }
    }

    pub(crate) fn transition_to_running(&self) -> ToRunning {
        self.fetch_update(|mut s| {
            debug_assert!(s.is_notified(), "running a task that is not notified");
            if !s.is_idle() {
                s.ref_dec();
                let res = if s.ref_count() == 0 {
                    ToRunning::Dealloc
                } else {
                    ToRunning::Failed
                };
                return (Some(s), res);
            }
            s.0 = (s.0 | RUNNING) & !NOTIFIED;
            let res = if s.is_cancelled() {
                ToRunning::Cancelled
            } else {
                ToRunning::Success
            };
            (Some(s), res)
        })
    }

    /// `yielded`: the task woke itself during the poll without touching the
    /// state word (see the module comment); set `NOTIFIED` here.
    pub(crate) fn transition_to_idle(&self, yielded: bool) -> ToIdle {
        self.fetch_update(|mut s| {
            debug_assert!(s.is_running());
            if s.is_cancelled() {
                return (None, ToIdle::Cancelled);
            }
            s.0 &= !RUNNING;
            if yielded {
                s.0 |= NOTIFIED;
            }
            if s.is_notified() {
                // The poll's reference moves to the new `Notified`.
                return (Some(s), ToIdle::OkNotified);
            }
            s.ref_dec();
            let res = if s.ref_count() == 0 {
                ToIdle::OkDealloc
            } else {
                ToIdle::Ok
            };
            (Some(s), res)
        })
    }

    /// `RUNNING` -> `COMPLETE`. Returns the state after the transition.
    pub(crate) fn transition_to_complete(&self) -> Snapshot {
        let prev = Snapshot(self.val.fetch_xor(RUNNING | COMPLETE, AcqRel));
        debug_assert!(prev.is_running() && !prev.is_complete());
        Snapshot(prev.0 ^ (RUNNING | COMPLETE))
    }

    /// Drops `count` references after completion. Returns true if the
    /// caller must free the task.
    #[must_use]
    pub(crate) fn transition_to_terminal(&self, count: usize) -> bool {
        let prev = Snapshot(self.val.fetch_sub(count * REF_ONE, AcqRel));
        assert!(prev.ref_count() >= count, "task reference count underflow");
        prev.ref_count() == count
    }

    pub(crate) fn transition_to_notified_by_val(&self) -> ToNotified {
        self.fetch_update(|mut s| {
            if s.is_running() {
                s.0 |= NOTIFIED;
                s.ref_dec();
                debug_assert!(s.ref_count() > 0);
                (Some(s), ToNotified::DoNothing)
            } else if s.is_complete() || s.is_notified() {
                s.ref_dec();
                let res = if s.ref_count() == 0 {
                    ToNotified::Dealloc
                } else {
                    ToNotified::DoNothing
                };
                (Some(s), res)
            } else {
                // The new `Notified` gets a reference of its own; the
                // waker keeps its one until `schedule` has returned (the
                // scheduler's `&self` lives in the cell, see the module
                // comment).
                s.0 |= NOTIFIED;
                s.ref_inc();
                (Some(s), ToNotified::Submit)
            }
        })
    }

    pub(crate) fn transition_to_notified_by_ref(&self) -> ToNotified {
        self.fetch_update(|mut s| {
            if s.is_complete() {
                (None, ToNotified::DoNothing)
            } else if s.is_notified() {
                // Merged into the pending notification, but still written
                // (same value): the write releases what the waker did before
                // waking to the poll that consumes the notification, whose
                // `transition_to_running`/`transition_to_idle` acquires it.
                // A plain load here would let that poll miss those writes
                // and lose the wake-up (store-buffering; found by loom).
                (Some(s), ToNotified::DoNothing)
            } else if s.is_running() {
                s.0 |= NOTIFIED;
                (Some(s), ToNotified::DoNothing)
            } else {
                s.0 |= NOTIFIED;
                s.ref_inc();
                (Some(s), ToNotified::Submit)
            }
        })
    }

    /// Returns true if the caller must submit a `Notified` (a new reference
    /// was taken for it).
    #[must_use]
    pub(crate) fn transition_to_notified_and_cancel(&self) -> bool {
        self.fetch_update(|mut s| {
            if s.is_cancelled() || s.is_complete() {
                (None, false)
            } else if s.is_running() || s.is_notified() {
                s.0 |= CANCELLED | NOTIFIED;
                (Some(s), false)
            } else {
                s.0 |= CANCELLED | NOTIFIED;
                s.ref_inc();
                (Some(s), true)
            }
        })
    }

    /// Returns true if the caller acquired `RUNNING` and must cancel.
    #[must_use]
    pub(crate) fn transition_to_shutdown(&self) -> bool {
        self.fetch_update(|mut s| {
            let idle = s.is_idle();
            if idle {
                s.0 |= RUNNING;
            }
            s.0 |= CANCELLED;
            (Some(s), idle)
        })
    }

    /// The `JoinHandle` is dropped. Clears `JOIN_INTEREST`, and `JOIN_WAKER`
    /// too if the task is not complete. Returns the state before.
    pub(crate) fn unset_join_interest(&self) -> Snapshot {
        self.fetch_update(|s| {
            debug_assert!(s.is_join_interested());
            let next = if s.is_complete() {
                s.0 & !JOIN_INTEREST
            } else {
                s.0 & !(JOIN_INTEREST | JOIN_WAKER)
            };
            (Some(Snapshot(next)), s)
        })
    }

    /// Publishes the join waker. Fails (returning the state) if the task
    /// completed meanwhile.
    pub(crate) fn set_join_waker(&self) -> Result<Snapshot, Snapshot> {
        self.fetch_update(|s| {
            debug_assert!(s.is_join_interested() && !s.is_join_waker_set());
            if s.is_complete() {
                return (None, Err(s));
            }
            let next = Snapshot(s.0 | JOIN_WAKER);
            (Some(next), Ok(next))
        })
    }

    /// Takes the join-waker slot back. Fails if the task completed.
    pub(crate) fn unset_join_waker(&self) -> Result<Snapshot, Snapshot> {
        self.fetch_update(|s| {
            debug_assert!(s.is_join_interested() && s.is_join_waker_set());
            if s.is_complete() {
                return (None, Err(s));
            }
            let next = Snapshot(s.0 & !JOIN_WAKER);
            (Some(next), Ok(next))
        })
    }

    pub(crate) fn ref_inc(&self) {
        let prev = self
            .val
            .fetch_add(REF_ONE, std::sync::atomic::Ordering::Relaxed);
        assert!(prev <= isize::MAX as usize, "task reference count overflow");
    }

    /// Returns true if this dropped the last reference.
    #[must_use]
    pub(crate) fn ref_dec(&self) -> bool {
        let prev = Snapshot(self.val.fetch_sub(REF_ONE, AcqRel));
        assert!(prev.ref_count() >= 1, "task reference count underflow");
        prev.ref_count() == 1
    }
}

impl std::fmt::Debug for State {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.load().fmt(f)
    }
}

#[allow(dead_code)]
const _: () = assert!(LIFECYCLE & REF_MASK == 0);
