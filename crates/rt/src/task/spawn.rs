use std::future::Future;

use rt_task::{Id, JoinHandle};

use crate::runtime::{with_current, NO_RUNTIME};

/// Spawns a new asynchronous task, returning a [`JoinHandle`] for it.
///
/// The provided future will start running in the background immediately
/// when `spawn` is called, even if you don't await the returned
/// `JoinHandle`. Dropping the handle detaches the task.
///
/// # Panics
///
/// Panics if called from **outside** of an rt runtime.
///
/// ```
/// # let rt = rt::runtime::Builder::new_current_thread().build().unwrap();
/// # rt.block_on(async {
/// let handle = rt::spawn(async { 7 * 6 });
/// assert_eq!(handle.await.unwrap(), 42);
/// # });
/// ```
#[track_caller]
pub fn spawn<F>(future: F) -> JoinHandle<F::Output>
where
    F: Future + Send + 'static,
    F::Output: Send + 'static,
{
    // Box large futures so the task cell stays small (as Tokio does).
    if std::mem::size_of::<F>() > 2048 {
        spawn_inner(Box::pin(future))
    } else {
        spawn_inner(future)
    }
}

#[track_caller]
fn spawn_inner<F>(future: F) -> JoinHandle<F::Output>
where
    F: Future + Send + 'static,
    F::Output: Send + 'static,
{
    let mut future = Some(future);
    match with_current(|h| h.map(|h| h.spawn(future.take().unwrap(), Id::next()))) {
        Some(j) => j,
        None => panic!("{NO_RUNTIME}"),
    }
}

/// Runs the provided closure on a thread where blocking is acceptable.
///
/// The closure runs on the runtime's blocking pool, which grows on demand
/// up to `max_blocking_threads` threads. The returned handle yields the
/// closure's return value, or a panic `JoinError` if it panicked.
///
/// # Panics
///
/// Panics if called from **outside** of an rt runtime.
#[track_caller]
pub fn spawn_blocking<F, R>(f: F) -> JoinHandle<R>
where
    F: FnOnce() -> R + Send + 'static,
    R: Send + 'static,
{
    let mut f = Some(f);
    match with_current(|h| h.map(|h| h.spawn_blocking(f.take().unwrap()))) {
        Some(j) => j,
        None => rt_blocking::spawn_blocking(f.take().unwrap()),
    }
}
