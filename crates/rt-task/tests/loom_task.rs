//! Loom models of the task core: the state word and the task harness (wakes,
//! completion, abort, the `JoinHandle` and its waker slot, the last
//! reference), the owned-task list at shutdown, and `ParkThread`.
//!
//! Run with
//! `RUSTFLAGS="--cfg rt_loom" LOOM_MAX_PREEMPTIONS=2 cargo test --release -p rt-task --test loom_task`
//! (or `cargo xtask loom rt-task`).
//!
//! Every model ends with the same bookkeeping: each future and each output
//! is dropped exactly once (drop tokens), each task cell is freed exactly
//! once (the scheduler value stored in a cell counts its own drop), the run
//! queue is empty and the owned list is empty. The futures, wakers and the
//! scheduler hold `loom::sync::Arc`s, so a leaked cell, waker or output makes
//! loom report "Arc leaked" at the end of the execution. The scheduler value
//! in each cell also carries a loom `UnsafeCell` that is read on every
//! `schedule`/`release` and written when the cell is freed, so loom checks
//! that the freeing thread happens-after every earlier use of the cell.
//!
//! loom cannot see a real use-after-free; for that, the same models run
//! under AddressSanitizer on nightly:
//! `RUSTFLAGS="--cfg rt_loom -Zsanitizer=address" LOOM_MAX_PREEMPTIONS=2
//! cargo +nightly test --release -p rt-task --test loom_task --target x86_64-unknown-linux-gnu`.
//!
//! The counters are plain std atomics inside a loom `Arc`: they are pure
//! bookkeeping, read only after every thread was joined, so they need no
//! model of their own and do not add interleavings. Flags that carry a
//! happens-before claim of the protocol (e.g. "a poll after a wake sees what
//! the waker wrote before waking") are loom atomics with `Relaxed` ordering,
//! so that only the task's own synchronisation can make them visible.
#![cfg(rt_loom)]

use std::collections::VecDeque;
use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::AtomicUsize as StdAtomicUsize;
use std::sync::atomic::Ordering::SeqCst;
use std::task::{Context, Poll, RawWaker, RawWakerVTable, Waker};
use std::time::Duration;

use loom::cell::UnsafeCell;
use loom::sync::atomic::AtomicBool;
use loom::sync::atomic::Ordering::Relaxed;
use loom::sync::{Arc, Mutex};
use loom::thread;

use rt_task::{Id, JoinHandle, Notified, OwnedTasks, Park, ParkThread, Schedule, Task, Unpark};

// ---------------------------------------------------------------------------
// Bookkeeping.

/// A counter read after the model's threads are joined.
#[derive(Clone, Default)]
struct Counter(Arc<StdAtomicUsize>);

impl Counter {
    fn get(&self) -> usize {
        self.0.load(SeqCst)
    }
    /// Increments and returns the previous value.
    fn inc(&self) -> usize {
        self.0.fetch_add(1, SeqCst)
    }
    /// A token that increments the counter when dropped.
    fn token(&self) -> Token {
        Token(self.clone())
    }
}

/// Increments its counter when dropped (counts drops of futures and outputs).
struct Token(Counter);

impl Drop for Token {
    fn drop(&mut self) {
        self.0.inc();
    }
}

/// A future made of a poll function and a token dropped with the future.
struct Tracked<F> {
    poll: F,
    _token: Token,
}

impl<T, F: FnMut(&mut Context<'_>) -> Poll<T> + Unpin> Future for Tracked<F> {
    type Output = T;
    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<T> {
        (self.get_mut().poll)(cx)
    }
}

fn tracked<T, F: FnMut(&mut Context<'_>) -> Poll<T> + Unpin>(token: Token, poll: F) -> Tracked<F> {
    Tracked {
        poll,
        _token: token,
    }
}

/// A waker (on a loom `Arc`) that counts its wakes.
#[derive(Clone, Default)]
struct WakeCounter(Arc<StdAtomicUsize>);

static COUNTING_VTABLE: RawWakerVTable =
    RawWakerVTable::new(cw_clone, cw_wake, cw_wake_by_ref, cw_drop);

