//! The hierarchical timing wheel: 6 levels of 64 slots, 1 ms per tick at
//! level 0, so level `L` has slots of `64^L` ms and the wheel reaches
//! `64^6` ms (about 2.2 years; deadlines beyond [`MAX_DELTA`] are capped).
//!
//! # Invariants and why expiry is correct
//!
//! `elapsed` is the tick up to which the wheel has been processed. Every
//! linked entry has `when > elapsed` and sits in the level given by the most
//! significant 6-bit group in which `when` and `elapsed` differ (capped at 5),
//! in slot `(when >> 6·level) & 63`. Hence:
//!
//! 1. an entry of level `L < 5` shares every bit above group `L` with
//!    `elapsed`: it lies in `elapsed`'s current level-`(L+1)` window, in a
//!    slot strictly after `elapsed`'s own slot of level `L`;
//! 2. an entry of level 5 lies 1 to 63 top-level slots after `elapsed`'s
//!    (guaranteed by capping `when - elapsed` at [`MAX_DELTA`]), so the slot
//!    index modulo 64 is unambiguous;
//! 3. therefore every level-`L` entry is earlier than every level-`(L+1)`
//!    entry, and the earliest occupied slot is found by scanning levels from
//!    0 and, within a level, rotating the occupancy bitmap so that the bit
//!    after `elapsed`'s slot comes first (one `trailing_zeros`).
//!
//! Expiry takes the earliest slot while its start is `<= now`: it moves
//! `elapsed` to the slot's start, empties the slot, and files each entry
//! again relative to the new `elapsed`; an entry whose `when == elapsed` is
//! due and goes to the `pending` list, the others land in a lower level (they
//! are in `[start, start + 64^L)`, so they differ from `elapsed` only below
//! group `L`). Level-0 slots hold only due entries. Each entry therefore
//! moves at most 5 times before it fires, and processing looks only at
//! occupied slots. When no slot starts at or before `now`, `elapsed`
//! becomes `now`, which keeps the invariant (every remaining slot starts
//! after `now`, and a slot start is `<= when`).
//!
//! All methods that take an entry pointer are `unsafe`: the caller holds the
//! lock that owns this wheel and guarantees the entry stays valid (pinned in
//! its `Sleep`, not dropped) while it is linked.

use std::ptr::NonNull;

use crate::entry::{Entry, Links, Location};

/// Number of levels.
pub(crate) const LEVELS: usize = 6;
/// Slots per level.
pub(crate) const SLOTS: usize = 64;
const SLOT_BITS: usize = 6;
/// The furthest a deadline may lie after `elapsed`: 63 top-level slots
/// (~2.14 years). Later deadlines are filed at `elapsed + MAX_DELTA`.
pub(crate) const MAX_DELTA: u64 = (1 << 36) - (1 << 30);
/// How many entries `next_expiration` scans to find the exact earliest
/// deadline of a higher-level slot (sparing the driver a cascading wake-up).
const EXACT_SCAN: usize = 64;
/// The largest tick the driver ever computes (times are clamped to it), far
/// enough from `u64::MAX` that `MAX_TICK + MAX_DELTA` cannot overflow.
pub(crate) const MAX_TICK: u64 = 1 << 62;

/// Runs `f` on the links of `node`.
///
/// # Safety
/// `node` points to a live entry and the caller holds the lock of the wheel
/// that owns it (or the entry is not shared yet).
#[inline]
unsafe fn with_links<R>(node: NonNull<Entry>, f: impl FnOnce(&mut Links) -> R) -> R {
    // SAFETY: the caller guarantees `node` is live; only shared references
    // to an `Entry` ever exist, and `links` is an `UnsafeCell`.
    let entry = unsafe { node.as_ref() };
    // SAFETY: the caller holds the lock that serializes every access to
    // `links`, so this is the only reference to them for its duration.
    entry.links.with_mut(|p| f(unsafe { &mut *p }))
}

/// An intrusive doubly-linked list of entries.
#[derive(Debug)]
struct List {
    head: Option<NonNull<Entry>>,
}

impl List {
    const fn new() -> List {
        List { head: None }
    }

