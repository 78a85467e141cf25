//! The worker: its core (run queue, tick, search state), the run loop, and
//! `block_in_place`.
//!
//! # The run loop
//!
//! A worker thread holds a [`Core`] and repeats:
//!
//! 1. every `event_interval` ticks, poll the driver without blocking (if no
//!    other worker holds it) and check whether the pool was closed;
//! 2. take a task: every `global_queue_interval` ticks a batch from the
//!    injection queue first, otherwise the LIFO slot, then the local queue,
//!    then a batch from the injection queue;
//! 3. else steal (as a *searching* worker, see `idle.rs`): half of the queue
//!    of each other worker in turn, starting at a random one, then a batch
//!    of the injection queue;
//! 4. else, if tasks yielded, put them back on the local queue and go on;
//! 5. else, while the spin hint holds, keep searching for a short while if
//!    it ran tasks since it last spun ("Spinning before parking");
//! 6. else park (on the driver if it is free, else on the worker's condvar).
//!
//! Running a task: the task is polled inside a fresh cooperative budget;
//! then, while the poll left a task in the LIFO slot and budget remains, that
//! task runs right away on the same budget (message passing between two
//! tasks stays on one warm core).
//!
//! # Pushing
//!
//! * From a worker that holds its core, a spawn or wake-up goes to the LIFO
//!   slot; the task it displaces goes to the back of the local queue. Once
//!   LIFO is disabled, tasks go to the back of the local queue directly.
//! * A task that yields (wakes itself while it runs: `yield_now`, a spent
//!   cooperative budget) is *deferred*: it waits in a per-core list until the
//!   worker finds no other task locally, in the injection queue or to steal
//!   (or the next `event_interval` maintenance), then goes to the back of
//!   the local queue. So busy tasks that keep yielding do not hold back injected work
//!   (as in Tokio, whose `yield_now` defers the same way). The run loop gets
//!   such a task back from `Notified::run_yielding` and defers it itself: no
//!   context look-up, no `Schedule` call (whose `&self` lives in the task).
//! * A push onto an *empty* local queue notifies a parked worker (idle.rs,
//!   step 1): a non-empty queue already carries that obligation, so pushes
//!   behind it cost no read-modify-write on the shared idle word.
//! * A full local queue (256 tasks) moves its older half to the injection
//!   queue (`worker_overflow_count`).
//! * Everything else (other threads, a worker without its core) goes to the
//!   injection queue and notifies.
//!
//! # Spinning before parking
//!
//! A task that awaits a blocking-pool task (every `rt-fs` operation) is woken
//! from a pool thread; if its worker has gone to sleep, that wake-up costs a
//! futex wake and a context switch, more than a small file operation itself.
//! So while [`Config::spin_hint`](crate::Config::spin_hint) says such a
//! wake-up is coming, a worker that ran tasks since it last spun, and is
//! counted as searching, keeps looking at the queues for up to 50 µs
//! ([`rt_task::spin::SpinBackoff`]) before it parks. It stays a searcher
//! meanwhile, so the remote push sees a searcher and wakes nobody (idle.rs,
//! step 1), and the spinner takes the task itself: the idle protocol is
//! unchanged (a searcher that searches longer). Fruitless spins back off,
//! so a long blocking task costs little. Without the
//! hint nothing spins: spinning in general made the contended channel
//! benchmarks slower on an oversubscribed machine. Tokio parks at once.
//!
//! # LIFO starvation guard
//!
//! After `MAX_LIFO_POLLS` (3) consecutive LIFO polls in one tick, LIFO is
//! disabled until the next tick, so the next wake-up goes to the back of
//! the queue: two tasks that keep waking each other cannot starve the rest.
//!
//! # The stealable LIFO slot
//!
//! The slot is an atomic cell, so other threads can take its task. Searching
//! workers leave it alone (the owner is about to run it), but a task in the
//! slot of a worker that stays inside one poll for a long time (a task that
//! blocks the thread without `block_in_place`) would otherwise wait until
//! that poll returns — Tokio's known starvation shape. Here:
//!
//! * A worker that parks while other workers are unparked becomes the
//!   *watcher* (one at a time, the `watching` flag): it parks with a timeout
//!   of `LIFO_STEAL_AFTER` and, each time it wakes, compares every other
//!   worker's poll counter with the value it saw a period earlier. A worker
//!   whose counter did not move has been inside one poll for at least a
//!   period: the watcher takes its LIFO task and runs it.
//! * A worker that puts a task into its *empty* LIFO slot while there is no
//!   watcher, nobody searches and somebody is parked, wakes a parked worker;
//!   that worker finds nothing to do and parks as the watcher. (The watcher
//!   clears `watching` and then re-reads the unparked count; the pusher was
//!   counted unparked before it reads `watching`: both sides are SeqCst, so
//!   one of them sees the other.)
//! * The watcher stops watching (and parks without a timeout) when no other
//!   worker is unparked: an idle pool has every worker blocked in the kernel.
//! * A worker entering `block_in_place` moves its LIFO task to its queue
//!   before handing its core over, so searchers can take it at once.
//!
//! This is a liveness heuristic, not a correctness protocol: a race that
//! misses a watcher only delays the LIFO task until its owner's poll returns,
//! as in Tokio.
//!
//! # `block_in_place`
//!
//! The worker puts its core in its hand-off slot, starts a thread (the
//! blocking pool's, through `spawn_mandatory_blocking`, or a plain thread if
//! there is no blocking pool) that takes the core from the slot and runs the
//! loop with it, and runs the closure outside the runtime. When the closure
//! returns, the thread takes the core back if the new thread has not taken
//! it yet; otherwise it finishes the current poll without a core and then
//! leaves the loop (its thread ends).

