//! The bounded mpsc channel.

use std::fmt;
use std::task::{Context, Poll};

use super::chan::{self, Bounded};
use super::error::{SendError, TryRecvError, TrySendError};
use crate::batch_semaphore::{self as ll, TryAcquireError};
use crate::util::blocking;

/// Sends values to the associated `Receiver`.
///
/// Instances are created by the [`channel`] function.
pub struct Sender<T> {
    chan: chan::Tx<T, Bounded>,
}

/// A sender that does not prevent the channel from being closed.
///
/// If all [`Sender`] instances of a channel were dropped and only
/// `WeakSender` instances remain, the channel is closed.
///
/// In order to send messages, the `WeakSender` needs to be upgraded using
/// [`WeakSender::upgrade`], which returns `Option<Sender>`. It returns
/// `None` if all `Sender`s have been dropped, and otherwise it returns a
/// `Sender`.
pub struct WeakSender<T> {
    chan: chan::WeakTx<T, Bounded>,
}

/// Permits to send one value into the channel.
///
/// `Permit` values are returned by [`Sender::reserve()`] and
/// [`Sender::try_reserve()`] and are used to guarantee channel capacity
/// before generating a message to send.
pub struct Permit<'a, T> {
    chan: &'a chan::Tx<T, Bounded>,
}

/// An [`Iterator`] of [`Permit`] that can be used to hold `n` slots in the
/// channel.
///
/// `PermitIterator` values are returned by [`Sender::reserve_many()`] and
/// [`Sender::try_reserve_many()`]; unused permits are given back when it is
/// dropped.
pub struct PermitIterator<'a, T> {
    chan: &'a chan::Tx<T, Bounded>,
    n: usize,
}

/// Owned permit to send one value into the channel.
///
/// This is identical to the [`Permit`] type, except that it moves the
/// sender rather than borrowing it.
pub struct OwnedPermit<T> {
    chan: Option<chan::Tx<T, Bounded>>,
}

/// Receives values from the associated `Sender`.
///
/// Instances are created by the [`channel`] function.
pub struct Receiver<T> {
    chan: chan::Rx<T, Bounded>,
}

/// Creates a bounded mpsc channel for communicating between asynchronous
/// tasks with backpressure.
///
/// The channel will buffer up to the provided number of messages. Once the
/// buffer is full, attempts to send new messages will wait until a message
/// is received from the channel. The provided buffer capacity must be at
/// least 1.
///
/// All data sent on `Sender` will become available on `Receiver` in the
/// same order as it was sent.
///
/// # Panics
///
/// Panics if the buffer capacity is 0, or too large (more than
/// `usize::MAX >> 3`).
///
/// # Examples
///
/// ```
/// use rt_sync::mpsc;
///
/// # futures::executor::block_on(async {
/// let (tx, mut rx) = mpsc::channel(100);
/// std::thread::spawn(move || {
///     for i in 0..10 {
///         tx.blocking_send(i).unwrap();
///     }
/// });
/// for i in 0..10 {
///     assert_eq!(rx.recv().await, Some(i));
/// }
/// assert_eq!(rx.recv().await, None);
/// # });
/// ```
#[track_caller]
pub fn channel<T>(buffer: usize) -> (Sender<T>, Receiver<T>) {
    assert!(buffer > 0, "mpsc bounded channel requires buffer > 0");
    assert!(
        buffer <= ll::Semaphore::MAX_PERMITS,
        "mpsc bounded channel requires buffer <= {} (usize::MAX >> 3); got {buffer}",
        ll::Semaphore::MAX_PERMITS
    );
    let semaphore = Bounded {
        sem: ll::Semaphore::new(buffer),
        bound: buffer,
    };
    let (tx, rx) = chan::channel(semaphore);
    (Sender { chan: tx }, Receiver { chan: rx })
}

