//! Adapters between this crate's I/O traits and the [`futures-io`] traits
//! (feature `futures-io`).
//!
//! [`Compat<T>`] works in both directions:
//!
//! * if `T` implements this crate's `AsyncRead` / `AsyncWrite` /
//!   `AsyncBufRead` / `AsyncSeek`, `Compat<T>` implements the `futures-io`
//!   trait of the same name (`poll_close` maps to `poll_shutdown`);
//! * if `T` implements a `futures-io` trait, `Compat<T>` implements ours
//!   (`poll_shutdown` maps to `poll_close`).
//!
//! Wrap with [`RtAsyncReadCompatExt::compat`] /
//! [`RtAsyncWriteCompatExt::compat_write`] (ours to `futures-io`) or
//! [`FuturesAsyncReadCompatExt::compat`] /
//! [`FuturesAsyncWriteCompatExt::compat_write`] (`futures-io` to ours).
//!
//! ```
//! use futures::io::AsyncReadExt as _;
//! use rt_io::compat::RtAsyncReadCompatExt;
//!
//! # futures::executor::block_on(async {
//! // An rt-io reader used through the futures-io traits.
//! let mut reader = rt_io::repeat(7).compat();
//! let mut buf = [0u8; 3];
//! reader.read_exact(&mut buf).await?;
//! assert_eq!(buf, [7, 7, 7]);
//! # std::io::Result::Ok(()) }).unwrap();
//! ```
//!
//! [`futures-io`]: https://docs.rs/futures-io

use crate::ReadBuf;

use std::io::{self, IoSlice, SeekFrom};
use std::pin::Pin;
use std::task::{ready, Context, Poll};

/// Adapts a type implementing this crate's I/O traits to the `futures-io`
/// traits, or the other way round. See the [module documentation](self).
#[derive(Debug)]
pub struct Compat<T> {
    inner: T,
    /// The seek position submitted and not yet completed.
    seek_pos: Option<SeekFrom>,
}

impl<T> Compat<T> {
    /// Wraps `inner`.
    pub fn new(inner: T) -> Self {
        Compat {
            inner,
            seek_pos: None,
        }
    }

    /// Gets a reference to the wrapped I/O object.
    pub fn get_ref(&self) -> &T {
        &self.inner
    }

    /// Gets a mutable reference to the wrapped I/O object.
    pub fn get_mut(&mut self) -> &mut T {
        &mut self.inner
    }

    /// Returns the wrapped I/O object.
    pub fn into_inner(self) -> T {
        self.inner
    }

    fn project(self: Pin<&mut Self>) -> (Pin<&mut T>, &mut Option<SeekFrom>) {
        // Pin projection; `seek_pos` is not pinned.
        // SAFETY: `inner` is never moved out of a pinned `Compat` (no `Drop`
        // impl; `into_inner`/`get_mut` need it unpinned), so it is pinned too.
        unsafe {
            let this = self.get_unchecked_mut();
            (Pin::new_unchecked(&mut this.inner), &mut this.seek_pos)
        }
    }
}

/// Wraps an rt-io reader so that it implements `futures_io::AsyncRead`.
pub trait RtAsyncReadCompatExt: crate::AsyncRead {
    /// Wraps `self` in a [`Compat`] implementing `futures_io::AsyncRead`
    /// (and `AsyncBufRead` when `self` is buffered).
    fn compat(self) -> Compat<Self>
    where
        Self: Sized,
    {
        Compat::new(self)
    }
}

impl<T: crate::AsyncRead> RtAsyncReadCompatExt for T {}

/// Wraps an rt-io writer so that it implements `futures_io::AsyncWrite`.
pub trait RtAsyncWriteCompatExt: crate::AsyncWrite {
    /// Wraps `self` in a [`Compat`] implementing `futures_io::AsyncWrite`.
    fn compat_write(self) -> Compat<Self>
    where
        Self: Sized,
    {
        Compat::new(self)
    }
}

impl<T: crate::AsyncWrite> RtAsyncWriteCompatExt for T {}

/// Wraps a `futures_io` reader so that it implements [`crate::AsyncRead`].
pub trait FuturesAsyncReadCompatExt: futures_io::AsyncRead {
    /// Wraps `self` in a [`Compat`] implementing [`crate::AsyncRead`] (and
    /// [`crate::AsyncBufRead`] when `self` is buffered).
    fn compat(self) -> Compat<Self>
    where
        Self: Sized,
    {
        Compat::new(self)
    }
}

