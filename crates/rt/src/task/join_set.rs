//! `JoinSet`: a collection of spawned tasks, awaited in completion order.
//!
//! # How it works
//!
//! Each entry holds the task's `JoinHandle` and an entry waker. The set
//! polls a handle only when its entry waker has fired (or once right after
//! the spawn, to register the waker): the entry waker pushes the entry's key
//! onto the shared `ready` list and wakes whoever awaits `join_next`. So
//! `join_next` costs O(ready tasks), not O(all tasks).

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll, Wake, Waker};

use rt_task::{AbortHandle, Id, JoinError, JoinHandle};

use crate::runtime::Handle;

/// A collection of tasks spawned on an rt runtime.
///
/// A `JoinSet` can be used to await the completion of some or all of the
/// tasks in the set. The set is not ordered, and the tasks will be returned
/// in the order they complete. All of the tasks must have the same return
/// type `T`. When the `JoinSet` is dropped, all tasks in the `JoinSet` are
/// immediately aborted.
///
/// ```
/// # let rt = rt::runtime::Builder::new_current_thread().build().unwrap();
/// # rt.block_on(async {
/// let mut set = rt::task::JoinSet::new();
/// for i in 0..10 {
///     set.spawn(async move { i });
/// }
/// let mut seen = [false; 10];
/// while let Some(res) = set.join_next().await {
///     seen[res.unwrap()] = true;
/// }
/// assert!(seen.iter().all(|b| *b));
/// # });
/// ```
pub struct JoinSet<T> {
    entries: Vec<Option<Entry<T>>>,
    free: Vec<usize>,
    len: usize,
    shared: Arc<Shared>,
}

struct Entry<T> {
    handle: JoinHandle<T>,
    waker: Waker,
}

struct Shared {
    state: Mutex<SharedState>,
}

#[derive(Default)]
struct SharedState {
    ready: Vec<usize>,
    waker: Option<Waker>,
}

struct EntryWaker {
    shared: Arc<Shared>,
    key: usize,
}

impl Wake for EntryWaker {
    fn wake(self: Arc<Self>) {
        self.wake_by_ref()
    }
    fn wake_by_ref(self: &Arc<Self>) {
        let w = {
            let mut st = self.shared.state.lock().unwrap();
            st.ready.push(self.key);
            st.waker.take()
        };
        if let Some(w) = w {
            w.wake();
        }
    }
}

impl<T> Default for JoinSet<T> {
    fn default() -> Self {
        Self::new()
    }
}

impl<T> JoinSet<T> {
    /// Create a new `JoinSet`.
    pub fn new() -> Self {
        JoinSet {
            entries: Vec::new(),
            free: Vec::new(),
            len: 0,
            shared: Arc::new(Shared {
                state: Mutex::new(SharedState::default()),
            }),
        }
    }

    /// Returns the number of tasks currently in the `JoinSet`.
    pub fn len(&self) -> usize {
        self.len
    }