unsafe fn cw_clone(p: *const ()) -> RawWaker {
    // SAFETY: `p` came from `Arc::into_raw` in `WakeCounter::waker` and the
    // waker being cloned still owns its count.
    unsafe { Arc::increment_strong_count(p as *const StdAtomicUsize) };
    RawWaker::new(p, &COUNTING_VTABLE)
}

unsafe fn cw_wake(p: *const ()) {
    // SAFETY: the consumed waker owns one count of the `Arc`.
    let arc = unsafe { Arc::from_raw(p as *const StdAtomicUsize) };
    arc.fetch_add(1, SeqCst);
}

unsafe fn cw_wake_by_ref(p: *const ()) {
    // SAFETY: the waker is alive for this call, so the `Arc` is too.
    unsafe { &*(p as *const StdAtomicUsize) }.fetch_add(1, SeqCst);
}

unsafe fn cw_drop(p: *const ()) {
    // SAFETY: the dropped waker owns one count of the `Arc`.
    drop(unsafe { Arc::from_raw(p as *const StdAtomicUsize) });
}

impl WakeCounter {
    fn waker(&self) -> Waker {
        let p = Arc::into_raw(self.0.clone()) as *const ();
        // SAFETY: the vtable's functions treat `p` as the `Arc` it is, and
        // the new waker owns the count taken by `clone` above.
        unsafe { Waker::from_raw(RawWaker::new(p, &COUNTING_VTABLE)) }
    }
    fn wakes(&self) -> usize {
        self.0.load(SeqCst)
    }
}

fn poll_once<F: Future + Unpin>(f: &mut F, waker: &Waker) -> Poll<F::Output> {
    Pin::new(f).poll(&mut Context::from_waker(waker))
}

// ---------------------------------------------------------------------------
// A tiny scheduler: a loom-mutex run queue and an owned-task list.

struct Shared {
    queue: Mutex<VecDeque<Notified<TaskSched>>>,
    owned: OwnedTasks<TaskSched>,
    /// Calls of `schedule`/`yield_now` (the first `Notified` of a spawn is
    /// queued directly and not counted).
    scheduled: Counter,
    spawned: Counter,
    /// Task cells freed: each cell owns one `TaskSched`, whose drop counts.
    freed: Counter,
}

/// The scheduler value stored in a task cell. One per task (not `Clone`), so
/// its drop is the cell's free. A newtype because `Schedule` is foreign.
///
/// `touched` makes the free visible to loom: every `schedule`/`release` (made
/// through the cell, on any thread) reads it, and the drop writes it. loom
/// reports a causality violation unless the thread that frees the cell
/// happens-after every earlier use of it, which is what the final reference
/// decrement must guarantee (loom does not track plain heap frees itself).
struct TaskSched {
    shared: Arc<Shared>,
    touched: UnsafeCell<usize>,
}

impl TaskSched {
    fn new(shared: &Arc<Shared>) -> TaskSched {
        TaskSched {
            shared: shared.clone(),
            touched: UnsafeCell::new(0),
        }
    }

    fn touch(&self) {
        // SAFETY: only read here; the only write is in `drop`, which loom
        // checks to be ordered after every read.
        let _ = self.touched.with(|p| unsafe { *p });
    }
}

// SAFETY: `touched` is only read through `&self` (concurrent reads are
// fine) and written through `&mut self` in `drop`.
unsafe impl Sync for TaskSched {}

impl Drop for TaskSched {
    fn drop(&mut self) {
        // SAFETY: `&mut self`: no other access; loom checks the ordering.
        self.touched.with_mut(|p| unsafe { *p += 1 });
        self.shared.freed.inc();
    }
}

impl Schedule for TaskSched {
    fn schedule(&self, task: Notified<Self>) {
        self.touch();
        self.shared.scheduled.inc();
        self.shared.push(task);
    }

    fn release(&self, task: &Task<Self>) -> Option<Task<Self>> {
        self.touch();
        self.shared.owned.remove(task)
    }
}

