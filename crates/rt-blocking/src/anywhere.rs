//! [`spawn_blocking_or_thread`]: blocking work that must also run where no
//! runtime is current (stdio and name resolution under other executors).

use std::future::Future;
use std::io;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll, Waker};

use rt_task::JoinHandle;

use crate::Spawner;

/// Runs `f` on the current runtime's blocking pool, or, when no runtime is
/// current, on a new OS thread named `thread_name`.
///
/// The returned future resolves to `f`'s result, or to an
/// [`io::Error`] if `f` panicked or was cancelled by a runtime shutdown.
///
/// # Errors
///
/// Returns the OS error if the helper thread cannot be spawned (`f` is
/// dropped unrun).
pub fn spawn_blocking_or_thread<F, R>(thread_name: &str, f: F) -> io::Result<BlockingOrThread<R>>
where
    F: FnOnce() -> R + Send + 'static,
    R: Send + 'static,
{
    if let Some(spawner) = Spawner::try_current() {
        return Ok(BlockingOrThread(Inner::Pool(spawner.spawn_blocking(f))));
    }
    let slot = Arc::new(Mutex::new(Slot {
        value: None,
        waker: None,
        gone: false,
    }));
    let theirs = slot.clone();
    std::thread::Builder::new()
        .name(thread_name.to_owned())
        .spawn(move || {
            // Reports even if `f` panics (then as `gone`).
            let mut finish = Finish(theirs, None);
            finish.1 = Some(f());
        })?;
    Ok(BlockingOrThread(Inner::Thread(slot)))
}

/// A closure started by [`spawn_blocking_or_thread`]; a future of its
/// result.
#[derive(Debug)]
pub struct BlockingOrThread<R>(Inner<R>);

#[derive(Debug)]
enum Inner<R> {
    Pool(JoinHandle<R>),
    Thread(Arc<Mutex<Slot<R>>>),
}

/// The result slot shared with a helper thread.
#[derive(Debug)]
struct Slot<R> {
    value: Option<R>,
    waker: Option<Waker>,
    /// The thread ended without a value (the closure panicked).
    gone: bool,
}

/// Publishes the helper thread's result (or its absence) when dropped.
struct Finish<R>(Arc<Mutex<Slot<R>>>, Option<R>);

impl<R> Drop for Finish<R> {
    fn drop(&mut self) {
        let waker = {
            let mut s = self.0.lock().unwrap_or_else(|e| e.into_inner());
            match self.1.take() {
                Some(v) => s.value = Some(v),
                None => s.gone = true,
            }
            s.waker.take()
        };
        if let Some(w) = waker {
            w.wake();
        }
    }
}

impl<R> Future for BlockingOrThread<R> {
    type Output = io::Result<R>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<R>> {
        match &mut self.get_mut().0 {
            Inner::Pool(handle) => Pin::new(handle)
                .poll(cx)
                .map(|r| r.map_err(|e| io::Error::other(e.to_string()))),
            Inner::Thread(slot) => {
                let mut s = slot.lock().unwrap_or_else(|e| e.into_inner());
                if let Some(v) = s.value.take() {
                    return Poll::Ready(Ok(v));
                }
                if s.gone {
                    return Poll::Ready(Err(io::Error::other("blocking task panicked")));
                }
                match &s.waker {
                    Some(w) if w.will_wake(cx.waker()) => {}
                    _ => s.waker = Some(cx.waker().clone()),
                }
                Poll::Pending
            }
        }
    }
}