    /// Returns whether the `JoinSet` is empty.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    fn insert(&mut self, handle: JoinHandle<T>) -> AbortHandle {
        let abort = handle.abort_handle();
        let key = self.free.pop().unwrap_or_else(|| {
            self.entries.push(None);
            self.entries.len() - 1
        });
        let waker = Waker::from(Arc::new(EntryWaker {
            shared: self.shared.clone(),
            key,
        }));
        self.entries[key] = Some(Entry { handle, waker });
        self.len += 1;
        // Poll it once on the next join_next, to register its waker.
        self.shared.state.lock().unwrap().ready.push(key);
        abort
    }

    fn remove(&mut self, key: usize) -> Option<Entry<T>> {
        let e = self.entries.get_mut(key)?.take()?;
        self.free.push(key);
        self.len -= 1;
        Some(e)
    }

    /// Aborts all tasks on this `JoinSet`.
    ///
    /// This does not remove the tasks from the `JoinSet`. To wait for the
    /// tasks to complete cancellation, you should call `join_next` in a loop
    /// until the `JoinSet` is empty.
    pub fn abort_all(&mut self) {
        for e in self.entries.iter().flatten() {
            e.handle.abort();
        }
    }

    /// Removes all tasks from this `JoinSet` without aborting them.
    ///
    /// The tasks removed by this call will continue to run in the background
    /// even if the `JoinSet` is dropped.
    pub fn detach_all(&mut self) {
        self.entries.clear();
        self.free.clear();
        self.len = 0;
        self.shared.state.lock().unwrap().ready.clear();
    }

    /// Waits until one of the tasks in the set completes and returns its
    /// output. Returns `None` if the set is empty.
    ///
    /// # Cancel Safety
    ///
    /// This method is cancel safe: if `join_next` is used as the event in a
    /// `select!` and another branch completes first, no task output is lost.
    pub async fn join_next(&mut self) -> Option<Result<T, JoinError>> {
        std::future::poll_fn(|cx| self.poll_join_next(cx)).await
    }

    /// Waits until one of the tasks in the set completes and returns its
    /// output, along with the [task ID] of the completed task.
    ///
    /// [task ID]: crate::task::Id
    pub async fn join_next_with_id(&mut self) -> Option<Result<(Id, T), JoinError>> {
        std::future::poll_fn(|cx| self.poll_join_next_with_id(cx)).await
    }

    /// Tries to join one of the tasks in the set that has completed and
    /// return its output, without waiting.
    ///
    /// Returns `None` if there are no completed tasks, or if the set is
    /// empty.
    pub fn try_join_next(&mut self) -> Option<Result<T, JoinError>> {
        self.try_join_next_with_id().map(|r| r.map(|(_, t)| t))
    }

    /// Like [`try_join_next`](Self::try_join_next), also returning the task
    /// id.
    pub fn try_join_next_with_id(&mut self) -> Option<Result<(Id, T), JoinError>> {
        let ready = std::mem::take(&mut self.shared.state.lock().unwrap().ready);
        let mut out = None;
        let mut rest = Vec::new();
        let mut iter = ready.into_iter();
        for key in iter.by_ref() {
            if let Some(r) = self.poll_entry(key) {
                out = Some(r);
                break;
            }
        }
        rest.extend(iter);
        if !rest.is_empty() {
            self.shared.state.lock().unwrap().ready.extend(rest);
        }
        out
    }

    /// Polls the entry `key` with its own waker and removes it if finished.
    fn poll_entry(&mut self, key: usize) -> Option<Result<(Id, T), JoinError>> {
        let Entry { handle, waker } = self.entries.get_mut(key)?.as_mut()?;
        let poll = Pin::new(handle).poll(&mut Context::from_waker(waker));
        match poll {
            Poll::Ready(res) => {
                let e = self.remove(key).expect("entry present");
                let id = e.handle.id();
                Some(res.map(|v| (id, v)))
            }
            Poll::Pending => None,
        }
    }

    /// Polls for one of the tasks in the set to complete.
    pub fn poll_join_next(&mut self, cx: &mut Context<'_>) -> Poll<Option<Result<T, JoinError>>> {
        self.poll_join_next_with_id(cx)
            .map(|o| o.map(|r| r.map(|(_, t)| t)))
    }

    /// Polls for one of the tasks in the set to complete, with its id.
    pub fn poll_join_next_with_id(
        &mut self,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<(Id, T), JoinError>>> {
        if self.len == 0 {
            return Poll::Ready(None);
        }
        // Budget: joining is an operation like any other resource read.
        let coop = std::task::ready!(rt_task::coop::poll_proceed(cx));
        loop {
            let key = {
                let mut st = self.shared.state.lock().unwrap();
                match st.ready.pop() {
                    Some(k) => k,
                    None => {
                        match &st.waker {
                            Some(w) if w.will_wake(cx.waker()) => {}
                            _ => st.waker = Some(cx.waker().clone()),
                        }
                        return Poll::Pending;
                    }
                }
            };
            if let Some(res) = self.poll_entry(key) {
                coop.made_progress();
                return Poll::Ready(Some(res));
            }
        }
    }

    /// Aborts all tasks and waits for them to finish shutting down.
    pub async fn shutdown(&mut self) {
        self.abort_all();
        while self.join_next().await.is_some() {}
    }

    /// Awaits the completion of all tasks in this `JoinSet`, returning a
    /// vector of their results in completion order.
    ///
    /// # Panics
    ///
    /// If any task panics, the panic is resumed on the caller (after the
    /// remaining tasks are aborted by dropping the set). If a task was
    /// cancelled, this panics too.
    pub async fn join_all(mut self) -> Vec<T> {
        let mut out = Vec::with_capacity(self.len());
        while let Some(res) = self.join_next().await {
            match res {
                Ok(t) => out.push(t),
                Err(e) if e.is_panic() => std::panic::resume_unwind(e.into_panic()),
                Err(e) => panic!("{e}"),
            }
        }
        out
    }
}