impl Shared {
    fn new() -> Arc<Shared> {
        Arc::new(Shared {
            queue: Mutex::new(VecDeque::new()),
            // One shard: task ids come from a process-wide counter, so more
            // shards would make the shard (and the explored branches) differ
            // between loom iterations.
            owned: OwnedTasks::new(1),
            scheduled: Counter::default(),
            spawned: Counter::default(),
            freed: Counter::default(),
        })
    }

    /// Queues a notification; a closed scheduler drops it instead (as a
    /// shut-down runtime does).
    fn push(&self, task: Notified<TaskSched>) {
        if self.owned.is_closed() {
            drop(task);
        } else {
            self.queue.lock().unwrap().push_back(task);
        }
    }

    fn pop(&self) -> Option<Notified<TaskSched>> {
        self.queue.lock().unwrap().pop_front()
    }

    /// Runs one queued task; false if the queue was empty.
    fn run_one(&self) -> bool {
        match self.pop() {
            Some(task) => {
                task.run();
                true
            }
            None => false,
        }
    }

    /// Runs queued tasks until the queue is empty; returns how many ran.
    fn run_all(&self) -> usize {
        for n in 0..8 {
            if !self.run_one() {
                return n;
            }
        }
        panic!("the run queue did not drain (a task is rescheduled forever)");
    }

    /// Shuts the scheduler down: close the list, cancel every task, drop
    /// the queued notifications.
    fn shutdown(&self) {
        self.owned.close_and_shutdown_all();
        let queued: Vec<_> = self.queue.lock().unwrap().drain(..).collect();
        drop(queued);
    }

    /// Every cell freed exactly once, nothing queued, nothing owned.
    fn check_all_freed(&self) {
        assert_eq!(
            self.queue.lock().unwrap().len(),
            0,
            "notifications left queued"
        );
        assert!(self.owned.is_empty(), "tasks left in the owned list");
        assert_eq!(
            self.freed.get(),
            self.spawned.get(),
            "task cells freed != spawned"
        );
    }
}

fn spawn<F>(sh: &Arc<Shared>, future: F) -> JoinHandle<F::Output>
where
    F: Future + Send + 'static,
    F::Output: Send + 'static,
{
    sh.spawned.inc();
    let (jh, notified) = sh.owned.bind(future, TaskSched::new(sh), Id::next());
    if let Some(n) = notified {
        sh.push(n);
    }
    jh
}

/// A future that parks its first waker in `slot` and returns `Pending`;
/// later polls return `ready()`.
fn stash_waker_then<T, R>(
    token: Token,
    slot: Arc<Mutex<Option<Waker>>>,
    mut ready: R,
) -> Tracked<impl FnMut(&mut Context<'_>) -> Poll<T> + Unpin>
where
    R: FnMut() -> Poll<T> + Unpin,
{
    let mut first = true;
    tracked(token, move |cx| {
        if first {
            first = false;
            *slot.lock().unwrap() = Some(cx.waker().clone());
            Poll::Pending
        } else {
            ready()
        }
    })
}

/// Spawns a future built by `stash_waker_then`, polls it once (sequentially)
/// and returns its stashed waker. The task is then idle and not notified.
fn spawn_and_stash<T: Send + 'static, R>(
    sh: &Arc<Shared>,
    fut_drops: &Counter,
    ready: R,
) -> (JoinHandle<T>, Waker)
where
    R: FnMut() -> Poll<T> + Send + Unpin + 'static,
{
    let slot = Arc::new(Mutex::new(None));
    let jh = spawn(sh, stash_waker_then(fut_drops.token(), slot.clone(), ready));
    assert_eq!(sh.run_all(), 1);
    let waker = slot
        .lock()
        .unwrap()
        .take()
        .expect("the first poll stashed its waker");
    (jh, waker)
}

// ---------------------------------------------------------------------------
// (1) A waker fired from another thread while the task is being polled.

