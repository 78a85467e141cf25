//! `LocalSet`: a set of `!Send` tasks run on one thread.
//!
//! # How it runs
//!
//! The set's tasks are polled only while the set itself is polled: by
//! awaiting the `LocalSet`, by [`LocalSet::run_until`], or by
//! the facade's `LocalSet::block_on`. While it runs, the set registers its context in
//! rt-task's scheduler slot, so `spawn_local` finds it and a wake-up on this
//! thread pushes onto the set's local queue. A wake-up from another thread
//! pushes onto the shared remote queue and wakes the task (or thread) that is
//! polling the set.
//!
//! One poll of the set runs at most `MAX_TASKS_PER_TICK` tasks (taking from
//! the remote queue first every `REMOTE_FIRST_INTERVAL` ticks); if work
//! remains it wakes itself and returns, so it shares its thread fairly with
//! the other tasks of the runtime.
//!
//! Soundness for `!Send` futures: tasks are bound with
//! `OwnedTasks::bind_local`, and notifications are only ever *run* from
//! `tick`, which runs on the thread that owns the `LocalSet` (it is `!Send`).
//! On drop, the set shuts every task down on its own thread.

use std::cell::{Cell, RefCell};
use std::collections::VecDeque;
use std::fmt;
use std::future::Future;
use std::marker::PhantomData;
use std::pin::Pin;
use std::rc::Rc;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll, Waker};

use concurrent_queue::ConcurrentQueue;
use rt_task::context;
use rt_task::{coop, Id, JoinHandle, Notified, OwnedTasks, Schedule, Task};

const MAX_TASKS_PER_TICK: usize = 61;
const REMOTE_FIRST_INTERVAL: u8 = 31;

/// A set of tasks which are executed on the same thread.
///
/// Use it to run `!Send` futures: spawn them with [`LocalSet::spawn_local`]
/// or [`spawn_local`] (from inside the set), and drive the set with
/// [`LocalSet::run_until`] or by awaiting it.
pub struct LocalSet {
    tick: Cell<u8>,
    context: Rc<LocalCtx>,
    _not_send: PhantomData<*const ()>,
}

struct LocalCtx {
    shared: Arc<Shared>,
    queue: RefCell<VecDeque<Notified<LocalScheduler>>>,
}

struct Shared {
    owned: OwnedTasks<LocalScheduler>,
    remote: ConcurrentQueue<Notified<LocalScheduler>>,
    waker: Mutex<Option<Waker>>,
}

/// The scheduler value stored in each task of a `LocalSet`.
#[derive(Clone)]
pub struct LocalScheduler(Arc<Shared>);

impl Default for LocalSet {
    fn default() -> Self {
        Self::new()
    }
}

impl LocalSet {
    /// Returns a new local task set.
    pub fn new() -> LocalSet {
        LocalSet {
            tick: Cell::new(0),
            context: Rc::new(LocalCtx {
                shared: Arc::new(Shared {
                    owned: OwnedTasks::new(1),
                    remote: ConcurrentQueue::unbounded(),
                    waker: Mutex::new(None),
                }),
                queue: RefCell::new(VecDeque::with_capacity(64)),
            }),
            _not_send: PhantomData,
        }
    }

    /// Spawns a `!Send` task onto the local task set.
    ///
    /// The task runs when the set is driven (`run_until`, `block_on`, or
    /// awaiting the set).
    #[track_caller]
    pub fn spawn_local<F>(&self, future: F) -> JoinHandle<F::Output>
    where
        F: Future + 'static,
        F::Output: 'static,
    {
        self.context.spawn(future)
    }

    /// Runs a future to completion on the local set, returning its output.
    ///
    /// The set's tasks run while the future is pending; tasks still
    /// pending when the future completes stay in the set.
    pub fn run_until<F: Future>(&self, future: F) -> RunUntil<'_, F> {
        RunUntil {
            local_set: self,
            future,
        }
    }

    /// Enters the set's context so that `spawn_local` may be called from
    /// plain code (not only from tasks of the set) while `f` runs.
    pub fn enter<R>(&self, f: impl FnOnce() -> R) -> R {
        context::set_scheduler(&*self.context, f)
    }

    /// Runs up to `MAX_TASKS_PER_TICK` ready tasks. Returns true if more
    /// work is ready.
    fn tick(&self) -> bool {
        for _ in 0..MAX_TASKS_PER_TICK {
            let t = self.tick.get().wrapping_add(1);
            self.tick.set(t);
            let task = if t % REMOTE_FIRST_INTERVAL == 0 {
                self.context
                    .shared
                    .remote
                    .pop()
                    .ok()
                    .or_else(|| self.context.queue.borrow_mut().pop_front())
            } else {
                let local = self.context.queue.borrow_mut().pop_front();
                local.or_else(|| self.context.shared.remote.pop().ok())
            };
            match task {
                Some(task) => {
                    // A task that yielded goes to the back of the queue.
                    if let Some(task) = coop::budget(|| task.run_yielding()) {
                        self.context.queue.borrow_mut().push_back(task);
                    }
                }
                None => return false,
            }
        }
        true
    }

    fn with<R>(&self, f: impl FnOnce() -> R) -> R {
        context::set_scheduler(&*self.context, f)
    }

    fn register_waker(&self, cx: &Context<'_>) {
        let mut w = self.context.shared.waker.lock().unwrap();
        match &*w {
            Some(old) if old.will_wake(cx.waker()) => {}
            _ => *w = Some(cx.waker().clone()),
        }
    }

    /// Number of tasks alive in the set.
    pub fn len(&self) -> usize {
        self.context.shared.owned.len()
    }

    /// Whether the set has no tasks.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

