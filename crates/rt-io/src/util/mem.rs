//! In-process memory I/O: `duplex` / `DuplexStream`, `simplex` /
//! `SimplexStream`.
//!
//! A `SimplexStream` is a bounded byte queue with one parked reader waker and
//! one parked writer waker. Its protocol, under the lock of whoever owns it:
//!
//! * a read takes bytes if there are any (and wakes the writer, since space
//!   was freed); with no bytes it returns EOF if the pipe is closed, else
//!   parks the reader's waker and returns `Pending`;
//! * a write fails with `BrokenPipe` if the pipe is closed; otherwise it adds
//!   as many bytes as fit (and wakes the reader), or with no space parks the
//!   writer's waker and returns `Pending`;
//! * closing (by shutdown or by a `DuplexStream` being dropped) sets the flag
//!   and wakes the side that may be parked waiting for the other.
//!
//! Every transition that could unblock the other side wakes it, and a side
//! only parks after seeing (under the same lock) that it cannot progress, so
//! no wakeup is lost.

use crate::halves::{split, ReadHalf, WriteHalf};
use crate::{AsyncRead, AsyncWrite, ReadBuf};

use std::collections::VecDeque;
use std::io::{self, IoSlice};
use std::pin::Pin;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::task::{ready, Context, Poll, Waker};

/// A bidirectional pipe to read and write bytes in memory.
///
/// A pair of `DuplexStream`s are created together, and they act as a "channel"
/// that can be used as in-memory IO types. Writing to one of the pairs will
/// allow that data to be read from the other, and vice versa.
///
/// # Closing a `DuplexStream`
///
/// If one end of the `DuplexStream` channel is dropped, any pending reads on
/// the other side will continue to read data until the buffer is drained, then
/// they will signal EOF by returning 0 bytes. Any writes to the other side,
/// including pending ones (that are waiting for free space in the buffer) will
/// return `Err(BrokenPipe)` immediately.
///
/// Shutting down one end ([`shutdown`](crate::AsyncWriteExt::shutdown))
/// closes only its writing direction: the peer reads the remaining bytes and
/// then EOF, and further writes by this end fail with `BrokenPipe`.
///
/// # Example
///
/// ```
/// use rt_io::{AsyncReadExt, AsyncWriteExt};
///
/// # futures::executor::block_on(async {
/// let (mut client, mut server) = rt_io::duplex(64);
///
/// client.write_all(b"ping").await?;
///
/// let mut buf = [0u8; 4];
/// server.read_exact(&mut buf).await?;
/// assert_eq!(&buf, b"ping");
///
/// server.write_all(b"pong").await?;
///
/// client.read_exact(&mut buf).await?;
/// assert_eq!(&buf, b"pong");
/// # std::io::Result::Ok(()) }).unwrap();
/// ```
#[derive(Debug)]
pub struct DuplexStream {
    read: Arc<Mutex<SimplexStream>>,
    write: Arc<Mutex<SimplexStream>>,
}

/// A unidirectional pipe to read and write bytes in memory.
///
/// It can be constructed by [`simplex`] function which will create a pair of
/// reader and writer or by calling [`SimplexStream::new_unsplit`] that will
/// create a handle for both reading and writing.
///
/// Reads return EOF once the buffer is empty and the stream was shut down
/// ([`shutdown`](crate::AsyncWriteExt::shutdown)); writes after shutdown fail
/// with `BrokenPipe`. As in Tokio, dropping the [`WriteHalf`] returned by
/// [`simplex`] does *not* close the stream: shut it down first, or the reader
/// waits for more bytes forever.
///
/// # Example
///
/// ```
/// use rt_io::{AsyncReadExt, AsyncWriteExt};
///
/// # futures::executor::block_on(async {
/// let (mut receiver, mut sender) = rt_io::simplex(64);
///
/// sender.write_all(b"ping").await?;
///
/// let mut buf = [0u8; 4];
/// receiver.read_exact(&mut buf).await?;
/// assert_eq!(&buf, b"ping");
/// # std::io::Result::Ok(()) }).unwrap();
/// ```
#[derive(Debug)]
pub struct SimplexStream {
    /// The bytes written and not yet read.
    buffer: VecDeque<u8>,
    /// The write side is closed (shut down, or a `DuplexStream` end dropped).
    is_closed: bool,
    /// The maximum amount of bytes that can be written before returning
    /// `Poll::Pending`.
    max_buf_size: usize,
    /// The reader parked waiting for bytes.
    read_waker: Option<Waker>,
    /// The writer parked waiting for space.
    write_waker: Option<Waker>,
}

