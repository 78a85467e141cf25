//! A one-shot channel is used for sending a single message between
//! asynchronous tasks. The [`channel`] function is used to create a
//! [`Sender`] and [`Receiver`] handle pair that form the channel.
//!
//! The `Sender` handle is used by the producer to send the value. The
//! `Receiver` handle is used by the consumer to receive the value.
//!
//! Each handle can be used on separate tasks, under any executor.
//!
//! Since the `send` method is not async, it can be used anywhere. This
//! includes sending between two runtimes, and using it from non-async code.
//!
//! # Examples
//!
//! ```
//! use rt_sync::oneshot;
//!
//! let (tx, rx) = oneshot::channel();
//! std::thread::spawn(move || {
//!     if let Err(_) = tx.send(3) {
//!         println!("the receiver dropped");
//!     }
//! });
//! assert_eq!(rx.blocking_recv(), Ok(3));
//! ```
//!
//! # Protocol
//!
//! One `state` word holds three bits: `VALUE_SENT`, `TX_DROPPED` (the
//! sender is gone without sending) and `CLOSED` (the receiver closed or
//! dropped). Each side has an `AtomicWaker` (a single-consumer waker slot).
//!
//! 1. `send` writes the value into the cell (only the sender writes it, and
//!    the receiver only reads it after seeing `VALUE_SENT`), then CASes
//!    `VALUE_SENT` in (`AcqRel`) unless `CLOSED` is set; if it is, the value
//!    is taken back from the cell (the receiver never reads it, since
//!    `VALUE_SENT` was not published) and returned as the error. Then it
//!    wakes the receiver.
//! 2. The receiver loads the state (`Acquire`); on `VALUE_SENT` it takes the
//!    value; on `TX_DROPPED` or `CLOSED` alone it fails; otherwise it
//!    registers its waker and checks again (see `util/atomic_waker.rs` for
//!    why this loses no wake-up).
//! 3. `close`/drop of the receiver sets `CLOSED` and wakes the sender's
//!    `closed()`; the sender's drop sets `TX_DROPPED` and wakes the
//!    receiver. A value sent but never received is dropped with the shared
//!    state, when the last handle goes.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::task::{ready, Context, Poll};

use crate::loom::cell::UnsafeCell;
use crate::loom::sync::atomic::{AtomicUsize, Ordering::*};
use crate::loom::sync::Arc;
use crate::util::atomic_waker::AtomicWaker;
use crate::util::blocking;

/// Oneshot error types.
pub mod error {
    use std::fmt;

    /// Error returned by the `Future` implementation for `Receiver`.
    ///
    /// This error is returned by the receiver when the sender is dropped
    /// without sending.
    #[derive(Debug, Eq, PartialEq, Clone)]
    pub struct RecvError(pub(super) ());

    /// Error returned by the `try_recv` function on `Receiver`.
    #[derive(Debug, Eq, PartialEq, Clone)]
    pub enum TryRecvError {
        /// The send half of the channel has not yet sent a value.
        Empty,
        /// The send half of the channel was dropped without sending a value,
        /// or the value has already been received.
        Closed,
    }

    impl fmt::Display for RecvError {
        fn fmt(&self, fmt: &mut fmt::Formatter<'_>) -> fmt::Result {
            write!(fmt, "channel closed")
        }
    }

    impl std::error::Error for RecvError {}

    impl fmt::Display for TryRecvError {
        fn fmt(&self, fmt: &mut fmt::Formatter<'_>) -> fmt::Result {
            match self {
                TryRecvError::Empty => write!(fmt, "channel empty"),
                TryRecvError::Closed => write!(fmt, "channel closed"),
            }
        }
    }

    impl std::error::Error for TryRecvError {}
}

use self::error::{RecvError, TryRecvError};

const VALUE_SENT: usize = 0b001;
const TX_DROPPED: usize = 0b010;
const CLOSED: usize = 0b100;

struct Inner<T> {
    state: AtomicUsize,
    value: UnsafeCell<Option<T>>,
    rx_waker: AtomicWaker,
    tx_waker: AtomicWaker,
}

// SAFETY: the value cell is written only by the sender before it publishes
// `VALUE_SENT`, and read only by the receiver after it observes it (see the
// module protocol); the value moves between threads, hence `T: Send`.
unsafe impl<T: Send> Send for Inner<T> {}
// SAFETY: as above.
unsafe impl<T: Send> Sync for Inner<T> {}

/// Sends a value to the associated [`Receiver`].
///
/// A pair of both a [`Sender`] and a [`Receiver`] are created by the
/// [`channel`] function.
pub struct Sender<T> {
    inner: Option<Arc<Inner<T>>>,
}

