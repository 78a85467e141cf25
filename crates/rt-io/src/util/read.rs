//! The futures returned by [`AsyncReadExt`](crate::AsyncReadExt).

use crate::{AsyncRead, BufMut, ReadBuf};

use std::fmt;
use std::future::Future;
use std::io;
use std::marker::PhantomData;
use std::pin::Pin;
use std::task::{ready, Context, Poll};

/// Smallest chunk `read_to_end` offers a reader.
const MIN_READ: usize = 32;

pub(crate) fn early_eof() -> io::Error {
    io::Error::new(io::ErrorKind::UnexpectedEof, "early eof")
}

pub(crate) fn invalid_utf8() -> io::Error {
    io::Error::new(
        io::ErrorKind::InvalidData,
        "stream did not contain valid UTF-8",
    )
}

/// Panics if a reader swapped the `ReadBuf` it was handed for another one:
/// callers rely on the bytes having landed in *their* memory.
#[track_caller]
pub(crate) fn assert_same_buffer(before: *const u8, after: *const u8) {
    assert_eq!(
        before, after,
        "AsyncRead::poll_read replaced the ReadBuf it was given"
    );
}

// ===== read =====

/// Future for the [`read`](crate::AsyncReadExt::read) method.
#[derive(Debug)]
#[must_use = "futures do nothing unless you `.await` or poll them"]
pub struct Read<'a, R: ?Sized> {
    reader: &'a mut R,
    buf: &'a mut [u8],
}

impl<'a, R: ?Sized> Read<'a, R> {
    pub(crate) fn new(reader: &'a mut R, buf: &'a mut [u8]) -> Self {
        Read { reader, buf }
    }
}

impl<R: AsyncRead + Unpin + ?Sized> Future for Read<'_, R> {
    type Output = io::Result<usize>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<usize>> {
        let me = self.get_mut();
        let mut buf = ReadBuf::new(me.buf);
        ready!(Pin::new(&mut *me.reader).poll_read(cx, &mut buf))?;
        Poll::Ready(Ok(buf.filled().len()))
    }
}

// ===== read_exact =====

/// Future for the [`read_exact`](crate::AsyncReadExt::read_exact) method.
#[derive(Debug)]
#[must_use = "futures do nothing unless you `.await` or poll them"]
pub struct ReadExact<'a, R: ?Sized> {
    reader: &'a mut R,
    buf: ReadBuf<'a>,
}

impl<'a, R: ?Sized> ReadExact<'a, R> {
    pub(crate) fn new(reader: &'a mut R, buf: &'a mut [u8]) -> Self {
        ReadExact {
            reader,
            buf: ReadBuf::new(buf),
        }
    }
}

impl<R: AsyncRead + Unpin + ?Sized> Future for ReadExact<'_, R> {
    type Output = io::Result<usize>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<usize>> {
        let me = self.get_mut();
        loop {
            let remaining = me.buf.remaining();
            if remaining == 0 {
                return Poll::Ready(Ok(me.buf.capacity()));
            }
            ready!(Pin::new(&mut *me.reader).poll_read(cx, &mut me.buf))?;
            if me.buf.remaining() == remaining {
                return Poll::Ready(Err(early_eof()));
            }
        }
    }
}

// ===== read_buf =====

/// Future for the [`read_buf`](crate::AsyncReadExt::read_buf) method.
#[derive(Debug)]
#[must_use = "futures do nothing unless you `.await` or poll them"]
pub struct ReadIntoBuf<'a, R: ?Sized, B: ?Sized> {
    reader: &'a mut R,
    buf: &'a mut B,
}

impl<'a, R: ?Sized, B: ?Sized> ReadIntoBuf<'a, R, B> {
    pub(crate) fn new(reader: &'a mut R, buf: &'a mut B) -> Self {
        ReadIntoBuf { reader, buf }
    }
}

