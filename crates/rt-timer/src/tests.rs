//! Crate-internal tests: the wheel property test and the loom models.

#[cfg(not(rt_loom))]
mod wheel_model {
    //! Drives the wheel with random insert/cancel/reset/advance sequences and
    //! compares what fires, and when, with a `BTreeMap` reference model.

    use std::collections::{BTreeMap, BTreeSet};
    use std::pin::Pin;
    use std::ptr::NonNull;

    use proptest::prelude::*;

    use crate::entry::Entry;
    use crate::wheel::{Wheel, MAX_DELTA};

    const ENTRIES: usize = 12;

    #[derive(Debug, Clone)]
    enum Op {
        /// Insert entry `id` (or re-file it, like a reset) `delay` ticks from now.
        Insert(usize, u64),
        /// Re-file entry `id` with `Wheel::refile` (what a reset does)
        /// `delay` ticks from now.
        Refile(usize, u64),
        /// Move entry `id`'s tick later by a few ticks with `Wheel::refile`
        /// (often within its slot: the no-relink path).
        Nudge(usize, u64),
        Cancel(usize),
        /// Move time forward by this many ticks.
        Advance(u64),
        /// Move time to the wheel's next expiration.
        AdvanceToNext,
    }

    fn delay() -> impl Strategy<Value = u64> {
        prop_oneof![
            4 => 0u64..70,
            3 => 0u64..5_000,
            2 => 0u64..(1 << 24),
            1 => 0u64..(1 << 37),
            1 => Just(u64::MAX / 4),
        ]
    }

    fn op() -> impl Strategy<Value = Op> {
        prop_oneof![
            4 => (0..ENTRIES, delay()).prop_map(|(i, d)| Op::Insert(i, d)),
            2 => (0..ENTRIES, delay()).prop_map(|(i, d)| Op::Refile(i, d)),
            2 => (0..ENTRIES, 0u64..8).prop_map(|(i, d)| Op::Nudge(i, d)),
            2 => (0..ENTRIES).prop_map(Op::Cancel),
            3 => prop_oneof![0u64..70, 0u64..5_000, 0u64..(1 << 24), 0u64..(1 << 37)]
                .prop_map(Op::Advance),
            2 => Just(Op::AdvanceToNext),
        ]
    }

    struct Harness {
        wheel: Wheel,
        entries: Vec<Pin<Box<Entry>>>,
        now: u64,
        /// The model: id -> tick it must fire at.
        model: BTreeMap<usize, u64>,
    }

    impl Harness {
        fn ptr(&self, id: usize) -> NonNull<Entry> {
            NonNull::from(&*self.entries[id])
        }

        fn insert(&mut self, id: usize, delay: u64) -> Result<(), TestCaseError> {
            let p = self.ptr(id);
            // SAFETY: entries are pinned for the life of the harness, which
            // outlives the wheel's use of them; single-threaded.
            unsafe { self.wheel.remove(p) };
            self.model.remove(&id);
            let when = self.now + delay;
            // SAFETY: as above; the entry was just unlinked.
            let filed = unsafe { self.wheel.insert(p, when) };
            self.record(id, when, filed)
        }

        /// Files entry `id` (linked or not) at tick `when` with `refile`.
        fn refile(&mut self, id: usize, when: u64) -> Result<(), TestCaseError> {
            let p = self.ptr(id);
            self.model.remove(&id);
            // SAFETY: see `insert`; the entry is unlinked or in this wheel.
            let filed = unsafe { self.wheel.refile(p, when) };
            self.record(id, when, filed)
        }

        /// Checks the outcome of filing `id` at `when` and updates the model.
        fn record(
            &mut self,
            id: usize,
            when: u64,
            filed: Result<u64, ()>,
        ) -> Result<(), TestCaseError> {
            match filed {
                Err(()) => prop_assert!(when <= self.now, "rejected a future tick"),
                Ok(filed) => {
                    prop_assert!(when > self.now, "filed a due tick");
                    prop_assert_eq!(filed, when.min(self.now + MAX_DELTA));
                    self.model.insert(id, filed);
                }
            }
            Ok(())
        }

