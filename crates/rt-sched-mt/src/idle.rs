//! Idle accounting: which workers are parked, how many are searching for
//! work, and whom to wake when work appears.
//!
//! # State
//!
//! One atomic word packs two counters: `unparked` (workers not registered as
//! parked, in the high bits) and `searching` (workers looking for work to
//! steal, in the low [`SEARCH_BITS`] bits; a searching worker is also
//! unparked). A mutex guards the list of `sleepers` (parked workers, most
//! recent last) and one `parked` flag per worker. Every change of the word is
//! a `SeqCst` read-modify-write; the word changes only under the mutex when a
//! worker enters or leaves the sleepers.
//!
//! # Protocol
//!
//! 1. **Push** (any thread): put the task on a queue (the injector, or the
//!    pusher's own run queue), *then* call [`Idle::worker_to_notify`]. It
//!    reads the word with an RMW (`fetch_add(0)`); if some worker is
//!    searching, or no worker is parked, nobody is woken: that costs one
//!    atomic and no system call. Otherwise, under the mutex and after
//!    checking again, it pops a sleeper, counts it unparked *and searching*
//!    (so that concurrent pushes do not wake a second worker for the same
//!    work), and the caller unparks it.
//! 2. **Search** (a worker out of local work): [`Idle::transition_worker_to_searching`]
//!    succeeds unless at least half of the workers already search (the
//!    check and the increment are separate, so the bound can be overshot by
//!    racing workers, which is harmless). A worker that may not search parks
//!    at once.
//! 3. **Found work** (a searching worker is about to run a task):
//!    [`Idle::transition_worker_from_searching`]; if it was the *last*
//!    searcher, it wakes another worker (step 1 without the push), because
//!    pushes that happened while it searched woke nobody.
//! 4. **Park** (a worker found nothing): [`Idle::transition_worker_to_parked`]
//!    registers it as a sleeper and decrements `unparked` (and `searching`
//!    if it searched) in one RMW. If it was the *last* searcher, it checks
//!    every queue once more and wakes a worker (possibly itself) if any
//!    holds work. Then it parks on its own parker, which remembers an
//!    unpark that comes before the park.
//! 5. **Wake-up**: the worker asks [`Idle::is_parked`]. If it is no longer a
//!    sleeper, a notifier took it out in step 1 and it starts searching. If
//!    it still is (a spurious or timed wake-up), it parks again — unless it
//!    found work of its own (a driver event scheduled a task on it), in which
//!    case [`Idle::unpark_worker_by_id`] takes it out of the sleepers itself
//!    (it is then not searching, unless a notifier beat it to it).
//!
//! # Why no wake-up is lost
//!
//! Claim: when a task has been pushed, some worker will look at its queue.
//! Every actor does an RMW on the one word, so all of their steps are totally
//! ordered, and each RMW synchronises with the previous one (an RMW always
//! reads the latest value and carries release/acquire): whatever a thread did
//! before its RMW is visible to every thread after a later RMW.
//!
//! Let `P` be the pusher's RMW in step 1 (after its push).
//!
//! * If `P` reads `searching > 0`: take the searchers counted at `P`. Each
//!   leaves searching later with its own RMW, which therefore sees the push.
//!   The last one to leave either parks (step 4) and re-checks every queue
//!   after its RMW, so it finds the task and wakes someone; or it found work
//!   (step 3) and wakes a worker, which then searches, after `P`, all queues.
//!   (A worker that becomes a searcher after `P` looks at the queues after
//!   its RMW, so it sees the task too.)
//! * If `P` reads `unparked == workers` and no searcher: every worker is
//!   running. Each one, before it parks, searches (step 2) or, if it may not
//!   search, parks while searchers exist — reduced to the previous case.
//!   A worker that becomes a searcher after `P` sees the push; one whose
//!   park RMW comes after `P` without searching is covered by the searchers.
//! * Otherwise `P` finds a sleeper, counts it as unparked and searching, and
//!   unparks it; the parker remembers the unpark even if the worker has not
//!   blocked yet, and the woken worker searches every queue after `P`.
//!
//! The loom model `loom_tests::spawn_vs_park` checks exactly this with two
//! workers and one pusher, including the driver hand-off of the parker.

use crate::loom::sync::atomic::{AtomicUsize, Ordering::SeqCst};
use crate::loom::sync::{Mutex, MutexGuard};

/// Bits of the state word that count searching workers.
const SEARCH_BITS: u32 = 16;
/// Mask of the searching count.
const SEARCH_MASK: usize = (1 << SEARCH_BITS) - 1;
/// One unparked worker.
const UNPARK_ONE: usize = 1 << SEARCH_BITS;

/// The idle/searching bookkeeping of one pool.
pub(crate) struct Idle {
    state: AtomicUsize,
    num_workers: usize,
    sleepers: Mutex<Sleepers>,
}

