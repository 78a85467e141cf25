//! The fair, batch-acquiring semaphore under `Semaphore`, `Mutex`, `RwLock`,
//! the bounded mpsc channel and `OnceCell`.
//!
//! # State
//!
//! * `permits: AtomicUsize` holds `available << 2 | WAITERS | CLOSED`.
//! * `waiters: Mutex<Waitlist>` holds a FIFO [`LinkedList`] of waiting
//!   [`Acquire`] futures and a `closed` flag. Each node's data is the number
//!   of permits that waiter still needs (an `AtomicUsize`).
//!
//! # Protocol
//!
//! 1. **Invariant** (changed only under the lock): `WAITERS` is set iff the
//!    queue is non-empty (or the semaphore is closing), and while it is set
//!    `available == 0`.
//! 2. **Fast acquire** (`try_acquire`, first poll of `Acquire`): CAS `n`
//!    permits out of `permits` if at least `n` are available. No lock.
//!    With waiters queued nothing is available, so the fast path can never
//!    overtake them: the semaphore is fair (FIFO), and a large request at
//!    the head blocks smaller ones behind it.
//! 3. **Slow acquire** (first poll, not enough permits): lock; in one CAS
//!    take whatever is available and, if still short, set `WAITERS`; then
//!    store the remainder in the node, store the waker and link the node at
//!    the tail. A waiter may thus hold part of its permits while it waits.
//! 4. **Fast release**: CAS `n` permits into `permits` while `WAITERS` is
//!    clear. The CAS fails if a waiter sets `WAITERS` concurrently, so a
//!    release never strands permits next to a waiter. No lock: an
//!    uncontended mutex unlock or channel receive costs one CAS.
//! 5. **Slow release** (`WAITERS` set): lock; hand permits to the waiters
//!    from the head, in order: a waiter that gets all it needs is unlinked,
//!    its waker taken, and `needed = 0` stored with `Release` as the very
//!    last access (the linked-list protocol); a waiter that gets only some
//!    has `needed` lowered. If the queue is then empty, one CAS clears
//!    `WAITERS` and deposits the leftover.
//! 6. **Cancel** (`Acquire` dropped while queued): if `needed == 0` (read
//!    with `Acquire`, no lock) every permit was assigned: release them all.
//!    Otherwise lock, unlink the node, and release the permits it had been
//!    assigned so far through step 5 (which also clears `WAITERS` if it was
//!    the last waiter). No permit leaks, and a wake-up meant for this
//!    waiter reaches the next one.
//! 7. **Close**: under the lock set `CLOSED` and `closed`, clear `WAITERS`,
//!    unlink every waiter and wake it. A woken waiter that finds
//!    `needed > 0` and `closed` gives back its partial permits and fails.
//!    New acquires see `CLOSED` and fail; releases keep working (and no
//!    longer feed waiters).

use std::future::Future;
use std::pin::Pin;
use std::task::{ready, Context, Poll, Waker};

use crate::loom::sync::atomic::{AtomicUsize, Ordering::*};
use crate::loom::sync::{Mutex, MutexGuard};
use crate::util::linked_list::{LinkedList, Node};
use crate::util::wake_list::WakeList;

/// An error returned by [`Semaphore::acquire`](crate::Semaphore::acquire):
/// the semaphore has been closed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AcquireError(());

/// An error returned by [`Semaphore::try_acquire`](crate::Semaphore::try_acquire).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TryAcquireError {
    /// The semaphore has been [closed](crate::Semaphore::close) and cannot
    /// issue new permits.
    Closed,
    /// The semaphore has no available permits.
    NoPermits,
}

impl AcquireError {
    fn closed() -> AcquireError {
        AcquireError(())
    }
}

impl std::fmt::Display for AcquireError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "semaphore closed")
    }
}

impl std::error::Error for AcquireError {}

impl TryAcquireError {
    /// Whether the error was caused by the semaphore being closed.
    pub fn is_closed(&self) -> bool {
        matches!(self, TryAcquireError::Closed)
    }

    /// Whether the error was caused by a lack of permits.
    pub fn is_no_permits(&self) -> bool {
        matches!(self, TryAcquireError::NoPermits)
    }
}

impl std::fmt::Display for TryAcquireError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            TryAcquireError::Closed => write!(f, "semaphore closed"),
            TryAcquireError::NoPermits => write!(f, "no permits available"),
        }
    }
}

impl std::error::Error for TryAcquireError {}

struct Waitlist {
    queue: LinkedList<AtomicUsize>,
    closed: bool,
}

/// The semaphore core.
pub(crate) struct Semaphore {
    waiters: Mutex<Waitlist>,
    permits: AtomicUsize,
}

