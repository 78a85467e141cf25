use crate::util::write::write_zero;
use crate::util::DEFAULT_BUF_SIZE;
use crate::{AsyncBufRead, AsyncRead, AsyncSeek, AsyncWrite, ReadBuf};

use std::fmt;
use std::io::{self, IoSlice, SeekFrom};
use std::pin::Pin;
use std::task::{ready, Context, Poll};

/// Wraps a writer and buffers its output.
///
/// It can be excessively inefficient to work directly with something that
/// implements [`AsyncWrite`]. A `BufWriter` keeps an in-memory buffer of data
/// and writes it to an underlying writer in large, infrequent batches.
///
/// `BufWriter` can improve the speed of programs that make *small* and
/// *repeated* write calls to the same file or network socket. It does not
/// help when writing very large amounts at once, or writing just one or a few
/// times. It also provides no advantage when writing to a destination that is
/// in memory, like a `Vec<u8>`.
///
/// A write that does not fit in the free part of the buffer first flushes
/// the buffer; a write at least as large as the whole buffer then goes
/// straight to the inner writer.
///
/// When the `BufWriter` is dropped, the contents of its buffer will be
/// discarded. Creating multiple instances of a `BufWriter` on the same
/// stream can cause data loss. If you need to write out the contents of its
/// buffer, you must manually call flush before the writer is dropped.
///
/// Seeking (through [`AsyncSeek`]) writes out the buffer before the seek.
///
/// # Examples
///
/// ```
/// use rt_io::{AsyncWriteExt, BufWriter};
///
/// # futures::executor::block_on(async {
/// let mut writer = BufWriter::new(Vec::new());
/// writer.write_all(b"buffered").await?;
/// assert!(writer.get_ref().is_empty());
/// writer.flush().await?;
/// assert_eq!(writer.get_ref(), b"buffered");
/// # std::io::Result::Ok(()) }).unwrap();
/// ```
pub struct BufWriter<W> {
    pub(crate) inner: W,
    pub(crate) state: WriterState,
}

/// The unpinned part of a `BufWriter`.
pub(crate) struct WriterState {
    pub(crate) buf: Vec<u8>,
    /// The buffer capacity asked for (`Vec` may allocate more).
    pub(crate) capacity: usize,
    /// Bytes at the front of `buf` already handed to the inner writer by a
    /// flush that has not finished.
    pub(crate) written: usize,
    pub(crate) seek_state: SeekState,
}

impl WriterState {
    fn spare(&self) -> usize {
        self.capacity.saturating_sub(self.buf.len())
    }
}

/// Where a `BufWriter` is in a seek.
#[derive(Debug, Clone, Copy)]
pub(crate) enum SeekState {
    /// No seek in progress.
    Idle,
    /// `start_seek` was called with this position: the buffer must be
    /// flushed before the inner seek starts.
    Start(SeekFrom),
    /// The inner seek is in flight.
    Pending,
}

impl<W: AsyncWrite> BufWriter<W> {
    /// Creates a new `BufWriter` with a default buffer capacity. The default is
    /// currently 8 KB, but may change in the future.
    pub fn new(inner: W) -> Self {
        Self::with_capacity(DEFAULT_BUF_SIZE, inner)
    }

    /// Creates a new `BufWriter` with the specified buffer capacity.
    pub fn with_capacity(cap: usize, inner: W) -> Self {
        BufWriter {
            inner,
            state: WriterState {
                buf: Vec::with_capacity(cap),
                capacity: cap,
                written: 0,
                seek_state: SeekState::Idle,
            },
        }
    }

    /// Gets a reference to the underlying writer.
    pub fn get_ref(&self) -> &W {
        &self.inner
    }

    /// Gets a mutable reference to the underlying writer.
    ///
    /// It is inadvisable to directly write to the underlying writer.
    pub fn get_mut(&mut self) -> &mut W {
        &mut self.inner
    }

    /// Gets a pinned mutable reference to the underlying writer.
    ///
    /// It is inadvisable to directly write to the underlying writer.
    pub fn get_pin_mut(self: Pin<&mut Self>) -> Pin<&mut W> {
        self.project().0
    }

    /// Consumes this `BufWriter`, returning the underlying writer.
    ///
    /// Note that any leftover data in the internal buffer is lost.
    pub fn into_inner(self) -> W {
        self.inner
    }

    /// Returns a reference to the internally buffered data (the bytes not yet
    /// handed to the underlying writer).
    pub fn buffer(&self) -> &[u8] {
        &self.state.buf[self.state.written..]
    }

    /// Writes the whole buffer to the inner writer. On `Pending` the progress
    /// is kept in `written`.
    fn flush_buf(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let (mut inner, state) = self.project();
        let mut ret = Ok(());
        while state.written < state.buf.len() {
            match ready!(inner.as_mut().poll_write(cx, &state.buf[state.written..])) {
                Ok(0) => {
                    ret = Err(write_zero("failed to write the buffered data"));
                    break;
                }
                Ok(n) => state.written += n,
                Err(e) => {
                    ret = Err(e);
                    break;
                }
            }
        }
        let written = state.written.min(state.buf.len());
        state.buf.drain(..written);
        state.written = 0;
        Poll::Ready(ret)
    }
}

