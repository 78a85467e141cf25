use crate::util::read::assert_same_buffer;
use crate::{AsyncBufRead, AsyncRead, ReadBuf};

use std::io;
use std::pin::Pin;
use std::task::{ready, Context, Poll};

/// Stream for the [`take`](crate::AsyncReadExt::take) method.
#[derive(Debug)]
#[must_use = "streams do nothing unless you `.await` or poll them"]
pub struct Take<R> {
    inner: R,
    /// How many bytes may still be read.
    limit: u64,
}

pub(crate) fn take<R: AsyncRead>(inner: R, limit: u64) -> Take<R> {
    Take { inner, limit }
}

impl<R: AsyncRead> Take<R> {
    /// Returns the remaining number of bytes that can be
    /// read before this instance will return EOF.
    ///
    /// # Note
    ///
    /// This instance may reach `EOF` after reading fewer bytes than indicated by
    /// this method if the underlying [`AsyncRead`] instance reaches EOF.
    pub fn limit(&self) -> u64 {
        self.limit
    }

    /// Sets the number of bytes that can be read before this instance will
    /// return EOF. This is the same as constructing a new `Take` instance, so
    /// the amount of bytes read and the previous limit value don't matter when
    /// calling this method.
    pub fn set_limit(&mut self, limit: u64) {
        self.limit = limit
    }

    /// Gets a reference to the underlying reader.
    pub fn get_ref(&self) -> &R {
        &self.inner
    }

    /// Gets a mutable reference to the underlying reader.
    ///
    /// Care should be taken to avoid modifying the internal I/O state of the
    /// underlying reader as doing so may corrupt the internal limit of this
    /// `Take`.
    pub fn get_mut(&mut self) -> &mut R {
        &mut self.inner
    }

    /// Gets a pinned mutable reference to the underlying reader.
    ///
    /// Care should be taken to avoid modifying the internal I/O state of the
    /// underlying reader as doing so may corrupt the internal limit of this
    /// `Take`.
    pub fn get_pin_mut(self: Pin<&mut Self>) -> Pin<&mut R> {
        self.project().0
    }

    /// Consumes the `Take`, returning the wrapped reader.
    pub fn into_inner(self) -> R {
        self.inner
    }

    fn project(self: Pin<&mut Self>) -> (Pin<&mut R>, &mut u64) {
        // Pin projection; `limit` is not pinned.
        // SAFETY: `inner` is never moved out of a pinned `Take` (no `Drop`
        // impl; `into_inner`/`get_mut` need it unpinned), so it is pinned too.
        unsafe {
            let this = self.get_unchecked_mut();
            (Pin::new_unchecked(&mut this.inner), &mut this.limit)
        }
    }
}

impl<R: AsyncRead> AsyncRead for Take<R> {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        if self.limit == 0 {
            return Poll::Ready(Ok(()));
        }
        let (inner, limit) = self.project();
        let max = usize::try_from(*limit).unwrap_or(usize::MAX);
        let (n, initialized) = {
            let mut sub = buf.take(max);
            let before = sub.filled().as_ptr();
            ready!(inner.poll_read(cx, &mut sub))?;
            assert_same_buffer(before, sub.filled().as_ptr());
            (sub.filled().len(), sub.initialized().len())
        };
        // SAFETY: `sub` covered `buf`'s unfilled region from its start, and
        // its first `initialized` bytes are initialized (the reader wrote
        // into this very memory, as checked above).
        unsafe { buf.assume_init(initialized) };
        buf.advance(n);
        *limit -= n as u64;
        Poll::Ready(Ok(()))
    }
}

impl<R: AsyncBufRead> AsyncBufRead for Take<R> {
    fn poll_fill_buf(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<&[u8]>> {
        // Don't call into the inner reader at all at EOF: it may still block.
        if self.limit == 0 {
            return Poll::Ready(Ok(&[]));
        }
        let (inner, limit) = self.project();
        let available = ready!(inner.poll_fill_buf(cx))?;
        let cap = usize::try_from(*limit)
            .unwrap_or(usize::MAX)
            .min(available.len());
        Poll::Ready(Ok(&available[..cap]))
    }

    fn consume(self: Pin<&mut Self>, amt: usize) {
        let (inner, limit) = self.project();
        // Don't let callers reset the limit by passing an overlarge value.
        let amt = usize::try_from(*limit).unwrap_or(usize::MAX).min(amt);
        *limit -= amt as u64;
        inner.consume(amt);
    }
}