/// Thread B sets `woken` and then wakes the task; the main thread drains
/// the queue (the task's already queued second poll, and any poll B's wake
/// rescheduled) at the same time. Whatever the
/// interleaving, some poll starts after the wake and sees `woken` (so the
/// task completes), and there is exactly one such poll: a wake during the
/// poll reschedules the task once, a wake before it is merged into the
/// pending notification.
fn wake_while_running(by_ref: bool) {
    loom::model(move || {
        let sh = Shared::new();
        let fut_drops = Counter::default();
        let polls = Counter::default();
        let woken = Arc::new(AtomicBool::new(false));
        let (mut jh, waker) = {
            let (polls, woken) = (polls.clone(), woken.clone());
            spawn_and_stash(&sh, &fut_drops, move || {
                polls.inc();
                if woken.load(Relaxed) {
                    Poll::Ready(())
                } else {
                    Poll::Pending
                }
            })
        };
        // Queue the second poll.
        waker.wake_by_ref();
        assert_eq!(sh.scheduled.get(), 1);

        let b = thread::spawn(move || {
            woken.store(true, Relaxed);
            if by_ref {
                waker.wake_by_ref();
                drop(waker);
            } else {
                waker.wake();
            }
        });
        sh.run_all();
        b.join().unwrap();
        sh.run_all();

        // `polls` counts the polls after the first (stashing) one.
        let polls = polls.get();
        assert!(polls == 1 || polls == 2, "polls after the wake-up: {polls}");
        assert_eq!(
            sh.scheduled.get(),
            polls,
            "each later poll was scheduled exactly once"
        );
        assert!(jh.is_finished(), "a wake-up was lost");
        assert!(matches!(
            poll_once(&mut jh, Waker::noop()),
            Poll::Ready(Ok(()))
        ));
        assert_eq!(fut_drops.get(), 1);
        drop(jh);
        sh.check_all_freed();
    });
}

#[test]
fn wake_by_val_while_running() {
    wake_while_running(false);
}

#[test]
fn wake_by_ref_while_running() {
    wake_while_running(true);
}

/// Two wakes from thread B while the main thread drains the queue: the
/// second is usually merged into the `NOTIFIED` the first one set (while the
/// task is running, or while it is idle and queued). The poll after the
/// merged wake must still see what B wrote before it: the task completes
/// only once it has seen both flags.
#[test]
fn two_wakes_merged_while_running() {
    loom::model(|| {
        let sh = Shared::new();
        let fut_drops = Counter::default();
        let first = Arc::new(AtomicBool::new(false));
        let second = Arc::new(AtomicBool::new(false));
        let (mut jh, waker) = {
            let (first, second) = (first.clone(), second.clone());
            spawn_and_stash(&sh, &fut_drops, move || {
                if first.load(Relaxed) && second.load(Relaxed) {
                    Poll::Ready(())
                } else {
                    Poll::Pending
                }
            })
        };
        waker.wake_by_ref();

        let b = thread::spawn(move || {
            first.store(true, Relaxed);
            waker.wake_by_ref();
            second.store(true, Relaxed);
            waker.wake_by_ref();
        });
        // Drain while B runs: a rescheduled poll must see B's writes through
        // the task's synchronisation, not through the join below.
        sh.run_all();
        b.join().unwrap();
        sh.run_all();

        assert!(jh.is_finished(), "a merged wake-up was lost");
        assert!(sh.scheduled.get() <= 3);
        assert!(matches!(
            poll_once(&mut jh, Waker::noop()),
            Poll::Ready(Ok(()))
        ));
        drop(jh);
        assert_eq!(fut_drops.get(), 1);
        sh.check_all_freed();
    });
}

// ---------------------------------------------------------------------------
// (2) A wake racing with completion.