/// Create a new pair of `DuplexStream`s that act like a pair of connected
/// sockets.
///
/// The `max_buf_size` argument is the maximum amount of bytes that can be
/// written to a side before the write returns `Poll::Pending`.
///
/// # Panics
///
/// Panics if `max_buf_size` is zero (no byte could ever be written; Tokio
/// would hang instead).
#[track_caller]
pub fn duplex(max_buf_size: usize) -> (DuplexStream, DuplexStream) {
    let one = Arc::new(Mutex::new(SimplexStream::new_unsplit(max_buf_size)));
    let two = Arc::new(Mutex::new(SimplexStream::new_unsplit(max_buf_size)));
    (
        DuplexStream {
            read: one.clone(),
            write: two.clone(),
        },
        DuplexStream {
            read: two,
            write: one,
        },
    )
}

/// Creates unidirectional buffer that acts like in memory pipe.
///
/// The `max_buf_size` argument is the maximum amount of bytes that can be
/// written to a buffer before the it returns `Poll::Pending`.
///
/// # Unify reader and writer
///
/// The reader and writer half can be unified into a single structure
/// of `SimplexStream` that supports both reading and writing or
/// the `SimplexStream` can be already created as unified structure
/// using [`SimplexStream::new_unsplit()`].
///
/// ```
/// use rt_io::{AsyncReadExt, AsyncWriteExt};
///
/// # futures::executor::block_on(async {
/// let (reader, writer) = rt_io::simplex(64);
/// let mut simplex_stream = reader.unsplit(writer);
/// simplex_stream.write_all(b"hello").await?;
///
/// let mut buf = [0u8; 5];
/// simplex_stream.read_exact(&mut buf).await?;
/// assert_eq!(&buf, b"hello");
/// # std::io::Result::Ok(()) }).unwrap();
/// ```
///
/// # Panics
///
/// Panics if `max_buf_size` is zero.
#[track_caller]
pub fn simplex(max_buf_size: usize) -> (ReadHalf<SimplexStream>, WriteHalf<SimplexStream>) {
    split(SimplexStream::new_unsplit(max_buf_size))
}

fn lock(pipe: &Mutex<SimplexStream>) -> MutexGuard<'_, SimplexStream> {
    // The pipe's state stays consistent even if a waker panicked while the
    // lock was held, so poisoning is ignored.
    pipe.lock().unwrap_or_else(PoisonError::into_inner)
}

/// Stores `cx`'s waker in `slot`, reusing the stored one if it is
/// equivalent.
fn park(slot: &mut Option<Waker>, cx: &Context<'_>) {
    match slot {
        Some(waker) if waker.will_wake(cx.waker()) => {}
        _ => *slot = Some(cx.waker().clone()),
    }
}

fn wake(slot: &mut Option<Waker>) {
    if let Some(waker) = slot.take() {
        waker.wake();
    }
}

impl SimplexStream {
    /// Creates unidirectional buffer that acts like in memory pipe. To create split
    /// version with separate reader and writer you can use [`simplex`] function.
    ///
    /// The `max_buf_size` argument is the maximum amount of bytes that can be
    /// written to a buffer before the it returns `Poll::Pending`.
    ///
    /// # Panics
    ///
    /// Panics if `max_buf_size` is zero.
    #[track_caller]
    pub fn new_unsplit(max_buf_size: usize) -> SimplexStream {
        assert!(
            max_buf_size > 0,
            "`max_buf_size` must be greater than zero: a pipe that holds no bytes can never be written"
        );
        SimplexStream {
            buffer: VecDeque::new(),
            is_closed: false,
            max_buf_size,
            read_waker: None,
            write_waker: None,
        }
    }

    /// Closes the write side: the reader gets the remaining bytes, then EOF.
    fn close_write(&mut self) {
        self.is_closed = true;
        wake(&mut self.read_waker);
    }

    /// Closes the read side: writers get `BrokenPipe`.
    fn close_read(&mut self) {
        self.is_closed = true;
        wake(&mut self.write_waker);
    }