impl<T> Receiver<T> {
    /// Receives the next value for this receiver.
    ///
    /// This method returns `None` if the channel has been closed and there
    /// are no remaining messages in the channel's buffer. The channel is
    /// closed when all senders have been dropped, or when [`close`] is
    /// called (then `None` comes once the buffer is drained and every
    /// outstanding permit is used or dropped).
    ///
    /// # Cancel safety
    ///
    /// This method is cancel safe. If `recv` is used as the event in a
    /// `select!` statement and some other branch completes first, it is
    /// guaranteed that no messages were received on this channel.
    ///
    /// [`close`]: Self::close
    pub async fn recv(&mut self) -> Option<T> {
        std::future::poll_fn(|cx| self.chan.recv(cx)).await
    }

    /// Receives the next values for this receiver and extends `buffer`.
    ///
    /// This method extends `buffer` by no more than a fixed number of
    /// values as specified by `limit`. If `limit` is zero, the function
    /// immediately returns `0`. The return value is the number of values
    /// added to `buffer`.
    ///
    /// For `limit > 0`, if there are no messages in the channel's queue but
    /// the channel has not yet been closed, this method will sleep until a
    /// message is sent or the channel is closed. It returns `0` only when
    /// the channel is closed and drained.
    ///
    /// # Cancel safety
    ///
    /// This method is cancel safe.
    pub async fn recv_many(&mut self, buffer: &mut Vec<T>, limit: usize) -> usize {
        std::future::poll_fn(|cx| self.chan.recv_many(cx, buffer, limit)).await
    }

    /// Tries to receive the next value for this receiver.
    ///
    /// Returns [`TryRecvError::Empty`] if the channel is currently empty
    /// but not closed, and [`TryRecvError::Disconnected`] if it is closed
    /// (see [`recv`](Self::recv)) and empty.
    pub fn try_recv(&mut self) -> Result<T, TryRecvError> {
        match self.chan.try_recv() {
            Ok(Some(v)) => Ok(v),
            Ok(None) => Err(TryRecvError::Empty),
            Err(()) => Err(TryRecvError::Disconnected),
        }
    }

    /// Blocking receive to call outside of asynchronous contexts.
    ///
    /// # Panics
    ///
    /// This function panics if called within an asynchronous execution
    /// context.
    #[track_caller]
    pub fn blocking_recv(&mut self) -> Option<T> {
        blocking::block_on(self.recv())
    }

    /// Variant of [`Self::recv_many`] for blocking contexts.
    ///
    /// # Panics
    ///
    /// This function panics if called within an asynchronous execution
    /// context.
    #[track_caller]
    pub fn blocking_recv_many(&mut self, buffer: &mut Vec<T>, limit: usize) -> usize {
        blocking::block_on(self.recv_many(buffer, limit))
    }

    /// Closes the receiving half of a channel without dropping it.
    ///
    /// This prevents any further messages from being sent on the channel
    /// while still enabling the receiver to drain messages that are
    /// buffered. Any outstanding [`Permit`] values will still be able to
    /// send messages.
    pub fn close(&mut self) {
        self.chan.close();
    }

    /// Checks if a channel is closed: all senders are dropped or
    /// [`close`](Self::close) was called.
    pub fn is_closed(&self) -> bool {
        self.chan.is_closed()
    }

    /// Checks if a channel is empty.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Returns the number of messages in the channel.
    pub fn len(&self) -> usize {
        self.chan.len()
    }

    /// Returns the current capacity of the channel: the number of messages
    /// that can be sent without waiting.
    pub fn capacity(&self) -> usize {
        self.chan.inner.semaphore.sem.available_permits()
    }

    /// Returns the maximum buffer capacity of the channel.
    pub fn max_capacity(&self) -> usize {
        self.chan.inner.semaphore.bound
    }

    /// Polls to receive the next message on this channel.
    ///
    /// This method returns:
    ///
    ///  * `Poll::Pending` if no messages are available but the channel is
    ///    not closed, or if a spurious failure happens.
    ///  * `Poll::Ready(Some(message))` if a message is available.
    ///  * `Poll::Ready(None)` if the channel has been closed and all
    ///    messages sent before it was closed have been received.
    ///
    /// When the method returns `Poll::Pending`, the `Waker` in the provided
    /// `Context` is scheduled to receive a wakeup when a message is sent on
    /// any receiver, or when the channel is closed. Only the `Waker` from
    /// the most recent call is scheduled.
    pub fn poll_recv(&mut self, cx: &mut Context<'_>) -> Poll<Option<T>> {
        self.chan.recv(cx)
    }