use std::cell::RefCell;
use std::sync::Arc;
use std::time::{Duration, Instant};

use crossbeam_deque::{Steal, Worker};
use rt_task::context::{self, EnterRuntime};
use rt_task::coop;
use rt_task::spin::SpinBackoff;

use crate::handle::{bump, Handle, Notif};
use crate::rand::FastRand;

/// Capacity of a local run queue before it overflows into the injector.
pub(crate) const LOCAL_QUEUE_CAPACITY: usize = 256;
/// Consecutive LIFO polls before LIFO is disabled for the tick.
const MAX_LIFO_POLLS: u32 = 3;
/// How long a LIFO task may wait behind a poll that does not return before
/// the watcher steals it.
pub(crate) const LIFO_STEAL_AFTER: Duration = Duration::from_millis(10);

/// The run state of one worker. Owned by exactly one thread at a time; it
/// moves to another thread with `block_in_place`.
pub(crate) struct Core {
    pub(crate) index: usize,
    /// Ticks left until the next look at the injection queue first (counts
    /// down from `global_queue_interval`; no division per tick).
    global_countdown: u32,
    /// Ticks left until the next maintenance (from `event_interval`).
    event_countdown: u32,
    pub(crate) run_queue: Worker<Notif>,
    /// Tasks that yielded (woke themselves while running): they go back to
    /// the run queue once the worker has nothing else to run, and every
    /// `event_interval` ticks.
    pub(crate) deferred: Vec<Notif>,
    /// The LIFO slot may hold a task (only this core fills it; a watcher may
    /// empty it behind our back, so `true` means "maybe").
    lifo_maybe: bool,
    lifo_enabled: bool,
    is_searching: bool,
    is_shutdown: bool,
    is_watcher: bool,
    /// Poll counters of the other workers at `watch_at`.
    watch: Vec<u64>,
    watch_at: Instant,
    rand: FastRand,
    polls: u64,
    polls_at_unpark: u64,
    /// `polls` when the worker last spun: it spins again only after running
    /// a task.
    polls_at_spin: u64,
    /// When to spin before parking.
    spin: SpinBackoff,
    busy_since: Instant,
    global_queue_interval: u32,
    event_interval: u32,
}

