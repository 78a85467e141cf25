//! `copy`, `copy_buf`, `copy_bidirectional`.
//!
//! The engine is `CopyBuffer`: a buffer with a read cursor (`pos`) and an end
//! of data (`cap`). Each round of `poll_copy`
//!
//! 1. reads from the reader into the free space after `cap` whenever there is
//!    some (a read of zero bytes into free space is EOF), so that writes are
//!    as large as possible and a reader that becomes ready while the writer
//!    stalls is drained (its readiness re-armed) rather than left behind; a
//!    reader that is not ready does not stop bytes already buffered from
//!    being written;
//! 2. writes `buf[pos..cap]` to the writer until it is drained; while the
//!    writer is not ready, it tops the buffer up from the reader, so that the
//!    next write can be larger;
//! 3. at EOF with an empty buffer, flushes the writer and finishes.
//!
//! When the reader is not ready and bytes were written since the last flush,
//! the writer is flushed before returning `Pending`: the peer may be waiting
//! for those bytes before it sends more, and a buffering writer would
//! otherwise hold them forever (a deadlock).

use crate::util::write::write_zero;
use crate::util::DEFAULT_BUF_SIZE;
use crate::{AsyncBufRead, AsyncRead, AsyncWrite, ReadBuf};

use std::future::poll_fn;
use std::io;
use std::pin::Pin;
use std::task::{ready, Context, Poll};

#[derive(Debug)]
pub(crate) struct CopyBuffer {
    /// The reader returned EOF.
    read_done: bool,
    /// Bytes were written since the writer was last flushed.
    need_flush: bool,
    /// Next byte to write.
    pos: usize,
    /// End of the bytes read.
    cap: usize,
    /// Total bytes written.
    amt: u64,
    buf: Box<[u8]>,
}

impl CopyBuffer {
    pub(crate) fn new(size: usize) -> Self {
        debug_assert!(size > 0);
        CopyBuffer {
            read_done: false,
            need_flush: false,
            pos: 0,
            cap: 0,
            amt: 0,
            buf: vec![0; size].into_boxed_slice(),
        }
    }

    /// Reads into the free space after `cap`; a read of zero bytes is EOF
    /// (callers make sure there is free space).
    fn poll_fill_buf<R: AsyncRead + ?Sized>(
        &mut self,
        cx: &mut Context<'_>,
        reader: Pin<&mut R>,
    ) -> Poll<io::Result<()>> {
        let mut buf = ReadBuf::new(&mut self.buf);
        buf.set_filled(self.cap);
        ready!(reader.poll_read(cx, &mut buf))?;
        let filled = buf.filled().len();
        if filled == self.cap {
            self.read_done = true;
        }
        self.cap = filled.min(self.buf.len());
        Poll::Ready(Ok(()))
    }

    /// Writes the buffered bytes once; while the writer is not ready, reads
    /// more into the free space if there is some.
    fn poll_write_buf<R, W>(
        &mut self,
        cx: &mut Context<'_>,
        reader: Pin<&mut R>,
        writer: Pin<&mut W>,
    ) -> Poll<io::Result<usize>>
    where
        R: AsyncRead + ?Sized,
        W: AsyncWrite + ?Sized,
    {
        match writer.poll_write(cx, &self.buf[self.pos..self.cap]) {
            Poll::Pending => {
                if !self.read_done && self.cap < self.buf.len() {
                    // The result is only used to fill the buffer: an error
                    // is reported now, EOF or more data on the next round.
                    ready!(self.poll_fill_buf(cx, reader))?;
                }
                Poll::Pending
            }
            ready => ready,
        }
    }

