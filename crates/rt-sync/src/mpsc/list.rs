//! The mpsc message queue: an unbounded, lock-free, multi-producer,
//! single-consumer FIFO made of a linked list of fixed-size blocks.
//!
//! # Layout
//!
//! Messages get consecutive indices. Block `b` holds the [`BLOCK_CAP`]
//! slots `b.start .. b.start + BLOCK_CAP` (`start` is a multiple of
//! `BLOCK_CAP`), a `ready` bit per slot, and a `next` pointer. Senders share
//! `tail_index` (the next index to hand out) and `block_tail` (a block at or
//! before the one holding `tail_index`). The receiver alone owns `head`
//! (the block holding its `index`, or an earlier one), `index` (the next
//! message to read) and `free_head` (the oldest block not yet freed).
//!
//! # Protocol
//!
//! * **Push**: `i = tail_index.fetch_add(1)` claims slot `i`. Starting at
//!   `block_tail`, walk `next` pointers to the block holding `i`, appending
//!   a new block with a CAS on `next` where the list ends (a sender that
//!   loses the CAS frees its block and follows the winner's). Write the
//!   value into the slot, then set its `ready` bit (`Release`).
//! * **Advancing `block_tail`**: a sender walking past block `b` whose slots
//!   are all written (so no sender still needs to find `b` for its own
//!   slot, and `block_tail` never passes a block a sender is looking for)
//!   CASes `block_tail` from `b` to `b.next`, if it still points at `b`.
//!   A sender stops trying after a failed attempt. The winner
//!   *releases* `b`: it records `observed_tail = tail_index` read by an RMW,
//!   then sets `b`'s `RELEASED` bit (`Release`). Every sender that may still
//!   hold a pointer to `b` (it read `block_tail == b`) claimed its index
//!   before that RMW, so its index is below `observed_tail`. (Were the
//!   sender's `fetch_add` later in `tail_index`'s order, the releaser's CAS
//!   would happen-before the sender's load of `block_tail`, which could then
//!   not return `b`.)
//! * **Pop**: move `head` forward (through `next`, `Acquire`) to the block
//!   holding `index`; if the slot's `ready` bit is set (`Acquire`), read the
//!   value and bump `index`. Otherwise the queue is empty *or* a sender has
//!   claimed the slot and not finished writing it: pop reports which
//!   ([`Pop::Empty`] or [`Pop::Busy`]), never blocks, and never skips.
//! * **Waking the receiver** (`chan.rs`) may skip every RMW when no waker is
//!   registered (`AtomicWaker::wake_if_registered`). That needs the message
//!   to be published by `SeqCst` operations and found by `SeqCst` loads: the
//!   `ready` RMW, the `next` CASes and the loads of `next` on the way to a
//!   slot (by senders and by the receiver) and of `ready` by the receiver
//!   are `SeqCst`. (On x86 this costs nothing: RMWs are locked anyway and
//!   `SeqCst` loads are plain loads.)
//! * **Freeing**: blocks before `head` are freed in order once `RELEASED`
//!   (`Acquire`) and `observed_tail <= index`: every sender that could
//!   still touch the block then has had its message read, so it is done
//!   with the block. Such a block is reset and appended after the last
//!   block for reuse (a CAS on the last `next`, a few tries), or freed.
//!   Blocks never reclaimed this way are freed when the queue is dropped
//!   (no sender or receiver left).

use std::mem::MaybeUninit;
use std::ptr;

use crate::loom::cell::UnsafeCell;
use crate::loom::sync::atomic::{AtomicPtr, AtomicUsize, Ordering::*};

/// Slots per block (small under loom, to exercise block boundaries).
#[cfg(not(rt_loom))]
const BLOCK_CAP: usize = if usize::BITS >= 64 { 32 } else { 16 };
#[cfg(rt_loom)]
const BLOCK_CAP: usize = 2;

const SLOT_MASK: usize = BLOCK_CAP - 1;
/// Every slot of the block is written.
const ALL_READY: usize = (1 << BLOCK_CAP) - 1;
/// Set in `ready` once `block_tail` moved past the block.
const RELEASED: usize = 1 << BLOCK_CAP;

struct Block<T> {
    start: usize,
    next: AtomicPtr<Block<T>>,
    ready: AtomicUsize,
    /// `tail_index` when the block was released; written before
    /// `RELEASED` is published, read after it is observed.
    observed_tail: UnsafeCell<usize>,
    slots: [UnsafeCell<MaybeUninit<T>>; BLOCK_CAP],
}