impl Core {
    pub(crate) fn new(
        index: usize,
        num_workers: usize,
        run_queue: Worker<Notif>,
        config: &crate::Config,
    ) -> Core {
        Core {
            index,
            global_countdown: config.global_queue_interval.unwrap_or(61),
            event_countdown: config.event_interval,
            run_queue,
            deferred: Vec::new(),
            lifo_maybe: false,
            lifo_enabled: !config.disable_lifo_slot,
            is_searching: false,
            is_shutdown: false,
            is_watcher: false,
            watch: vec![0; num_workers],
            watch_at: Instant::now(),
            rand: FastRand::new(index as u64),
            polls: 0,
            polls_at_unpark: 0,
            polls_at_spin: 0,
            spin: SpinBackoff::default(),
            busy_since: Instant::now(),
            global_queue_interval: config.global_queue_interval.unwrap_or(61),
            event_interval: config.event_interval,
        }
    }

    fn has_tasks(&self) -> bool {
        self.lifo_maybe || !self.run_queue.is_empty() || !self.deferred.is_empty()
    }

    /// Schedules `task` on this core (the caller holds it).
    pub(crate) fn schedule_local(&mut self, handle: &Handle, task: Notif, is_yield: bool) {
        if is_yield {
            self.deferred.push(task);
            return;
        }
        if !self.lifo_enabled {
            self.push_back(handle, task);
            return;
        }
        let hot = &handle.remotes[self.index].hot;
        let prev = hot.lifo.swap(Some(task));
        self.lifo_maybe = true;
        match prev {
            Some(prev) => self.push_back(handle, prev),
            None => {
                // See "The stealable LIFO slot": make sure someone watches.
                if !handle.watching.load(std::sync::atomic::Ordering::SeqCst)
                    && handle.idle.notify_hint()
                {
                    handle.notify_parked();
                }
            }
        }
    }

    /// Pushes to the back of the local queue, overflowing into the
    /// injector, and notifies if the queue was empty.
    fn push_back(&mut self, handle: &Handle, task: Notif) {
        let len = self.run_queue.len();
        if len >= LOCAL_QUEUE_CAPACITY {
            // Move the older half (and this task) to the injector.
            for _ in 0..LOCAL_QUEUE_CAPACITY / 2 {
                match self.run_queue.pop() {
                    Some(t) => handle.push_remote(t),
                    None => break,
                }
            }
            handle.push_remote(task);
            bump(&handle.remotes[self.index].hot.metrics.overflows, 1);
            handle.notify_parked();
            return;
        }
        self.run_queue.push(task);
        if len == 0 {
            handle.notify_parked();
        }
    }

    /// Moves the yielded tasks to the back of the run queue.
    fn flush_deferred(&mut self, handle: &Handle) {
        if self.deferred.is_empty() {
            return;
        }
        let mut tasks = std::mem::take(&mut self.deferred);
        for task in tasks.drain(..) {
            self.push_back(handle, task);
        }
        // Keep the allocation.
        self.deferred = tasks;
    }

    fn take_lifo(&mut self, handle: &Handle) -> Option<Notif> {
        if !self.lifo_maybe {
            return None;
        }
        self.lifo_maybe = false;
        handle.remotes[self.index].hot.lifo.take()
    }

    fn next_local_task(&mut self, handle: &Handle) -> Option<Notif> {
        self.take_lifo(handle).or_else(|| self.run_queue.pop())
    }

    fn next_task(&mut self, handle: &Handle) -> Option<Notif> {
        self.global_countdown -= 1;
        if self.global_countdown == 0 {
            self.global_countdown = self.global_queue_interval;
            // Remote work first now and then, so a busy worker does not
            // starve it; take a batch, so it drains at the pace of the
            // tasks, not of the interval.
            return self
                .pop_inject_batch(handle)
                .or_else(|| self.next_local_task(handle));
        }
        self.next_local_task(handle)
            .or_else(|| self.pop_inject_batch(handle))
    }

