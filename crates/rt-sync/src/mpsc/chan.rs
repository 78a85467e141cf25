//! The channel core shared by the bounded and unbounded mpsc channels.
//!
//! # State
//!
//! * `queue`: the lock-free block-linked FIFO of messages (see `list.rs`);
//!   only the receiver pops;
//! * `semaphore`: capacity accounting and the "receiver closed" flag. For a
//!   bounded channel it is the fair batch semaphore with `bound` permits (a
//!   permit is taken before a message is pushed and given back after it is
//!   popped); for an unbounded channel it is a counter of messages in the
//!   channel plus a closed bit;
//! * `rx_waker`: the receiver's [`AtomicWaker`];
//! * `tx_count` / `tx_weak_count`: strong and weak sender handles.
//!
//! # Protocol
//!
//! * Send: take capacity (bounded: a permit; unbounded: counter + 1 unless
//!   closed), push the message, wake `rx_waker`. Messages of one sender are
//!   pushed in program order, hence received in order.
//! * Receive: pop; on a message give its capacity back and return it.
//!   If the queue is empty and the channel is *done*, return `None`;
//!   otherwise register the waker, pop and check *done* again, and return
//!   `Pending`. The waker protocol (see `AtomicWaker`) guarantees that a
//!   push (or a last sender drop) racing with the registration is seen by
//!   the second pop (or check), or wakes the task.
//! * *Done* means: no strong sender is left (`tx_count == 0`; popped once
//!   more after seeing it, since the decrement is ordered after every push
//!   of that sender), or the receiver closed the channel and no capacity is
//!   outstanding (`is_idle`: no queued message and no unused permit). A
//!   permit dropped unused after a close wakes the receiver when the
//!   channel becomes idle.
//! * Closing (`Receiver::close` or drop) closes the semaphore, so pending
//!   and future sends fail but permits already held still work, and wakes
//!   every `Sender::closed()` waiter. Dropping the receiver also drains the
//!   queue so messages are dropped promptly.

use std::task::{ready, Context, Poll};

use crate::batch_semaphore as ll;
use crate::loom::sync::atomic::{AtomicUsize, Ordering::*};
use crate::loom::sync::Arc;
use crate::notify::Notify;
use crate::util::atomic_waker::AtomicWaker;

use super::list::{Pop, Queue};

/// Capacity accounting of a channel flavour.
pub(crate) trait Semaphore: Send + Sync {
    /// No message is queued and no permit is held.
    fn is_idle(&self) -> bool;
    /// Gives back the capacity of `n` received (or dropped) messages.
    fn add_permits(&self, n: usize);
    /// Closes the channel for new sends.
    fn close(&self);
    /// Whether [`Semaphore::close`] was called.
    fn is_closed(&self) -> bool;
}

/// The bounded flavour: a fair semaphore with `bound` permits.
pub(crate) struct Bounded {
    pub(crate) sem: ll::Semaphore,
    pub(crate) bound: usize,
}

impl Semaphore for Bounded {
    #[inline]
    fn is_idle(&self) -> bool {
        self.sem.available_permits() == self.bound
    }
    #[inline]
    fn add_permits(&self, n: usize) {
        self.sem.release(n);
    }
    #[inline]
    fn close(&self) {
        self.sem.close();
    }
    #[inline]
    fn is_closed(&self) -> bool {
        self.sem.is_closed()
    }
}

/// The unbounded flavour: `messages << 1 | CLOSED`.
pub(crate) struct Unbounded(AtomicUsize);

impl Unbounded {
    pub(crate) fn new() -> Unbounded {
        Unbounded(AtomicUsize::new(0))
    }

    /// Accounts for one more message unless the channel is closed.
    #[inline]
    pub(crate) fn try_add_message(&self) -> bool {
        let mut cur = self.0.load(Acquire);
        loop {
            if cur & 1 == 1 {
                return false;
            }
            if cur == usize::MAX ^ 1 {
                // Overflowing the counter would corrupt the channel.
                std::process::abort();
            }
            match self.0.compare_exchange_weak(cur, cur + 2, AcqRel, Acquire) {
                Ok(_) => return true,
                Err(actual) => cur = actual,
            }
        }
    }
}

impl Semaphore for Unbounded {
    #[inline]
    fn is_idle(&self) -> bool {
        self.0.load(Acquire) >> 1 == 0
    }
    #[inline]
    fn add_permits(&self, n: usize) {
        self.0.fetch_sub(n << 1, AcqRel);
    }
    #[inline]
    fn close(&self) {
        self.0.fetch_or(1, Release);
    }
    #[inline]
    fn is_closed(&self) -> bool {
        self.0.load(Acquire) & 1 == 1
    }
}

pub(crate) struct Chan<T, S> {
    queue: Queue<T>,
    pub(crate) semaphore: S,
    rx_waker: AtomicWaker,
    notify_rx_closed: Notify,
    tx_count: AtomicUsize,
    tx_weak_count: AtomicUsize,
}

