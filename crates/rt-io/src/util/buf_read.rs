//! The futures returned by [`AsyncBufReadExt`](crate::AsyncBufReadExt), and
//! the `read_until` / `read_line` engines shared with `Lines` and `Split`.

use crate::util::read::{append_string, invalid_utf8};
use crate::AsyncBufRead;

use std::future::Future;
use std::io;
use std::pin::Pin;
use std::task::{ready, Context, Poll};

/// Appends bytes from `reader` to `buf` until `delim` (included) or EOF.
///
/// Returns the number of bytes appended by the whole operation; `read` keeps
/// that count across `Poll::Pending` (and is reset on success). Bytes are
/// appended to `buf` as soon as they are consumed from the reader, so nothing
/// is lost if the caller stops polling, nor on error. `Interrupted` errors are
/// retried.
pub(crate) fn read_until_internal<R: AsyncBufRead + ?Sized>(
    mut reader: Pin<&mut R>,
    cx: &mut Context<'_>,
    delim: u8,
    buf: &mut Vec<u8>,
    read: &mut usize,
) -> Poll<io::Result<usize>> {
    loop {
        let (found, used) = {
            let available = match ready!(reader.as_mut().poll_fill_buf(cx)) {
                Ok(available) => available,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => return Poll::Ready(Err(e)),
            };
            match available.iter().position(|&b| b == delim) {
                Some(i) => {
                    buf.extend_from_slice(&available[..=i]);
                    (true, i + 1)
                }
                None => {
                    buf.extend_from_slice(available);
                    (false, available.len())
                }
            }
        };
        reader.as_mut().consume(used);
        *read += used;
        if found || used == 0 {
            return Poll::Ready(Ok(std::mem::take(read)));
        }
    }
}

// ===== read_until =====

/// Future for the [`read_until`](crate::AsyncBufReadExt::read_until) method.
///
/// Bytes are appended to the caller's vector as they arrive, so a dropped
/// future loses nothing that was consumed from the reader.
#[derive(Debug)]
#[must_use = "futures do nothing unless you `.await` or poll them"]
pub struct ReadUntil<'a, R: ?Sized> {
    reader: &'a mut R,
    delim: u8,
    buf: &'a mut Vec<u8>,
    read: usize,
}

impl<'a, R: ?Sized> ReadUntil<'a, R> {
    pub(crate) fn new(reader: &'a mut R, delim: u8, buf: &'a mut Vec<u8>) -> Self {
        ReadUntil {
            reader,
            delim,
            buf,
            read: 0,
        }
    }
}

impl<R: AsyncBufRead + Unpin + ?Sized> Future for ReadUntil<'_, R> {
    type Output = io::Result<usize>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<usize>> {
        let me = self.get_mut();
        read_until_internal(
            Pin::new(&mut *me.reader),
            cx,
            me.delim,
            me.buf,
            &mut me.read,
        )
    }
}

// ===== read_line =====

/// Future for the [`read_line`](crate::AsyncBufReadExt::read_line) method.
///
/// The line is collected in a vector owned by the future and appended to the
/// caller's string when it is complete (or, on an I/O error, when what was
/// read is valid UTF-8). If the future is dropped before it completes, the
/// bytes it consumed are lost and the string is left as it was.
#[derive(Debug)]
#[must_use = "futures do nothing unless you `.await` or poll them"]
pub struct ReadLine<'a, R: ?Sized> {
    reader: &'a mut R,
    output: &'a mut String,
    bytes: Vec<u8>,
    read: usize,
}

impl<'a, R: ?Sized> ReadLine<'a, R> {
    pub(crate) fn new(reader: &'a mut R, output: &'a mut String) -> Self {
        ReadLine {
            reader,
            output,
            bytes: Vec::new(),
            read: 0,
        }
    }
}

impl<R: AsyncBufRead + Unpin + ?Sized> Future for ReadLine<'_, R> {
    type Output = io::Result<usize>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<usize>> {
        let me = self.get_mut();
        let res = ready!(read_until_internal(
            Pin::new(&mut *me.reader),
            cx,
            b'\n',
            &mut me.bytes,
            &mut me.read
        ));
        let bytes = std::mem::take(&mut me.bytes);
        let text = String::from_utf8(bytes);
        Poll::Ready(match (res, text) {
            (Ok(n), Ok(text)) => {
                append_string(me.output, text);
                Ok(n)
            }
            (Ok(_), Err(_)) => Err(invalid_utf8()),
            (Err(e), Ok(text)) => {
                // Keep what was read: it is valid UTF-8.
                append_string(me.output, text);
                Err(e)
            }
            (Err(e), Err(_)) => Err(e),
        })
    }
}

// ===== fill_buf =====

/// Future for the [`fill_buf`](crate::AsyncBufReadExt::fill_buf) method.
#[derive(Debug)]
#[must_use = "futures do nothing unless you `.await` or poll them"]
pub struct FillBuf<'a, R: ?Sized> {
    reader: Option<&'a mut R>,
}

impl<'a, R: ?Sized> FillBuf<'a, R> {
    pub(crate) fn new(reader: &'a mut R) -> Self {
        FillBuf {
            reader: Some(reader),
        }
    }
}

impl<'a, R: AsyncBufRead + Unpin + ?Sized> Future for FillBuf<'a, R> {
    type Output = io::Result<&'a [u8]>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<&'a [u8]>> {
        let me = self.get_mut();
        let reader: *mut R = me.reader.take().expect("FillBuf polled after completion");
        // `reader` comes from the unique `&'a mut R` just taken out of `me`,
        // which is not used again. The borrow checker cannot see that the
        // reference below is only kept (for `'a`) when the result borrows
        // from it, so the second reference is made from the raw pointer.
        // SAFETY: only one reference made from `reader` is live at a time: on
        // `Pending` the result holds no borrow and this one is dead.
        let polled = Pin::new(unsafe { &mut *reader }).poll_fill_buf(cx);
        match polled {
            Poll::Ready(res) => Poll::Ready(res),
            Poll::Pending => {
                // SAFETY: see above; the first reference is no longer used.
                me.reader = Some(unsafe { &mut *reader });
                Poll::Pending
            }
        }
    }
}