/// Thread B consumes a waker (`wake`) while the main thread runs the poll
/// that completes the task. The wake never reschedules (the task is
/// notified, running or complete when it lands); if the `JoinHandle` was
/// dropped first, B's waker may hold the last reference and frees the cell.
fn wake_after_complete(detached: bool) {
    loom::model(move || {
        let sh = Shared::new();
        let fut_drops = Counter::default();
        let out_drops = Counter::default();
        let (jh, waker) = {
            let out_drops = out_drops.clone();
            spawn_and_stash(&sh, &fut_drops, move || Poll::Ready(out_drops.token()))
        };
        waker.wake_by_ref();
        let jh = if detached {
            drop(jh);
            None
        } else {
            Some(jh)
        };

        let b = thread::spawn(move || waker.wake());
        assert!(sh.run_one());
        b.join().unwrap();

        assert_eq!(
            sh.scheduled.get(),
            1,
            "a wake after completion rescheduled the task"
        );
        assert_eq!(sh.run_all(), 0);
        assert_eq!(fut_drops.get(), 1);
        if let Some(mut jh) = jh {
            assert_eq!(
                out_drops.get(),
                0,
                "the output was dropped under the JoinHandle"
            );
            match poll_once(&mut jh, Waker::noop()) {
                Poll::Ready(Ok(out)) => drop(out),
                _ => panic!("expected the output"),
            }
            drop(jh);
        }
        assert_eq!(out_drops.get(), 1);
        sh.check_all_freed();
    });
}

#[test]
fn wake_after_complete_joined() {
    wake_after_complete(false);
}

#[test]
fn wake_after_complete_detached() {
    wake_after_complete(true);
}

// ---------------------------------------------------------------------------
// (3) The JoinHandle dropped while the task completes.

/// Thread B drops the `JoinHandle` while the main thread completes the task.
/// The output is dropped exactly once, by whichever side comes second in
/// the state word. With `registered`, the handle had published a join waker
/// first, so B's drop (which takes the waker back) races with the task's
/// read of the waker slot.
fn join_handle_dropped_while_completing(registered: bool) {
    loom::model(move || {
        let sh = Shared::new();
        let fut_drops = Counter::default();
        let out_drops = Counter::default();
        let mut jh = {
            let out_drops = out_drops.clone();
            spawn(
                &sh,
                tracked(fut_drops.token(), move |_| Poll::Ready(out_drops.token())),
            )
        };
        let join_waker = WakeCounter::default();
        if registered {
            assert!(poll_once(&mut jh, &join_waker.waker()).is_pending());
        }

        let b = thread::spawn(move || drop(jh));
        assert!(sh.run_one());
        b.join().unwrap();

        assert!(join_waker.wakes() <= 1);
        assert_eq!(fut_drops.get(), 1);
        assert_eq!(
            out_drops.get(),
            1,
            "the output was not dropped exactly once"
        );
        sh.check_all_freed();
    });
}

#[test]
fn join_handle_dropped_while_completing_plain() {
    join_handle_dropped_while_completing(false);
}

#[test]
fn join_handle_dropped_while_completing_with_waker() {
    join_handle_dropped_while_completing(true);
}

// ---------------------------------------------------------------------------
// (4) Abort racing with poll.

/// The task wakes itself in its first poll and completes in its second.
/// Thread B aborts it (through an `AbortHandle`) while the main thread runs
/// the queue. The `JoinHandle` yields the output or a cancellation, the
/// future is dropped exactly once, and nothing leaks.
#[test]
fn abort_racing_with_poll() {
    loom::model(|| {
        let sh = Shared::new();
        let fut_drops = Counter::default();
        let out_drops = Counter::default();
        let mut jh = {
            let out_drops = out_drops.clone();
            let mut first = true;
            spawn(
                &sh,
                tracked(fut_drops.token(), move |cx| {
                    if first {
                        first = false;
                        cx.waker().wake_by_ref();
                        Poll::Pending
                    } else {
                        Poll::Ready(out_drops.token())
                    }
                }),
            )
        };
        let abort = jh.abort_handle();

        let b = thread::spawn(move || {
            abort.abort();
            drop(abort);
        });
        sh.run_all();
        b.join().unwrap();
        sh.run_all();

        assert!(jh.is_finished());
        assert_eq!(
            fut_drops.get(),
            1,
            "the future was not dropped exactly once"
        );
        match poll_once(&mut jh, Waker::noop()) {
            Poll::Ready(Ok(out)) => {
                assert_eq!(out_drops.get(), 0);
                drop(out);
                assert_eq!(out_drops.get(), 1);
            }
            Poll::Ready(Err(e)) => {
                assert!(e.is_cancelled(), "unexpected {e:?}");
                assert_eq!(out_drops.get(), 0);
            }
            Poll::Pending => panic!("a finished task's JoinHandle is pending"),
        }
        drop(jh);
        sh.check_all_freed();
    });
}