    /// Polls to receive multiple messages on this channel, extending the
    /// provided buffer (see [`recv_many`](Self::recv_many)).
    pub fn poll_recv_many(
        &mut self,
        cx: &mut Context<'_>,
        buffer: &mut Vec<T>,
        limit: usize,
    ) -> Poll<usize> {
        self.chan.recv_many(cx, buffer, limit)
    }

    /// Returns the number of [`Sender`] handles.
    pub fn sender_strong_count(&self) -> usize {
        self.chan.sender_strong_count()
    }

    /// Returns the number of [`WeakSender`] handles.
    pub fn sender_weak_count(&self) -> usize {
        self.chan.sender_weak_count()
    }
}

impl<T> fmt::Debug for Receiver<T> {
    fn fmt(&self, fmt: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt.debug_struct("Receiver")
            .field("len", &self.len())
            .field("closed", &self.is_closed())
            .finish()
    }
}

impl<T> Sender<T> {
    /// Sends a value, waiting until there is capacity.
    ///
    /// A successful send occurs when it is determined that the other end of
    /// the channel has not hung up already. An unsuccessful send would be
    /// one where the corresponding receiver has already been closed. Note
    /// that a return value of `Err` means that the data will never be
    /// received, but a return value of `Ok` does not mean that the data
    /// will be received.
    ///
    /// # Cancel safety
    ///
    /// If `send` is used as the event in a `select!` statement and some
    /// other branch completes first, then it is guaranteed that the message
    /// was not sent. However, in that case, the message is dropped and will
    /// be lost. To avoid losing messages, use [`reserve`](Self::reserve) to
    /// reserve capacity, then use the returned [`Permit`] to send the
    /// message.
    ///
    /// This channel uses a queue to ensure that calls to `send` and
    /// `reserve` complete in the order they were requested. Cancelling a
    /// call to `send` makes you lose your place in the queue.
    pub async fn send(&self, value: T) -> Result<(), SendError<T>> {
        match self.reserve().await {
            Ok(permit) => {
                permit.send(value);
                Ok(())
            }
            Err(_) => Err(SendError(value)),
        }
    }

    /// Sends a value, waiting until there is capacity, but only for a
    /// limited time.
    ///
    /// Shares the same success and error conditions as [`send`], adding one
    /// more condition for an unsuccessful send, which is when the provided
    /// timeout has elapsed, and there is no capacity available.
    ///
    /// Uses `rt-timer`, so it works under any executor (the timer falls
    /// back to a background driver thread when no rt runtime is current).
    ///
    /// # Errors
    ///
    /// [`SendTimeoutError::Timeout`] if no capacity became available in
    /// time, [`SendTimeoutError::Closed`] if the receiver is closed; both
    /// hand the value back.
    ///
    /// # Cancel safety
    ///
    /// As [`send`]: if cancelled, the message was not sent (and is lost).
    ///
    /// [`send`]: Sender::send
    /// [`SendTimeoutError::Timeout`]: super::error::SendTimeoutError::Timeout
    /// [`SendTimeoutError::Closed`]: super::error::SendTimeoutError::Closed
    #[cfg(feature = "time")]
    pub async fn send_timeout(
        &self,
        value: T,
        timeout: std::time::Duration,
    ) -> Result<(), super::error::SendTimeoutError<T>> {
        use super::error::SendTimeoutError;
        let permit = match rt_timer::timeout(timeout, self.reserve()).await {
            Err(_) => return Err(SendTimeoutError::Timeout(value)),
            Ok(Err(_)) => return Err(SendTimeoutError::Closed(value)),
            Ok(Ok(permit)) => permit,
        };
        permit.send(value);
        Ok(())
    }

    /// Completes when the receiver has dropped (or closed the channel).
    ///
    /// This allows the producers to get notified when interest in the
    /// produced values is canceled and immediately stop doing work.
    ///
    /// # Cancel safety
    ///
    /// This method is cancel safe.
    pub async fn closed(&self) {
        self.chan.closed().await
    }