    /// Takes a fair share (up to half a local queue) of the injection
    /// queue: one task to run now, the rest onto the local queue.
    fn pop_inject_batch(&mut self, handle: &Handle) -> Option<Notif> {
        if handle.inject.is_empty() {
            return None;
        }
        let room = LOCAL_QUEUE_CAPACITY
            .saturating_sub(self.run_queue.len())
            .min(LOCAL_QUEUE_CAPACITY / 2);
        let n = (handle.inject.len() / handle.remotes.len() + 1)
            .min(room)
            .max(1);
        loop {
            match handle
                .inject
                .steal_batch_with_limit_and_pop(&self.run_queue, n)
            {
                Steal::Success(t) => return Some(t),
                Steal::Empty => return None,
                Steal::Retry => std::hint::spin_loop(),
            }
        }
    }

    fn transition_to_searching(&mut self, handle: &Handle) -> bool {
        if !self.is_searching {
            self.is_searching = handle.idle.transition_worker_to_searching();
        }
        self.is_searching
    }

    fn transition_from_searching(&mut self, handle: &Handle) {
        if !self.is_searching {
            return;
        }
        self.is_searching = false;
        if handle.idle.transition_worker_from_searching() {
            // The last searcher found work: pushes made while it searched
            // woke nobody, so wake somebody now.
            handle.notify_parked();
        }
    }

    /// Steals a batch from another worker or the injector.
    fn steal_work(&mut self, handle: &Handle) -> Option<Notif> {
        if !self.transition_to_searching(handle) {
            return None;
        }
        let n = handle.remotes.len();
        let start = self.rand.next_n(n as u32) as usize;
        let metrics = &handle.remotes[self.index].hot.metrics;
        // A `Retry` means another thread raced us on that queue; look again,
        // a bounded number of times (a later search catches the rest).
        for _ in 0..4 {
            let mut retry = false;
            for i in 0..n {
                let victim = (start + i) % n;
                if victim == self.index {
                    continue;
                }
                let before = self.run_queue.len();
                match handle.remotes[victim]
                    .steal
                    .steal_batch_with_limit_and_pop(&self.run_queue, LOCAL_QUEUE_CAPACITY / 2)
                {
                    Steal::Success(task) => {
                        let stolen = self.run_queue.len().saturating_sub(before) as u64 + 1;
                        bump(&metrics.steals, stolen);
                        bump(&metrics.steal_operations, 1);
                        return Some(task);
                    }
                    Steal::Retry => retry = true,
                    Steal::Empty => {}
                }
            }
            match handle.inject.steal_batch_and_pop(&self.run_queue) {
                Steal::Success(task) => return Some(task),
                Steal::Retry => retry = true,
                Steal::Empty => {}
            }
            if !retry {
                break;
            }
        }
        None
    }

    /// Step 5 of the run loop, before parking: while the spin hint expects
    /// a wake-up from another thread, a worker that ran tasks since it last
    /// spun and is still *searching* keeps searching for a short while (see
    /// "Spinning before parking").
    fn spin_for_work(&mut self, handle: &Handle) -> Option<Notif> {
        let hint = handle.config.spin_hint.as_ref()?;
        if !self.is_searching || self.polls == self.polls_at_spin {
            return None;
        }
        self.polls_at_spin = self.polls;
        let mut spin = std::mem::take(&mut self.spin);
        let found = spin.spin(
            || hint(),
            || {
                if handle.is_closed() {
                    return Some(None);
                }
                if self.work_visible(handle) {
                    return self.steal_work(handle).map(Some);
                }
                None
            },
        );
        self.spin = spin;
        found.flatten()
    }

    /// A cheap look (no RMW) at the injector and the other run queues.
    fn work_visible(&self, handle: &Handle) -> bool {
        !handle.inject.is_empty()
            || handle
                .remotes
                .iter()
                .enumerate()
                .any(|(i, r)| i != self.index && !r.steal.is_empty())
    }

    /// Registers the worker as parked unless it has work. Returns false if
    /// it must not park.
    fn transition_to_parked(&mut self, handle: &Handle) -> bool {
        if self.has_tasks() {
            return false;
        }
        let is_last_searcher = handle
            .idle
            .transition_worker_to_parked(self.index, self.is_searching);
        self.is_searching = false;
        if is_last_searcher {
            handle.notify_if_work_pending();
        }
        true
    }

