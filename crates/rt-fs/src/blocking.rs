//! Running one blocking file system call on the blocking pool.

use std::io;

use rt_blocking::Spawner;
use rt_task::{JoinError, JoinHandle};

/// Runs `f` on the current runtime's blocking pool: every hop rt-fs makes
/// goes through here or [`try_spawn`].
///
/// # Panics
///
/// Outside the context of an rt runtime, with the message of
/// [`rt_blocking::spawn_blocking`].
pub(crate) fn spawn<F, R>(f: F) -> JoinHandle<R>
where
    F: FnOnce() -> R + Send + 'static,
    R: Send + 'static,
{
    hops::count();
    rt_blocking::spawn_blocking(f)
}

/// Like [`spawn`], for optional work (prefetches): `None` outside a
/// runtime.
pub(crate) fn try_spawn<F, R>(f: F) -> Option<JoinHandle<R>>
where
    F: FnOnce() -> R + Send + 'static,
    R: Send + 'static,
{
    let spawner = Spawner::try_current()?;
    hops::count();
    Some(spawner.spawn_blocking(f))
}

/// Counts the hops spawned from this thread (unit tests check how many
/// hops an operation costs).
pub(crate) mod hops {
    #[cfg(test)]
    thread_local! {
        static HOPS: std::cell::Cell<usize> = const { std::cell::Cell::new(0) };
    }

    #[inline]
    pub(crate) fn count() {
        #[cfg(test)]
        HOPS.with(|h| h.set(h.get() + 1));
    }

    /// Hops spawned from this thread so far.
    #[cfg(test)]
    pub(crate) fn get() -> usize {
        HOPS.with(|h| h.get())
    }
}

/// Runs `f` on the current runtime's blocking pool and waits for its result:
/// one pool hop.
///
/// # Panics
///
/// Panics (on first poll) if no rt runtime is current, with the message of
/// [`rt_blocking::spawn_blocking`].
pub(crate) async fn asyncify<F, T>(f: F) -> io::Result<T>
where
    F: FnOnce() -> io::Result<T> + Send + 'static,
    T: Send + 'static,
{
    match spawn(f).await {
        Ok(res) => res,
        Err(e) => Err(join_error(e)),
    }
}

/// The `io::Error` for a blocking closure that did not return: the runtime
/// shut down before it ran, or it panicked.
pub(crate) fn join_error(e: JoinError) -> io::Error {
    if e.is_cancelled() {
        io::Error::other("background task failed: the runtime is shutting down")
    } else {
        io::Error::other("background task failed")
    }
}
