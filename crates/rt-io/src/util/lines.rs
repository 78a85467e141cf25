use crate::util::buf_read::read_until_internal;
use crate::util::read::invalid_utf8;
use crate::AsyncBufRead;

use std::future::poll_fn;
use std::io;
use std::pin::Pin;
use std::task::{ready, Context, Poll};

/// Reads lines from an [`AsyncBufRead`].
///
/// This type is usually created using the [`lines`] method.
///
/// [`lines`]: crate::AsyncBufReadExt::lines
#[derive(Debug)]
#[must_use = "streams do nothing unless polled"]
pub struct Lines<R> {
    reader: R,
    /// The bytes of the line being assembled; kept across `Pending` (and
    /// across a cancelled `next_line`), which makes `next_line` cancel safe.
    buf: Vec<u8>,
    read: usize,
}

pub(crate) fn lines<R: AsyncBufRead>(reader: R) -> Lines<R> {
    Lines {
        reader,
        buf: Vec::new(),
        read: 0,
    }
}

impl<R> Lines<R>
where
    R: AsyncBufRead + Unpin,
{
    /// Returns the next line in the stream.
    ///
    /// The line does not include its terminator: a trailing `"\n"` or
    /// `"\r\n"` is removed. Returns `Ok(None)` at end of stream.
    ///
    /// # Errors
    ///
    /// Returns an error with kind [`io::ErrorKind::InvalidData`] if the line is
    /// not valid UTF-8 (the line is skipped), and any I/O error of the reader
    /// (the bytes of the line read so far are kept for the next call).
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
    /// let mut lines = (&b"one\ntwo\r\nthree"[..]).lines();
    /// assert_eq!(lines.next_line().await?, Some("one".to_string()));
    /// assert_eq!(lines.next_line().await?, Some("two".to_string()));
    /// assert_eq!(lines.next_line().await?, Some("three".to_string()));
    /// assert_eq!(lines.next_line().await?, None);
    /// # std::io::Result::Ok(()) }).unwrap();
    /// ```
    pub async fn next_line(&mut self) -> io::Result<Option<String>> {
        poll_fn(|cx| Pin::new(&mut *self).poll_next_line(cx)).await
    }

    /// Obtains a mutable reference to the underlying reader.
    pub fn get_mut(&mut self) -> &mut R {
        &mut self.reader
    }

    /// Obtains a reference to the underlying reader.
    pub fn get_ref(&self) -> &R {
        &self.reader
    }

    /// Unwraps this `Lines<R>`, returning the underlying reader.
    ///
    /// Note that any leftover data in the internal buffer is lost.
    /// Therefore, a following read from the underlying reader may lead to
    /// data loss.
    pub fn into_inner(self) -> R {
        self.reader
    }
}

impl<R> Lines<R>
where
    R: AsyncBufRead,
{
    /// Polls for the next line in the stream.
    ///
    /// This method returns:
    ///
    ///  * `Poll::Pending` if the next line is not yet available.
    ///  * `Poll::Ready(Ok(Some(line)))` if the next line is available.
    ///  * `Poll::Ready(Ok(None))` if there are no more lines in this stream.
    ///  * `Poll::Ready(Err(err))` if an IO error occurred while reading the next line.
    ///
    /// When the method returns `Poll::Pending`, the `Waker` in the provided
    /// `Context` is scheduled to receive a wakeup when more bytes become
    /// available on the underlying IO resource.  Note that on multiple calls to
    /// `poll_next_line`, only the `Waker` from the `Context` passed to the most
    /// recent call is scheduled to receive a wakeup.
    pub fn poll_next_line(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<io::Result<Option<String>>> {
        let (reader, buf, read) = self.project();
        let n = ready!(read_until_internal(reader, cx, b'\n', buf, read))?;
        if n == 0 && buf.is_empty() {
            return Poll::Ready(Ok(None));
        }
        let mut line = std::mem::take(buf);
        if line.last() == Some(&b'\n') {
            line.pop();
            if line.last() == Some(&b'\r') {
                line.pop();
            }
        }
        match String::from_utf8(line) {
            Ok(line) => Poll::Ready(Ok(Some(line))),
            Err(_) => Poll::Ready(Err(invalid_utf8())),
        }
    }

    fn project(self: Pin<&mut Self>) -> (Pin<&mut R>, &mut Vec<u8>, &mut usize) {
        // Pin projection; `buf` and `read` are not pinned.
        // SAFETY: `reader` is never moved out of a pinned `Lines` (no `Drop`
        // impl; `into_inner`/`get_mut` need it unpinned), so it is pinned too.
        unsafe {
            let this = self.get_unchecked_mut();
            (
                Pin::new_unchecked(&mut this.reader),
                &mut this.buf,
                &mut this.read,
            )
        }
    }
}
