//! A multi-producer, multi-consumer channel that only retains the *last*
//! sent value.
//!
//! This channel is useful for watching for changes to a value from multiple
//! points in the code base, for example, changes to configuration values.
//!
//! # Usage
//!
//! [`channel`] returns a [`Sender`] / [`Receiver`] pair. These are the
//! producer and consumer halves of the channel. The channel is created with
//! an initial value.
//!
//! Each [`Receiver`] independently tracks the last value *seen* by its
//! caller. To access the **current** value stored in the channel and mark it
//! as *seen*, use [`Receiver::borrow_and_update()`]. To access the current
//! value **without** marking it as *seen*, use [`Receiver::borrow()`].
//!
//! ## Change notifications
//!
//! [`Receiver::changed()`] returns `Ok(())` when a new, unseen value is
//! available (marking it seen), and `Err(RecvError)` if the channel is
//! closed (every sender dropped) **and** the current value has been seen.
//! At creation, the initial value is considered seen.
//!
//! # Examples
//!
//! ```
//! use rt_sync::watch;
//!
//! # futures::executor::block_on(async {
//! let (tx, mut rx) = watch::channel("hello");
//! std::thread::spawn(move || {
//!     tx.send("world").unwrap();
//! });
//! rx.changed().await.unwrap();
//! assert_eq!(*rx.borrow_and_update(), "world");
//! // The sender is gone and the value was seen.
//! assert!(rx.changed().await.is_err());
//! # });
//! ```
//!
//! # Protocol
//!
//! `state` holds `version << 1 | CLOSED`; the version advances by one (the
//! word by 2) on every send, **while the value's write lock is held**, so
//! a reader that loads the version under the read lock gets the version of
//! the value it reads. Waiting receivers use [`Notify`]: `changed` creates a
//! `Notified` *before* it compares versions, and a send bumps the version
//! before `notify_waiters`, so a send that races with the comparison always
//! completes the `Notified` (it was created before the call).

use std::fmt;
use std::ops;

use crate::loom::sync::atomic::{AtomicUsize, Ordering::*};
use crate::loom::sync::{Arc, RwLock, RwLockReadGuard};
use crate::notify::Notify;
use crate::util::cooperative;

/// Error types of the watch channel.
pub mod error {
    use std::fmt;

    /// Error produced when sending a value fails: there are no receivers.
    #[derive(PartialEq, Eq, Clone, Copy)]
    pub struct SendError<T>(pub T);

    impl<T> fmt::Debug for SendError<T> {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.debug_struct("SendError").finish_non_exhaustive()
        }
    }

    impl<T> fmt::Display for SendError<T> {
        fn fmt(&self, fmt: &mut fmt::Formatter<'_>) -> fmt::Result {
            write!(fmt, "channel closed")
        }
    }

    impl<T> std::error::Error for SendError<T> {}

    /// Error produced when receiving a change notification: the channel is
    /// closed.
    #[derive(Debug, Clone)]
    pub struct RecvError(pub(super) ());

    impl fmt::Display for RecvError {
        fn fmt(&self, fmt: &mut fmt::Formatter<'_>) -> fmt::Result {
            write!(fmt, "channel closed")
        }
    }

    impl std::error::Error for RecvError {}
}

use self::error::{RecvError, SendError};

const CLOSED: usize = 1;
const STEP: usize = 2;

struct Shared<T> {
    value: RwLock<T>,
    state: AtomicUsize,
    ref_count_rx: AtomicUsize,
    ref_count_tx: AtomicUsize,
    notify_rx: Notify,
    notify_tx: Notify,
}

impl<T> Shared<T> {
    #[inline]
    fn version(&self) -> usize {
        self.state.load(Acquire) & !CLOSED
    }
}

/// Sends values to the associated [`Receiver`]s.
///
/// Instances are created by the [`channel`] function.
pub struct Sender<T> {
    shared: Arc<Shared<T>>,
}

/// Receives values from the associated [`Sender`].
///
/// Instances are created by the [`channel`] function.
pub struct Receiver<T> {
    shared: Arc<Shared<T>>,
    version: usize,
}