const CLOSED: usize = 0b01;
const WAITERS: usize = 0b10;
const SHIFT: usize = 2;

impl Semaphore {
    /// The largest number of permits a semaphore can hold.
    pub(crate) const MAX_PERMITS: usize = usize::MAX >> 3;

    /// A semaphore with `permits` permits.
    ///
    /// Panics if `permits` exceeds [`Semaphore::MAX_PERMITS`].
    #[track_caller]
    pub(crate) fn new(permits: usize) -> Semaphore {
        assert!(
            permits <= Self::MAX_PERMITS,
            "a semaphore may not have more than MAX_PERMITS permits ({}); `permits` was {}",
            Self::MAX_PERMITS,
            permits
        );
        Semaphore {
            waiters: Mutex::new(Waitlist {
                queue: LinkedList::new(),
                closed: false,
            }),
            permits: AtomicUsize::new(permits << SHIFT),
        }
    }

    /// A semaphore with `permits` permits, usable in `const`/`static`.
    #[cfg(not(rt_loom))]
    #[track_caller]
    pub(crate) const fn const_new(permits: usize) -> Semaphore {
        assert!(
            permits <= Self::MAX_PERMITS,
            "a semaphore may not have more than MAX_PERMITS (usize::MAX >> 3) permits"
        );
        Semaphore {
            waiters: Mutex::new(Waitlist {
                queue: LinkedList::new(),
                closed: false,
            }),
            permits: AtomicUsize::new(permits << SHIFT),
        }
    }

    /// A semaphore that is already closed, with no permits.
    pub(crate) fn new_closed() -> Semaphore {
        Semaphore {
            waiters: Mutex::new(Waitlist {
                queue: LinkedList::new(),
                closed: true,
            }),
            permits: AtomicUsize::new(CLOSED),
        }
    }

    /// The number of permits available now.
    #[inline]
    pub(crate) fn available_permits(&self) -> usize {
        self.permits.load(Acquire) >> SHIFT
    }

    /// Whether [`Semaphore::close`] has been called.
    #[inline]
    pub(crate) fn is_closed(&self) -> bool {
        self.permits.load(Acquire) & CLOSED == CLOSED
    }

    /// Takes `n` permits if they are available right now.
    #[inline]
    #[track_caller]
    pub(crate) fn try_acquire(&self, n: usize) -> Result<(), TryAcquireError> {
        assert!(
            n <= Self::MAX_PERMITS,
            "a semaphore may not have more than MAX_PERMITS permits ({}); requested {}",
            Self::MAX_PERMITS,
            n
        );
        let want = n << SHIFT;
        let mut cur = self.permits.load(Acquire);
        loop {
            if cur & CLOSED == CLOSED {
                return Err(TryAcquireError::Closed);
            }
            if cur >> SHIFT < n {
                return Err(TryAcquireError::NoPermits);
            }
            match self
                .permits
                .compare_exchange_weak(cur, cur - want, AcqRel, Acquire)
            {
                Ok(_) => return Ok(()),
                Err(actual) => cur = actual,
            }
        }
    }