    /// Attempts to immediately send a message on this `Sender`.
    ///
    /// This method differs from [`send`](Self::send) by returning
    /// immediately if the channel's buffer is full or no receiver is
    /// waiting to acquire some data.
    ///
    /// # Errors
    ///
    /// [`TrySendError::Full`] if the channel has no capacity now,
    /// [`TrySendError::Closed`] if the receiver is closed or dropped.
    pub fn try_send(&self, message: T) -> Result<(), TrySendError<T>> {
        match self.chan.inner.semaphore.sem.try_acquire(1) {
            Ok(()) => {
                self.chan.inner.send(message);
                Ok(())
            }
            Err(TryAcquireError::Closed) => Err(TrySendError::Closed(message)),
            Err(TryAcquireError::NoPermits) => Err(TrySendError::Full(message)),
        }
    }

    /// Blocking send to call outside of asynchronous contexts.
    ///
    /// # Panics
    ///
    /// This function panics if called within an asynchronous execution
    /// context.
    #[track_caller]
    pub fn blocking_send(&self, value: T) -> Result<(), SendError<T>> {
        blocking::block_on(self.send(value))
    }

    /// Checks if the channel has been closed. This happens when the
    /// [`Receiver`] is dropped, or when the [`Receiver::close`] method is
    /// called.
    pub fn is_closed(&self) -> bool {
        self.chan.is_closed()
    }

