//! What the expansions of `join!`, `try_join!`, `select!` and `pin!` name
//! through `$crate::macros::support::…`. Not public API: the items here may
//! change with any release.
//!
//! The expanders live in `rt-macros` (`select_expand!`, `join_expand!`,
//! `try_join_expand!`); everything the generated code calls lives here, so
//! that the generated code depends on nothing but `core` and this module.

pub use core::future::{poll_fn, ready, Future, IntoFuture};
pub use core::pin::{pin, Pin};
pub use core::task::{Context, Poll};

#[cfg(feature = "macros")]
pub use rt_macros::{join_expand, select_expand, try_join_expand};

/// Whether the current task may go on polling `select!`'s branches.
///
/// When the task's cooperative budget is spent this wakes the task and
/// returns `Pending`, so that a `select!` in a loop whose branches are always
/// ready still yields to the scheduler (as Tokio's does). Outside a runtime
/// the budget is unconstrained and this is always `Ready`.
pub fn poll_budget_available(cx: &mut Context<'_>) -> Poll<()> {
    if rt_task::coop::has_budget_remaining() {
        Poll::Ready(())
    } else {
        cx.waker().wake_by_ref();
        Poll::Pending
    }
}

/// Polls one branch of `join!`.
///
/// `fut` holds the branch's future until it completes; `out` receives the
/// output. On completion the future is dropped at once (`fut` becomes
/// `None`), as `join!` documents. Returns `Ready` once the branch is done,
/// also on every later call.
pub fn poll_join_slot<F: Future>(
    mut fut: Pin<&mut Option<F>>,
    out: &mut Option<F::Output>,
    cx: &mut Context<'_>,
) -> Poll<()> {
    let Some(running) = fut.as_mut().as_pin_mut() else {
        return Poll::Ready(());
    };
    match running.poll(cx) {
        Poll::Ready(value) => {
            *out = Some(value);
            fut.set(None);
            Poll::Ready(())
        }
        Poll::Pending => Poll::Pending,
    }
}

/// Polls one branch of `try_join!`: like [`poll_join_slot`], but an `Err`
/// output is handed back instead of stored, so that the caller can return it
/// at once.
pub fn poll_try_join_slot<F, T, E>(
    mut fut: Pin<&mut Option<F>>,
    out: &mut Option<T>,
    cx: &mut Context<'_>,
) -> Poll<Result<(), E>>
where
    F: Future<Output = Result<T, E>>,
{
    let Some(running) = fut.as_mut().as_pin_mut() else {
        return Poll::Ready(Ok(()));
    };
    match running.poll(cx) {
        Poll::Ready(result) => {
            fut.set(None);
            match result {
                Ok(value) => {
                    *out = Some(value);
                    Poll::Ready(Ok(()))
                }
                Err(err) => Poll::Ready(Err(err)),
            }
        }
        Poll::Pending => Poll::Pending,
    }
}

/// Takes the output of a completed `join!`/`try_join!` branch.
///
/// # Panics
///
/// If the slot is empty, which the expansion never lets happen: it only
/// takes outputs once every branch has reported `Ready`.
pub fn take_output<T>(slot: &mut Option<T>) -> T {
    match slot.take() {
        Some(value) => value,
        None => panic!("join!: a branch output was taken before the branch completed"),
    }
}

/// A uniformly distributed number in `0..n` (`0` when `n == 0`), from a
/// cheap per-thread generator. `select!` uses it to pick the branch it polls
/// first, so that no branch is always favoured.
///
/// The generator is a xorshift64* seeded once per thread from the standard
/// library's randomly keyed hasher; it is not cryptographic. Called while
/// the thread-local storage is being torn down, it returns `0`.
#[must_use]
pub fn thread_rng_n(n: u32) -> u32 {
    use std::cell::Cell;

    thread_local! {
        static STATE: Cell<u64> = const { Cell::new(0) };
    }

    fn seed() -> u64 {
        use std::hash::BuildHasher;
        let keys = std::collections::hash_map::RandomState::new();
        // xorshift must not start from 0.
        keys.hash_one(std::thread::current().id()) | 1
    }

    STATE
        .try_with(|state| {
            let mut x = state.get();
            if x == 0 {
                x = seed();
            }
            x ^= x >> 12;
            x ^= x << 25;
            x ^= x >> 27;
            state.set(x);
            let r = x.wrapping_mul(0x2545_F491_4F6C_DD1D) >> 32;
            // Lemire's multiply-shift maps 32 random bits onto 0..n.
            ((r * u64::from(n)) >> 32) as u32
        })
        .unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rng_stays_in_range_and_covers_it() {
        for n in [1u32, 2, 3, 7, 64, 1000] {
            let mut seen = vec![false; n.min(64) as usize];
            for _ in 0..10_000 {
                let r = thread_rng_n(n);
                assert!(r < n, "{r} >= {n}");
                if (r as usize) < seen.len() {
                    seen[r as usize] = true;
                }
            }
            if n <= 64 {
                assert!(seen.iter().all(|s| *s), "n = {n}: {seen:?}");
            }
        }
        assert_eq!(thread_rng_n(0), 0);
    }

    #[test]
    fn join_slot_drops_future_on_completion() {
        let mut cx = Context::from_waker(std::task::Waker::noop());
        let mut fut = core::pin::pin!(Some(ready(5)));
        let mut out = None;
        assert!(poll_join_slot(fut.as_mut(), &mut out, &mut cx).is_ready());
        assert!(fut.is_none());
        assert_eq!(out, Some(5));
        // Polling again is harmless.
        assert!(poll_join_slot(fut.as_mut(), &mut out, &mut cx).is_ready());
        assert_eq!(take_output(&mut out), 5);
    }

    #[test]
    fn try_join_slot_hands_back_errors() {
        let mut cx = Context::from_waker(std::task::Waker::noop());
        let mut fut = core::pin::pin!(Some(ready(Err::<u8, &str>("boom"))));
        let mut out = None;
        assert_eq!(
            poll_try_join_slot(fut.as_mut(), &mut out, &mut cx),
            Poll::Ready(Err("boom"))
        );
        assert!(fut.is_none());
        assert_eq!(out, None);
    }
}
