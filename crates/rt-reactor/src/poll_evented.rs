//! `PollEvented`: a mio source owned together with its registration.

use std::fmt;
use std::io::{self, IoSlice, Read, Write};
use std::ops::Deref;
use std::task::{ready, Context, Poll};

use mio::event::Source;

use crate::driver::Handle;
use crate::{Interest, ReadyEvent, Registration};

/// A mio [`Source`] registered with the I/O driver.
///
/// Internal building block of rt's socket, pipe and signal types: it owns
/// the source, deregisters it on drop, and offers readiness-driven read and
/// write loops. It dereferences to the source for option getters/setters.
///
/// The read and write loops clear readiness not only on `WouldBlock` but
/// also after a short read or write (fewer bytes than asked for), which on
/// the supported platforms means the kernel buffer was drained or filled:
/// this saves the extra system call that would return `WouldBlock`. The
/// tick check keeps that safe (see `scheduled_io.rs`).
pub struct PollEvented<E: Source> {
    io: Option<E>,
    registration: Registration,
    /// Whether dropping deregisters the source before closing it.
    deregister_on_drop: bool,
}

impl<E: Source> PollEvented<E> {
    /// Registers `io` for reading and writing with the current driver.
    #[track_caller]
    pub fn new(io: E) -> io::Result<Self> {
        PollEvented::new_with_interest(io, Interest::READABLE | Interest::WRITABLE)
    }

    /// Registers `io` for `interest` with the current driver
    /// ([`Handle::current`]).
    #[track_caller]
    pub fn new_with_interest(io: E, interest: Interest) -> io::Result<Self> {
        Self::new_with_interest_and_handle(io, interest, Handle::current())
    }

    /// Registers `io` for `interest` with the driver of `handle`.
    pub fn new_with_interest_and_handle(
        mut io: E,
        interest: Interest,
        handle: Handle,
    ) -> io::Result<Self> {
        let registration = Registration::new_with_interest_and_handle(&mut io, interest, handle)?;
        Ok(PollEvented {
            io: Some(io),
            registration,
            deregister_on_drop: true,
        })
    }

    /// Drops the source without deregistering it first: one `epoll_ctl`
    /// system call less per resource.
    ///
    /// Only for a source that owns its file descriptor (dropping it closes
    /// the fd), such as mio's sockets: closing the last descriptor of an
    /// open file removes it from the epoll set anyway. If the descriptor
    /// was duplicated and a duplicate outlives the source, the kernel keeps
    /// reporting its readiness under this registration's token; the driver
    /// drops such events (the slot's generation no longer matches), so they
    /// cost a spurious wake-up but never reach another resource. Do not
    /// use it for sources that borrow their fd (`mio::unix::SourceFd`): the
    /// fd stays open and registered, and registering it again would fail.
    #[must_use]
    pub fn without_deregister_on_drop(mut self) -> Self {
        self.deregister_on_drop = false;
        self
    }

    /// The registration (readiness, `try_io`, `async_io`, …).
    pub fn registration(&self) -> &Registration {
        &self.registration
    }

    /// Deregisters the source and returns it.
    pub fn into_inner(mut self) -> io::Result<E> {
        let mut io = self.io.take().expect("PollEvented: source already taken");
        self.registration.deregister(&mut io)?;
        Ok(io)
    }

    fn io(&self) -> &E {
        self.io.as_ref().expect("PollEvented: source already taken")
    }

    /// Reads into `buf` once data is ready.
    pub fn poll_read<'a>(&'a self, cx: &mut Context<'_>, buf: &mut [u8]) -> Poll<io::Result<usize>>
    where
        &'a E: Read + 'a,
    {
        let len = buf.len();
        self.poll_transfer(cx, len, Registration::poll_read_ready, || {
            Read::read(&mut self.io(), buf).map(|n| (n, false))
        })
    }

    /// Like [`poll_read`](Self::poll_read) with a custom read of at most
    /// `len` bytes, which also says whether it knows that it left nothing
    /// to read (a full read that drained the source then clears readiness
    /// like a short one; rt-net's `TCP_INQ` reads).
    pub fn poll_read_with(
        &self,
        cx: &mut Context<'_>,
        len: usize,
        read: impl FnMut() -> io::Result<(usize, bool)>,
    ) -> Poll<io::Result<usize>> {
        self.poll_transfer(cx, len, Registration::poll_read_ready, read)
    }

    /// Writes `buf` once the source is writable.
    pub fn poll_write<'a>(&'a self, cx: &mut Context<'_>, buf: &[u8]) -> Poll<io::Result<usize>>
    where
        &'a E: Write + 'a,
    {
        self.poll_transfer(cx, buf.len(), Registration::poll_write_ready, || {
            Write::write(&mut self.io(), buf).map(|n| (n, false))
        })
    }

    /// The read and write loop: waits for readiness (`poll_ready`) and
    /// runs `op` (a transfer of at most `len` bytes, and whether it knows it
    /// drained the source). `WouldBlock`, a short transfer (some bytes,
    /// fewer than `len`: the kernel buffer was drained or filled), or a
    /// transfer that reports the source drained, clears the readiness of the
    /// edge it acted on.
    #[inline]
    fn poll_transfer(
        &self,
        cx: &mut Context<'_>,
        len: usize,
        poll_ready: fn(&Registration, &mut Context<'_>) -> Poll<io::Result<ReadyEvent>>,
        mut op: impl FnMut() -> io::Result<(usize, bool)>,
    ) -> Poll<io::Result<usize>> {
        loop {
            let ev = ready!(poll_ready(&self.registration, cx))?;
            match op() {
                Ok((n, drained)) => {
                    if n > 0 && (n < len || drained) {
                        self.registration.clear_readiness(ev);
                    }
                    return Poll::Ready(Ok(n));
                }
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => {
                    self.registration.clear_readiness(ev);
                }
                Err(e) => return Poll::Ready(Err(e)),
            }
        }
    }

    /// Writes `bufs` (vectored) once the source is writable.
    pub fn poll_write_vectored<'a>(
        &'a self,
        cx: &mut Context<'_>,
        bufs: &[IoSlice<'_>],
    ) -> Poll<io::Result<usize>>
    where
        &'a E: Write + 'a,
    {
        self.registration
            .poll_write_io(cx, || Write::write_vectored(&mut self.io(), bufs))
    }
}

impl<E: Source> Deref for PollEvented<E> {
    type Target = E;

    fn deref(&self) -> &E {
        self.io()
    }
}

impl<E: Source> Drop for PollEvented<E> {
    fn drop(&mut self) {
        if let Some(mut io) = self.io.take() {
            // Deregister before the fd closes (unless the owner said the
            // close does it): the registration's slot is freed right after,
            // and the fd number may be reused at once.
            if self.deregister_on_drop {
                let _ = self.registration.deregister(&mut io);
            }
            // The fd closes here, before the slot is freed.
            drop(io);
        }
    }
}

impl<E: Source + fmt::Debug> fmt::Debug for PollEvented<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PollEvented").field("io", &self.io).finish()
    }
}
