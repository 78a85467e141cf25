use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

use rt_task::JoinHandle;

use crate::runtime::Runtime;

pub use rt_sched_local::spawn_local;

/// A set of tasks which are executed on the same thread.
///
/// In some cases, it is necessary to run one or more futures that do not
/// implement `Send` and thus are unsafe to send between threads. In these
/// cases, a local task set may be used to schedule one or more `!Send`
/// futures to run together on the same thread.
///
/// ```
/// use std::rc::Rc;
/// let rt = rt::runtime::Builder::new_current_thread().build().unwrap();
/// let local = rt::task::LocalSet::new();
/// let nonsend = Rc::new(5);
/// local.block_on(&rt, async move {
///     let n = nonsend.clone();
///     let v = rt::task::spawn_local(async move { *n + 1 }).await.unwrap();
///     assert_eq!(v, 6);
/// });
/// ```
#[derive(Default)]
pub struct LocalSet {
    inner: rt_sched_local::LocalSet,
}

impl LocalSet {
    /// Returns a new local task set.
    pub fn new() -> LocalSet {
        LocalSet::default()
    }

    /// Spawns a `!Send` task onto the local task set.
    #[track_caller]
    pub fn spawn_local<F>(&self, future: F) -> JoinHandle<F::Output>
    where
        F: Future + 'static,
        F::Output: 'static,
    {
        self.inner.spawn_local(future)
    }

    /// Runs a future to completion on the provided runtime, driving any
    /// local futures spawned on this task set.
    ///
    /// # Panics
    ///
    /// Panics if called from inside an asynchronous execution context.
    #[track_caller]
    pub fn block_on<F: Future>(&self, rt: &Runtime, future: F) -> F::Output {
        rt.block_on(self.inner.run_until(future))
    }

    /// Runs a future to completion on the local set, returning its output.
    pub async fn run_until<F: Future>(&self, future: F) -> F::Output {
        self.inner.run_until(future).await
    }
}

impl Future for LocalSet {
    type Output = ();

    /// Completes when every task spawned on the set has completed.
    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        Pin::new(&mut self.inner).poll(cx)
    }
}

impl fmt::Debug for LocalSet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("LocalSet").finish_non_exhaustive()
    }
}