    /// A future that acquires `n` permits, in FIFO order with other waiters.
    #[inline]
    #[track_caller]
    pub(crate) fn acquire(&self, n: usize) -> Acquire<'_> {
        assert!(
            n <= Self::MAX_PERMITS,
            "a semaphore may not have more than MAX_PERMITS permits ({}); requested {}",
            Self::MAX_PERMITS,
            n
        );
        Acquire {
            node: Node::new(AtomicUsize::new(n)),
            semaphore: self,
            num_permits: n,
            queued: false,
        }
    }

    /// Removes up to `n` available permits; returns how many were removed.
    pub(crate) fn forget_permits(&self, n: usize) -> usize {
        let mut cur = self.permits.load(Acquire);
        loop {
            let take = (cur >> SHIFT).min(n);
            if take == 0 {
                return 0;
            }
            match self
                .permits
                .compare_exchange_weak(cur, cur - (take << SHIFT), AcqRel, Acquire)
            {
                Ok(_) => return take,
                Err(actual) => cur = actual,
            }
        }
    }

    /// Adds `n` permits, handing them to waiters first (FIFO).
    #[inline]
    #[track_caller]
    pub(crate) fn release(&self, n: usize) {
        if n == 0 {
            return;
        }
        let mut cur = self.permits.load(Acquire);
        while cur & WAITERS == 0 {
            if n > Self::MAX_PERMITS - (cur >> SHIFT) {
                Self::overflow(n);
            }
            match self
                .permits
                .compare_exchange_weak(cur, cur + (n << SHIFT), AcqRel, Acquire)
            {
                Ok(_) => return,
                Err(actual) => cur = actual,
            }
        }
        self.add_permits_locked(n, self.waiters.lock());
    }

    #[track_caller]
    fn overflow(n: usize) -> ! {
        panic!(
            "number of added permits ({n}) would overflow MAX_PERMITS ({}) in Semaphore::add_permits",
            Self::MAX_PERMITS
        );
    }

    /// Closes the semaphore: pending and future acquires fail.
    pub(crate) fn close(&self) {
        let mut w = self.waiters.lock();
        self.permits.fetch_or(CLOSED, Release);
        self.permits.fetch_and(!WAITERS, Release);
        w.closed = true;
        loop {
            let mut wakers = WakeList::new();
            while wakers.can_push() {
                let Some(node) = w.queue.pop_front() else {
                    break;
                };
                // SAFETY: the node was linked, hence alive; we hold the lock.
                // It keeps `needed > 0`: its owner sees `closed` under the
                // lock when it polls or drops.
                if let Some(waker) = unsafe { w.queue.take_waker(node) } {
                    wakers.push(waker);
                }
            }
            let done = w.queue.is_empty();
            drop(w);
            wakers.wake_all();
            if done {
                return;
            }
            w = self.waiters.lock();
        }
    }

    /// Step 5 of the protocol, entered with the lock held. Also called
    /// with `rem == 0` after a waiter left, to clear `WAITERS`.
    #[track_caller]
    fn add_permits_locked<'a>(&'a self, mut rem: usize, mut w: MutexGuard<'a, Waitlist>) {
        let mut wakers = WakeList::new();
        loop {
            while !w.closed && rem > 0 && wakers.can_push() {
                let Some(node) = w.queue.front() else {
                    break;
                };
                // SAFETY: linked nodes are alive (list invariant).
                let needed_cell = unsafe { node.as_ref() }.data();
                let needed = needed_cell.load(Relaxed);
                if rem < needed {
                    needed_cell.store(needed - rem, Relaxed);
                    rem = 0;
                    break;
                }
                rem -= needed;
                w.queue.pop_front();
                // SAFETY: the node was linked, hence alive; lock held.
                let waker = unsafe { w.queue.take_waker(node) };
                // Hand the node back to its owner: last access.
                needed_cell.store(0, Release);
                if let Some(waker) = waker {
                    wakers.push(waker);
                }
            }
            if w.closed || w.queue.is_empty() {
                let mut cur = self.permits.load(Acquire);
                loop {
                    if rem > Self::MAX_PERMITS - (cur >> SHIFT) {
                        drop(w);
                        wakers.wake_all();
                        Self::overflow(rem);
                    }
                    let new = (cur & !WAITERS) + (rem << SHIFT);
                    if new == cur {
                        break;
                    }
                    match self
                        .permits
                        .compare_exchange_weak(cur, new, AcqRel, Acquire)
                    {
                        Ok(_) => break,
                        Err(actual) => cur = actual,
                    }
                }
                rem = 0;
            }
            drop(w);
            wakers.wake_all();
            if rem == 0 {
                return;
            }
            w = self.waiters.lock();
        }
    }

    /// The lock-free part of protocol step 2 (a first poll): `Some` if the
    /// permits were taken or the semaphore is closed, `None` if there are
    /// not enough permits right now.
    #[inline]
    fn try_fast(&self, num: usize) -> Option<Result<(), AcquireError>> {
        let want = num << SHIFT;
        let mut cur = self.permits.load(Acquire);
        loop {
            if cur & CLOSED == CLOSED {
                return Some(Err(AcquireError::closed()));
            }
            if cur >> SHIFT < num {
                return None;
            }
            match self
                .permits
                .compare_exchange_weak(cur, cur - want, AcqRel, Acquire)
            {
                Ok(_) => return Some(Ok(())),
                Err(actual) => cur = actual,
            }
        }
    }

    fn poll_acquire(
        &self,
        node: &Node<AtomicUsize>,
        num: usize,
        queued: &mut bool,
        waker: &Waker,
    ) -> Poll<Result<(), AcquireError>> {
        if *queued {
            self.poll_queued(node, num, queued, waker)
        } else {
            self.poll_first(node, num, queued, waker)
        }
    }

    fn poll_first(
        &self,
        node: &Node<AtomicUsize>,
        num: usize,
        queued: &mut bool,
        waker: &Waker,
    ) -> Poll<Result<(), AcquireError>> {
        let want = num << SHIFT;
        let mut cur = self.permits.load(Acquire);
        loop {
            if cur & CLOSED == CLOSED {
                return Poll::Ready(Err(AcquireError::closed()));
            }
            if cur >> SHIFT < num {
                break;
            }
            match self
                .permits
                .compare_exchange_weak(cur, cur - want, AcqRel, Acquire)
            {
                Ok(_) => return Poll::Ready(Ok(())),
                Err(actual) => cur = actual,
            }
        }

        let mut w = self.waiters.lock();
        let mut cur = self.permits.load(Acquire);
        let needed = loop {
            if cur & CLOSED == CLOSED {
                return Poll::Ready(Err(AcquireError::closed()));
            }
            let avail = cur >> SHIFT;
            let (new, needed) = if avail >= num {
                (cur - want, 0)
            } else {
                // Take everything and announce a waiter (invariant 1).
                ((cur & CLOSED) | WAITERS, num - avail)
            };
            match self.permits.compare_exchange(cur, new, AcqRel, Acquire) {
                Ok(_) => break needed,
                Err(actual) => cur = actual,
            }
        };
        if needed == 0 {
            return Poll::Ready(Ok(()));
        }
        node.data().store(needed, Relaxed);
        // SAFETY: the node lives in a pinned `Acquire` that unlinks it on
        // drop (protocol step 6); it is not linked anywhere yet; lock held.
        unsafe {
            w.queue.set_waker(node.ptr(), Some(waker));
            w.queue.push_back(node.ptr());
        }
        *queued = true;
        Poll::Pending
    }

    fn poll_queued(
        &self,
        node: &Node<AtomicUsize>,
        num: usize,
        queued: &mut bool,
        waker: &Waker,
    ) -> Poll<Result<(), AcquireError>> {
        if node.data().load(Acquire) == 0 {
            *queued = false;
            return Poll::Ready(Ok(()));
        }
        let mut w = self.waiters.lock();
        let needed = node.data().load(Acquire);
        if needed == 0 {
            *queued = false;
            return Poll::Ready(Ok(()));
        }
        if w.closed {
            // SAFETY: our own node, alive; only ever linked in this list.
            unsafe { w.queue.remove(node.ptr()) };
            *queued = false;
            self.add_permits_locked(num - needed, w);
            return Poll::Ready(Err(AcquireError::closed()));
        }
        // SAFETY: our own node, alive; lock held.
        let old = unsafe { w.queue.set_waker(node.ptr(), Some(waker)) };
        drop(w);
        drop(old);
        Poll::Pending
    }
}

