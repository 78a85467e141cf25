//! Helpers for the loom models (compiled only with `--cfg rt_loom`).
#![allow(dead_code)]

use std::future::Future;
use std::pin::pin;
use std::sync::Arc;
use std::task::{Context, Poll, Wake, Waker};

use loom::sync::{Condvar, Mutex};

/// A wake-up flag. (Not `thread::park`: loom asserts when a stray `unpark`
/// reaches a thread blocked in `join`, and a waker may legitimately fire
/// after its future completed.)
#[derive(Default)]
struct Signal {
    woken: Mutex<bool>,
    cv: Condvar,
}

impl Wake for Signal {
    fn wake(self: Arc<Self>) {
        self.wake_by_ref();
    }
    fn wake_by_ref(self: &Arc<Self>) {
        *self.woken.lock().unwrap() = true;
        self.cv.notify_one();
    }
}

/// Drives `f` on the current loom thread, waiting between polls. A lost
/// wake-up leaves the thread waiting forever, which loom reports as a
/// deadlock.
pub fn block_on<F: Future>(f: F) -> F::Output {
    let mut f = pin!(f);
    let signal = Arc::new(Signal::default());
    let waker = Waker::from(signal.clone());
    let mut cx = Context::from_waker(&waker);
    loop {
        if let Poll::Ready(v) = f.as_mut().poll(&mut cx) {
            return v;
        }
        let mut woken = signal.woken.lock().unwrap();
        while !*woken {
            woken = signal.cv.wait(woken).unwrap();
        }
        *woken = false;
    }
}

/// Polls `f` once with a no-op waker.
pub fn poll_once<F: Future + ?Sized>(f: std::pin::Pin<&mut F>) -> Poll<F::Output> {
    f.poll(&mut Context::from_waker(Waker::noop()))
}