    /// After a wake-up: returns true if the worker leaves the parked state.
    fn transition_from_parked(&mut self, handle: &Handle) -> bool {
        if self.has_tasks() {
            // Work of our own (a driver event, a stolen LIFO task): leave
            // the sleepers ourselves; searching only if a notifier beat us.
            self.is_searching = !handle.idle.unpark_worker_by_id(self.index);
            return true;
        }
        if handle.idle.is_parked(self.index) {
            return false;
        }
        // A notifier took us out of the sleepers and counted us searching.
        self.is_searching = true;
        true
    }

    /// Decides the timeout of the next park: the watcher parks for
    /// `LIFO_STEAL_AFTER`, everyone else without a timeout.
    fn watch_timeout(&mut self, handle: &Handle) -> Option<Duration> {
        use std::sync::atomic::Ordering::SeqCst;
        let n = handle.remotes.len();
        if n == 1 {
            return None;
        }
        if self.is_watcher {
            if handle.idle.num_unparked() > 0 {
                return Some(LIFO_STEAL_AFTER);
            }
            // Nobody runs: stop watching. Then look again, in case a worker
            // woke up and read `watching` before we cleared it.
            self.is_watcher = false;
            handle.watching.store(false, SeqCst);
        }
        if handle.idle.num_unparked() > 0
            && handle
                .watching
                .compare_exchange(false, true, SeqCst, SeqCst)
                .is_ok()
        {
            self.is_watcher = true;
            self.snapshot_polls(handle);
            return Some(LIFO_STEAL_AFTER);
        }
        None
    }

    fn snapshot_polls(&mut self, handle: &Handle) {
        use std::sync::atomic::Ordering::Relaxed;
        for (i, remote) in handle.remotes.iter().enumerate() {
            self.watch[i] = remote.hot.metrics.polls.load(Relaxed);
        }
        self.watch_at = Instant::now();
    }

    /// The watcher woke up: steal the LIFO task of every worker whose poll
    /// counter has not moved for a whole period.
    fn watch_lifo_slots(&mut self, handle: &Handle) {
        use std::sync::atomic::Ordering::Relaxed;
        if self.watch_at.elapsed() < LIFO_STEAL_AFTER {
            return;
        }
        let metrics = &handle.remotes[self.index].hot.metrics;
        for (i, remote) in handle.remotes.iter().enumerate() {
            if i == self.index {
                continue;
            }
            let polls = remote.hot.metrics.polls.load(Relaxed);
            if polls == self.watch[i] {
                if let Some(task) = remote.hot.lifo.take() {
                    self.run_queue.push(task);
                    bump(&metrics.steals, 1);
                    bump(&metrics.steal_operations, 1);
                }
            }
        }
        self.snapshot_polls(handle);
    }

    fn release_watcher(&mut self, handle: &Handle) {
        if self.is_watcher {
            self.is_watcher = false;
            handle
                .watching
                .store(false, std::sync::atomic::Ordering::SeqCst);
        }
    }

    /// Bookkeeping right before blocking.
    fn about_to_park(&mut self, handle: &Handle) {
        let metrics = &handle.remotes[self.index].hot.metrics;
        bump(&metrics.parks, 1);
        if self.polls == self.polls_at_unpark
            && metrics.unparks.load(std::sync::atomic::Ordering::Relaxed) > 0
        {
            bump(&metrics.noops, 1);
        }
        let busy = self.busy_since.elapsed();
        bump(
            &metrics.busy_nanos,
            busy.as_nanos().min(u64::MAX as u128) as u64,
        );
    }

    /// Bookkeeping right after waking up.
    fn unparked(&mut self, handle: &Handle) {
        bump(&handle.remotes[self.index].hot.metrics.unparks, 1);
        self.polls_at_unpark = self.polls;
        self.busy_since = Instant::now();
    }

