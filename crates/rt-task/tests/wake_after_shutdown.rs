//! A task woken from another thread while (and after) its scheduler shuts
//! down: the scheduler drops the notification it is handed, and the task
//! cell must outlive the `schedule` call whose `&self` points into it.
//!
//! Run under miri too: `cargo +nightly miri test -p rt-task --test
//! wake_after_shutdown` (without the fix, miri reports the scheduler's
//! `&self` as dangling after the drop inside `schedule`).
use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll, Waker};
use std::thread;

use rt_task::{Id, Notified, OwnedTasks, Schedule, Task};

/// A scheduler whose `schedule` announces itself and then waits for the
/// test to shut the task list down before it drops the notification (as a
/// shut-down runtime does) and reads its own state again.
struct Inner {
    owned: OwnedTasks<Gate>,
    /// Set when the runtime starts shutting down, before its task list is
    /// swept.
    shut: AtomicBool,
    queue: Mutex<Vec<Notified<Gate>>>,
    entered: Mutex<mpsc::Sender<()>>,
    release: Mutex<mpsc::Receiver<()>>,
    dropped_in_schedule: AtomicUsize,
}

#[derive(Clone)]
struct Gate(Arc<Inner>);

impl Schedule for Gate {
    fn schedule(&self, task: Notified<Self>) {
        if !self.0.shut.load(Ordering::SeqCst) {
            self.0.queue.lock().unwrap().push(task);
            return;
        }
        self.0.entered.lock().unwrap().send(()).unwrap();
        self.0.release.lock().unwrap().recv().unwrap();
        // The runtime is gone: drop the notification. If it held the last
        // reference, the cell (and `self`, which lives in it) would be
        // freed right here.
        drop(task);
        self.0.dropped_in_schedule.fetch_add(1, Ordering::SeqCst);
    }

    fn release(&self, task: &Task<Self>) -> Option<Task<Self>> {
        self.0.owned.remove(task)
    }

    fn yield_now(&self, task: Notified<Self>) {
        // Same shape for a task that woke itself while it ran.
        self.schedule(task);
    }
}

struct DropCounter(Arc<AtomicUsize>);
impl Drop for DropCounter {
    fn drop(&mut self) {
        self.0.fetch_add(1, Ordering::SeqCst);
    }
}

/// Stores its waker and stays pending.
struct Park {
    slot: Arc<Mutex<Option<Waker>>>,
    _guard: DropCounter,
}

impl Future for Park {
    type Output = ();
    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        *self.slot.lock().unwrap() = Some(cx.waker().clone());
        Poll::Pending
    }
}

fn gate() -> (Gate, mpsc::Receiver<()>, mpsc::Sender<()>) {
    let (entered_tx, entered_rx) = mpsc::channel();
    let (release_tx, release_rx) = mpsc::channel();
    let gate = Gate(Arc::new(Inner {
        owned: OwnedTasks::new(1),
        shut: AtomicBool::new(false),
        queue: Mutex::new(Vec::new()),
        entered: Mutex::new(entered_tx),
        release: Mutex::new(release_rx),
        dropped_in_schedule: AtomicUsize::new(0),
    }));
    (gate, entered_rx, release_tx)
}

/// Spawns a `Park` task, polls it once and drops its `JoinHandle`: the
/// list and the stored waker then hold its only references.
fn parked_task(gate: &Gate, drops: &Arc<AtomicUsize>) -> Arc<Mutex<Option<Waker>>> {
    let slot = Arc::new(Mutex::new(None));
    let fut = Park {
        slot: slot.clone(),
        _guard: DropCounter(drops.clone()),
    };
    let (join, notified) = gate.0.owned.bind(fut, gate.clone(), Id::next());
    drop(join);
    notified.expect("list is open").run();
    assert!(slot.lock().unwrap().is_some(), "the task stored its waker");
    slot
}

#[test]
fn wake_racing_shutdown_keeps_the_cell_alive_across_schedule() {
    for by_ref in [false, true] {
        let (gate, entered, release) = gate();
        let drops = Arc::new(AtomicUsize::new(0));
        let slot = parked_task(&gate, &drops);
        let waker = slot.lock().unwrap().take().unwrap();
        // The runtime starts shutting down: schedule refuses tasks from now
        // on, but the list has not been swept yet (the task is idle).
        gate.0.shut.store(true, Ordering::SeqCst);
        let waking = thread::spawn(move || {
            if by_ref {
                // The waker is dropped right after: its reference is the
                // last one once the sweep is done.
                waker.wake_by_ref();
                drop(waker);
            } else {
                // `wake` by value: the waker's reference is all this
                // thread has.
                waker.wake();
            }
        });
        // The waking thread is inside `schedule` with a notification.
        entered.recv().unwrap();
        // Sweep while it waits: the task is idle and notified, so the sweep
        // cancels it here (its future is dropped) and drops the list's
        // reference. What is left: the notification held by `schedule` and
        // whatever the waking side keeps for itself.
        gate.0.owned.close_and_shutdown_all();
        assert_eq!(
            drops.load(Ordering::SeqCst),
            1,
            "the sweep dropped the future"
        );
        assert!(gate.0.owned.is_empty());
        // Now `schedule` drops its notification and reads `self` again.
        release.send(()).unwrap();
        waking.join().unwrap();
        assert_eq!(gate.0.dropped_in_schedule.load(Ordering::SeqCst), 1);
        assert!(gate.0.queue.lock().unwrap().is_empty());
        // Every reference is gone: the cell was freed, and with it the
        // scheduler clone it held.
        assert_eq!(Arc::strong_count(&gate.0), 1, "the task cell was freed");
        assert_eq!(drops.load(Ordering::SeqCst), 1);
    }
}

/// Wakes itself and stays pending (a hand-written `yield_now` that goes
/// through `wake_by_ref`, not the context's self-wake mark).
struct WakeSelf(#[allow(dead_code, reason = "dropped with the future")] DropCounter);

impl Future for WakeSelf {
    type Output = ();
    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        cx.waker().wake_by_ref();
        Poll::Pending
    }
}

#[test]
fn yield_racing_shutdown_keeps_the_cell_alive_across_yield_now() {
    for self_wake in [false, true] {
        let (gate, entered, release) = gate();
        let drops = Arc::new(AtomicUsize::new(0));
        let guard = DropCounter(drops.clone());
        let (join, notified) = if self_wake {
            // `rt_task::yield_now` marks the poll instead of waking.
            gate.0.owned.bind(
                async move {
                    let _guard = guard;
                    loop {
                        rt_task::yield_now().await;
                    }
                },
                gate.clone(),
                Id::next(),
            )
        } else {
            gate.0.owned.bind(WakeSelf(guard), gate.clone(), Id::next())
        };
        drop(join);
        let notified = notified.expect("list is open");
        gate.0.shut.store(true, Ordering::SeqCst);
        // The poll (on another thread) ends with the task notified: its
        // scheduler's `yield_now` gets the poll's reference and waits.
        let running = thread::spawn(move || notified.run());
        entered.recv().unwrap();
        // The sweep cancels the idle, notified task and drops the list's
        // reference while `yield_now` still holds the notification.
        gate.0.owned.close_and_shutdown_all();
        assert_eq!(
            drops.load(Ordering::SeqCst),
            1,
            "the sweep dropped the future"
        );
        release.send(()).unwrap();
        running.join().unwrap();
        assert_eq!(gate.0.dropped_in_schedule.load(Ordering::SeqCst), 1);
        assert_eq!(Arc::strong_count(&gate.0), 1, "the task cell was freed");
    }
}