/// Returns a reference to the inner value.
///
/// Outstanding borrows hold a read lock on the inner value. This means that
/// long-lived borrows could cause the producer half to block. It is
/// recommended to keep the borrow as short-lived as possible, and never to
/// hold it across an `.await`.
pub struct Ref<'a, T> {
    inner: RwLockReadGuard<'a, T>,
    has_changed: bool,
}

impl<T> Ref<'_, T> {
    /// Indicates if the borrowed value is considered as *changed* since the
    /// last time it has been marked as seen.
    ///
    /// Unlike [`Receiver::has_changed()`], this method does not fail if the
    /// channel is closed. When borrowed from the [`Sender`] this function
    /// will always return `false`.
    pub fn has_changed(&self) -> bool {
        self.has_changed
    }
}

impl<T> ops::Deref for Ref<'_, T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.inner
    }
}

impl<T: fmt::Debug> fmt::Debug for Ref<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&**self, f)
    }
}

/// Creates a new watch channel, returning the "send" and "receive" handles.
///
/// All values sent by [`Sender`] will become visible to the [`Receiver`]
/// handles. Only the last value sent is made available to the [`Receiver`]
/// half. All intermediate values are dropped.
pub fn channel<T>(init: T) -> (Sender<T>, Receiver<T>) {
    let shared = Arc::new(Shared {
        value: RwLock::new(init),
        state: AtomicUsize::new(0),
        ref_count_rx: AtomicUsize::new(1),
        ref_count_tx: AtomicUsize::new(1),
        notify_rx: Notify::new(),
        notify_tx: Notify::new(),
    });
    let tx = Sender {
        shared: shared.clone(),
    };
    let rx = Receiver { shared, version: 0 };
    (tx, rx)
}

impl<T> Receiver<T> {
    /// Returns a reference to the most recently sent value.
    ///
    /// This method does not mark the returned value as seen, so future
    /// calls to [`changed`] may return immediately even if you have already
    /// seen the value with a call to `borrow`.
    ///
    /// [`changed`]: Receiver::changed
    pub fn borrow(&self) -> Ref<'_, T> {
        let inner = self.shared.value.read();
        let new_version = self.shared.version();
        let has_changed = self.version != new_version;
        Ref { inner, has_changed }
    }

    /// Returns a reference to the most recently sent value and marks that
    /// value as seen.
    ///
    /// This method marks the current value as seen. Subsequent calls to
    /// [`changed`] will not return immediately until the [`Sender`] has
    /// modified the shared value again.
    ///
    /// [`changed`]: Receiver::changed
    pub fn borrow_and_update(&mut self) -> Ref<'_, T> {
        let inner = self.shared.value.read();
        let new_version = self.shared.version();
        let has_changed = self.version != new_version;
        self.version = new_version;
        Ref { inner, has_changed }
    }

    /// Checks if this channel contains a message that this receiver has not
    /// yet seen. The new value is not marked as seen.
    ///
    /// # Errors
    ///
    /// Returns a [`RecvError`] if and only if the channel has been closed.
    pub fn has_changed(&self) -> Result<bool, RecvError> {
        let state = self.shared.state.load(Acquire);
        if state & CLOSED == CLOSED {
            return Err(RecvError(()));
        }
        Ok(self.version != state & !CLOSED)
    }

    /// Marks the state as changed.
    ///
    /// After invoking this method [`has_changed()`](Self::has_changed)
    /// returns `true` and [`changed()`](Self::changed) returns immediately,
    /// regardless of whether a new value has been sent.
    pub fn mark_changed(&mut self) {
        self.version = self.shared.version().wrapping_sub(STEP);
    }

    /// Marks the state as unchanged: the current value will be considered
    /// seen by the receiver.
    pub fn mark_unchanged(&mut self) {
        self.version = self.shared.version();
    }

    /// Waits for a change notification, then marks the current value as
    /// seen.
    ///
    /// If the current value in the channel has not yet been marked seen
    /// when this method is called, the method marks that value seen and
    /// returns immediately. If the newest value has already been marked
    /// seen, then the method sleeps until a new message is sent by a
    /// [`Sender`] connected to this `Receiver`, or until all [`Sender`]s
    /// are dropped.
    ///
    /// # Errors
    ///
    /// Returns a [`RecvError`] if the channel has been closed **and** the
    /// current value is seen.
    ///
    /// # Cancel safety
    ///
    /// This method is cancel safe.
    pub async fn changed(&mut self) -> Result<(), RecvError> {
        cooperative(changed_impl(&self.shared, &mut self.version)).await
    }

    /// Waits for a value that satisfies the provided condition.
    ///
    /// This method will call the provided closure whenever something is
    /// sent on the channel. Once the closure returns `true`, this method
    /// will return a reference to the value that was passed to the closure.
    ///
    /// Before `wait_for` starts waiting for changes, it will call the
    /// closure on the current value. If the closure returns `true` when
    /// given the current value, then `wait_for` will immediately return a
    /// reference to the current value. This is the case even if the current
    /// value is already considered seen. The returned value is marked seen.
    ///
    /// # Errors
    ///
    /// If all [`Sender`]s are dropped before a satisfying value is seen
    /// (the last value is still checked), returns [`RecvError`].
    ///
    /// # Cancel safety
    ///
    /// This method is cancel safe.
    pub async fn wait_for(
        &mut self,
        mut f: impl FnMut(&T) -> bool,
    ) -> Result<Ref<'_, T>, RecvError> {
        let mut closed = false;
        loop {
            {
                let inner = self.shared.value.read();
                let new_version = self.shared.version();
                let has_changed = self.version != new_version;
                self.version = new_version;
                if (!closed || has_changed) && f(&inner) {
                    return Ok(Ref { inner, has_changed });
                }
            }
            if closed {
                return Err(RecvError(()));
            }
            closed = cooperative(changed_impl(&self.shared, &mut self.version))
                .await
                .is_err();
        }
    }

    /// Returns `true` if receivers belong to the same channel.
    pub fn same_channel(&self, other: &Self) -> bool {
        Arc::ptr_eq(&self.shared, &other.shared)
    }
}

