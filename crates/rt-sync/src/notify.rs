//! `Notify`: wakes one task, the newest task, or all current waiters.
//!
//! # State
//!
//! `state: AtomicUsize` packs two things:
//!
//! * bits 0-1: `EMPTY` (no permit, no waiter), `WAITING` (the waiter list is
//!   non-empty), or `NOTIFIED` (one stored permit, no waiter);
//! * bits 2..: the number of `notify_waiters` calls so far (wrapping).
//!
//! Waiters are nodes in an intrusive list (under `waiters`) embedded in the
//! `Notified` futures; each node carries an atomic `notification`
//! (`NONE`, `ONE` from `notify_one`, `LAST` from `notify_last`, `ALL` from
//! `notify_waiters`).
//!
//! # Protocol
//!
//! * `notify_one`/`notify_last`: while the state is not `WAITING`, CAS it
//!   to `NOTIFIED` (at most one permit is stored) without locking.
//!   Otherwise lock and, since `WAITING` can only be left under the lock,
//!   pop the oldest (or newest) waiter, take its waker, reset the state to
//!   `EMPTY` if the list emptied, store the notification into the node
//!   (`Release`, last access) and wake it after unlocking.
//! * `Notified` records the `notify_waiters` count when it is created. Its
//!   first poll (or `enable`) consumes a `NOTIFIED` permit by CAS; otherwise
//!   under the lock it completes if the count moved, consumes a permit, or
//!   sets `WAITING` and links its node. Later polls complete once the
//!   node's notification is set (read with `Acquire`, no lock).
//! * `notify_waiters`: under the lock bump the count (so every `Notified`
//!   created earlier but not yet linked completes when polled), reset
//!   `WAITING` to `EMPTY`, and move all linked waiters into a guarded list
//!   on the stack; then wake them in batches of 32, dropping the lock
//!   between batches. Waiters that arrive meanwhile go to the (new) main
//!   list and are untouched. A waiter polled while still in the guarded
//!   list sees the count moved and unlinks itself. No permit is stored.
//! * Dropping a `Notified` that was handed a `notify_one`/`notify_last`
//!   notification it never returned forwards it (to the next waiter or as
//!   the stored permit), so a notification is never lost to cancellation.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll, Waker};

use crate::loom::sync::atomic::{AtomicUsize, Ordering::*};
use crate::loom::sync::{Mutex, MutexGuard};
use crate::util::linked_list::{LinkedList, Node};
use crate::util::wake_all_linked;

const EMPTY: usize = 0;
const WAITING: usize = 1;
const NOTIFIED: usize = 2;
const STATE_MASK: usize = 0b11;
const CALLS_SHIFT: usize = 2;

const NOTIFICATION_NONE: usize = 0;
const NOTIFICATION_ONE: usize = 1;
const NOTIFICATION_LAST: usize = 2;
const NOTIFICATION_ALL: usize = 3;

