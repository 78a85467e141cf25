//! Runtime-agnostic helpers for the rt-versus-tokio benchmarks.
//!
//! Every workload is written once and instantiated for both runtimes, so the
//! pieces it needs beyond spawning (a completion flag, a baton passed between
//! two tasks, a future that never completes, memory probes, a seeded
//! pseudo-random generator, percentiles) are built here on `std` alone: they
//! must not favour either runtime.
//!
//! The wake-up protocol shared by [`Signal`] and [`Baton`]:
//!
//! 1. the waiter checks the condition (an atomic); if it holds, it is done;
//! 2. otherwise it takes the lock, stores its waker, checks the condition
//!    again, and releases the lock;
//! 3. the notifier first changes the atomic, then takes the lock and wakes
//!    the stored waker, if any.
//!
//! No wake-up is lost: if the notifier took the lock before the waiter, the
//! waiter's re-check in step 2 (made under the same lock, so after the
//! notifier's update) sees the new value; if it took the lock after the
//! waiter, it finds the waiter's waker. A stale waker left in the slot only
//! causes a spurious wake, which the futures tolerate by re-checking.

#![deny(unsafe_op_in_unsafe_fn)]

use std::alloc::{GlobalAlloc, Layout, System};
use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Mutex;
use std::task::{Context, Poll, Waker};

/// A one-shot completion flag that one task sets and another awaits.
#[derive(Debug, Default)]
pub struct Signal {
    done: AtomicBool,
    waker: Mutex<Option<Waker>>,
}

impl Signal {
    /// A flag that is not set.
    pub fn new() -> Self {
        Self::default()
    }

    /// Sets the flag and wakes the waiter, if one is registered.
    pub fn set(&self) {
        self.done.store(true, Ordering::SeqCst);
        let waker = self.waker.lock().expect("signal lock").take();
        if let Some(waker) = waker {
            waker.wake();
        }
    }

    /// Whether the flag is set.
    pub fn is_set(&self) -> bool {
        self.done.load(Ordering::SeqCst)
    }

    /// A future that completes once the flag is set.
    pub fn wait(&self) -> SignalWait<'_> {
        SignalWait { signal: self }
    }
}

/// Future returned by [`Signal::wait`].
#[derive(Debug)]
pub struct SignalWait<'a> {
    signal: &'a Signal,
}

impl Future for SignalWait<'_> {
    type Output = ();

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        if self.signal.is_set() {
            return Poll::Ready(());
        }
        let mut slot = self.signal.waker.lock().expect("signal lock");
        if self.signal.is_set() {
            return Poll::Ready(());
        }
        *slot = Some(cx.waker().clone());
        Poll::Pending
    }
}

/// A baton passed back and forth between two tasks, sides `0` and `1`.
///
/// Side `turn % 2` holds the baton; [`Baton::pass`] hands it to the other side.
#[derive(Debug, Default)]
pub struct Baton {
    turn: AtomicUsize,
    wakers: Mutex<[Option<Waker>; 2]>,
}

impl Baton {
    /// A baton held by side `0`.
    pub fn new() -> Self {
        Self::default()
    }

    /// How many times the baton has been passed.
    pub fn passes(&self) -> usize {
        self.turn.load(Ordering::SeqCst)
    }

    /// Passes the baton to the other side and wakes it.
    pub fn pass(&self) {
        let next = self.turn.fetch_add(1, Ordering::SeqCst) + 1;
        let waker = self.wakers.lock().expect("baton lock")[next % 2].take();
        if let Some(waker) = waker {
            waker.wake();
        }
    }

    /// A future that completes when `side` (0 or 1) holds the baton.
    ///
    /// # Panics
    ///
    /// Panics if `side` is not 0 or 1.
    pub fn wait_for(&self, side: usize) -> BatonWait<'_> {
        assert!(side < 2, "Baton::wait_for: side must be 0 or 1, got {side}");
        BatonWait { baton: self, side }
    }
}

/// Future returned by [`Baton::wait_for`].
#[derive(Debug)]
pub struct BatonWait<'a> {
    baton: &'a Baton,
    side: usize,
}

impl Future for BatonWait<'_> {
    type Output = ();

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        let mine = |b: &Baton| b.passes() % 2 == self.side;
        if mine(self.baton) {
            return Poll::Ready(());
        }
        let mut wakers = self.baton.wakers.lock().expect("baton lock");
        if mine(self.baton) {
            return Poll::Ready(());
        }
        wakers[self.side] = Some(cx.waker().clone());
        Poll::Pending
    }
}