    #[inline]
    fn count_poll(&mut self, handle: &Handle) {
        self.polls += 1;
        handle.remotes[self.index]
            .hot
            .metrics
            .polls
            .store(self.polls, std::sync::atomic::Ordering::Relaxed);
    }
}

/// What a worker thread registers in rt-task's context (with
/// `set_scheduler`) while it runs the loop: its pool and, while a task is
/// polled or the worker is parked, its core.
pub(crate) struct WorkerCtx {
    pub(crate) handle: Arc<Handle>,
    pub(crate) core: RefCell<Option<Box<Core>>>,
}

/// Runs the worker loop with `core` on this thread until the pool is closed
/// (the core is then handed back for shutdown) or the core is handed over
/// by `block_in_place`.
pub(crate) fn run_worker(handle: &Arc<Handle>, core: Box<Core>) {
    struct Unwind<'a> {
        handle: &'a Handle,
        armed: bool,
    }
    impl Drop for Unwind<'_> {
        fn drop(&mut self) {
            if self.armed {
                self.handle.core_lost();
            }
        }
    }
    let mut unwind = Unwind {
        handle,
        armed: true,
    };
    let cx = WorkerCtx {
        handle: handle.clone(),
        core: RefCell::new(None),
    };
    let core = context::set_scheduler(&cx, || cx.run(core));
    unwind.armed = false;
    if let Some(core) = core {
        handle.return_core(core);
    }
}

impl WorkerCtx {
    fn run(&self, mut core: Box<Core>) -> Option<Box<Core>> {
        let handle = &*self.handle;
        core.busy_since = Instant::now();
        core.is_shutdown = handle.is_closed();
        while !core.is_shutdown {
            core.event_countdown -= 1;
            if core.event_countdown == 0 {
                core.event_countdown = core.event_interval;
                core = self.maintenance(core);
                if core.is_shutdown {
                    break;
                }
            }
            if let Some(task) = core.next_task(handle) {
                core = self.run_task(task, core)?;
                continue;
            }
            if let Some(task) = core.steal_work(handle) {
                core = self.run_task(task, core)?;
                continue;
            }
            if !core.deferred.is_empty() {
                // Only yielded tasks are left: their turn.
                core.flush_deferred(handle);
                continue;
            }
            if let Some(task) = core.spin_for_work(handle) {
                core = self.run_task(task, core)?;
                continue;
            }
            core = self.park(core);
        }
        core.release_watcher(handle);
        // Cancel tasks (in parallel with the other workers and the thread
        // that shuts the pool down).
        handle.owned.close_and_shutdown_all();
        Some(core)
    }

    fn run_task(&self, task: Notif, mut core: Box<Core>) -> Option<Box<Core>> {
        let handle = &*self.handle;
        core.transition_from_searching(handle);
        core.lifo_enabled = !handle.config.disable_lifo_slot;
        core.count_poll(handle);
        *self.core.borrow_mut() = Some(core);
        coop::budget(|| {
            let mut yielded = task.run_yielding();
            let mut lifo_polls = 0;
            loop {
                let Some(mut core) = self.core.borrow_mut().take() else {
                    // `block_in_place` gave the core to another thread.
                    if let Some(task) = yielded {
                        handle.push_remote(task);
                        handle.notify_parked();
                    }
                    return None;
                };
                if let Some(task) = yielded.take() {
                    // It woke itself while running: deferred (see "Pushing").
                    core.deferred.push(task);
                }
                let Some(task) = core.take_lifo(handle) else {
                    return Some(core);
                };
                if !coop::has_budget_remaining() {
                    // The budget is spent: the LIFO task waits its turn.
                    core.push_back(handle, task);
                    return Some(core);
                }
                lifo_polls += 1;
                if lifo_polls >= MAX_LIFO_POLLS {
                    core.lifo_enabled = false;
                }
                core.count_poll(handle);
                *self.core.borrow_mut() = Some(core);
                yielded = task.run_yielding();
            }
        })
    }