#[inline]
fn get_state(v: usize) -> usize {
    v & STATE_MASK
}
#[inline]
fn set_state(v: usize, s: usize) -> usize {
    (v & !STATE_MASK) | s
}
#[inline]
fn get_calls(v: usize) -> usize {
    v >> CALLS_SHIFT
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Strategy {
    Fifo,
    Lifo,
}

type WaitList = LinkedList<AtomicUsize>;

/// Notifies a single task to wake up.
///
/// `Notify` provides a basic mechanism to notify a single task of an event.
/// `Notify` itself does not carry any data. Instead, it is to be used to
/// signal another task to perform an operation.
///
/// A `Notify` can be thought of as a [`Semaphore`](crate::Semaphore)
/// starting with 0 permits. The [`notified().await`](Notify::notified)
/// method waits for a permit to become available, and
/// [`notify_one()`](Notify::notify_one) sets a permit **if there currently
/// are no available permits**.
///
/// If `notify_one()` is called before `notified().await`, then the next call
/// to `notified().await` will complete immediately, consuming the permit.
/// Any subsequent calls to `notified().await` will wait for a new permit. If
/// `notify_one()` is called multiple times before `notified().await`, only a
/// **single** permit is stored.
///
/// [`notify_waiters()`](Notify::notify_waiters) wakes every task waiting
/// right now (and every [`Notified`] created before the call) and stores no
/// permit.
///
/// # Examples
///
/// ```
/// use rt_sync::Notify;
///
/// let notify = Notify::new();
/// notify.notify_one();
/// // The permit was stored: this completes immediately.
/// futures::executor::block_on(notify.notified());
/// ```
pub struct Notify {
    state: AtomicUsize,
    waiters: Mutex<WaitList>,
}

impl Notify {
    /// Creates a new `Notify`, initialized without a permit.
    pub fn new() -> Notify {
        Notify {
            state: AtomicUsize::new(EMPTY),
            waiters: Mutex::new(LinkedList::new()),
        }
    }

    /// Creates a new `Notify`, initialized without a permit, usable in a
    /// `static`.
    #[cfg(not(rt_loom))]
    pub const fn const_new() -> Notify {
        Notify {
            state: AtomicUsize::new(EMPTY),
            waiters: Mutex::new(LinkedList::new()),
        }
    }

    /// Waits for a notification.
    ///
    /// Each `Notify` value holds a single permit. If a permit is available
    /// from an earlier call to [`notify_one()`](Notify::notify_one), then
    /// `notified().await` will complete immediately, consuming that permit.
    /// Otherwise, `notified().await` waits for a permit to be made available
    /// by the next call to `notify_one()`.
    ///
    /// The `Notified` future is not guaranteed to receive wakeups from calls
    /// to `notify_one()` if it has not yet been polled (see
    /// [`Notified::enable`]). It is guaranteed to receive wakeups from calls
    /// to `notify_waiters()` made after its creation.
    ///
    /// # Cancel safety
    ///
    /// This method uses a queue to fairly distribute notifications in the
    /// order they were requested. Cancelling a call to `notified` makes you
    /// lose your place in the queue; a `notify_one` notification it had
    /// already received is passed on.
    pub fn notified(&self) -> Notified<'_> {
        Notified {
            inner: NotifiedInner::new(self),
        }
    }

    /// Waits for a notification, with an owned handle to the `Notify`.
    ///
    /// Same as [`notified`](Notify::notified) but the returned future holds
    /// an `Arc` and so is `'static`.
    pub fn notified_owned(self: Arc<Self>) -> OwnedNotified {
        OwnedNotified {
            inner: NotifiedInner::new(self),
        }
    }

    /// Notifies the first waiting task.
    ///
    /// If a task is currently waiting, that task is notified. Otherwise, a
    /// permit is stored in this `Notify` value and the **next** call to
    /// `notified().await` will complete immediately consuming the permit.
    /// At most one permit may be stored.
    pub fn notify_one(&self) {
        self.notify_with(Strategy::Fifo);
    }

    /// Notifies the last (most recently added) waiting task.
    ///
    /// If there is no waiting task, a permit is stored as by
    /// [`notify_one`](Notify::notify_one).
    pub fn notify_last(&self) {
        self.notify_with(Strategy::Lifo);
    }

    fn notify_with(&self, strategy: Strategy) {
        let mut cur = self.state.load(SeqCst);
        while get_state(cur) != WAITING {
            match self
                .state
                .compare_exchange(cur, set_state(cur, NOTIFIED), SeqCst, SeqCst)
            {
                Ok(_) => return,
                Err(actual) => cur = actual,
            }
        }
        let mut w = self.waiters.lock();
        let cur = self.state.load(SeqCst);
        if let Some(waker) = notify_locked(&mut w, &self.state, cur, strategy) {
            drop(w);
            waker.wake();
        }
    }

    /// Notifies all waiting tasks.
    ///
    /// Every task waiting right now, and every [`Notified`] future created
    /// before this call (even if not yet polled), is notified. No permit is
    /// stored: a `notified()` future created after this call waits for the
    /// next notification.
    pub fn notify_waiters(&self) {
        let w = self.waiters.lock();
        let cur = self.state.load(SeqCst);
        if get_state(cur) != WAITING {
            // Nobody is linked: bumping the count completes the futures
            // created before this call when they are first polled.
            self.state.fetch_add(1 << CALLS_SHIFT, SeqCst);
            return;
        }
        // Only `WAITING` to `EMPTY` transitions happen under this lock, so a
        // plain store cannot clobber a concurrent change.
        self.state
            .store(set_state(cur, EMPTY).wrapping_add(1 << CALLS_SHIFT), SeqCst);

        wake_all_linked(
            &self.waiters,
            w,
            |l| l,
            AtomicUsize::new(NOTIFICATION_NONE),
            |n| n.store(NOTIFICATION_ALL, Release),
        );
    }
}