    fn is_empty(&self) -> bool {
        self.head.is_none()
    }

    /// # Safety
    /// `node` is live and in no list; see the module docs.
    unsafe fn push_front(&mut self, node: NonNull<Entry>) {
        let old = self.head;
        // SAFETY: forwarded from the caller.
        unsafe {
            with_links(node, |l| {
                l.prev = None;
                l.next = old;
            });
            if let Some(old) = old {
                with_links(old, |l| l.prev = Some(node));
            }
        }
        self.head = Some(node);
    }

    /// # Safety
    /// `node` is live and in this list.
    unsafe fn unlink(&mut self, node: NonNull<Entry>) {
        // SAFETY: forwarded from the caller; neighbours are live list members.
        unsafe {
            let (prev, next) = with_links(node, |l| (l.prev.take(), l.next.take()));
            match prev {
                Some(p) => with_links(p, |l| l.next = next),
                None => {
                    debug_assert_eq!(self.head, Some(node));
                    self.head = next;
                }
            }
            if let Some(n) = next {
                with_links(n, |l| l.prev = prev);
            }
        }
    }

    /// # Safety
    /// Every member of the list is live.
    unsafe fn pop_front(&mut self) -> Option<NonNull<Entry>> {
        let head = self.head?;
        // SAFETY: `head` is a live member of this list.
        unsafe { self.unlink(head) };
        Some(head)
    }
}

#[derive(Debug)]
struct Level {
    /// Bit `i` is set iff `slots[i]` is non-empty.
    occupied: u64,
    slots: [List; SLOTS],
}

/// One timing wheel (one per shard), owned by the shard's mutex.
#[derive(Debug)]
pub(crate) struct Wheel {
    elapsed: u64,
    levels: [Level; LEVELS],
    /// Entries that are due, popped one by one by [`Wheel::pop_expired`].
    pending: List,
}

// SAFETY: the wheel only holds pointers to entries, which are `Sync`, and it
// is only ever used behind its shard's mutex.
unsafe impl Send for Wheel {}

/// The level an entry due at `when` belongs to, seen from `elapsed`.
#[inline]
fn level_for(elapsed: u64, when: u64) -> usize {
    let masked = (elapsed ^ when) | (SLOTS as u64 - 1);
    let significant = 63 - masked.leading_zeros() as usize;
    (significant / SLOT_BITS).min(LEVELS - 1)
}

#[inline]
fn slot_for(when: u64, level: usize) -> usize {
    ((when >> (level * SLOT_BITS)) as usize) & (SLOTS - 1)
}

impl Default for Wheel {
    fn default() -> Self {
        Self::new()
    }
}

impl Wheel {
    /// An empty wheel at tick 0.
    pub(crate) const fn new() -> Wheel {
        const LEVEL: Level = Level {
            occupied: 0,
            slots: [const { List::new() }; SLOTS],
        };
        Wheel {
            elapsed: 0,
            levels: [LEVEL; LEVELS],
            pending: List::new(),
        }
    }

    /// The tick up to which the wheel has been processed.
    #[cfg(all(test, not(rt_loom)))]
    pub(crate) fn elapsed(&self) -> u64 {
        self.elapsed
    }

    /// Files `node` to fire at tick `when`. Returns the tick it was filed
    /// under (`when`, or less when capped at `elapsed + MAX_DELTA`), or
    /// `Err(())` when `when <= elapsed`: the entry is due now and was not
    /// linked.
    ///
    /// # Safety
    /// The caller holds this wheel's lock; `node` is live, in no list, and
    /// stays live and unmoved until it is removed or popped.
    pub(crate) unsafe fn insert(&mut self, node: NonNull<Entry>, when: u64) -> Result<u64, ()> {
        if when <= self.elapsed {
            return Err(());
        }
        let when = when.min(self.elapsed + MAX_DELTA);
        // SAFETY: forwarded from the caller.
        unsafe { self.link(node, when) };
        Ok(when)
    }