/// `Some(result)` if `changed` can complete now.
fn maybe_changed<T>(shared: &Shared<T>, version: &mut usize) -> Option<Result<(), RecvError>> {
    let state = shared.state.load(Acquire);
    let new_version = state & !CLOSED;
    if *version != new_version {
        *version = new_version;
        return Some(Ok(()));
    }
    if state & CLOSED == CLOSED {
        return Some(Err(RecvError(())));
    }
    None
}

async fn changed_impl<T>(shared: &Shared<T>, version: &mut usize) -> Result<(), RecvError> {
    loop {
        // Created before the check: a send racing with it completes it.
        let notified = shared.notify_rx.notified();
        if let Some(ret) = maybe_changed(shared, version) {
            return ret;
        }
        notified.await;
    }
}

impl<T> Clone for Receiver<T> {
    fn clone(&self) -> Self {
        self.shared.ref_count_rx.fetch_add(1, Relaxed);
        Receiver {
            shared: self.shared.clone(),
            version: self.version,
        }
    }
}

impl<T> Drop for Receiver<T> {
    fn drop(&mut self) {
        if self.shared.ref_count_rx.fetch_sub(1, AcqRel) == 1 {
            // The last receiver: wake `Sender::closed`.
            self.shared.notify_tx.notify_waiters();
        }
    }
}

impl<T: fmt::Debug> fmt::Debug for Receiver<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Receiver")
            .field("version", &self.version)
            .finish_non_exhaustive()
    }
}

impl<T> Sender<T> {
    /// Creates the sending half of a watch channel without a receiver;
    /// receivers are created with [`subscribe`](Self::subscribe).
    pub fn new(init: T) -> Self {
        let (tx, _) = channel(init);
        tx
    }

    /// Sends a new value via the channel, notifying all receivers.
    ///
    /// This method fails if the channel is closed, which is the case when
    /// every receiver has been dropped. It is possible to reopen the
    /// channel using the [`subscribe`] method. However, when `send` fails,
    /// the value isn't made available for future receivers (but returned
    /// with the [`SendError`]).
    ///
    /// To always make a new value available for future receivers, even if
    /// no receiver currently exists, one of the other send methods
    /// ([`send_if_modified`], [`send_modify`], or [`send_replace`]) can be
    /// used instead.
    ///
    /// [`subscribe`]: Sender::subscribe
    /// [`send_if_modified`]: Sender::send_if_modified
    /// [`send_modify`]: Sender::send_modify
    /// [`send_replace`]: Sender::send_replace
    pub fn send(&self, value: T) -> Result<(), SendError<T>> {
        if self.receiver_count() == 0 {
            return Err(SendError(value));
        }
        self.send_replace(value);
        Ok(())
    }