    /// Waits for channel capacity. Once capacity to send one message is
    /// available, it is reserved for the caller.
    ///
    /// If the channel is full, the function waits for the number of
    /// unreceived messages to become less than the channel capacity.
    /// Capacity to send one message is reserved for the caller. A
    /// [`Permit`] is returned to track the reserved capacity; dropping it
    /// without sending gives the capacity back.
    ///
    /// # Cancel safety
    ///
    /// This channel uses a queue to ensure that calls to `send` and
    /// `reserve` complete in the order they were requested. Cancelling a
    /// call to `reserve` makes you lose your place in the queue (and never
    /// leaks capacity).
    pub async fn reserve(&self) -> Result<Permit<'_, T>, SendError<()>> {
        self.reserve_inner(1).await?;
        Ok(Permit { chan: &self.chan })
    }

    /// Waits for channel capacity to send `n` messages, then reserves it.
    ///
    /// If the channel is full or if there are fewer than `n` permits
    /// available, the function waits for the number of unreceived messages
    /// to become `n` less than the channel capacity. Returns a
    /// [`PermitIterator`] that yields `n` permits.
    ///
    /// # Errors
    ///
    /// Fails if the channel is closed, or if `n` exceeds the channel's
    /// [`max_capacity`](Self::max_capacity).
    ///
    /// # Cancel safety
    ///
    /// As [`reserve`](Self::reserve).
    pub async fn reserve_many(&self, n: usize) -> Result<PermitIterator<'_, T>, SendError<()>> {
        self.reserve_inner(n).await?;
        Ok(PermitIterator {
            chan: &self.chan,
            n,
        })
    }

    /// Waits for channel capacity, moving the `Sender` and returning an
    /// owned permit. Once capacity to send one message is available, it is
    /// reserved for the caller.
    ///
    /// # Cancel safety
    ///
    /// As [`reserve`](Self::reserve).
    pub async fn reserve_owned(self) -> Result<OwnedPermit<T>, SendError<()>> {
        self.reserve_inner(1).await?;
        Ok(OwnedPermit {
            chan: Some(self.chan),
        })
    }

    async fn reserve_inner(&self, n: usize) -> Result<(), SendError<()>> {
        if n > self.max_capacity() {
            return Err(SendError(()));
        }
        // A batch request may hold part of its permits when the receiver
        // closes; they go back when it fails or is dropped, which may make
        // the closed channel idle: the receiver must then see it.
        let _wake = (n > 1).then_some(WakeIfDone(&self.chan));
        match self.chan.inner.semaphore.sem.acquire(n).await {
            Ok(()) => Ok(()),
            Err(_) => Err(SendError(())),
        }
    }

    /// Tries to acquire a slot in the channel without waiting for the slot
    /// to become available.
    ///
    /// # Errors
    ///
    /// [`TrySendError::Full`] if no capacity is available now,
    /// [`TrySendError::Closed`] if the receiver is closed.
    pub fn try_reserve(&self) -> Result<Permit<'_, T>, TrySendError<()>> {
        self.try_reserve_inner(1)?;
        Ok(Permit { chan: &self.chan })
    }

    /// Tries to acquire `n` slots in the channel without waiting.
    ///
    /// # Errors
    ///
    /// [`TrySendError::Full`] if fewer than `n` slots are available now (or
    /// `n` exceeds the maximum capacity), [`TrySendError::Closed`] if the
    /// receiver is closed.
    pub fn try_reserve_many(&self, n: usize) -> Result<PermitIterator<'_, T>, TrySendError<()>> {
        self.try_reserve_inner(n)?;
        Ok(PermitIterator {
            chan: &self.chan,
            n,
        })
    }

    /// Tries to acquire a slot in the channel without waiting for the slot
    /// to become available, returning an owned permit. On failure the
    /// sender is handed back inside the error.
    pub fn try_reserve_owned(self) -> Result<OwnedPermit<T>, TrySendError<Self>> {
        match self.try_reserve_inner(1) {
            Ok(()) => Ok(OwnedPermit {
                chan: Some(self.chan),
            }),
            Err(TrySendError::Full(())) => Err(TrySendError::Full(self)),
            Err(TrySendError::Closed(())) => Err(TrySendError::Closed(self)),
        }
    }

    fn try_reserve_inner(&self, n: usize) -> Result<(), TrySendError<()>> {
        if n > self.max_capacity() {
            return Err(TrySendError::Full(()));
        }
        match self.chan.inner.semaphore.sem.try_acquire(n) {
            Ok(()) => Ok(()),
            Err(TryAcquireError::Closed) => Err(TrySendError::Closed(())),
            Err(TryAcquireError::NoPermits) => Err(TrySendError::Full(())),
        }
    }

    /// Returns `true` if senders belong to the same channel.
    pub fn same_channel(&self, other: &Self) -> bool {
        self.chan.same_channel(&other.chan)
    }

    /// Returns the current capacity of the channel: the number of messages
    /// that can be sent (or reserved) without waiting.
    pub fn capacity(&self) -> usize {
        self.chan.inner.semaphore.sem.available_permits()
    }

    /// Converts the `Sender` to a [`WeakSender`] that does not count
    /// towards RAII semantics, i.e. if all `Sender` instances of the
    /// channel were dropped and only `WeakSender` instances remain, the
    /// channel is closed.
    #[must_use = "Downgrade creates a WeakSender without destroying the original non-weak sender."]
    pub fn downgrade(&self) -> WeakSender<T> {
        WeakSender {
            chan: self.chan.downgrade(),
        }
    }

    /// Returns the maximum buffer capacity of the channel.
    pub fn max_capacity(&self) -> usize {
        self.chan.inner.semaphore.bound
    }

    /// Returns the number of [`Sender`] handles.
    pub fn strong_count(&self) -> usize {
        self.chan.strong_count()
    }

    /// Returns the number of [`WeakSender`] handles.
    pub fn weak_count(&self) -> usize {
        self.chan.weak_count()
    }
}

impl<T> Clone for Sender<T> {
    fn clone(&self) -> Self {
        Sender {
            chan: self.chan.clone(),
        }
    }
}

impl<T> fmt::Debug for Sender<T> {
    fn fmt(&self, fmt: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt.debug_struct("Sender")
            .field("capacity", &self.capacity())
            .field("closed", &self.is_closed())
            .finish()
    }
}

impl<T> WeakSender<T> {
    /// Tries to convert a `WeakSender` into a [`Sender`]. This will return
    /// `Some` if there are other `Sender` instances alive and the channel
    /// wasn't previously dropped, otherwise `None` is returned.
    pub fn upgrade(&self) -> Option<Sender<T>> {
        self.chan.upgrade().map(|chan| Sender { chan })
    }

    /// Returns the number of [`Sender`] handles.
    pub fn strong_count(&self) -> usize {
        self.chan.strong_count()
    }