    fn poll_read_internal(
        &mut self,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let coop = ready!(rt_task::coop::poll_proceed(cx));
        if !self.buffer.is_empty() {
            let n = self.buffer.len().min(buf.remaining());
            let (front, back) = self.buffer.as_slices();
            let from_front = n.min(front.len());
            buf.put_slice(&front[..from_front]);
            buf.put_slice(&back[..n - from_front]);
            self.buffer.drain(..n);
            if n > 0 {
                wake(&mut self.write_waker);
            }
            coop.made_progress();
            Poll::Ready(Ok(()))
        } else if self.is_closed {
            coop.made_progress();
            Poll::Ready(Ok(()))
        } else {
            park(&mut self.read_waker, cx);
            Poll::Pending
        }
    }

    /// Space left before writes return `Pending`, or `BrokenPipe` if closed;
    /// parks the writer when there is no space.
    fn poll_space(&mut self, cx: &mut Context<'_>) -> Poll<io::Result<usize>> {
        if self.is_closed {
            return Poll::Ready(Err(io::ErrorKind::BrokenPipe.into()));
        }
        let available = self.max_buf_size.saturating_sub(self.buffer.len());
        if available == 0 {
            park(&mut self.write_waker, cx);
            return Poll::Pending;
        }
        Poll::Ready(Ok(available))
    }

    fn poll_write_internal(&mut self, cx: &mut Context<'_>, buf: &[u8]) -> Poll<io::Result<usize>> {
        let coop = ready!(rt_task::coop::poll_proceed(cx));
        if buf.is_empty() && !self.is_closed {
            return Poll::Ready(Ok(0));
        }
        let available = match self.poll_space(cx) {
            Poll::Ready(Ok(available)) => available,
            Poll::Ready(Err(e)) => {
                coop.made_progress();
                return Poll::Ready(Err(e));
            }
            Poll::Pending => return Poll::Pending,
        };
        let n = buf.len().min(available);
        self.buffer.extend(&buf[..n]);
        wake(&mut self.read_waker);
        coop.made_progress();
        Poll::Ready(Ok(n))
    }

    fn poll_write_vectored_internal(
        &mut self,
        cx: &mut Context<'_>,
        bufs: &[IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        let coop = ready!(rt_task::coop::poll_proceed(cx));
        if bufs.iter().all(|b| b.is_empty()) && !self.is_closed {
            return Poll::Ready(Ok(0));
        }
        let mut available = match self.poll_space(cx) {
            Poll::Ready(Ok(available)) => available,
            Poll::Ready(Err(e)) => {
                coop.made_progress();
                return Poll::Ready(Err(e));
            }
            Poll::Pending => return Poll::Pending,
        };
        let mut n = 0;
        for b in bufs {
            if available == 0 {
                break;
            }
            let take = b.len().min(available);
            self.buffer.extend(&b[..take]);
            available -= take;
            n += take;
        }
        wake(&mut self.read_waker);
        coop.made_progress();
        Poll::Ready(Ok(n))
    }
}

impl AsyncRead for SimplexStream {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        self.get_mut().poll_read_internal(cx, buf)
    }
}

impl AsyncWrite for SimplexStream {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        self.get_mut().poll_write_internal(cx, buf)
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        self.get_mut().poll_write_vectored_internal(cx, bufs)
    }

    fn is_write_vectored(&self) -> bool {
        true
    }

    fn poll_flush(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<io::Result<()>> {
        Poll::Ready(Ok(()))
    }

    fn poll_shutdown(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<io::Result<()>> {
        self.get_mut().close_write();
        Poll::Ready(Ok(()))
    }
}

impl AsyncRead for DuplexStream {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        lock(&self.read).poll_read_internal(cx, buf)
    }
}

impl AsyncWrite for DuplexStream {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        lock(&self.write).poll_write_internal(cx, buf)
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        lock(&self.write).poll_write_vectored_internal(cx, bufs)
    }

    fn is_write_vectored(&self) -> bool {
        true
    }

    fn poll_flush(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<io::Result<()>> {
        Poll::Ready(Ok(()))
    }

    fn poll_shutdown(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<io::Result<()>> {
        lock(&self.write).close_write();
        Poll::Ready(Ok(()))
    }
}

impl Drop for DuplexStream {
    fn drop(&mut self) {
        // Notify the other side of the closure: it reads what is left and
        // then EOF, and its writes fail.
        lock(&self.write).close_write();
        lock(&self.read).close_read();
    }
}