/// An idle, un-notified task (it stashed its waker and never completes) is
/// aborted by thread B while the main thread fires its waker and drains the
/// queue. Whatever the order, the abort is not lost: the task ends cancelled
/// with its future dropped exactly once.
#[test]
fn abort_vs_wake_of_idle_task() {
    loom::model(|| {
        let sh = Shared::new();
        let fut_drops = Counter::default();
        let (mut jh, waker) = spawn_and_stash(&sh, &fut_drops, || Poll::<()>::Pending);
        let abort = jh.abort_handle();

        let b = thread::spawn(move || abort.abort());
        waker.wake();
        sh.run_all();
        b.join().unwrap();
        sh.run_all();

        assert_eq!(
            fut_drops.get(),
            1,
            "the abort was lost or the future dropped twice"
        );
        match poll_once(&mut jh, Waker::noop()) {
            Poll::Ready(Err(e)) => assert!(e.is_cancelled(), "unexpected {e:?}"),
            _ => panic!("expected a cancellation"),
        }
        drop(jh);
        sh.check_all_freed();
    });
}

// ---------------------------------------------------------------------------
// (5) The last reference dropped from another thread.

/// Three references go at once: thread B drops a waker clone, thread C drops
/// the `JoinHandle`, and the main thread completes the task (dropping the
/// poll's and the list's references). Whichever is last frees the cell,
/// exactly once, and the output is dropped exactly once.
#[test]
fn last_reference_dropped_on_another_thread() {
    loom::model(|| {
        let sh = Shared::new();
        let fut_drops = Counter::default();
        let out_drops = Counter::default();
        let (jh, waker) = {
            let out_drops = out_drops.clone();
            spawn_and_stash(&sh, &fut_drops, move || Poll::Ready(out_drops.token()))
        };
        waker.wake_by_ref();

        let b = thread::spawn(move || drop(waker));
        let c = thread::spawn(move || drop(jh));
        assert!(sh.run_one());
        b.join().unwrap();
        c.join().unwrap();

        assert_eq!(sh.scheduled.get(), 1);
        assert_eq!(fut_drops.get(), 1);
        assert_eq!(out_drops.get(), 1);
        sh.check_all_freed();
    });
}

// ---------------------------------------------------------------------------
// (6) The JoinHandle polled concurrently with completion.

#[derive(Clone, Copy, PartialEq, Eq)]
enum JoinPoll {
    /// The racing poll is the handle's first: it publishes a waker.
    First,
    /// The handle already published `w0`; the racing poll brings another
    /// waker, so it takes the slot back and publishes the new one.
    Replace,
    /// The racing poll brings a waker that `will_wake` the published one.
    Same,
}

/// Thread A runs the task to completion while the main thread polls the
/// `JoinHandle`. Either the poll returns the output, or the waker it left
/// behind is woken (exactly once), never neither.
fn join_poll_vs_completion(mode: JoinPoll) {
    loom::model(move || {
        let sh = Shared::new();
        let fut_drops = Counter::default();
        let out_drops = Counter::default();
        let mut jh = {
            let out_drops = out_drops.clone();
            spawn(
                &sh,
                tracked(fut_drops.token(), move |_| Poll::Ready(out_drops.token())),
            )
        };
        let w0 = WakeCounter::default();
        let w1 = WakeCounter::default();
        let w0_waker = w0.waker();
        if mode != JoinPoll::First {
            assert!(poll_once(&mut jh, &w0_waker).is_pending());
        }
        let (racing, racing_waker) = match mode {
            JoinPoll::Same => (&w0, w0_waker.clone()),
            JoinPoll::First | JoinPoll::Replace => (&w1, w1.waker()),
        };

        let task = sh.pop().expect("the spawned task is queued");
        let a = thread::spawn(move || task.run());
        let res = poll_once(&mut jh, &racing_waker);
        a.join().unwrap();

        let out = match res {
            Poll::Ready(res) => res.expect("the task completed normally"),
            Poll::Pending => {
                assert_eq!(
                    racing.wakes(),
                    1,
                    "neither the output observed nor the join waker woken"
                );
                if mode == JoinPoll::Replace {
                    assert_eq!(w0.wakes(), 0, "the replaced waker was woken");
                }
                match poll_once(&mut jh, &racing_waker) {
                    Poll::Ready(Ok(out)) => out,
                    _ => panic!("the JoinHandle was woken but has no output"),
                }
            }
        };
        assert!(w0.wakes() <= 1 && w1.wakes() <= 1);
        assert_eq!(out_drops.get(), 0);
        drop(out);
        drop(jh);
        assert_eq!(fut_drops.get(), 1);
        assert_eq!(out_drops.get(), 1);
        sh.check_all_freed();
    });
}