/// With the lock held: hand a `notify_one`/`notify_last` notification to a
/// waiter (returning its waker) or store the permit.
fn notify_locked(
    list: &mut MutexGuard<'_, WaitList>,
    state: &AtomicUsize,
    mut cur: usize,
    strategy: Strategy,
) -> Option<Waker> {
    loop {
        match get_state(cur) {
            WAITING => {
                let node = match strategy {
                    Strategy::Fifo => list.pop_front(),
                    Strategy::Lifo => list.pop_back(),
                }
                .expect("WAITING implies a linked waiter");
                // SAFETY: the node was linked, hence alive; lock held.
                let waker = unsafe { list.take_waker(node) };
                if list.is_empty() {
                    state.store(set_state(cur, EMPTY), SeqCst);
                }
                let n = match strategy {
                    Strategy::Fifo => NOTIFICATION_ONE,
                    Strategy::Lifo => NOTIFICATION_LAST,
                };
                // SAFETY: alive (see above); this store is the last access.
                unsafe { node.as_ref() }.data().store(n, Release);
                return waker;
            }
            _ => match state.compare_exchange(cur, set_state(cur, NOTIFIED), SeqCst, SeqCst) {
                Ok(_) => return None,
                Err(actual) => cur = actual,
            },
        }
    }
}

impl Default for Notify {
    fn default() -> Notify {
        Notify::new()
    }
}

impl std::fmt::Debug for Notify {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Notify")
            .field("state", &get_state(self.state.load(Relaxed)))
            .finish()
    }
}

impl std::panic::UnwindSafe for Notify {}
impl std::panic::RefUnwindSafe for Notify {}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum State {
    Init,
    Waiting,
    Done,
}

/// The shared implementation of [`Notified`] and [`OwnedNotified`].
struct NotifiedInner<N: std::ops::Deref<Target = Notify>> {
    notify: N,
    state: State,
    notify_waiters_calls: usize,
    waiter: Node<AtomicUsize>,
}

impl<N: std::ops::Deref<Target = Notify>> NotifiedInner<N> {
    fn new(notify: N) -> Self {
        let calls = get_calls(notify.state.load(SeqCst));
        NotifiedInner {
            notify,
            state: State::Init,
            notify_waiters_calls: calls,
            waiter: Node::new(AtomicUsize::new(NOTIFICATION_NONE)),
        }
    }

    /// Polls, registering `waker` if given (`None` is `enable`).
    fn poll_notified(self: Pin<&mut Self>, waker: Option<&Waker>) -> Poll<()> {
        // SAFETY: nothing is moved out; the node stays where it is linked.
        let this = unsafe { self.get_unchecked_mut() };
        let notify: &Notify = &this.notify;
        match this.state {
            State::Done => Poll::Ready(()),
            State::Init => {
                let cur = notify.state.load(SeqCst);
                if get_state(cur) == NOTIFIED
                    && notify
                        .state
                        .compare_exchange(cur, set_state(cur, EMPTY), SeqCst, SeqCst)
                        .is_ok()
                {
                    this.state = State::Done;
                    return Poll::Ready(());
                }
                let mut w = notify.waiters.lock();
                let mut cur = notify.state.load(SeqCst);
                if get_calls(cur) != this.notify_waiters_calls {
                    this.state = State::Done;
                    return Poll::Ready(());
                }
                loop {
                    match get_state(cur) {
                        EMPTY => match notify.state.compare_exchange(
                            cur,
                            set_state(cur, WAITING),
                            SeqCst,
                            SeqCst,
                        ) {
                            Ok(_) => break,
                            Err(actual) => cur = actual,
                        },
                        WAITING => break,
                        _ => match notify.state.compare_exchange(
                            cur,
                            set_state(cur, EMPTY),
                            SeqCst,
                            SeqCst,
                        ) {
                            Ok(_) => {
                                this.state = State::Done;
                                return Poll::Ready(());
                            }
                            Err(actual) => cur = actual,
                        },
                    }
                }
                // SAFETY: the node lives in this pinned future, which
                // unlinks it on drop; it is not linked yet; lock held.
                unsafe {
                    w.set_waker(this.waiter.ptr(), waker);
                    w.push_back(this.waiter.ptr());
                }
                this.state = State::Waiting;
                Poll::Pending
            }
            State::Waiting => {
                if this.waiter.data().load(Acquire) != NOTIFICATION_NONE {
                    this.state = State::Done;
                    return Poll::Ready(());
                }
                let mut w = notify.waiters.lock();
                if this.waiter.data().load(Acquire) != NOTIFICATION_NONE {
                    this.state = State::Done;
                    return Poll::Ready(());
                }
                if get_calls(notify.state.load(SeqCst)) != this.notify_waiters_calls {
                    // `notify_waiters` moved us into its guarded list and
                    // has not reached us yet: leave it and complete.
                    // SAFETY: our own node, in this Notify's (guarded) list.
                    unsafe { w.remove(this.waiter.ptr()) };
                    this.state = State::Done;
                    return Poll::Ready(());
                }
                if let Some(waker) = waker {
                    // SAFETY: our own node, alive; lock held.
                    let old = unsafe { w.set_waker(this.waiter.ptr(), Some(waker)) };
                    drop(w);
                    drop(old);
                }
                Poll::Pending
            }
        }
    }
}