impl<T> Block<T> {
    fn alloc(start: usize) -> *mut Block<T> {
        Box::into_raw(Box::new(Block {
            start,
            next: AtomicPtr::new(ptr::null_mut()),
            ready: AtomicUsize::new(0),
            observed_tail: UnsafeCell::new(0),
            slots: std::array::from_fn(|_| UnsafeCell::new(MaybeUninit::uninit())),
        }))
    }
}

/// Pads a field to its own cache lines (senders and the receiver write
/// different fields).
#[repr(align(128))]
struct Padded<T>(T);

struct RxState<T> {
    head: *mut Block<T>,
    free_head: *mut Block<T>,
    index: usize,
}

/// The outcome of [`Queue::pop`] when no message is returned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Pop {
    /// No message has been claimed past the receiver's index.
    Empty,
    /// A sender claimed the next slot and is still writing it.
    Busy,
}

pub(crate) struct Queue<T> {
    tail_index: Padded<AtomicUsize>,
    block_tail: AtomicPtr<Block<T>>,
    rx: Padded<UnsafeCell<RxState<T>>>,
}

// SAFETY: values move from senders to the receiver (`T: Send`); the
// receiver state is only touched by the single consumer (`&mut` or the
// `pop`/`len` contract below); blocks are shared through atomics.
unsafe impl<T: Send> Send for Queue<T> {}
// SAFETY: as above.
unsafe impl<T: Send> Sync for Queue<T> {}

impl<T> Queue<T> {
    pub(crate) fn new() -> Queue<T> {
        let first = Block::alloc(0);
        Queue {
            tail_index: Padded(AtomicUsize::new(0)),
            block_tail: AtomicPtr::new(first),
            rx: Padded(UnsafeCell::new(RxState {
                head: first,
                free_head: first,
                index: 0,
            })),
        }
    }

    /// Appends `value`. Any number of threads may push concurrently.
    pub(crate) fn push(&self, value: T) {
        let index = self.tail_index.0.fetch_add(1, Acquire);
        let block = self.find_block(index & !SLOT_MASK);
        let slot = index & SLOT_MASK;
        // SAFETY: `find_block` returned a live block (it cannot be freed
        // before our slot is read), and slot `index` belongs to us alone
        // until its ready bit is set.
        unsafe {
            (*block).slots[slot].with_mut(|p| (*p).write(value));
            (*block).ready.fetch_or(1 << slot, SeqCst);
        }
    }

    /// The block starting at `start`, appending blocks as needed.
    fn find_block(&self, start: usize) -> *mut Block<T> {
        let mut block = self.block_tail.load(Acquire);
        let mut may_advance = true;
        loop {
            // SAFETY: `block` is reachable from `block_tail` as read after
            // our index was claimed, so it is not freed (protocol above).
            let b = unsafe { &*block };
            if b.start == start {
                return block;
            }
            let next = self.next_block(b);
            if may_advance {
                may_advance = b.ready.load(Acquire) & ALL_READY == ALL_READY
                    && self
                        .block_tail
                        .compare_exchange(block, next, Release, Relaxed)
                        .is_ok();
                if may_advance {
                    // Every sender still holding `block` claimed its index
                    // before this RMW (see the protocol).
                    let observed = self.tail_index.0.fetch_add(0, AcqRel);
                    // SAFETY: only the sender that moved `block_tail` off
                    // this block writes the field, before publishing it.
                    b.observed_tail.with_mut(|p| unsafe { *p = observed });
                    b.ready.fetch_or(RELEASED, Release);
                }
            }
            block = next;
        }
    }

    /// `b.next`, appended if missing.
    fn next_block(&self, b: &Block<T>) -> *mut Block<T> {
        let next = b.next.load(SeqCst);
        if !next.is_null() {
            return next;
        }
        let new = Block::alloc(b.start.wrapping_add(BLOCK_CAP));
        match b
            .next
            .compare_exchange(ptr::null_mut(), new, SeqCst, SeqCst)
        {
            Ok(_) => new,
            Err(actual) => {
                // SAFETY: `new` was never shared.
                drop(unsafe { Box::from_raw(new) });
                actual
            }
        }
    }