#[test]
fn join_first_poll_vs_completion() {
    join_poll_vs_completion(JoinPoll::First);
}

#[test]
fn join_replace_waker_vs_completion() {
    join_poll_vs_completion(JoinPoll::Replace);
}

#[test]
fn join_same_waker_vs_completion() {
    join_poll_vs_completion(JoinPoll::Same);
}

// ---------------------------------------------------------------------------
// (7) OwnedTasks: shutdown racing with a bind and with a completing task.

/// Thread A shuts the scheduler down (`close_and_shutdown_all`, then drops
/// the queue) while thread B spawns a task and the main thread runs a task
/// that completes in that poll. An idle task sits in the list too. Every
/// future is dropped exactly once, every cell freed, the list ends empty,
/// and every `JoinHandle` is ready: the completing task with its output or
/// cancelled, the others cancelled.
#[test]
fn shutdown_racing_with_bind_and_completion() {
    loom::model(|| {
        let sh = Shared::new();
        let fut_drops = Counter::default();
        let out_drops = Counter::default();

        // An idle task in the list (polled once, waiting forever).
        let mut idle = spawn(&sh, tracked(fut_drops.token(), |_| Poll::<()>::Pending));
        assert_eq!(sh.run_all(), 1);
        // A task that completes on its first poll, run by the main thread.
        let mut completing = {
            let out_drops = out_drops.clone();
            spawn(
                &sh,
                tracked(fut_drops.token(), move |_| Poll::Ready(out_drops.token())),
            )
        };
        let run = sh.pop().expect("queued");

        let closer = {
            let sh = sh.clone();
            thread::spawn(move || sh.shutdown())
        };
        let spawner = {
            let sh = sh.clone();
            let token = fut_drops.token();
            thread::spawn(move || spawn(&sh, tracked(token, |_| Poll::Ready(7u8))))
        };
        run.run();
        closer.join().unwrap();
        let mut late = spawner.join().unwrap();
        // A bind that beat the closer to the shard lock may have queued its
        // notification after the closer drained the queue; running it finds
        // the task already shut down.
        sh.run_all();

        assert!(sh.owned.is_closed());
        assert_eq!(fut_drops.get(), 3, "every future dropped exactly once");
        match poll_once(&mut completing, Waker::noop()) {
            Poll::Ready(Ok(out)) => drop(out),
            Poll::Ready(Err(e)) => assert!(e.is_cancelled(), "unexpected {e:?}"),
            Poll::Pending => panic!("the completing task's JoinHandle is pending"),
        }
        for res in [
            poll_once(&mut idle, Waker::noop()).map(|r| r.map(|_| 0u8)),
            poll_once(&mut late, Waker::noop()),
        ] {
            match res {
                Poll::Ready(Err(e)) => assert!(e.is_cancelled(), "unexpected {e:?}"),
                Poll::Ready(Ok(_)) => panic!("a task ran after shutdown"),
                Poll::Pending => panic!("a shut-down task's JoinHandle is pending"),
            }
        }
        assert!(out_drops.get() <= 1);
        drop((idle, completing, late));
        sh.check_all_freed();
    });
}

