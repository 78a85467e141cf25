//! A multi-producer, multi-consumer broadcast queue. Each sent value is
//! seen by all consumers.
//!
//! A [`Sender`] is used to broadcast values to **all** connected
//! [`Receiver`] values. [`Sender`] handles are clone-able, allowing
//! concurrent send and receive actions. [`Sender`] and [`Receiver`] are
//! both `Send` and `Sync` as long as `T` is `Send`.
//!
//! When a value is sent, **all** [`Receiver`] handles are notified and will
//! receive the value. The value is stored once inside the channel and
//! cloned on demand for each receiver. Once all receivers have received a
//! clone of the value, the value is released from the channel.
//!
//! # Lagging
//!
//! The channel is bounded: it retains the last `capacity` values (the
//! capacity given to [`channel`], rounded up to a power of two). A receiver
//! that falls further behind gets [`RecvError::Lagged`]`(n)` from its next
//! `recv`, where `n` is the number of values it missed; its position then
//! jumps to the oldest value still retained, which the following `recv`
//! returns.
//!
//! # Closing
//!
//! When **all** [`Sender`] handles have been dropped, no new values may be
//! sent. The receivers still get every retained value they have not seen;
//! after that `recv` returns [`RecvError::Closed`].
//!
//! # Examples
//!
//! ```
//! use rt_sync::broadcast::{self, error::RecvError};
//!
//! # futures::executor::block_on(async {
//! let (tx, mut rx) = broadcast::channel(2);
//! tx.send(10).unwrap();
//! tx.send(20).unwrap();
//! tx.send(30).unwrap();
//!
//! // The receiver lagged behind: 10 was overwritten.
//! assert_eq!(rx.recv().await, Err(RecvError::Lagged(1)));
//! assert_eq!(rx.recv().await, Ok(20));
//! assert_eq!(rx.recv().await, Ok(30));
//! # });
//! ```
//!
//! # Protocol
//!
//! * `tail: Mutex<Tail>` holds the next write position, the receiver count,
//!   the closed flag and the intrusive list of waiting receivers. Each of
//!   the `capacity` slots is a `Mutex<Slot>` holding the position written
//!   into it, the number of receivers yet to read it, and the value.
//!   Locks are always taken in the order tail, then slot.
//! * `send` (tail locked): write the value and its position into slot
//!   `pos % capacity` (dropping the overwritten value after unlocking),
//!   advance the tail, then wake every waiting receiver through a guarded
//!   list, in batches, outside the lock.
//! * `recv`: lock the slot at the receiver's position. If it holds that
//!   position, clone the value (under the slot lock: clones are
//!   synchronized, so `T: Send` is enough), count the read, advance.
//!   Otherwise lock the tail (then the slot again) to decide: the slot holds
//!   the previous lap's value → nothing new: `Closed` if closed, else link
//!   the waiter (under the tail lock, so no send can slip between the check
//!   and the registration); the slot was overwritten → `Lagged`, jump to
//!   `tail - capacity`.
//! * The last receiver to read a value drops it (`rem` reaches 0), so
//!   values do not outlive their readers; a dropped receiver reads (and so
//!   releases) the values it never received.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::task::{ready, Context, Poll, Waker};

use crate::loom::sync::atomic::{AtomicBool, AtomicUsize, Ordering::*};
use crate::loom::sync::{Arc, Mutex, MutexGuard};
use crate::notify::Notify;
use crate::util::blocking;
use crate::util::linked_list::{LinkedList, Node};
use crate::util::wake_all_linked;

/// Broadcast error types.
pub mod error {
    use std::fmt;

    /// Error returned by [`Sender::send`](super::Sender::send): there are no
    /// receivers. Holds the value that could not be sent.
    #[derive(PartialEq, Eq, Clone, Copy)]
    pub struct SendError<T>(pub T);

