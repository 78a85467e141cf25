//! Shared test helpers: both runtime flavors, bounded waits.
#![allow(dead_code)]

use std::future::Future;
use std::time::Duration;

/// Generous bound for anything that should happen "soon".
pub const LONG: Duration = Duration::from_secs(20);

/// A current-thread and a multi-thread runtime (named, for messages).
pub fn flavors() -> Vec<(&'static str, rt::runtime::Runtime)> {
    vec![
        (
            "current_thread",
            rt::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .unwrap(),
        ),
        (
            "multi_thread",
            rt::runtime::Builder::new_multi_thread()
                .worker_threads(2)
                .enable_all()
                .build()
                .unwrap(),
        ),
    ]
}

/// Awaits `f` for at most [`LONG`], panicking with `what` otherwise.
pub async fn bounded<F: Future>(what: &str, f: F) -> F::Output {
    match rt::time::timeout(LONG, f).await {
        Ok(v) => v,
        Err(_) => panic!("timed out: {what}"),
    }
}

/// Sends `signum` to this process.
pub fn raise(signum: libc::c_int) {
    // SAFETY: raise(3) has no memory-safety preconditions; every caller
    // installed a handler for `signum` first (through `signal`).
    let r = unsafe { libc::raise(signum) };
    assert_eq!(r, 0, "raise({signum}) failed");
}