impl fmt::Debug for LocalSet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("LocalSet").finish_non_exhaustive()
    }
}

impl Future for LocalSet {
    type Output = ();

    /// Completes when every task of the set has completed.
    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        self.register_waker(cx);
        if self.with(|| self.tick()) {
            cx.waker().wake_by_ref();
            Poll::Pending
        } else if self.context.shared.owned.is_empty() {
            Poll::Ready(())
        } else {
            Poll::Pending
        }
    }
}

impl Drop for LocalSet {
    fn drop(&mut self) {
        self.with(|| {
            self.context.shared.owned.close_and_shutdown_all();
            let local: Vec<_> = self.context.queue.borrow_mut().drain(..).collect();
            drop(local);
            self.context.shared.remote.close();
            while let Ok(t) = self.context.shared.remote.pop() {
                drop(t);
            }
        });
    }
}

impl LocalCtx {
    fn spawn<F>(&self, future: F) -> JoinHandle<F::Output>
    where
        F: Future + 'static,
        F::Output: 'static,
    {
        let sched = LocalScheduler(self.shared.clone());
        // SAFETY: this context belongs to a `!Send` LocalSet on the current
        // thread; its notifications are only run by `LocalSet::tick` on
        // this thread, and the set shuts its tasks down on this thread.
        let (join, notified) = unsafe {
            self.shared
                .owned
                .bind_local(future, sched.clone(), Id::next())
        };
        if let Some(n) = notified {
            sched.schedule(n);
        }
        join
    }
}

/// Spawns a `!Send` future on the current [`LocalSet`].
///
/// # Panics
///
/// Panics if called outside of a `LocalSet` (a `LocalRuntime` counts as one).
#[track_caller]
pub fn spawn_local<F>(future: F) -> JoinHandle<F::Output>
where
    F: Future + 'static,
    F::Output: 'static,
{
    match try_spawn_local(future) {
        Ok(j) => j,
        Err(_) => panic!("`spawn_local` called from outside of a `task::LocalSet` or LocalRuntime"),
    }
}

/// Like [`spawn_local`], but gives the future back instead of panicking when
/// no `LocalSet` is current.
pub fn try_spawn_local<F>(future: F) -> Result<JoinHandle<F::Output>, F>
where
    F: Future + 'static,
    F::Output: 'static,
{
    let mut future = Some(future);
    let res =
        context::with_scheduler::<LocalCtx, _>(|ctx| ctx.map(|c| c.spawn(future.take().unwrap())));
    res.ok_or_else(|| future.take().unwrap())
}

impl Schedule for LocalScheduler {
    fn schedule(&self, task: Notified<Self>) {
        let mut task = Some(task);
        context::with_scheduler::<LocalCtx, _>(|ctx| {
            if let Some(ctx) = ctx {
                if Arc::ptr_eq(&ctx.shared, &self.0) {
                    if let Ok(mut q) = ctx.queue.try_borrow_mut() {
                        q.push_back(task.take().unwrap());
                    }
                }
            }
        });
        if let Some(task) = task {
            if self.0.remote.push(task).is_ok() {
                let w = self.0.waker.lock().unwrap().take();
                if let Some(w) = w {
                    w.wake();
                }
            }
        }
    }

    fn release(&self, task: &Task<Self>) -> Option<Task<Self>> {
        self.0.owned.remove(task)
    }
}

/// Future returned by [`LocalSet::run_until`].
pub struct RunUntil<'a, F> {
    local_set: &'a LocalSet,
    future: F,
}

impl<F> fmt::Debug for RunUntil<'_, F> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RunUntil").finish_non_exhaustive()
    }
}

impl<F: Future> Future for RunUntil<'_, F> {
    type Output = F::Output;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<F::Output> {
        // SAFETY: `future` is structurally pinned and never moved;
        // `local_set` is a shared reference (Unpin).
        let this = unsafe { self.get_unchecked_mut() };
        let set = this.local_set;
        // SAFETY: see above.
        let mut future = unsafe { Pin::new_unchecked(&mut this.future) };
        set.register_waker(cx);
        set.with(|| {
            if let Poll::Ready(out) = coop::budget(|| future.as_mut().poll(cx)) {
                return Poll::Ready(out);
            }
            if set.tick() {
                cx.waker().wake_by_ref();
            }
            Poll::Pending
        })
    }
}