/// A strong sender handle (counted in `tx_count`).
pub(crate) struct Tx<T, S: Semaphore> {
    pub(crate) inner: Arc<Chan<T, S>>,
}

/// A weak sender handle (counted in `tx_weak_count`).
pub(crate) struct WeakTx<T, S: Semaphore> {
    inner: Arc<Chan<T, S>>,
}

/// The receiver handle.
pub(crate) struct Rx<T, S: Semaphore> {
    pub(crate) inner: Arc<Chan<T, S>>,
}

pub(crate) fn channel<T, S: Semaphore>(semaphore: S) -> (Tx<T, S>, Rx<T, S>) {
    let chan = Arc::new(Chan {
        queue: Queue::new(),
        semaphore,
        rx_waker: AtomicWaker::new(),
        notify_rx_closed: Notify::new(),
        tx_count: AtomicUsize::new(1),
        tx_weak_count: AtomicUsize::new(0),
    });
    (
        Tx {
            inner: chan.clone(),
        },
        Rx { inner: chan },
    )
}

impl<T, S: Semaphore> Chan<T, S> {
    /// Pushes a message whose capacity was already taken.
    #[inline]
    pub(crate) fn send(&self, value: T) {
        self.queue.push(value);
        // The push published the message with `SeqCst` RMWs, and the
        // receiver re-checks with `SeqCst` loads (see `list.rs`).
        self.rx_waker.wake_if_registered();
    }

    /// Gives back `n` units of capacity that carry no message (a dropped
    /// permit), waking the receiver if that makes a closed channel done.
    pub(crate) fn release_unused(&self, n: usize) {
        if n > 0 {
            self.semaphore.add_permits(n);
        }
        if self.semaphore.is_closed() && self.semaphore.is_idle() {
            self.rx_waker.wake();
        }
    }

    fn is_done(&self) -> bool {
        self.tx_count.load(Acquire) == 0 || (self.semaphore.is_closed() && self.semaphore.is_idle())
    }
}

impl<T, S: Semaphore> Tx<T, S> {
    pub(crate) fn is_closed(&self) -> bool {
        self.inner.semaphore.is_closed()
    }

    pub(crate) async fn closed(&self) {
        loop {
            let notified = self.inner.notify_rx_closed.notified();
            if self.inner.semaphore.is_closed() {
                return;
            }
            notified.await;
        }
    }

    pub(crate) fn same_channel(&self, other: &Self) -> bool {
        Arc::ptr_eq(&self.inner, &other.inner)
    }

    pub(crate) fn downgrade(&self) -> WeakTx<T, S> {
        self.inner.tx_weak_count.fetch_add(1, Relaxed);
        WeakTx {
            inner: self.inner.clone(),
        }
    }

    pub(crate) fn strong_count(&self) -> usize {
        self.inner.tx_count.load(Acquire)
    }

    pub(crate) fn weak_count(&self) -> usize {
        self.inner.tx_weak_count.load(Acquire)
    }
}

impl<T, S: Semaphore> Clone for Tx<T, S> {
    fn clone(&self) -> Self {
        if self.inner.tx_count.fetch_add(1, Relaxed) > isize::MAX as usize {
            std::process::abort();
        }
        Tx {
            inner: self.inner.clone(),
        }
    }
}

impl<T, S: Semaphore> Drop for Tx<T, S> {
    fn drop(&mut self) {
        if self.inner.tx_count.fetch_sub(1, AcqRel) == 1 {
            // The last sender: the receiver returns `None` once drained.
            self.inner.rx_waker.wake();
        }
    }
}

impl<T, S: Semaphore> WeakTx<T, S> {
    pub(crate) fn upgrade(&self) -> Option<Tx<T, S>> {
        let mut cur = self.inner.tx_count.load(Acquire);
        loop {
            if cur == 0 {
                return None;
            }
            match self
                .inner
                .tx_count
                .compare_exchange_weak(cur, cur + 1, AcqRel, Acquire)
            {
                Ok(_) => {
                    return Some(Tx {
                        inner: self.inner.clone(),
                    })
                }
                Err(actual) => cur = actual,
            }
        }
    }

    pub(crate) fn strong_count(&self) -> usize {
        self.inner.tx_count.load(Acquire)
    }

    pub(crate) fn weak_count(&self) -> usize {
        self.inner.tx_weak_count.load(Acquire)
    }
}

impl<T, S: Semaphore> Clone for WeakTx<T, S> {
    fn clone(&self) -> Self {
        self.inner.tx_weak_count.fetch_add(1, Relaxed);
        WeakTx {
            inner: self.inner.clone(),
        }
    }
}

impl<T, S: Semaphore> Drop for WeakTx<T, S> {
    fn drop(&mut self) {
        self.inner.tx_weak_count.fetch_sub(1, AcqRel);
    }
}