        fn advance_to(&mut self, now: u64) -> Result<(), TestCaseError> {
            prop_assert!(now >= self.now);
            self.now = now;
            let mut fired = BTreeSet::new();
            while let Some(p) = self.wheel.pop_expired(now) {
                let id = self
                    .entries
                    .iter()
                    .position(|e| NonNull::from(&**e) == p)
                    .expect("popped an unknown entry");
                prop_assert!(fired.insert(id), "entry {} fired twice", id);
            }
            let due: BTreeSet<usize> = self
                .model
                .iter()
                .filter(|(_, &t)| t <= now)
                .map(|(&id, _)| id)
                .collect();
            prop_assert_eq!(&fired, &due, "at tick {}", now);
            for id in due {
                self.model.remove(&id);
            }
            prop_assert_eq!(self.wheel.elapsed(), now);
            self.check_next()
        }

        fn check_next(&self) -> Result<(), TestCaseError> {
            let min = self.model.values().min().copied();
            let next = self.wheel.next_expiration();
            prop_assert_eq!(next.is_some(), min.is_some());
            if let (Some(next), Some(min)) = (next, min) {
                prop_assert!(next > self.now, "next {} not after now {}", next, self.now);
                // Fewer entries than `EXACT_SCAN`: the answer is exact.
                prop_assert_eq!(next, min);
            }
            Ok(())
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

        #[test]
        fn wheel_matches_btreemap_model(ops in proptest::collection::vec(op(), 1..120)) {
            let mut h = Harness {
                wheel: Wheel::new(),
                entries: (0..ENTRIES).map(|_| Box::pin(Entry::new())).collect(),
                now: 0,
                model: BTreeMap::new(),
            };
            for op in ops {
                match op {
                    Op::Insert(id, d) => h.insert(id, d)?,
                    Op::Refile(id, d) => {
                        let when = h.now + d;
                        h.refile(id, when)?;
                        h.check_next()?;
                    }
                    Op::Nudge(id, d) => {
                        if let Some(&t) = h.model.get(&id) {
                            h.refile(id, t + d)?;
                            h.check_next()?;
                        }
                    }
                    Op::Cancel(id) => {
                        let p = h.ptr(id);
                        // SAFETY: see `Harness::insert`.
                        unsafe { h.wheel.remove(p) };
                        h.model.remove(&id);
                        h.check_next()?;
                    }
                    Op::Advance(d) => {
                        let to = h.now + d;
                        h.advance_to(to)?;
                    }
                    Op::AdvanceToNext => {
                        if let Some(next) = h.wheel.next_expiration() {
                            h.advance_to(next)?;
                        }
                    }
                }
            }
            // Everything left fires exactly at its tick.
            let mut bound = 0;
            while let Some(next) = h.wheel.next_expiration() {
                bound += 1;
                prop_assert!(bound < 10_000, "wheel never drains");
                h.advance_to(next)?;
            }
            prop_assert!(h.model.is_empty());
            // Unlink everything before the entries are dropped.
            for id in 0..ENTRIES {
                let p = h.ptr(id);
                // SAFETY: see `Harness::insert`.
                unsafe { h.wheel.remove(p) };
            }
        }
    }
}

#[cfg(rt_loom)]
mod loom_models {
    //! Models of the races between a timer's owner and the driver. Run with
    //! `cargo xtask loom rt-timer` (`LOOM_MAX_PREEMPTIONS=2`).

    use std::pin::Pin;
    use std::sync::Arc;
    use std::task::{Context, Poll, Wake, Waker};
    use std::time::Duration;

    use loom::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

    use crate::handle::Inner;
    use crate::sleep::Sleep;
    use crate::{Clock, Handle};

    struct FlagUnpark(Arc<AtomicBool>);

    impl rt_task::Unpark for FlagUnpark {
        fn unpark(&self) {
            self.0.store(true, Ordering::SeqCst);
        }
    }

    struct Count(AtomicUsize);

