//! `Barrier`: lets a fixed number of tasks wait for each other.
//!
//! Protocol: `state` (a mutex) counts arrivals and numbers generations.
//! A waiter that is not the last creates a `Notified` **while holding the
//! lock**, then waits. The last arrival (the leader) starts a new
//! generation under the lock and calls `notify_waiters` after unlocking;
//! every `Notified` created before that call completes. A waiter re-checks
//! the generation after waking, since a `notify_waiters` of the previous
//! generation may also complete it.

use crate::loom::sync::Mutex;
use crate::notify::Notify;

/// A barrier enables multiple tasks to synchronize the beginning of some
/// computation.
///
/// # Examples
///
/// ```
/// use rt_sync::Barrier;
/// use std::sync::Arc;
///
/// let barrier = Arc::new(Barrier::new(3));
/// let handles: Vec<_> = (0..3)
///     .map(|_| {
///         let b = barrier.clone();
///         std::thread::spawn(move || futures::executor::block_on(b.wait()).is_leader())
///     })
///     .collect();
/// let leaders = handles
///     .into_iter()
///     .map(|h| h.join().unwrap())
///     .filter(|is_leader| *is_leader)
///     .count();
/// assert_eq!(leaders, 1);
/// ```
#[derive(Debug)]
pub struct Barrier {
    state: Mutex<BarrierState>,
    notify: Notify,
    n: usize,
}

#[derive(Debug)]
struct BarrierState {
    arrived: usize,
    generation: usize,
}

/// A `BarrierWaitResult` is returned by `wait` when all tasks in the
/// `Barrier` have rendezvoused.
#[derive(Debug, Clone)]
pub struct BarrierWaitResult(bool);

impl BarrierWaitResult {
    /// Returns `true` if this task from `wait` is the "leader task".
    ///
    /// Only one task will have `true` returned from their result, all other
    /// tasks will have `false` returned.
    pub fn is_leader(&self) -> bool {
        self.0
    }
}

impl Barrier {
    /// Creates a new barrier that can block a given number of tasks.
    ///
    /// A barrier will block `n`-1 tasks which call [`Barrier::wait`] and
    /// then wake up all tasks at once when the `n`th task calls `wait`.
    /// As `std::sync::Barrier` does, a barrier of 0 behaves as a barrier
    /// of 1: every `wait` completes at once.
    pub fn new(n: usize) -> Barrier {
        Barrier {
            state: Mutex::new(BarrierState {
                arrived: 0,
                generation: 0,
            }),
            notify: Notify::new(),
            n: n.max(1),
        }
    }

    /// Does not resolve until all tasks have rendezvoused here.
    ///
    /// Barriers are re-usable after all tasks have rendezvoused once, and
    /// can be used continuously.
    ///
    /// A single (arbitrary) future will receive a [`BarrierWaitResult`]
    /// that returns `true` from [`BarrierWaitResult::is_leader`] when
    /// returning from this function, and all other tasks will receive a
    /// result that will return `false` from `is_leader`.
    ///
    /// # Cancel safety
    ///
    /// This method is not cancel safe: a cancelled `wait` still counts as
    /// an arrival.
    pub async fn wait(&self) -> BarrierWaitResult {
        let (generation, mut notified) = {
            let mut state = self.state.lock();
            let generation = state.generation;
            state.arrived += 1;
            if state.arrived == self.n {
                state.arrived = 0;
                state.generation = generation.wrapping_add(1);
                drop(state);
                self.notify.notify_waiters();
                return BarrierWaitResult(true);
            }
            (generation, self.notify.notified())
        };
        loop {
            notified.await;
            let state = self.state.lock();
            if state.generation != generation {
                return BarrierWaitResult(false);
            }
            notified = self.notify.notified();
        }
    }
}