    /// Copies until the reader is at EOF and everything is written and
    /// flushed; returns the number of bytes copied.
    pub(crate) fn poll_copy<R, W>(
        &mut self,
        cx: &mut Context<'_>,
        mut reader: Pin<&mut R>,
        mut writer: Pin<&mut W>,
    ) -> Poll<io::Result<u64>>
    where
        R: AsyncRead + ?Sized,
        W: AsyncWrite + ?Sized,
    {
        loop {
            // One unit of the cooperative budget per round: a copy between
            // always-ready ends still yields to other tasks. The unit is
            // given back if the round makes no progress.
            let coop = ready!(rt_task::coop::poll_proceed(cx));
            if self.pos == self.cap {
                // Everything read so far is written: start over at the front.
                self.pos = 0;
                self.cap = 0;
            }
            if self.cap < self.buf.len() && !self.read_done {
                match self.poll_fill_buf(cx, reader.as_mut()) {
                    Poll::Ready(Ok(())) => coop.made_progress(),
                    Poll::Ready(Err(e)) => return Poll::Ready(Err(e)),
                    // Bytes are waiting: write them now, the reader's waker
                    // stays registered for the next round.
                    Poll::Pending if self.pos < self.cap => {}
                    Poll::Pending => {
                        if self.need_flush {
                            ready!(writer.as_mut().poll_flush(cx))?;
                            self.need_flush = false;
                        }
                        return Poll::Pending;
                    }
                }
            }

            while self.pos < self.cap {
                let n = ready!(self.poll_write_buf(cx, reader.as_mut(), writer.as_mut()))?;
                if n == 0 {
                    return Poll::Ready(Err(write_zero("write zero byte into writer")));
                }
                // A writer claiming more than it was given is buggy; don't
                // let it push `pos` past `cap`.
                let n = n.min(self.cap - self.pos);
                self.pos += n;
                self.amt += n as u64;
                self.need_flush = true;
                coop.made_progress();
            }

            if self.pos == self.cap && self.read_done {
                ready!(writer.as_mut().poll_flush(cx))?;
                self.need_flush = false;
                return Poll::Ready(Ok(self.amt));
            }
        }
    }
}

/// Asynchronously copies the entire contents of a reader into a writer.
///
/// This function returns a future that will continuously read data from
/// `reader` and then write it into `writer` in a streaming fashion until
/// `reader` returns EOF or fails.
///
/// On success, the total number of bytes that were copied from `reader` to
/// `writer` is returned.
///
/// This is an asynchronous version of [`std::io::copy`][std].
///
/// A heap-allocated copy buffer with 8 KB is created to take data from the
/// reader to the writer, check [`copy_buf`] if you want an alternative for
/// [`AsyncBufRead`]. You can use `copy` with [`BufReader`] to change the
/// buffer capacity.
///
/// The writer is flushed when the copy completes, and also whenever the
/// reader has no data ready while written bytes are not yet flushed.
///
/// [std]: std::io::copy
/// [`BufReader`]: crate::BufReader
///
/// # Errors
///
/// The returned future will return an error immediately if any call to
/// `poll_read` or `poll_write` returns an error, and an error of kind
/// [`io::ErrorKind::WriteZero`] if the writer accepts zero bytes.
///
/// # Examples
///
/// ```
/// # futures::executor::block_on(async {
/// let mut reader: &[u8] = b"hello";
/// let mut writer: Vec<u8> = vec![];
///
/// rt_io::copy(&mut reader, &mut writer).await?;
///
/// assert_eq!(&b"hello"[..], &writer[..]);
/// # std::io::Result::Ok(()) }).unwrap();
/// ```
pub async fn copy<'a, R, W>(reader: &'a mut R, writer: &'a mut W) -> io::Result<u64>
where
    R: AsyncRead + Unpin + ?Sized,
    W: AsyncWrite + Unpin + ?Sized,
{
    let mut buf = CopyBuffer::new(DEFAULT_BUF_SIZE);
    poll_fn(|cx| buf.poll_copy(cx, Pin::new(&mut *reader), Pin::new(&mut *writer))).await
}