impl<W> BufWriter<W> {
    fn project(self: Pin<&mut Self>) -> (Pin<&mut W>, &mut WriterState) {
        // Pin projection; `state` is plain data and never pinned.
        // SAFETY: `inner` is never moved out of a pinned `BufWriter` (no `Drop`
        // impl; `into_inner`/`get_mut` need it unpinned), so it is pinned too.
        unsafe {
            let this = self.get_unchecked_mut();
            (Pin::new_unchecked(&mut this.inner), &mut this.state)
        }
    }
}

impl<W: AsyncWrite> AsyncWrite for BufWriter<W> {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        if buf.len() > self.state.spare() {
            ready!(self.as_mut().flush_buf(cx))?;
        }
        let (inner, state) = self.project();
        if buf.len() >= state.capacity {
            inner.poll_write(cx, buf)
        } else {
            state.buf.extend_from_slice(buf);
            Poll::Ready(Ok(buf.len()))
        }
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        mut bufs: &[IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        if self.inner.is_write_vectored() {
            let total = bufs
                .iter()
                .fold(0usize, |acc, b| acc.saturating_add(b.len()));
            if total > self.state.spare() {
                ready!(self.as_mut().flush_buf(cx))?;
            }
            let (inner, state) = self.project();
            if total >= state.capacity {
                // Cheaper to hand the slices over than to copy them.
                inner.poll_write_vectored(cx, bufs)
            } else {
                for b in bufs {
                    state.buf.extend_from_slice(b);
                }
                Poll::Ready(Ok(total))
            }
        } else {
            // The inner writer takes one slice at a time: buffer as many whole
            // slices as fit, so that they go out in one write later.
            while bufs.first().is_some_and(|b| b.is_empty()) {
                bufs = &bufs[1..];
            }
            let Some(first) = bufs.first() else {
                return Poll::Ready(Ok(0));
            };
            let first_len = first.len();
            if first_len > self.state.spare() {
                ready!(self.as_mut().flush_buf(cx))?;
            }
            let (inner, state) = self.project();
            if first_len >= state.capacity {
                return inner.poll_write(cx, &bufs[0]);
            }
            state.buf.extend_from_slice(&bufs[0]);
            let mut total = first_len;
            for b in &bufs[1..] {
                if b.len() > state.spare() {
                    break;
                }
                state.buf.extend_from_slice(b);
                total += b.len();
            }
            Poll::Ready(Ok(total))
        }
    }

    fn is_write_vectored(&self) -> bool {
        true
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        ready!(self.as_mut().flush_buf(cx))?;
        self.get_pin_mut().poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        ready!(self.as_mut().flush_buf(cx))?;
        self.get_pin_mut().poll_shutdown(cx)
    }
}

impl<W: AsyncWrite + AsyncSeek> AsyncSeek for BufWriter<W> {
    /// Records the seek; `poll_complete` (which must be polled next) writes
    /// out the buffer and then asks the inner writer to seek.
    fn start_seek(self: Pin<&mut Self>, pos: SeekFrom) -> io::Result<()> {
        self.project().1.seek_state = SeekState::Start(pos);
        Ok(())
    }

    fn poll_complete(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<u64>> {
        match self.state.seek_state {
            SeekState::Idle => {
                // No seek of ours: the logical position is ahead of the inner
                // one by the buffered bytes.
                let buffered = self.buffer().len() as u64;
                let pos = ready!(self.get_pin_mut().poll_complete(cx))?;
                return Poll::Ready(Ok(pos + buffered));
            }
            SeekState::Start(pos) => {
                if let Err(e) = ready!(self.as_mut().flush_buf(cx)) {
                    self.project().1.seek_state = SeekState::Idle;
                    return Poll::Ready(Err(e));
                }
                let (mut inner, state) = self.as_mut().project();
                // Let an earlier seek of the inner writer finish first.
                if let Err(e) = ready!(inner.as_mut().poll_complete(cx)) {
                    state.seek_state = SeekState::Idle;
                    return Poll::Ready(Err(e));
                }
                if let Err(e) = inner.start_seek(pos) {
                    state.seek_state = SeekState::Idle;
                    return Poll::Ready(Err(e));
                }
                state.seek_state = SeekState::Pending;
            }
            SeekState::Pending => {}
        }
        let (inner, state) = self.project();
        let res = ready!(inner.poll_complete(cx));
        state.seek_state = SeekState::Idle;
        Poll::Ready(res)
    }
}

impl<W: AsyncWrite + AsyncRead> AsyncRead for BufWriter<W> {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        self.get_pin_mut().poll_read(cx, buf)
    }
}

impl<W: AsyncWrite + AsyncBufRead> AsyncBufRead for BufWriter<W> {
    fn poll_fill_buf(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<&[u8]>> {
        self.get_pin_mut().poll_fill_buf(cx)
    }

    fn consume(self: Pin<&mut Self>, amt: usize) {
        self.get_pin_mut().consume(amt)
    }
}

impl<W: fmt::Debug> fmt::Debug for BufWriter<W> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("BufWriter")
            .field("writer", &self.inner)
            .field(
                "buffer",
                &format_args!("{}/{}", self.state.buf.len(), self.state.capacity),
            )
            .field("written", &self.state.written)
            .finish()
    }
}