impl std::fmt::Debug for Semaphore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Semaphore")
            .field("permits", &self.available_permits())
            .field("closed", &self.is_closed())
            .finish()
    }
}

/// The future returned by [`Semaphore::acquire`]: resolves once `n` permits
/// have been taken; they then belong to the caller (who releases them).
pub(crate) struct Acquire<'a> {
    node: Node<AtomicUsize>,
    semaphore: &'a Semaphore,
    num_permits: usize,
    queued: bool,
}

impl Future for Acquire<'_> {
    type Output = Result<(), AcquireError>;

    #[inline]
    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let coop = ready!(rt_task::coop::poll_proceed(cx));
        // SAFETY: nothing is moved out of the pinned future; the node stays
        // where it is linked.
        let this = unsafe { self.get_unchecked_mut() };
        if !this.queued {
            if let Some(res) = this.semaphore.try_fast(this.num_permits) {
                coop.made_progress();
                return Poll::Ready(res);
            }
        }
        let res = ready!(this.semaphore.poll_acquire(
            &this.node,
            this.num_permits,
            &mut this.queued,
            cx.waker()
        ));
        coop.made_progress();
        Poll::Ready(res)
    }
}

impl Drop for Acquire<'_> {
    #[inline]
    fn drop(&mut self) {
        if self.queued {
            self.cancel();
        }
    }
}

impl Acquire<'_> {
    /// Protocol step 6 (the future is dropped while queued).
    fn cancel(&mut self) {
        let sem = self.semaphore;
        if self.node.data().load(Acquire) == 0 {
            // Every permit was assigned but never observed: pass them on.
            sem.release(self.num_permits);
            return;
        }
        let mut w = sem.waiters.lock();
        // SAFETY: our own node, alive; only ever linked in this list.
        unsafe { w.queue.remove(self.node.ptr()) };
        let acquired = self.num_permits - self.node.data().load(Acquire);
        // Also clears `WAITERS` if we were the last waiter.
        sem.add_permits_locked(acquired, w);
    }
}

impl std::fmt::Debug for Acquire<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Acquire")
            .field("num_permits", &self.num_permits)
            .field("queued", &self.queued)
            .finish()
    }
}