/// Asynchronously copies the entire contents of a reader into a writer.
///
/// This function returns a future that will continuously read data from
/// `reader` and then write it into `writer` in a streaming fashion until
/// `reader` returns EOF or fails.
///
/// On success, the total number of bytes that were copied from `reader` to
/// `writer` is returned.
///
/// This is a [`copy`] alternative for [`AsyncBufRead`] readers with no extra
/// buffer allocation, since [`AsyncBufRead`] allows access to the reader's
/// inner buffer. The writer is flushed when the copy completes (and when the
/// reader has no data ready while written bytes are not yet flushed).
///
/// # Errors
///
/// The returned future will finish with an error if any call to
/// `poll_fill_buf` or `poll_write` returns an error, and with an error of
/// kind [`io::ErrorKind::WriteZero`] if the writer accepts zero bytes.
///
/// # Examples
///
/// ```
/// # futures::executor::block_on(async {
/// let mut reader: &[u8] = b"hello";
/// let mut writer: Vec<u8> = vec![];
///
/// rt_io::copy_buf(&mut reader, &mut writer).await?;
///
/// assert_eq!(b"hello", &writer[..]);
/// # std::io::Result::Ok(()) }).unwrap();
/// ```
pub async fn copy_buf<'a, R, W>(reader: &'a mut R, writer: &'a mut W) -> io::Result<u64>
where
    R: AsyncBufRead + Unpin + ?Sized,
    W: AsyncWrite + Unpin + ?Sized,
{
    let mut amt: u64 = 0;
    let mut need_flush = false;
    poll_fn(|cx| loop {
        // One unit of the cooperative budget per round (see `poll_copy`).
        let coop = ready!(rt_task::coop::poll_proceed(cx));
        let mut reader = Pin::new(&mut *reader);
        let mut writer = Pin::new(&mut *writer);
        let available = match reader.as_mut().poll_fill_buf(cx) {
            Poll::Ready(Ok(available)) => available,
            Poll::Ready(Err(e)) => return Poll::Ready(Err(e)),
            Poll::Pending => {
                if need_flush {
                    ready!(writer.as_mut().poll_flush(cx))?;
                    need_flush = false;
                }
                return Poll::Pending;
            }
        };
        if available.is_empty() {
            ready!(writer.as_mut().poll_flush(cx))?;
            return Poll::Ready(Ok(amt));
        }
        let n = ready!(writer.as_mut().poll_write(cx, available))?;
        if n == 0 {
            return Poll::Ready(Err(write_zero("write zero byte into writer")));
        }
        let n = n.min(available.len());
        reader.as_mut().consume(n);
        amt += n as u64;
        need_flush = true;
        coop.made_progress();
    })
    .await
}

/// One direction of a `copy_bidirectional`.
enum TransferState {
    Running(CopyBuffer),
    ShuttingDown(u64),
    Done(u64),
}

fn transfer_one_direction<A, B>(
    cx: &mut Context<'_>,
    state: &mut TransferState,
    r: &mut A,
    w: &mut B,
) -> Poll<io::Result<u64>>
where
    A: AsyncRead + AsyncWrite + Unpin + ?Sized,
    B: AsyncRead + AsyncWrite + Unpin + ?Sized,
{
    let mut r = Pin::new(r);
    let mut w = Pin::new(w);
    // Each round moves the state forward or returns, so this ends.
    loop {
        match state {
            TransferState::Running(buf) => {
                let count = ready!(buf.poll_copy(cx, r.as_mut(), w.as_mut()))?;
                *state = TransferState::ShuttingDown(count);
            }
            TransferState::ShuttingDown(count) => {
                ready!(w.as_mut().poll_shutdown(cx))?;
                *state = TransferState::Done(*count);
            }
            TransferState::Done(count) => return Poll::Ready(Ok(*count)),
        }
    }
}