impl<T, S: Semaphore> Rx<T, S> {
    pub(crate) fn close(&mut self) {
        let chan = &self.inner;
        if !chan.semaphore.is_closed() {
            chan.semaphore.close();
        }
        chan.notify_rx_closed.notify_waiters();
    }

    pub(crate) fn is_closed(&self) -> bool {
        self.inner.semaphore.is_closed() || self.inner.tx_count.load(Acquire) == 0
    }

    pub(crate) fn len(&self) -> usize {
        // SAFETY: only the receiver pops, and it needs `&mut self` to.
        unsafe { self.inner.queue.len() }
    }

    pub(crate) fn sender_strong_count(&self) -> usize {
        self.inner.tx_count.load(Acquire)
    }

    pub(crate) fn sender_weak_count(&self) -> usize {
        self.inner.tx_weak_count.load(Acquire)
    }

    /// Pops one message without blocking: the message (its capacity given
    /// back), or why there is none.
    #[inline]
    fn pop(&mut self) -> Result<T, Pop> {
        // SAFETY: `&mut self`: we are the single consumer.
        let v = unsafe { self.inner.queue.pop() }?;
        self.inner.semaphore.add_permits(1);
        Ok(v)
    }

    /// Pops one message without waiting (giving its capacity back).
    #[inline]
    pub(crate) fn try_pop(&mut self) -> Option<T> {
        self.pop().ok()
    }

    /// `try_recv`: `Ok(Some)`, `Ok(None)` when empty, `Err` when done.
    ///
    /// A message whose sender claimed its slot but has not finished
    /// writing it is waited for (briefly: no user code runs in between), as
    /// Tokio's `try_recv` does, so that `Empty` is never reported while a
    /// completed `send` is queued behind it.
    pub(crate) fn try_recv(&mut self) -> Result<Option<T>, ()> {
        let mut spins = 0u32;
        loop {
            match self.pop() {
                Ok(v) => return Ok(Some(v)),
                Err(Pop::Empty) => break,
                Err(Pop::Busy) => {
                    spins += 1;
                    if spins < 64 {
                        std::hint::spin_loop();
                    } else {
                        std::thread::yield_now();
                    }
                    crate::loom::spin_hint();
                }
            }
        }
        if self.inner.is_done() {
            return match self.try_pop() {
                Some(v) => Ok(Some(v)),
                None => Err(()),
            };
        }
        Ok(None)
    }

    pub(crate) fn recv(&mut self, cx: &mut Context<'_>) -> Poll<Option<T>> {
        let coop = ready!(rt_task::coop::poll_proceed(cx));
        macro_rules! try_pop {
            () => {
                if let Some(v) = self.try_pop() {
                    coop.made_progress();
                    return Poll::Ready(Some(v));
                }
            };
        }
        try_pop!();
        if self.inner.is_done() {
            try_pop!();
            coop.made_progress();
            return Poll::Ready(None);
        }
        self.inner.rx_waker.register_by_ref(cx.waker());
        try_pop!();
        if self.inner.is_done() {
            try_pop!();
            coop.made_progress();
            return Poll::Ready(None);
        }
        Poll::Pending
    }

    pub(crate) fn recv_many(
        &mut self,
        cx: &mut Context<'_>,
        buffer: &mut Vec<T>,
        limit: usize,
    ) -> Poll<usize> {
        if limit == 0 {
            return Poll::Ready(0);
        }
        let coop = ready!(rt_task::coop::poll_proceed(cx));
        macro_rules! try_pop_many {
            () => {
                let mut n = 0;
                while n < limit {
                    // SAFETY: `&mut self`: we are the single consumer.
                    match unsafe { self.inner.queue.pop() } {
                        Ok(v) => {
                            buffer.push(v);
                            n += 1;
                        }
                        Err(_) => break,
                    }
                }
                if n > 0 {
                    self.inner.semaphore.add_permits(n);
                    coop.made_progress();
                    return Poll::Ready(n);
                }
            };
        }
        buffer.reserve(limit.min(self.len()));
        try_pop_many!();
        if self.inner.is_done() {
            try_pop_many!();
            coop.made_progress();
            return Poll::Ready(0);
        }
        self.inner.rx_waker.register_by_ref(cx.waker());
        try_pop_many!();
        if self.inner.is_done() {
            try_pop_many!();
            coop.made_progress();
            return Poll::Ready(0);
        }
        Poll::Pending
    }
}

impl<T, S: Semaphore> Drop for Rx<T, S> {
    fn drop(&mut self) {
        self.close();
        let mut n = 0;
        // SAFETY: `&mut self`: we are the single consumer. Messages still
        // being written (`Busy`) are dropped with the channel.
        while let Ok(v) = unsafe { self.inner.queue.pop() } {
            n += 1;
            drop(v);
        }
        if n > 0 {
            self.inner.semaphore.add_permits(n);
        }
    }
}
