//! Standard input, output and error (feature `io-std`).
//!
//! The process's standard streams are blocking file descriptors, so every
//! read, write and flush runs on the blocking pool of the current runtime
//! (on a plain helper thread when no rt runtime is current), as Tokio does.
//!
//! # The protocol of [`Blocking`]
//!
//! Each stream is a state machine with at most one operation in flight:
//!
//! * `Idle(buf)`: the std handle and a buffer are here.
//! * `Busy(task)`: both moved into a blocking task that returns them with
//!   the operation's result.
//!
//! A **read** first hands out bytes left in the buffer from the previous
//! read; otherwise it moves the handle and buffer to a blocking task that
//! reads at most `min(dst.remaining(), MAX_BUF)` bytes, and waits for it.
//! A **write** copies up to `MAX_BUF` bytes into the buffer, starts a
//! blocking `write_all` of them, and reports them as written at once; the
//! next write (or flush) first waits for that task and reports its error,
//! if any. A **flush** waits for the write in flight, then runs a blocking
//! `flush`. `poll_shutdown` is `poll_flush`.
//!
//! If the runtime shuts down while an operation is in flight, the handle is
//! lost with the cancelled task; the stream then fails every later
//! operation with an error instead of hanging.

mod blocking;

use std::fmt;
use std::io::{self, IoSlice};
use std::os::unix::io::{AsFd, AsRawFd, BorrowedFd, RawFd};
use std::pin::Pin;
use std::task::{Context, Poll};

use crate::{AsyncRead, AsyncWrite, ReadBuf};
use blocking::Blocking;

/// A handle to the standard input stream of a process.
///
/// The handle implements the [`AsyncRead`] trait, but beware that concurrent
/// reads of `Stdin` must be executed with care.
///
/// This handle is best used for non-interactive uses, such as when a file
/// is piped into the application. For technical reasons, `stdin` is
/// implemented by using an ordinary blocking read on a separate thread, and
/// it is impossible to cancel that read. This can make shutdown of the
/// runtime hang until the user presses enter.
///
/// Created by the [`stdin`] function.
pub struct Stdin {
    std: Blocking<io::Stdin>,
}

/// A handle to the global standard output stream of the current process.
///
/// The handle implements the [`AsyncWrite`] trait. Writes are buffered and
/// completed on the blocking pool: call
/// [`flush`](crate::AsyncWriteExt::flush) to wait until they reached the
/// OS. Concurrent writes to `Stdout` must be executed with care: only
/// individual writes are guaranteed not to be interleaved.
///
/// Created by the [`stdout`] function.
pub struct Stdout {
    std: Blocking<io::Stdout>,
}

/// A handle to the standard error stream of a process (see [`Stdout`]).
///
/// Created by the [`stderr`] function.
pub struct Stderr {
    std: Blocking<io::Stderr>,
}

/// Constructs a new handle to the standard input of the current process.
///
/// Reads run on the blocking pool of the current runtime, or on a helper
/// thread when no rt runtime is current.
///
/// ```no_run
/// use rt_io::AsyncReadExt;
///
/// # futures::executor::block_on(async {
/// let mut input = String::new();
/// rt_io::stdin().read_to_string(&mut input).await?;
/// # std::io::Result::Ok(()) });
/// ```
pub fn stdin() -> Stdin {
    Stdin {
        std: Blocking::new(io::stdin()),
    }
}

/// Constructs a new handle to the standard output of the current process.
///
/// ```
/// use rt_io::AsyncWriteExt;
///
/// # futures::executor::block_on(async {
/// let mut stdout = rt_io::stdout();
/// stdout.write_all(b"Hello world!\n").await?;
/// stdout.flush().await?;
/// # std::io::Result::Ok(()) }).unwrap();
/// ```
pub fn stdout() -> Stdout {
    Stdout {
        std: Blocking::new(io::stdout()),
    }
}

/// Constructs a new handle to the standard error of the current process.
///
/// ```
/// use rt_io::AsyncWriteExt;
///
/// # futures::executor::block_on(async {
/// let mut stderr = rt_io::stderr();
/// stderr.write_all(b"Print some error here.\n").await?;
/// stderr.flush().await?;
/// # std::io::Result::Ok(()) }).unwrap();
/// ```
pub fn stderr() -> Stderr {
    Stderr {
        std: Blocking::new(io::stderr()),
    }
}

impl AsyncRead for Stdin {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        self.std.poll_read(cx, buf)
    }
}

macro_rules! writer {
    ($ty:ty) => {
        impl AsyncWrite for $ty {
            fn poll_write(
                mut self: Pin<&mut Self>,
                cx: &mut Context<'_>,
                buf: &[u8],
            ) -> Poll<io::Result<usize>> {
                self.std.poll_write(cx, buf)
            }

            fn poll_write_vectored(
                mut self: Pin<&mut Self>,
                cx: &mut Context<'_>,
                bufs: &[IoSlice<'_>],
            ) -> Poll<io::Result<usize>> {
                let buf = bufs
                    .iter()
                    .find(|b| !b.is_empty())
                    .map_or(&[][..], |b| &**b);
                self.std.poll_write(cx, buf)
            }

            fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
                self.std.poll_flush(cx)
            }

            fn poll_shutdown(
                mut self: Pin<&mut Self>,
                cx: &mut Context<'_>,
            ) -> Poll<io::Result<()>> {
                self.std.poll_flush(cx)
            }
        }
    };
}

writer!(Stdout);
writer!(Stderr);

macro_rules! fd {
    ($ty:ty, $std:expr, $name:literal) => {
        impl AsRawFd for $ty {
            fn as_raw_fd(&self) -> RawFd {
                $std.as_raw_fd()
            }
        }

        impl AsFd for $ty {
            fn as_fd(&self) -> BorrowedFd<'_> {
                // SAFETY: the standard streams' fds stay open for the
                // whole life of the process.
                unsafe { BorrowedFd::borrow_raw(self.as_raw_fd()) }
            }
        }

        impl fmt::Debug for $ty {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.debug_struct($name).finish_non_exhaustive()
            }
        }
    };
}

fd!(Stdin, io::stdin(), "Stdin");
fd!(Stdout, io::stdout(), "Stdout");
fd!(Stderr, io::stderr(), "Stderr");