    impl<T> fmt::Debug for SendError<T> {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.debug_struct("SendError").finish_non_exhaustive()
        }
    }

    impl<T> fmt::Display for SendError<T> {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            write!(f, "channel closed")
        }
    }

    impl<T> std::error::Error for SendError<T> {}

    /// An error returned from the [`recv`](super::Receiver::recv) function.
    #[derive(Debug, PartialEq, Eq, Clone)]
    pub enum RecvError {
        /// There are no more active senders implying no further messages
        /// will ever be sent.
        Closed,
        /// The receiver lagged too far behind. Attempting to receive again
        /// will return the oldest message still retained by the channel.
        ///
        /// Includes the number of skipped messages.
        Lagged(u64),
    }

    impl fmt::Display for RecvError {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            match self {
                RecvError::Closed => write!(f, "channel closed"),
                RecvError::Lagged(amt) => write!(f, "channel lagged by {amt}"),
            }
        }
    }

    impl std::error::Error for RecvError {}

    /// An error returned from the [`try_recv`](super::Receiver::try_recv)
    /// function.
    #[derive(Debug, PartialEq, Eq, Clone)]
    pub enum TryRecvError {
        /// The channel is currently empty. There are still active
        /// [`Sender`](super::Sender) handles, so data may yet become
        /// available.
        Empty,
        /// There are no more active senders implying no further messages
        /// will ever be sent.
        Closed,
        /// The receiver lagged too far behind and has been forcibly
        /// disconnected from the missed messages. Attempting to receive
        /// again will return the oldest message still retained.
        ///
        /// Includes the number of skipped messages.
        Lagged(u64),
    }

    impl fmt::Display for TryRecvError {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            match self {
                TryRecvError::Empty => write!(f, "channel empty"),
                TryRecvError::Closed => write!(f, "channel closed"),
                TryRecvError::Lagged(amt) => write!(f, "channel lagged by {amt}"),
            }
        }
    }

    impl std::error::Error for TryRecvError {}
}

use self::error::{RecvError, SendError, TryRecvError};

/// The largest number of receivers (Tokio's limit).
const MAX_RECEIVERS: usize = usize::MAX >> 2;

struct Shared<T> {
    buffer: Box<[Mutex<Slot<T>>]>,
    mask: u64,
    tail: Mutex<Tail>,
    num_tx: AtomicUsize,
    num_weak_tx: AtomicUsize,
    notify_last_rx_drop: Notify,
}

struct Tail {
    /// The position the next value is written at.
    pos: u64,
    rx_cnt: usize,
    closed: bool,
    /// Waiting receivers; each node's data is "linked" (cleared by the
    /// waker as the last access, see the linked-list protocol).
    waiters: LinkedList<AtomicBool>,
}

struct Slot<T> {
    /// Receivers that have yet to read this value.
    rem: usize,
    /// The position of the value held.
    pos: u64,
    val: Option<T>,
}

/// Sending-half of the [`broadcast`](self) channel.
///
/// May be used from many threads. Messages can be sent with
/// [`send`](Sender::send).
pub struct Sender<T> {
    shared: Arc<Shared<T>>,
}

/// A sender that does not prevent the channel from being closed.
///
/// If all [`Sender`] instances of a channel were dropped and only
/// `WeakSender` instances remain, the channel is closed.
pub struct WeakSender<T> {
    shared: Arc<Shared<T>>,
}

/// Receiving-half of the [`broadcast`](self) channel.
///
/// Must not be used concurrently. Messages may be retrieved using
/// [`recv`](Receiver::recv).
pub struct Receiver<T> {
    shared: Arc<Shared<T>>,
    /// The next position to read.
    next: u64,
}

/// Creates a bounded, multi-producer, multi-consumer channel where each
/// sent value is broadcasted to all active receivers.
///
/// **Note:** The actual capacity may be greater than the provided
/// `capacity` (it is rounded up to a power of two).
///
/// # Panics
///
/// This will panic if `capacity` is equal to `0` or larger than
/// `usize::MAX / 2`.
#[track_caller]
pub fn channel<T: Clone>(capacity: usize) -> (Sender<T>, Receiver<T>) {
    let tx = Sender::new_with_receivers(capacity, 1);
    let rx = Receiver {
        shared: tx.shared.clone(),
        next: 0,
    };
    (tx, rx)
}