impl<R, B> Future for ReadIntoBuf<'_, R, B>
where
    R: AsyncRead + Unpin + ?Sized,
    B: BufMut + ?Sized,
{
    type Output = io::Result<usize>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<usize>> {
        let me = self.get_mut();
        if !me.buf.has_remaining_mut() {
            return Poll::Ready(Ok(0));
        }
        let n = {
            // SAFETY: the chunk is only ever written through a `ReadBuf`,
            // which never writes uninitialized bytes.
            let chunk = unsafe { me.buf.chunk_mut() };
            let mut read_buf = ReadBuf::uninit(chunk);
            let before = read_buf.filled().as_ptr();
            ready!(Pin::new(&mut *me.reader).poll_read(cx, &mut read_buf))?;
            assert_same_buffer(before, read_buf.filled().as_ptr());
            read_buf.filled().len()
        };
        // SAFETY: the reader filled (so initialized) the first `n` bytes of
        // this very chunk: the pointer check above rules out a swapped buffer.
        unsafe { me.buf.advance_mut(n) };
        Poll::Ready(Ok(n))
    }
}

// ===== read_to_end =====

/// Progress of a `read_to_end` that survives `Poll::Pending`.
#[derive(Debug, Default)]
pub(crate) struct ReadToEndState {
    /// Bytes appended so far by this operation.
    read: usize,
    /// Bytes past `len` of the vector known to be initialized (by an earlier
    /// read into the same allocation); lets readers that zero their buffer
    /// skip the work.
    spare_init: usize,
    /// Capacity of the vector when the operation started; while unchanged,
    /// a full vector is probed with a small stack read before it is grown.
    start_cap: usize,
}

impl ReadToEndState {
    pub(crate) fn new(buf: &Vec<u8>) -> Self {
        ReadToEndState {
            read: 0,
            spare_init: 0,
            start_cap: buf.capacity(),
        }
    }
}

/// Reads into `buf` until EOF, appending. On success returns the number of
/// bytes appended by the whole operation; on error the bytes read so far stay
/// in `buf` (and in `state.read`).
pub(crate) fn read_to_end_internal<R: AsyncRead + ?Sized>(
    mut reader: Pin<&mut R>,
    cx: &mut Context<'_>,
    buf: &mut Vec<u8>,
    state: &mut ReadToEndState,
) -> Poll<io::Result<usize>> {
    loop {
        if buf.capacity() - buf.len() < MIN_READ {
            if buf.capacity() == state.start_cap {
                // The caller may have sized the vector exactly: look for EOF
                // in a small stack buffer before growing it.
                let mut probe = [0u8; MIN_READ];
                let mut probe_buf = ReadBuf::new(&mut probe);
                ready!(reader.as_mut().poll_read(cx, &mut probe_buf))?;
                let n = probe_buf.filled().len();
                if n == 0 {
                    return Poll::Ready(Ok(std::mem::take(&mut state.read)));
                }
                let cap = buf.capacity();
                buf.extend_from_slice(probe_buf.filled());
                state.read += n;
                if buf.capacity() != cap {
                    state.spare_init = 0;
                } else {
                    state.spare_init = state.spare_init.saturating_sub(n);
                }
                // Make sure the next round grows rather than probes again.
                if buf.capacity() == state.start_cap {
                    state.start_cap = usize::MAX;
                }
                continue;
            }
            let cap = buf.capacity();
            buf.reserve(MIN_READ);
            if buf.capacity() != cap {
                state.spare_init = 0;
            }
        }

        let len = buf.len();
        let mut read_buf = ReadBuf::uninit(buf.spare_capacity_mut());
        // SAFETY: `spare_init` counts bytes past `len` that an earlier read
        // initialized in this same allocation (reset whenever it changes);
        // nothing has de-initialized them since.
        unsafe { read_buf.assume_init(state.spare_init) };
        let before = read_buf.filled().as_ptr();
        ready!(reader.as_mut().poll_read(cx, &mut read_buf))?;
        assert_same_buffer(before, read_buf.filled().as_ptr());
        let n = read_buf.filled().len();
        let initialized = read_buf.initialized().len();
        if n == 0 {
            return Poll::Ready(Ok(std::mem::take(&mut state.read)));
        }
        state.spare_init = initialized - n;
        // SAFETY: the reader filled the first `n` spare bytes of this very
        // allocation (pointer checked above), so they are initialized, and
        // `n` is at most the spare capacity the `ReadBuf` was built over.
        unsafe { buf.set_len(len + n) };
        state.read += n;
    }
}

/// Future for the [`read_to_end`](crate::AsyncReadExt::read_to_end) method.
#[derive(Debug)]
#[must_use = "futures do nothing unless you `.await` or poll them"]
pub struct ReadToEnd<'a, R: ?Sized> {
    reader: &'a mut R,
    buf: &'a mut Vec<u8>,
    state: ReadToEndState,
}

