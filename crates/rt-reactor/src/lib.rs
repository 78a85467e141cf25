//! `rt-reactor`: the I/O driver of the rt runtime.
//!
//! * [`Driver`]: a reactor on `mio::Poll` that implements
//!   [`rt_task::Park`], so any rt scheduler can block on it; [`Handle`] is
//!   what resources register with and what a runtime stores in the context
//!   slot `rt_task::context::Driver::Io`.
//! * [`Registration`] and [`PollEvented`]: the building blocks of rt's
//!   sockets, pipes and signals (used by `rt-net`, `rt-process`,
//!   `rt-signal`).
//! * [`AsyncFd`]: readiness for any Unix file descriptor (re-exported by
//!   the facade as `rt::io::unix::AsyncFd`), with [`Interest`] and [`Ready`].
//!
//! ```text
//!  scheduler ──park()──► Driver ── mio::Poll ── epoll
//!                          │ events (token = slab index + generation)
//!                          ▼
//!                 Slab<Arc<ScheduledIo>>  ◄── Registration ◄── PollEvented / AsyncFd
//!                   readiness|tick word        poll_read_ready / readiness(Interest)
//!                   reader, writer, waiters    clear_readiness(event)
//! ```
//!
//! With no rt runtime current, resources register with a global driver
//! that runs on a background thread, so they work under any executor
//! (`futures::executor::block_on`, `async-executor`, …).
//!
//! When a driver shuts down ([`rt_task::Park::shutdown`] or drop), every
//! pending and later operation on its resources fails with an
//! `io::Error` ([`shutdown_error`]): nothing hangs.
#![deny(unsafe_op_in_unsafe_fn)]
#![warn(missing_docs, missing_debug_implementations)]

mod async_fd;
mod driver;
mod interest;
pub(crate) mod loom;
mod park_state;
mod poll_evented;
mod ready;
mod registration;
mod scheduled_io;

pub use async_fd::{
    AsyncFd, AsyncFdReadyGuard, AsyncFdReadyMutGuard, AsyncFdTryNewError, TryIoError,
};
pub use driver::{shutdown_error, Driver, Handle, Unparker, IO_DISABLED_MSG, SHUTDOWN_MSG};
pub use interest::Interest;
pub use poll_evented::PollEvented;
pub use ready::Ready;
pub use registration::Registration;
pub use scheduled_io::ReadyEvent;
