//! `Registration`: a resource's link to the driver (its readiness entry and
//! the driver handle), with the readiness-then-operation loops every I/O
//! type is built from.
//!
//! The loops follow one rule: an operation that returned `WouldBlock`
//! clears the readiness *of the event it acted on* (so only that edge is
//! consumed) and waits for the next one; any other result is returned
//! as is, leaving readiness set (e.g. `accept` failing with `EMFILE` is
//! reported at once, and the next call tries again instead of waiting for
//! an edge that may never come).

use std::fmt;
use std::io;
use std::task::{ready, Context, Poll};

use mio::event::Source;

use crate::driver::{shutdown_error, Handle};
use crate::loom::sync::Arc;
use crate::scheduled_io::{Direction, ReadyEvent, ScheduledIo};
use crate::Interest;

/// The registration of an I/O resource with a [`Driver`](crate::Driver).
///
/// Internal building block of rt's I/O types (rt-net, rt-process,
/// rt-signal); most users want [`AsyncFd`](crate::AsyncFd) instead.
/// Dropping it frees the driver's slot; the owner deregisters the source
/// from the OS selector first ([`Registration::deregister`]).
pub struct Registration {
    handle: Handle,
    shared: Arc<ScheduledIo>,
}

impl Registration {
    /// Registers `io` with the current driver ([`Handle::current`]).
    #[track_caller]
    pub fn new(io: &mut impl Source, interest: Interest) -> io::Result<Registration> {
        Registration::new_with_interest_and_handle(io, interest, Handle::current())
    }

    /// Registers `io` for `interest` with the driver of `handle`.
    ///
    /// Fails with the driver's error, or with the shutdown error if the
    /// driver has shut down.
    pub fn new_with_interest_and_handle(
        io: &mut impl Source,
        interest: Interest,
        handle: Handle,
    ) -> io::Result<Registration> {
        let shared = handle.add_source(io, interest)?;
        Ok(Registration { handle, shared })
    }

    /// Removes `io` from the OS selector. Call it before closing the
    /// resource (dropping the registration then frees the driver's slot).
    pub fn deregister(&mut self, io: &mut impl Source) -> io::Result<()> {
        self.handle.deregister_source(io)
    }

    /// The driver this resource is registered with.
    pub fn handle(&self) -> &Handle {
        &self.handle
    }

    /// The mio token (slab index and generation) of this registration.
    #[doc(hidden)]
    pub fn token(&self) -> usize {
        self.shared.token()
    }

    fn poll_ready(
        &self,
        cx: &mut Context<'_>,
        direction: Direction,
    ) -> Poll<io::Result<ReadyEvent>> {
        let coop = ready!(rt_task::coop::poll_proceed(cx));
        let ev = ready!(self.shared.poll_readiness(cx, direction));
        if ev.is_shutdown {
            return Poll::Ready(Err(shutdown_error()));
        }
        coop.made_progress();
        Poll::Ready(Ok(ev))
    }

    /// Polls for read readiness (readable or read-closed). Stores only the
    /// most recent waker: one task at a time reads.
    pub fn poll_read_ready(&self, cx: &mut Context<'_>) -> Poll<io::Result<ReadyEvent>> {
        self.poll_ready(cx, Direction::Read)
    }

    /// Polls for write readiness (writable or write-closed). Stores only the
    /// most recent waker: one task at a time writes.
    pub fn poll_write_ready(&self, cx: &mut Context<'_>) -> Poll<io::Result<ReadyEvent>> {
        self.poll_ready(cx, Direction::Write)
    }

    /// Clears `event`'s readiness unless a newer event arrived since.
    pub fn clear_readiness(&self, event: ReadyEvent) {
        self.shared.clear_readiness(event);
    }

    /// Waits for read readiness and runs `f` until it does not return
    /// `WouldBlock`.
    pub fn poll_read_io<R>(
        &self,
        cx: &mut Context<'_>,
        f: impl FnMut() -> io::Result<R>,
    ) -> Poll<io::Result<R>> {
        self.poll_io(cx, Direction::Read, f)
    }

    /// Waits for write readiness and runs `f` until it does not return
    /// `WouldBlock`.
    pub fn poll_write_io<R>(
        &self,
        cx: &mut Context<'_>,
        f: impl FnMut() -> io::Result<R>,
    ) -> Poll<io::Result<R>> {
        self.poll_io(cx, Direction::Write, f)
    }

    fn poll_io<R>(
        &self,
        cx: &mut Context<'_>,
        direction: Direction,
        mut f: impl FnMut() -> io::Result<R>,
    ) -> Poll<io::Result<R>> {
        loop {
            let ev = ready!(self.poll_ready(cx, direction))?;
            match f() {
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => self.clear_readiness(ev),
                res => return Poll::Ready(res),
            }
        }
    }

    /// Runs `f` if the resource is ready for `interest`, without waiting;
    /// `WouldBlock` (from `f`, or because there is no readiness) clears the
    /// readiness and is returned.
    pub fn try_io<R>(
        &self,
        interest: Interest,
        f: impl FnOnce() -> io::Result<R>,
    ) -> io::Result<R> {
        let ev = self.shared.ready_event(interest);
        if ev.is_shutdown {
            return Err(shutdown_error());
        }
        if ev.ready.is_empty() {
            return Err(io::ErrorKind::WouldBlock.into());
        }
        match f() {
            Err(e) if e.kind() == io::ErrorKind::WouldBlock => {
                self.clear_readiness(ev);
                Err(e)
            }
            res => res,
        }
    }

    /// Waits until the resource is ready for any of `interest`. Many tasks
    /// may wait at once. Respects the cooperative budget.
    pub async fn readiness(&self, interest: Interest) -> io::Result<ReadyEvent> {
        let ev = self.shared.readiness(interest).await;
        if ev.is_shutdown {
            return Err(shutdown_error());
        }
        Ok(ev)
    }

    /// Waits for `interest` and runs `f` until it does not return
    /// `WouldBlock`.
    pub async fn async_io<R>(
        &self,
        interest: Interest,
        mut f: impl FnMut() -> io::Result<R>,
    ) -> io::Result<R> {
        loop {
            let ev = self.readiness(interest).await?;
            match f() {
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => self.clear_readiness(ev),
                res => return res,
            }
        }
    }
}

impl Drop for Registration {
    fn drop(&mut self) {
        self.handle.remove(&self.shared);
    }
}

impl fmt::Debug for Registration {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Registration")
            .field("token", &self.shared.token())
            .finish_non_exhaustive()
    }
}