    /// Files `node`, which is in no list or linked into this wheel, to fire
    /// at `when`: [`Wheel::insert`] after [`Wheel::remove`], except that an
    /// entry whose new tick maps to the slot it already sits in only has its
    /// tick updated (no unlink/relink, the common case of a deadline moved
    /// by less than a slot's span).
    ///
    /// # Safety
    /// The caller holds this wheel's lock; `node` is live, in no list or in
    /// this wheel, and stays live and unmoved until it is removed or popped.
    pub(crate) unsafe fn refile(&mut self, node: NonNull<Entry>, when: u64) -> Result<u64, ()> {
        if when > self.elapsed {
            let when = when.min(self.elapsed + MAX_DELTA);
            let level = level_for(self.elapsed, when);
            let slot = slot_for(when, level);
            let target = Location::Slot {
                level: level as u8,
                slot: slot as u8,
            };
            // SAFETY: forwarded from the caller.
            let stays = unsafe {
                with_links(node, |l| {
                    let stays = l.location == target;
                    if stays {
                        l.when = when;
                    }
                    stays
                })
            };
            if stays {
                return Ok(when);
            }
        }
        // SAFETY: forwarded from the caller.
        unsafe {
            self.remove(node);
            self.insert(node, when)
        }
    }

    /// # Safety
    /// As [`Wheel::insert`], with `elapsed < when <= elapsed + MAX_DELTA`.
    unsafe fn link(&mut self, node: NonNull<Entry>, when: u64) {
        debug_assert!(when > self.elapsed && when - self.elapsed <= MAX_DELTA);
        let level = level_for(self.elapsed, when);
        let slot = slot_for(when, level);
        // SAFETY: forwarded from the caller.
        unsafe {
            with_links(node, |l| {
                l.when = when;
                l.location = Location::Slot {
                    level: level as u8,
                    slot: slot as u8,
                };
            });
            self.levels[level].slots[slot].push_front(node);
        }
        self.levels[level].occupied |= 1 << slot;
    }

    /// Unlinks `node` if it is linked; does nothing otherwise.
    ///
    /// # Safety
    /// The caller holds this wheel's lock; `node` is live and either in no
    /// list or linked into this wheel.
    pub(crate) unsafe fn remove(&mut self, node: NonNull<Entry>) {
        // SAFETY: forwarded from the caller.
        let location = unsafe {
            with_links(node, |l| {
                std::mem::replace(&mut l.location, Location::Unlinked)
            })
        };
        match location {
            Location::Unlinked => {}
            // SAFETY: the location says which list of this wheel holds it.
            Location::Pending => unsafe { self.pending.unlink(node) },
            Location::Slot { level, slot } => {
                let lvl = &mut self.levels[level as usize];
                let list = &mut lvl.slots[slot as usize];
                // SAFETY: as above.
                unsafe { list.unlink(node) };
                if list.is_empty() {
                    lvl.occupied &= !(1 << slot);
                }
            }
        }
    }

    /// The earliest occupied slot: `(level, slot, start tick)`.
    fn next_slot(&self) -> Option<(usize, usize, u64)> {
        for (level, lvl) in self.levels.iter().enumerate() {
            if lvl.occupied == 0 {
                continue;
            }
            let shift = level * SLOT_BITS;
            let cur = ((self.elapsed >> shift) as u32) & (SLOTS as u32 - 1);
            let rotated = lvl.occupied.rotate_right(cur);
            debug_assert_eq!(rotated & 1, 0, "an entry sits in the current slot");
            let distance = u64::from(rotated.trailing_zeros());
            let slot = (cur as usize + distance as usize) & (SLOTS - 1);
            let span = 1u64 << shift;
            let start = (self.elapsed & !(span - 1)) + distance * span;
            return Some((level, slot, start));
        }
        None
    }