/// Receives a value from the associated [`Sender`].
///
/// A pair of both a [`Sender`] and a [`Receiver`] are created by the
/// [`channel`] function.
///
/// This channel has no `recv` method because the receiver itself implements
/// the [`Future`] trait. To receive a value, `.await` the `Receiver` object
/// directly.
///
/// # Cancel safety
///
/// The `Receiver` is a future: dropping a poll of it loses nothing, the
/// value stays in the channel until the receiver is polled again.
#[must_use = "futures do nothing unless you `.await` or poll them"]
pub struct Receiver<T> {
    inner: Option<Arc<Inner<T>>>,
}

/// Creates a new one-shot channel for sending single values across
/// asynchronous tasks.
///
/// The function returns separate "send" and "receive" handles. The `Sender`
/// handle is used by the producer to send the value. The `Receiver` handle
/// is used by the consumer to receive the value.
pub fn channel<T>() -> (Sender<T>, Receiver<T>) {
    let inner = Arc::new(Inner {
        state: AtomicUsize::new(0),
        value: UnsafeCell::new(None),
        rx_waker: AtomicWaker::new(),
        tx_waker: AtomicWaker::new(),
    });
    (
        Sender {
            inner: Some(inner.clone()),
        },
        Receiver { inner: Some(inner) },
    )
}

impl<T> Sender<T> {
    /// Attempts to send a value on this channel, returning it back if it
    /// could not be sent.
    ///
    /// This method consumes `self` as only one value may ever be sent on a
    /// one-shot channel. It is not marked async because sending a message to
    /// a one-shot channel never requires any form of waiting.
    ///
    /// A successful send occurs when it is determined that the other end of
    /// the channel has not hung up already. An unsuccessful send would be
    /// one where the corresponding receiver has already been deallocated
    /// (or closed). Note that a return value of `Err` means that the data
    /// will never be received, but a return value of `Ok` does *not* mean
    /// that the data will be received.
    pub fn send(mut self, t: T) -> Result<(), T> {
        let inner = self
            .inner
            .take()
            .expect("a oneshot Sender always owns its channel");
        // SAFETY: only the sender writes the cell, and the receiver reads
        // it only after seeing `VALUE_SENT`, which is not set yet.
        unsafe { inner.value.with_mut(|v| *v = Some(t)) };
        let mut cur = inner.state.load(Acquire);
        loop {
            if cur & CLOSED == CLOSED {
                // SAFETY: `VALUE_SENT` was never published, so the receiver
                // never reads the cell: it is still ours.
                let t = unsafe { inner.value.with_mut(|v| (*v).take()) };
                return Err(t.expect("the value was written above"));
            }
            match inner
                .state
                .compare_exchange_weak(cur, cur | VALUE_SENT, AcqRel, Acquire)
            {
                Ok(_) => break,
                Err(actual) => cur = actual,
            }
        }
        inner.rx_waker.wake();
        Ok(())
    }

    /// Waits for the associated [`Receiver`] handle to close.
    ///
    /// A [`Receiver`] is closed by either calling [`close`] explicitly or
    /// the [`Receiver`] value is dropped.
    ///
    /// [`close`]: Receiver::close
    pub async fn closed(&mut self) {
        std::future::poll_fn(|cx| self.poll_closed(cx)).await
    }

    /// Returns `true` if the associated [`Receiver`] handle has been
    /// dropped or closed.
    pub fn is_closed(&self) -> bool {
        match &self.inner {
            Some(inner) => inner.state.load(Acquire) & CLOSED == CLOSED,
            None => true,
        }
    }

    /// Checks whether the oneshot channel has been closed, and if not,
    /// schedules the `Waker` in the provided `Context` to receive a
    /// notification when the channel is closed.
    pub fn poll_closed(&mut self, cx: &mut Context<'_>) -> Poll<()> {
        let coop = ready!(rt_task::coop::poll_proceed(cx));
        let Some(inner) = &self.inner else {
            coop.made_progress();
            return Poll::Ready(());
        };
        if inner.state.load(Acquire) & CLOSED == CLOSED {
            coop.made_progress();
            return Poll::Ready(());
        }
        inner.tx_waker.register_by_ref(cx.waker());
        if inner.state.load(Acquire) & CLOSED == CLOSED {
            coop.made_progress();
            return Poll::Ready(());
        }
        Poll::Pending
    }
}

impl<T> Drop for Sender<T> {
    fn drop(&mut self) {
        if let Some(inner) = self.inner.take() {
            let prev = inner.state.fetch_or(TX_DROPPED, AcqRel);
            if prev & CLOSED == 0 {
                inner.rx_waker.wake();
            }
        }
    }
}