impl<'a, R: ?Sized> ReadToEnd<'a, R> {
    pub(crate) fn new(reader: &'a mut R, buf: &'a mut Vec<u8>) -> Self {
        let state = ReadToEndState::new(buf);
        ReadToEnd { reader, buf, state }
    }
}

impl<R: AsyncRead + Unpin + ?Sized> Future for ReadToEnd<'_, R> {
    type Output = io::Result<usize>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<usize>> {
        let me = self.get_mut();
        read_to_end_internal(Pin::new(&mut *me.reader), cx, me.buf, &mut me.state)
    }
}

// ===== read_to_string =====

/// Future for the [`read_to_string`](crate::AsyncReadExt::read_to_string)
/// method.
///
/// The bytes are collected in a vector owned by the future and appended to
/// the string only once they are complete and valid UTF-8, so the string is
/// untouched if the future fails or is dropped early.
#[derive(Debug)]
#[must_use = "futures do nothing unless you `.await` or poll them"]
pub struct ReadToString<'a, R: ?Sized> {
    reader: &'a mut R,
    output: &'a mut String,
    bytes: Vec<u8>,
    state: ReadToEndState,
}

impl<'a, R: ?Sized> ReadToString<'a, R> {
    pub(crate) fn new(reader: &'a mut R, output: &'a mut String) -> Self {
        let bytes = Vec::new();
        let state = ReadToEndState::new(&bytes);
        ReadToString {
            reader,
            output,
            bytes,
            state,
        }
    }
}

impl<R: AsyncRead + Unpin + ?Sized> Future for ReadToString<'_, R> {
    type Output = io::Result<usize>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<usize>> {
        let me = self.get_mut();
        let n = ready!(read_to_end_internal(
            Pin::new(&mut *me.reader),
            cx,
            &mut me.bytes,
            &mut me.state
        ))?;
        let bytes = std::mem::take(&mut me.bytes);
        let Ok(text) = String::from_utf8(bytes) else {
            return Poll::Ready(Err(invalid_utf8()));
        };
        append_string(me.output, text);
        Poll::Ready(Ok(n))
    }
}

/// Appends `text` to `output`, reusing `text`'s allocation when `output` is
/// empty and too small to hold it.
pub(crate) fn append_string(output: &mut String, text: String) {
    if output.is_empty() && output.capacity() < text.len() {
        *output = text;
    } else {
        output.push_str(&text);
    }
}

// ===== read_u8 .. read_f64_le =====

/// Future for the `read_u8` .. `read_f64_le` methods of
/// [`AsyncReadExt`](crate::AsyncReadExt): reads exactly `size_of::<T>()`
/// bytes and decodes them.
#[must_use = "futures do nothing unless you `.await` or poll them"]
pub struct ReadInt<'a, R: ?Sized, T> {
    reader: &'a mut R,
    bytes: [u8; 16],
    filled: usize,
    len: usize,
    decode: fn(&[u8]) -> T,
    _out: PhantomData<fn() -> T>,
}

impl<'a, R: ?Sized, T> ReadInt<'a, R, T> {
    pub(crate) fn new(reader: &'a mut R, len: usize, decode: fn(&[u8]) -> T) -> Self {
        debug_assert!(len <= 16);
        ReadInt {
            reader,
            bytes: [0; 16],
            filled: 0,
            len,
            decode,
            _out: PhantomData,
        }
    }
}

impl<R: fmt::Debug + ?Sized, T> fmt::Debug for ReadInt<'_, R, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ReadInt")
            .field("reader", &self.reader)
            .field("filled", &self.filled)
            .field("len", &self.len)
            .finish()
    }
}

impl<R: AsyncRead + Unpin + ?Sized, T> Future for ReadInt<'_, R, T> {
    type Output = io::Result<T>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<T>> {
        let me = self.get_mut();
        while me.filled < me.len {
            let mut buf = ReadBuf::new(&mut me.bytes[me.filled..me.len]);
            ready!(Pin::new(&mut *me.reader).poll_read(cx, &mut buf))?;
            let n = buf.filled().len();
            if n == 0 {
                return Poll::Ready(Err(early_eof()));
            }
            me.filled += n;
        }
        Poll::Ready(Ok((me.decode)(&me.bytes[..me.len])))
    }
}
