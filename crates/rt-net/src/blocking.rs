//! Runs a blocking closure off the async threads: on the current runtime's
//! blocking pool when there is one, else on a plain new thread (so that
//! name resolution works under any executor).

use std::future::Future;
use std::io;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll, Waker};

use rt_blocking::Spawner;
use rt_task::JoinHandle;

/// The result slot shared with a plain thread.
pub(crate) struct Slot<R> {
    value: Option<R>,
    waker: Option<Waker>,
    /// The thread ended without a value (it panicked).
    gone: bool,
}

/// A running blocking closure; resolves to its result, or to an error if
/// it panicked or was cancelled by a runtime shutdown.
pub(crate) enum Blocking<R> {
    Pool(JoinHandle<R>),
    Thread(Arc<Mutex<Slot<R>>>),
    Failed(Option<io::Error>),
}

/// Starts `f` on the blocking pool or a new thread.
pub(crate) fn run<F, R>(f: F) -> Blocking<R>
where
    F: FnOnce() -> R + Send + 'static,
    R: Send + 'static,
{
    if let Some(spawner) = Spawner::try_current() {
        return Blocking::Pool(spawner.spawn_blocking(f));
    }
    let slot = Arc::new(Mutex::new(Slot {
        value: None,
        waker: None,
        gone: false,
    }));
    let theirs = slot.clone();
    let spawned = std::thread::Builder::new()
        .name("rt-net-blocking".to_owned())
        .spawn(move || {
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
            // Reports even if `f` panics (then `gone`).
            let mut finish = Finish(theirs, None);
            finish.1 = Some(f());
        });
    match spawned {
        Ok(_) => Blocking::Thread(slot),
        Err(e) => Blocking::Failed(Some(e)),
    }
}

impl<R> Future for Blocking<R> {
    type Output = io::Result<R>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<R>> {
        match self.get_mut() {
            Blocking::Pool(handle) => Pin::new(handle)
                .poll(cx)
                .map(|r| r.map_err(|e| io::Error::other(e.to_string()))),
            Blocking::Thread(slot) => {
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
            Blocking::Failed(e) => Poll::Ready(Err(e
                .take()
                .unwrap_or_else(|| io::Error::other("blocking task polled after completion")))),
        }
    }
}