    /// The tick at which the wheel next has work: `elapsed` when entries are
    /// already due; else the earliest deadline when the earliest occupied
    /// slot holds at most [`EXACT_SCAN`] entries (it holds the earliest
    /// deadline, invariant 3), or that slot's start otherwise (a lower
    /// bound: the driver then wakes at the start to cascade the slot).
    /// `None` if empty.
    pub(crate) fn next_expiration(&self) -> Option<u64> {
        if !self.pending.is_empty() {
            return Some(self.elapsed);
        }
        let (level, slot, start) = self.next_slot()?;
        if level == 0 {
            return Some(start);
        }
        let mut min = u64::MAX;
        let mut node = self.levels[level].slots[slot].head;
        for _ in 0..EXACT_SCAN {
            let Some(n) = node else {
                return Some(min);
            };
            // SAFETY: list members are live and the caller holds the lock.
            let (when, next) = unsafe { with_links(n, |l| (l.when, l.next)) };
            min = min.min(when);
            node = next;
        }
        Some(if node.is_none() { min } else { start })
    }

    /// Pops one entry whose tick is `<= now`, cascading higher-level slots on
    /// the way; `None` when none is left, after which `elapsed >= now`.
    ///
    /// The caller holds this wheel's lock. The popped entry is unlinked.
    pub(crate) fn pop_expired(&mut self, now: u64) -> Option<NonNull<Entry>> {
        loop {
            // SAFETY: lists only hold live entries (the owner of an entry
            // unlinks it under this wheel's lock before it goes away).
            if let Some(node) = unsafe { self.pending.pop_front() } {
                // SAFETY: as above; the caller holds the lock.
                unsafe { with_links(node, |l| l.location = Location::Unlinked) };
                return Some(node);
            }
            let (level, slot, start) = match self.next_slot() {
                Some(s) if s.2 <= now => s,
                _ => {
                    self.elapsed = self.elapsed.max(now);
                    return None;
                }
            };
            debug_assert!(start > self.elapsed);
            self.elapsed = self.elapsed.max(start);
            let lvl = &mut self.levels[level];
            let mut list = List {
                head: lvl.slots[slot].head.take(),
            };
            lvl.occupied &= !(1 << slot);
            // SAFETY: the taken list holds live entries; each is re-filed
            // into this wheel before the lock is released.
            unsafe {
                while let Some(node) = list.pop_front() {
                    let when = with_links(node, |l| l.when);
                    if when <= self.elapsed {
                        with_links(node, |l| l.location = Location::Pending);
                        self.pending.push_front(node);
                    } else {
                        self.link(node, when);
                    }
                }
            }
        }
    }

    /// Pops any linked entry (used to drain the wheel at shutdown).
    pub(crate) fn pop_any(&mut self) -> Option<NonNull<Entry>> {
        // SAFETY: lists only hold live entries (see `pop_expired`).
        unsafe {
            let node = match self.pending.pop_front() {
                Some(n) => n,
                None => {
                    let lvl = self.levels.iter_mut().find(|l| l.occupied != 0)?;
                    let slot = lvl.occupied.trailing_zeros() as usize;
                    let list = &mut lvl.slots[slot];
                    let n = list.pop_front().expect("occupied slot is empty");
                    if list.is_empty() {
                        lvl.occupied &= !(1 << slot);
                    }
                    n
                }
            };
            with_links(node, |l| l.location = Location::Unlinked);
            Some(node)
        }
    }
}

#[cfg(all(test, not(rt_loom)))]
mod tests {
    use super::*;
    use std::pin::Pin;

    fn entries(n: usize) -> Vec<Pin<Box<Entry>>> {
        (0..n).map(|_| Box::pin(Entry::new())).collect()
    }

    fn ptr(e: &Pin<Box<Entry>>) -> NonNull<Entry> {
        NonNull::from(&**e)
    }

    fn drain(w: &mut Wheel, now: u64) -> Vec<NonNull<Entry>> {
        let mut out = Vec::new();
        while let Some(n) = w.pop_expired(now) {
            out.push(n);
        }
        out
    }

    #[test]
    fn level_math() {
        assert_eq!(level_for(0, 1), 0);
        assert_eq!(level_for(0, 63), 0);
        assert_eq!(level_for(0, 64), 1);
        assert_eq!(level_for(0, 4095), 1);
        assert_eq!(level_for(0, 4096), 2);
        assert_eq!(level_for(0, 1 << 30), 5);
        assert_eq!(level_for(0, 1 << 40), 5);
        assert_eq!(level_for(63, 64), 1);
    }