impl<T> Sender<T> {
    /// Creates the sending-half of the [`broadcast`](self) channel, without
    /// receivers (see [`subscribe`](Sender::subscribe)).
    ///
    /// # Panics
    ///
    /// This will panic if `capacity` is equal to `0` or larger than
    /// `usize::MAX / 2`.
    #[track_caller]
    pub fn new(capacity: usize) -> Self {
        Sender::new_with_receivers(capacity, 0)
    }

    #[track_caller]
    fn new_with_receivers(capacity: usize, receivers: usize) -> Self {
        assert!(capacity > 0, "broadcast channel capacity cannot be zero");
        assert!(
            capacity <= usize::MAX >> 1,
            "broadcast channel capacity exceeded `usize::MAX / 2`"
        );
        let capacity = capacity.next_power_of_two();
        let buffer = (0..capacity)
            .map(|i| {
                Mutex::new(Slot {
                    rem: 0,
                    // The previous lap: receivers at position `i` wait.
                    pos: (i as u64).wrapping_sub(capacity as u64),
                    val: None,
                })
            })
            .collect();
        Sender {
            shared: Arc::new(Shared {
                buffer,
                mask: capacity as u64 - 1,
                tail: Mutex::new(Tail {
                    pos: 0,
                    rx_cnt: receivers,
                    closed: false,
                    waiters: LinkedList::new(),
                }),
                num_tx: AtomicUsize::new(1),
                num_weak_tx: AtomicUsize::new(0),
                notify_last_rx_drop: Notify::new(),
            }),
        }
    }

    /// Attempts to send a value to all active [`Receiver`] handles,
    /// returning it back if it could not be sent.
    ///
    /// A successful send occurs when there is at least one active
    /// [`Receiver`] handle. On success, the number of subscribed
    /// [`Receiver`] handles is returned. This does not mean that this
    /// number of receivers will see the message as a receiver could drop or
    /// lag before receiving the message.
    pub fn send(&self, value: T) -> Result<usize, SendError<T>> {
        let mut tail = self.shared.tail.lock();
        if tail.rx_cnt == 0 {
            return Err(SendError(value));
        }
        let pos = tail.pos;
        let rem = tail.rx_cnt;
        tail.pos = pos.wrapping_add(1);
        let old = {
            let mut slot = self.shared.buffer[(pos & self.shared.mask) as usize].lock();
            slot.pos = pos;
            slot.rem = rem;
            slot.val.replace(value)
        };
        self.shared.notify_rx(tail);
        // The overwritten value is dropped with no lock held.
        drop(old);
        Ok(rem)
    }

    /// Creates a new [`Receiver`] handle that will receive values sent
    /// **after** this call to `subscribe`.
    ///
    /// # Panics
    ///
    /// Panics if the number of receivers would exceed `usize::MAX >> 2`.
    #[track_caller]
    pub fn subscribe(&self) -> Receiver<T> {
        new_receiver(self.shared.clone())
    }

    /// Converts the `Sender` to a [`WeakSender`] that does not count
    /// towards RAII semantics.
    #[must_use = "Downgrade creates a WeakSender without destroying the original non-weak sender."]
    pub fn downgrade(&self) -> WeakSender<T> {
        self.shared.num_weak_tx.fetch_add(1, Relaxed);
        WeakSender {
            shared: self.shared.clone(),
        }
    }

    /// Returns the number of queued values: values not yet seen by every
    /// receiver that was alive when they were sent, and not yet evicted by
    /// later sends.
    pub fn len(&self) -> usize {
        let tail = self.shared.tail.lock();
        let cap = self.shared.buffer.len() as u64;
        let oldest = tail.pos.saturating_sub(cap);
        for pos in oldest..tail.pos {
            let slot = self.shared.buffer[(pos & self.shared.mask) as usize].lock();
            if slot.pos == pos && slot.rem > 0 {
                // Receivers read in order, so every later value is queued
                // too.
                return (tail.pos - pos) as usize;
            }
        }
        0
    }

