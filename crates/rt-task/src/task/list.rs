//! The owned-task list: every task a scheduler spawned, so that shutdown can
//! cancel and drop all of them.
//!
//! # Protocol
//!
//! The list is split into shards (a power of two), each a mutex around an
//! intrusive doubly linked list threaded through the task headers; a task
//! lives in shard `id & mask`. A task's `owner_id` equals the list's id while
//! it is linked and 0 otherwise, and changes only under its shard's lock.
//!
//! * `bind` links a new task under the shard lock unless the list is closed;
//!   a task bound to a closed list is shut down at once (its `JoinHandle`
//!   reports cancellation).
//! * `remove` (a task completed) reads `owner_id` and, under the lock, checks
//!   it again before unlinking, so a task already popped by shutdown is not
//!   unlinked twice. The caller gets the list's reference back.
//! * `close_and_shutdown_all` sets `closed` and then, shard by shard, pops one
//!   task at a time under the lock (clearing its `owner_id`) and shuts it
//!   down outside the lock (its future's destructor may spawn or wake
//!   tasks). A `bind` that takes a shard lock after the closer released it
//!   sees `closed`; one that took it before left its task for the closer.

use std::future::Future;
use std::marker::PhantomData;
use std::ptr::NonNull;
use std::sync::atomic::AtomicU64 as StaticAtomicU64;

use crate::loom::sync::atomic::{AtomicBool, Ordering};

use super::raw::{Header, RawTask};
use super::{Id, JoinHandle, Notified, Schedule, Task};
use crate::loom::sync::Mutex;

struct Shard {
    head: Option<NonNull<Header>>,
    len: usize,
}

// SAFETY: the raw pointers are only dereferenced under the shard's mutex,
// and tasks are Send (their schedulers are Send + Sync).
unsafe impl Send for Shard {}

/// The list of tasks owned by one scheduler (or one `LocalSet`).
pub struct OwnedTasks<S: 'static> {
    shards: Box<[Mutex<Shard>]>,
    mask: usize,
    id: u64,
    closed: AtomicBool,
    _p: PhantomData<S>,
}

impl<S: 'static> std::fmt::Debug for OwnedTasks<S> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OwnedTasks")
            .field("id", &self.id)
            .field("closed", &self.closed.load(Ordering::Relaxed))
            .finish()
    }
}

fn next_list_id() -> u64 {
    // A process-wide counter: a std atomic even under loom (a static).
    static NEXT: StaticAtomicU64 = StaticAtomicU64::new(1);
    NEXT.fetch_add(1, Ordering::Relaxed)
}

impl<S: Schedule> OwnedTasks<S> {
    /// Creates a list with at least `shards` shards (rounded up to a power of
    /// two; use 1 for a single-threaded scheduler, about 4× the worker count
    /// for a multi-threaded one).
    pub fn new(shards: usize) -> OwnedTasks<S> {
        let n = shards.max(1).next_power_of_two();
        OwnedTasks {
            shards: (0..n)
                .map(|_| Mutex::new(Shard { head: None, len: 0 }))
                .collect(),
            mask: n - 1,
            id: next_list_id(),
            closed: AtomicBool::new(false),
            _p: PhantomData,
        }
    }

    /// Creates a task for `future`, owned by this list, and returns its
    /// `JoinHandle` and its first `Notified` (to be scheduled). If the list is
    /// closed, the task is cancelled at once and no `Notified` is returned.
    pub fn bind<F>(
        &self,
        future: F,
        scheduler: S,
        id: Id,
    ) -> (JoinHandle<F::Output>, Option<Notified<S>>)
    where
        F: Future + Send + 'static,
        F::Output: Send + 'static,
    {
        self.bind_inner(future, scheduler, id)
    }

    /// Like [`bind`](Self::bind) for a future that is not `Send`.
    ///
    /// # Safety
    ///
    /// The caller must only run the returned `Notified` (and any later ones
    /// of this task handed to its scheduler) on the thread that called
    /// `bind_local`, and must shut the list down on that thread.
    pub unsafe fn bind_local<F>(
        &self,
        future: F,
        scheduler: S,
        id: Id,
    ) -> (JoinHandle<F::Output>, Option<Notified<S>>)
    where
        F: Future + 'static,
        F::Output: 'static,
    {
        self.bind_inner(future, scheduler, id)
    }

    fn bind_inner<F>(
        &self,
        future: F,
        scheduler: S,
        id: Id,
    ) -> (JoinHandle<F::Output>, Option<Notified<S>>)
    where
        F: Future + 'static,
        F::Output: 'static,
    {
        let raw = RawTask::new::<F, S>(future, scheduler, id);
        let join = JoinHandle::new(raw);
        let task = Task::<S>::from_raw(raw);
        let notified = Notified(Task::from_raw(raw));
        let mut shard = self.shard(id).lock().unwrap_or_else(|e| e.into_inner());
        if self.closed.load(Ordering::Acquire) {
            drop(shard);
            drop(notified);
            task.shutdown();
            return (join, None);
        }
        let ptr = raw.header_ptr();
        raw.header().owner_id.store(self.id, Ordering::Relaxed);
        // SAFETY: we hold the shard lock, which guards the links of every
        // task in the shard, and `ptr` is not linked anywhere yet.
        unsafe { push_front(&mut shard, ptr) };
        // The list keeps the `Task` reference.
        std::mem::forget(task);
        (join, Some(notified))
    }

