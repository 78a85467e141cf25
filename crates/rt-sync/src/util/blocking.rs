//! Blocking the current thread on a future, for the `blocking_*` methods.

use std::future::Future;

/// The message of the panic raised by a `blocking_*` method called from a
/// thread that drives an async runtime (Tokio's wording).
pub(crate) const BLOCKING_IN_RUNTIME: &str = "Cannot block the current thread from within a runtime. This happens because a function attempted to block the current thread while the thread is being used to drive asynchronous tasks.";

/// Panics if this thread is driving an rt runtime.
#[track_caller]
pub(crate) fn assert_not_in_runtime() {
    if let rt_task::context::EnterRuntime::Entered { .. } = rt_task::context::runtime_state() {
        panic!("{}", BLOCKING_IN_RUNTIME);
    }
}

/// Runs `f` to completion on this thread, parking it while `f` is pending.
#[track_caller]
pub(crate) fn block_on<F: Future>(f: F) -> F::Output {
    assert_not_in_runtime();
    imp::block_on(f)
}

#[cfg(not(rt_loom))]
mod imp {
    use std::future::Future;
    use std::pin::pin;
    use std::sync::Arc;
    use std::task::{Context, Poll, Wake, Waker};
    use std::thread::{self, Thread};

    struct ThreadWaker(Thread);

    impl Wake for ThreadWaker {
        fn wake(self: Arc<Self>) {
            self.0.unpark();
        }
        fn wake_by_ref(self: &Arc<Self>) {
            self.0.unpark();
        }
    }

    pub(super) fn block_on<F: Future>(f: F) -> F::Output {
        let mut f = pin!(f);
        let waker = Waker::from(Arc::new(ThreadWaker(thread::current())));
        let mut cx = Context::from_waker(&waker);
        loop {
            if let Poll::Ready(v) = f.as_mut().poll(&mut cx) {
                return v;
            }
            // A spurious or early unpark only costs one more poll.
            thread::park();
        }
    }
}

#[cfg(rt_loom)]
mod imp {
    //! The same loop on loom's model threads: a lost wake-up parks the
    //! thread for good, which loom reports as a deadlock.
    use std::future::Future;
    use std::pin::pin;
    use std::sync::Arc;
    use std::task::{Context, Poll, Wake, Waker};

    use loom::sync::{Condvar, Mutex};

    /// A wake-up flag. (Not `thread::park`: loom asserts when a stray
    /// `unpark` reaches a thread blocked in `join`, and a waker may
    /// legitimately fire after its future completed.)
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

    pub(super) fn block_on<F: Future>(f: F) -> F::Output {
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
}