    /// Returns the number of [`WeakSender`] handles.
    pub fn weak_count(&self) -> usize {
        self.chan.weak_count()
    }
}

impl<T> Clone for WeakSender<T> {
    fn clone(&self) -> Self {
        WeakSender {
            chan: self.chan.clone(),
        }
    }
}

impl<T> fmt::Debug for WeakSender<T> {
    fn fmt(&self, fmt: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt.debug_struct("WeakSender").finish_non_exhaustive()
    }
}

/// Wakes the receiver, on drop, if the closed channel became idle.
struct WakeIfDone<'a, T>(&'a chan::Tx<T, Bounded>);

impl<T> Drop for WakeIfDone<'_, T> {
    fn drop(&mut self) {
        self.0.inner.release_unused(0);
    }
}

// ===== Permit =====

impl<T> Permit<'_, T> {
    /// Sends a value using the reserved capacity.
    ///
    /// Capacity for the message has already been reserved. The message is
    /// sent to the receiver and the permit is consumed. The operation will
    /// succeed even if the receiver half has been closed.
    pub fn send(self, value: T) {
        self.chan.inner.send(value);
        // The capacity now travels with the message: the receiver gives it
        // back when it pops the message.
        std::mem::forget(self);
    }

    /// Returns `true` if this permit belongs to the same channel as the
    /// given [`Sender`].
    pub fn same_channel(&self, other: &Sender<T>) -> bool {
        self.chan.same_channel(&other.chan)
    }
}

impl<T> Drop for Permit<'_, T> {
    fn drop(&mut self) {
        self.chan.inner.release_unused(1);
    }
}

impl<T> fmt::Debug for Permit<'_, T> {
    fn fmt(&self, fmt: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt.debug_struct("Permit").finish_non_exhaustive()
    }
}

impl<'a, T> Iterator for PermitIterator<'a, T> {
    type Item = Permit<'a, T>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.n == 0 {
            return None;
        }
        self.n -= 1;
        Some(Permit { chan: self.chan })
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        (self.n, Some(self.n))
    }
}

impl<T> ExactSizeIterator for PermitIterator<'_, T> {}
impl<T> std::iter::FusedIterator for PermitIterator<'_, T> {}

impl<T> Drop for PermitIterator<'_, T> {
    fn drop(&mut self) {
        if self.n > 0 {
            self.chan.inner.release_unused(self.n);
        }
    }
}

impl<T> fmt::Debug for PermitIterator<'_, T> {
    fn fmt(&self, fmt: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt.debug_struct("PermitIterator")
            .field("n", &self.n)
            .finish()
    }
}

impl<T> OwnedPermit<T> {
    /// Sends a value using the reserved capacity, returning the [`Sender`].
    ///
    /// The operation will succeed even if the receiver half has been
    /// closed.
    pub fn send(mut self, value: T) -> Sender<T> {
        let chan = self.chan.take().expect("an OwnedPermit holds its sender");
        chan.inner.send(value);
        Sender { chan }
    }

    /// Releases the reserved capacity *without* sending a message,
    /// returning the [`Sender`].
    pub fn release(mut self) -> Sender<T> {
        let chan = self.chan.take().expect("an OwnedPermit holds its sender");
        chan.inner.release_unused(1);
        Sender { chan }
    }

    /// Returns `true` if permits belong to the same channel.
    pub fn same_channel(&self, other: &Self) -> bool {
        match (&self.chan, &other.chan) {
            (Some(a), Some(b)) => a.same_channel(b),
            _ => false,
        }
    }

    /// Returns `true` if this permit belongs to the same channel as the
    /// given [`Sender`].
    pub fn same_channel_as_sender(&self, sender: &Sender<T>) -> bool {
        self.chan
            .as_ref()
            .is_some_and(|chan| chan.same_channel(&sender.chan))
    }
}

impl<T> Drop for OwnedPermit<T> {
    fn drop(&mut self) {
        if let Some(chan) = self.chan.take() {
            chan.inner.release_unused(1);
        }
    }
}

impl<T> fmt::Debug for OwnedPermit<T> {
    fn fmt(&self, fmt: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt.debug_struct("OwnedPermit").finish_non_exhaustive()
    }
}
