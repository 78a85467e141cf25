//! Compile-fail tests of the macros: misuse must be a compile error that
//! names the problem and points at the offending token.
//!
//! `tests/ui/*.rs` run with the `rt-multi-thread` feature (the facade then
//! exports `rt_macros::{main, test}`); `tests/ui/rt_only/*.rs` run without
//! it (the facade then exports `rt_macros::{main_rt, test_rt}`, which reject
//! the multi-thread flavor).
#![cfg(all(feature = "macros", feature = "rt"))]

#[cfg(feature = "rt-multi-thread")]
#[test]
fn compile_fail() {
    let cases = trybuild::TestCases::new();
    cases.compile_fail("tests/ui/*.rs");
}

#[cfg(not(feature = "rt-multi-thread"))]
#[test]
fn compile_fail_without_rt_multi_thread() {
    let cases = trybuild::TestCases::new();
    cases.compile_fail("tests/ui/rt_only/*.rs");
}