    /// Every `event_interval` ticks: let the driver deliver events without
    /// blocking, and look for shutdown.
    fn maintenance(&self, mut core: Box<Core>) -> Box<Core> {
        let handle = &*self.handle;
        *self.core.borrow_mut() = Some(core);
        handle.driver.poll_nonblocking();
        core = self
            .core
            .borrow_mut()
            .take()
            .expect("core missing after polling the driver");
        core.flush_deferred(handle);
        core.is_shutdown = handle.is_closed();
        core
    }

    fn park(&self, mut core: Box<Core>) -> Box<Core> {
        let handle = &*self.handle;
        if let Some(f) = &handle.config.before_park {
            f();
        }
        // The hook may have scheduled work for us: then we do not park.
        if core.transition_to_parked(handle) {
            while !core.is_shutdown {
                let timeout = core.watch_timeout(handle);
                core.about_to_park(handle);
                core = self.park_timeout(core, timeout);
                core.unparked(handle);
                core.is_shutdown = handle.is_closed();
                if core.is_watcher {
                    core.watch_lifo_slots(handle);
                }
                if core.transition_from_parked(handle) {
                    break;
                }
            }
            core.release_watcher(handle);
        }
        if let Some(f) = &handle.config.after_unpark {
            f();
        }
        core
    }

    /// Blocks on the driver or the condvar, with the core in the context so
    /// that driver events scheduled on this thread land in its queues.
    fn park_timeout(&self, core: Box<Core>, timeout: Option<Duration>) -> Box<Core> {
        let handle = &*self.handle;
        let index = core.index;
        *self.core.borrow_mut() = Some(core);
        handle.remotes[index].parker.park(&handle.driver, timeout);
        self.core
            .borrow_mut()
            .take()
            .expect("core missing after park")
    }
}

/// Starts a worker: enters the runtime context for the thread's whole life,
/// takes the core waiting in hand-off slot `index` (if another thread has
/// not taken it) and runs it. `hooks`: run `after_start`/`before_stop`
/// (threads of the blocking pool run the pool's own).
pub(crate) fn worker_thread(handle: Arc<Handle>, index: usize, hooks: bool) {
    let handles = handle
        .context
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .clone();
    let _enter = handles.map(context::enter);
    let _runtime = context::enter_runtime(true);
    if hooks {
        if let Some(f) = &handle.config.after_start {
            f();
        }
    }
    if let Some(core) = handle.remotes[index].handoff.take() {
        run_worker(&handle, core);
    }
    if hooks {
        if let Some(f) = &handle.config.before_stop {
            f();
        }
    }
}

/// Spawns a plain thread running [`worker_thread`] and records it so that
/// shutdown joins it.
pub(crate) fn spawn_worker_thread(handle: &Arc<Handle>, index: usize) -> std::io::Result<()> {
    let mut builder = std::thread::Builder::new().name((handle.config.thread_name)());
    if let Some(size) = handle.config.stack_size {
        builder = builder.stack_size(size);
    }
    let h = handle.clone();
    let join = builder.spawn(move || worker_thread(h, index, true))?;
    handle
        .threads
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .push(join);
    Ok(())
}

/// Gives `core` to a new thread (blocking pool first, plain thread else).
/// If no thread can be started, the core stays in the slot and the caller
/// takes it back when its closure returns.
fn hand_off(handle: &Arc<Handle>, core: Box<Core>) {
    let index = core.index;
    handle.remotes[index].handoff.store(Some(core));
    if let Some(spawner) = rt_blocking::Spawner::try_current() {
        let h = handle.clone();
        if spawner
            .spawn_mandatory_blocking(move || worker_thread(h, index, false))
            .is_some()
        {
            return;
        }
    }
    let _ = spawn_worker_thread(handle, index);
}

const BLOCK_IN_PLACE_CURRENT_THREAD: &str =
    "can call blocking only when running on the multi-threaded runtime";