    /// Takes the next message.
    ///
    /// # Safety
    ///
    /// Only the single consumer calls this (never concurrently with itself
    /// or [`Queue::len`] on another thread).
    pub(crate) unsafe fn pop(&self) -> Result<T, Pop> {
        // SAFETY: the caller is the single consumer.
        self.rx.0.with_mut(|rx| unsafe { self.pop_rx(&mut *rx) })
    }

    /// # Safety
    ///
    /// `rx` is the receiver state, owned by the caller.
    unsafe fn pop_rx(&self, rx: &mut RxState<T>) -> Result<T, Pop> {
        let start = rx.index & !SLOT_MASK;
        // SAFETY (whole function): blocks from `free_head` on are not freed
        // by anyone but us.
        unsafe {
            while (*rx.head).start != start {
                let next = (*rx.head).next.load(SeqCst);
                if next.is_null() {
                    return Err(self.empty_or_busy(rx.index));
                }
                rx.head = next;
            }
            self.reclaim(rx);
            let block = &*rx.head;
            let slot = rx.index & SLOT_MASK;
            if block.ready.load(SeqCst) & (1 << slot) == 0 {
                return Err(self.empty_or_busy(rx.index));
            }
            let value = block.slots[slot].with(|p| (*p).assume_init_read());
            rx.index += 1;
            Ok(value)
        }
    }

    fn empty_or_busy(&self, index: usize) -> Pop {
        if self.tail_index.0.load(Acquire) == index {
            Pop::Empty
        } else {
            Pop::Busy
        }
    }

    /// Frees the blocks before `head` that no sender can touch any more.
    ///
    /// # Safety
    ///
    /// `rx` is the receiver state, owned by the caller.
    unsafe fn reclaim(&self, rx: &mut RxState<T>) {
        while rx.free_head != rx.head {
            // SAFETY: not freed yet; only we free blocks.
            let block = unsafe { &*rx.free_head };
            if block.ready.load(Acquire) & RELEASED == 0 {
                return;
            }
            // SAFETY: `RELEASED` was observed with `Acquire`, so the field
            // is written and never written again.
            let observed = block.observed_tail.with(|p| unsafe { *p });
            if observed > rx.index {
                return;
            }
            let next = block.next.load(Acquire);
            let freed = rx.free_head;
            rx.free_head = next;
            // SAFETY: released, and every sender that could hold a pointer
            // to it had its message read: nobody touches it any more. All
            // its values were read (it is before `head`).
            unsafe { self.recycle(freed) };
        }
    }

    /// Appends a block nobody uses any more after the last block, for
    /// reuse, or frees it if the list keeps growing under us.
    ///
    /// # Safety
    ///
    /// The caller owns `block` exclusively, and it holds no value.
    unsafe fn recycle(&self, block: *mut Block<T>) {
        // SAFETY (whole function): we own `block`; blocks from `block_tail`
        // on are never freed (only released blocks, all before it, are),
        // and this thread is the one that frees blocks.
        unsafe {
            (*block).next.store(ptr::null_mut(), Relaxed);
            (*block).ready.store(0, Relaxed);
            let mut last = self.block_tail.load(Acquire);
            for _ in 0..3 {
                // Published (with the resets above) by the `Release` CAS.
                ptr::addr_of_mut!((*block).start).write((*last).start.wrapping_add(BLOCK_CAP));
                match (*last)
                    .next
                    .compare_exchange(ptr::null_mut(), block, SeqCst, SeqCst)
                {
                    Ok(_) => return,
                    Err(next) => last = next,
                }
            }
            drop(Box::from_raw(block));
        }
    }

    /// The number of claimed slots not yet read (including messages still
    /// being written).
    ///
    /// # Safety
    ///
    /// Not called concurrently with [`Queue::pop`].
    pub(crate) unsafe fn len(&self) -> usize {
        // SAFETY: no concurrent `pop` (the caller's contract).
        let index = self.rx.0.with(|rx| unsafe { (*rx).index });
        self.tail_index.0.load(Acquire).wrapping_sub(index)
    }
}

impl<T> Drop for Queue<T> {
    fn drop(&mut self) {
        // No sender or receiver is left: drop unread values, then every
        // block from `free_head` on.
        // SAFETY: `&mut self`: we are the only user.
        unsafe {
            while self.pop().is_ok() {}
            let mut block = self.rx.0.with(|rx| (*rx).free_head);
            while !block.is_null() {
                let next = (*block).next.load(Relaxed);
                drop(Box::from_raw(block));
                block = next;
            }
        }
    }
}