impl<T: 'static> JoinSet<T> {
    /// Spawn the provided task on the `JoinSet`, returning an
    /// [`AbortHandle`] that can be used to remotely cancel the task.
    ///
    /// # Panics
    ///
    /// Panics if called outside of an rt runtime.
    #[track_caller]
    pub fn spawn<F>(&mut self, task: F) -> AbortHandle
    where
        F: Future<Output = T> + Send + 'static,
        T: Send,
    {
        self.insert(crate::spawn(task))
    }

    /// Spawn the provided task on the provided runtime handle.
    #[track_caller]
    pub fn spawn_on<F>(&mut self, task: F, handle: &Handle) -> AbortHandle
    where
        F: Future<Output = T> + Send + 'static,
        T: Send,
    {
        self.insert(handle.spawn(task))
    }

    /// Spawn the provided `!Send` task on the current [`LocalSet`](super::LocalSet).
    ///
    /// # Panics
    ///
    /// Panics if called outside a `LocalSet`.
    #[track_caller]
    pub fn spawn_local<F>(&mut self, task: F) -> AbortHandle
    where
        F: Future<Output = T> + 'static,
    {
        self.insert(super::spawn_local(task))
    }

    /// Spawn the provided `!Send` task on the provided [`LocalSet`](super::LocalSet).
    #[track_caller]
    pub fn spawn_local_on<F>(&mut self, task: F, local_set: &super::LocalSet) -> AbortHandle
    where
        F: Future<Output = T> + 'static,
    {
        self.insert(local_set.spawn_local(task))
    }

    /// Spawn the blocking code on the blocking threadpool and store it in
    /// this `JoinSet`.
    #[track_caller]
    pub fn spawn_blocking<F>(&mut self, f: F) -> AbortHandle
    where
        F: FnOnce() -> T + Send + 'static,
        T: Send,
    {
        self.insert(crate::task::spawn_blocking(f))
    }

    /// Spawn the blocking code on the blocking threadpool of the provided
    /// runtime handle.
    #[track_caller]
    pub fn spawn_blocking_on<F>(&mut self, f: F, handle: &Handle) -> AbortHandle
    where
        F: FnOnce() -> T + Send + 'static,
        T: Send,
    {
        self.insert(handle.spawn_blocking(f))
    }
}

impl<T> Drop for JoinSet<T> {
    fn drop(&mut self) {
        self.abort_all();
    }
}

impl<T> fmt::Debug for JoinSet<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("JoinSet").field("len", &self.len).finish()
    }
}

impl<T, F> FromIterator<F> for JoinSet<T>
where
    F: Future<Output = T> + Send + 'static,
    T: Send + 'static,
{
    fn from_iter<I: IntoIterator<Item = F>>(iter: I) -> Self {
        let mut set = Self::new();
        set.extend(iter);
        set
    }
}

impl<T, F> Extend<F> for JoinSet<T>
where
    F: Future<Output = T> + Send + 'static,
    T: Send + 'static,
{
    fn extend<I: IntoIterator<Item = F>>(&mut self, iter: I) {
        for f in iter {
            self.spawn(f);
        }
    }
}
