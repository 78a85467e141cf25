use crate::util::write::{
    Flush, Shutdown, Write, WriteAll, WriteAllFromBuf, WriteFromBuf, WriteInt, WriteVectored,
};
use crate::{AsyncWrite, Buf};

use std::io::IoSlice;

/// Generates the `write_<number>` methods: each encodes the number with
/// `$to` and writes all of its bytes.
macro_rules! write_number {
    ($( $(#[$doc:meta])* $name:ident => $ty:ty, $to:ident; )*) => {$(
        $(#[$doc])*
        ///
        /// # Errors
        ///
        /// Returns an error of kind [`std::io::ErrorKind::WriteZero`] if the
        /// writer accepts no more bytes, and any I/O error of the writer.
        ///
        /// # Cancel safety
        ///
        /// This method is not cancellation safe: if it is cancelled, some of
        /// the bytes may have been written.
        fn $name(&mut self, n: $ty) -> WriteInt<'_, Self>
        where
            Self: Unpin,
        {
            WriteInt::new(self, &n.$to())
        }
    )*};
}

/// Writes bytes to a sink.
///
/// Implemented as an extension trait, adding utility methods to all
/// [`AsyncWrite`] types. Callers will tend to import this trait instead of
/// [`AsyncWrite`].
///
/// ```
/// use rt_io::AsyncWriteExt;
///
/// # futures::executor::block_on(async {
/// let mut out = Vec::new();
/// // The `write_all` method is defined by this trait.
/// out.write_all(b"some bytes").await?;
/// out.flush().await?;
/// assert_eq!(out, b"some bytes");
/// # std::io::Result::Ok(()) }).unwrap();
/// ```
///
/// See [crate-level] documentation for more details.
///
/// [crate-level]: crate
pub trait AsyncWriteExt: AsyncWrite {
    /// Writes a buffer into this writer, returning how many bytes were
    /// written.
    ///
    /// Equivalent to:
    ///
    /// ```ignore
    /// async fn write(&mut self, buf: &[u8]) -> io::Result<usize>;
    /// ```
    ///
    /// This function will attempt to write the entire contents of `buf`, but
    /// the entire write may not succeed, or the write may also generate an
    /// error. A call to `write` represents *at most one* attempt to write to
    /// any wrapped object.
    ///
    /// # Return
    ///
    /// If the return value is `Ok(n)` then it must be guaranteed that `n <=
    /// buf.len()`. A return value of `0` typically means that the
    /// underlying object is no longer able to accept bytes and will likely
    /// not be able to in the future as well, or that the buffer provided is
    /// empty.
    ///
    /// # Errors
    ///
    /// Each call to `write` may generate an I/O error indicating that the
    /// operation could not be completed. If an error is returned then no bytes
    /// in the buffer were written to this writer.
    ///
    /// It is **not** considered an error if the entire buffer could not be
    /// written to this writer.
    ///
    /// # Cancel safety
    ///
    /// This method is cancellation safe in the sense that if it is used as
    /// the event in a `select!` statement and some other branch completes
    /// first, then it is guaranteed that no data was written to this
    /// `AsyncWrite`.
    fn write<'a>(&'a mut self, src: &'a [u8]) -> Write<'a, Self>
    where
        Self: Unpin,
    {
        Write::new(self, src)
    }

    /// Like [`write`], except that it writes from a slice of buffers.
    ///
    /// Equivalent to:
    ///
    /// ```ignore
    /// async fn write_vectored(&mut self, bufs: &[IoSlice<'_>]) -> io::Result<usize>;
    /// ```
    ///
    /// Data is copied from each buffer in order, with the final buffer read
    /// from possibly being only partially consumed. This method must behave
    /// as a call to [`write`] with the buffers concatenated would.
    ///
    /// # Cancel safety
    ///
    /// This method is cancellation safe: if it is cancelled, no data was
    /// written.
    ///
    /// # Examples
    ///
    /// ```
    /// use rt_io::AsyncWriteExt;
    /// use std::io::IoSlice;
    ///
    /// # futures::executor::block_on(async {
    /// let mut out = Vec::new();
    /// let bufs = [IoSlice::new(b"hello "), IoSlice::new(b"world")];
    /// let n = out.write_vectored(&bufs).await?;
    /// assert_eq!(&out[..n], &b"hello world"[..n]);
    /// # std::io::Result::Ok(()) }).unwrap();
    /// ```
    ///
    /// [`write`]: AsyncWriteExt::write
    fn write_vectored<'a, 'b>(&'a mut self, bufs: &'a [IoSlice<'b>]) -> WriteVectored<'a, 'b, Self>
    where
        Self: Unpin,
    {
        WriteVectored::new(self, bufs)
    }

    /// Writes a buffer into this writer, advancing the buffer's internal
    /// cursor.
    ///
    /// Equivalent to:
    ///
    /// ```ignore
    /// async fn write_buf<B: Buf>(&mut self, buf: &mut B) -> io::Result<usize>;
    /// ```
    ///
    /// This function will attempt to write the entire contents of `buf`, but
    /// the entire write may not succeed, or the write may also generate an
    /// error. After the operation completes, the buffer's internal cursor is
    /// advanced by the number of bytes written. A subsequent call to
    /// `write_buf` using the **same** `buf` value will resume from the point
    /// that the first call to `write_buf` completed. A call to `write_buf`
    /// represents *at most one* attempt to write to any wrapped object.
    ///
    /// **Difference from Tokio:** `B` is this crate's [`Buf`] (implemented for
    /// `&[u8]`, `std::io::Cursor<T: AsRef<[u8]>>` and `VecDeque<u8>`), not
    /// `bytes::Buf`.
    ///
    /// # Return
    ///
    /// If the return value is `Ok(n)` then it must be guaranteed that `n <=
    /// buf.remaining()`. A return value of `0` typically means that the
    /// underlying object is no longer able to accept bytes and will likely
    /// not be able to in the future as well, or that the buffer provided is
    /// empty.
    ///
    /// # Cancel safety
    ///
    /// This method is cancellation safe: if it is cancelled, no data was
    /// written.
    ///
    /// # Examples
    ///
    /// ```
    /// use rt_io::AsyncWriteExt;
    /// use std::io::Cursor;
    ///
    /// # futures::executor::block_on(async {
    /// let mut out = Vec::new();
    /// let mut src = Cursor::new(b"data".to_vec());
    /// let n = out.write_buf(&mut src).await?;
    /// assert_eq!((n, src.position()), (4, 4));
    /// # std::io::Result::Ok(()) }).unwrap();
    /// ```
    fn write_buf<'a, B>(&'a mut self, src: &'a mut B) -> WriteFromBuf<'a, Self, B>
    where
        Self: Sized + Unpin,
        B: Buf,
    {
        WriteFromBuf::new(self, src)
    }

    /// Attempts to write an entire buffer into this writer.
    ///
    /// Equivalent to:
    ///
    /// ```ignore
    /// async fn write_all_buf(&mut self, buf: impl Buf) -> Result<(), io::Error> {
    ///     while buf.has_remaining() {
    ///         self.write_buf(&mut buf).await?;
    ///     }
    ///     Ok(())
    /// }
    /// ```
    ///
    /// This method will continuously call [`write`] until
    /// [`buf.has_remaining()`](Buf::has_remaining) returns false. This method
    /// will not return until the entire buffer has been successfully written
    /// or an error occurs. The first error generated will be returned.
    ///
    /// The buffer is advanced after each chunk is successfully written. After
    /// failure, `src.chunk()` will return the chunk that failed to write.
    ///
    /// **Difference from Tokio:** `B` is this crate's [`Buf`], not
    /// `bytes::Buf`.
    ///
    /// # Errors
    ///
    /// Returns an error of kind [`std::io::ErrorKind::WriteZero`] if the writer
    /// stops accepting bytes.
    ///
    /// # Cancel safety
    ///
    /// If `write_all_buf` is used as the event in a `select!` statement and
    /// some other branch completes first, then the data in the provided buffer
    /// may have been partially written. However, it is guaranteed that the
    /// provided buffer has been advanced by the amount of bytes that have been
    /// partially written.
    ///
    /// [`write`]: AsyncWriteExt::write
    fn write_all_buf<'a, B>(&'a mut self, src: &'a mut B) -> WriteAllFromBuf<'a, Self, B>
    where
        Self: Sized + Unpin,
        B: Buf,
    {
        WriteAllFromBuf::new(self, src)
    }

    /// Attempts to write an entire buffer into this writer.
    ///
    /// Equivalent to:
    ///
    /// ```ignore
    /// async fn write_all(&mut self, buf: &[u8]) -> io::Result<()>;
    /// ```
    ///
    /// This method will continuously call [`write`] until there is no more
    /// data to be written. This method will not return until the entire
    /// buffer has been successfully written or such an error occurs. The
    /// first error generated from this method will be returned.
    ///
    /// # Errors
    ///
    /// This function will return the first error that [`write`] returns, and
    /// an error of kind [`std::io::ErrorKind::WriteZero`] if [`write`]
    /// returns `Ok(0)`.
    ///
    /// # Cancel safety
    ///
    /// This method is not cancellation safe. If it is used as the event in a
    /// `select!` statement and some other branch completes first, then the
    /// provided buffer may have been partially written, but future calls to
    /// `write_all` will start over from the beginning of the buffer.
    ///
    /// [`write`]: AsyncWriteExt::write
    fn write_all<'a>(&'a mut self, src: &'a [u8]) -> WriteAll<'a, Self>
    where
        Self: Unpin,
    {
        WriteAll::new(self, src)
    }

    write_number! {
        /// Writes an unsigned 8-bit integer to the underlying writer.
        write_u8 => u8, to_be_bytes;
        /// Writes a signed 8-bit integer to the underlying writer.
        write_i8 => i8, to_be_bytes;
        /// Writes an unsigned 16-bit integer in big-endian order to the
        /// underlying writer.
        write_u16 => u16, to_be_bytes;
        /// Writes a signed 16-bit integer in big-endian order to the
        /// underlying writer.
        write_i16 => i16, to_be_bytes;
        /// Writes an unsigned 32-bit integer in big-endian order to the
        /// underlying writer.
        write_u32 => u32, to_be_bytes;
        /// Writes a signed 32-bit integer in big-endian order to the
        /// underlying writer.
        write_i32 => i32, to_be_bytes;
        /// Writes an unsigned 64-bit integer in big-endian order to the
        /// underlying writer.
        write_u64 => u64, to_be_bytes;
        /// Writes a signed 64-bit integer in big-endian order to the
        /// underlying writer.
        write_i64 => i64, to_be_bytes;
        /// Writes an unsigned 128-bit integer in big-endian order to the
        /// underlying writer.
        write_u128 => u128, to_be_bytes;
        /// Writes a signed 128-bit integer in big-endian order to the
        /// underlying writer.
        write_i128 => i128, to_be_bytes;
        /// Writes a 32-bit floating point number in big-endian order to the
        /// underlying writer.
        write_f32 => f32, to_be_bytes;
        /// Writes a 64-bit floating point number in big-endian order to the
        /// underlying writer.
        write_f64 => f64, to_be_bytes;
        /// Writes an unsigned 16-bit integer in little-endian order to the
        /// underlying writer.
        write_u16_le => u16, to_le_bytes;
        /// Writes a signed 16-bit integer in little-endian order to the
        /// underlying writer.
        write_i16_le => i16, to_le_bytes;
        /// Writes an unsigned 32-bit integer in little-endian order to the
        /// underlying writer.
        write_u32_le => u32, to_le_bytes;
        /// Writes a signed 32-bit integer in little-endian order to the
        /// underlying writer.
        write_i32_le => i32, to_le_bytes;
        /// Writes an unsigned 64-bit integer in little-endian order to the
        /// underlying writer.
        write_u64_le => u64, to_le_bytes;
        /// Writes a signed 64-bit integer in little-endian order to the
        /// underlying writer.
        write_i64_le => i64, to_le_bytes;
        /// Writes an unsigned 128-bit integer in little-endian order to the
        /// underlying writer.
        write_u128_le => u128, to_le_bytes;
        /// Writes a signed 128-bit integer in little-endian order to the
        /// underlying writer.
        write_i128_le => i128, to_le_bytes;
        /// Writes a 32-bit floating point number in little-endian order to
        /// the underlying writer.
        write_f32_le => f32, to_le_bytes;
        /// Writes a 64-bit floating point number in little-endian order to
        /// the underlying writer.
        write_f64_le => f64, to_le_bytes;
    }

    /// Flushes this output stream, ensuring that all intermediately buffered
    /// contents reach their destination.
    ///
    /// Equivalent to:
    ///
    /// ```ignore
    /// async fn flush(&mut self) -> io::Result<()>;
    /// ```
    ///
    /// # Errors
    ///
    /// It is considered an error if not all bytes could be written due to
    /// I/O errors or EOF being reached.
    ///
    /// # Cancel safety
    ///
    /// This method is cancel safe.
    ///
    /// If `flush` is used as the event in a `select!` statement and some
    /// other branch completes first, then the data in the buffered data in
    /// this `AsyncWrite` may have been partially flushed. However, it is
    /// guaranteed that the buffer is advanced by the amount of bytes that have
    /// been partially flushed.
    fn flush(&mut self) -> Flush<'_, Self>
    where
        Self: Unpin,
    {
        Flush::new(self)
    }

    /// Shuts down the output stream, ensuring that the value can be dropped
    /// cleanly.
    ///
    /// Equivalent to:
    ///
    /// ```ignore
    /// async fn shutdown(&mut self) -> io::Result<()>;
    /// ```
    ///
    /// Similar to [`flush`], all intermediately buffered is written to the
    /// underlying stream. Once the operation completes, the caller should
    /// no longer attempt to write to the stream. For example, the
    /// `TcpStream` implementation will issue a `shutdown(Write)` sys call.
    ///
    /// [`flush`]: fn@crate::AsyncWriteExt::flush
    fn shutdown(&mut self) -> Shutdown<'_, Self>
    where
        Self: Unpin,
    {
        Shutdown::new(self)
    }
}

impl<W: AsyncWrite + ?Sized> AsyncWriteExt for W {}