/// Runs the provided blocking function on the current thread without
/// blocking the executor.
///
/// In general, issuing a blocking call or performing a lot of compute in a
/// future without yielding is problematic, as it may prevent the executor
/// from driving other tasks forward. This function runs the closure on the
/// current thread after handing the worker's core (its queue of tasks) to a
/// new thread, so the other tasks keep running meanwhile.
///
/// Inside a task on a multi-thread runtime, the current task (and anything
/// joined or selected with it inside the same poll) is suspended until the
/// closure returns. Outside of any runtime, the closure just runs. Inside
/// the multi-thread runtime's `block_on`, the closure runs in place (there
/// is no core to hand over).
///
/// After the closure, the rest of the current poll runs without a
/// cooperative budget.
///
/// # Panics
///
/// Panics if called from a current-thread runtime, with the message
/// "can call blocking only when running on the multi-threaded runtime".
///
/// # Examples
///
/// ```
/// # use std::sync::Arc;
/// # use rt_sched_mt::{Config, MultiThread};
/// # use rt_task::{context, Id, ParkThread};
/// # let (pool, handle) = MultiThread::new(ParkThread::new(), Config { worker_threads: 2, ..Config::default() });
/// # pool.launch(context::Handles::default());
/// let join = handle.spawn(async {
///     rt_sched_mt::block_in_place(|| {
///         // do some compute-heavy work or call synchronous code
///         "blocking work done"
///     })
/// }, Id::next());
/// assert_eq!(futures::executor::block_on(join).unwrap(), "blocking work done");
/// # pool.shutdown();
/// ```
#[track_caller]
pub fn block_in_place<F, R>(f: F) -> R
where
    F: FnOnce() -> R,
{
    struct Reset {
        took: Option<(Arc<Handle>, usize)>,
    }
    impl Drop for Reset {
        fn drop(&mut self) {
            let Some((handle, index)) = self.took.take() else {
                return;
            };
            // Take the core back if no thread has picked it up yet.
            let Some(core) = handle.remotes[index].handoff.take() else {
                return;
            };
            let back = context::with_scheduler::<WorkerCtx, _>(|cx| match cx {
                Some(cx) if Arc::ptr_eq(&cx.handle, &handle) => {
                    let mut slot = cx.core.borrow_mut();
                    debug_assert!(slot.is_none());
                    *slot = Some(core);
                    None
                }
                _ => Some(core),
            });
            if let Some(core) = back {
                // Unreachable in practice (the context is scoped to the
                // loop); do not lose the core.
                handle.remotes[index].handoff.store(Some(core));
                let _ = spawn_worker_thread(&handle, index);
            }
        }
    }

    let state = context::runtime_state();
    let setup = context::with_scheduler::<WorkerCtx, _>(|cx| {
        match (state, cx) {
            (EnterRuntime::NotEntered, _) => Ok((false, None)),
            (EnterRuntime::Entered { .. }, Some(cx)) => {
                let Some(mut core) = cx.core.borrow_mut().take() else {
                    // Nested `block_in_place`: the core is already gone.
                    return Ok((true, None));
                };
                let handle = &cx.handle;
                // Make the LIFO task and the yielded ones stealable right
                // away.
                if let Some(task) = core.take_lifo(handle) {
                    core.push_back(handle, task);
                }
                core.flush_deferred(handle);
                let index = core.index;
                hand_off(handle, core);
                Ok((true, Some((handle.clone(), index))))
            }
            (
                EnterRuntime::Entered {
                    allow_block_in_place: true,
                },
                None,
            ) => Ok((true, None)),
            (
                EnterRuntime::Entered {
                    allow_block_in_place: false,
                },
                None,
            ) => Err(BLOCK_IN_PLACE_CURRENT_THREAD),
        }
    });
    let (entered, took) = match setup {
        Ok(setup) => setup,
        Err(msg) => panic!("{msg}"),
    };
    if !entered {
        return f();
    }
    let _reset = Reset { took };
    struct RestoreBudget(coop::Budget);
    impl Drop for RestoreBudget {
        fn drop(&mut self) {
            coop::set(self.0);
        }
    }
    let _budget = RestoreBudget(coop::stop());
    context::exit_runtime(f)
}