/// A future that never completes, carrying a 16-byte payload.
///
/// On its first poll it increments the counter it was given, so a caller can
/// tell when every idle task has been polled once (and is parked for good).
#[derive(Debug)]
pub struct Idle {
    payload: [u64; 2],
    first_poll: Option<&'static AtomicUsize>,
}

impl Idle {
    /// An idle future with `payload`, counting its first poll in `polled`.
    pub fn new(payload: [u64; 2], polled: &'static AtomicUsize) -> Self {
        Self {
            payload,
            first_poll: Some(polled),
        }
    }
}

impl Future for Idle {
    type Output = ();

    fn poll(mut self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<()> {
        std::hint::black_box(&self.payload);
        if let Some(polled) = self.first_poll.take() {
            polled.fetch_add(1, Ordering::Relaxed);
        }
        Poll::Pending
    }
}

/// The resident set size of this process in bytes, from `/proc/self/statm`.
///
/// # Errors
///
/// Fails when `/proc/self/statm` cannot be read or parsed (non-Linux systems).
pub fn resident_bytes() -> std::io::Result<u64> {
    let statm = std::fs::read_to_string("/proc/self/statm")?;
    let pages: u64 = statm
        .split_whitespace()
        .nth(1)
        .and_then(|v| v.parse().ok())
        .ok_or_else(|| std::io::Error::other("malformed /proc/self/statm"))?;
    // SAFETY: sysconf has no preconditions; it only reads a system constant.
    let page = unsafe { libc::sysconf(libc::_SC_PAGESIZE) };
    let page =
        u64::try_from(page).map_err(|_| std::io::Error::other("sysconf(_SC_PAGESIZE) failed"))?;
    Ok(pages * page)
}

/// A global allocator that forwards to [`System`] and counts live heap bytes.
///
/// Install it with `#[global_allocator]` in a binary, then read
/// [`CountingAlloc::live_bytes`].
#[derive(Debug)]
pub struct CountingAlloc {
    live: AtomicUsize,
}

impl CountingAlloc {
    /// A counter starting at zero.
    pub const fn new() -> Self {
        Self {
            live: AtomicUsize::new(0),
        }
    }

    /// Bytes currently allocated through this allocator (requested sizes).
    pub fn live_bytes(&self) -> usize {
        self.live.load(Ordering::SeqCst)
    }
}

impl Default for CountingAlloc {
    fn default() -> Self {
        Self::new()
    }
}

// SAFETY: every method forwards to `System` with the caller's arguments
// unchanged, so `System`'s guarantees carry over; the counter is only
// bookkeeping and never affects the memory handed out.
unsafe impl GlobalAlloc for CountingAlloc {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: forwarded with the caller's layout, which meets `alloc`'s contract.
        let ptr = unsafe { System.alloc(layout) };
        if !ptr.is_null() {
            self.live.fetch_add(layout.size(), Ordering::Relaxed);
        }
        ptr
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        // SAFETY: forwarded with the caller's layout, which meets the contract.
        let ptr = unsafe { System.alloc_zeroed(layout) };
        if !ptr.is_null() {
            self.live.fetch_add(layout.size(), Ordering::Relaxed);
        }
        ptr
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        self.live.fetch_sub(layout.size(), Ordering::Relaxed);
        // SAFETY: the caller guarantees `ptr` came from this allocator (and
        // so from `System`) with this `layout`.
        unsafe { System.dealloc(ptr, layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        // SAFETY: the caller upholds `realloc`'s contract, forwarded unchanged.
        let new = unsafe { System.realloc(ptr, layout, new_size) };
        if !new.is_null() {
            self.live.fetch_sub(layout.size(), Ordering::Relaxed);
            self.live.fetch_add(new_size, Ordering::Relaxed);
        }
        new
    }
}

/// A small deterministic pseudo-random generator (SplitMix64).
///
/// The workloads that need randomness (the slow-disk writer of the `copy_*`
/// benchmarks, the sleep durations of `timer_lateness`) use it with a fixed
/// seed, so both runtimes see exactly the same sequence.
#[derive(Clone, Debug)]
pub struct SplitMix64 {
    state: u64,
}

impl SplitMix64 {
    /// A generator starting from `seed` (any value, zero included).
    pub fn new(seed: u64) -> Self {
        Self { state: seed }
    }

    /// The next 64 pseudo-random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.state = self.state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.state;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A value in `lo..=hi`.
    ///
    /// # Panics
    ///
    /// Panics if `lo > hi`.
    pub fn in_range(&mut self, lo: u64, hi: u64) -> u64 {
        assert!(
            lo <= hi,
            "SplitMix64::in_range: lo ({lo}) must not exceed hi ({hi})"
        );
        let span = hi - lo;
        if span == u64::MAX {
            return self.next_u64();
        }
        lo + self.next_u64() % (span + 1)
    }

