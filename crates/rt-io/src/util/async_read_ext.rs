use crate::util::chain::{chain, Chain};
use crate::util::read::{Read, ReadExact, ReadInt, ReadIntoBuf, ReadToEnd, ReadToString};
use crate::util::take::{take, Take};
use crate::{AsyncRead, BufMut};

/// Generates the `read_<number>` methods: each reads exactly
/// `size_of::<$ty>()` bytes and decodes them with `$from`.
macro_rules! read_number {
    ($( $(#[$doc:meta])* $name:ident => $ty:ty, $from:ident; )*) => {$(
        $(#[$doc])*
        ///
        /// # Errors
        ///
        /// Returns an error of kind [`std::io::ErrorKind::UnexpectedEof`] if
        /// the reader reaches EOF before the number is complete, and any
        /// I/O error of the reader.
        ///
        /// # Cancel safety
        ///
        /// This method is not cancellation safe: if it is cancelled after
        /// some bytes were read, those bytes are lost.
        fn $name(&mut self) -> ReadInt<'_, Self, $ty>
        where
            Self: Unpin,
        {
            const LEN: usize = std::mem::size_of::<$ty>();
            ReadInt::new(self, LEN, |bytes: &[u8]| {
                let mut raw = [0u8; LEN];
                raw.copy_from_slice(bytes);
                <$ty>::$from(raw)
            })
        }
    )*};
}

/// Reads bytes from a source.
///
/// Implemented as an extension trait, adding utility methods to all
/// [`AsyncRead`] types. Callers will tend to import this trait instead of
/// [`AsyncRead`].
///
/// ```
/// use rt_io::AsyncReadExt;
///
/// # futures::executor::block_on(async {
/// let mut reader: &[u8] = b"hello";
/// let mut buffer = [0; 10];
///
/// // The `read` method is defined by this trait.
/// let n = reader.read(&mut buffer[..]).await?;
/// assert_eq!(&buffer[..n], b"hello");
/// # std::io::Result::Ok(()) }).unwrap();
/// ```
///
/// See [crate-level] documentation for more details.
///
/// [crate-level]: crate
pub trait AsyncReadExt: AsyncRead {
    /// Creates a new `AsyncRead` instance that chains this stream with
    /// `next`.
    ///
    /// The returned `AsyncRead` instance will first read all bytes from this
    /// object until EOF is encountered. Afterwards the output is equivalent to
    /// the output of `next`.
    ///
    /// # Examples
    ///
    /// ```
    /// use rt_io::AsyncReadExt;
    ///
    /// # futures::executor::block_on(async {
    /// let mut chained = (&b"foo"[..]).chain(&b"bar"[..]);
    /// let mut out = String::new();
    /// chained.read_to_string(&mut out).await?;
    /// assert_eq!(out, "foobar");
    /// # std::io::Result::Ok(()) }).unwrap();
    /// ```
    fn chain<R>(self, next: R) -> Chain<Self, R>
    where
        Self: Sized,
        R: AsyncRead,
    {
        chain(self, next)
    }

    /// Pulls some bytes from this source into the specified buffer,
    /// returning how many bytes were read.
    ///
    /// Equivalent to:
    ///
    /// ```ignore
    /// async fn read(&mut self, buf: &mut [u8]) -> io::Result<usize>;
    /// ```
    ///
    /// This method does not provide any guarantees about whether it
    /// completes immediately or asynchronously.
    ///
    /// # Return
    ///
    /// If the return value of this method is `Ok(n)`, then it must be
    /// guaranteed that `0 <= n <= buf.len()`. A nonzero `n` value indicates
    /// that the buffer `buf` has been filled in with `n` bytes of data from
    /// this source. If `n` is `0`, then it can indicate one of two
    /// scenarios:
    ///
    /// 1. This reader has reached its "end of file" and will likely no longer
    ///    be able to produce bytes. Note that this does not mean that the
    ///    reader will *always* no longer be able to produce bytes.
    /// 2. The buffer specified was 0 bytes in length.
    ///
    /// No guarantees are provided about the contents of `buf` when this
    /// function is called, implementations cannot rely on any property of the
    /// contents of `buf` being true. It is recommended that *implementations*
    /// only write data to `buf` instead of reading its contents.
    ///
    /// # Errors
    ///
    /// If this function encounters any form of I/O or other error, an error
    /// variant will be returned. If an error is returned then it must be
    /// guaranteed that no bytes were read.
    ///
    /// # Cancel safety
    ///
    /// This method is cancel safe. If you use it as the event in a `select!`
    /// statement and some other branch completes first, then it is
    /// guaranteed that no data was read.
    fn read<'a>(&'a mut self, buf: &'a mut [u8]) -> Read<'a, Self>
    where
        Self: Unpin,
    {
        Read::new(self, buf)
    }

    /// Pulls some bytes from this source into the specified buffer,
    /// advancing the buffer's internal cursor.
    ///
    /// Equivalent to:
    ///
    /// ```ignore
    /// async fn read_buf<B: BufMut>(&mut self, buf: &mut B) -> io::Result<usize>;
    /// ```
    ///
    /// Usually, only a single `read` syscall is issued, even if there is
    /// more space in the supplied buffer.
    ///
    /// **Difference from Tokio:** `B` is this crate's [`BufMut`] (implemented
    /// for `Vec<u8>`, `&mut [u8]`, `&mut [MaybeUninit<u8>]` and
    /// [`ReadBuf`](crate::ReadBuf)), not `bytes::BufMut`.
    ///
    /// # Return
    ///
    /// A nonzero `n` value indicates that the buffer `buf` has been filled
    /// in with `n` bytes of data from this source. If `n` is `0`, then it can
    /// indicate one of two scenarios:
    ///
    /// 1. This reader has reached its "end of file" and will likely no longer
    ///    be able to produce bytes.
    /// 2. The buffer specified had a remaining capacity of zero.
    ///
    /// # Cancel safety
    ///
    /// This method is cancel safe: if it is cancelled, no data was read.
    ///
    /// # Examples
    ///
    /// ```
    /// use rt_io::AsyncReadExt;
    ///
    /// # futures::executor::block_on(async {
    /// let mut reader: &[u8] = b"abc";
    /// let mut buf = Vec::new();
    /// let n = reader.read_buf(&mut buf).await?;
    /// assert_eq!((n, &buf[..]), (3, &b"abc"[..]));
    /// # std::io::Result::Ok(()) }).unwrap();
    /// ```
    fn read_buf<'a, B>(&'a mut self, buf: &'a mut B) -> ReadIntoBuf<'a, Self, B>
    where
        Self: Unpin,
        B: BufMut + ?Sized,
    {
        ReadIntoBuf::new(self, buf)
    }

    /// Reads the exact number of bytes required to fill `buf`.
    ///
    /// Equivalent to:
    ///
    /// ```ignore
    /// async fn read_exact(&mut self, buf: &mut [u8]) -> io::Result<usize>;
    /// ```
    ///
    /// This function reads as many bytes as necessary to completely fill
    /// the specified buffer `buf`, and returns `buf.len()`.
    ///
    /// # Errors
    ///
    /// If the operation encounters an "end of file" before completely
    /// filling the buffer, it returns an error of the kind
    /// [`ErrorKind::UnexpectedEof`]. The contents of `buf` are unspecified
    /// in this case.
    ///
    /// If any other read error is encountered then the operation
    /// immediately returns. The contents of `buf` are unspecified in this
    /// case.
    ///
    /// If this operation returns an error, it is unspecified how many bytes
    /// it has read, but it will never read more than would be necessary to
    /// completely fill the buffer.
    ///
    /// # Cancel safety
    ///
    /// This method is not cancellation safe. If the method is used as the
    /// event in a `select!` statement and some other branch completes first,
    /// then some data may already have been read into `buf`.
    ///
    /// [`ErrorKind::UnexpectedEof`]: std::io::ErrorKind::UnexpectedEof
    fn read_exact<'a>(&'a mut self, buf: &'a mut [u8]) -> ReadExact<'a, Self>
    where
        Self: Unpin,
    {
        ReadExact::new(self, buf)
    }

    read_number! {
        /// Reads an unsigned 8 bit integer from the underlying reader.
        read_u8 => u8, from_be_bytes;
        /// Reads a signed 8 bit integer from the underlying reader.
        read_i8 => i8, from_be_bytes;
        /// Reads an unsigned 16-bit integer in big-endian order from the
        /// underlying reader.
        read_u16 => u16, from_be_bytes;
        /// Reads a signed 16-bit integer in big-endian order from the
        /// underlying reader.
        read_i16 => i16, from_be_bytes;
        /// Reads an unsigned 32-bit integer in big-endian order from the
        /// underlying reader.
        read_u32 => u32, from_be_bytes;
        /// Reads a signed 32-bit integer in big-endian order from the
        /// underlying reader.
        read_i32 => i32, from_be_bytes;
        /// Reads an unsigned 64-bit integer in big-endian order from the
        /// underlying reader.
        read_u64 => u64, from_be_bytes;
        /// Reads a signed 64-bit integer in big-endian order from the
        /// underlying reader.
        read_i64 => i64, from_be_bytes;
        /// Reads an unsigned 128-bit integer in big-endian order from the
        /// underlying reader.
        read_u128 => u128, from_be_bytes;
        /// Reads a signed 128-bit integer in big-endian order from the
        /// underlying reader.
        read_i128 => i128, from_be_bytes;
        /// Reads a 32-bit floating point number in big-endian order from the
        /// underlying reader.
        read_f32 => f32, from_be_bytes;
        /// Reads a 64-bit floating point number in big-endian order from the
        /// underlying reader.
        read_f64 => f64, from_be_bytes;
        /// Reads an unsigned 16-bit integer in little-endian order from the
        /// underlying reader.
        read_u16_le => u16, from_le_bytes;
        /// Reads a signed 16-bit integer in little-endian order from the
        /// underlying reader.
        read_i16_le => i16, from_le_bytes;
        /// Reads an unsigned 32-bit integer in little-endian order from the
        /// underlying reader.
        read_u32_le => u32, from_le_bytes;
        /// Reads a signed 32-bit integer in little-endian order from the
        /// underlying reader.
        read_i32_le => i32, from_le_bytes;
        /// Reads an unsigned 64-bit integer in little-endian order from the
        /// underlying reader.
        read_u64_le => u64, from_le_bytes;
        /// Reads a signed 64-bit integer in little-endian order from the
        /// underlying reader.
        read_i64_le => i64, from_le_bytes;
        /// Reads an unsigned 128-bit integer in little-endian order from the
        /// underlying reader.
        read_u128_le => u128, from_le_bytes;
        /// Reads a signed 128-bit integer in little-endian order from the
        /// underlying reader.
        read_i128_le => i128, from_le_bytes;
        /// Reads a 32-bit floating point number in little-endian order from
        /// the underlying reader.
        read_f32_le => f32, from_le_bytes;
        /// Reads a 64-bit floating point number in little-endian order from
        /// the underlying reader.
        read_f64_le => f64, from_le_bytes;
    }

    /// Reads all bytes until EOF in this source, placing them into `buf`.
    ///
    /// Equivalent to:
    ///
    /// ```ignore
    /// async fn read_to_end(&mut self, buf: &mut Vec<u8>) -> io::Result<usize>;
    /// ```
    ///
    /// All bytes read from this source will be appended to the specified
    /// buffer `buf`. This function will continuously call [`read()`] to
    /// append more data to `buf` until [`read()`] returns `Ok(0)`.
    ///
    /// If successful, the total number of bytes read is returned.
    ///
    /// [`read()`]: AsyncReadExt::read
    ///
    /// # Errors
    ///
    /// If a read error is encountered then the `read_to_end` operation
    /// immediately completes. Any bytes which have already been read will
    /// be appended to `buf`.
    ///
    /// # Examples
    ///
    /// ```
    /// use rt_io::AsyncReadExt;
    ///
    /// # futures::executor::block_on(async {
    /// let mut reader: &[u8] = b"all of it";
    /// let mut buf = b">".to_vec();
    /// assert_eq!(reader.read_to_end(&mut buf).await?, 9);
    /// assert_eq!(buf, b">all of it");
    /// # std::io::Result::Ok(()) }).unwrap();
    /// ```
    fn read_to_end<'a>(&'a mut self, buf: &'a mut Vec<u8>) -> ReadToEnd<'a, Self>
    where
        Self: Unpin,
    {
        ReadToEnd::new(self, buf)
    }

    /// Reads all bytes until EOF in this source, appending them to `dst`.
    ///
    /// Equivalent to:
    ///
    /// ```ignore
    /// async fn read_to_string(&mut self, dst: &mut String) -> io::Result<usize>;
    /// ```
    ///
    /// On success, the total number of bytes read is returned.
    ///
    /// # Errors
    ///
    /// If the data in this stream is *not* valid UTF-8 then an error of kind
    /// [`ErrorKind::InvalidData`] is returned and `dst` is unchanged. If a
    /// read error is encountered, it is returned and `dst` is unchanged too.
    ///
    /// # Cancel safety
    ///
    /// This method is not cancellation safe: the bytes read before
    /// cancellation are lost (`dst` is left unchanged).
    ///
    /// [`ErrorKind::InvalidData`]: std::io::ErrorKind::InvalidData
    fn read_to_string<'a>(&'a mut self, dst: &'a mut String) -> ReadToString<'a, Self>
    where
        Self: Unpin,
    {
        ReadToString::new(self, dst)
    }

    /// Creates an adaptor which reads at most `limit` bytes from it.
    ///
    /// This function returns a new instance of `AsyncRead` which will read
    /// at most `limit` bytes, after which it will always return EOF
    /// (`Ok(0)`). Any read errors will not count towards the number of
    /// bytes read and future calls to [`read()`] may succeed.
    ///
    /// [`read()`]: fn@crate::AsyncReadExt::read
    ///
    /// # Examples
    ///
    /// ```
    /// use rt_io::AsyncReadExt;
    ///
    /// # futures::executor::block_on(async {
    /// let mut limited = (&b"0123456789"[..]).take(4);
    /// let mut out = Vec::new();
    /// limited.read_to_end(&mut out).await?;
    /// assert_eq!(out, b"0123");
    /// # std::io::Result::Ok(()) }).unwrap();
    /// ```
    fn take(self, limit: u64) -> Take<Self>
    where
        Self: Sized,
    {
        take(self, limit)
    }
}

impl<R: AsyncRead + ?Sized> AsyncReadExt for R {}
