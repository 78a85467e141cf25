//! Internal building blocks shared by the primitives.

pub(crate) mod atomic_waker;
pub(crate) mod blocking;
pub(crate) mod linked_list;
pub(crate) mod wake_list;

use std::future::Future;
use std::pin::{pin, Pin};
use std::task::{ready, Context, Poll};

use crate::loom::sync::{Mutex, MutexGuard};
use linked_list::{GuardedList, LinkedList, Node};
use wake_list::WakeList;

/// Wakes every waiter linked in `list(&mut locked)` when called, in batches
/// of 32, releasing the lock between batches (and never waking under it).
///
/// Waiters that link themselves while the lock is released go to the (now
/// empty) main list and are not woken: the current waiters were moved into
/// a guarded list on this stack frame first (see [`LinkedList::take_all`]).
/// For each woken node, `mark` publishes the result into the node's data;
/// it runs under the lock after the waker was taken and is the last access
/// to the node. On unwind (a panicking waker) the remaining nodes are
/// marked without being woken, so that none keeps pointing at the guard.
pub(crate) fn wake_all_linked<'a, S, D>(
    mutex: &'a Mutex<S>,
    locked: MutexGuard<'a, S>,
    list: fn(&mut S) -> &mut LinkedList<D>,
    guard_data: D,
    mark: fn(&D),
) {
    struct Drain<'a, S, D> {
        mutex: &'a Mutex<S>,
        guarded: GuardedList<D>,
        list: fn(&mut S) -> &mut LinkedList<D>,
        mark: fn(&D),
        done: bool,
    }

    impl<S, D> Drop for Drain<'_, S, D> {
        fn drop(&mut self) {
            if self.done {
                return;
            }
            let mut locked = self.mutex.lock();
            let l = (self.list)(&mut locked);
            while let Some(node) = self.guarded.pop_front(l) {
                // SAFETY: the node was linked, hence alive; lock held; the
                // mark is the last access.
                unsafe {
                    drop(l.take_waker(node));
                    (self.mark)(node.as_ref().data());
                }
            }
        }
    }

    let mut locked = locked;
    let guard = pin!(Node::new(guard_data));
    // SAFETY: the guard is pinned on this frame and `Drain` (declared after
    // it, so dropped before it) empties the guarded list under the lock on
    // every exit path, including unwinding.
    let guarded = unsafe { list(&mut locked).take_all(guard.ptr()) };
    let mut drain = Drain {
        mutex,
        guarded,
        list,
        mark,
        done: false,
    };
    loop {
        let mut wakers = WakeList::new();
        while wakers.can_push() {
            let l = list(&mut locked);
            match drain.guarded.pop_front(l) {
                Some(node) => {
                    // SAFETY: the node was linked, hence alive; lock held.
                    let waker = unsafe { l.take_waker(node) };
                    // SAFETY: as above; this is the last access.
                    mark(unsafe { node.as_ref() }.data());
                    if let Some(waker) = waker {
                        wakers.push(waker);
                    }
                }
                None => {
                    drain.done = true;
                    break;
                }
            }
        }
        drop(locked);
        wakers.wake_all();
        if drain.done {
            return;
        }
        locked = mutex.lock();
    }
}

/// Runs a future under the cooperative budget: each poll consumes one unit
/// (given back if the poll is `Pending`), and a task whose budget is spent
/// yields before the inner future is polled.
#[derive(Debug)]
pub(crate) struct Cooperative<F> {
    inner: F,
}

pub(crate) fn cooperative<F: Future>(inner: F) -> Cooperative<F> {
    Cooperative { inner }
}

impl<F: Future> Future for Cooperative<F> {
    type Output = F::Output;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<F::Output> {
        let coop = ready!(rt_task::coop::poll_proceed(cx));
        // SAFETY: structural pinning of the only field, never moved out.
        let inner = unsafe { self.map_unchecked_mut(|s| &mut s.inner) };
        let out = ready!(inner.poll(cx));
        coop.made_progress();
        Poll::Ready(out)
    }
}
