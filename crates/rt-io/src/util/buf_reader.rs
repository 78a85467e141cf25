use crate::util::DEFAULT_BUF_SIZE;
use crate::{AsyncBufRead, AsyncRead, AsyncSeek, AsyncWrite, ReadBuf};

use std::fmt;
use std::io::{self, IoSlice, SeekFrom};
use std::pin::Pin;
use std::task::{ready, Context, Poll};

/// The `AsyncRead` implementation for `BufReader` reads data from an inner
/// reader in large chunks and keeps it in an in-memory buffer.
///
/// It can be excessively inefficient to work directly with a [`AsyncRead`]
/// instance. A `BufReader` performs large, infrequent reads on the underlying
/// [`AsyncRead`] and maintains an in-memory buffer of the results.
///
/// `BufReader` can improve the speed of programs that make *small* and
/// *repeated* read calls to the same file or network socket. It does not
/// help when reading very large amounts at once, or reading just one or a few
/// times. It also provides no advantage when reading from a source that is
/// already in memory, like a `Vec<u8>`.
///
/// When the `BufReader` is dropped, the contents of its buffer will be
/// discarded. Creating multiple instances of a `BufReader` on the same
/// stream can cause data loss.
///
/// A read asking for at least a whole buffer's worth while the buffer is
/// empty bypasses the buffer and goes straight to the inner reader.
///
/// Seeking (through [`AsyncSeek`]) always discards the internal buffer, even
/// if the seek position would otherwise fall within it.
///
/// # Examples
///
/// ```
/// use rt_io::{AsyncBufReadExt, BufReader};
///
/// # futures::executor::block_on(async {
/// let mut reader = BufReader::new(&b"first\nsecond\n"[..]);
/// let mut line = String::new();
/// reader.read_line(&mut line).await?;
/// assert_eq!(line, "first\n");
/// # std::io::Result::Ok(()) }).unwrap();
/// ```
pub struct BufReader<R> {
    pub(crate) inner: R,
    pub(crate) state: ReaderState,
}

/// The unpinned part of a `BufReader`.
pub(crate) struct ReaderState {
    pub(crate) buf: Box<[u8]>,
    /// Next byte of `buf` to hand out.
    pub(crate) pos: usize,
    /// End of the valid data in `buf`.
    pub(crate) cap: usize,
    pub(crate) seek_state: SeekState,
}

impl ReaderState {
    fn remaining(&self) -> usize {
        self.cap - self.pos
    }

    fn discard(&mut self) {
        self.pos = 0;
        self.cap = 0;
    }
}

/// Where a `BufReader` is in a seek.
#[derive(Debug, Clone, Copy)]
pub(crate) enum SeekState {
    /// No seek in progress.
    Idle,
    /// `start_seek` was called with this position; the inner seek has not
    /// been started.
    Init(SeekFrom),
    /// Seeking by `SeekFrom::Current(n)` had to be split in two inner seeks
    /// (back over the buffered bytes, then by `n`) because `n - remaining`
    /// overflows; the first one is in flight.
    PendingOverflowed(i64),
    /// The (last) inner seek is in flight.
    Pending,
}

impl<R: AsyncRead> BufReader<R> {
    /// Creates a new `BufReader` with a default buffer capacity. The default is
    /// currently 8 KB, but may change in the future.
    pub fn new(inner: R) -> Self {
        Self::with_capacity(DEFAULT_BUF_SIZE, inner)
    }

    /// Creates a new `BufReader` with the specified buffer capacity.
    pub fn with_capacity(capacity: usize, inner: R) -> Self {
        BufReader {
            inner,
            state: ReaderState {
                buf: vec![0; capacity].into_boxed_slice(),
                pos: 0,
                cap: 0,
                seek_state: SeekState::Idle,
            },
        }
    }

    /// Gets a reference to the underlying reader.
    ///
    /// It is inadvisable to directly read from the underlying reader.
    pub fn get_ref(&self) -> &R {
        &self.inner
    }

    /// Gets a mutable reference to the underlying reader.
    ///
    /// It is inadvisable to directly read from the underlying reader.
    pub fn get_mut(&mut self) -> &mut R {
        &mut self.inner
    }

    /// Gets a pinned mutable reference to the underlying reader.
    ///
    /// It is inadvisable to directly read from the underlying reader.
    pub fn get_pin_mut(self: Pin<&mut Self>) -> Pin<&mut R> {
        self.project().0
    }

    /// Consumes this `BufReader`, returning the underlying reader.
    ///
    /// Note that any leftover data in the internal buffer is lost.
    pub fn into_inner(self) -> R {
        self.inner
    }

    /// Returns a reference to the internally buffered data.
    ///
    /// Unlike `fill_buf`, this will not attempt to fill the buffer if it is
    /// empty.
    pub fn buffer(&self) -> &[u8] {
        &self.state.buf[self.state.pos..self.state.cap]
    }
}

