//! `rt-process`: asynchronous child processes for the rt runtime (Tokio's
//! `process` module, re-exported by the facade as `rt::process`).
//!
//! * [`Command`] mirrors [`std::process::Command`] and spawns a [`Child`]
//!   whose `wait`, `kill` and `wait_with_output` are futures.
//! * The child's piped stdin/stdout/stderr are [`ChildStdin`],
//!   [`ChildStdout`] and [`ChildStderr`]: non-blocking pipes on the
//!   reactor implementing rt-io's `AsyncWrite`/`AsyncRead`.
//! * Exits are noticed through a pidfd registered with the reactor (Linux
//!   5.3+), else through `SIGCHLD` (rt-signal).
//! * A `Child` dropped before it was reaped (killed first with
//!   [`Command::kill_on_drop`]) goes to an orphan queue that is drained on
//!   `SIGCHLD` (dispatched by the global reactor) and on every spawn: no
//!   zombies.
//!
//! ```text
//!  Command::spawn ─► std::process::Child ─┬─ stdio pipes ─► PollEvented<pipe> ─► AsyncRead/AsyncWrite
//!                                         ├─ pidfd ───────► PollEvented<Pidfd> ─┐
//!                                         │   (or SIGCHLD listener, rt-signal) ─┴► wait: waitpid(WNOHANG)
//!                                         └─ dropped unreaped ─► orphan queue ◄── SIGCHLD / next spawn
//! ```
//!
//! Everything works inside any rt runtime with I/O enabled, and with no rt
//! runtime at all (on the global reactor), under any executor.
#![deny(unsafe_op_in_unsafe_fn)]
#![warn(missing_docs, missing_debug_implementations)]
#![cfg(unix)]

mod child;
mod command;
mod orphan;
mod pidfd;
mod stdio;

pub use child::Child;
pub use command::Command;
pub use stdio::{ChildStderr, ChildStdin, ChildStdout};

/// Testing hook: `false` makes later spawns watch exits through `SIGCHLD`
/// instead of pidfds (to exercise the fallback on kernels that have
/// pidfds); `true` restores the default.
#[doc(hidden)]
pub fn __set_pidfd_enabled(enabled: bool) {
    pidfd::set_enabled(enabled);
}

/// Testing hook: the number of dropped children not reaped yet.
#[doc(hidden)]
pub fn __orphan_count() -> usize {
    orphan::len()
}