    /// Modifies the watched value **unconditionally** in-place, notifying
    /// all receivers.
    ///
    /// This can be useful for modifying the watched value, without having
    /// to allocate a new instance. The modification happens even if there
    /// are no receivers.
    pub fn send_modify<F>(&self, modify: F)
    where
        F: FnOnce(&mut T),
    {
        self.send_if_modified(|value| {
            modify(value);
            true
        });
    }

    /// Modifies the watched value **conditionally** in-place, notifying all
    /// receivers only if modified.
    ///
    /// The `modify` closure must return `true` if the value has actually
    /// been modified during the mutable borrow. It should only return
    /// `false` if the value is guaranteed to be unmodified despite the
    /// mutable borrow. Returns the result of the closure.
    ///
    /// # Panics
    ///
    /// If the closure panics the panic is propagated: the version is not
    /// bumped and no receiver is notified (any modification made so far is
    /// kept).
    pub fn send_if_modified<F>(&self, modify: F) -> bool
    where
        F: FnOnce(&mut T) -> bool,
    {
        {
            let mut lock = self.shared.value.write();
            if !modify(&mut lock) {
                return false;
            }
            // Bumped while the write lock is held (see the protocol).
            self.shared.state.fetch_add(STEP, Release);
        }
        self.shared.notify_rx.notify_waiters();
        true
    }

    /// Sends a new value via the channel, notifying all receivers and
    /// returning the previous value in the channel.
    ///
    /// This can be useful for reusing the buffers inside a watched value.
    /// Additionally, this method permits sending values even when there are
    /// no receivers.
    pub fn send_replace(&self, mut value: T) -> T {
        self.send_modify(|old| std::mem::swap(old, &mut value));
        value
    }

    /// Returns a reference to the most recently sent value.
    ///
    /// The returned reference's [`Ref::has_changed`] is always `false`.
    pub fn borrow(&self) -> Ref<'_, T> {
        Ref {
            inner: self.shared.value.read(),
            has_changed: false,
        }
    }

    /// Checks if the channel has been closed. This happens when all
    /// receivers have dropped.
    pub fn is_closed(&self) -> bool {
        self.receiver_count() == 0
    }

    /// Completes when all receivers have dropped.
    ///
    /// # Cancel safety
    ///
    /// This method is cancel safe.
    pub async fn closed(&self) {
        loop {
            let notified = self.shared.notify_tx.notified();
            if self.receiver_count() == 0 {
                return;
            }
            notified.await;
        }
    }

    /// Creates a new [`Receiver`] connected to this `Sender`.
    ///
    /// All messages sent before this call to `subscribe` are initially
    /// marked as seen by the new `Receiver`.
    pub fn subscribe(&self) -> Receiver<T> {
        let version = self.shared.version();
        self.shared.ref_count_rx.fetch_add(1, Relaxed);
        Receiver {
            shared: self.shared.clone(),
            version,
        }
    }

    /// Returns the number of receivers that currently exist.
    pub fn receiver_count(&self) -> usize {
        self.shared.ref_count_rx.load(Acquire)
    }

    /// Returns the number of senders that currently exist.
    pub fn sender_count(&self) -> usize {
        self.shared.ref_count_tx.load(Acquire)
    }

    /// Returns `true` if senders belong to the same channel.
    pub fn same_channel(&self, other: &Self) -> bool {
        Arc::ptr_eq(&self.shared, &other.shared)
    }
}

impl<T> Clone for Sender<T> {
    fn clone(&self) -> Self {
        self.shared.ref_count_tx.fetch_add(1, Relaxed);
        Sender {
            shared: self.shared.clone(),
        }
    }
}

impl<T: Default> Default for Sender<T> {
    fn default() -> Self {
        Self::new(T::default())
    }
}

impl<T> Drop for Sender<T> {
    fn drop(&mut self) {
        if self.shared.ref_count_tx.fetch_sub(1, AcqRel) == 1 {
            self.shared.state.fetch_or(CLOSED, AcqRel);
            self.shared.notify_rx.notify_waiters();
        }
    }
}

impl<T: fmt::Debug> fmt::Debug for Sender<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Sender").finish_non_exhaustive()
    }
}