impl<R> BufReader<R> {
    fn project(self: Pin<&mut Self>) -> (Pin<&mut R>, &mut ReaderState) {
        // Pin projection; `state` is plain data and never pinned.
        // SAFETY: `inner` is never moved out of a pinned `BufReader` (no `Drop`
        // impl; `into_inner`/`get_mut` need it unpinned), so it is pinned too.
        unsafe {
            let this = self.get_unchecked_mut();
            (Pin::new_unchecked(&mut this.inner), &mut this.state)
        }
    }
}

impl<R: AsyncRead> AsyncRead for BufReader<R> {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        // A large read into an empty buffer goes straight to the inner reader.
        if self.state.pos == self.state.cap && buf.remaining() >= self.state.buf.len() {
            let (inner, state) = self.project();
            let res = ready!(inner.poll_read(cx, buf));
            state.discard();
            return Poll::Ready(res);
        }
        let available = ready!(self.as_mut().poll_fill_buf(cx))?;
        let amt = available.len().min(buf.remaining());
        buf.put_slice(&available[..amt]);
        self.consume(amt);
        Poll::Ready(Ok(()))
    }
}

impl<R: AsyncRead> AsyncBufRead for BufReader<R> {
    fn poll_fill_buf(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<&[u8]>> {
        let (inner, state) = self.project();
        if state.pos >= state.cap {
            let mut read_buf = ReadBuf::new(&mut state.buf);
            ready!(inner.poll_read(cx, &mut read_buf))?;
            state.cap = read_buf.filled().len();
            state.pos = 0;
        }
        Poll::Ready(Ok(&state.buf[state.pos..state.cap]))
    }

    fn consume(self: Pin<&mut Self>, amt: usize) {
        let state = self.project().1;
        state.pos = (state.pos + amt).min(state.cap);
    }
}

impl<R: AsyncRead + AsyncSeek> AsyncSeek for BufReader<R> {
    /// Records the seek; the inner reader is asked to seek by
    /// `poll_complete`, which must be polled next.
    fn start_seek(self: Pin<&mut Self>, pos: SeekFrom) -> io::Result<()> {
        self.project().1.seek_state = SeekState::Init(pos);
        Ok(())
    }

    fn poll_complete(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<u64>> {
        let (mut inner, state) = self.project();
        // Each round either returns or moves the state forward
        // (Init -> [PendingOverflowed ->] Pending -> Idle), so this ends.
        loop {
            match state.seek_state {
                SeekState::Idle => {
                    // No seek of ours: report the logical position, which
                    // lags the inner one by the buffered bytes.
                    let pos = ready!(inner.as_mut().poll_complete(cx))?;
                    return Poll::Ready(Ok(pos.saturating_sub(state.remaining() as u64)));
                }
                SeekState::Init(SeekFrom::Current(n)) => {
                    // The inner reader is `remaining` bytes ahead of us.
                    // A buffer never exceeds `isize::MAX` bytes.
                    let remaining = state.remaining() as i64;
                    let (first, then) = match n.checked_sub(remaining) {
                        Some(offset) => (offset, None),
                        None => (-remaining, Some(n)),
                    };
                    state.seek_state = SeekState::Idle;
                    inner.as_mut().start_seek(SeekFrom::Current(first))?;
                    state.discard();
                    state.seek_state = match then {
                        Some(n) => SeekState::PendingOverflowed(n),
                        None => SeekState::Pending,
                    };
                }
                SeekState::Init(pos) => {
                    state.seek_state = SeekState::Idle;
                    inner.as_mut().start_seek(pos)?;
                    state.discard();
                    state.seek_state = SeekState::Pending;
                }
                SeekState::PendingOverflowed(n) => {
                    let res = ready!(inner.as_mut().poll_complete(cx));
                    state.seek_state = SeekState::Idle;
                    res?;
                    inner.as_mut().start_seek(SeekFrom::Current(n))?;
                    state.seek_state = SeekState::Pending;
                }
                SeekState::Pending => {
                    let res = ready!(inner.as_mut().poll_complete(cx));
                    state.seek_state = SeekState::Idle;
                    return Poll::Ready(res);
                }
            }
        }
    }
}

impl<R: AsyncRead + AsyncWrite> AsyncWrite for BufReader<R> {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        self.get_pin_mut().poll_write(cx, buf)
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        self.get_pin_mut().poll_write_vectored(cx, bufs)
    }

    fn is_write_vectored(&self) -> bool {
        self.get_ref().is_write_vectored()
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        self.get_pin_mut().poll_flush(cx)
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        self.get_pin_mut().poll_shutdown(cx)
    }
}

impl<R: fmt::Debug> fmt::Debug for BufReader<R> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("BufReader")
            .field("reader", &self.inner)
            .field(
                "buffer",
                &format_args!("{}/{}", self.state.remaining(), self.state.buf.len()),
            )
            .finish()
    }
}
