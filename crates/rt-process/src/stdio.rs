//! `ChildStdin`, `ChildStdout`, `ChildStderr`: the child's pipes, made
//! non-blocking and registered with the reactor.

use std::fmt;
use std::io::{self, IoSlice};
use std::os::fd::{AsFd, AsRawFd, BorrowedFd, OwnedFd, RawFd};
use std::pin::Pin;
use std::process::Stdio;
use std::task::{ready, Context, Poll};

use mio::unix::pipe::{Receiver, Sender};
use rt_io::{AsyncRead, AsyncWrite, ReadBuf};
use rt_reactor::{Handle, Interest, PollEvented};

/// The standard input stream for spawned children.
///
/// This type implements the `AsyncWrite` trait to pass data to the stdin
/// handle of a child process asynchronously. The child sees end-of-file
/// once this handle is dropped (as in Tokio, `shutdown` does not close it).
pub struct ChildStdin {
    inner: PollEvented<Sender>,
}

/// The standard output stream for spawned children.
///
/// This type implements the `AsyncRead` trait to read data from the stdout
/// handle of a child process asynchronously.
pub struct ChildStdout {
    inner: PollEvented<Receiver>,
}

/// The standard error stream for spawned children.
///
/// This type implements the `AsyncRead` trait to read data from the stderr
/// handle of a child process asynchronously.
pub struct ChildStderr {
    inner: PollEvented<Receiver>,
}

fn register<E: mio::event::Source>(
    io: E,
    interest: Interest,
    handle: Handle,
) -> io::Result<PollEvented<E>> {
    PollEvented::new_with_interest_and_handle(io, interest, handle)
}

impl ChildStdin {
    /// Creates an asynchronous `ChildStdin` from a synchronous one,
    /// registered with the current reactor (the global one when no rt
    /// runtime is current).
    ///
    /// # Errors
    ///
    /// Fails if the pipe cannot be made non-blocking or registered.
    ///
    /// # Panics
    ///
    /// Panics if an rt runtime is current but has no I/O driver.
    #[track_caller]
    pub fn from_std(inner: std::process::ChildStdin) -> io::Result<Self> {
        Self::with_handle(inner, Handle::current())
    }

    pub(crate) fn with_handle(inner: std::process::ChildStdin, handle: Handle) -> io::Result<Self> {
        let pipe = Sender::from(inner);
        pipe.set_nonblocking(true)?;
        Ok(ChildStdin {
            inner: register(pipe, Interest::WRITABLE, handle)?,
        })
    }

    /// Deregisters the pipe, makes it blocking again and returns its fd.
    pub fn into_owned_fd(self) -> io::Result<OwnedFd> {
        let pipe = self.inner.into_inner()?;
        pipe.set_nonblocking(false)?;
        Ok(OwnedFd::from(pipe))
    }
}

macro_rules! reader {
    ($ty:ident, $std:ty) => {
        impl $ty {
            /// Creates an asynchronous handle from a synchronous one,
            /// registered with the current reactor (the global one when no
            /// rt runtime is current).
            ///
            /// # Errors
            ///
            /// Fails if the pipe cannot be made non-blocking or registered.
            ///
            /// # Panics
            ///
            /// Panics if an rt runtime is current but has no I/O driver.
            #[track_caller]
            pub fn from_std(inner: $std) -> io::Result<Self> {
                Self::with_handle(inner, Handle::current())
            }

            pub(crate) fn with_handle(inner: $std, handle: Handle) -> io::Result<Self> {
                let pipe = Receiver::from(inner);
                pipe.set_nonblocking(true)?;
                Ok($ty {
                    inner: register(pipe, Interest::READABLE, handle)?,
                })
            }

            /// Deregisters the pipe, makes it blocking again and returns its
            /// fd.
            pub fn into_owned_fd(self) -> io::Result<OwnedFd> {
                let pipe = self.inner.into_inner()?;
                pipe.set_nonblocking(false)?;
                Ok(OwnedFd::from(pipe))
            }
        }

        impl AsyncRead for $ty {
            fn poll_read(
                self: Pin<&mut Self>,
                cx: &mut Context<'_>,
                buf: &mut ReadBuf<'_>,
            ) -> Poll<io::Result<()>> {
                let n = ready!(self.inner.poll_read(cx, buf.initialize_unfilled()))?;
                buf.advance(n);
                Poll::Ready(Ok(()))
            }
        }

        impl AsRawFd for $ty {
            fn as_raw_fd(&self) -> RawFd {
                self.inner.as_raw_fd()
            }
        }

        impl AsFd for $ty {
            fn as_fd(&self) -> BorrowedFd<'_> {
                self.inner.as_fd()
            }
        }

        impl TryFrom<$ty> for Stdio {
            type Error = io::Error;

            /// Turns the pipe into a blocking `Stdio` for another child
            /// (e.g. one child's stdout as the next one's stdin).
            fn try_from(io: $ty) -> io::Result<Stdio> {
                io.into_owned_fd().map(Stdio::from)
            }
        }

        impl fmt::Debug for $ty {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.debug_struct(stringify!($ty))
                    .field("fd", &self.inner.as_raw_fd())
                    .finish()
            }
        }
    };
}

reader!(ChildStdout, std::process::ChildStdout);
reader!(ChildStderr, std::process::ChildStderr);

impl AsyncWrite for ChildStdin {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        self.inner.poll_write(cx, buf)
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        self.inner.poll_write_vectored(cx, bufs)
    }

    fn is_write_vectored(&self) -> bool {
        true
    }

    fn poll_flush(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<io::Result<()>> {
        Poll::Ready(Ok(()))
    }

    fn poll_shutdown(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<io::Result<()>> {
        Poll::Ready(Ok(()))
    }
}

impl AsRawFd for ChildStdin {
    fn as_raw_fd(&self) -> RawFd {
        self.inner.as_raw_fd()
    }
}

impl AsFd for ChildStdin {
    fn as_fd(&self) -> BorrowedFd<'_> {
        self.inner.as_fd()
    }
}

impl TryFrom<ChildStdin> for Stdio {
    type Error = io::Error;

    /// Turns the pipe into a blocking `Stdio` for another child.
    fn try_from(io: ChildStdin) -> io::Result<Stdio> {
        io.into_owned_fd().map(Stdio::from)
    }
}

impl fmt::Debug for ChildStdin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ChildStdin")
            .field("fd", &self.inner.as_raw_fd())
            .finish()
    }
}