    /// Returns true if there are no queued values.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Returns the number of active receivers.
    pub fn receiver_count(&self) -> usize {
        self.shared.tail.lock().rx_cnt
    }

    /// Returns `true` if senders belong to the same channel.
    pub fn same_channel(&self, other: &Self) -> bool {
        Arc::ptr_eq(&self.shared, &other.shared)
    }

    /// A future which completes when the number of [`Receiver`]s subscribed
    /// to this `Sender` reaches zero.
    ///
    /// # Cancel safety
    ///
    /// This method is cancel safe.
    pub async fn closed(&self) {
        loop {
            let notified = self.shared.notify_last_rx_drop.notified();
            if self.receiver_count() == 0 {
                return;
            }
            notified.await;
        }
    }

    /// Returns the number of [`Sender`] handles.
    pub fn strong_count(&self) -> usize {
        self.shared.num_tx.load(Acquire)
    }

    /// Returns the number of [`WeakSender`] handles.
    pub fn weak_count(&self) -> usize {
        self.shared.num_weak_tx.load(Acquire)
    }
}

#[track_caller]
fn new_receiver<T>(shared: Arc<Shared<T>>) -> Receiver<T> {
    let mut tail = shared.tail.lock();
    assert!(tail.rx_cnt < MAX_RECEIVERS, "max receivers");
    tail.rx_cnt += 1;
    let next = tail.pos;
    drop(tail);
    Receiver { shared, next }
}

impl<T> Shared<T> {
    /// Wakes every waiting receiver; consumes the tail lock.
    fn notify_rx<'a>(&'a self, tail: MutexGuard<'a, Tail>) {
        if tail.waiters.is_empty() {
            return;
        }
        wake_all_linked(
            &self.tail,
            tail,
            |t| &mut t.waiters,
            AtomicBool::new(false),
            |linked| linked.store(false, Release),
        );
    }
}

impl<T> Clone for Sender<T> {
    fn clone(&self) -> Self {
        self.shared.num_tx.fetch_add(1, Relaxed);
        Sender {
            shared: self.shared.clone(),
        }
    }
}

impl<T> Drop for Sender<T> {
    fn drop(&mut self) {
        if self.shared.num_tx.fetch_sub(1, AcqRel) == 1 {
            let mut tail = self.shared.tail.lock();
            tail.closed = true;
            self.shared.notify_rx(tail);
        }
    }
}

impl<T> fmt::Debug for Sender<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Sender").finish_non_exhaustive()
    }
}

impl<T> WeakSender<T> {
    /// Tries to convert a `WeakSender` into a [`Sender`]. Returns `None`
    /// if every `Sender` has been dropped.
    pub fn upgrade(&self) -> Option<Sender<T>> {
        let mut cur = self.shared.num_tx.load(Acquire);
        loop {
            if cur == 0 {
                return None;
            }
            match self
                .shared
                .num_tx
                .compare_exchange_weak(cur, cur + 1, AcqRel, Acquire)
            {
                Ok(_) => {
                    return Some(Sender {
                        shared: self.shared.clone(),
                    })
                }
                Err(actual) => cur = actual,
            }
        }
    }

    /// Returns the number of [`Sender`] handles.
    pub fn strong_count(&self) -> usize {
        self.shared.num_tx.load(Acquire)
    }

    /// Returns the number of [`WeakSender`] handles.
    pub fn weak_count(&self) -> usize {
        self.shared.num_weak_tx.load(Acquire)
    }
}

impl<T> Clone for WeakSender<T> {
    fn clone(&self) -> Self {
        self.shared.num_weak_tx.fetch_add(1, Relaxed);
        WeakSender {
            shared: self.shared.clone(),
        }
    }
}

impl<T> Drop for WeakSender<T> {
    fn drop(&mut self) {
        self.shared.num_weak_tx.fetch_sub(1, AcqRel);
    }
}

impl<T> fmt::Debug for WeakSender<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("WeakSender").finish_non_exhaustive()
    }
}

