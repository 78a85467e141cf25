//! Behaviour of `#[rt::main]` and `#[rt::test]`: arguments, preserved
//! attributes and signatures, `?` and `return` in the body.
#![cfg(all(feature = "macros", feature = "rt"))]

use std::sync::atomic::{AtomicUsize, Ordering};

#[rt::test]
async fn default_flavor() {
    assert_eq!(async { 1 }.await, 1);
}

#[rt::test(flavor = "current_thread")]
async fn current_thread_flavor() {
    let value = rt::spawn(async { 2 }).await.unwrap();
    assert_eq!(value, 2);
}

#[cfg(feature = "rt-multi-thread")]
#[rt::test(flavor = "multi_thread")]
async fn multi_thread_flavor() {
    let value = rt::spawn(async { 3 }).await.unwrap();
    assert_eq!(value, 3);
}

#[cfg(feature = "rt-multi-thread")]
#[rt::test(flavor = "multi_thread", worker_threads = 2)]
async fn multi_thread_with_workers() {
    let handles: Vec<_> = (0..4).map(|i| rt::spawn(async move { i * 2 })).collect();
    let mut sum = 0;
    for handle in handles {
        sum += handle.await.unwrap();
    }
    assert_eq!(sum, 12);
}

#[cfg(feature = "test-util")]
#[rt::test(start_paused = true)]
async fn start_paused_builds() {
    assert_eq!(async { 4 }.await, 4);
}

#[cfg(feature = "test-util")]
#[rt::test(flavor = "current_thread", start_paused = false)]
async fn start_paused_false_builds() {}

#[rt::test(crate = "rt")]
async fn crate_argument() {}

mod reexport {
    pub use rt::runtime;
}

#[rt::test(crate = "self::reexport")]
async fn crate_argument_through_a_reexport() {}

#[rt::test]
async fn question_mark_in_the_body() -> Result<(), Box<dyn std::error::Error>> {
    let n: u32 = "12".parse()?;
    assert_eq!(n, 12);
    Ok(())
}

#[rt::test]
async fn return_in_the_body() -> Result<(), String> {
    let ready = async { true }.await;
    if ready {
        return Ok(());
    }
    Err("unreachable".into())
}

#[rt::test]
#[should_panic(expected = "panics inside the runtime")]
async fn should_panic_is_kept() {
    panic!("panics inside the runtime");
}

static CALLS: AtomicUsize = AtomicUsize::new(0);

/// Documented, with attributes, visibility, arguments and a return type.
#[rt::main(flavor = "current_thread")]
#[inline(never)]
pub(crate) async fn count_chars(text: &str, times: usize) -> usize {
    CALLS.fetch_add(1, Ordering::SeqCst);
    let len = async { text.chars().count() }.await;
    len * times
}

#[cfg(feature = "rt-multi-thread")]
#[rt::main]
async fn fallible(input: &str) -> Result<u32, std::num::ParseIntError> {
    let value: u32 = input.parse()?;
    if value == 0 {
        return Ok(100);
    }
    Ok(value)
}

#[test]
fn main_on_other_functions() {
    let before = CALLS.load(Ordering::SeqCst);
    assert_eq!(count_chars("héllo", 2), 10);
    assert_eq!(CALLS.load(Ordering::SeqCst), before + 1);
}

#[cfg(feature = "rt-multi-thread")]
#[test]
fn main_with_the_default_flavor() {
    assert_eq!(fallible("7"), Ok(7));
    assert_eq!(fallible("0"), Ok(100));
    assert!(fallible("seven").is_err());
}

#[cfg(feature = "rt-multi-thread")]
#[rt::main(flavor = "multi_thread", worker_threads = 1)]
async fn one_worker() -> usize {
    rt::spawn(async { 5usize }).await.unwrap()
}

#[cfg(feature = "rt-multi-thread")]
#[test]
fn main_with_one_worker() {
    assert_eq!(one_worker(), 5);
}