struct Sleepers {
    /// Parked workers, most recent last.
    list: Vec<usize>,
    /// `parked[i]` iff `i` is in `list`.
    parked: Vec<bool>,
}

fn searching(state: usize) -> usize {
    state & SEARCH_MASK
}

fn unparked(state: usize) -> usize {
    state >> SEARCH_BITS
}

impl Idle {
    /// All `num_workers` workers start unparked and not searching.
    pub(crate) fn new(num_workers: usize) -> Idle {
        assert!(
            num_workers > 0 && num_workers < SEARCH_MASK,
            "bad worker count {num_workers}"
        );
        Idle {
            state: AtomicUsize::new(num_workers << SEARCH_BITS),
            num_workers,
            sleepers: Mutex::new(Sleepers {
                list: Vec::with_capacity(num_workers),
                parked: vec![false; num_workers],
            }),
        }
    }

    fn lock(&self) -> MutexGuard<'_, Sleepers> {
        self.sleepers.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Step 1: after a push, returns the worker to unpark, if one should be
    /// woken; it is already counted as unparked and searching.
    pub(crate) fn worker_to_notify(&self) -> Option<usize> {
        if !self.notify_should_wakeup() {
            return None;
        }
        let mut sleepers = self.lock();
        if !self.notify_should_wakeup() {
            return None;
        }
        let index = sleepers.list.pop()?;
        sleepers.parked[index] = false;
        self.state.fetch_add(UNPARK_ONE | 1, SeqCst);
        Some(index)
    }

    /// Nobody searches and somebody sleeps. An RMW, not a load: see the
    /// module comment.
    fn notify_should_wakeup(&self) -> bool {
        let state = self.state.fetch_add(0, SeqCst);
        searching(state) == 0 && unparked(state) < self.num_workers
    }

    /// Step 2: tries to become a searcher; false if half the workers already
    /// search.
    pub(crate) fn transition_worker_to_searching(&self) -> bool {
        let state = self.state.load(SeqCst);
        if 2 * searching(state) >= self.num_workers {
            return false;
        }
        self.state.fetch_add(1, SeqCst);
        true
    }

    /// Step 3: a searcher found work. Returns true if it was the last
    /// searcher (the caller must then wake another worker).
    #[must_use]
    pub(crate) fn transition_worker_from_searching(&self) -> bool {
        let prev = self.state.fetch_sub(1, SeqCst);
        debug_assert!(searching(prev) > 0);
        searching(prev) == 1
    }

    /// Step 4: registers `index` as parked. Returns true if it was the last
    /// searcher (the caller must then re-check every queue).
    #[must_use]
    pub(crate) fn transition_worker_to_parked(&self, index: usize, is_searching: bool) -> bool {
        let mut sleepers = self.lock();
        let dec = UNPARK_ONE | usize::from(is_searching);
        let prev = self.state.fetch_sub(dec, SeqCst);
        debug_assert!(unparked(prev) > 0);
        debug_assert!(!sleepers.parked[index]);
        sleepers.list.push(index);
        sleepers.parked[index] = true;
        is_searching && searching(prev) == 1
    }

    /// Step 5, own work found: takes `index` out of the sleepers. Returns
    /// true if it was still there (it is now unparked, not searching); false
    /// if a notifier took it out first (it is unparked and searching).
    #[must_use]
    pub(crate) fn unpark_worker_by_id(&self, index: usize) -> bool {
        let mut sleepers = self.lock();
        if !sleepers.parked[index] {
            return false;
        }
        sleepers.parked[index] = false;
        if let Some(pos) = sleepers.list.iter().position(|&i| i == index) {
            sleepers.list.swap_remove(pos);
        }
        self.state.fetch_add(UNPARK_ONE, SeqCst);
        true
    }

    /// Step 5: whether `index` is still registered as parked.
    pub(crate) fn is_parked(&self, index: usize) -> bool {
        self.lock().parked[index]
    }

    /// A cheap hint (one load, no RMW) that a notification would wake
    /// someone: nobody searches and somebody sleeps. Only for heuristics.
    pub(crate) fn notify_hint(&self) -> bool {
        let state = self.state.load(SeqCst);
        searching(state) == 0 && unparked(state) < self.num_workers
    }

    /// The number of workers not registered as parked (a snapshot).
    pub(crate) fn num_unparked(&self) -> usize {
        unparked(self.state.load(SeqCst))
    }
}

impl std::fmt::Debug for Idle {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let state = self.state.load(SeqCst);
        f.debug_struct("Idle")
            .field("unparked", &unparked(state))
            .field("searching", &searching(state))
            .field("num_workers", &self.num_workers)
            .finish()
    }
}