    impl Wake for Count {
        fn wake(self: Arc<Self>) {
            self.0.fetch_add(1, Ordering::SeqCst);
        }
    }

    fn counter() -> (Arc<Count>, Waker) {
        let c = Arc::new(Count(AtomicUsize::new(0)));
        (c.clone(), Waker::from(c))
    }

    /// A handle over a paused clock with one shard and a flag as unpark.
    fn handle() -> (Handle, Clock, Arc<AtomicBool>) {
        let clock = Clock::new(true, true);
        let flag = Arc::new(AtomicBool::new(false));
        let inner = Inner::new(clock.clone(), 1, Box::new(FlagUnpark(flag.clone())));
        (
            Handle {
                inner: Arc::new(inner),
            },
            clock,
            flag,
        )
    }

    fn ms(n: u64) -> Duration {
        Duration::from_millis(n)
    }

    fn registered(handle: &Handle, clock: &Clock, d: u64, waker: &Waker) -> Pin<Box<Sleep>> {
        let mut s = Box::pin(Sleep::new_in(handle.clone(), clock.now() + ms(d)));
        let res = s.as_mut().poll_elapsed(&mut Context::from_waker(waker));
        assert!(res.is_pending());
        s
    }

    #[test]
    fn loom_sleep_dropped_while_the_driver_fires_it() {
        loom::model(|| {
            let (handle, clock, _) = handle();
            let (_count, waker) = counter();
            let sleep = registered(&handle, &clock, 1, &waker);
            clock.advance(ms(1));
            let h2 = handle.clone();
            let driver = loom::thread::spawn(move || h2.process());
            drop(sleep);
            driver.join().unwrap();
        });
    }

    #[test]
    fn loom_reset_races_with_fire() {
        loom::model(|| {
            let (handle, clock, _) = handle();
            let (count, waker) = counter();
            let mut sleep = registered(&handle, &clock, 1, &waker);
            clock.advance(ms(1));
            let h2 = handle.clone();
            let driver = loom::thread::spawn(move || h2.process());
            let deadline = clock.now() + ms(5);
            sleep.as_mut().reset(deadline);
            driver.join().unwrap();
            // Whatever the order, the reset deadline is pending now...
            assert!(!sleep.is_elapsed());
            clock.advance(ms(5));
            handle.process();
            // ...and fires, and the waker was woken exactly once overall
            // (by the first fire if it won, else by the second).
            assert!(sleep.is_elapsed());
            assert_eq!(count.0.load(Ordering::SeqCst), 1);
        });
    }

    #[test]
    fn loom_poll_races_with_fire_without_losing_the_wakeup() {
        loom::model(|| {
            let (handle, clock, _) = handle();
            let (_a, waker_a) = counter();
            let mut sleep = registered(&handle, &clock, 1, &waker_a);
            clock.advance(ms(1));
            let h2 = handle.clone();
            let driver = loom::thread::spawn(move || h2.process());
            let (b, waker_b) = counter();
            let res = sleep
                .as_mut()
                .poll_elapsed(&mut Context::from_waker(&waker_b));
            driver.join().unwrap();
            match res {
                Poll::Ready(r) => assert!(r.is_ok()),
                Poll::Pending => assert_eq!(b.0.load(Ordering::SeqCst), 1, "lost wake-up"),
            }
        });
    }

    #[test]
    fn loom_earlier_timer_is_never_overslept() {
        loom::model(|| {
            let (handle, clock, unparked) = handle();
            let (_c, waker) = counter();
            let _late = registered(&handle, &clock, 100, &waker);
            unparked.store(false, Ordering::SeqCst);
            let (h2, c2) = (handle.clone(), clock.clone());
            let filer = loom::thread::spawn(move || {
                let (_c, waker) = counter();
                // Keep the entry registered: return it to the main thread.
                registered(&h2, &c2, 10, &waker)
            });
            let next = handle.inner.next_wake();
            let early = filer.join().unwrap();
            // The driver either saw the early timer or was unparked.
            assert!(next.is_some_and(|t| t <= 10) || unparked.load(Ordering::SeqCst));
            drop(early);
        });
    }
}