impl<T: futures_io::AsyncRead> FuturesAsyncReadCompatExt for T {}

/// Wraps a `futures_io` writer so that it implements [`crate::AsyncWrite`].
pub trait FuturesAsyncWriteCompatExt: futures_io::AsyncWrite {
    /// Wraps `self` in a [`Compat`] implementing [`crate::AsyncWrite`].
    fn compat_write(self) -> Compat<Self>
    where
        Self: Sized,
    {
        Compat::new(self)
    }
}

impl<T: futures_io::AsyncWrite> FuturesAsyncWriteCompatExt for T {}

// ===== rt-io -> futures-io =====

impl<T: crate::AsyncRead> futures_io::AsyncRead for Compat<T> {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut [u8],
    ) -> Poll<io::Result<usize>> {
        let mut read_buf = ReadBuf::new(buf);
        ready!(crate::AsyncRead::poll_read(
            self.project().0,
            cx,
            &mut read_buf
        ))?;
        Poll::Ready(Ok(read_buf.filled().len()))
    }
}

impl<T: crate::AsyncBufRead> futures_io::AsyncBufRead for Compat<T> {
    fn poll_fill_buf(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<&[u8]>> {
        crate::AsyncBufRead::poll_fill_buf(self.project().0, cx)
    }

    fn consume(self: Pin<&mut Self>, amt: usize) {
        crate::AsyncBufRead::consume(self.project().0, amt)
    }
}

impl<T: crate::AsyncWrite> futures_io::AsyncWrite for Compat<T> {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        crate::AsyncWrite::poll_write(self.project().0, cx, buf)
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        crate::AsyncWrite::poll_write_vectored(self.project().0, cx, bufs)
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        crate::AsyncWrite::poll_flush(self.project().0, cx)
    }

    fn poll_close(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        crate::AsyncWrite::poll_shutdown(self.project().0, cx)
    }
}

impl<T: crate::AsyncSeek> futures_io::AsyncSeek for Compat<T> {
    fn poll_seek(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        pos: SeekFrom,
    ) -> Poll<io::Result<u64>> {
        let (mut inner, seek_pos) = self.project();
        if *seek_pos != Some(pos) {
            // Let an earlier seek finish, then submit this one (once: a
            // repeated poll for the same position only waits for it).
            ready!(crate::AsyncSeek::poll_complete(inner.as_mut(), cx))?;
            crate::AsyncSeek::start_seek(inner.as_mut(), pos)?;
            *seek_pos = Some(pos);
        }
        let res = ready!(crate::AsyncSeek::poll_complete(inner, cx));
        *seek_pos = None;
        Poll::Ready(res)
    }
}

// ===== futures-io -> rt-io =====

impl<T: futures_io::AsyncRead> crate::AsyncRead for Compat<T> {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let slice = buf.initialize_unfilled();
        let n = ready!(futures_io::AsyncRead::poll_read(
            self.project().0,
            cx,
            slice
        ))?;
        buf.advance(n);
        Poll::Ready(Ok(()))
    }
}

impl<T: futures_io::AsyncBufRead> crate::AsyncBufRead for Compat<T> {
    fn poll_fill_buf(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<&[u8]>> {
        futures_io::AsyncBufRead::poll_fill_buf(self.project().0, cx)
    }

    fn consume(self: Pin<&mut Self>, amt: usize) {
        futures_io::AsyncBufRead::consume(self.project().0, amt)
    }
}

impl<T: futures_io::AsyncWrite> crate::AsyncWrite for Compat<T> {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        futures_io::AsyncWrite::poll_write(self.project().0, cx, buf)
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        futures_io::AsyncWrite::poll_write_vectored(self.project().0, cx, bufs)
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        futures_io::AsyncWrite::poll_flush(self.project().0, cx)
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        futures_io::AsyncWrite::poll_close(self.project().0, cx)
    }
}

impl<T: futures_io::AsyncSeek> crate::AsyncSeek for Compat<T> {
    fn start_seek(self: Pin<&mut Self>, pos: SeekFrom) -> io::Result<()> {
        *self.project().1 = Some(pos);
        Ok(())
    }

    fn poll_complete(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<u64>> {
        let (inner, seek_pos) = self.project();
        // With no seek submitted, report the current position.
        let pos = seek_pos.unwrap_or(SeekFrom::Current(0));
        let res = ready!(futures_io::AsyncSeek::poll_seek(inner, cx, pos));
        *seek_pos = None;
        Poll::Ready(res)
    }
}