/// A locked slot holding the value at the receiver's position.
struct RecvGuard<'a, T> {
    slot: MutexGuard<'a, Slot<T>>,
}

impl<T> RecvGuard<'_, T> {
    /// Runs `f` on the value (under the slot lock), then counts the read;
    /// the last reader drops the value (after unlocking).
    fn finish<R>(mut self, f: impl FnOnce(&T) -> R) -> R {
        let r = f(self
            .slot
            .val
            .as_ref()
            .expect("a readable slot holds a value"));
        self.slot.rem -= 1;
        let old = if self.slot.rem == 0 {
            self.slot.val.take()
        } else {
            None
        };
        drop(self.slot);
        drop(old);
        r
    }
}

impl<T> Receiver<T> {
    /// Returns the number of messages that were sent into the channel and
    /// that this [`Receiver`] has yet to receive (this may exceed the
    /// capacity if the receiver lagged).
    pub fn len(&self) -> usize {
        let next_send_pos = self.shared.tail.lock().pos;
        next_send_pos.wrapping_sub(self.next) as usize
    }

    /// Returns true if there aren't any messages in the channel that the
    /// [`Receiver`] has yet to receive.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Returns `true` if receivers belong to the same channel.
    pub fn same_channel(&self, other: &Self) -> bool {
        Arc::ptr_eq(&self.shared, &other.shared)
    }

    /// Returns `true` if there aren't any active senders (the channel is
    /// closed; retained values may still be received).
    pub fn is_closed(&self) -> bool {
        self.shared.tail.lock().closed
    }

    /// Returns the number of [`Sender`] handles.
    pub fn sender_strong_count(&self) -> usize {
        self.shared.num_tx.load(Acquire)
    }

    /// Returns the number of [`WeakSender`] handles.
    pub fn sender_weak_count(&self) -> usize {
        self.shared.num_weak_tx.load(Acquire)
    }

    /// Locks the slot at `self.next` if it holds that value, or decides why
    /// not (registering `waiter` if the channel is empty for us).
    fn recv_ref(
        &mut self,
        waiter: Option<(&Node<AtomicBool>, &Waker)>,
    ) -> Result<RecvGuard<'_, T>, TryRecvError> {
        let shared: &Shared<T> = &self.shared;
        let idx = (self.next & shared.mask) as usize;
        let slot = shared.buffer[idx].lock();
        if slot.pos == self.next {
            self.next = self.next.wrapping_add(1);
            return Ok(RecvGuard { slot });
        }
        drop(slot);

        let mut tail = shared.tail.lock();
        let slot = shared.buffer[idx].lock();
        if slot.pos == self.next {
            drop(tail);
            self.next = self.next.wrapping_add(1);
            return Ok(RecvGuard { slot });
        }
        let cap = shared.buffer.len() as u64;
        if slot.pos.wrapping_add(cap) == self.next {
            // The slot still holds the previous lap: nothing new for us.
            drop(slot);
            if tail.closed {
                return Err(TryRecvError::Closed);
            }
            if let Some((node, waker)) = waiter {
                // SAFETY: the node lives in a pinned `Recv` that unlinks it
                // on drop; it is only ever linked in this list; lock held.
                let old = unsafe {
                    let old = tail.waiters.set_waker(node.ptr(), Some(waker));
                    if !node.data().load(Relaxed) {
                        tail.waiters.push_back(node.ptr());
                        node.data().store(true, Relaxed);
                    }
                    old
                };
                drop(tail);
                drop(old);
            }
            return Err(TryRecvError::Empty);
        }
        // Our value was overwritten: skip to the oldest one retained.
        drop(slot);
        let oldest = tail.pos.wrapping_sub(cap);
        let missed = oldest.wrapping_sub(self.next);
        self.next = oldest;
        Err(TryRecvError::Lagged(missed))
    }
}

impl<T: Clone> Receiver<T> {
    /// Re-subscribes to the channel starting from the current tail
    /// element.
    ///
    /// This [`Receiver`] handle will receive a clone of all values sent
    /// **after** it has resubscribed. This will not include elements that
    /// are in the queue of the current receiver.
    pub fn resubscribe(&self) -> Self {
        new_receiver(self.shared.clone())
    }

