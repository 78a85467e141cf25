//! The orphan queue: children whose `Child` was dropped before they were
//! reaped. They are reaped in the background so that none stays a zombie.
//!
//! # Protocol
//!
//! 1. **Arm** (first orphan): a `SIGCHLD` listener is created on the
//!    *global* reactor (`rt_signal::signal_with_handle`), so it outlives
//!    every runtime. Its waker is the [`Reaper`] itself: whenever the
//!    listener is notified, the reaper (running on the global reactor's
//!    thread) consumes the notification, re-parks its waker, and drains.
//! 2. **Push** ([`push`]): arm if needed, then add the child to the queue,
//!    then drain once.
//! 3. **Drain** ([`drain`]): under the queue lock, `waitpid(WNOHANG)` each
//!    orphan (`std::process::Child::try_wait`) and drop those that were
//!    reaped (or that cannot be waited for: `ECHILD`, nothing to do).
//!    Every `spawn` also drains a non-empty queue.
//!
//! # Why no orphan stays a zombie
//!
//! The listener exists before the child enters the queue, so a child that
//! exits after that sends a `SIGCHLD` which (from the handler, through the
//! self-pipe, to the global reactor) notifies the listener, whose reaper
//! drains after the child is in the queue: the drain in step 2 runs after
//! the push, and the reaper's drain after the notification. A child that
//! exited before the push (its `SIGCHLD` possibly consumed by an earlier
//! drain) is reaped by the drain of step 2 itself.
//!
//! If the listener cannot be created (no signal handler can be installed),
//! orphans are still reaped by later pushes and spawns.

use std::process::Child as StdChild;
use std::sync::{Arc, Mutex, MutexGuard, OnceLock};
use std::task::{Context, Poll, Wake, Waker};

use rt_signal::unix::{Signal, SignalKind};

static ORPHANS: Mutex<Vec<StdChild>> = Mutex::new(Vec::new());
static REAPER: OnceLock<Option<Arc<Reaper>>> = OnceLock::new();

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    // Every critical section leaves the data consistent at each step.
    m.lock().unwrap_or_else(|e| e.into_inner())
}

/// The `SIGCHLD` listener of step 1, woken by its own notifications.
struct Reaper {
    signal: Mutex<Signal>,
}

impl Reaper {
    fn run(self: &Arc<Self>) {
        let waker = Waker::from(self.clone());
        let mut cx = Context::from_waker(&waker);
        rt_task::coop::with_unconstrained(|| {
            let mut signal = lock(&self.signal);
            // Consume notifications until the waker is parked (or the
            // global reactor died: then later pushes and spawns drain).
            while let Poll::Ready(Some(())) = signal.poll_recv(&mut cx) {}
        });
        drain();
    }
}

impl Wake for Reaper {
    fn wake(self: Arc<Self>) {
        self.run();
    }

    fn wake_by_ref(self: &Arc<Self>) {
        self.run();
    }
}

fn arm() {
    REAPER.get_or_init(|| {
        let handle = rt_reactor::Handle::global();
        let signal = rt_signal::signal_with_handle(SignalKind::child(), &handle).ok()?;
        let reaper = Arc::new(Reaper {
            signal: Mutex::new(signal),
        });
        reaper.run();
        Some(reaper)
    });
}

/// Step 2: hands `child` (not yet reaped) to the background reaper.
pub(crate) fn push(child: StdChild) {
    arm();
    lock(&ORPHANS).push(child);
    drain();
}

/// Step 3: reaps every orphan that has exited.
pub(crate) fn drain() {
    let mut orphans = lock(&ORPHANS);
    orphans.retain_mut(|c| matches!(c.try_wait(), Ok(None)));
}

/// Drains if there are orphans (what `spawn` calls).
pub(crate) fn drain_if_any() {
    if !lock(&ORPHANS).is_empty() {
        drain();
    }
}

/// Number of orphans not reaped yet.
pub(crate) fn len() -> usize {
    lock(&ORPHANS).len()
}