    /// `true` with probability `p` (clamped to `0.0..=1.0`).
    pub fn chance(&mut self, p: f64) -> bool {
        // The top 53 bits give a uniform float in [0, 1).
        let unit = (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64;
        unit < p
    }
}

/// The `p`-th percentile (`0.0..=100.0`, nearest rank) of `sorted`, which
/// must be sorted ascending; `None` when it is empty.
pub fn percentile(sorted: &[u64], p: f64) -> Option<u64> {
    if sorted.is_empty() {
        return None;
    }
    let p = p.clamp(0.0, 100.0);
    let rank = ((p / 100.0) * sorted.len() as f64).ceil() as usize;
    Some(sorted[rank.clamp(1, sorted.len()) - 1])
}

/// Formats microseconds as `812 µs` or `1.25 ms`.
pub fn fmt_us(us: u64) -> String {
    if us < 1_000 {
        format!("{us} µs")
    } else {
        format!("{:.2} ms", us as f64 / 1e3)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;
    use std::task::Wake;

    struct CountWake(AtomicUsize);

    impl Wake for CountWake {
        fn wake(self: Arc<Self>) {
            self.0.fetch_add(1, Ordering::SeqCst);
        }
    }

    fn counting_waker() -> (Arc<CountWake>, Waker) {
        let count = Arc::new(CountWake(AtomicUsize::new(0)));
        (count.clone(), Waker::from(count))
    }

    #[test]
    fn signal_wakes_registered_waiter() {
        let (count, waker) = counting_waker();
        let mut cx = Context::from_waker(&waker);
        let signal = Signal::new();
        let mut wait = std::pin::pin!(signal.wait());
        assert!(wait.as_mut().poll(&mut cx).is_pending());
        signal.set();
        assert_eq!(count.0.load(Ordering::SeqCst), 1);
        assert!(wait.as_mut().poll(&mut cx).is_ready());
    }

    #[test]
    fn baton_alternates_sides() {
        let (count, waker) = counting_waker();
        let mut cx = Context::from_waker(&waker);
        let baton = Baton::new();
        assert!(std::pin::pin!(baton.wait_for(0)).poll(&mut cx).is_ready());
        let mut side1 = std::pin::pin!(baton.wait_for(1));
        assert!(side1.as_mut().poll(&mut cx).is_pending());
        baton.pass();
        assert_eq!(count.0.load(Ordering::SeqCst), 1);
        assert!(side1.as_mut().poll(&mut cx).is_ready());
        assert!(std::pin::pin!(baton.wait_for(0)).poll(&mut cx).is_pending());
        assert_eq!(baton.passes(), 1);
    }

    #[test]
    fn idle_counts_first_poll_only() {
        static POLLED: AtomicUsize = AtomicUsize::new(0);
        let (_count, waker) = counting_waker();
        let mut cx = Context::from_waker(&waker);
        let mut idle = std::pin::pin!(Idle::new([1, 2], &POLLED));
        for _ in 0..3 {
            assert!(idle.as_mut().poll(&mut cx).is_pending());
        }
        assert_eq!(POLLED.load(Ordering::SeqCst), 1);
    }

    #[test]
    fn resident_bytes_is_positive() {
        assert!(resident_bytes().unwrap() > 0);
    }

    #[test]
    fn splitmix_is_deterministic_and_in_range() {
        let mut a = SplitMix64::new(0);
        let mut b = SplitMix64::new(0);
        for _ in 0..1_000 {
            let v = a.in_range(1_000, 20_000);
            assert_eq!(v, b.in_range(1_000, 20_000));
            assert!((1_000..=20_000).contains(&v));
        }
        let hits = (0..10_000).filter(|_| a.chance(0.1)).count();
        assert!((500..1_500).contains(&hits), "{hits} hits for p = 0.1");
        assert!(!a.chance(0.0));
        assert!(a.chance(1.0));
    }

    #[test]
    fn percentile_nearest_rank() {
        let v: Vec<u64> = (1..=100).collect();
        assert_eq!(percentile(&v, 50.0), Some(50));
        assert_eq!(percentile(&v, 99.0), Some(99));
        assert_eq!(percentile(&v, 100.0), Some(100));
        assert_eq!(percentile(&v, 0.0), Some(1));
        assert_eq!(percentile(&[], 50.0), None);
        assert_eq!(fmt_us(812), "812 µs");
        assert_eq!(fmt_us(1_250), "1.25 ms");
    }
}