/// Thread B aborts an idle task while thread A shuts the scheduler down:
/// the future is cancelled (dropped) exactly once, by whichever side gets
/// `RUNNING`, and the abort's notification, if any, is dropped by the closed
/// scheduler or finds the task finished.
#[test]
fn abort_racing_with_shutdown() {
    loom::model(|| {
        let sh = Shared::new();
        let fut_drops = Counter::default();
        let mut jh = spawn(&sh, tracked(fut_drops.token(), |_| Poll::<()>::Pending));
        assert_eq!(sh.run_all(), 1);
        let abort = jh.abort_handle();

        let closer = {
            let sh = sh.clone();
            thread::spawn(move || sh.shutdown())
        };
        let aborter = thread::spawn(move || abort.abort());
        sh.run_all();
        closer.join().unwrap();
        aborter.join().unwrap();
        sh.run_all();

        assert_eq!(
            fut_drops.get(),
            1,
            "the future was not dropped exactly once"
        );
        match poll_once(&mut jh, Waker::noop()) {
            Poll::Ready(Err(e)) => assert!(e.is_cancelled(), "unexpected {e:?}"),
            _ => panic!("expected a cancellation"),
        }
        drop(jh);
        sh.check_all_freed();
    });
}

/// An unowned task (the blocking pool's kind) runs on thread A while the
/// main thread polls and then drops its `JoinHandle`: `release` returns
/// `None`, the owner reference is dropped after the poll, and the cell is
/// freed exactly once with the output dropped once.
#[test]
fn unowned_task_run_vs_join() {
    loom::model(|| {
        let sh = Shared::new();
        let fut_drops = Counter::default();
        let out_drops = Counter::default();
        let (task, mut jh) = {
            let out_drops = out_drops.clone();
            sh.spawned.inc();
            rt_task::unowned(
                tracked(fut_drops.token(), move |_| Poll::Ready(out_drops.token())),
                TaskSched::new(&sh),
                Id::next(),
            )
        };
        let a = thread::spawn(move || task.run());
        let join_waker = WakeCounter::default();
        let res = poll_once(&mut jh, &join_waker.waker());
        a.join().unwrap();
        match res {
            Poll::Ready(out) => drop(out.expect("the task completed normally")),
            Poll::Pending => assert_eq!(join_waker.wakes(), 1, "join waker not woken"),
        }
        drop(jh);
        assert_eq!(fut_drops.get(), 1);
        assert_eq!(out_drops.get(), 1);
        sh.check_all_freed();
    });
}

// ---------------------------------------------------------------------------
// (8) ParkThread: an unpark racing with park is never lost.

/// `first_timed`: the parker first does a (zero-time, under loom) timed
/// park, which may consume the notification. Then it parks until it sees
/// the flag each unparker sets before unparking. A lost wake-up leaves the
/// parker blocked forever, which loom reports as a deadlock; a park that
/// returns consumed a notification, so the flags written before it are
/// visible (they are `Relaxed`; only the parker's synchronisation orders
/// them).
fn park_unpark(unparkers: usize, first_timed: bool) {
    loom::model(move || {
        let mut park = ParkThread::new();
        let flags: Vec<Arc<AtomicBool>> = (0..unparkers)
            .map(|_| Arc::new(AtomicBool::new(false)))
            .collect();
        let threads: Vec<_> = flags
            .iter()
            .map(|flag| {
                let flag = flag.clone();
                let unpark = park.unpark();
                thread::spawn(move || {
                    flag.store(true, Relaxed);
                    unpark.unpark();
                })
            })
            .collect();
        if first_timed {
            park.park_timeout(Duration::from_millis(1)).unwrap();
        }
        for flag in &flags {
            let mut parks = 0;
            while !flag.load(Relaxed) {
                assert!(parks < unparkers, "park returned without a notification");
                park.park().unwrap();
                parks += 1;
            }
        }
        for t in threads {
            t.join().unwrap();
        }
    });
}

#[test]
fn park_vs_unpark() {
    park_unpark(1, false);
}

#[test]
fn park_timeout_vs_unpark() {
    park_unpark(1, true);
}

#[test]
fn park_vs_two_unparkers() {
    park_unpark(2, false);
}
