//! The hand-off to a *spinning* pool thread: the one atomic in the pool.
//!
//! A thread that has just emptied the queue does not go to sleep on the
//! condvar at once: for up to [`SPIN_FOR`] it watches a claim word instead
//! (see `pool.rs`, "Spinning"). A spawner that finds a spinner hands it the
//! task by raising the claim, with no `futex` wake; the spinner sees it
//! within a spin round, with no context switch.
//!
//! # Protocol
//!
//! `Shared::spinning` (under the pool lock) says whether a spinner is
//! available; at most one thread spins at a time. `claimed` (this atomic) is
//! 0 or 1.
//!
//! * **Spawner**, under the lock, after pushing its task: if `spinning`,
//!   clear it and [`SpinSlot::claim`] (store 1). No other wake-up.
//! * **Spinner**, without the lock, while its time lasts:
//!   [`SpinSlot::try_take`] (1 -> 0); on success it locks and pops the queue.
//! * **Spinner giving up** (time is out): it locks, then
//!   [`SpinSlot::take_locked`]: if a claim arrived meanwhile it takes it and
//!   pops the queue; otherwise it clears `spinning` itself, in that same
//!   critical section, and becomes an ordinary idle thread.
//!
//! # Why no task is stranded
//!
//! Claims are only made under the lock while `spinning` is set, and
//! `spinning` is cleared under the lock either by the claimer or by the
//! spinner when it gives up with no claim. So a claim always has a spinner
//! that has not given up yet, and that spinner either takes it lock-free
//! while it spins or finds it under the lock when it gives up (the claim was
//! stored before the claimer released the lock). The task was pushed before
//! the claim in the same critical section, so whoever takes the claim finds
//! it queued, unless another pool thread ran it first, which is just as
//! good. The loom model `loom_spin_handoff` checks a spawner against a
//! spinner that gives up at every possible point.

#[cfg(not(rt_loom))]
use std::sync::atomic::{AtomicUsize, Ordering::AcqRel, Ordering::Acquire, Ordering::Relaxed};

#[cfg(rt_loom)]
use loom::sync::atomic::{AtomicUsize, Ordering::AcqRel, Ordering::Acquire, Ordering::Relaxed};

/// How long a thread that emptied the queue spins before it sleeps.
pub(crate) use rt_task::spin::SPIN_FOR;

/// The claim word shared by the spawners and the spinning thread.
#[derive(Debug, Default)]
pub(crate) struct SpinSlot {
    claimed: AtomicUsize,
}

impl SpinSlot {
    /// Hands the spinner a task. Call with the pool lock held, after
    /// clearing `spinning` (so at most one claim is ever outstanding).
    pub(crate) fn claim(&self) {
        // Release through the lock is not enough: the spinner reads this
        // without the lock, and must then see the push made before it.
        // `AcqRel` on its side pairs with this swap.
        let prev = self.claimed.swap(1, AcqRel);
        debug_assert_eq!(prev, 0, "two claims for one spinner");
    }

    /// The spinner's lock-free check: takes the claim if there is one.
    #[inline]
    pub(crate) fn try_take(&self) -> bool {
        self.claimed.load(Relaxed) == 1
            && self.claimed.compare_exchange(1, 0, AcqRel, Acquire).is_ok()
    }

    /// The spinner's check under the pool lock when it gives up.
    pub(crate) fn take_locked(&self) -> bool {
        self.claimed.swap(0, AcqRel) == 1
    }
}

#[cfg(all(test, rt_loom))]
mod loom_tests {
    use super::SpinSlot;
    use loom::sync::atomic::{AtomicBool, Ordering::SeqCst};
    use loom::sync::{Arc, Mutex};
    use loom::thread;

    /// The pool state the protocol touches: the queue and `spinning`.
    struct Shared {
        queue: Vec<u32>,
        spinning: bool,
        /// Tasks handed to an ordinary idle thread (the condvar path).
        woke_idle: usize,
    }

    /// A spawner races a spinner that spins for `rounds` checks and then
    /// gives up. The task must run exactly once: taken by the spinner, or
    /// left for the idle path only when the spinner had already given up.
    fn model(rounds: usize) {
        loom::model(move || {
            let slot = Arc::new(SpinSlot::default());
            let shared = Arc::new(Mutex::new(Shared {
                queue: Vec::new(),
                spinning: true,
                woke_idle: 0,
            }));
            let ran = Arc::new(AtomicBool::new(false));

            let spawner = {
                let (slot, shared) = (slot.clone(), shared.clone());
                thread::spawn(move || {
                    let mut s = shared.lock().unwrap();
                    s.queue.push(7);
                    if s.spinning {
                        s.spinning = false;
                        slot.claim();
                    } else {
                        // The pool would notify an idle thread (or start
                        // one): that thread pops the queue.
                        s.woke_idle += 1;
                    }
                })
            };

            let mut took = false;
            for _ in 0..rounds {
                if slot.try_take() {
                    took = true;
                    break;
                }
                thread::yield_now();
            }
            {
                let mut s = shared.lock().unwrap();
                if !took {
                    took = slot.take_locked();
                    if !took {
                        s.spinning = false;
                    }
                }
                if took {
                    if let Some(t) = s.queue.pop() {
                        assert_eq!(t, 7);
                        ran.store(true, SeqCst);
                    }
                }
            }
            spawner.join().unwrap();

            let mut s = shared.lock().unwrap();
            if !ran.load(SeqCst) {
                // Not taken by the spinner: the spawner must have taken the
                // idle path, whose thread runs it.
                assert_eq!(s.woke_idle, 1, "the task was stranded");
                assert_eq!(s.queue.pop(), Some(7));
            } else {
                assert_eq!(s.woke_idle, 0, "a task was handed out twice");
            }
            assert!(s.queue.is_empty());
            assert!(!s.spinning);
            assert!(!slot.take_locked(), "a claim was left behind");
        });
    }

    #[test]
    fn loom_spin_handoff_one_round() {
        model(1);
    }

    #[test]
    fn loom_spin_handoff_two_rounds() {
        model(2);
    }
}