    /// Removes a completed task from the list, returning the list's
    /// reference to it (or `None` if the task is not in this list).
    pub fn remove(&self, task: &Task<S>) -> Option<Task<S>> {
        let header = task.raw.header();
        if header.owner_id.load(Ordering::Relaxed) != self.id {
            return None;
        }
        let mut shard = self
            .shard(header.id)
            .lock()
            .unwrap_or_else(|e| e.into_inner());
        if header.owner_id.load(Ordering::Relaxed) != self.id {
            return None;
        }
        // SAFETY: owner_id (checked under the lock) says the task is linked
        // in this shard, and we hold the shard lock.
        unsafe { unlink(&mut shard, task.raw.header_ptr()) };
        header.owner_id.store(0, Ordering::Relaxed);
        Some(Task::from_raw(task.raw))
    }

    /// Closes the list (later binds are cancelled at once) and shuts down
    /// every task in it: each future is dropped (on this thread, if the task
    /// is not running elsewhere) and its `JoinHandle` reports cancellation.
    pub fn close_and_shutdown_all(&self) {
        self.closed.store(true, Ordering::Release);
        for shard in self.shards.iter() {
            loop {
                let popped = {
                    let mut shard = shard.lock().unwrap_or_else(|e| e.into_inner());
                    shard.head.inspect(|&head| {
                        // SAFETY: `head` is linked in this shard and we hold
                        // its lock.
                        unsafe { unlink(&mut shard, head) };
                        let raw = RawTask::from_raw(head);
                        raw.header().owner_id.store(0, Ordering::Relaxed);
                    })
                };
                match popped {
                    // The list's reference moves to `shutdown`.
                    Some(head) => RawTask::from_raw(head).shutdown(),
                    None => break,
                }
            }
        }
    }

    /// Whether [`close_and_shutdown_all`](Self::close_and_shutdown_all) has
    /// been called.
    pub fn is_closed(&self) -> bool {
        self.closed.load(Ordering::Acquire)
    }

    /// The number of tasks in the list (alive tasks of the scheduler).
    pub fn len(&self) -> usize {
        self.shards
            .iter()
            .map(|s| s.lock().unwrap_or_else(|e| e.into_inner()).len)
            .sum()
    }

    /// Whether the list holds no task.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The unique id of this list.
    pub fn id(&self) -> u64 {
        self.id
    }

    /// Whether `task` is owned by this list.
    pub fn owns(&self, task: &Task<S>) -> bool {
        task.raw.header().owner_id.load(Ordering::Relaxed) == self.id
    }

    fn shard(&self, id: Id) -> &Mutex<Shard> {
        &self.shards[id.as_u64() as usize & self.mask]
    }
}

impl<S: 'static> Drop for OwnedTasks<S> {
    fn drop(&mut self) {
        // Shutdown must have emptied the list; if a scheduler forgot, the
        // remaining tasks leak rather than being freed while linked.
        debug_assert!(
            std::thread::panicking()
                || self
                    .shards
                    .iter_mut()
                    .all(|s| s.get_mut().map(|s| s.len == 0).unwrap_or(true)),
            "OwnedTasks dropped while tasks are still in it"
        );
    }
}

/// # Safety
/// The caller holds the shard lock and `ptr` is not linked.
unsafe fn push_front(shard: &mut Shard, ptr: NonNull<Header>) {
    // SAFETY: under the shard lock, the links of `ptr` and of the current
    // head are ours to write; both headers are alive (the list holds a
    // reference to each linked task).
    unsafe {
        ptr.as_ref().links.with_mut(|l| {
            (*l).prev = None;
            (*l).next = shard.head;
        });
        if let Some(head) = shard.head {
            head.as_ref().links.with_mut(|l| (*l).prev = Some(ptr));
        }
    }
    shard.head = Some(ptr);
    shard.len += 1;
}

/// # Safety
/// The caller holds the shard lock and `ptr` is linked in this shard.
unsafe fn unlink(shard: &mut Shard, ptr: NonNull<Header>) {
    // SAFETY: as in `push_front`; all three nodes are linked in this shard.
    unsafe {
        let (prev, next) = ptr
            .as_ref()
            .links
            .with_mut(|l| ((*l).prev.take(), (*l).next.take()));
        match prev {
            Some(p) => p.as_ref().links.with_mut(|l| (*l).next = next),
            None => shard.head = next,
        }
        if let Some(n) = next {
            n.as_ref().links.with_mut(|l| (*l).prev = prev);
        }
    }
    shard.len -= 1;
}