    /// Receives the next value for this receiver.
    ///
    /// Each [`Receiver`] handle will receive a clone of all values sent
    /// **after** it has subscribed.
    ///
    /// # Errors
    ///
    /// [`RecvError::Closed`] when all senders are dropped and every retained
    /// value was received; [`RecvError::Lagged`]`(n)` when `n` values were
    /// overwritten before this receiver could read them (the next call
    /// returns the oldest retained value).
    ///
    /// # Cancel safety
    ///
    /// This method is cancel safe. If `recv` is used as the event in a
    /// `select!` statement and some other branch completes first, it is
    /// guaranteed that no messages were received on this channel.
    pub async fn recv(&mut self) -> Result<T, RecvError> {
        Recv {
            receiver: self,
            waiter: Node::new(AtomicBool::new(false)),
        }
        .await
    }

    /// Attempts to return a pending value on this receiver without
    /// awaiting.
    ///
    /// # Errors
    ///
    /// [`TryRecvError::Empty`] if there is nothing new yet, `Closed` and
    /// `Lagged(n)` as for [`recv`](Self::recv).
    pub fn try_recv(&mut self) -> Result<T, TryRecvError> {
        let guard = self.recv_ref(None)?;
        Ok(guard.finish(T::clone))
    }

    /// Blocking receive to call outside of asynchronous contexts.
    ///
    /// # Panics
    ///
    /// This function panics if called within an asynchronous execution
    /// context.
    #[track_caller]
    pub fn blocking_recv(&mut self) -> Result<T, RecvError> {
        blocking::block_on(self.recv())
    }
}

impl<T> Drop for Receiver<T> {
    fn drop(&mut self) {
        let mut tail = self.shared.tail.lock();
        tail.rx_cnt -= 1;
        let until = tail.pos;
        let last = tail.rx_cnt == 0;
        drop(tail);
        if last {
            self.shared.notify_last_rx_drop.notify_waiters();
        }
        // Release the values this receiver was counted for. Each round
        // advances `next`, so this ends within `capacity + 1` rounds.
        while self.next != until {
            match self.recv_ref(None) {
                Ok(guard) => guard.finish(|_| ()),
                Err(TryRecvError::Lagged(_)) => {}
                Err(_) => break,
            }
        }
    }
}

impl<T> fmt::Debug for Receiver<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Receiver")
            .field("next", &self.next)
            .finish_non_exhaustive()
    }
}

/// The future of [`Receiver::recv`], with its waiter node.
struct Recv<'a, T> {
    receiver: &'a mut Receiver<T>,
    waiter: Node<AtomicBool>,
}

impl<T: Clone> Future for Recv<'_, T> {
    type Output = Result<T, RecvError>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let coop = ready!(rt_task::coop::poll_proceed(cx));
        // SAFETY: nothing is moved out; the node stays where it is linked.
        let this = unsafe { self.get_unchecked_mut() };
        let out = match this.receiver.recv_ref(Some((&this.waiter, cx.waker()))) {
            Ok(guard) => Ok(guard.finish(T::clone)),
            Err(TryRecvError::Empty) => return Poll::Pending,
            Err(TryRecvError::Closed) => Err(RecvError::Closed),
            Err(TryRecvError::Lagged(n)) => Err(RecvError::Lagged(n)),
        };
        coop.made_progress();
        Poll::Ready(out)
    }
}

impl<T> Drop for Recv<'_, T> {
    fn drop(&mut self) {
        // `false` is stored by the waker as its last access: the node is
        // unlinked and no longer referenced.
        if !self.waiter.data().load(Acquire) {
            return;
        }
        let mut tail = self.receiver.shared.tail.lock();
        // SAFETY: our own node, alive; only ever linked in this channel's
        // list (or a guarded list taken from it); lock held.
        unsafe { tail.waiters.remove(self.waiter.ptr()) };
    }
}
