//! `rt-signal`: asynchronous signal handling for the rt runtime (Tokio's
//! `signal` module, re-exported by the facade as `rt::signal`).
//!
//! * [`unix::signal`] returns a [`unix::Signal`] listener for a
//!   [`unix::SignalKind`]; any number of listeners per signal each see
//!   every delivery (coalesced: at least one notification per burst).
//! * [`ctrl_c`] completes on the next `SIGINT`.
//!
//! ```text
//!  signal ─► OS handler (signal-hook-registry): slot.pending = true; write(pipe, 1 byte)
//!                                                   │
//!  reactor (current runtime's, or the global one) ◄─┘ pipe readable
//!     └─ wakes the Dispatcher (its waker): read pipe until WouldBlock,
//!        then for each slot with pending: version += 1, wake listeners
//!                                                   │
//!  Signal::recv ◄── version != seen ◄───────────────┘
//! ```
//!
//! There is no driver layer: the pipe's read end is an ordinary readable
//! resource of whichever reactor is current (see `globals.rs` and the
//! per-signal protocol in `slot.rs`), so listeners work inside any rt
//! runtime and, through the global fallback reactor, under any executor.
//!
//! Signals that cannot be handled (`SIGKILL`, `SIGSTOP`, `SIGSEGV`,
//! `SIGBUS`, `SIGILL`, `SIGFPE`) are refused with an `io::Error`.
#![deny(unsafe_op_in_unsafe_fn)]
#![warn(missing_docs, missing_debug_implementations)]
#![cfg(unix)]

mod globals;
pub(crate) mod loom;
mod slot;
pub mod unix;

pub use unix::signal_with_handle;

use std::io;

/// Completes when a "ctrl-c" notification (`SIGINT`) is sent to the
/// process.
///
/// The listener is created when the future is first polled; a `SIGINT`
/// that arrives before that is handled by whatever handler was installed
/// then (by default it terminates the process). From the first poll on,
/// rt's handler stays installed for the rest of the process (see
/// [`unix::Signal`]'s caveats).
///
/// # Errors
///
/// Fails if the handler cannot be installed, or (unlike Tokio, which
/// returns `Ok` then) if the runtime whose reactor serves the listener
/// shuts down before a `SIGINT` arrives.
///
/// ```no_run
/// # async fn demo() {
/// println!("waiting for ctrl-c");
/// rt_signal::ctrl_c().await.expect("failed to listen for event");
/// println!("received ctrl-c event");
/// # }
/// ```
pub async fn ctrl_c() -> io::Result<()> {
    let mut sig = unix::signal(unix::SignalKind::interrupt())?;
    match sig.recv().await {
        Some(()) => Ok(()),
        None => Err(rt_reactor::shutdown_error()),
    }
}