impl<T> Receiver<T> {
    /// Prevents the associated [`Sender`] handle from sending a value.
    ///
    /// Any `send` operation which happens after calling `close` is
    /// guaranteed to fail. After calling `close`, [`try_recv`] should be
    /// called to receive a value if one was sent **before** the call to
    /// `close` completed.
    ///
    /// [`try_recv`]: Receiver::try_recv
    pub fn close(&mut self) {
        if let Some(inner) = &self.inner {
            let prev = inner.state.fetch_or(CLOSED, AcqRel);
            if prev & (TX_DROPPED | VALUE_SENT) == 0 {
                inner.tx_waker.wake();
            }
        }
    }

    /// Checks if this receiver is terminated: it has already yielded a
    /// `Poll::Ready` result (and so must not be polled again).
    pub fn is_terminated(&self) -> bool {
        self.inner.is_none()
    }

    /// Checks if the channel holds no value: nothing was sent yet, or the
    /// value was already received.
    pub fn is_empty(&self) -> bool {
        match &self.inner {
            Some(inner) => inner.state.load(Acquire) & VALUE_SENT == 0,
            None => true,
        }
    }

    /// Attempts to receive a value.
    ///
    /// If a pending value exists in the channel, it is returned. If no value
    /// has been sent, the current task **will not** be registered for
    /// future notification.
    ///
    /// # Return
    ///
    /// - `Ok(T)` if a value is pending in the channel.
    /// - `Err(TryRecvError::Empty)` if no value has been sent yet.
    /// - `Err(TryRecvError::Closed)` if the sender has dropped without
    ///   sending a value, or if the message has already been received.
    pub fn try_recv(&mut self) -> Result<T, TryRecvError> {
        let Some(inner) = &self.inner else {
            return Err(TryRecvError::Closed);
        };
        let state = inner.state.load(Acquire);
        if state & VALUE_SENT == VALUE_SENT {
            let value = self.take_value();
            return Ok(value);
        }
        if state & (TX_DROPPED | CLOSED) != 0 {
            return Err(TryRecvError::Closed);
        }
        Err(TryRecvError::Empty)
    }

    /// Blocking receive to call outside of asynchronous contexts.
    ///
    /// # Panics
    ///
    /// This function panics if called within an asynchronous execution
    /// context.
    #[track_caller]
    pub fn blocking_recv(self) -> Result<T, RecvError> {
        blocking::block_on(self)
    }

    /// Takes the value after `VALUE_SENT` was observed, terminating the
    /// receiver.
    fn take_value(&mut self) -> T {
        let inner = self.inner.take().expect("checked by the caller");
        // SAFETY: `VALUE_SENT` was observed with `Acquire`, so the sender's
        // write happened before and the sender never touches the cell
        // again; the receiver (`&mut self`) is the only reader.
        let value = unsafe { inner.value.with_mut(|v| (*v).take()) };
        value.expect("VALUE_SENT implies a value")
    }

    fn poll_inner(&mut self, cx: &mut Context<'_>) -> Poll<Result<T, RecvError>> {
        let inner = self.inner.as_ref().expect("called after complete");
        let state = inner.state.load(Acquire);
        if state & VALUE_SENT == VALUE_SENT {
            return Poll::Ready(Ok(self.take_value()));
        }
        if state & (TX_DROPPED | CLOSED) != 0 {
            self.inner = None;
            return Poll::Ready(Err(RecvError(())));
        }
        inner.rx_waker.register_by_ref(cx.waker());
        let state = inner.state.load(Acquire);
        if state & VALUE_SENT == VALUE_SENT {
            return Poll::Ready(Ok(self.take_value()));
        }
        if state & (TX_DROPPED | CLOSED) != 0 {
            self.inner = None;
            return Poll::Ready(Err(RecvError(())));
        }
        Poll::Pending
    }
}

impl<T> Future for Receiver<T> {
    type Output = Result<T, RecvError>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let coop = ready!(rt_task::coop::poll_proceed(cx));
        let out = ready!(self.get_mut().poll_inner(cx));
        coop.made_progress();
        Poll::Ready(out)
    }
}

impl<T> Drop for Receiver<T> {
    fn drop(&mut self) {
        if let Some(inner) = self.inner.take() {
            let prev = inner.state.fetch_or(CLOSED, AcqRel);
            if prev & (TX_DROPPED | VALUE_SENT) == 0 {
                inner.tx_waker.wake();
            }
        }
    }
}

impl<T> fmt::Debug for Sender<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Sender")
            .field("closed", &self.is_closed())
            .finish()
    }
}

impl<T> fmt::Debug for Receiver<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Receiver")
            .field("terminated", &self.is_terminated())
            .finish()
    }
}
