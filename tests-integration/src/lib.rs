//! Integration tests for `rt` that cross crate boundaries: a scheduler on a
//! swapped or simulated driver, the runtime's types under other executors, and
//! Tokio programs built unchanged against `rt`.
//!
//! This library is intentionally empty; the tests live in `tests/`.