impl<N: std::ops::Deref<Target = Notify>> Drop for NotifiedInner<N> {
    fn drop(&mut self) {
        if self.state != State::Waiting {
            return;
        }
        let notify: &Notify = &self.notify;
        if self.waiter.data().load(Acquire) == NOTIFICATION_ALL {
            return;
        }
        let mut w = notify.waiters.lock();
        // SAFETY: our own node, alive; only ever linked in this Notify's
        // list or a guarded list taken from it.
        unsafe { w.remove(self.waiter.ptr()) };
        let cur = notify.state.load(SeqCst);
        if w.is_empty() && get_state(cur) == WAITING {
            notify.state.store(set_state(cur, EMPTY), SeqCst);
        }
        let strategy = match self.waiter.data().load(Relaxed) {
            NOTIFICATION_ONE => Strategy::Fifo,
            NOTIFICATION_LAST => Strategy::Lifo,
            _ => return,
        };
        // We were handed a notification we never returned: forward it.
        let cur = notify.state.load(SeqCst);
        if let Some(waker) = notify_locked(&mut w, &notify.state, cur, strategy) {
            drop(w);
            waker.wake();
        }
    }
}

/// Future returned from [`Notify::notified()`].
///
/// This future is fused, so once it has completed, any future calls to poll
/// will immediately return `Poll::Ready`.
#[must_use = "futures do nothing unless you `.await` or poll them"]
pub struct Notified<'a> {
    inner: NotifiedInner<&'a Notify>,
}

/// Future returned from [`Notify::notified_owned()`].
///
/// Same as [`Notified`] but owns an `Arc<Notify>`.
#[must_use = "futures do nothing unless you `.await` or poll them"]
pub struct OwnedNotified {
    inner: NotifiedInner<Arc<Notify>>,
}

macro_rules! notified_impl {
    ([$($gen:tt)*] $ty:ty, $n:ty) => {
        impl<$($gen)*> $ty {
            /// Adds this future to the list of futures that are ready to
            /// receive wakeups from calls to `notify_one`.
            ///
            /// Polling the future also adds it to the list, so this method
            /// should only be used if you want to add the future to the list
            /// before the first call to `poll`. (In fact, this method is
            /// equivalent to calling `poll` except that no `Waker` is
            /// registered.)
            ///
            /// This has no effect on notifications sent using
            /// `notify_waiters`, which are received as long as they happen
            /// after the creation of the future.
            ///
            /// Returns `true` if the future is ready: `notify_waiters` was
            /// called since its creation, a stored permit was consumed, or
            /// it has already been notified.
            pub fn enable(self: Pin<&mut Self>) -> bool {
                self.project().poll_notified(None).is_ready()
            }

            fn project(self: Pin<&mut Self>) -> Pin<&mut NotifiedInner<$n>> {
                // SAFETY: structural pinning of the only field.
                unsafe { self.map_unchecked_mut(|s| &mut s.inner) }
            }
        }

        impl<$($gen)*> Future for $ty {
            type Output = ();

            fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
                self.project().poll_notified(Some(cx.waker()))
            }
        }

        impl<$($gen)*> std::fmt::Debug for $ty {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.debug_struct(stringify!($ty))
                    .field("state", &self.inner.state)
                    .finish()
            }
        }
    };
}

notified_impl!(['a] Notified<'a>, &'a Notify);
notified_impl!([] OwnedNotified, Arc<Notify>);
