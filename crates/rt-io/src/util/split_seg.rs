use crate::util::buf_read::read_until_internal;
use crate::AsyncBufRead;

use std::future::poll_fn;
use std::io;
use std::pin::Pin;
use std::task::{ready, Context, Poll};

/// Splitter for the [`split`](crate::AsyncBufReadExt::split) method.
///
/// A `Split` can be turned into a stream by polling
/// [`poll_next_segment`](Split::poll_next_segment).
#[derive(Debug)]
#[must_use = "streams do nothing unless polled"]
pub struct Split<R> {
    reader: R,
    /// The segment being assembled; kept across `Pending` and cancellation.
    buf: Vec<u8>,
    delim: u8,
    read: usize,
}

pub(crate) fn split<R: AsyncBufRead>(reader: R, delim: u8) -> Split<R> {
    Split {
        reader,
        buf: Vec::new(),
        delim,
        read: 0,
    }
}

impl<R> Split<R>
where
    R: AsyncBufRead + Unpin,
{
    /// Returns the next segment in the stream, without its delimiter.
    ///
    /// Returns `Ok(None)` at end of stream. An I/O error leaves the bytes of
    /// the segment read so far in place for the next call.
    ///
    /// # Cancel safety
    ///
    /// This method is cancel safe.
    ///
    /// # Examples
    ///
    /// ```
    /// use rt_io::AsyncBufReadExt;
    ///
    /// # futures::executor::block_on(async {
    /// let mut segments = AsyncBufReadExt::split(&b"a,bc,"[..], b',');
    /// assert_eq!(segments.next_segment().await?, Some(b"a".to_vec()));
    /// assert_eq!(segments.next_segment().await?, Some(b"bc".to_vec()));
    /// assert_eq!(segments.next_segment().await?, None);
    /// # std::io::Result::Ok(()) }).unwrap();
    /// ```
    pub async fn next_segment(&mut self) -> io::Result<Option<Vec<u8>>> {
        poll_fn(|cx| Pin::new(&mut *self).poll_next_segment(cx)).await
    }
}

impl<R> Split<R>
where
    R: AsyncBufRead,
{
    /// Polls for the next segment in the stream.
    ///
    /// This method returns:
    ///
    ///  * `Poll::Pending` if the next segment is not yet available.
    ///  * `Poll::Ready(Ok(Some(segment)))` if the next segment is available.
    ///  * `Poll::Ready(Ok(None))` if there are no more segments in this stream.
    ///  * `Poll::Ready(Err(err))` if an IO error occurred while reading the
    ///    next segment.
    ///
    /// When the method returns `Poll::Pending`, the `Waker` in the provided
    /// `Context` is scheduled to receive a wakeup when more bytes become
    /// available on the underlying IO resource.
    pub fn poll_next_segment(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<io::Result<Option<Vec<u8>>>> {
        // SAFETY: `reader` is structurally pinned: it is never moved out of a
        // pinned `Split`, `Split` has no `Drop` impl and is `Unpin` only when
        // `R` is. The other fields are not pinned.
        let (reader, buf, delim, read) = unsafe {
            let this = self.get_unchecked_mut();
            (
                Pin::new_unchecked(&mut this.reader),
                &mut this.buf,
                this.delim,
                &mut this.read,
            )
        };
        let n = ready!(read_until_internal(reader, cx, delim, buf, read))?;
        if n == 0 && buf.is_empty() {
            return Poll::Ready(Ok(None));
        }
        let mut segment = std::mem::take(buf);
        if segment.last() == Some(&delim) {
            segment.pop();
        }
        Poll::Ready(Ok(Some(segment)))
    }
}