/// Copies data in both directions between `a` and `b`.
///
/// This function returns a future that will read from both streams,
/// writing any data read to the opposing stream.
/// This happens in both directions concurrently.
///
/// If an EOF is observed on one stream, [`shutdown()`] will be invoked on
/// the other, and reading from that stream will stop. Copying of data in
/// the other direction will continue.
///
/// The future will complete successfully once both directions of
/// communication has been shut down. A direction is shut down when the
/// reader reports EOF, at which point [`shutdown()`] is called on the
/// corresponding writer. When finished, it will return a tuple of the
/// number of bytes copied from a to b and the number of bytes copied from
/// b to a, in that order.
///
/// It uses two 8 KB buffers for transferring bytes between `a` and `b` by
/// default. To set your own buffers sizes use
/// [`copy_bidirectional_with_sizes()`].
///
/// [`shutdown()`]: crate::AsyncWriteExt::shutdown
///
/// # Errors
///
/// The future will immediately return an error if any IO operation on `a`
/// or `b` returns an error. Some data read from either stream may be lost (not
/// written to the other stream) in this case.
///
/// # Return value
///
/// Returns a tuple of bytes copied `a` to `b` and bytes copied `b` to `a`.
///
/// # Examples
///
/// ```
/// use rt_io::{AsyncReadExt, AsyncWriteExt};
///
/// # futures::executor::block_on(async {
/// let (mut a, mut a_peer) = rt_io::duplex(64);
/// let (mut b, mut b_peer) = rt_io::duplex(64);
/// a_peer.write_all(b"to b").await?;
/// a_peer.shutdown().await?;
/// b_peer.shutdown().await?;
/// let (a_to_b, b_to_a) = rt_io::copy_bidirectional(&mut a, &mut b).await?;
/// assert_eq!((a_to_b, b_to_a), (4, 0));
/// let mut got = Vec::new();
/// b_peer.read_to_end(&mut got).await?;
/// assert_eq!(got, b"to b");
/// # std::io::Result::Ok(()) }).unwrap();
/// ```
pub async fn copy_bidirectional<A, B>(a: &mut A, b: &mut B) -> io::Result<(u64, u64)>
where
    A: AsyncRead + AsyncWrite + Unpin + ?Sized,
    B: AsyncRead + AsyncWrite + Unpin + ?Sized,
{
    copy_bidirectional_impl(a, b, DEFAULT_BUF_SIZE, DEFAULT_BUF_SIZE).await
}

/// Copies data in both directions between `a` and `b` using buffers of the
/// specified size.
///
/// This method is the same as the [`copy_bidirectional()`], except that it
/// allows you to set the size of the internal buffers used when copying data.
///
/// # Panics
///
/// Panics if either buffer size is zero (a zero-sized buffer could never
/// carry a byte). Tokio does not check this.
pub async fn copy_bidirectional_with_sizes<A, B>(
    a: &mut A,
    b: &mut B,
    a_to_b_buf_size: usize,
    b_to_a_buf_size: usize,
) -> io::Result<(u64, u64)>
where
    A: AsyncRead + AsyncWrite + Unpin + ?Sized,
    B: AsyncRead + AsyncWrite + Unpin + ?Sized,
{
    assert!(
        a_to_b_buf_size > 0,
        "copy_bidirectional_with_sizes: `a_to_b_buf_size` must be greater than zero"
    );
    assert!(
        b_to_a_buf_size > 0,
        "copy_bidirectional_with_sizes: `b_to_a_buf_size` must be greater than zero"
    );
    copy_bidirectional_impl(a, b, a_to_b_buf_size, b_to_a_buf_size).await
}

async fn copy_bidirectional_impl<A, B>(
    a: &mut A,
    b: &mut B,
    a_to_b_buf_size: usize,
    b_to_a_buf_size: usize,
) -> io::Result<(u64, u64)>
where
    A: AsyncRead + AsyncWrite + Unpin + ?Sized,
    B: AsyncRead + AsyncWrite + Unpin + ?Sized,
{
    let mut a_to_b = TransferState::Running(CopyBuffer::new(a_to_b_buf_size));
    let mut b_to_a = TransferState::Running(CopyBuffer::new(b_to_a_buf_size));
    poll_fn(|cx| {
        let a_to_b = transfer_one_direction(cx, &mut a_to_b, &mut *a, &mut *b)?;
        let b_to_a = transfer_one_direction(cx, &mut b_to_a, &mut *b, &mut *a)?;
        let a_to_b = ready!(a_to_b);
        let b_to_a = ready!(b_to_a);
        Poll::Ready(Ok((a_to_b, b_to_a)))
    })
    .await
}
