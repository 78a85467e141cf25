//! An intrusive, doubly linked list of waiters.
//!
//! Waiting futures (`Acquire`, `Notified`, broadcast `Recv`) embed a [`Node`]
//! and link it into a list owned by the primitive, so that waiting allocates
//! nothing. The protocol every user of this module follows:
//!
//! 1. A list lives inside a mutex (`crate::loom::sync::Mutex`). Every method
//!    that reads or writes links or a node's waker takes `&mut LinkedList`,
//!    i.e. is called with that mutex held. This is what makes the
//!    non-atomic fields of a node safe to touch from several threads.
//! 2. A node is linked only while its future is pinned (the future is
//!    `!Unpin` through `PhantomPinned`), so its address is stable.
//! 3. A future whose node may be linked removes it, under the mutex, before
//!    it is dropped ([`LinkedList::remove`] is a no-op for an unlinked node).
//!    Hence every linked node is alive: that is the list invariant, and it is
//!    what makes dereferencing the pointers in this module sound.
//! 4. Whoever pops a node and hands it a result (permits, a notification)
//!    takes the node's waker *first*, publishes the result in the node's
//!    atomic data *last*, with `Release`, and never touches the node again.
//!    The owner reads that atomic with `Acquire` without the lock; once it
//!    sees the result it knows the node is unlinked and nobody else holds a
//!    pointer to it, so it may be dropped without locking.
//!
//! A *guarded* list ([`LinkedList::take_all`]) moves every node into a
//! circular list closed by a guard node that lives on the stack of the
//! caller (`notify_waiters`, broadcast `send`). The caller can then drop the
//! mutex between batches of wake-ups without new waiters mixing in. Nodes in
//! a guarded list always have both neighbours set, so [`LinkedList::remove`]
//! called on the original list unlinks them correctly: it only touches the
//! neighbours, never the head or tail of the original list.

use std::marker::PhantomPinned;
use std::ptr::NonNull;
use std::task::Waker;

use crate::loom::cell::UnsafeCell;

/// Link pointers of a node.
struct Links<D> {
    prev: Option<NonNull<Node<D>>>,
    next: Option<NonNull<Node<D>>>,
}

/// A list node, embedded in a (pinned) waiting future.
///
/// `data` is shared with whoever holds the list lock and must be `Sync`
/// (it holds the atomics through which results are handed over); the links
/// and the waker are only accessed with the list lock held.
pub(crate) struct Node<D> {
    links: UnsafeCell<Links<D>>,
    waker: UnsafeCell<Option<Waker>>,
    data: D,
    _pin: PhantomPinned,
}

// SAFETY: `links` and `waker` are only accessed with the list lock held
// (see the module protocol), `Waker` is `Send + Sync`, and `data` is shared
// between threads only as `&D`, which needs `D: Sync`.
unsafe impl<D: Send + Sync> Send for Node<D> {}
// SAFETY: as above: all shared access to non-`Sync` fields is serialized by
// the list lock.
unsafe impl<D: Send + Sync> Sync for Node<D> {}

impl<D> Node<D> {
    pub(crate) fn new(data: D) -> Node<D> {
        Node {
            links: UnsafeCell::new(Links {
                prev: None,
                next: None,
            }),
            waker: UnsafeCell::new(None),
            data,
            _pin: PhantomPinned,
        }
    }

    /// The data shared with the list owner.
    #[inline]
    pub(crate) fn data(&self) -> &D {
        &self.data
    }

    /// A pointer to this node, for linking or lookups.
    #[inline]
    pub(crate) fn ptr(&self) -> NonNull<Node<D>> {
        NonNull::from(self)
    }
}

impl<D: std::fmt::Debug> std::fmt::Debug for Node<D> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Node").field("data", &self.data).finish()
    }
}

/// The list: head is the oldest node, tail the newest.
pub(crate) struct LinkedList<D> {
    head: Option<NonNull<Node<D>>>,
    tail: Option<NonNull<Node<D>>>,
}

// SAFETY: the list only stores pointers to nodes that are `Send + Sync`
// (see above); it is always kept inside a mutex, which serializes access.
unsafe impl<D: Send + Sync> Send for LinkedList<D> {}
// SAFETY: as above.
unsafe impl<D: Send + Sync> Sync for LinkedList<D> {}

impl<D> std::fmt::Debug for LinkedList<D> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LinkedList")
            .field("empty", &self.is_empty())
            .finish()
    }
}

