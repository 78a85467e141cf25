//! Helpers shared by the integration tests.
#![allow(dead_code)]

use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::task::{Context, Poll, Wake, Waker};

/// A waker that counts how often it was woken.
#[derive(Default)]
pub struct CountingWaker {
    wakes: AtomicUsize,
}

impl CountingWaker {
    pub fn wakes(&self) -> usize {
        self.wakes.load(Ordering::SeqCst)
    }
}

impl Wake for CountingWaker {
    fn wake(self: Arc<Self>) {
        self.wakes.fetch_add(1, Ordering::SeqCst);
    }
    fn wake_by_ref(self: &Arc<Self>) {
        self.wakes.fetch_add(1, Ordering::SeqCst);
    }
}

/// A fresh counting waker and its counter.
pub fn counting_waker() -> (Waker, Arc<CountingWaker>) {
    let c = Arc::new(CountingWaker::default());
    (Waker::from(c.clone()), c)
}

/// Polls `f` once with `waker`.
pub fn poll_with<F: Future + ?Sized>(f: Pin<&mut F>, waker: &Waker) -> Poll<F::Output> {
    f.poll(&mut Context::from_waker(waker))
}

/// Polls `f` once with a no-op waker.
pub fn poll_noop<F: Future + ?Sized>(f: Pin<&mut F>) -> Poll<F::Output> {
    f.poll(&mut Context::from_waker(Waker::noop()))
}

/// Asserts that polling once is `Pending`.
#[track_caller]
pub fn assert_pending<F: Future + ?Sized>(f: Pin<&mut F>) {
    assert!(poll_noop(f).is_pending(), "expected Pending");
}

/// Asserts that polling once is `Ready` and returns the output.
#[track_caller]
pub fn assert_ready<F: Future + ?Sized>(f: Pin<&mut F>) -> F::Output {
    match poll_noop(f) {
        Poll::Ready(v) => v,
        Poll::Pending => panic!("expected Ready"),
    }
}

/// Runs `f` as if the current thread were driving an rt runtime.
pub fn in_runtime<R>(f: impl FnOnce() -> R) -> R {
    let _guard = rt_task::context::enter_runtime(false).expect("not already in a runtime");
    f()
}

/// The panic message of `blocking_*` inside a runtime (Tokio's wording).
pub const BLOCKING_MSG: &str = "Cannot block the current thread from within a runtime. This happens because a function attempted to block the current thread while the thread is being used to drive asynchronous tasks.";

/// Extracts the message of a caught panic.
pub fn panic_message(err: Box<dyn std::any::Any + Send>) -> String {
    if let Some(s) = err.downcast_ref::<String>() {
        s.clone()
    } else if let Some(s) = err.downcast_ref::<&str>() {
        (*s).to_string()
    } else {
        String::from("<non-string panic>")
    }
}