    #[test]
    fn fires_in_order_and_never_early() {
        let es = entries(5);
        let whens = [1u64, 70, 5000, 300_000, 20_000_000];
        let mut w = Wheel::new();
        for (e, &t) in es.iter().zip(&whens) {
            // SAFETY: entries are pinned and outlive the wheel's use here.
            assert_eq!(unsafe { w.insert(ptr(e), t) }, Ok(t));
        }
        for (i, &t) in whens.iter().enumerate() {
            assert_eq!(w.next_expiration().map(|n| n <= t), Some(true));
            assert!(drain(&mut w, t - 1).is_empty(), "entry {i} fired early");
            assert_eq!(drain(&mut w, t), vec![ptr(&es[i])]);
        }
        assert_eq!(w.next_expiration(), None);
    }

    #[test]
    fn remove_clears_the_slot() {
        let es = entries(2);
        let mut w = Wheel::new();
        // SAFETY: entries are pinned and outlive the wheel's use here.
        unsafe {
            w.insert(ptr(&es[0]), 100).unwrap();
            w.insert(ptr(&es[1]), 100).unwrap();
            w.remove(ptr(&es[0]));
            w.remove(ptr(&es[0]));
        }
        assert_eq!(drain(&mut w, 1000), vec![ptr(&es[1])]);
        // SAFETY: as above.
        unsafe { w.remove(ptr(&es[1])) };
        assert_eq!(w.next_expiration(), None);
    }

    #[test]
    fn refile_within_a_slot_only_moves_the_tick() {
        let es = entries(2);
        let mut w = Wheel::new();
        let loc = |e: &Pin<Box<Entry>>| {
            // SAFETY: single-threaded test; the entry is live.
            unsafe { with_links(ptr(e), |l| (l.location, l.when)) }
        };
        // SAFETY: entries are pinned and outlive the wheel's use here.
        unsafe {
            assert_eq!(w.refile(ptr(&es[0]), 100), Ok(100));
            assert_eq!(w.insert(ptr(&es[1]), 110), Ok(110));
            let (before, _) = loc(&es[0]);
            // 100 and 120 share level 1's slot 1: same list, new tick.
            assert_eq!(w.refile(ptr(&es[0]), 120), Ok(120));
            assert_eq!(loc(&es[0]), (before, 120));
            // 200 is in another slot: moved.
            assert_eq!(w.refile(ptr(&es[1]), 200), Ok(200));
            assert_ne!(loc(&es[1]).0, before);
        }
        assert!(drain(&mut w, 119).is_empty());
        assert_eq!(drain(&mut w, 120), vec![ptr(&es[0])]);
        // SAFETY: as above. A due tick leaves the entry unlinked.
        unsafe { assert_eq!(w.refile(ptr(&es[1]), 120), Err(())) };
        assert_eq!(loc(&es[1]).0, Location::Unlinked);
        assert_eq!(w.next_expiration(), None);
    }

    #[test]
    fn due_and_far_deadlines() {
        let es = entries(2);
        let mut w = Wheel::new();
        assert!(drain(&mut w, 10).is_empty());
        assert_eq!(w.elapsed(), 10);
        // SAFETY: entries are pinned and outlive the wheel's use here.
        unsafe {
            assert_eq!(w.insert(ptr(&es[0]), 10), Err(()));
            assert_eq!(w.insert(ptr(&es[1]), u64::MAX / 2), Ok(10 + MAX_DELTA));
        }
        assert!(drain(&mut w, 9 + MAX_DELTA).is_empty());
        assert_eq!(drain(&mut w, MAX_TICK), vec![ptr(&es[1])]);
        assert_eq!(w.elapsed(), MAX_TICK);
    }

    #[test]
    fn pop_any_drains_everything() {
        let es = entries(4);
        let mut w = Wheel::new();
        for (i, e) in es.iter().enumerate() {
            // SAFETY: entries are pinned and outlive the wheel's use here.
            unsafe { w.insert(ptr(e), 1 + (i as u64) * 100_000).unwrap() };
        }
        let mut n = 0;
        while w.pop_any().is_some() {
            n += 1;
        }
        assert_eq!(n, 4);
        assert_eq!(w.next_expiration(), None);
    }
}