// Raw link accessors. Callers hold the list lock and `node` is alive.
#[inline]
unsafe fn prev<D>(node: NonNull<Node<D>>) -> Option<NonNull<Node<D>>> {
    // SAFETY: the caller guarantees the node is alive and the lock is held.
    unsafe { node.as_ref().links.with(|l| (*l).prev) }
}
#[inline]
unsafe fn next<D>(node: NonNull<Node<D>>) -> Option<NonNull<Node<D>>> {
    // SAFETY: the caller guarantees the node is alive and the lock is held.
    unsafe { node.as_ref().links.with(|l| (*l).next) }
}
#[inline]
unsafe fn set_prev<D>(node: NonNull<Node<D>>, p: Option<NonNull<Node<D>>>) {
    // SAFETY: the caller guarantees the node is alive and the lock is held.
    unsafe { node.as_ref().links.with_mut(|l| (*l).prev = p) }
}
#[inline]
unsafe fn set_next<D>(node: NonNull<Node<D>>, n: Option<NonNull<Node<D>>>) {
    // SAFETY: the caller guarantees the node is alive and the lock is held.
    unsafe { node.as_ref().links.with_mut(|l| (*l).next = n) }
}

impl<D> LinkedList<D> {
    pub(crate) const fn new() -> LinkedList<D> {
        LinkedList {
            head: None,
            tail: None,
        }
    }

    #[inline]
    pub(crate) fn is_empty(&self) -> bool {
        self.head.is_none()
    }

    /// Links `node` as the newest element.
    ///
    /// # Safety
    ///
    /// `node` must be pinned, currently unlinked, and must be removed from
    /// the list (or popped) before it is moved or dropped.
    pub(crate) unsafe fn push_back(&mut self, node: NonNull<Node<D>>) {
        // SAFETY: `node` is alive (caller) and every linked node is alive
        // (list invariant); `&mut self` means the lock is held.
        unsafe {
            debug_assert!(prev(node).is_none() && next(node).is_none());
            set_prev(node, self.tail);
            set_next(node, None);
            match self.tail {
                Some(t) => set_next(t, Some(node)),
                None => self.head = Some(node),
            }
        }
        self.tail = Some(node);
    }

    /// The oldest node.
    #[inline]
    pub(crate) fn front(&self) -> Option<NonNull<Node<D>>> {
        self.head
    }

    /// Unlinks and returns the oldest node.
    pub(crate) fn pop_front(&mut self) -> Option<NonNull<Node<D>>> {
        let node = self.head?;
        // SAFETY: linked nodes are alive (list invariant); the lock is held.
        unsafe {
            self.head = next(node);
            match self.head {
                Some(h) => set_prev(h, None),
                None => self.tail = None,
            }
            set_next(node, None);
            set_prev(node, None);
        }
        Some(node)
    }

    /// Unlinks and returns the newest node.
    pub(crate) fn pop_back(&mut self) -> Option<NonNull<Node<D>>> {
        let node = self.tail?;
        // SAFETY: linked nodes are alive (list invariant); the lock is held.
        unsafe {
            self.tail = prev(node);
            match self.tail {
                Some(t) => set_next(t, None),
                None => self.head = None,
            }
            set_next(node, None);
            set_prev(node, None);
        }
        Some(node)
    }

    /// Unlinks `node` if it is linked, in this list or in a guarded list
    /// taken from it. Returns whether it was linked.
    ///
    /// # Safety
    ///
    /// `node` must be alive, and must not be linked in any list other than
    /// this one or a guarded list taken from it.
    pub(crate) unsafe fn remove(&mut self, node: NonNull<Node<D>>) -> bool {
        // SAFETY: `node` is alive (caller); its neighbours are linked, hence
        // alive (list invariant); the lock is held (`&mut self`).
        unsafe {
            let p = prev(node);
            let n = next(node);
            if p.is_none() && self.head != Some(node) {
                // Not linked anywhere: a node in a guarded list always has a
                // predecessor, and an unlinked node has none.
                debug_assert!(n.is_none());
                return false;
            }
            match p {
                Some(p) => set_next(p, n),
                None => self.head = n,
            }
            match n {
                Some(n) => set_prev(n, p),
                None => {
                    debug_assert!(self.tail == Some(node));
                    self.tail = p;
                }
            }
            set_prev(node, None);
            set_next(node, None);
        }
        true
    }

    /// Replaces the waker stored in `node` by `waker`'s, unless it would
    /// wake the same task. Returns the old waker, to be dropped after
    /// unlocking.
    ///
    /// # Safety
    ///
    /// `node` must be alive.
    pub(crate) unsafe fn set_waker(
        &mut self,
        node: NonNull<Node<D>>,
        waker: Option<&Waker>,
    ) -> Option<Waker> {
        // SAFETY: the node is alive (caller) and its waker is only accessed
        // with the list lock held (`&mut self`).
        unsafe {
            node.as_ref().waker.with_mut(|w| match (&mut *w, waker) {
                (Some(old), Some(new)) if old.will_wake(new) => None,
                (slot, new) => std::mem::replace(slot, new.cloned()),
            })
        }
    }

    /// Takes the waker out of `node`.
    ///
    /// # Safety
    ///
    /// `node` must be alive.
    pub(crate) unsafe fn take_waker(&mut self, node: NonNull<Node<D>>) -> Option<Waker> {
        // SAFETY: as in `set_waker`.
        unsafe { node.as_ref().waker.with_mut(|w| (*w).take()) }
    }

    /// Moves every node into a circular list closed by `guard`, leaving this
    /// list empty.
    ///
    /// # Safety
    ///
    /// `guard` must be pinned and unlinked, must not be handed to any other
    /// list, and the returned list must be drained (under this list's lock)
    /// before `guard` is moved or dropped.
    pub(crate) unsafe fn take_all(&mut self, guard: NonNull<Node<D>>) -> GuardedList<D> {
        // SAFETY: guard is alive (caller); linked nodes are alive; the lock
        // is held.
        unsafe {
            match (self.head.take(), self.tail.take()) {
                (Some(head), Some(tail)) => {
                    set_next(guard, Some(head));
                    set_prev(head, Some(guard));
                    set_prev(guard, Some(tail));
                    set_next(tail, Some(guard));
                }
                _ => {
                    set_next(guard, Some(guard));
                    set_prev(guard, Some(guard));
                }
            }
        }
        GuardedList { guard }
    }
}

/// A circular list closed by a guard node; see [`LinkedList::take_all`].
///
/// Its methods take the original list to prove the lock is held.
pub(crate) struct GuardedList<D> {
    guard: NonNull<Node<D>>,
}

impl<D> GuardedList<D> {
    /// Unlinks and returns the oldest node.
    pub(crate) fn pop_front(&mut self, _locked: &mut LinkedList<D>) -> Option<NonNull<Node<D>>> {
        // SAFETY: the guard outlives this list (contract of `take_all`),
        // linked nodes are alive, and `_locked` proves the lock is held.
        unsafe {
            let first = next(self.guard).expect("guarded lists are circular");
            if first == self.guard {
                return None;
            }
            let after = next(first).expect("guarded lists are circular");
            set_next(self.guard, Some(after));
            set_prev(after, Some(self.guard));
            set_prev(first, None);
            set_next(first, None);
            Some(first)
        }
    }
}

#[cfg(all(test, not(rt_loom)))]
mod tests {
    use super::*;
    use std::pin::pin;

    #[test]
    fn push_pop_remove_and_guarded() {
        let a = pin!(Node::new(1u32));
        let b = pin!(Node::new(2u32));
        let c = pin!(Node::new(3u32));
        let mut list = LinkedList::new();
        // SAFETY: the nodes are pinned on this stack frame and the list is
        // emptied before the end of the test.
        unsafe {
            list.push_back(a.ptr());
            list.push_back(b.ptr());
            list.push_back(c.ptr());
            assert!(list.remove(b.ptr()));
            assert!(!list.remove(b.ptr()));
        }
        let popped = list.pop_front().unwrap();
        // SAFETY: the node is alive (pinned above).
        assert_eq!(unsafe { *popped.as_ref().data() }, 1);
        let popped = list.pop_back().unwrap();
        // SAFETY: as above.
        assert_eq!(unsafe { *popped.as_ref().data() }, 3);
        assert!(list.is_empty());

        // SAFETY: as above; the guard is pinned and drained below.
        unsafe {
            list.push_back(a.ptr());
            list.push_back(b.ptr());
            list.push_back(c.ptr());
        }
        let guard = pin!(Node::new(0u32));
        // SAFETY: the guard is pinned and the guarded list is drained before
        // it goes out of scope.
        let mut g = unsafe { list.take_all(guard.ptr()) };
        assert!(list.is_empty());
        // SAFETY: b is in the guarded list taken from `list`.
        assert!(unsafe { list.remove(b.ptr()) });
        let x = g.pop_front(&mut list).unwrap();
        // SAFETY: alive.
        assert_eq!(unsafe { *x.as_ref().data() }, 1);
        let x = g.pop_front(&mut list).unwrap();
        // SAFETY: alive.
        assert_eq!(unsafe { *x.as_ref().data() }, 3);
        assert!(g.pop_front(&mut list).is_none());
    }
}
